"""Search that finds the section, in the reader's words, and never leaves the browser.

Pagefind indexes the built site at ``build-finished``; only what sits inside ``data-pagefind-body``
is indexed: the article of each essay and of the few content pages (the sidebar, crisis notice,
copy-link rows, essay meta line and footer stay out). Each essay also carries its themes and tags
as Pagefind filters, and its title, summary and tags as metadata (searched, and shown in results).
Sections are found from the ids on our h2/h3 headings.

In the browser, ``kb-search.js`` uses Pagefind's JavaScript API directly (no Pagefind UI): the
sidebar box, "/" or Ctrl+K open a search dialog; ``/search/`` shows the same panel inline. The
query lives only in the page: no form submits it, nothing writes it to the URL, history or storage,
and every file it loads comes from ``<site>/pagefind/``.

What a reader downloads for a first query must stay small as the site grows (issue 6: at most
150 KB at 1,000 essays). Two things keep it so. Pagefind is asked for small index chunks, so a word
costs about 6 KB instead of 30. And the few words on most pages (at 1,000 essays, "session" on
every one) are listed in ``kb-common-words.json``: they say little about any page, yet each is the
largest file of the index, so the browser does not look them up.

Sphinx's own index (searchindex.js) is no longer used by any page, and it grows with the site
(about 0.5 MB at 1,000 essays) and holds every page's words: it is not written at all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from html import escape
from pathlib import Path

import snowballstemmer
from sphinx.errors import ExtensionError
from sphinx.util import logging

from .themes import theme_docname

logger = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"
CSS_FILES = ["kb-search.css"]
JS_FILES = ["kb-search.js"]
# Locations per index chunk (Pagefind's default: 20,000, about 30 KB). The setting is marked
# unstable in Pagefind 1.5; if it ever goes, searches still work, only their first query is larger
# (tests/bench_search.py shows it).
INDEX_CHUNK_SIZE = 5000
# Pagefind's own interfaces and its highlighter (which reads the words from a ?highlight= address):
# this site uses none of them.
UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                       "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
COMMON_WORDS_FILE = "kb-common-words.json"
COMMON_SHARE = 0.5       # a word on more than half the pages...
COMMON_MIN_PAGES = 100   # ...of at least this many (below, every word's list is small anyway)
WORD = re.compile(r"\w+")


def is_indexed(app, pagename: str) -> bool:
    """Essays and the content pages listed under "About" (not the link directory, which only
    repeats every essay's section titles, nor theme pages and the home page, which list summaries)."""
    if pagename in app.env.kb_essays:
        return True
    return pagename in app.config.kb_sidebar_pages and pagename != app.config.kb_links_page


def index_markers(title: str, summary: str, themes: list[str], tags: list[str]) -> str:
    """Invisible elements that give Pagefind a page's metadata and filter values.

    Inline values (``key:value``) run to the end of the attribute, so commas in a summary are safe.
    """
    attrs = [f"title:{title}"]
    if summary:
        attrs.append(f"summary:{summary}")
    if tags:
        attrs.append(f"tags:{', '.join(tags)}")
    markers = [f'<span data-pagefind-meta="{escape(value)}"></span>' for value in attrs]
    markers += [f'<span data-pagefind-filter="theme:{escape(key)}"></span>' for key in themes]
    markers += [f'<span data-pagefind-filter="tag:{escape(tag)}"></span>' for tag in tags]
    return f'<div class="kb-search-markers" hidden>{"".join(markers)}</div>'


def indexed_body(body: str, markers: str) -> str:
    return f'<div class="kb-search-body" data-pagefind-body>{markers}\n{body}</div>'


def page_record(app, pagename: str, context: dict) -> tuple[str, str, list[str], list[str]]:
    essay = app.env.kb_essays.get(pagename)
    if essay:
        return essay["title"], essay["summary"], essay["themes"], essay["tags"]
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else context.get("title", "")
    summary = str(app.env.metadata.get(pagename, {}).get("summary", "") or "")
    return title, " ".join(summary.split()), [], []


def search_themes(app, pagename: str) -> list[dict]:
    """Themes for the search panel: filter options and the links offered when nothing matched."""
    return [
        {"key": theme["key"], "title": theme["title"],
         "uri": app.builder.get_relative_uri(pagename, theme_docname(theme["key"]))}
        for theme in app.config.kb_themes
    ]


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    context["kb_search_themes"] = search_themes(app, pagename)
    if doctree is not None and "body" in context and is_indexed(app, pagename):
        context["body"] = indexed_body(context["body"], index_markers(*page_record(app, pagename, context)))


def drop_sphinx_search(app) -> None:
    """No page uses Sphinx's index any more: don't build it (the search page is added below)."""
    if app.builder.format == "html" and hasattr(app.builder, "search"):
        app.builder.search = False


def add_assets(app) -> None:
    for name in CSS_FILES:
        app.add_css_file(name)
    for name in JS_FILES:
        app.add_js_file(name, loading_method="defer")


def search_page(app):
    """/search/: the same panel as the dialog, inline (Sphinx only adds it when its own search is on)."""
    if app.builder.format == "html":
        yield "search", {"title": "Search"}, "search.html"


def pagefind_command(site: Path) -> list[str]:
    import pagefind_bin

    return [str(pagefind_bin.get_executable()), "--site", str(site), "--output-subdir", BUNDLE_DIR]


def run_pagefind(site: Path, expected_pages: int) -> dict:
    """Index the built site; fail loudly, with Pagefind's own output, if anything is off."""
    bundle = site / BUNDLE_DIR
    shutil.rmtree(bundle, ignore_errors=True)  # no chunks left over from an earlier build
    env = {**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(INDEX_CHUNK_SIZE)}
    try:
        result = subprocess.run(pagefind_command(site), capture_output=True, text=True, timeout=600, env=env)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ExtensionError(f"search: could not run Pagefind: {exc}") from exc
    output = f"{result.stdout}\n{result.stderr}".strip()
    if result.returncode != 0:
        raise ExtensionError(f"search: Pagefind failed (exit {result.returncode}):\n{output}")
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExtensionError(f"search: Pagefind wrote no usable index ({exc}):\n{output}") from exc
    indexed = sum(language["page_count"] for language in entry.get("languages", {}).values())
    if indexed != expected_pages or not (bundle / "pagefind.js").is_file():
        raise ExtensionError(
            f"search: Pagefind indexed {indexed} pages, expected {expected_pages} "
            f"(every page with data-pagefind-body):\n{output}"
        )
    return entry


def common_words(texts: list[str], share: float = COMMON_SHARE, min_pages: int = COMMON_MIN_PAGES) -> dict[str, int]:
    """Every form of the words found on more than ``share`` of the pages, with that number of pages.

    Forms of one word are counted together, as Pagefind counts them (the same Snowball stemmer),
    and listed as a reader may type them: lower case, without apostrophes.
    """
    if len(texts) < min_pages:
        return {}
    stem = snowballstemmer.stemmer("english").stemWord
    pages_with: Counter = Counter()
    forms: defaultdict = defaultdict(set)
    stems_of: dict[str, str] = {}  # stem each distinct word once, not at every occurrence
    for text in texts:
        stems = set()
        for word in set(WORD.findall(re.sub(r"['’]", "", text.lower()))):
            stemmed = stems_of.get(word) or stems_of.setdefault(word, stem(word))
            stems.add(stemmed)
            forms[stemmed].add(word)
        pages_with.update(stems)
    limit = share * len(texts)
    return {form: pages_with[s] for s in sorted(pages_with) if pages_with[s] > limit for form in sorted(forms[s])}


def write_common_words(app, docnames: list[str]) -> None:
    texts = [app.env.get_doctree(docname).astext() for docname in docnames]
    path = Path(app.outdir, BUNDLE_DIR, COMMON_WORDS_FILE)
    path.write_text(json.dumps(common_words(texts), sort_keys=True, separators=(",", ":")), encoding="utf-8")


def build_index(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    indexed = sorted(docname for docname in app.env.found_docs if is_indexed(app, docname))
    site = Path(app.outdir)
    run_pagefind(site, len(indexed))
    for name in UNUSED_BUNDLE_FILES:
        (site / BUNDLE_DIR / name).unlink(missing_ok=True)
    (site / "searchindex.js").unlink(missing_ok=True)  # left by a build from before this module
    write_common_words(app, indexed)
    logger.info("search: Pagefind indexed %d pages into %s/", len(indexed), BUNDLE_DIR)


def setup(app) -> None:
    app.connect("builder-inited", drop_sphinx_search)
    app.connect("builder-inited", add_assets)
    app.connect("html-collect-pages", search_page)
    app.connect("html-page-context", on_page_context)
    # After every other build-finished step that writes HTML (sitemap, robots, redirects).
    app.connect("build-finished", build_index, priority=900)
