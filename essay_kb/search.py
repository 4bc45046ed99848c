"""Search that finds the section, in the reader's words, and never leaves the browser.

At build time the text of every essay and content page (its article, as read: no sidebar, crisis
notice, copy-link rows or meta line) is split into its introduction, sections and glossary terms
(``env.kb_search``, kept by a collector as each page is read), and ``search_index.py`` turns it into
static files under ``<site>/search-index/``: the words and pages in parts, and a small
``index.json`` (search_index.py says how: which files a search loads never depends on what was
typed). Each essay also carries its themes and tags (filters) and its title, summary and tags
(searched, and shown in results).

In the browser, the search loads ``index.json`` and, on a site of a few dozen essays, every
part of the index when search opens; on a large site, a fixed number of parts per question. Its
code is written here from the modules in ``search_js/`` (core, ranking, the index reader, the
panel, the page) in two files (``scripts.py``): ``kb-search.js``, which every page carries (the
dialog and the shortcuts, a few KB), and ``kb-search-engine.js``, everything else, which it loads
the first time the reader goes to search (focusing or touching the box, "/", Ctrl+K, the phone's
button, the search page); the modules load on their own in Node for the tests (``tests/js/``). The sidebar box, "/" or Ctrl+K open a search dialog;
``/search/`` shows the same panel inline. The query lives only in the page: no form submits it,
nothing writes it to the URL, history or storage, and every file it loads comes from the site.

Why not Pagefind, which this site used first: at 1,000 essays its first query downloaded a median
of 140 KiB and up to 187 KiB (a fixed 83 KiB of WebAssembly and script, then index chunks, which for a
word that falls between two chunks include the 40 KB chunks of "the" or "a"), against the issue's
150 KB; guide/search.md has the figures. Ranking, sections and excerpts were already this site's own.

Sphinx's own index (searchindex.js) is no longer used by any page, and it grows with the site
(about 0.5 MB at 1,000 essays) and holds every page's words: it is not written at all.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

from . import lexicon as lay_lexicon
from . import meaning as meaning_layer
from . import output
from . import scripts
from .collectors import PageDataCollector
from .navigation import fixed_pages
from .permalinks import page_path
from .search_index import FILE_NAMES, Block, Page, Stemmer, block_counts, blocks_of, bundle_files, words
from .themes import theme_docname
from .warnings_ import KbWarning
from .output import site_file, write_if_changed

logger = logging.getLogger(__name__)

BUNDLE_DIR = "search-index"
CSS_FILES = ["kb-search.css"]
SCRIPT_FILE = "kb-search.js"
JS_FILES = [SCRIPT_FILE]
# The search's modules (essay_kb/search_js/), each needing only those before it; words.js's header
# says how each registers itself. Every page carries page.js alone (SCRIPT_FILE: the dialog, the
# shortcuts); it loads the rest (ENGINE_FILE) the first time the reader goes to search (scripts.py).
SCRIPT_DIR = Path(__file__).parent / "search_js"
SCRIPT_SOURCES = ["page.js"]
ENGINE_FILE = "kb-search-engine.js"
ENGINE_GLOBAL = "kbSearchEngine"
ENGINE_SOURCES = ["words.js", "core.js", "parts.js", "rank.js", "reader.js", "panel.js", "model.js", "engine.js"]
# The Porter2 stemmer for the browser (kb-search.js stems the reader's words as the index does):
# wink-porter2-stemmer, kept verbatim in essay_kb/vendor/ (tests compare it with the npm package
# and with the stems the index uses), wrapped here because it is a CommonJS module.
STEMMER_SOURCE = Path(__file__).parent / "vendor" / "wink-porter2-stemmer.js"
STEMMER_FILE = "kb-porter2.js"
STEMMER_GLOBAL = "kbPorter2"  # the global the wrapped stemmer sets (stemmer_script)
STEMMER = Stemmer()  # one per process, so each distinct word is stemmed once
# The sentence model in the reader's browser (search_js/model.js): the build's own model file, run by
# ONNX Runtime Web (npm's onnxruntime-web, pinned in package-lock.json: its WebAssembly build without
# threads or GPU, and the script that loads it), and the model's vocabulary. Served from the site
# (MODEL_DIR), loaded only when the reader asks for it: see guide/search.md, "Meaning".
MODEL_DIR = "_static/kb-model"
RUNTIME_DIR = Path(__file__).parent.parent / "node_modules" / "onnxruntime-web" / "dist"
RUNTIME_FILES = ["ort.wasm.min.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"]
MODEL_FILE, VOCAB_FILE = "model.onnx", "vocab.json"
# What the reader downloads for it, gzipped as a host sends it (the model file hardly compresses):
# the files are pinned by hash, so this is a constant (tests/test_model_browser.py measures it).
MODEL_DOWNLOAD_MB = 25


def is_indexed(app, pagename: str) -> bool:
    """Essays, the help pages and the content pages listed under "About" (not the link directory,
    which only repeats every essay's section titles, nor theme pages and the home page, which list
    summaries)."""
    if pagename in app.env.kb_essays:
        return True
    return pagename in fixed_pages(app.config) and pagename != app.config.kb_links_page


def page_record(app, docname: str) -> Page:
    read = read_record(docname, app.env.kb_search.get(docname))
    blocks = [Block(*block) for block in read["blocks"]]
    url = page_path(docname)[1:]
    essay = app.env.kb_essays.get(docname)
    if essay:
        return Page(url, essay["title"], blocks, essay["summary"], essay["themes"], essay["tags"], read["counts"])
    title = app.env.titles[docname].astext() if docname in app.env.titles else (blocks[0].heading if blocks else "")
    summary = " ".join(str(app.env.metadata.get(docname, {}).get("summary", "") or "").split())
    return Page(url, title, blocks, summary, counts=read["counts"])


def search_themes(app, pagename: str) -> list[dict]:
    """Themes for the search panel: filter options and the links offered when nothing matched."""
    return [
        {"key": theme["key"], "title": theme["title"],
         "uri": app.builder.get_relative_uri(pagename, theme_docname(theme["key"]))}
        for theme in app.config.kb_themes
    ]


# Offered when a question is on a topic no essay covers (beside the themes): someone to talk to now.
NOTHING_FOUND_LINES = ("crisis", "emergency")


def search_help_lines(app) -> list[dict]:
    from .helplines import reach_parts
    lines = getattr(app.config, "kb_help_lines", {}) or {}
    return [{"name": lines[name]["name"], "reach": reach_parts(lines[name])} for name in NOTHING_FOUND_LINES if name in lines]


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    context["kb_search_themes"] = search_themes(app, pagename)
    context["kb_search_help_lines"] = search_help_lines(app)


def drop_sphinx_search(app) -> None:
    """No page uses Sphinx's index any more: don't build it (the search page is added below)."""
    if app.builder.format == "html" and hasattr(app.builder, "search"):
        app.builder.search = False


def add_assets(app) -> None:
    if app.builder.format == "html":  # before the static files are copied and pages name them
        for name, text in search_scripts().items():
            write_if_changed(site_file(app.outdir, "_static", name), text)
    for name in CSS_FILES:
        app.add_css_file(name)
    for name in JS_FILES:
        app.add_js_file(name, loading_method="defer")


def search_page(app):
    """/search/: the same panel as the dialog, inline (Sphinx only adds it when its own search is on)."""
    if app.builder.format == "html":
        yield "search", {"title": "Search"}, "search.html"


class SearchCollector(PageDataCollector):
    """``env.kb_search[docname]``: the page's blocks as (id, heading, text) and their words counted
    (``block_counts``), read with the page: writing the index needs no doctree, and an incremental
    build counts only the pages it read again. Kept as JSON text: Sphinx saves the environment
    after every build that reads a page, and one string per page is saved and loaded many times
    faster than the same lists and dictionaries (they were more than half of it)."""

    stores = ("kb_search",)

    def process_doc(self, app, doctree):
        blocks = blocks_of(doctree)
        app.env.kb_search[app.env.docname] = json.dumps(
            {"blocks": [(b.id, b.heading, b.text) for b in blocks], "counts": block_counts(blocks, STEMMER)},
            ensure_ascii=False, separators=(",", ":"))


# Each page's record as last decoded, with the text it was decoded from: a process that builds
# again (the kept preview, essay_kb/serve.py) decodes only the pages read since. Not to be changed.
_DECODED: dict[str, tuple[str, dict]] = {}


def read_record(docname: str, text: str | None) -> dict:
    if text is None:
        return {"blocks": [], "counts": {}}
    known = _DECODED.get(docname)
    if known is None or known[0] is not text:
        known = _DECODED[docname] = (text, json.loads(text))
    return known[1]


def init_env(app):
    if not hasattr(app.env, "kb_search"):
        app.env.kb_search = {}


def stemmer_script() -> str:
    source = STEMMER_SOURCE.read_text(encoding="utf-8")
    return f"(function (module) {{\n{source}\n}})(window.{STEMMER_GLOBAL} = {{ exports: null }});\n"


def script_settings(engine: str = "") -> dict:
    """What the browser needs from the build before index.json is here (the rest of the index's
    layout is declared in index.json itself, by search_index.index_format); ``engine``: the
    engine's address with its version (scripts.versioned)."""
    return {"engine": {"file": engine or f"_static/{ENGINE_FILE}", "global": ENGINE_GLOBAL},
            "bundle": f"{BUNDLE_DIR}/", "files": {"index": FILE_NAMES["index"], "filters": FILE_NAMES["filters"],
                                                  "lexicon": FILE_NAMES["lexicon"]},
            "stemmer": {"file": f"_static/{STEMMER_FILE}", "global": STEMMER_GLOBAL},
            "model": {"folder": f"{MODEL_DIR}/", "runtime": RUNTIME_FILES[0], "file": MODEL_FILE, "vocab": VOCAB_FILE,
                      "megabytes": MODEL_DOWNLOAD_MB}}


