"""Printing: an essay, or one section of it, prints as a clean handout.

``kb-print.css`` hides everything that is not the text (sidebar, search, buttons, previous/next,
footer links), keeps the crisis notice and the disclaimer, and prints each section's permanent
address under its heading (the copy control's ``data-url``). The page's own address is printed
under its title (a paragraph added here, hidden on screen and from search). ``kb-print.js`` adds
a "Print this section" button next to each "Copy link": it marks the section and prints, and the
print CSS then shows only that section, under the essay's title.
"""

from __future__ import annotations

from html import escape

from docutils import nodes

CSS_FILE = "kb-print.css"
JS_FILE = "kb-print.js"


def print_address_html(url: str) -> str:
    return f'<p class="kb-print-url">{escape(url)}</p>'


def add_print_address(app, doctree, docname: str) -> None:
    if app.builder.format != "html":
        return
    top = next((s for s in doctree.children if isinstance(s, nodes.section)), None)
    if top is None or not top.children or not isinstance(top[0], nodes.title):
        return
    url = app.config.html_baseurl + app.builder.get_target_uri(docname)
    top.insert(1, nodes.raw("", print_address_html(url), format="html"))


def add_assets(app) -> None:
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")


def setup(app) -> None:
    app.connect("builder-inited", add_assets)
    app.connect("doctree-resolved", add_print_address)
