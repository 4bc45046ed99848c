"""Links that never break: the ledger of published addresses, and redirects.

``links-ledger.txt`` lists every page and section address ever published (append-only;
``make ledger`` adds new ones). After reading, every ledgered address must still resolve, to a
page and section that exist or through ``redirects.yaml``; otherwise the build fails naming it.

Redirects are browser-side (a static host has no server rules): a moved page leaves a small
stub at its old address that forwards, keeping or mapping the ``#fragment``; a renamed or moved
section is mapped by the page that used to hold it (``kb.js`` reads the map).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from .collectors import PageDataCollector
from .dependencies import shown
from .output import OutsideSite, site_file
from .privacy import script_json
from .source import MAX_TEXT_BYTES, KeyLines, decode, load_yaml, read_source, too_large
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

LEDGER_HEADER = """\
# Every page and section address this site has ever published, one per line. Append-only.
# `make ledger` adds new addresses after a build; never delete a line. If an address must go,
# declare where it went in redirects.yaml: the build fails for any address here that no
# longer resolves and that no redirect covers.
# A section's line ends in its short code (reading lists sent as opaque links use it): never
# change or reuse one; `make ledger` gives each new section the next.
"""
# A section's short code in the ledger: the base-36 number of the order it was recorded in.
CODE = re.compile(r"^[0-9a-z]{1,8}$")
# The ledger grows with the site, one line of about 60 bytes per address it ever published: 10,000
# essays make about 6.4 MB, over the limit of a file the author writes (MAX_TEXT_BYTES), so it has
# a limit of its own, about 100,000 essays' worth. It is read line by line, never as YAML.
LEDGER_MAX_BYTES = 64_000_000


# -- addresses ---------------------------------------------------------------------------------

# An old address a stub page can be written at: '/', then names of letters, digits, '-', '_' and
# '~' (not starting with '_', which the build's own folders do), each ending in '/'. Nothing that
# could leave the output folder ('..', '%2e', '\\') or land on one of its files (they all have a '.').
OLD_PAGE_ADDRESS = re.compile(r"^/(?:[A-Za-z0-9~-][A-Za-z0-9_~-]*/)*$")

# Pages published at an address their author chose instead of their file's (a discreet page's
# neutral address, previews.py): docname -> "/p/q7/". Set once the pages are read (publish_at).
_PUBLISHED_AT: dict[str, str] = {}


def natural_path(docname: str) -> str:
    """The path a page's file name gives it under dirhtml, with a leading slash: /essays/x/."""
    if docname == "index":
        return "/"
    return "/" + (docname[:-len("index")] if docname.endswith("/index") else docname + "/")


def page_path(docname: str) -> str:
    """The published path of a page, with a leading slash: /essays/x/ (or its neutral address)."""
    return _PUBLISHED_AT.get(docname) or natural_path(docname)


def publish_at(app, mapping: dict[str, str]) -> None:
    """Publish the pages of ``mapping`` (docname -> path) at those paths: every link, the canonical
    URL, the sitemap, the ledger and the output file follow the builder's ``get_target_uri`` and
    ``get_output_path``, and this extension's ``page_path``; all three answer from the mapping."""
    _PUBLISHED_AT.clear()
    _PUBLISHED_AT.update(mapping)
    builder = app.builder
    if getattr(builder, "kb_publishes_at", False) or not hasattr(builder, "get_output_path"):
        return
    target_uri, output_path = builder.get_target_uri, builder.get_output_path

    def get_target_uri(docname: str, typ: str | None = None) -> str:
        return _PUBLISHED_AT[docname].lstrip("/") if docname in _PUBLISHED_AT else target_uri(docname, typ)

    def get_output_path(page_name: str, /) -> Path:
        if page_name in _PUBLISHED_AT:
            return Path(builder.outdir, *_PUBLISHED_AT[page_name].strip("/").split("/"), "index" + builder.out_suffix)
        return output_path(page_name)

    builder.get_target_uri, builder.get_output_path, builder.kb_publishes_at = get_target_uri, get_output_path, True


def to_root(path: str) -> str:
    """The relative way from a published page's folder back to the site root."""
    return "" if path == "/" else "../" * (path.strip("/").count("/") + 1)


def split(address: str) -> tuple[str, str]:
    path, _, fragment = address.partition("#")
    return path, fragment


