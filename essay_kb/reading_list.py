"""Reading lists: a therapist picks sections, sends one link, prints one handout.

A list is never stored and never sent: it lives in the part of its link after ``#``, which a browser
keeps to itself, as the sections' permanent ids in order and an optional note,
``<site>/reading-list/#s=first-id.second-id&n=read+this+before+Thursday``, or, for a link that does
not name its topic, as the sections' short codes from the ledger, ``#c=2.5k`` (the format and its
limits are in ``reading_list_js/core.js``). The same list always gives the same link.

What the build does for it, here:

- **the list page**, ``/reading-list/``, written for every site (like ``/search/``): a container
  (``data-reading-list``) that the browser fills from the link, with a neutral tab title and link
  preview (``kb_reading_list_title``, ``kb_reading_list_description``) whatever the list holds,
  ``noindex``, and not in the sitemap (it is no document, so sitemap.py never lists it).
- **the section map**, ``reading-list/sections/NN.json``: every section id of every page, every
  old id that ``redirects.yaml`` forwards, and every short code of the ledger (as ``~code``), to
  ``[page, id today, heading, page title, short code, discreet page]``. It is split into ``SHARDS``
  files by a hash of the key (``shard_of``, the same in ``core.js``), so opening a list loads only
  the files of its own keys, however large the site grows.
- **the scripts**: ``kb-reading-list.js`` (the add buttons, on every page) and
  ``kb-reading-list-tools.js`` (the list itself, loaded by the first at the first "Add", on the
  list page, or on a page whose address holds a list), joined from the modules in
  ``reading_list_js/`` as search.py joins its own (``scripts.py``), and ``kb-qrcode.js``, the
  QR code library ``qrcode-generator`` kept verbatim in ``vendor/`` (MIT) and wrapped to set one
  global; the list page loads it when it draws the code.

The text of each section is not copied anywhere: the list page fetches the essay pages themselves
(same site) and shows each picked section as the essay shows it, glossary previews included.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.environment.collectors import EnvironmentCollector

from .permalinks import current_addresses, files, ledger_codes, page_path, read_redirects, resolve, split
from .previews import is_discreet, meta_tags, preview_fields
from . import scripts
from .output import site_file, write_if_changed

PAGENAME = "reading-list"
SECTIONS_DIR = f"{PAGENAME}/sections"
# At 1,000 essays (tests/synthetic.py) a file holds about 310 ids, 9 KiB gzipped; a list of three
# sections loads at most three of them, next to the three essay pages (about 10 KiB each).
SHARDS = 32
# A short code's key in the section map: "~" never starts a section id (core.js CODE_KEY).
CODE_KEY = "~"
TEMPLATE = "reading-list.html"
CSS_FILE = "kb-reading-list.css"
SCRIPT_FILE = "kb-reading-list.js"
SCRIPT_DIR = Path(__file__).parent / "reading_list_js"
# Each module needs only those before it (the convention of search_js/words.js). Every page carries
# SCRIPT_SOURCES (the add buttons); they load TOOLS_FILE when the list is first needed (scripts.py).
SCRIPT_SOURCES = ["link.js", "page.js"]
TOOLS_FILE = "kb-reading-list-tools.js"
TOOLS_GLOBAL = "kbReadingListTools"
TOOLS_SOURCES = ["core.js", "data.js", "picker.js", "list.js", "tools.js"]
QR_SOURCE = Path(__file__).parent / "vendor" / "qrcode-generator.js"
QR_FILE = "kb-qrcode.js"
QR_GLOBAL = "kbQrcode"


# -- the section map ---------------------------------------------------------------------------

class SectionCollector(EnvironmentCollector):
    """``env.kb_reading_sections[docname]``: the page's sections with a permanent id, as
    [(id, heading)] in reading order (``sections.mark_stable_ids`` has put ``kb_id`` on them)."""

    def clear_doc(self, app, env, docname):
        env.kb_reading_sections.pop(docname, None)

    def merge_other(self, app, env, docnames, other):
        for docname in docnames:
            if docname in other.kb_reading_sections:
                env.kb_reading_sections[docname] = other.kb_reading_sections[docname]

    def process_doc(self, app, doctree):
        found = [(s["kb_id"], s[0].astext()) for s in doctree.findall(nodes.section)
                 if s.get("kb_id") and s.children and isinstance(s[0], nodes.title)]
        if found:
            app.env.kb_reading_sections[app.env.docname] = found


def init_env(app):
    if not hasattr(app.env, "kb_reading_sections"):
        app.env.kb_reading_sections = {}


def shard_of(section_id: str) -> int:
    """Which file of the map holds an id: a 32-bit multiply-by-31 hash (core.js ``shardOf``)."""
    value = 0
    for char in section_id:
        value = (value * 31 + ord(char)) & 0xFFFFFFFF
    return value % SHARDS


def section_map(sections: dict[str, list], titles: dict[str, str], pages: dict[str, set[str]],
                redirects: dict[str, str], codes: dict[str, str] | None = None,
                discreet: frozenset[str] = frozenset()) -> dict[str, list]:
    """id -> [page path (no leading slash), id today, heading, page title, short code of the id
    today ("" if the ledger has none yet), whether the page is discreet]. An old id that a redirect
    forwards maps to where it lands today: a section (its entry), or a whole page (id "").

    Each short code of the ledger (``codes``: section address -> code) is a key too, as "~code":
    an opaque link's code finds its section as an old id does, through the same look-up."""
    codes = codes or {}
    entries = {}
    docnames = {page_path(docname): docname for docname in titles}

    def page_entry(path: str) -> list:
        return [path.lstrip("/"), "", "", titles.get(docnames[path], ""), "", docnames[path] in discreet]

    for docname in sorted(sections):
        for sid, heading in sections[docname]:
            address = f"{page_path(docname)}#{sid}"
            entries[sid] = [page_path(docname).lstrip("/"), sid, heading, titles.get(docname, ""),
                            codes.get(address, ""), docname in discreet]
    for old in sorted(redirects):
        old_id = split(old)[1]
        if not old_id or old_id in entries:
            continue
        landed = resolve(old, pages, redirects)
        if landed is None:
            continue  # permalinks.check_links fails the build for it
        path, new_id = split(landed)
        if new_id in entries:
            entries[old_id] = entries[new_id]
        elif not new_id and path in docnames:
            entries[old_id] = page_entry(path)
    for address, code in sorted(codes.items()):
        landed = resolve(address, pages, redirects)
        if landed is None:
            continue  # check_links names it
        path, sid = split(landed)
        if sid in entries:
            entries[CODE_KEY + code] = entries[sid]
        elif not sid and path in docnames:
            entries[CODE_KEY + code] = page_entry(path)
    return entries


