"""Zero third parties: a Content-Security-Policy on every page, no referrer, outbound links that
cannot reach back, and no math renderer that fetches a script from a CDN.

The policy trusts only the code the site ships: the inline scripts and styles of its templates
(this package's, Furo's, Sphinx's) and the script texts it registers, collected from the template
files before any page is secured (``KnownSources``), never by scanning a finished page, where an
injected script would look just like the site's. Each page's policy lists, by SHA-256, those of the
known ones it holds. Any other inline script or ``<style>`` on a finished page fails the build with
the page and where it came from (the essay's file:line, or the themes file, redirects or conf.py
line that holds it); an essay's ``style=`` gets no hash, so the browser ignores it.

Finished pages are read with Lexbor (through selectolax), a C parser that follows the WHATWG parsing
algorithm, so a comment or a tag ends where a browser ends it (``<!-->``, ``--!>``, ``<script/x>``); and when the article hides
the site's own scripts after it (an unclosed ``<!--`` or tag), the build fails too. The same pass
fails the build when a page would load anything from another host or send the reader there on its
own, whatever the element or attribute (``src``, ``srcset``, ``href`` anywhere but a link,
``action``, ``ping``, ``poster``, CSS ``url()`` and ``@import``, ``<base>``, a meta refresh, ...),
and for any ``javascript:`` or ``data:`` address, even on a link; an ordinary link to another site
stays allowed. A ``<meta>`` policy cannot carry ``frame-ancestors`` or reporting (a static host
sends no headers), so those are left out. For the live preview, ``kb_dev_server`` (``make serve``'s
host:port) lets sphinx-autobuild's reload script through.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlsplit

from markupsafe import Markup
from docutils import nodes
from jinja2 import TemplateNotFound
from selectolax.lexbor import LexborHTMLParser, LexborNode
from sphinx.jinja2glue import BuiltinTemplateLoader
from sphinx.util import logging

from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

OUTBOUND_REL = "noopener noreferrer"
# 'wasm-unsafe-eval': the search's sentence model runs as WebAssembly (ONNX Runtime Web, served from
# _static/kb-model/), which a browser compiles only when the policy allows it. It allows compiling
# WebAssembly and nothing else: no eval(), no new Function, no inline script.
SCRIPT_SOURCES = ("'self'", "'wasm-unsafe-eval'")
FIXED_DIRECTIVES = (
    ("img-src", "'self' data:"),  # Furo's icons are data: SVGs in its CSS
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
# Inline <script> types a browser never runs (data blocks, so not hashed); every other type runs.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# Attributes holding an address the browser fetches by itself, on whatever element they are
# (href too, except on a link the reader follows and on <base>).
LOADING_ATTRIBUTES = {"src", "srcset", "imagesrcset", "poster", "data", "background", "lowsrc", "dynsrc",
                      "longdesc", "manifest", "codebase", "archive", "xlink:href"}
# ... and the attributes that send the reader, or what they type, to an address.
SENDING_ATTRIBUTES = {"action", "formaction", "ping"}
FOLLOWED_LINKS = {"a", "area"}  # href: the reader chooses to go there (outbound: noopener noreferrer)
# What PageInventory.element reads: these elements whatever they carry, and these attributes on any.
READ_ELEMENTS = {"script", "style", "meta"}
READ_ATTRIBUTES = LOADING_ATTRIBUTES | SENDING_ATTRIBUTES | {"href", "style"}
# "cite" (on <q>, <blockquote>, <del>, <ins>) is an address no browser fetches: not checked.
UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.I)
REFRESH_TARGET = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"]|image-set\(\s*['"])((?:https?:)?//[^'")\s]+)""", re.I)
CHARSET_META = re.compile(r"<meta\s+charset=[^>]*>", re.I)
HEAD_START = re.compile(r"<head\b[^>]*>", re.I)
# Where the article body goes while the rest of the page is rendered and inventoried (an HTML comment).
BODY_MARK = "<!--kb-article-body-->"
# Furo's template for its colour variables (a <style> element on every page).
FURO_VARIABLES = "partials/_head_css_variables.html"