def resolve(address: str, pages: dict[str, set[str]], redirects: dict[str, str]) -> str | None:
    """Where an address ends up today (following redirects), or None if nowhere."""
    for _ in range(10):  # redirects may chain, but never loop forever
        path, fragment = split(address)
        if path in pages and (not fragment or fragment in pages[path]):
            return address
        if address in redirects:
            address = redirects[address]
        elif path in redirects and "#" not in redirects[path]:
            address = redirects[path] + (f"#{fragment}" if fragment else "")
        else:
            return None
    return None


def current_addresses(env) -> dict[str, set[str]]:
    return {page_path(docname): set(env.kb_anchors.get(docname, ())) for docname in env.found_docs}


def all_addresses(pages: dict[str, set[str]]) -> list[str]:
    out = []
    for path, ids in pages.items():
        out.append(path)
        out.extend(f"{path}#{sid}" for sid in ids)
    return sorted(out)


# -- files ---------------------------------------------------------------------------------------

def ledger_lines(path: Path) -> list[tuple[int, str, str]]:
    """(line number, address, short code or "") of every address in the ledger (none when it cannot
    be read: ``read_ledger`` says why)."""
    if not path.exists():
        return []
    text, problem = read_source(path, LEDGER_MAX_BYTES)
    if problem:
        return []
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            address, _, code = line.strip().partition(" ")
            out.append((number, address, code.strip()))
    return out


