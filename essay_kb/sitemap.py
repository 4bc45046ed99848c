"""sitemap.xml and robots.txt.

sphinx-sitemap writes the XML, but on its own it lists only the pages written in this run (an
incremental build would drop the rest), in the order they were written (not reproducible), and
takes ``lastmod`` only from git. Before it writes, the queue it reads is refilled here with every
page, sorted, with ``lastmod`` from the essays' own dates.
"""

from __future__ import annotations

import queue
from pathlib import Path

from sphinx_sitemap import is_excluded

from .permalinks import page_path
from .themes import THEMES_DIR, essays_in_theme
from .output import site_file


def last_modified(app, docname: str) -> str | None:
    essays = app.env.kb_essays
    if docname in essays:
        essay = essays[docname]
        return essay["reviewed"] or essay["published"] or None
    if docname.startswith(THEMES_DIR + "/"):
        members = essays_in_theme(app.env, docname.split("/", 1)[1])
    elif docname == app.config.root_doc:
        members = list(essays)
    else:
        return None
    dates = [essays[d]["reviewed"] or essays[d]["published"] for d in members]
    return max(filter(None, dates), default=None)


def use_plain_queue(app) -> None:
    """sphinx-sitemap gathers pages through a multiprocessing Manager queue: a server process per
    build, which outlives a build run inside another program (a test, sphinx-autobuild). The list
    is rebuilt from the environment at build-finished anyway, so a plain queue does. It hangs on the
    application (sphinx-sitemap reaches it as ``env.app``, which is ``app``)."""
    if hasattr(app, "sitemap_links"):
        app.sitemap_links = queue.Queue()


def refill_sitemap_queue(app, exception) -> None:
    links = getattr(app, "sitemap_links", None)
    if exception or links is None:
        return
    while True:
        try:
            links.get_nowait()
        except queue.Empty:
            break
    for link, docname in sorted((page_path(d).lstrip("/"), d) for d in app.env.found_docs):  # by address
        if not is_excluded(link, app.config.sitemap_excludes):
            links.put((link, last_modified(app, docname)))


def write_robots(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    text = f"User-agent: *\nAllow: /\n\nSitemap: {app.config.html_baseurl}{app.config.sitemap_filename}\n"
    site_file(app.outdir, "robots.txt").write_text(text, encoding="utf-8")


def setup(app) -> None:
    app.connect("build-finished", write_robots)
