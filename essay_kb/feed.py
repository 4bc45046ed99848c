"""The Atom feed of essays, ``feed.xml``, written with feedgen and advertised in every page's head.

Newest first by publication date (then by last review, then address); each entry carries the
essay's summary, themes and absolute address. The feed's ``<updated>`` is the newest essay date,
never the build time, so two builds of the same commit write the same bytes.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from feedgen.feed import FeedGenerator

from .themes import themes_by_key
from .output import site_file, write_if_changed

FEED_FILE = "feed.xml"


def day(iso: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(iso), dt.time(), tzinfo=dt.timezone.utc)


def newest_first(essays: dict[str, dict]) -> list[str]:
    """Docnames of the essays that have a publication date, newest first."""
    dated = sorted(d for d, e in essays.items() if e["published"])
    # sort() is stable, also with reverse=True: equal dates keep the address order.
    return sorted(dated, key=lambda d: (essays[d]["published"], essays[d]["reviewed"] or essays[d]["published"]),
                  reverse=True)


def feed_xml(app) -> bytes | None:
    essays, config = app.env.kb_essays, app.config
    order = newest_first(essays)
    if not order:
        return None
    base = config.html_baseurl
    themes = themes_by_key(config)
    feed = FeedGenerator()
    feed.id(base)
    feed.title(config.kb_practice_name)
    feed.subtitle(f"New and reviewed essays from {config.kb_practice_name}.")
    feed.author({"name": config.kb_author_line})
    feed.link(href=base, rel="alternate")
    feed.link(href=base + FEED_FILE, rel="self")
    feed.language(config.language or "en")
    feed.generator("essay_kb")
    feed.updated(max(day(essays[d]["reviewed"] or essays[d]["published"]) for d in order))
    for docname in order:
        essay = essays[docname]
        url = base + app.builder.get_target_uri(docname)
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(essay["title"])
        entry.link(href=url, rel="alternate")
        entry.summary(essay["summary"])
        entry.published(day(essay["published"]))
        entry.updated(day(essay["reviewed"] or essay["published"]))
        for key in essay["themes"]:
            entry.category(term=key, label=themes[key]["title"] if key in themes else key)
    return feed.atom_str(pretty=True)


def write_feed(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    xml = feed_xml(app)
    target = site_file(app.outdir, FEED_FILE)
    if xml is None:
        target.unlink(missing_ok=True)
    else:
        write_if_changed(target, xml)


def advertise_feed(app, pagename, templatename, context, doctree) -> None:
    """An absolute address: the link works from any page, the 404 page at any depth included."""
    if not app.env.kb_essays:
        return
    title = escape(f"{app.config.kb_practice_name}: new essays")
    link = f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{escape(app.config.html_baseurl + FEED_FILE)}">\n'
    context["metatags"] = context.get("metatags", "") + link


def setup(app) -> None:
    app.connect("html-page-context", advertise_feed)
    app.connect("build-finished", write_feed)
