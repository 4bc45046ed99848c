"""Files are author input: what a page includes or attaches, what docs/ holds, what the site ships.

- **Includes** (MyST ``{include}``, rst ``.. include::``, ``{literalinclude}`` and its ``:diff:``,
  ``{raw}`` and ``{csv-table}`` with ``:file:``) are checked before the file is opened: it must
  be a regular file inside docs/ once links (symlinks) are followed, of readable size and UTF-8.
  ``:url:`` (a download at build time) is refused. The included text itself is checked as typed
  text by markup.py.
- **Attachments** (``{download}``, a Markdown link to a local file, a picture) must be inside
  docs/ and of a type in ``ATTACHMENT_TYPES``, and be what their name says: an SVG only if it can
  run no script and load nothing (``svg_problems``, with a real XML parser); no HTML, no
  JavaScript, nothing else. A refused one is dropped before Sphinx copies it.
- **docs/ itself** is walked before Sphinx looks for pages: a link (symlink) that leads outside
  docs/ or to a folder (Sphinx would read that folder again, or forever), a file that is not a
  regular file, or a page too large to read stops the build with its name.
- **The output folder** is scanned after the build, every file of it: no HTML but the pages the
  build made, attachments only of the allowed types, scripts and styles only in ``_static/``,
  every SVG checked. Pages themselves are checked by privacy.py as they are rendered.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Raw, adapt_path
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx import addnodes
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .source import MAX_TEXT_BYTES, megabytes, read_source, sentence, too_large
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
ATTACHMENT_TYPES = IMAGE_TYPES | {".pdf", ".txt"}
ALLOWED_LIST = ", ".join(sorted(ATTACHMENT_TYPES))
MAX_ATTACHMENT_BYTES = 20_000_000
# What a file of each type starts with: a file named .png that is something else is refused.
MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
         ".gif": (b"GIF87a", b"GIF89a"), ".pdf": (b"%PDF-",)}
# Besides attachments and pages, the files the build itself writes: its data, feed and sitemap,
# and (only in _static/) the site's scripts, styles and fonts.
SITE_DATA_TYPES = frozenset({".json", ".xml", ".inv", ".ico"})
# .mjs, .wasm and .onnx: the sentence model and its runtime (search.py's _static/kb-model/), which
# the build copies from pinned packages.
STATIC_ONLY_TYPES = frozenset({".css", ".js", ".map", ".woff", ".woff2", ".mjs", ".wasm", ".onnx"})
SITE_FILE_NAMES = frozenset({".buildinfo", "searchindex.js"})  # searchindex.js: Sphinx's own search (the benchmark's comparison build)
ATTACHMENT_FOLDERS = ("_downloads", "_images")
MAX_INCLUDE_DEPTH = 8

SVG_NS = "http://www.w3.org/2000/svg"
# Elements of these namespaces run or show a document inside the SVG.
ACTIVE_NAMESPACES = {"http://www.w3.org/1999/xhtml": "HTML", "http://www.w3.org/1998/Math/MathML": "MathML"}
ACTIVE_ELEMENTS = {"script": "runs a script", "foreignObject": "embeds a web page, which can run scripts",
                   "handler": "runs a script", "listener": "runs a script",
                   "iframe": "shows another page", "embed": "loads another file", "object": "loads another file"}
CSS_REFERENCE = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)|@import|image-set\(|\\", re.I)
INVISIBLE = re.compile(r"[\x00-\x20]")
DOCS = "docs/"


# -- one file -----------------------------------------------------------------------------------

def real_path(path: Path) -> tuple[Path | None, str | None]:
    """(the file a path leads to, links followed) or None and why: a link that leads to itself."""
    try:
        return Path(os.path.realpath(path, strict=True)), None
    except FileNotFoundError:
        return Path(os.path.realpath(path)), None
    except OSError:
        return None, "it is a link (symlink) that leads back to itself, a loop; remove the link"


def inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def file_problem(path: Path, srcdir: Path, limit: int) -> str | None:
    """Why ``path`` may not be read for a page, or None (also when it does not exist: the
    directive says so itself)."""
    real, loop = real_path(path)
    if loop:
        return loop
    if not inside(real, Path(os.path.realpath(srcdir))):
        return (f"it is outside {DOCS} (it is {real}). Only files inside {DOCS} are read for pages and "
                "published (copy the file into docs/ if it is meant to be)")
    try:
        status = os.stat(real)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return "it is not an ordinary file (a folder, a device or a pipe); name a file"
    if status.st_size > limit:
        return f"it is {megabytes(status.st_size)}, more than the {megabytes(limit)} the build reads from one file"
    return None


# -- includes ---------------------------------------------------------------------------------------

class CheckedFiles:
    """Mixin for a directive that reads files: each is checked before the directive runs."""

    def paths(self) -> list[tuple[str, Path]]:  # (what the author wrote, the file it names)
        raise NotImplementedError

    def refused(self) -> bool:
        location = ":".join(str(part) for part in self.state_machine.get_source_and_line(self.lineno))
        if "url" in self.options:
            logger.warning(f"'{self.name}' with :url: would download {self.options['url']} at every build; "
                           f"only files inside {DOCS} can be read. Save the file into docs/ and use :file:.",
                           location=location, type="kb", subtype=KbWarning.INCLUDE)
            return True
        srcdir = Path(self.state.document.settings.env.srcdir)
        problems = []
        for written, path in self.paths():
            if written.startswith("<") and written.endswith(">"):
                problem = f"it is one of docutils' own files, outside {DOCS}"
            else:
                problem = file_problem(path, srcdir, MAX_TEXT_BYTES)
            if problem is None and path.is_file() and "encoding" not in self.options:
                _, unreadable = read_source(path)
                if unreadable:
                    line, message = unreadable
                    logger.warning(f"{message} (it is included by {location})", location=f"{path}:{line}",
                                   type="kb", subtype=KbWarning.INCLUDE)
                    problems.append(written)
                continue
            if problem:
                logger.warning(f"'{self.name}' of '{written}' is refused: {problem}.", location=location,
                               type="kb", subtype=KbWarning.INCLUDE)
                problems.append(written)
        return bool(problems)

    def run(self):
        return [] if self.refused() else super().run()


def relative_to_page(directive, written: str) -> Path:
    """How Sphinx reads a path (include, literalinclude): from docs/ when it starts with '/',
    otherwise from the page's folder."""
    return Path(directive.state.document.settings.env.relfn2path(written)[1])