class PageInventory:
    """What a page holds that its policy must allow (inline scripts, style elements, style
    attributes) and what it must never hold (addresses of other hosts it would load or send the
    reader to, and addresses that run code), read the way a browser reads the page: Lexbor follows
    the WHATWG parsing algorithm, so a comment, a tag or a script ends where the browser ends it
    (``<!-->``, ``--!>``, ``<script/x>``, an unclosed ``<!--``...). It replaced html5lib, which
    follows the same algorithm in pure Python and took about 0.1 s a page, most of a clean build;
    Lexbor takes about 2 ms (guide/benchmarks.md)."""

    def __init__(self):
        self.scripts: list[str] = []  # inline scripts a browser would run
        self.script_sources: list[str] = []  # src= of every <script src>
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self.addresses: list[tuple[str, str, str]] = []  # (load, send or link; element; address)

    def feed(self, html: str) -> "PageInventory":
        for element in elements_of(LexborHTMLParser(html).root):
            tag = local_name(element.tag)
            attributes = element.attributes
            # Most elements carry nothing ``element`` reads (a class, an aria label): passed over
            # without building their values. On a large page (the link directory of 1,000 essays,
            # 7 MB) this halved the check; ``element`` is unchanged for the rest.
            if tag not in READ_ELEMENTS and READ_ATTRIBUTES.isdisjoint(map(local_name, attributes)):
                continue
            # Text only where it is code: every element's deep text would cost more than the parse.
            text = element.text(deep=True) if tag in ("script", "style") else ""
            self.element(tag, {local_name(name): value or "" for name, value in attributes.items()}, text)
        return self

    def element(self, tag: str, values: dict[str, str], text: str) -> None:
        if "style" in values:
            self.style_attributes.append(values["style"])
            self.addresses += [("load", "style attribute", url) for url in CSS_URL.findall(values["style"])]
        for name, value in values.items():
            if name in LOADING_ATTRIBUTES or (name == "href" and tag not in FOLLOWED_LINKS | {"base"}):
                kind = "load"
            elif name in SENDING_ATTRIBUTES or (name == "href" and tag == "base"):
                kind = "send"
            elif name == "href":
                kind = "link"
            elif tag == "meta" and name == "content" and values.get("http-equiv", "").strip().lower() == "refresh":
                kind, name, value = "send", "refresh", ";".join(REFRESH_TARGET.findall(value))
            else:
                continue
            self.addresses += [(kind, f"<{tag}> {name}", url) for url in addresses_in(name, value)]
        if tag == "script":
            if "src" in values:
                self.script_sources.append(values["src"])
            elif runs(values):
                self.scripts.append(text)
        elif tag == "style":
            self.styles.append(text)
            self.addresses += [("load", "<style> element", url) for url in CSS_URL.findall(text)]


def local_name(name: str) -> str:
    """A tag or attribute name as the checks compare it: in lower case, since inside ``<svg>`` and
    ``<math>`` Lexbor keeps a name's case (``foreignObject``). (Lexbor gives names without the
    ``{namespace}`` html5lib put before them, and ``xlink:href`` as written.)"""
    return name.lower()


def elements_of(node: LexborNode):
    """Every element under ``node``, in document order, and those inside every ``<template>``
    (whose content a parser keeps out of the tree; read anyway, so nothing hides there)."""
    for element in node.traverse(include_text=False):
        if not element.is_element_node:
            continue
        yield element
        if element.tag == "template":
            for fragment in element.template_fragments():
                yield from elements_of(fragment)


def runs(values: dict[str, str]) -> bool:
    """Whether a browser would run an inline <script> with these attributes: every type but the
    data blocks this site writes (JSON and JSON-LD, never run). Fail closed: an unusual
    JavaScript type ("text/ecmascript", "module", "") counts as a script."""
    return values.get("type", "").strip().lower() not in DATA_SCRIPT_TYPES


