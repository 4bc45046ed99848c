"""Zero third parties: a Content-Security-Policy on every page, no referrer, outbound links that
cannot reach back, and no math renderer that fetches a script from a CDN.

The policy is worked out for each page from the finished HTML (a template bridge wraps Sphinx's
renderer): the only inline scripts and styles it allows are the ones that very page contains, by
SHA-256, so nothing is hard-coded and an inline script added later is refused by the browser
(fail closed) instead of quietly widening the policy. Scripts are trusted by where they come from:
the templates' (the site's own), never the article body's, so a script in an essay's text never
gets a hash (``markup.py`` refuses it at build time anyway). The same pass fails the build when a
page would load anything from another host or send the reader there on its own, whatever the
element or attribute (``src``, ``srcset``, ``href`` anywhere but a link, ``action``, ``ping``,
``poster``, CSS ``url()`` and ``@import``, ``<base>``, a meta refresh, ...), and for any
``javascript:`` or ``data:`` address, even on a link; an ordinary link to another site stays
allowed. A ``<meta>`` policy cannot carry ``frame-ancestors`` or
reporting (a static host sends no headers), so those are left out. For the live preview,
``kb_dev_server`` (``make serve``'s host:port) lets sphinx-autobuild's reload script through.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

from docutils import nodes
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
# Inline <script> types a browser would run (a JSON data block is never executed, so not hashed).
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
# Attributes holding an address the browser fetches by itself, on whatever element they are
# (href too, except on a link the reader follows and on <base>).
LOADING_ATTRIBUTES = {"src", "srcset", "imagesrcset", "poster", "data", "background", "lowsrc", "dynsrc",
                      "longdesc", "manifest", "codebase", "archive", "xlink:href"}
# ... and the attributes that send the reader, or what they type, to an address.
SENDING_ATTRIBUTES = {"action", "formaction", "ping"}
FOLLOWED_LINKS = {"a", "area"}  # href: the reader chooses to go there (outbound: noopener noreferrer)
# "cite" (on <q>, <blockquote>, <del>, <ins>) is an address no browser fetches: not checked.
UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.I)
REFRESH_TARGET = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"]|image-set\(\s*['"])((?:https?:)?//[^'")\s]+)""", re.I)
CHARSET_META = re.compile(r"<meta\s+charset=[^>]*>", re.I)
HEAD_START = re.compile(r"<head\b[^>]*>", re.I)
# Where the article body goes while the rest of the page is rendered and inventoried (an HTML comment).
BODY_MARK = "<!--kb-article-body-->"


class PageInventory(HTMLParser):
    """What a page's policy must allow (inline scripts, style elements, style attributes) and what
    it must never hold (addresses of other hosts it would load or send the reader to, and
    addresses that run code)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self.addresses: list[tuple[str, str, str]] = []  # (load, send or link; element; address)
        self._inline: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
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
            elif tag == "meta" and name == "content" and values.get("http-equiv", "").lower() == "refresh":
                kind, name, value = "send", "refresh", ";".join(REFRESH_TARGET.findall(value))
            else:
                continue
            self.addresses += [(kind, f"<{tag}> {name}", url) for url in addresses_in(name, value)]
        if tag == "script" and "src" not in values and values.get("type", "").lower() in SCRIPT_TYPES:
            self._inline, self._text = "script", []
        elif tag == "style":
            self._inline, self._text = "style", []

    def handle_data(self, data):
        if self._inline:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == self._inline:
            text = "".join(self._text)
            (self.scripts if tag == "script" else self.styles).append(text)
            if tag == "style":
                self.addresses += [("load", "<style> element", url) for url in CSS_URL.findall(text)]
            self._inline = None


def addresses_in(name: str, value: str) -> list[str]:
    if name in ("srcset", "imagesrcset"):  # "a.png 1x, b.png 2x"
        return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
    if name == "ping":  # space-separated
        return value.split()
    return [value.strip()] if value.strip() else []


def source_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(inventory: PageInventory, dev_server: str = "") -> str:
    """default-src 'self', plus exactly this page's inline code by hash."""
    scripts = [*SCRIPT_SOURCES, *sorted({source_hash(s) for s in inventory.scripts + live_reload_scripts(dev_server)})]
    styles = ["'self'", *sorted({source_hash(s) for s in inventory.styles + inventory.style_attributes})]
    if inventory.style_attributes:
        # Lets the hashes match style="..." attributes too (Furo's icons carry a few), instead of
        # allowing every inline style with 'unsafe-inline'.
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

    inventory = PageInventory()
    inventory.feed(web_socket_script(dev_server))
    return inventory.scripts