def relative_to_source(directive, written: str) -> Path:
    """How docutils reads :file: (raw, csv-table): from the folder of the file being parsed."""
    document = directive.state.document
    source = document.current_source or document["source"]
    return Path(os.path.abspath(adapt_path(written, source, getattr(document.settings, "root_prefix", ""))))


class CheckedInclude(CheckedFiles, SphinxDirective):
    """``include`` in both MyST and rst. It is not a subclass of docutils' Include, because MyST
    runs such a class in its own way (``MockIncludeDirective``) without calling ``run()``: this
    directive checks, then hands over to the one the parser would have used."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {**Include.option_spec, "relative-images": directives.flag,
                   "relative-docs": directives.path, "heading-offset": directives.nonnegative_int}

    def paths(self):
        written = "".join(s.strip() for s in self.arguments[0].splitlines())
        return [(written, relative_to_page(self, written))]

    def run(self):
        if self.refused():
            return []
        # A file that includes itself, directly or through others, would be read until Python gives up.
        [(written, path)] = self.paths()
        including = self.env.temp_data.setdefault("kb_including", [])
        if os.path.realpath(path) in including or len(including) >= MAX_INCLUDE_DEPTH:
            chain = " > ".join(os.path.basename(p) for p in [*including, path])
            logger.warning(f"'{self.name}' of '{written}' is refused: files would include each other without "
                           f"end ({chain}), or more than {MAX_INCLUDE_DEPTH} deep.", location=self.get_location(),
                           type="kb", subtype=KbWarning.INCLUDE)
            return []
        including.append(os.path.realpath(path))
        try:
            renderer = getattr(self.state, "_renderer", None)
            if renderer is not None:  # MyST
                from myst_parser.mocking import MockIncludeDirective
                return MockIncludeDirective(renderer, name=self.name, klass=Include, arguments=self.arguments,
                                            options=self.options, body=list(self.content), lineno=self.lineno).run()
            return Include(self.name, self.arguments, self.options, self.content, self.lineno, self.content_offset,
                           self.block_text, self.state, self.state_machine).run()
        finally:
            including.pop()


class CheckedLiteralInclude(CheckedFiles, LiteralInclude):
    def paths(self):
        found = [(self.arguments[0], relative_to_page(self, self.arguments[0]))]
        if "diff" in self.options:
            found.append((self.options["diff"], relative_to_page(self, self.options["diff"])))
        return found


class CheckedRaw(CheckedFiles, Raw):
    def paths(self):
        return [(self.options["file"], relative_to_source(self, self.options["file"]))] if "file" in self.options else []


class CheckedCSVTable(CheckedFiles, CSVTable):
    def paths(self):
        return [(self.options["file"], relative_to_source(self, self.options["file"]))] if "file" in self.options else []


FILE_DIRECTIVES = {"include": CheckedInclude, "literalinclude": CheckedLiteralInclude, "raw": CheckedRaw,
                   "csv-table": CheckedCSVTable}


# -- attachments ------------------------------------------------------------------------------------

def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """What in an SVG could run a script or load something from elsewhere when the file is opened
    on its own (as a picture it can do neither; opened directly, it is a page of the site)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [(exc.lineno or 1, f"it is not a well-formed SVG ({exc.msg})")]
    found: list[str] = []
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        found.append("it has a DOCTYPE, whose entities could change what a browser reads; remove it")
    if root.tag not in (f"{{{SVG_NS}}}svg", "svg"):
        found.append(f"its outermost element is not <svg> (in the SVG namespace, {SVG_NS})")
    problems = [(1, message) for message in found]
    for node in [*root.itersiblings(preceding=True), *root.iter(), *root.itersiblings()]:
        line = node.sourceline or 1
        if isinstance(node, etree._ProcessingInstruction):
            problems.append((line, f"it holds the instruction <?{node.target} ...?>, which can load a stylesheet"))
            continue
        if isinstance(node, etree._Entity):
            problems.append((line, f"it uses the entity &{node.name};"))
            continue
        if not isinstance(node.tag, str):
            continue  # a comment
        namespace, _, name = node.tag[1:].partition("}") if node.tag.startswith("{") else ("", "", node.tag)
        found = []
        if namespace in ACTIVE_NAMESPACES:
            found.append(f"it holds {ACTIVE_NAMESPACES[namespace]} (<{name}>), which can run scripts")
        elif name in ACTIVE_ELEMENTS:
            found.append(f"it holds <{name}>, which {ACTIVE_ELEMENTS[name]}")
        if name == "style":
            found += css_problems(node.text or "", "<style>")
        for attribute, value in node.attrib.items():
            attribute = attribute.rpartition("}")[2]
            if attribute.lower().startswith("on"):
                found.append(f"<{name}> has the event attribute {attribute}=, which runs a script")
            elif attribute == "href" and not INVISIBLE.sub("", value).startswith("#"):
                found.append(f"<{name}> links or loads '{value[:60]}': only a place in the same file (#id) may be named")
            elif attribute == "attributeName" and (value.lower().endswith("href") or value.lower().startswith("on")):
                found.append(f"<{name}> animates {value}=, which can turn into a script")
            else:
                found += css_problems(value, f"{attribute}= on <{name}>")
        problems += [(line, message) for message in found]
    return list(dict.fromkeys(problems))