def search_scripts() -> dict[str, str]:
    """{file name under _static/: text}: the page's script and the engine it loads on first use."""
    engine = scripts.later_script(ENGINE_FILE, "kbSearch", SCRIPT_DIR, ENGINE_SOURCES, ENGINE_GLOBAL)
    settings = script_settings(scripts.versioned(f"_static/{ENGINE_FILE}", engine))
    return {SCRIPT_FILE: scripts.page_script(SCRIPT_FILE, "kbSearch", SCRIPT_DIR, SCRIPT_SOURCES, settings),
            ENGINE_FILE: engine}


def write_bundle(site: Path, pages: list[Page], lexicon: dict[str, str] | None = None, meaning=None,
                 record: Path | None = None, help_pages: list[str] = ()) -> int:
    """Write the index; returns the number of files. Only files whose content changed are written,
    and files an earlier build left that are no longer part of it are removed, so an incremental
    build touches (and a deploy uploads) only what changed (``output.write_folder``; ``record``: its
    record of the files written, kept outside the site)."""
    files = bundle_files(pages, lexicon, meaning, help_pages)
    output.write_folder(site / BUNDLE_DIR, files, record)  # a fixed folder; the names in it are the index's own
    write_if_changed(site_file(site, "_static", STEMMER_FILE), stemmer_script())
    return len(files)


