"""Stable section ids and the section tools ("Share or print": copy link, print, reading list).

An author puts ``{#id}`` above a heading; that id is the section's permanent address. In the
HTML the id sits on the heading element (so browsers, search results and the copy
control agree), the ``<section>`` names it in ``data-section-id`` (an HTML id must be unique,
so it cannot carry the same id twice), and a visible link after the heading copies the full
absolute URL. Without JavaScript the control is a plain link to the section, which every
device can long-press or right-click to copy.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.writers.html5 import HTML5Translator

from .model import explicit_id


def mark_stable_ids(app, doctree) -> None:
    """Record each section's explicit id on the node, so it survives pickling."""
    for section in doctree.findall(nodes.section):
        sid = explicit_id(doctree, section)
        if sid:
            section["kb_id"] = sid


def section_url(config, builder, docname: str, sid: str) -> str:
    return f"{config.html_baseurl}{builder.get_target_uri(docname)}#{sid}"


def copy_control_html(url: str, title: str) -> str:
    """The "Copy link" row (the link directory shows it as is, for therapists)."""
    return (
        '<p class="kb-copy-row">'
        f'<a class="kb-copy-link" href="{escape(url)}" data-copy-link data-url="{escape(url)}" '
        f'aria-label="Copy link to the section “{escape(title)}”">Copy link</a>'
        '<span class="kb-copy-status" role="status" aria-live="polite"></span></p>'
    )


def section_tools_html(url: str, title: str) -> str:
    """One small control under a heading, a native <details> ("Share or print") that opens onto
    the "Copy link" row, where kb-print.js and the reading list's picker add "Print this section"
    and "Add to reading list". Closed, it is one tap target, not three links under every heading.
    The wrapper carries the section's address for print."""
    return (
        f'<div class="kb-section-tools" data-section-tools data-url="{escape(url)}">'
        '<details class="kb-section-tools-menu"><summary class="kb-section-tools-toggle">Share or print'
        f'<span class="visually-hidden"> the section “{escape(title)}”</span></summary>'
        f"{copy_control_html(url, title)}</details></div>\n"
    )


class EssayHTMLTranslator(HTML5Translator):
    """Puts a section's stable id on its heading and adds the copy-link control after it."""

    def visit_section(self, node):
        sid = node.get("kb_id")
        if not sid:
            return super().visit_section(node)
        self.section_level += 1
        self.body.append(f'<section data-section-id="{escape(sid)}">\n')
        for other in node["ids"]:
            if other != sid:
                self.body.append(f'<span id="{escape(other)}"></span>')

    def visit_title(self, node):
        sid = node.parent.get("kb_id") if isinstance(node.parent, nodes.section) else None
        if not sid:
            return super().visit_title(node)
        saved = node["ids"]
        node["ids"] = [sid]
        super().visit_title(node)
        node["ids"] = saved

    def visit_reference(self, node):
        super().visit_reference(node)
        if node.get("kb_describedby"):  # a glossary term with its preview (connections.py)
            self.body[-1] = self.body[-1].replace("<a ", f'<a aria-describedby="{escape(node["kb_describedby"])}" ', 1)

    def visit_inline(self, node):
        if node.get("kb_tooltip"):
            node.html5tagname = "span"  # docutils' depart_inline closes this tag
            self.body.append(self.starttag(node, "span", "", role="tooltip"))
        else:
            super().visit_inline(node)

    def depart_title(self, node):
        super().depart_title(node)
        sid = node.parent.get("kb_id") if isinstance(node.parent, nodes.section) else None
        # Not on the help pages: a reader there needs the text, not tools (issue 22).
        if sid and self.builder.current_docname not in self.config.kb_help_pages:
            url = section_url(self.config, self.builder, self.builder.current_docname, sid)
            self.body.append(section_tools_html(url, node.astext()))


def setup(app) -> None:
    app.connect("doctree-read", mark_stable_ids)
    for builder in ("html", "dirhtml"):
        app.set_translator(builder, EssayHTMLTranslator, override=True)