def shard_files(entries: dict[str, list[str]]) -> dict[str, str]:
    """{file name: JSON text}, every one of the SHARDS files (an empty one too: the browser can
    tell "no such id" from "the file did not load")."""
    shards: list[dict] = [{} for _ in range(SHARDS)]
    for sid, entry in entries.items():
        shards[shard_of(sid)][sid] = entry
    return {f"{n:02d}.json": json.dumps(shard, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            for n, shard in enumerate(shards)}


def write_section_map(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    env = app.env
    titles = {docname: env.titles[docname].astext() for docname in env.found_docs if docname in env.titles}
    ledger, redirects_file = files(app)
    redirects, _, _ = read_redirects(redirects_file)
    discreet = frozenset(docname for docname in env.found_docs if is_discreet(env, docname))
    entries = section_map(env.kb_reading_sections, titles, current_addresses(env), redirects,
                          ledger_codes(ledger), discreet)
    folder = Path(app.outdir, SECTIONS_DIR)
    wanted = shard_files(entries)
    for old in folder.glob("*.json") if folder.is_dir() else ():
        if old.name not in wanted:
            old.unlink()
    for name, text in wanted.items():
        write_if_changed(site_file(app.outdir, SECTIONS_DIR, name), text)


# -- the page and its scripts --------------------------------------------------------------------

def script_settings(app, tools: str = "") -> dict:
    """What the browser needs from the build: where the list's own code, the list page, the map
    and the QR library are (from the site's root), the public address links are made from, and the
    link directory. ``tools``: the tools' address with its version (scripts.versioned)."""
    return {
        "tools": {"file": tools or f"_static/{TOOLS_FILE}", "global": TOOLS_GLOBAL},
        "page": app.builder.get_target_uri(PAGENAME),
        "sections": f"{SECTIONS_DIR}/",
        "shards": SHARDS,
        "site": app.config.html_baseurl,
        "directory": app.builder.get_target_uri(app.config.kb_links_page),
        "qr": {"file": f"_static/{QR_FILE}", "global": QR_GLOBAL},
    }


def reading_list_scripts(app) -> dict[str, str]:
    """{file name under _static/: text}: the page's script and the tools it loads on first use."""
    tools = scripts.later_script(TOOLS_FILE, "kbReadingList", SCRIPT_DIR, TOOLS_SOURCES, TOOLS_GLOBAL)
    settings = script_settings(app, scripts.versioned(f"_static/{TOOLS_FILE}", tools))
    return {SCRIPT_FILE: scripts.page_script(SCRIPT_FILE, "kbReadingList", SCRIPT_DIR, SCRIPT_SOURCES, settings),
            TOOLS_FILE: tools}


def qr_script() -> str:
    """The vendored library as it is; it sets module.exports when `exports` is an object."""
    source = QR_SOURCE.read_text(encoding="utf-8")
    return (f"window.{QR_GLOBAL} = {{ exports: {{}} }};\n(function (module, exports, define) {{\n{source}\n}})"
            f"(window.{QR_GLOBAL}, window.{QR_GLOBAL}.exports);\n")


def add_assets(app) -> None:
    if app.builder.format == "html":  # before the static files are copied and pages name them
        for name, text in reading_list_scripts(app).items():
            write_if_changed(site_file(app.outdir, "_static", name), text)
        write_if_changed(site_file(app.outdir, "_static", QR_FILE), qr_script())
    app.add_css_file(CSS_FILE)
    app.add_js_file(SCRIPT_FILE, loading_method="defer")


def list_page(app):
    if app.builder.format == "html":
        yield PAGENAME, {"title": app.config.kb_reading_list_title}, TEMPLATE


def page_context(app, pagename, templatename, context, doctree) -> None:
    if pagename != PAGENAME:
        return
    config = app.config
    fields = preview_fields(config, config.kb_reading_list_title, config.kb_reading_list_description,
                            config.html_baseurl + app.builder.get_target_uri(PAGENAME), kind="website")
    context["metatags"] = context.get("metatags", "") + meta_tags(fields) + '<meta name="robots" content="noindex">\n'
    context["kb_reading_list_title"] = config.kb_reading_list_title
    context["kb_directory_uri"] = app.builder.get_relative_uri(PAGENAME, config.kb_links_page)


def setup(app) -> None:
    app.add_env_collector(SectionCollector)
    app.connect("builder-inited", init_env)
    app.connect("builder-inited", add_assets)
    app.connect("html-collect-pages", list_page)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", write_section_map)
