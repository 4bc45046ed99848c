"""The link directory for therapists: every essay and section with its permanent address and a
copy control, grouped by theme, filterable as you type; and a QR code per essay, made at build
time with segno (no network)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

import segno
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .dependencies import Placeholder, holds, shown
from .sections import copy_control_html
from .output import site_file

QR_DIR = "_qr"


class kb_link_directory(Placeholder):
    """Placeholder: the whole link directory."""


@dataclass(frozen=True)
class DirectoryEntry:
    """An essay as the link directory shows it."""

    docname: str
    title: str
    home: str  # its home theme's key
    sections: tuple[tuple[str, str, int], ...]  # (id, title, level)


class LinkDirectoryDirective(SphinxDirective):
    def run(self):
        return [kb_link_directory()]


def essay_url(app, docname: str) -> str:
    return app.config.html_baseurl + app.builder.get_target_uri(docname)


def qr_name(docname: str) -> str:
    return docname.rsplit("/", 1)[-1] + ".svg"


def directory_inputs(app, docname: str) -> tuple[DirectoryEntry, ...] | None:
    """Every essay with a home theme, in title order, for the page holding the directory."""
    if not holds(app.env, docname, kb_link_directory):
        return None
    essays = app.env.kb_essays
    return tuple(
        DirectoryEntry(d, essays[d]["title"], essays[d]["themes"][0],
                       tuple((s["id"], s["title"], s["level"]) for s in essays[d]["sections"]))
        for d in sorted(essays, key=lambda d: (essays[d]["title"].casefold(), d)) if essays[d]["themes"])


def directory_html(entries, link, address, themes: list[dict]) -> str:
    """``link(docname)``: the page's relative address of another page; ``address(docname)``: its public URL."""
    qr_base = link("index") or "./"
    out = [
        '<div class="kb-directory" data-kb-directory>',
        '<p><label for="kb-directory-filter">Filter essays and sections</label><br>'
        '<input id="kb-directory-filter" class="kb-directory-filter" type="search" data-kb-filter '
        'autocomplete="off" placeholder="Type a word, e.g. cancel"></p>',
        '<p class="kb-directory-count" role="status" aria-live="polite"></p>',
    ]
    for theme in themes:
        out.append(f'<section class="kb-directory-theme"><h2>{escape(theme["title"])}</h2><ul class="kb-directory-essays">')
        for entry in (e for e in entries if e.home == theme["key"]):
            url = address(entry.docname)
            out.append(
                f'<li class="kb-directory-essay" data-kb-filter-item><h3><a href="{escape(link(entry.docname))}">{escape(entry.title)}</a></h3>'
                f'{copy_control_html(url, entry.title).replace("Copy link to the section", "Copy link to the essay")}'
                f'<details class="kb-qr"><summary>QR code for this essay</summary>'
                f'<img src="{escape(qr_base + QR_DIR + "/" + qr_name(entry.docname))}" width="148" height="148" '
                f'alt="QR code that opens {escape(url)}" loading="lazy"></details>'
                '<ul class="kb-directory-sections">'
            )
            for sid, title, level in entry.sections:
                surl = f"{url}#{sid}"
                out.append(
                    f'<li class="kb-level-{level}" data-kb-filter-item><span class="kb-directory-section">{escape(title)}</span>'
                    f' <code class="kb-directory-url">{escape(surl)}</code>{copy_control_html(surl, title)}</li>'
                )
            out.append("</ul></li>")
        out.append("</ul></section>")
    out.append("</div>")
    return "".join(out)


def fill_directory(app, doctree, docname: str) -> None:
    for node in list(doctree.findall(kb_link_directory)):
        html = directory_html(shown(app, docname, directory_inputs),
                              lambda target: app.builder.get_relative_uri(docname, target),
                              lambda target: essay_url(app, target), app.config.kb_themes)
        node.replace_self(nodes.raw("", html, format="html"))


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
    present = {entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)}
    current = {}
    for docname in sorted(app.env.kb_essays):
        url = essay_url(app, docname)
        name = qr_name(docname)
        current[name] = f"{url} {settings}"
        if made.get(name) == current[name] and name in present:
            continue
        site_file(app.outdir, QR_DIR, name).write_text(
            segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff"), encoding="utf-8")
    for old in folder.glob("*.svg"):
        if old.name not in current:  # a deleted or renamed essay's code
            old.unlink()
    record.write_text(json.dumps(current, sort_keys=True), encoding="utf-8")


def setup(app) -> None:
    app.add_node(kb_link_directory)
    app.add_directive("kb-link-directory", LinkDirectoryDirective)
    app.connect("build-finished", write_qr_codes)