def css_problems(text: str, where: str) -> list[str]:
    problems = []
    for match in CSS_REFERENCE.finditer(text):
        target = match.group(1)
        if target is None:
            problems.append(f"{where} holds '{match.group(0)}', which can load from elsewhere")
        elif not target.startswith("#"):
            problems.append(f"{where} loads '{target[:60]}': only a place in the same file (url(#id)) may be named")
    return problems


def content_problems(path: Path, suffix: str) -> list[tuple[int, str]]:
    """Why a file is not what its name says, or not safe to publish as it."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ATTACHMENT_BYTES + 1)
    except OSError as exc:
        return [(1, f"it cannot be read ({exc.strerror})")]
    if suffix in MAGIC and not data.startswith(MAGIC[suffix]):
        return [(1, f"it is not a {suffix[1:].upper()} file, whatever its name says")]
    if suffix == ".webp" and not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return [(1, "it is not a WEBP file, whatever its name says")]
    if suffix == ".txt":
        _, problem = read_source(path, MAX_ATTACHMENT_BYTES)
        return [problem] if problem else []
    if suffix == ".svg":
        return svg_problems(data)
    return []


def attachment_problems(path: Path, srcdir: Path, allowed: frozenset[str]) -> list[tuple[int, str]]:
    """(line in the file, why) for a file that may not be published as an attachment."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        kind = "a web page, which could run scripts on the site's own address" if suffix in (".html", ".htm", ".xhtml") \
            else f"a {suffix or 'file without a type'}"
        return [(1, f"it is {kind}; the site publishes only {', '.join(sorted(allowed))} files")]
    problem = file_problem(path, srcdir, MAX_ATTACHMENT_BYTES)
    if problem:
        return [(1, problem)]
    return content_problems(path, suffix) if path.is_file() else []