def write_model(site: Path) -> None:
    """The browser's model files (MODEL_DIR): the runtime from node_modules, the model file and its
    vocabulary from the packages the build checked (embedding.py)."""
    missing = [name for name in RUNTIME_FILES if not (RUNTIME_DIR / name).is_file()]
    if missing:
        raise meaning_layer.embedding.ModelMissing(
            f"ONNX Runtime Web is not installed ({RUNTIME_DIR / missing[0]} is missing): run `make html`, "
            "which runs `npm ci --omit=dev` (Node.js and npm are needed)")
    folder = site / MODEL_DIR
    for name in RUNTIME_FILES:
        place(RUNTIME_DIR / name, folder / name)
    embedding = meaning_layer.embedding
    place(embedding.checked(embedding.model_path(), embedding.MODEL_SHA256), folder / MODEL_FILE)
    tokenizer = embedding.checked(embedding.tokenizer_path(), embedding.TOKENIZER_SHA256)
    write_if_changed(folder / VOCAB_FILE, vocabulary_json(tokenizer.read_bytes()))


@lru_cache(maxsize=2)
def vocabulary_json(tokenizer: bytes) -> str:
    """The tokenizer's vocabulary as the browser reads it: its words in id order (made once per
    process and tokenizer file: 60 ms of every kept preview's build at 1,000 essays)."""
    table = json.loads(tokenizer)["model"]["vocab"]
    return json.dumps(sorted(table, key=table.get), ensure_ascii=False, separators=(",", ":"))


