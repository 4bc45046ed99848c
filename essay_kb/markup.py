"""What a page's own markup may contain: essays cannot script, restyle, redirect or load.

Raw HTML typed into a page (an HTML block, inline HTML, or a ``{raw} html`` directive) may use only
``ALLOWED_TAGS``, harmless text-level tags, with ``title``, ``lang`` and ``dir`` (and ``open`` on
``<details>``). Everything else is refused at build time with the file and line: scripts and event
attributes (``onclick=``), ``style``, ``<meta>`` and ``<base>`` (which can send the reader to another
site), frames, embeds, forms, images and SVG (which load or send things), and raw ``<a>`` (links
are written in Markdown, which gives outbound ones ``rel="noopener noreferrer"``). Headings are
plain text: they are shown as text on theme pages, in search and in the feed. A link to a
``javascript:``, ``vbscript:``, ``data:`` or ``file:`` address is refused wherever it is written
(Markdown shows such a link as literal text, so it would otherwise pass unnoticed; one that does
become a link or a picture is refused by ``privacy.py``, with its line).

The page-level check in ``privacy.py`` looks at every finished page as a second line: whatever the
element, nothing may load from another host or send the reader there on its own, and its policy
only ever trusts the site's own scripts.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from docutils import nodes
from sphinx.util import logging

from .privacy import UNSAFE_SCHEME

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


class RawHTMLCheck(HTMLParser):
    """The problems of one piece of raw HTML, as (line within it, message)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[int, str]] = []

    def refuse(self, message: str) -> None:
        self.problems.append((self.getpos()[0], message))

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            reason = REFUSED_REASON.get(tag)
            self.refuse(f"raw HTML <{tag}> is not allowed in essays: {reason}." if reason else
                        f"raw HTML <{tag}> is not allowed in essays. Write it in Markdown; the only HTML "
                        f"allowed is {ALLOWED_LIST}.")
            return
        for name, value in attrs:
            if name in ALLOWED_TAGS[tag] and not UNSAFE_SCHEME.match(value or ""):
                continue
            if name.startswith("on"):
                self.refuse(f"the attribute {name}= on <{tag}> runs a script; essays cannot run scripts. Remove it.")
            elif name == "style":
                self.refuse(f"the attribute style= on <{tag}> is not allowed: the site's stylesheet styles "
                            "every page, and a style can load files from other sites. Remove it.")
            elif UNSAFE_SCHEME.match(value or ""):
                self.refuse(f"the attribute {name}= on <{tag}> holds a {scheme_of(value)}: address, which "
                            "could run code; remove it.")
            else:
                allowed = ", ".join(f"{a}=" for a in sorted(ALLOWED_TAGS[tag]))
                self.refuse(f"the attribute {name}= is not allowed on <{tag}> (allowed: {allowed}). Remove it.")

    handle_startendtag = handle_starttag

    def handle_decl(self, decl):
        self.refuse(f"<!{decl}> is not allowed in essays; remove it.")

    def unknown_decl(self, data):
        self.refuse(f"<![{data}]> is not allowed in essays; remove it.")

    def handle_pi(self, data):
        self.refuse(f"<?{data}> is not allowed in essays; remove it.")


def scheme_of(url: str) -> str:
    return UNSAFE_SCHEME.match(url).group(1).lower()


def raw_html_problems(html: str) -> list[tuple[int, str]]:
    check = RawHTMLCheck()
    check.feed(html)
    check.close()
    return check.problems


def typed_by_author(node: nodes.raw, source: str) -> bool:
    """Raw HTML the author wrote, not markup a parser or directive made (MyST writes a hard line
    break as <br />): every line of it is in the file, as typed."""
    return all(line.strip() in source for line in node.astext().splitlines() if line.strip())


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
    line after it for a ``{raw}`` directive (its line is the directive's)."""
    text = raw.astext().splitlines()
    index, first = next(((i, line.strip()) for i, line in enumerate(text) if line.strip()), (0, ""))
    start = raw.line or 1
    for number in range(start, min(start + 3, len(lines)) + 1):
        if first in lines[number - 1]:
            return number - index
    return start


def inside(node: nodes.Node, kind: type) -> bool:
    parent = node.parent
    while parent is not None and not isinstance(parent, kind):
        parent = parent.parent
    return parent is not None


def check_markup(app, doctree) -> None:
    env = app.env
    docname = env.docname
    source = env.doc2path(docname).read_text(encoding="utf-8-sig")
    lines = source.splitlines()

    def warn(line: int, message: str) -> None:
        logger.warning(message, location=(docname, line), type="kb", subtype=KbWarning.MARKUP)

    for title in doctree.findall(nodes.title):
        tags = [raw.astext().strip() for raw in title.findall(nodes.raw)
                if typed_by_author(raw, source) and not raw.astext().startswith("</")]
        if tags:
            warn(title.line, f"the heading '{title.astext()}' contains HTML ({' '.join(tags)}). Headings are "
                             "plain text (they are shown as text on theme pages, in search and in the feed): "
                             "remove the tags.")
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split() or not typed_by_author(raw, source):
            continue
        if inside(raw, nodes.title):
            continue  # reported above, once
        first = first_line(raw, lines)
        for offset, message in raw_html_problems(raw.astext()):
            warn(first + offset - 1, message)
    for node in doctree.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.title, nodes.term))):
        for offset, message in refused_link_problems(visible_text(node)):
            warn((node.line or 1) + offset, message)


def setup(app) -> None:
    app.connect("doctree-read", check_markup)