def read_ledger(path: Path) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(addresses with their lines, problems as (line, message)) of the ledger."""
    if path.exists():
        _, problem = read_source(path, LEDGER_MAX_BYTES)
        if problem:
            return [], [problem]
    return [(number, address) for number, address, _ in ledger_lines(path)], []


def ledger_codes(path: Path) -> dict[str, str]:
    """{section address: short code} of the ledger's well-formed codes (``code_problems`` says
    what is wrong with the others)."""
    return {address: code for _, address, code in ledger_lines(path) if code and CODE.match(code) and "#" in address}


def code_problems(lines: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    """Short codes that could send a reading list to the wrong section: malformed, on a page
    address, or given twice."""
    problems, seen = [], {}
    for number, address, code in lines:
        if not code:
            continue
        if not CODE.match(code) or "#" not in address:
            problems.append((number, f"'{address} {code}': only a section address ('/page/#id') carries a short "
                                     "code, written after it as lowercase letters and digits (e.g. '/essays/x/#id 3k'). "
                                     "Restore the line as it was."))
        elif code in seen:
            problems.append((number, f"the short code '{code}' is also on line {seen[code]}: a reading list sent with "
                                     "it would open the wrong section. Restore this line's own code (never change one)."))
        else:
            seen[code] = number
    return problems


def with_codes(lines: list[str]) -> list[str]:
    """The ledger's lines, each section address without a short code given the next one (codes
    already written are never changed; numbers are never reused)."""
    parsed = [line.strip().partition(" ") for line in lines]
    used = [int(code.strip(), 36) for address, _, code in parsed
            if not address.startswith("#") and CODE.match(code.strip() or "-")]
    following = max(used, default=0) + 1
    out = []
    for line, (address, _, code) in zip(lines, parsed):
        if address and not address.startswith("#") and "#" in address and not code.strip():
            line = f"{address} {to_base36(following)}"
            following += 1
        out.append(line)
    return out


def to_base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def read_redirects(path: Path) -> tuple[dict[str, str], dict[str, int], list[tuple[int, str]]]:
    """(redirects, line of each, problems as (line, message)) from the redirects file."""
    if not path.exists():
        return {}, {}, []
    if path.stat().st_size > MAX_TEXT_BYTES:
        return {}, {}, [(1, too_large(path.stat().st_size))]
    return _parse_redirects(path.read_bytes())


@lru_cache(maxsize=8)
def _parse_redirects(data: bytes) -> tuple[dict[str, str], dict[str, int], list[tuple[int, str]]]:
    text, problem = decode(data)
    if problem:
        return {}, {}, [problem]
    data, problems = load_yaml(text)
    if problems:
        return {}, {}, [(line, f"the redirects file {message.removeprefix('this ')}: each line reads "
                               "'/old/address/: /new/address/'.") for line, message in problems]
    if data is None:
        return {}, {}, []
    if not isinstance(data, KeyLines):
        return {}, {}, [(1, "expected 'old address: new address' lines, e.g. '/essays/old-slug/: /essays/new-slug/'.")]
    lines = {str(key): line for key, line in data.lines.items()}
    problems = [(again, f"'{key}' is redirected twice (lines {first} and {again}); the second would "
                        "silently replace the first. Keep the one that is right.")
                for key, first, again in data.duplicates]
    problems += [(lines[str(k)], f"'{k}: {v}': both sides must be site addresses starting with '/', "
                                 "e.g. '/essays/old-slug/: /essays/new-slug/'.")
                 for k, v in data.items() if not (str(k).startswith("/") and str(v).startswith("/"))]
    problems += [(lines[str(k)], f"'{k}': an old address must be a page's address, '/' and names of letters, "
                                 "digits and hyphens each ending in '/', e.g. '/essays/old-slug/'. '..', '.', "
                                 "'%', '\\' and names starting with '_' are refused: the build writes a page "
                                 "at the old address, and these could put it outside the site or over its "
                                 "own files.")
                 for k in data if str(k).startswith("/") and not OLD_PAGE_ADDRESS.match(split(str(k))[0])]
    return {str(k): str(v) for k, v in data.items()}, lines, sorted(problems)


# -- Sphinx --------------------------------------------------------------------------------------

class AnchorCollector(PageDataCollector):
    """``env.kb_anchors[docname]``: the explicit section ids of every page."""

    stores = ("kb_anchors",)

    def process_doc(self, app, doctree):
        app.env.kb_anchors[app.env.docname] = sorted(
            s["kb_id"] for s in doctree.findall(nodes.section) if s.get("kb_id"))


def init_env(app):
    if not hasattr(app.env, "kb_anchors"):
        app.env.kb_anchors = {}


def files(app) -> tuple[Path, Path]:
    return Path(app.confdir, app.config.kb_ledger_file), Path(app.confdir, app.config.kb_redirects_file)


def check_links(app, env) -> None:
    ledger_path, redirects_path = files(app)
    redirects, lines, problems = read_redirects(redirects_path)
    for line, problem in problems:
        logger.warning(problem, location=f"{redirects_path}:{line}", type="kb", subtype=KbWarning.REDIRECT)
    pages = current_addresses(env)
    for old, new in sorted(redirects.items()):
        if resolve(new, pages, {}) is None:
            logger.warning(
                f"the redirect '{old}' points to '{new}', which does not exist. Point it at a page "
                "(/essays/slug/) or a section (/essays/slug/#id) that exists.",
                location=f"{redirects_path}:{lines.get(old, 1)}", type="kb", subtype=KbWarning.REDIRECT)
        elif resolve(old, pages, {}) is not None:
            logger.warning(
                f"'{old}' still exists, so the redirect from it would never be used. Remove the redirect, "
                "or move the page or section first.",
                location=f"{redirects_path}:{lines.get(old, 1)}", type="kb", subtype=KbWarning.REDIRECT)
    ledger, ledger_problems = read_ledger(ledger_path)
    for line, problem in ledger_problems:
        logger.warning(problem, location=f"{ledger_path}:{line}", type="kb", subtype=KbWarning.LEDGER)
    for number, problem in code_problems(ledger_lines(ledger_path)):
        logger.warning(problem, location=f"{ledger_path}:{number}", type="kb", subtype=KbWarning.LEDGER)
    moved = {natural_path(docname): path for docname, path in _PUBLISHED_AT.items()}
    # A page that could not be read (a bad byte, already reported) is not gone.
    unreadable = {page_path(docname) for docname in getattr(env, "kb_unreadable", ())}
    for number, address in ledger:
        if split(address)[0] in unreadable:
            continue
        if resolve(address, pages, redirects) is None and split(address)[0] in moved:
            logger.warning(
                f"the published address {address} is now at the neutral address {moved[split(address)[0]]}. "
                f"Add the line '{split(address)[0]}: {moved[split(address)[0]]}' to {redirects_path.name}, "
                "so links already sent keep working.",
                location=f"{ledger_path}:{number}", type="kb", subtype=KbWarning.LEDGER)
        elif resolve(address, pages, redirects) is None:
            logger.warning(
                f"the published address {address} no longer resolves. Links to it may be saved in "
                f"clients' emails and notes. Restore the page or section id, or add a line "
                f"'{address}: /new/address/' to {redirects_path.name}.",
                location=f"{ledger_path}:{number}", type="kb", subtype=KbWarning.LEDGER)


def update_ledger(app, exception) -> None:
    """With ``-D kb_ledger_update=1`` (``make ledger``): append addresses not yet in the ledger."""
    if exception or not app.config.kb_ledger_update:
        return
    ledger_path, _ = files(app)
    ledger, problems = read_ledger(ledger_path)
    if problems:  # reported after reading; the ledger is never rewritten from a part of it
        return
    known = {address for _, address in ledger}
    new = [a for a in all_addresses(current_addresses(app.env)) if a not in known]
    text = read_source(ledger_path, LEDGER_MAX_BYTES)[0] if ledger_path.exists() else LEDGER_HEADER
    lines = with_codes(text.rstrip("\n").split("\n") + new)
    ledger_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    logger.info(f"links ledger: {len(new)} new address(es) recorded in {ledger_path.name}")


def redirect_pages(app):
    """Stub pages at the old addresses of moved pages (html-collect-pages)."""
    _, redirects_path = files(app)
    redirects, lines, problems = read_redirects(redirects_path)
    if problems:  # reported after reading; no stub is written from a file with mistakes
        return
    existing = {page_path(d) for d in app.env.found_docs}
    app.builder.kb_redirect_stubs = stubs = {}
    for old, new in sorted(redirects.items()):
        path, fragment = split(old)
        if fragment or path in existing:
            continue
        stubs[path.strip("/") or "index"] = (old, lines.get(old, 1))
        try:
            site_file(app.outdir, app.builder.get_outfilename(path.strip("/") or "index"))
        except OutsideSite as exc:
            logger.warning(f"the redirect '{old}' cannot be written: {exc} Redirect a page's old address, "
                           "e.g. '/essays/old-slug/'.", location=f"{redirects_path}:{lines.get(old, 1)}",
                           type="kb", subtype=KbWarning.REDIRECT)
            continue
        sections = {split(k)[1]: v for k, v in redirects.items() if split(k)[0] == path and split(k)[1]}
        # ".../index": the same file under dirhtml, and never the name of a page that moved to a
        # neutral address (its old path is its docname's).
        pagename = path.strip("/") + "/index" if path.strip("/") else "index"
        base = to_root(path)
        rel = lambda address: base + address.lstrip("/")  # noqa: E731
        data = {"to": rel(new), "sections": {k: rel(v) for k, v in sections.items()}}
        yield pagename, {
            "kb_redirect_to": rel(new),
            "kb_redirect_canonical": app.config.html_baseurl + new.lstrip("/"),
            "kb_redirect_data": script_json(data),
            "title": "This page has moved",
        }, "kb-redirect.html"


def section_redirects(app) -> dict[str, dict[str, str]]:
    """{page path: {old section id: new address}} from the redirects file, read once a build
    (``files_changed`` forgets it as each build starts): every page asks, and reading the file for
    each was a tenth of a second of a kept preview's edit at 1,000 essays."""
    known = getattr(app, "kb_section_redirects", None)
    if known is None:
        redirects, _, _ = read_redirects(files(app)[1])
        known = {}
        for old, new in redirects.items():
            path, fragment = split(old)
            if fragment:
                known.setdefault(path, {})[fragment] = new
        app.kb_section_redirects = known
    return known


