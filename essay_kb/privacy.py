"""Zero third parties: a Content-Security-Policy on every page, no referrer, outbound links that
cannot reach back, and no math renderer that fetches a script from a CDN.

The policy is worked out for each page from the finished HTML (a template bridge wraps Sphinx's
renderer): the only inline scripts and styles it allows are the ones that very page contains, by
SHA-256, so nothing is hard-coded and an inline script added later is refused by the browser
(fail closed) instead of quietly widening the policy. The same pass fails the build when a page
would load anything from another host. A ``<meta>`` policy cannot carry ``frame-ancestors`` or
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
SCRIPT_SOURCES = ("'self'",)
FIXED_DIRECTIVES = (
    ("img-src", "'self' data:"),  # Furo's icons are data: SVGs in its CSS
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
# Inline <script> types a browser would run (a JSON data block is never executed, so not hashed).
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
# Elements and attributes that make the browser fetch something as the page loads.
FETCHING_ATTRIBUTES = {
    "script": "src", "img": "src", "iframe": "src", "frame": "src", "embed": "src", "audio": "src",
    "video": "src", "source": "src", "track": "src", "object": "data", "input": "src",
}
FETCHING_LINK_RELS = {"stylesheet", "preload", "prefetch", "modulepreload", "icon", "shortcut",
                      "apple-touch-icon", "manifest", "preconnect", "dns-prefetch", "prerender"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""", re.I)
CHARSET_META = re.compile(r"<meta\s+charset=[^>]*>", re.I)
HEAD_START = re.compile(r"<head\b[^>]*>", re.I)


class PageInventory(HTMLParser):
    """What a page's policy must allow (inline scripts, style elements, style attributes) and what
    it must never need (files from other hosts)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self.fetched: list[tuple[str, str]] = []  # (element, address)
        self._inline: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if "style" in values:
            self.style_attributes.append(values["style"])
            self.fetched += [("style attribute", url) for url in CSS_URL.findall(values["style"])]
        if tag in FETCHING_ATTRIBUTES and values.get(FETCHING_ATTRIBUTES[tag]):
            self.fetched.append((tag, values[FETCHING_ATTRIBUTES[tag]]))
        if tag == "link" and FETCHING_LINK_RELS & set(values.get("rel", "").lower().split()):
            self.fetched.append((f'link rel="{values["rel"]}"', values.get("href", "")))
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
                self.fetched += [("style element", url) for url in CSS_URL.findall(text)]
            self._inline = None


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


def secure_page(html: str, site_host: str, dev_server: str = "") -> tuple[str, list[tuple[str, str, str]]]:
    """The page with its policy and referrer meta; and every (element, address, host) it would
    fetch from another host."""
    inventory = PageInventory()
    inventory.feed(html)
    inventory.close()
    strangers = [(element, url, host) for element, url in inventory.fetched
                 if (host := other_host(url, site_host))]
    # The policy is made of keywords, host-less sources and base64 hashes: nothing to escape.
    tags = (f'\n<meta http-equiv="Content-Security-Policy" content="{content_security_policy(inventory, dev_server)}">'
            '\n<meta name="referrer" content="no-referrer">')
    # Before any script or style, so the policy covers them all.
    anchor = CHARSET_META.search(html) or HEAD_START.search(html)
    if anchor:
        html = html[:anchor.end()] + tags + html[anchor.end():]
    return html, strangers


class PrivateTemplateBridge(BuiltinTemplateLoader):
    """Sphinx's template loader, with every rendered page passed through ``secure_page``."""

    def init(self, builder, theme=None, dirs=None):
        self.kb_config = builder.config
        super().init(builder, theme, dirs)

    def render(self, template, context):
        html = super().render(template, context)
        if not template.endswith(".html") or not HEAD_START.search(html):
            return html
        html, strangers = secure_page(html, urlsplit(self.kb_config.html_baseurl).hostname,
                                      self.kb_config.kb_dev_server)
        for element, url, host in strangers:
            logger.warning(
                f"this page would load {url} ({element}) from {host}, which would tell {host} who "
                "is reading it; the site's policy blocks it anyway. Copy the file into the site "
                "(essay_kb/static/) or remove it.",
                location=context.get("pagename"), type="kb", subtype=KbWarning.PRIVACY)
        return html


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