def image_paths(app, node: nodes.image, docname: str) -> list[tuple[str, Path]]:
    uri = node["uri"]
    if uri.startswith("data:") or "://" in uri:
        return []  # privacy.py refuses addresses that load from elsewhere or carry a hidden file
    path = Path(app.env.relfn2path(uri, docname)[1])
    if uri.endswith(".*"):
        return [(uri, found) for found in sorted(path.parent.glob(path.name))]
    return [(uri, path)]


def check_attachments(app, doctree) -> None:
    """Before Sphinx's own collectors (so a refused file is never copied): every download, linked
    file and picture of the page."""
    docname = app.env.docname
    srcdir = Path(app.srcdir)

    def refuse(node, what: str, written: str, problems: list[tuple[int, str]]) -> None:
        for line, problem in problems:
            where = f" (line {line} of it)" if line > 1 else ""
            logger.warning(f"{what} '{written}' is refused: {problem}{where}.", location=node,
                           type="kb", subtype=KbWarning.ATTACHMENT)

    for node in list(doctree.findall(addnodes.download_reference)):
        written = node.get("reftarget", "")
        if "://" in written:
            continue
        problems = attachment_problems(Path(app.env.relfn2path(written, docname)[1]), srcdir, ATTACHMENT_TYPES)
        if problems:
            refuse(node, "the linked file", written, problems)
            node.replace_self(nodes.inline("", "", *node.children))
    for node in list(doctree.findall(nodes.image)):
        problems = [p for written, path in image_paths(app, node, docname)
                    for p in attachment_problems(path, srcdir, IMAGE_TYPES)]
        if problems:
            refuse(node, "the picture", node["uri"], problems)
            node.parent.remove(node)


# -- docs/ ------------------------------------------------------------------------------------------

def tree_problems(srcdir: Path, source_suffixes) -> list[tuple[str, str]]:
    """(location, message) for what in docs/ Sphinx must not read: walked without following links."""
    problems = []
    real_srcdir = Path(os.path.realpath(srcdir))
    for folder, subfolders, names in os.walk(srcdir):
        for name in sorted([*subfolders, *names]):
            path = Path(folder, name)
            shown = f"{path}:1"  # a location, for the messages (Sphinx has no pages yet to name)
            if path.is_symlink():
                real, loop = real_path(path)
                if loop:
                    problems.append((shown, f"this link (symlink) leads back to itself, a loop: remove it."))
                elif real.is_dir():
                    problems.append((shown, (f"this is a link (symlink) to the folder {real}: Sphinx would read "
                                             "that folder's pages again, or forever if it holds this link. "
                                             "Move the files into docs/ instead of linking.")))
                elif not inside(real, real_srcdir):
                    problems.append((shown, (f"this is a link (symlink) to {real}, outside {DOCS}: it would "
                                             "be read and published. Copy the file into docs/ instead.")))
                continue
            try:
                status = path.lstat()
            except OSError:
                continue
            if not (stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode)):
                problems.append((shown, "this is not an ordinary file (a device, a pipe or a socket): remove it."))
            elif stat.S_ISREG(status.st_mode) and path.suffix in source_suffixes and status.st_size > MAX_TEXT_BYTES:
                problems.append((shown, sentence(too_large(status.st_size))))
        subfolders[:] = [s for s in subfolders if not Path(folder, s).is_symlink()]
    return problems


def check_tree(app, config) -> None:
    """At config-inited, before Sphinx looks for pages (a loop of links would keep it busy for minutes)."""
    # Sphinx fills config.source_suffix from the parsers' suffixes (MyST's .md) only later.
    problems = tree_problems(Path(app.srcdir), {*config.source_suffix, *app.registry.source_suffix})
    if problems:
        stop(problems, f"the files in {DOCS}")