def place(source: Path, path: Path) -> None:
    """``source``'s bytes at ``path``: a hard link where the file system allows (the model is 23 MB,
    and every build, test builds too, serves it), else a copy; nothing is done if it is there."""
    if path.is_file() and (path.samefile(source) or path.read_bytes() == source.read_bytes()):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    try:
        os.link(source, path)
    except OSError:
        shutil.copyfile(source, path)


def lexicon_path(app) -> Path:
    return Path(app.confdir, app.config.kb_lexicon_file)


def embedding_cache(app) -> Path:
    return Path(app.confdir, os.environ.get("KB_EMBEDDING_CACHE") or app.config.kb_embedding_cache)


@contextmanager
def cycle_collector_paused():
    """Python's cycle collector off while the index is made, or the pages' records read: the half a
    million small lists they make are all kept, so the collector (which would walk them, and the
    whole environment, again and again) has nothing to free. At 1,000 essays it cost about a third
    of the index's time, and three quarters of reading the records."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_lexicon(app, env) -> None:
    """Every line of the lexicon that is malformed, or whose essays' words no page uses, with its line."""
    path = lexicon_path(app)
    entries, problems = lay_lexicon.read_lexicon(path)
    known = set()
    with cycle_collector_paused():  # the first to read every page's record (see build_index)
        for docname in env.found_docs:
            if is_indexed(app, docname):
                record = page_record(app, docname)
                known |= set(record.counts or {})
                known |= {STEMMER(w) for w in words(f"{record.title} {record.summary} {' '.join(record.tags)}")}
    for problem in problems + lay_lexicon.unused_targets(entries, known, STEMMER):
        logger.warning(problem.message, location=f"{path}:{problem.line}", type="kb", subtype=KbWarning.LEXICON)


def build_index(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    indexed = sorted(docname for docname in app.env.found_docs if is_indexed(app, docname))
    site = Path(app.outdir)
    with cycle_collector_paused():
        pages = [page_record(app, docname) for docname in indexed]
    # Said before the work starts, so a first build's log shows how long the embedding took (make bench).
    logger.info("search: indexing %d pages (sections not in %s are embedded with the sentence model)...",
                len(indexed), embedding_cache(app))
    entries, _ = lay_lexicon.read_lexicon(lexicon_path(app))  # its problems were reported after reading
    table = lay_lexicon.browser_table(entries)
    help_pages = [page_path(docname)[1:] for docname in app.config.kb_help_pages]
    with cycle_collector_paused():
        try:
            meaning = meaning_layer.compute(pages, embedding_cache(app))
        except meaning_layer.embedding.ModelMissing as exc:
            raise ExtensionError(f"search: {exc}") from exc
        count = write_bundle(site, pages, table, meaning, Path(app.doctreedir, "kb-search-files.json"), help_pages)
    try:
        write_model(site)
    except meaning_layer.embedding.ModelMissing as exc:
        raise ExtensionError(f"search: {exc}") from exc
    (site / "searchindex.js").unlink(missing_ok=True)  # left by a build from before this module
    logger.info("search: indexed %d pages into %d files in %s/; sentence vectors: %d embedded now, %d from %s",
                len(indexed), count, BUNDLE_DIR, meaning.embedded, meaning.cached, embedding_cache(app))


def setup(app) -> None:
    app.connect("builder-inited", drop_sphinx_search)
    app.connect("builder-inited", add_assets)
    app.connect("html-collect-pages", search_page)
    app.connect("html-page-context", on_page_context)
    app.connect("builder-inited", init_env)
    app.add_env_collector(SearchCollector)
    app.connect("env-check-consistency", check_lexicon)
    app.connect("build-finished", build_index)
