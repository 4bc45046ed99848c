"""What a page's own markup may contain: essays cannot script, restyle, redirect or load.

Raw HTML in a page (an HTML block, inline HTML, a ``{raw} html`` directive, and the same brought in
from an included file: ``{include}``, rst ``.. include::``, ``{raw}`` with ``:file:``) may use only
``ALLOWED_TAGS``, harmless text-level tags, with ``title``, ``lang`` and ``dir`` (and ``open`` on
``<details>``). Everything else is refused at build time with the file and line: scripts and event
attributes (``onclick=``), ``style``, ``<meta>`` and ``<base>`` (which can send the reader to another
site), frames, embeds, forms, images and SVG (which load or send things), and raw ``<a>`` (links
are written in Markdown, which gives outbound ones ``rel="noopener noreferrer"``). Headings are
plain text: they are shown as text on theme pages, in search and in the feed. A link to a
``javascript:``, ``vbscript:``, ``data:`` or ``file:`` address is refused wherever it is written
(Markdown shows such a link as literal text, so it would otherwise pass unnoticed; one that does
become a link or a picture is refused by ``privacy.py``, with its line).

It is read with html5lib's tokenizer, which follows the WHATWG algorithm, so a comment or tag means
to the check what it means to a browser (``<!-->``, ``--!>``, ``<script/x>``, ``</ x>``); raw HTML
that leaves a comment or tag open (``<!-- never closed``) is refused, since a browser would hide
everything after it, the site's scripts included. Problems in an included file are reported at
that file's line.

The page-level check in ``privacy.py`` looks at every finished page as a second line: whatever the
element, nothing may load from another host or send the reader there on its own, and its policy
only ever trusts the site's own scripts.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from html5lib._tokenizer import HTMLTokenizer
from html5lib.constants import tokenTypes
from sphinx.util import logging

from .privacy import UNSAFE_SCHEME, browser_url

from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

TEXT_ATTRIBUTES = frozenset({"title", "lang", "dir"})
ALLOWED_TAGS = {tag: TEXT_ATTRIBUTES for tag in (
    "abbr", "b", "br", "del", "em", "i", "ins", "kbd", "mark", "s", "small", "strong", "sub", "summary",
    "sup", "u", "wbr")} | {"details": TEXT_ATTRIBUTES | {"open"}}
ALLOWED_LIST = ", ".join(f"<{tag}>" for tag in sorted(ALLOWED_TAGS))
# Why a tag is refused, for the tags an author is most likely to paste.
REFUSED_TAGS = {
    ("script", "noscript", "template"): "essays cannot run scripts",
    ("style", "link"): "the site's own stylesheet styles every page, and a stylesheet can load files from other sites",
    ("meta", "base"): "it can send the reader to another site or change where every link goes",
    ("iframe", "frame", "frameset", "object", "embed", "applet", "portal"): "it would show another site inside the page",
    ("img", "picture", "source", "video", "audio", "track", "svg", "math", "canvas"):
        "it would load or draw content the site does not control; pictures belong in the site's own files",
    ("form", "input", "button", "select", "textarea", "option", "label", "fieldset"):
        "a form would send what the reader types somewhere",
    ("a", "area"): "write links in Markdown, [text](https://...) or [text](other-essay.md), so they get the site's safe link settings",
}
REFUSED_REASON = {tag: reason for tags, reason in REFUSED_TAGS.items() for tag in tags}
# Markdown leaves a link to an address it refuses as text: [x](javascript:...), <javascript:...>,
# or a reference definition [x]: javascript:...
REFUSED_LINK = re.compile(
    r"\]\(\s*<?\s*(?P<a>(?:javascript|vbscript|data|file)\s*:[^)\s]*)"
    r"|<(?P<b>(?:javascript|vbscript|data|file):[^>\s]*)>"
    r"|^\s*\[[^\]]+\]:\s*<?(?P<c>(?:javascript|vbscript|data|file)\s*:\S*)", re.I | re.M)


# html5lib's token types (html5lib.constants.tokenTypes).
START_TAG, END_TAG, EMPTY_TAG, COMMENT, DOCTYPE, PARSE_ERROR = (
    tokenTypes[name] for name in ("StartTag", "EndTag", "EmptyTag", "Comment", "Doctype", "ParseError"))


class RawHTMLCheck:
    """The problems of one piece of raw HTML, as (line within it, message). It is read with
    html5lib's tokenizer, which follows the WHATWG algorithm a browser follows, so a comment or a
    tag means here what it means to the browser (``<!-->`` and ``<!--->`` are whole comments,
    ``--!>`` ends one, ``<script/x>`` is a script); a comment or tag the piece leaves open would
    swallow the rest of the page, the site's scripts included, and is refused."""

    def __init__(self):
        self.problems: list[tuple[int, str]] = []
        self.tags: list[str] = []  # every start tag, as written (for headings)

    def check(self, html: str) -> "RawHTMLCheck":
        tokenizer = HTMLTokenizer(html)
        line = 1
        for token in tokenizer:
            kind = token["type"]
            if kind in (START_TAG, EMPTY_TAG):
                self.start_tag(line, token["name"], token["data"])
            elif kind == DOCTYPE:
                self.problems.append((line, f"<!DOCTYPE {token.get('name') or ''}> is not allowed in essays; remove it."))
            elif kind == PARSE_ERROR and "eof" in token["data"]:
                self.problems.append((line, (
                    f"this raw HTML leaves {OPEN_AT_END.get(token['data'], 'a tag')} open at its end: a browser "
                    "would hide everything after it, the site's own scripts (quick exit) and footer included. "
                    "Close it ('-->' ends a comment, '>' a tag) or remove it.")))
            elif kind == PARSE_ERROR and token["data"] in BOGUS_COMMENT_ERRORS:
                self.problems.append((line, (
                    "this raw HTML has a '<!', '</' or '<?' that a browser reads as a comment; write '&lt;' for a "
                    "literal '<', or remove it.")))
            line = tokenizer.stream.position()[0]
        return self

    def start_tag(self, line: int, tag: str, attrs) -> None:
        self.tags.append(tag)
        refuse = lambda message: self.problems.append((line, message))  # noqa: E731
        if tag not in ALLOWED_TAGS:
            reason = REFUSED_REASON.get(tag)
            refuse(f"raw HTML <{tag}> is not allowed in essays: {reason}." if reason else
                   f"raw HTML <{tag}> is not allowed in essays. Write it in Markdown; the only HTML "
                   f"allowed is {ALLOWED_LIST}.")
            return
        for name, value in dict(attrs).items():
            if name in ALLOWED_TAGS[tag] and not UNSAFE_SCHEME.match(value or ""):
                continue
            if name.startswith("on"):
                refuse(f"the attribute {name}= on <{tag}> runs a script; essays cannot run scripts. Remove it.")
            elif name == "style":
                refuse(f"the attribute style= on <{tag}> is not allowed: the site's stylesheet styles "
                       "every page, and a style can load files from other sites. Remove it.")
            elif UNSAFE_SCHEME.match(value or ""):
                refuse(f"the attribute {name}= on <{tag}> holds a {scheme_of(value)}: address, which "
                       "could run code; remove it.")
            else:
                allowed = ", ".join(f"{a}=" for a in sorted(ALLOWED_TAGS[tag]))
                refuse(f"the attribute {name}= is not allowed on <{tag}> (allowed: {allowed}). Remove it.")


