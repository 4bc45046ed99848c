"""Link previews: what a messaging app or social site shows when someone pastes a page's address.

Every content page gets OpenGraph and Twitter-card tags and a meta description, made from the
page's own title and front-matter summary: never from its body text, so nothing else on the page
(the crisis notice included, which is not part of the content) can end up in a preview. Canonical
URLs come from Furo (``html_baseurl`` + the page's dirhtml address); og:url is the same address.

A **discreet** page (``discreet: true`` in an essay's front matter, or in any other page's: the
help pages for the worst moments are not essays) previews as the practice's name and a neutral line
only, so a link sent to a client does not name the topic on a lock screen or a shared screen. The
page's ``<title>`` stays descriptive: every preview tool reads og:title before ``<title>`` (so the
title never reaches a preview), while a screen reader announces ``<title>`` first on arrival and
WCAG 2.4.2 asks it to say what the page is; the tab and the history are the reader's own device,
which "Reading this site safely" covers. The address is the page's file name, unless the author
gives a discreet page a neutral one (``neutral-address: /p/q7/``: ``neutral_addresses`` and
``permalinks.publish_at``; the old address then redirects, through the ledger and
``redirects.yaml``); reading-list links that include a discreet page are opaque (reading_list.py).

Why not sphinxext-opengraph: it takes the description from the page's text and the title from
``<title>``, draws social-card images from them when matplotlib happens to be installed, and on
Read the Docs switches its site URL from the environment. Each would need overriding for discreet
essays; writing these few tags directly is shorter and cannot leak by default.
"""

from __future__ import annotations

import re
from html import escape

from docutils import nodes
from sphinx.util import logging

from .collectors import PageDataCollector
from .model import is_essay, split_front_matter
from .permalinks import natural_path, publish_at
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

DESCRIPTION_MAX_CHARS = 200