def addresses_in(name: str, value: str) -> list[str]:
    if name in ("srcset", "imagesrcset"):  # "a.png 1x, b.png 2x"
        return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
    if name == "ping":  # space-separated
        return value.split()
    return [value.strip()] if value.strip() else []


def script_json(data, sort_keys: bool = True) -> Markup:
    """``data`` as JSON that can sit inside a <script> data block: "<", ">" and "&" written as
    \\u escapes, so no value can end the block or open a comment; Markup, so the templates' |e
    leaves it as it is."""
    text = json.dumps(data, sort_keys=sort_keys, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def source_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@dataclass
class KnownSources:
    """The only inline code the policy may ever trust: the site's own, known before any page is
    rendered (never found by scanning a finished page, where an injected script would look the same
    as the site's). Scripts: the static inline scripts of the templates (this package's, Furo's,
    Sphinx's), the inline script bodies registered with ``add_js_file`` and, for ``make serve``,
    sphinx-autobuild's reload script. Styles: the templates' static ``<style>`` elements and
    ``style=`` attributes, and Furo's colour variables rendered from its own template."""

    scripts: set[str] = field(default_factory=set)
    styles: set[str] = field(default_factory=set)
    style_attributes: set[str] = field(default_factory=set)


# Inline code written in a template, with no template expression inside (whose text the template
# alone decides).
TEMPLATE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<text>.*?)</script>", re.S | re.I)
TEMPLATE_STYLE = re.compile(r"<style(?:\s[^>]*)?>(?P<text>.*?)</style>", re.S | re.I)
TEMPLATE_STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""", re.I)
JINJA = re.compile(r"{[{%#]")


def template_sources(text: str) -> KnownSources:
    """The static inline scripts, styles and style attributes of one template's source."""
    known = KnownSources()
    for match in TEMPLATE_SCRIPT.finditer(text):
        attrs = match.group("attrs")
        if "src=" not in attrs and not JINJA.search(match.group("text")) \
                and not re.search(r"type=[\"']?application/(ld\+)?json", attrs, re.I):
            known.scripts.add(match.group("text"))
    known.styles |= {m.group("text") for m in TEMPLATE_STYLE.finditer(text) if not JINJA.search(m.group("text"))}
    known.style_attributes |= {value for m in TEMPLATE_STYLE_ATTRIBUTE.finditer(text)
                               if not JINJA.search(value := m.group(1) if m.group(1) is not None else m.group(2))}
    return known


def content_security_policy(inventory: PageInventory, known: KnownSources, dev_server: str = "") -> str:
    """default-src 'self', plus this page's inline code by hash: only the code the site ships
    (``known``), never anything else the page holds."""
    scripts = [*SCRIPT_SOURCES, *sorted({source_hash(s) for s in inventory.scripts if s in known.scripts})]
    attributes = {s for s in inventory.style_attributes if s in known.style_attributes}
    styles = ["'self'", *sorted({source_hash(s) for s in inventory.styles if s in known.styles}
                                | {source_hash(s) for s in attributes})]
    if attributes:
        # Lets the hashes match the site's own style="..." attributes (Furo's icons carry a few),
        # instead of allowing every inline style with 'unsafe-inline'.
        styles.append("'unsafe-hashes'")
    directives = [("default-src", "'self'"), ("script-src", " ".join(scripts)),
                  ("style-src", " ".join(styles)), *FIXED_DIRECTIVES]
    if dev_server:
        directives.append(("connect-src", f"'self' ws://{dev_server}"))
    return "; ".join(f"{name} {value}" for name, value in directives)


def live_reload_scripts(dev_server: str) -> list[str]:
    """The script sphinx-autobuild (``make serve``) adds to every page it serves on ``dev_server``
    (host:port), so that a live preview still reloads; nothing in a published build."""
    if not dev_server:
        return []
    from sphinx_autobuild.middleware import web_socket_script

    return PageInventory().feed(web_socket_script(dev_server)).scripts