# What an "eof-in-..." parse error leaves open, for the message.
OPEN_AT_END = {"eof-in-comment": "a comment ('<!--' without '-->')", "eof-in-comment-double-dash": "a comment",
               "eof-in-comment-end-dash": "a comment", "eof-in-comment-end-bang-state": "a comment",
               "eof-in-bogus-comment": "a comment", "eof-in-doctype": "a '<!' declaration"}
# '<!x', '</3', '<?x': a browser reads these as comments (a "bogus comment").
BOGUS_COMMENT_ERRORS = {"expected-dashes-or-doctype", "expected-closing-tag-but-got-char",
                        "expected-tag-name-but-got-question-mark"}


def scheme_of(url: str) -> str:
    return UNSAFE_SCHEME.match(url).group(1).lower()


def raw_html_problems(html: str) -> list[tuple[int, str]]:
    return RawHTMLCheck().check(html).problems


def raw_origin(raw: nodes.raw, env, docname: str) -> tuple[str, Path | None]:
    """Where a raw node's text was written: ("", None) for the essay itself, or the included
    file (``{include}``, rst ``.. include::``, ``{raw}`` with ``:file:``) as (location, path)."""
    source = raw.get("source") or raw.source
    if not source:
        return "", None
    path = Path(source)
    own = Path(env.doc2path(docname))
    try:
        if path.resolve() == own.resolve():
            return "", None
    except OSError:
        pass
    return str(path), path


def refused_link_problems(text: str) -> list[tuple[int, str]]:
    """(line within text, message) for each link to an address Markdown refused to make a link."""
    problems = []
    for match in REFUSED_LINK.finditer(text):
        address = match.group("a") or match.group("b") or match.group("c")
        problems.append((text.count("\n", 0, match.start()), (
            f"the link to '{address[:40]}' is not allowed: {scheme_of(address)}: addresses run code "
            "or carry a hidden page, and Markdown shows them as text. Link to a page instead: "
            "[text](https://...) or [text](other-essay.md).")))
    return problems


def visible_text(node: nodes.Element) -> str:
    """A paragraph's or heading's text, without code (where a refused link may be shown on purpose)."""
    return "".join(child.astext() for child in node.findall(nodes.Text)
                   if not isinstance(child.parent, (nodes.literal, nodes.literal_block, nodes.raw)))