def stop(problems: list[tuple[str, str]], stage: str) -> None:
    """End the build now, as settings.stop does: nothing can be read safely until these are fixed."""
    for location, message in problems:
        logger.error(message, location=location, type="kb", subtype=KbWarning.SOURCE_TREE)
    logger.error(f"the build stopped at {stage}: fix the {len(problems)} problem(s) above and build again.",
                 type="kb", subtype=KbWarning.SOURCE_TREE)
    raise SystemExit(2)


# -- the output folder ------------------------------------------------------------------------------

def sources_of(app) -> dict[Path, str]:
    """{file in the output folder: the pages that attached it}."""
    outdir, found = Path(app.outdir), {}
    for _, (docnames, destination) in app.env.dlfiles.items():
        found[outdir / "_downloads" / destination] = ", ".join(sorted(docnames))
    for _, (docnames, name) in app.env.images.items():
        found[outdir / app.builder.imagedir / name] = ", ".join(sorted(docnames))
    return found


# What a check found in a file, by the file's stamp: a process that builds again reads again only
# the files written since (the kept preview, essay_kb/serve.py: at 1,000 essays, a thousand page
# sources and QR codes in the output folder each build; the tests, many builds in one process: the
# risk vocabulary). The change time is part of the stamp: no one can set it, and any write changes
# it. `make html` builds once per process.
_CHECKED: dict[tuple, tuple[tuple[int, int, int, int], object]] = {}


def checked_once(path: Path, check, settings: tuple = ()):
    """``check()``'s result for the file as it is now; ``settings``: anything else the result depends on."""
    try:
        found = path.lstat()
    except OSError:  # missing: the check says so
        return check()
    if not stat.S_ISREG(found.st_mode):  # a link's target can change while the link stays as it was
        return check()
    stamp = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)
    key = (str(path), settings)
    known = _CHECKED.get(key)
    if known is None or known[0] != stamp:
        known = _CHECKED[key] = (stamp, check())
    return known[1]


def output_problems(outdir: Path, pages: set[Path]) -> list[tuple[Path, int, str]]:
    """(file, line, why) for every file of the output folder the site must not publish."""
    from .output import files_under

    problems = []
    for path, parts in files_under(outdir):
        if ".doctrees" in parts:
            continue
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm", ".xhtml", ".shtml"):
            if path not in pages:
                problems.append((path, 1, "it is an HTML file the build did not make, which could run scripts on the site's address"))
        elif parts[0] in ATTACHMENT_FOLDERS:
            found = checked_once(path, lambda: attachment_problems(path, outdir, ATTACHMENT_TYPES))
            problems += [(path, line, p) for line, p in found]
        elif suffix in STATIC_ONLY_TYPES and parts[0] != "_static" and path.relative_to(outdir).as_posix() not in SITE_FILE_NAMES:
            problems.append((path, 1, f"it is a {suffix} file outside _static/, where only the site's own scripts and styles are"))
        elif suffix == ".svg":
            problems += [(path, line, p) for line, p in checked_once(path, lambda: svg_problems(path.read_bytes()))]
        elif not (suffix in ATTACHMENT_TYPES | SITE_DATA_TYPES | STATIC_ONLY_TYPES or path.name in SITE_FILE_NAMES):
            problems.append((path, 1, f"it is a {suffix or 'file without a type'}, which the site does not publish"))
    return problems


def scan_output(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    from .output import expected_pages
    outdir = Path(app.outdir)
    attached = sources_of(app)
    for path, line, problem in output_problems(outdir, expected_pages(app)):
        by = f" (attached by {attached[path]})" if path in attached else ""
        logger.warning(f"this file of the output folder{by} is refused: {problem}.", location=f"{path}:{line}",
                       type="kb", subtype=KbWarning.ATTACHMENT)


def setup(app) -> None:
    for name, directive in FILE_DIRECTIVES.items():
        app.add_directive(name, directive, override=True)
    app.connect("config-inited", check_tree)
    # doctree-read: check_attachments, and build-finished: scan_output, are connected from
    # essay_kb.HANDLER_ORDER (their order matters).