def browser_url(url: str) -> str:
    """An address as a browser's URL parser reads it: no surrounding spaces or controls, no tabs or
    newlines inside, and for http(s) and relative addresses "\\" is "/" (so "/\\evil.example"
    is "//evil.example"); "http:evil.example/x", on a page of an https site, is http://evil.example/x."""
    url = re.sub(r"[\t\n\r]", "", url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
                                           "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    if scheme is None or scheme.group(1).lower() in ("http", "https"):
        url = url.replace("\\", "/")
    if scheme and scheme.group(1).lower() in ("http", "https") and not url[len(scheme.group(0)):].startswith("//"):
        url = scheme.group(0) + "//" + url[len(scheme.group(0)):].lstrip("/")
    return url


# An address that can only stay on the site, as a browser reads it: a relative one starting with a
# plain character and holding no colon (so no scheme, and no "//" or "\\" host at its start). Read
# without a URL parser: the link directory of a large site holds tens of thousands.
PLAIN_RELATIVE = re.compile(r"[A-Za-z0-9._~#?%-][^:]*\Z")


def other_host(url: str, site_host: str) -> str | None:
    """The host an address points to, if it is not this site's (None for relative addresses)."""
    if PLAIN_RELATIVE.match(url) or (site_host and url.startswith(f"https://{site_host}/")):
        return None  # what parsed_other_host answers, sooner
    return parsed_other_host(url, site_host)


def parsed_other_host(url: str, site_host: str) -> str | None:
    parts = urlsplit(browser_url(url))
    if parts.netloc and parts.scheme.lower() in ("", "http", "https") and parts.hostname != site_host:
        return parts.hostname
    return None


def strangers_of(inventory: PageInventory, site_host: str) -> list[tuple[str, str, str, str | None]]:
    """(kind, element, address, host) for every address the page must not hold: "code" for a
    javascript:/data: address (host None), "load" or "send" for another host."""
    found = []
    for kind, element, url in inventory.addresses:
        if UNSAFE_SCHEME.match(url):
            found.append(("code", element, url, None))
        elif kind != "link" and (host := other_host(url, site_host)):
            found.append((kind, element, url, host))
    return found


def secure_page(html: str, site_host: str, dev_server: str = "", body: str = "",
                known: KnownSources | None = None) -> tuple[str, list[tuple[str, str, str, str | None]]]:
    """The page with its policy and referrer meta; and every problem it holds: the addresses it
    must not hold (see ``strangers_of``), and as ("script", ...) / ("style", ...) every inline
    script or style element that is not the site's own (``known``), and as ("swallowed", ...)
    every script of the template that the finished page no longer runs (an unclosed comment or
    tag in the article hid it). ``html`` may hold ``BODY_MARK`` in place of the article ``body``."""
    known = known or KnownSources()
    page = html.replace(BODY_MARK, body, 1)
    inventory = PageInventory().feed(page)
    strangers = strangers_of(inventory, site_host)
    strangers += [("script", "inline <script>", text, None) for text in dict.fromkeys(inventory.scripts)
                  if text not in known.scripts]
    strangers += [("style", "<style> element", text, None) for text in dict.fromkeys(inventory.styles)
                  if text not in known.styles]
    if body:
        template = PageInventory().feed(html)
        hidden = [("swallowed", "<script> src", src, None) for src in template.script_sources
                  if src not in inventory.script_sources]
        hidden += [("swallowed", "inline <script>", text, None) for text in template.scripts
                   if text not in inventory.scripts]
        strangers += hidden[:1]  # one is enough to say what happened
    if dev_server:
        known = KnownSources(known.scripts | set(live_reload_scripts(dev_server)), known.styles, known.style_attributes)
        inventory.scripts += live_reload_scripts(dev_server)
    html = with_outbound_rel(html, site_host)
    # The policy is made of keywords, host-less sources and base64 hashes: nothing to escape.
    tags = (f'\n<meta http-equiv="Content-Security-Policy" content="{content_security_policy(inventory, known, dev_server)}">'
            '\n<meta name="referrer" content="no-referrer">')
    # Before any script or style, so the policy covers them all.
    anchor = CHARSET_META.search(html) or HEAD_START.search(html)
    if anchor:
        html = html[:anchor.end()] + tags + html[anchor.end():]
    return html.replace(BODY_MARK, body, 1), strangers


LINK_START = re.compile(r"<a\s[^>]*>", re.I)
HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
REL = re.compile(r"\srel\s*=", re.I)


def with_outbound_rel(html: str, site_host: str) -> str:
    """Every link of the templates that leaves the site (Furo's "Made with Furo" footer link, a
    theme's icon links...) gets rel="noopener noreferrer", as the essays' links do (``OutboundLinks``),
    without forking the theme's templates to add it."""
    def add_rel(match: re.Match) -> str:
        tag = match.group(0)
        href = HREF.search(tag)
        if not href or REL.search(tag):
            return tag
        url = unescape(next(value for value in href.groups() if value is not None))
        if other_host(url, site_host) is None:
            return tag
        return tag[:2] + f' rel="{OUTBOUND_REL}"' + tag[2:]
    return LINK_START.sub(add_rel, html)


class PrivateTemplateBridge(BuiltinTemplateLoader):
    """Sphinx's template loader, with every rendered page passed through ``secure_page``."""

    def init(self, builder, theme=None, dirs=None):
        self.kb_config = builder.config
        self.kb_env = builder.env
        self.kb_builder = builder
        self.kb_known: KnownSources | None = None
        super().init(builder, theme, dirs)

    def known_sources(self, context) -> KnownSources:
        """The site's own inline code (see ``KnownSources``), worked out once, from the template
        files and the registered scripts, before the first page is secured."""
        if self.kb_known is None:
            known = KnownSources()
            for loader in self.loaders:
                for folder in loader.searchpath:
                    for path in sorted(Path(folder).rglob("*.html")):
                        found = template_sources(path.read_text(encoding="utf-8"))
                        known.scripts |= found.scripts
                        known.styles |= found.styles
                        known.style_attributes |= found.style_attributes
            for script in getattr(self.kb_builder, "script_files", []):
                if getattr(script, "attributes", {}).get("body"):
                    known.scripts.add(script.attributes["body"])
            # Furo's colour variables: a <style> its template makes from the theme's options.
            if "furo_pygments" in context:
                try:
                    rendered = self.environment.get_template(FURO_VARIABLES).render(context)
                except TemplateNotFound:
                    rendered = ""
                known.styles |= set(TEMPLATE_STYLE.findall(rendered))
            self.kb_known = known
        return self.kb_known

    def render(self, template, context):
        if not template.endswith(".html"):
            return super().render(template, context)
        body = context.get("body") or ""
        html = super().render(template, {**context, "body": BODY_MARK} if body else context)
        if not HEAD_START.search(html):
            return html.replace(BODY_MARK, body, 1)
        html, strangers = secure_page(html, urlsplit(self.kb_config.html_baseurl).hostname,
                                      self.kb_config.kb_dev_server, body, self.known_sources(context))
        pagename = context.get("pagename")
        for kind, element, url, host in strangers:
            message, location = stranger_message(kind, element, url, host, pagename), self.source_location(pagename, url)
            if kind in ("code", "load", "send"):
                logger.warning(message, location=location, type="kb", subtype=KbWarning.PRIVACY)
            else:  # inline code the site does not ship, or its own scripts hidden
                logger.warning(message, location=location, type="kb", subtype=KbWarning.SITE_CODE)
        return html

    def source_location(self, pagename, text: str):
        """Where ``text`` was written: the page's source (file:line), or else a settings file
        whose values reach every page (the themes file, redirects, conf.py); the page when none
        holds it (it came from a template)."""
        config, confdir = self.kb_config, self.kb_builder.confdir
        needle = next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]
        if pagename in self.kb_env.found_docs:
            line = line_holding(self.kb_env.doc2path(pagename), needle)
            if line:
                return pagename, line
        for path in (config.kb_themes_path, Path(confdir, config.kb_redirects_file), Path(confdir, "conf.py")):
            if path and (line := line_holding(Path(path), needle)):
                return f"{path}:{line}"
        return pagename