def first_line(raw: nodes.raw, lines: list[str]) -> int:
    """The file line of a raw node's first line of text: the node's own line for an HTML block, the
    line after it for a ``{raw}`` directive (its line is the directive's); for an included file,
    wherever in it the text is."""
    text = raw.astext().splitlines()
    index, first = next(((i, line.strip()) for i, line in enumerate(text) if line.strip()), (0, ""))
    start = raw.line or 1
    for number in [*range(start, min(start + 3, len(lines)) + 1), *range(1, len(lines) + 1)]:
        if 0 < number <= len(lines) and first in lines[number - 1]:
            return number - index
    return start


def inside(node: nodes.Node, kind: type) -> bool:
    parent = node.parent
    while parent is not None and not isinstance(parent, kind):
        parent = parent.parent
    return parent is not None


URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Schemes a link in an essay may use besides the site's own pages (javascript: and the like are
# refused by REFUSED_LINK and privacy.py, with their own message).
LINK_SCHEMES = {"http", "https", "mailto"}


def link_target_problem(target: str) -> str | None:
    """What is wrong with a Markdown link's address, as a browser would read it; None when fine."""
    url = browser_url(target)
    if url.startswith("//"):
        return (f"the link to '{target[:60]}' has no 'https:' in front: a browser reads it as an address on "
                "another site. Write the whole address, https://..., or a page of this site, other-essay.md.")
    scheme = URL_SCHEME.match(target.strip())
    if not scheme:
        return None
    name = scheme.group(1).lower()
    if name in ("http", "https") and not re.match(r"^[A-Za-z]+://", target.strip().replace("\\", "/")):
        return (f"the link to '{target[:60]}' has no '//' after '{name}:': a browser reads it as {url[:60]}, "
                f"an address on another site. Write it in full: {url[:60]}.")
    if name in ("tel", "sms"):
        return (f"the link to '{target[:40]}' is a phone number typed into the essay. Help lines come from one "
                "setting (kb_help_lines in conf.py), so they stay right everywhere: write {helpline}`crisis` "
                "(or another line's name) instead.")
    if name not in LINK_SCHEMES and not UNSAFE_SCHEME.match(target):
        return (f"the link to '{target[:40]}' uses the address type '{name}:', which this site does not link "
                "to. Links go to https:// addresses, mailto: addresses, or pages of this site (other-essay.md).")
    return None


def check_links(doctree, warn_at) -> None:
    """Links whose address a browser would read otherwise than the author meant, or that the site
    does not allow: reported with what to write instead (not as a missing cross-reference)."""
    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.reference, addnodes.pending_xref)))):
        target = node.get("refuri") if isinstance(node, nodes.reference) else node.get("reftarget")
        if not target or (isinstance(node, addnodes.pending_xref) and node.get("reftype") != "myst") \
                or "kb-helpline-number" in node.get("classes", []):  # made by {helpline} from the setting
            continue
        problem = link_target_problem(target)
        if problem:
            warn_at(node, problem)
            if isinstance(node, addnodes.pending_xref):  # said here: no "target not found" as well
                node.replace_self(node.children or [])


def check_markup(app, doctree) -> None:
    """Every piece of raw HTML on the page, typed in the essay or brought in from an included file
    (``{include}``, rst ``.. include::``, ``{raw}`` with ``:file:``), goes through the same check,
    reported at the file and line where it was written."""
    env = app.env
    docname = env.docname
    lines = env.doc2path(docname).read_text(encoding="utf-8-sig").splitlines()
    included: dict[Path, list[str]] = {}

    def where(raw: nodes.raw, offset: int = 1):
        location, path = raw_origin(raw, env, docname)
        if path is None:
            return docname, first_line(raw, lines) + offset - 1
        if path not in included:
            try:
                included[path] = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeError):
                included[path] = []
        return f"{location}:{first_line(raw, included[path]) + offset - 1}"

    def warn(location, message: str) -> None:
        logger.warning(message, location=location, type="kb", subtype=KbWarning.MARKUP)

    for title in doctree.findall(nodes.title):
        raws = [raw for raw in title.findall(nodes.raw) if "html" in raw.get("format", "").split()]
        if raws:
            tags = [raw.astext().strip() for raw in raws if not raw.astext().startswith("</")] or \
                [raw.astext().strip() for raw in raws]
            warn((docname, title.line), f"the heading '{title.astext()}' contains HTML ({' '.join(tags)}). Headings "
                                        "are plain text (they are shown as text on theme pages, in search and in "
                                        "the feed): remove the tags.")
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split() or inside(raw, nodes.title):
            continue  # a heading's HTML is reported above, once
        for offset, message in raw_html_problems(raw.astext()):
            warn(where(raw, offset), message)
    for node in doctree.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.title, nodes.term))):
        for offset, message in refused_link_problems(visible_text(node)):
            warn((docname, (node.line or 1) + offset), message)
    check_links(doctree, lambda node, message: warn((docname, node.line or node.parent.line), message))


def setup(app) -> None:
    app.connect("doctree-read", check_markup)