def section_redirects_for(app, pagename: str) -> str | None:
    """JSON {old id: relative address} for sections that used to be on this page (its render input:
    it comes from the redirects file, not from the page)."""
    here = page_path(pagename)
    base = to_root(here)
    mapping = {old: base + new.lstrip("/") for old, new in section_redirects(app).get(here, {}).items()}
    return script_json(mapping) if mapping else None


def files_changed(app, env, added, changed, removed) -> list[str]:
    """An edited ledger or redirects file re-runs the checks (they run only when a page is re-read)."""
    app.kb_section_redirects = None  # read again, once, this build
    digest = hashlib.sha256()
    for path in files(app):
        digest.update(path.read_bytes() if path.exists() else b"-")
    if getattr(env, "kb_link_files_digest", None) == digest.hexdigest():
        return []
    env.kb_link_files_digest = digest.hexdigest()
    return [app.config.root_doc]


def page_context(app, pagename, templatename, context, doctree) -> None:
    stub = getattr(app.builder, "kb_redirect_stubs", {}).get(pagename)
    if stub and templatename != "kb-redirect.html":  # a page the site makes itself (search, the reading list)
        logger.warning(f"the redirect '{stub[0]}' is the address of a page the site makes ({pagename}): one "
                       "would replace the other. Remove the redirect.",
                       location=f"{files(app)[1]}:{stub[1]}", type="kb", subtype=KbWarning.REDIRECT)
    if pagename in app.env.found_docs:
        context["kb_section_redirects"] = shown(app, pagename, section_redirects_for)


def setup(app) -> None:
    app.add_config_value("kb_ledger_update", False, "", types=(bool, int, str))
    app.add_env_collector(AnchorCollector)
    app.connect("builder-inited", init_env)
    app.connect("env-get-outdated", files_changed)
    app.connect("env-check-consistency", check_links)
    app.connect("build-finished", update_ledger)
    app.connect("html-collect-pages", redirect_pages)
    app.connect("html-page-context", page_context)
