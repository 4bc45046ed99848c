"""The link directory for therapists: every essay and section with its permanent address and a
copy control, grouped by theme, filterable as you type; and a QR code per essay, made at build
time with segno (no network)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import segno
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .sections import copy_control_html
from .themes import essays_in_theme

QR_DIR = "_qr"


class kb_link_directory(nodes.General, nodes.Element):
    """Placeholder: the whole link directory."""


class LinkDirectoryDirective(SphinxDirective):
    def run(self):
        return [kb_link_directory()]


def essay_url(app, docname: str) -> str:
    return app.config.html_baseurl + app.builder.get_target_uri(docname)


def qr_name(docname: str) -> str:
    return docname.rsplit("/", 1)[-1] + ".svg"


def directory_html(app, fromdoc: str) -> str:
    env = app.env
    qr_base = app.builder.get_relative_uri(fromdoc, "index") or "./"
    out = [
        '<div class="kb-directory" data-kb-directory>',
        '<p><label for="kb-directory-filter">Filter essays and sections</label><br>'
        '<input id="kb-directory-filter" class="kb-directory-filter" type="search" data-kb-filter '
        'autocomplete="off" placeholder="Type a word, e.g. cancel"></p>',
        '<p class="kb-directory-count" role="status" aria-live="polite"></p>',
    ]
    for theme in app.config.kb_themes:
        out.append(f'<section class="kb-directory-theme"><h2>{escape(theme["title"])}</h2><ul class="kb-directory-essays">')
        for docname in essays_in_theme(env, theme["key"], home_only=True):
            essay = env.kb_essays[docname]
            url = essay_url(app, docname)
            title = essay["title"]
            out.append(
                f'<li class="kb-directory-essay" data-kb-filter-item><h3><a href="{escape(app.builder.get_relative_uri(fromdoc, docname))}">{escape(title)}</a></h3>'
                f'{copy_control_html(url, title).replace("Copy link to the section", "Copy link to the essay")}'
                f'<details class="kb-qr"><summary>QR code for this essay</summary>'
                f'<img src="{escape(qr_base + QR_DIR + "/" + qr_name(docname))}" width="148" height="148" '
                f'alt="QR code that opens {escape(url)}" loading="lazy"></details>'
                '<ul class="kb-directory-sections">'
            )
            for section in essay["sections"]:
                surl = f"{url}#{section['id']}"
                out.append(
                    f'<li class="kb-level-{section["level"]}" data-kb-filter-item><span class="kb-directory-section">{escape(section["title"])}</span>'
                    f' <code class="kb-directory-url">{escape(surl)}</code>{copy_control_html(surl, section["title"])}</li>'
                )
            out.append("</ul></li>")
        out.append("</ul></section>")
    out.append("</div>")
    return "".join(out)


def fill_directory(app, doctree, docname: str) -> None:
    for node in list(doctree.findall(kb_link_directory)):
        node.replace_self(nodes.raw("", directory_html(app, docname), format="html"))


def write_qr_codes(app, exception) -> None:
    """One SVG per essay. Making a QR code is slow (segno tries every mask), so a code is only
    remade when its address or the settings change: the record lives beside the doctrees."""
    if exception or app.builder.format != "html":
        return
    folder = Path(app.outdir, QR_DIR)
    folder.mkdir(exist_ok=True)
    record = Path(app.doctreedir, "kb-qr-codes.json")
    try:
        made = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        made = {}
    settings = f"segno {segno.__version__} error=m scale=4 border=2"
    current = {}
    for docname in sorted(app.env.kb_essays):
        url = essay_url(app, docname)
        target = folder / qr_name(docname)
        current[target.name] = f"{url} {settings}"
        if made.get(target.name) == current[target.name] and target.exists():
            continue
        target.write_text(segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff"),
                          encoding="utf-8")
    for old in folder.glob("*.svg"):
        if old.name not in current:  # a deleted or renamed essay's code
            old.unlink()
    record.write_text(json.dumps(current, sort_keys=True), encoding="utf-8")


def render_inputs(app, docname: str):
    """The directory page shows every essay's title and sections."""
    if docname != app.config.kb_links_page:
        return None
    return sorted((d, e["title"], tuple(e["themes"]), tuple((s["id"], s["title"], s["level"]) for s in e["sections"]))
                  for d, e in app.env.kb_essays.items())


def setup(app) -> None:
    app.add_node(kb_link_directory)
    app.add_directive("kb-link-directory", LinkDirectoryDirective)
    app.connect("build-finished", write_qr_codes)