def line_holding(path: Path, needle: str) -> int | None:
    """The first line of the file that holds ``needle``."""
    if not needle:
        return None
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeError):
        return None
    return next((number for number, line in enumerate(lines, start=1) if needle in line), None)


def stranger_message(kind: str, element: str, url: str, host: str | None, pagename: str = "") -> str:
    if kind == "code":
        return (f"this page holds a {UNSAFE_SCHEME.match(url).group(1).lower()}: address ({element}): "
                f"'{url[:60]}'. Such an address can run code or carry a hidden page; remove it. Links go "
                "to https:// addresses or to the site's own pages.")
    if kind == "send":
        return (f"this page would send the reader, or what they type, to {url} ({element}) on {host} "
                "without their choosing. Remove it; to point to another site, write an ordinary link: "
                "[text](https://...).")
    if kind in ("script", "style"):
        what = "script" if kind == "script" else "stylesheet"
        return (f"the page '{pagename}' holds an inline {what} the site does not ship: {' '.join(url.split())[:80]!r}. "
                f"Only the site's own {what}s (its templates') are trusted; this one came from the text here, "
                "a setting or an included file. Remove it.")
    if kind == "swallowed":
        return (f"on the page '{pagename}' the site's own script ({url[:60]}) is no longer a script: something "
                "in the text above it (an unclosed '<!--' comment or tag) hides it, and with it quick exit's keys. "
                "Close the comment with '-->' or remove it.")
    return (f"this page would load {url} ({element}) from {host}, which would tell {host} who is reading "
            "it; the site's policy blocks it anyway. Copy the file into the site (essay_kb/static/) or remove it.")