def shorten(text: str, limit: int = DESCRIPTION_MAX_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def preview_text(title: str, summary: str, *, discreet: bool, practice: str, neutral_line: str) -> tuple[str, str]:
    """(preview title, preview description) for a page."""
    if discreet:
        return practice, neutral_line
    return title, shorten(summary)


def meta_tags(fields: dict[str, str]) -> str:
    """``og:*`` as property tags, everything else (description, twitter:*) as name tags."""
    lines = []
    for key, value in fields.items():
        attribute = "property" if key.startswith("og:") else "name"
        lines.append(f'<meta {attribute}="{escape(key)}" content="{escape(value)}">')
    return "\n".join(lines) + "\n"


def first_paragraph(doctree) -> str:
    paragraph = next(iter(doctree.findall(nodes.paragraph)), None) if doctree is not None else None
    return paragraph.astext() if paragraph is not None else ""


def is_discreet(env, docname: str) -> bool:
    """Whether a page asked for discreet previews and links: an essay's checked field, or another
    page's front matter (``DiscreetPageCollector``)."""
    essay = getattr(env, "kb_essays", {}).get(docname)
    if essay:
        return bool(essay.get("discreet"))
    return docname in getattr(env, "kb_discreet_pages", {})


NEUTRAL_ADDRESS = "neutral-address"
# A path of lowercase slugs, e.g. /p/q7/ (what a file name may be, a folder at a time).
ADDRESS = re.compile(r"^/(?:[a-z0-9]+(?:-[a-z0-9]+)*/)+$")
# Addresses the site writes for itself (dirhtml pages, assets, the search index, reading lists).
RESERVED = ("search", "genindex", "404", "reading-list", "search-index", "themes", "essays")


class DiscreetPageCollector(PageDataCollector):
    """``env.kb_discreet_pages[docname]``: ``{"neutral": "/p/q7/" or ""}`` for a page that is not
    an essay and whose front matter says ``discreet: true`` (the essay schema checks essays), with
    the neutral address it asked to be published at (``neutral-address``). Any other value of
    either field is refused with its line: 'discreet: yes' would otherwise leave the page's topic
    in every preview unnoticed. Read from the file, not ``env.metadata``, where MyST has turned
    every value into text."""

    stores = ("kb_discreet_pages",)

    def process_doc(self, app, doctree):
        env = app.env
        if is_essay(app, env.docname) or not str(env.doc2path(env.docname)).endswith(".md"):
            return
        data, lines, _ = split_front_matter(env.doc2path(env.docname).read_text(encoding="utf-8-sig"))
        data = data or {}
        value, address = data.get("discreet"), data.get(NEUTRAL_ADDRESS)

        def refuse(field: str, message: str) -> None:
            logger.warning(message, location=(env.docname, lines.get(field, 1)), type="kb", subtype=KbWarning.PAGE)

        if value is not None and not isinstance(value, bool):
            refuse("discreet", f"'discreet: {value}' must be true or false (true: link previews show only the "
                               "practice's name and a neutral line). Write 'discreet: true'.")
            return
        if address is not None and value is not True:
            refuse(NEUTRAL_ADDRESS, f"'{NEUTRAL_ADDRESS}' is for discreet pages: add 'discreet: true' above it, "
                                    "or remove it.")
            return
        if address is not None and (not isinstance(address, str) or not ADDRESS.match(address)
                                    or address.strip("/").split("/")[0] in RESERVED):
            refuse(NEUTRAL_ADDRESS, f"'{NEUTRAL_ADDRESS}: {address}' must be a path of lowercase words or letters "
                                    "and digits, between slashes, outside the site's own folders "
                                    f"({', '.join(RESERVED)}), e.g. '{NEUTRAL_ADDRESS}: /p/q7/'.")
            return
        if value:
            env.kb_discreet_pages[env.docname] = {"neutral": address or ""}


def init_env(app):
    if not hasattr(app.env, "kb_discreet_pages"):
        app.env.kb_discreet_pages = {}


def neutral_addresses(app, env) -> None:
    """Publish each discreet page that asked for one at its neutral address (env-updated: before
    the ledger check, every address and every page written), unless another page has it."""
    taken = {natural_path(docname): docname for docname in env.found_docs}
    mapping = {}
    for docname, record in sorted(env.kb_discreet_pages.items()):
        address = record.get("neutral")
        if not address or docname not in env.found_docs:
            continue
        other = taken.get(address)
        if other is not None:
            logger.warning(f"the neutral address {address} is already the address of {env.doc2path(other, False)}. "
                           "Choose another.", location=(docname, 1), type="kb", subtype=KbWarning.PAGE)
            continue
        taken[address] = docname
        mapping[docname] = address
    publish_at(app, mapping)


def page_fields(app, pagename: str, doctree) -> dict[str, str]:
    env, config = app.env, app.config
    essay = env.kb_essays.get(pagename)
    if essay:
        title, summary, discreet = essay["title"], essay["summary"], essay["discreet"]
    else:
        title = config.kb_practice_name if pagename == config.root_doc else (
            env.titles[pagename].astext() if pagename in env.titles else pagename)
        summary = str(env.metadata.get(pagename, {}).get("summary") or "") or first_paragraph(doctree)
        discreet = is_discreet(env, pagename)
    preview_title, description = preview_text(title, summary, discreet=discreet, practice=config.kb_practice_name,
                                              neutral_line=config.kb_discreet_preview_line)
    return preview_fields(config, preview_title, description, config.html_baseurl + app.builder.get_target_uri(pagename),
                          kind="article" if essay else "website")


def preview_fields(config, title: str, description: str, url: str, kind: str) -> dict[str, str]:
    """The tags of one page's preview, given what it shows (reading_list.py uses it too)."""
    fields = {
        "og:site_name": config.kb_practice_name,
        "og:type": kind,
        "og:title": title,
        "og:url": url,
        "twitter:card": "summary",
    }
    if description:
        fields["og:description"] = description
        fields["description"] = description
    return fields


def add_preview_tags(app, pagename, templatename, context, doctree) -> None:
    # Only pages made from a document: the search page, the index and the 404 page are not shared.
    if pagename not in app.env.found_docs:
        return
    context["metatags"] = context.get("metatags", "") + meta_tags(page_fields(app, pagename, doctree))


def setup(app) -> None:
    app.connect("html-page-context", add_preview_tags)
    app.connect("builder-inited", init_env)
    app.add_env_collector(DiscreetPageCollector)
    app.connect("env-updated", neutral_addresses)