def other_host(url: str, site_host: str) -> str | None:
    """The host an address points to, if it is not this site's (None for relative addresses)."""
    parts = urlsplit(url.strip())
    if parts.netloc and parts.scheme in ("", "http", "https") and parts.hostname != site_host:
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


def secure_page(html: str, site_host: str, dev_server: str = "", body: str = "") -> tuple[str, list[tuple[str, str, str, str | None]]]:
    """The page with its policy and referrer meta; and every address it must not hold (see
    ``strangers_of``). ``html`` may hold ``BODY_MARK`` in place of the article ``body``: the body's
    addresses and styles count, its scripts never get a hash."""
    inventory, article = PageInventory(), PageInventory()
    for parser, text in ((inventory, html), (article, body)):
        parser.feed(text)
        parser.close()
    inventory.styles += article.styles
    inventory.style_attributes += article.style_attributes
    inventory.addresses += article.addresses
    strangers = strangers_of(inventory, site_host)
    # The policy is made of keywords, host-less sources and base64 hashes: nothing to escape.
    tags = (f'\n<meta http-equiv="Content-Security-Policy" content="{content_security_policy(inventory, dev_server)}">'
            '\n<meta name="referrer" content="no-referrer">')
    # Before any script or style, so the policy covers them all.
    anchor = CHARSET_META.search(html) or HEAD_START.search(html)
    if anchor:
        html = html[:anchor.end()] + tags + html[anchor.end():]
    return html.replace(BODY_MARK, body, 1), strangers


class PrivateTemplateBridge(BuiltinTemplateLoader):
    """Sphinx's template loader, with every rendered page passed through ``secure_page``."""

    def init(self, builder, theme=None, dirs=None):
        self.kb_config = builder.config
        self.kb_env = builder.env
        super().init(builder, theme, dirs)

    def render(self, template, context):
        if not template.endswith(".html"):
            return super().render(template, context)
        body = context.get("body") or ""
        html = super().render(template, {**context, "body": BODY_MARK} if body else context)
        if not HEAD_START.search(html):
            return html.replace(BODY_MARK, body, 1)
        html, strangers = secure_page(html, urlsplit(self.kb_config.html_baseurl).hostname,
                                      self.kb_config.kb_dev_server, body)
        pagename = context.get("pagename")
        for kind, element, url, host in strangers:
            logger.warning(stranger_message(kind, element, url, host),
                           location=self.source_location(pagename, url), type="kb", subtype=KbWarning.PRIVACY)
        return html

    def source_location(self, pagename, text: str):
        """The file and line where a page's source holds ``text``, or the page when it is not
        there (it came from a template or a setting)."""
        if pagename not in self.kb_env.found_docs:
            return pagename
        try:
            lines = self.kb_env.doc2path(pagename).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeError):
            lines = []
        line = next((number for number, line in enumerate(lines, start=1) if text in line), None)
        return pagename, line


def stranger_message(kind: str, element: str, url: str, host: str | None) -> str:
    if kind == "code":
        return (f"this page holds a {UNSAFE_SCHEME.match(url).group(1).lower()}: address ({element}): "
                f"'{url[:60]}'. Such an address can run code or carry a hidden page; remove it. Links go "
                "to https:// addresses or to the site's own pages.")
    if kind == "send":
        return (f"this page would send the reader, or what they type, to {url} ({element}) on {host} "
                "without their choosing. Remove it; to point to another site, write an ordinary link: "
                "[text](https://...).")
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