# -- outbound links -------------------------------------------------------------------------------

def is_outbound(url: str, base_url: str) -> bool:
    return other_host(url, urlsplit(base_url).hostname) is not None


class OutboundLinks:
    """Translator mixin: a link that leaves the site gets rel="noopener noreferrer", so the other
    site learns neither the page the reader came from nor gets a handle on its window."""

    def starttag(self, node, tagname, suffix="\n", empty=False, **attributes):
        if (tagname == "a" and isinstance(node, nodes.reference) and not node.get("internal")
                and is_outbound(node.get("refuri", ""), self.config.html_baseurl)):
            attributes.setdefault("rel", OUTBOUND_REL)
        return super().starttag(node, tagname, suffix, empty, **attributes)


def add_outbound_links(app) -> None:
    """Wrap whichever HTML translator is in use (sections.py sets its own) rather than replace it."""
    if app.builder.format != "html":
        return
    current = app.builder.get_translator_class()
    if not issubclass(current, OutboundLinks):
        app.set_translator(app.builder.name, type(f"Outbound{current.__name__}", (OutboundLinks, current), {}),
                           override=True)


# -- math without a CDN ---------------------------------------------------------------------------

def visit_inline_math(self, node):
    """Sphinx's default math renderer loads MathJax from a CDN: show the formula's source instead."""
    self.body.append(f'<code class="kb-math">{escape(node.astext())}</code>')
    raise nodes.SkipNode


def visit_block_math(self, node):
    self.body.append(f'<pre class="kb-math">{escape(node.astext())}</pre>\n')
    raise nodes.SkipNode


def configure(app, config) -> None:
    config.template_bridge = f"{__name__}.PrivateTemplateBridge"
    config.html_math_renderer = "kb_text"


def setup(app) -> None:
    app.add_html_math_renderer("kb_text", inline_renderers=(visit_inline_math, None),
                               block_renderers=(visit_block_math, None))
    app.connect("config-inited", configure)
    app.connect("builder-inited", add_outbound_links)
