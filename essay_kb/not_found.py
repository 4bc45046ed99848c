"""The 404 page, made by sphinx-notfound-page and published as ``404.html`` at the site's root.

A static host (GitHub Pages, Read the Docs, Netlify, ...) answers every missing address with this
one file, at whatever depth the address was, so every link and file it uses must be absolute. They
start with the base URL's path (``notfound_urls_prefix``, derived from ``html_baseurl``): "/" on
a site of its own, "/<repo>/" for a GitHub Pages project site. The page has the crisis notice and
disclaimer like every page (page.html), the site's own sidebar and a way into every theme; it has
no canonical address, tells search engines not to index it, and is not in the sitemap.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .navigation import page_sidebar_html
from .themes import theme_docname
from .output import site_file

PAGENAME = "404"
RELATIVE_URL = re.compile(r'(\s(?:href|src|action)=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]+)"')


def urls_prefix(base_url: str) -> str:
    """The path every address on the site starts with: '/' or '/repo/'."""
    return urlsplit(base_url).path or "/"


def absolute_links(html: str, page_path: str) -> str:
    """Every relative href/src/action in ``html``, resolved against the page's own path."""
    here = "http://site" + page_path
    return RELATIVE_URL.sub(lambda m: f'{m.group(1)}{urljoin(here, m.group(2))[len("http://site"):]}"', html)


def body_html(app, prefix: str) -> str:
    themes = "".join(
        f'<li><a class="kb-theme-link" href="{escape(prefix + app.builder.get_target_uri(theme_docname(t["key"])))}">'
        f'{escape(t["title"])}</a><p>{escape(t["description"])}</p></li>'
        for t in app.config.kb_themes
    )
    return (
        '<section class="kb-not-found">\n<h1>Page not found</h1>\n'
        "<p>There is nothing at this address. It may have been mistyped, or the page may have moved.</p>\n"
        f'<p>Start again from the <a href="{escape(prefix)}">home page</a>, '
        f'<a href="{escape(prefix + app.builder.get_target_uri("search"))}">search the essays</a>, or choose a theme:</p>\n'
        f'<ul class="kb-theme-index">{themes}</ul>\n</section>'
    )


def configure(app, config) -> None:
    config.notfound_pagename = PAGENAME
    config.notfound_urls_prefix = urls_prefix(config.html_baseurl)
    config.notfound_context = {"title": "Page not found", "body": ""}


def page_context(app, pagename, templatename, context, doctree) -> None:
    """After notfound (which makes pathto() absolute), before Furo renders the sidebar."""
    if pagename != app.config.notfound_pagename:
        return
    prefix = app.config.notfound_urls_prefix
    context["body"] = body_html(app, prefix)
    context["pageurl"] = None  # no canonical: it has no address of its own
    context["content_root"] = prefix  # scripts find the site's files (the search index) from here
    # The site's own sidebar (notfound puts Sphinx's toctree here); publish() makes its links absolute.
    sidebar = page_sidebar_html(app, pagename)
    context["toctree"] = lambda **kwargs: sidebar
    # notfound's pathto() turns the home page (dirhtml address "") into "#", which would make the
    # site's name in the header a link to nowhere.
    absolute_pathto = context["pathto"]
    home = app.config.root_doc

    def pathto(otheruri, resource=False, *args):
        return prefix if otheruri == home and not resource else absolute_pathto(otheruri, resource, *args)
    context["pathto"] = pathto
    context["metatags"] = context.get("metatags", "") + '<meta name="robots" content="noindex">\n'


def publish(app, exception) -> None:
    """Links made without pathto() (the sidebar, search's theme links) are relative to where the
    page was written: make them absolute. And dirhtml writes 404/index.html; hosts want 404.html."""
    if exception or app.builder.format != "html":
        return
    pagename = app.config.notfound_pagename
    written = Path(app.builder.get_outfilename(pagename))
    if not written.exists():
        return
    page_path = app.config.notfound_urls_prefix + app.builder.get_target_uri(pagename)
    html = absolute_links(written.read_text(encoding="utf-8"), page_path)
    written.unlink()
    if written.parent != Path(app.outdir) and not any(written.parent.iterdir()):
        written.parent.rmdir()
    site_file(app.outdir, f"{pagename}.html").write_text(html, encoding="utf-8")


def setup(app) -> None:
    app.setup_extension("notfound.extension")
    app.connect("config-inited", configure)
    app.connect("build-finished", publish)
