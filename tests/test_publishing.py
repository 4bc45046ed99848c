"""Publishing on the small root: link previews (discreet ones too), canonical URLs, the Atom feed,
the 404 page, the Content-Security-Policy, outbound links, math without a CDN, and print."""

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import build_copy, edit, serve, soup, sphinx_build
from essay_kb import not_found, previews, privacy

BASE = "https://kb.test/"
PRACTICE = "Relational Therapy Notes"
NEUTRAL = "An essay from our practice."
CRISIS_WORDS = "crisis"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The test root with a discreet essay, an outbound link and a formula."""
    def change(src):
        edit(src / "essays" / "two.md", "tags: [ttwo]", "tags: [ttwo]\ndiscreet: true")
        edit(src / "essays" / "one.md", "{#one-first}", "See [a helpline](https://help.example.net/line?x=1) or "
             "[home](https://kb.test/).\nA formula: {math}`a^2 + b^2`.\n\n{#one-first}")
        add_discreet_help_page(src)
    return build_copy(tmp_path_factory, change)


HELP_TITLE = "If you are not safe at home"
HELP_SUMMARY = "Help lines and steps for planning your safety when someone at home hurts you."


def add_discreet_help_page(src: Path) -> None:
    """A help page (not an essay: no essay schema) that asks for discreet previews."""
    (src / "help").mkdir()
    (src / "help" / "home.md").write_text(
        f"---\nsummary: {HELP_SUMMARY}\ndiscreet: true\n---\n\n# {HELP_TITLE}\n\n"
        "Abuse at home is never your fault.\n\n{#home-now}\n## In danger right now\n\nCall for help.\n",
        encoding="utf-8")
    edit(src / "conf.py", 'kb_sidebar_pages = ["glossary", "links"]', 'kb_sidebar_pages = ["glossary", "links", "help/home"]')


def pages(root: Path):
    """Every page rendered from page.html (redirect stubs are not pages)."""
    return [p for p in sorted(root.rglob("*.html")) if "kb-redirect-data" not in p.read_text(encoding="utf-8")]


def meta(page, key: str) -> str | None:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def address(root: Path, path: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return BASE + rel.removesuffix("index.html")


# -- link previews --------------------------------------------------------------------------------

def test_essay_preview_is_title_and_summary_with_absolute_url(site):
    page = soup(site / "essays" / "three" / "index.html")
    assert meta(page, "og:title") == "Essay three"
    assert meta(page, "og:description") == meta(page, "description") == "The three essay, in one sentence."
    assert meta(page, "og:url") == page.find("link", rel="canonical")["href"] == BASE + "essays/three/"
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:site_name") == PRACTICE
    assert meta(page, "twitter:card") == "summary"


def test_discreet_essay_previews_only_the_practice_and_a_neutral_line(site):
    page = soup(site / "essays" / "two" / "index.html")
    assert meta(page, "og:title") == PRACTICE
    assert meta(page, "og:description") == meta(page, "description") == NEUTRAL
    preview = " ".join(tag.get("content", "") for tag in page.head.find_all("meta"))
    assert "two" not in preview.lower().replace("essays/two/", "")  # only the address names it
    assert not [t for t in page.head.find_all("meta") if t.get("name", "").startswith("twitter:")
                and t["name"] != "twitter:card"]
    # The tab title stays descriptive (screen readers, bookmarks); previews read og:title first.
    assert page.title.get_text().startswith("Essay two")


def test_discreet_help_page_previews_nothing_of_its_topic(site):
    page = soup(site / "help" / "home" / "index.html")
    assert meta(page, "og:title") == PRACTICE
    assert meta(page, "og:description") == meta(page, "description") == NEUTRAL
    tags = [tag for tag in page.head.find_all("meta")
            if (tag.get("property") or tag.get("name") or "").startswith(("og:", "twitter:", "description"))]
    assert len(tags) >= 5
    preview = " ".join(tag.get("content", "") for tag in tags).lower()
    preview = preview.replace("help/home/", "")  # the address: neutral only if the file's name is
    for word in ["safe", "abuse", "hurts", "danger", "home", "planning"]:
        assert word not in preview, word
    assert page.title.get_text().startswith(HELP_TITLE)  # tabs and screen readers: see previews.py


def test_every_page_has_an_absolute_canonical_url_matching_its_address(site):
    for path in pages(site):
        page = soup(path)
        canonical = page.find("link", rel="canonical")
        if path.name == "404.html":
            assert canonical is None
            continue
        assert canonical["href"] == address(site, path), path
        if meta(page, "og:url"):
            assert meta(page, "og:url") == canonical["href"]


def test_previews_never_carry_the_crisis_notice_or_body_text(site):
    for path in pages(site):
        head = soup(path).head
        for tag in head.find_all("meta"):
            assert CRISIS_WORDS not in tag.get("content", "").lower(), (path, tag)
            assert "Some text." not in tag.get("content", ""), (path, tag)


def test_preview_text_for_discreet_and_plain_pages():
    assert previews.preview_text("Grief", "About grief.", discreet=True, practice="P", neutral_line="N") == ("P", "N")
    assert previews.preview_text("Grief", "About grief.", discreet=False, practice="P", neutral_line="N") == (
        "Grief", "About grief.")
    long = "word " * 80
    short = previews.shorten(long)
    assert len(short) <= previews.DESCRIPTION_MAX_CHARS + 1 and short.endswith("…")


# -- feed -----------------------------------------------------------------------------------------

def test_feed_lists_essays_newest_first_with_summaries_and_absolute_links(site):
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    published = [e.findtext(f"{ATOM}published")[:10] for e in entries]
    assert len(entries) == 5
    assert published == sorted(published, reverse=True)
    for entry in entries:
        url = entry.findtext(f"{ATOM}id")
        assert url.startswith(BASE + "essays/") and entry.find(f"{ATOM}link").get("href") == url
        assert (site / url.removeprefix(BASE) / "index.html").exists()
        assert entry.findtext(f"{ATOM}summary").endswith("essay, in one sentence.")
    two = next(e for e in entries if e.findtext(f"{ATOM}id").endswith("/two/"))
    assert two.findtext(f"{ATOM}updated").startswith("2026-04-01")  # its review date
    # No build timestamp: the feed is as new as its newest essay date.
    newest = max(e.findtext(f"{ATOM}updated") for e in entries)
    assert feed.findtext(f"{ATOM}updated") == newest
    assert [link.get("href") for link in feed.findall(f"{ATOM}link")] == [BASE, BASE + "feed.xml"]


def test_feed_is_advertised_in_every_page_head(site):
    for path in pages(site):
        link = soup(path).head.find("link", rel="alternate", type="application/atom+xml")
        assert link and link["href"] == BASE + "feed.xml", path


# -- 404 ------------------------------------------------------------------------------------------

def all_urls(page):
    for tag in page.find_all(True):
        for attribute in ("href", "src", "action"):
            if tag.get(attribute) is not None:
                yield tag[attribute]


def test_404_page_is_at_the_root_with_absolute_links_crisis_notice_and_themes(site):
    assert (site / "404.html").exists() and not (site / "404").exists()
    page = soup(site / "404.html")
    assert page.select_one("[data-crisis-notice]") and page.select_one(".kb-disclaimer")
    assert meta(page, "robots") == "noindex"
    for url in all_urls(page):
        assert url.startswith(("/", "#", "https://", "tel:", "sms:")), url
    themes = [a["href"] for a in page.select("article .kb-theme-link")]
    assert themes == ["/themes/alpha/", "/themes/beta/"]
    assert page.select_one(".sidebar-brand")["href"] == "/"
    assert {a["href"] for a in page.select(".sidebar-tree a")} >= {"/themes/alpha/", "/themes/beta/", "/glossary/"}
    assert "404" not in (site / "sitemap.xml").read_text()


def test_404_links_carry_the_base_path_of_a_project_site(site_copy, tmp_path):
    out = tmp_path / "out"
    sphinx_build(site_copy(), out, "-D", "html_baseurl=https://someone.github.io/notes/")
    page = soup(out / "404.html")
    local = [u for u in all_urls(page) if u.startswith("/")]
    assert local and all(u.startswith("/notes/") for u in local), local
    assert page.html["data-content_root"] == "/notes/"


def test_absolute_links_resolve_against_the_page_path():
    html = '<a href="../themes/a/">x</a><img src="../_static/i.svg?v=1"><a href="#top"></a><a href="tel:1"></a>'
    assert not_found.absolute_links(html, "/notes/404/") == (
        '<a href="/notes/themes/a/">x</a><img src="/notes/_static/i.svg?v=1"><a href="#top"></a><a href="tel:1"></a>')
    assert not_found.urls_prefix("https://a.github.io/repo/") == "/repo/"
    assert not_found.urls_prefix("https://notes.example.org/") == "/"


# -- zero third parties ---------------------------------------------------------------------------

def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy_of(page) -> dict[str, list[str]]:
    tags = page.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert len(tags) == 1
    return {d.split()[0]: d.split()[1:] for d in tags[0]["content"].split(";") if d.strip()}


def test_every_page_has_a_policy_allowing_only_itself_and_its_own_inline_code(site):
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        page = soup(path)
        policy = policy_of(page)
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        assert "'unsafe-inline'" not in html and "'unsafe-eval'" not in html
        # Before every script and style, so it covers them all.
        first_code = min(i for i in (html.find("<script"), html.find("<style"), html.find("<link rel=\"stylesheet")) if i >= 0)
        assert html.find("Content-Security-Policy") < first_code, path
        inline = [s.string or "" for s in page.find_all("script") if not s.get("src")
                  and s.get("type", "") in ("", "text/javascript", "module")]
        assert sorted(set(map(sha, inline))) == sorted(h for h in policy["script-src"] if h.startswith("'sha256"))
        styles = [s.string or "" for s in page.find_all("style")] + [t["style"] for t in page.find_all(style=True)]
        assert sorted(set(map(sha, styles))) == sorted(h for h in policy["style-src"] if h.startswith("'sha256"))
        assert page.find("meta", attrs={"name": "referrer"})["content"] == "no-referrer"


def test_outbound_links_get_noopener_noreferrer_and_internal_ones_do_not(site):
    page = soup(site / "essays" / "one" / "index.html")
    outbound = page.find("a", href="https://help.example.net/line?x=1")
    assert outbound["rel"] == ["noopener", "noreferrer"]
    assert not page.find("a", href="https://kb.test/").get("rel")
    assert all(not a.get("rel") for a in page.select("article a.reference.internal"))


def test_math_is_shown_as_text_and_never_loads_mathjax(site):
    html = (site / "essays" / "one" / "index.html").read_text(encoding="utf-8")
    assert '<code class="kb-math">a^2 + b^2</code>' in html
    for path in site.rglob("*.html"):
        assert "mathjax" not in path.read_text(encoding="utf-8").lower(), path


def test_policy_hashes_inline_code_and_flags_other_hosts():
    html = ('<html><head><meta charset="utf-8"><style>a{}</style></head><body style="x:y">'
            '<script>go()</script><script type="application/json">{}</script>'
            '<img src="//cdn.example.com/a.png"><link rel="stylesheet" href="/site.css"></body></html>')
    known = privacy.KnownSources({"go()"}, {"a{}"}, {"x:y"})
    secured, strangers = privacy.secure_page(html, "kb.test", known=known)
    assert strangers == [("load", "<img> src", "//cdn.example.com/a.png", "cdn.example.com")]
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', secured).group(1)
    assert sha("go()") in policy and sha("{}") not in policy
    assert sha("a{}") in policy and sha("x:y") in policy and "'unsafe-hashes'" in policy
    assert secured.index("Content-Security-Policy") < secured.index("<style>")


def test_the_policy_trusts_only_the_code_the_site_ships_never_what_a_page_holds():
    """A script or style the templates do not ship gets no hash and is reported, wherever it is."""
    html = ('<html><head><meta charset="utf-8"><style>b{}</style></head><body style="y:z">'
            '<script>go()</script><script>steal()</script><script type="text/ecmascript">more()</script></body></html>')
    known = privacy.KnownSources({"go()"}, {"a{}"}, {"x:y"})
    secured, strangers = privacy.secure_page(html, "kb.test", known=known)
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', secured).group(1)
    assert sha("go()") in policy
    assert not {sha("steal()"), sha("more()"), sha("b{}"), sha("y:z"), "'unsafe-hashes'"} & set(policy.split())
    assert [(kind, text) for kind, _, text, _ in strangers] == [("script", "steal()"), ("script", "more()"), ("style", "b{}")]


@pytest.mark.parametrize("article", ["<!-- never closed", "<p>x<!--> <script>steal()</script>", "<textarea>", "<plaintext>",
                                     "<title>", "<p title='x"])
def test_an_article_that_hides_the_sites_scripts_is_reported(article):
    """The page is read as a browser reads it: whatever in the article makes the site's own scripts
    after it text (an unclosed comment or tag) is found."""
    page = (f'<html><head><meta charset="utf-8"></head><body><article>{privacy.BODY_MARK}</article>'
            '<script src="_static/kb-exit.js"></script></body></html>')
    strangers = privacy.secure_page(page, "kb.test", body=article)[1]
    assert ("swallowed", "<script> src", "_static/kb-exit.js", None) in strangers or \
        any(kind == "script" for kind, *_ in strangers)


def page_with(markup: str) -> str:
    return f'<html><head><meta charset="utf-8"></head><body>{markup}</body></html>'


@pytest.mark.parametrize("markup, kind, element, url", [
    ('<img alt="" srcset="/a.png 1x, https://cdn.example.com/a.png 2x">', "load", "<img> srcset", "https://cdn.example.com/a.png"),
    ('<video poster="https://cdn.example.com/p.jpg"></video>', "load", "<video> poster", "https://cdn.example.com/p.jpg"),
    ('<object data="https://cdn.example.com/o.swf"></object>', "load", "<object> data", "https://cdn.example.com/o.swf"),
    ('<svg><image href="https://cdn.example.com/i.png"/></svg>', "load", "<image> href", "https://cdn.example.com/i.png"),
    ('<svg><use xlink:href="https://cdn.example.com/s.svg#i"/></svg>', "load", "<use> xlink:href", "https://cdn.example.com/s.svg#i"),
    ('<link rel="author" href="https://cdn.example.com/humans.txt">', "load", "<link> href", "https://cdn.example.com/humans.txt"),
    ('<table background="https://cdn.example.com/bg.png"></table>', "load", "<table> background", "https://cdn.example.com/bg.png"),
    ('<p style="background: url(https://cdn.example.com/b.png)">x</p>', "load", "style attribute", "https://cdn.example.com/b.png"),
    ('<style>@import url("https://cdn.example.com/s.css");</style>', "load", "<style> element", "https://cdn.example.com/s.css"),
    ('<style>p { background: image-set("https://cdn.example.com/i.png" 1x) }</style>', "load", "<style> element",
     "https://cdn.example.com/i.png"),
    ('<form action="https://collect.example.com/"></form>', "send", "<form> action", "https://collect.example.com/"),
    ('<button formaction="https://collect.example.com/">x</button>', "send", "<button> formaction", "https://collect.example.com/"),
    ('<a href="/" ping="https://track.example.com/">x</a>', "send", "<a> ping", "https://track.example.com/"),
    ('<base href="https://elsewhere.example/">', "send", "<base> href", "https://elsewhere.example/"),
    ('<meta http-equiv="refresh" content="0; url=https://elsewhere.example/">', "send", "<meta> refresh", "https://elsewhere.example/"),
    ('<a href="javascript:alert(1)">x</a>', "code", "<a> href", "javascript:alert(1)"),
    ('<a href="data:text/html,hello">x</a>', "code", "<a> href", "data:text/html,hello"),
    ('<iframe src="data:text/html,hello"></iframe>', "code", "<iframe> src", "data:text/html,hello"),
    # A <template>'s content is kept out of the document tree by the parser; it is read all the same.
    ('<template><p><img alt="" src="https://cdn.example.com/t.png"></p></template>', "load", "<img> src",
     "https://cdn.example.com/t.png"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None)
def test_the_page_check_finds_every_way_of_leaving_the_site(markup, kind, element, url):
    host = None if kind == "code" else urlsplit(url).hostname
    found = privacy.secure_page(page_with(markup), "kb.test")[1]
    assert [stranger for stranger in found if stranger[0] not in ("script", "style")] == [(kind, element, url, host)]


def test_the_page_check_allows_outbound_links_and_the_sites_own_addresses():
    markup = ('<a href="https://help.example.net/line">help</a><a href="tel:988">988</a><a href="mailto:a@b.test">m</a>'
              '<img src="/a.png" srcset="/a.png 1x, //kb.test/b.png 2x"><link rel="canonical" href="https://kb.test/x/">'
              '<meta http-equiv="refresh" content="0; url=../new/"><svg><use href="#icon"></use></svg>'
              '<form action="../search/"></form><blockquote cite="https://source.example/">q</blockquote>')
    assert privacy.secure_page(page_with(markup), "kb.test")[1] == []


@pytest.mark.parametrize("url", [
    "../essays/x/", "#a", "?q=1", "-x", "~x", ".//x", "%2F%2Fevil.example", "a\tb", "a\\\\b", "x:y",
    "//evil.example/", "\\\\evil.example/", " //evil.example", "\t//evil.example", "\x00//evil.example",
    "https://kb.test/a", "https://kb.test/\\evil.example", "https://kb.test/@evil.example", "HTTPS://kb.test/",
    "https://kb.test.evil.example/x", "https://kb.test@evil.example/x", "https:evil.example/x",
    "javascript:alert(1)", "mailto:a@b.test"])
def test_the_quick_answer_for_plain_and_own_addresses_is_the_parsers(url):
    """other_host answers plain relative addresses and the site's own without parsing them (a large
    link directory holds tens of thousands): always as the browser's URL parsing would."""
    assert privacy.other_host(url, "kb.test") == privacy.parsed_other_host(url, "kb.test")


def test_only_the_sites_own_scripts_are_hashed_never_the_article_bodys():
    page = (f'<html><head><meta charset="utf-8"><script>theme()</script></head>'
            f'<body><article>{privacy.BODY_MARK}</article></body></html>')
    known = privacy.KnownSources({"theme()"})
    secured, strangers = privacy.secure_page(page, "kb.test", body='<p style="x:y">text</p><script>steal()</script>',
                                             known=known)
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', secured).group(1)
    assert "<article><p" in secured and "<script>steal()</script>" in secured
    assert sha("theme()") in policy and sha("steal()") not in policy
    assert sha("x:y") not in policy  # an essay's text can carry no CSS the policy trusts
    assert ("script", "inline <script>", "steal()", None) in strangers


def test_a_script_in_an_essay_never_gets_a_hash(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "two.md", "{#two-first}", "<script>steal()</script>\n\n{#two-first}")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0 and "raw HTML <script> is not allowed" in result.stderr
    page = soup(tmp_path / "out" / "essays" / "two" / "index.html")  # --keep-going wrote it anyway
    assert page.find("script", string="steal()")
    hashes = policy_of(page)["script-src"]
    assert sha("steal()") not in hashes and len(hashes) > 1  # the theme's own script is still trusted


def test_live_preview_reload_script_is_allowed_only_when_asked():
    from sphinx_autobuild.middleware import web_socket_script

    html = '<html><head><meta charset="utf-8"></head><body></body></html>'
    served = web_socket_script("127.0.0.1:8000")  # what `make serve` appends to every page
    [reload_script] = re.findall(r"<script>(.*?)</script>", served, re.S)
    published = privacy.secure_page(html, "kb.test")[0]
    preview = privacy.secure_page(html, "kb.test", "127.0.0.1:8000")[0]
    assert sha(reload_script) not in published and "ws://" not in published
    assert sha(reload_script) in preview and "connect-src 'self' ws://127.0.0.1:8000" in preview


# -- print ----------------------------------------------------------------------------------------

def test_each_page_carries_its_address_for_print(site):
    page = soup(site / "essays" / "two" / "index.html")
    assert page.select_one("article h1 + .kb-print-url").get_text() == BASE + "essays/two/"


@pytest.fixture(scope="module")
def site_url(site):
    url, server = serve(site)
    yield url
    server.shutdown()


def computed(page, selector: str, prop: str, pseudo: str | None = None) -> str:
    return page.evaluate("([s, p, pseudo]) => getComputedStyle(document.querySelector(s), pseudo).getPropertyValue(p)",
                         [selector, prop, pseudo])


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.browser
def test_an_essay_prints_as_a_handout(desktop, site_url, tmp_path):
    page = desktop.new_page()
    page.goto(site_url + "essays/two/")
    assert computed(page, ".kb-print-url", "display") == "none"
    assert page.locator(".kb-print-section").count() == 3  # one per section (two h2, one h3)
    page.emulate_media(media="print")
    for hidden in (".sidebar-drawer", ".toc-drawer", ".mobile-header", ".related-pages", ".kb-search-box",
                   ".theme-toggle-container", ".back-to-top", ".bottom-of-page", ".kb-print-section"):
        if page.locator(hidden).count():
            assert computed(page, hidden, "display") == "none", hidden
    for shown in (".announcement", "[data-crisis-notice]", ".kb-disclaimer", ".kb-print-url", "article h1"):
        assert computed(page, shown, "display") != "none", shown
    # The crisis notice prints dark on white (printers drop background colours).
    assert computed(page, ".announcement", "color") == "rgb(0, 0, 0)"
    # Each section's permanent address, printed under its heading.
    assert computed(page, 'section[data-section-id="two-first"] > .kb-section-tools', "content", "::after") == \
        '"https://kb.test/essays/two/#two-first"'
    pdf = page.pdf(format="A4")
    (tmp_path / "essay.pdf").write_bytes(pdf)
    # A short essay is one sheet: no blank page pushed out by the screen layout's full height.
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1


@pytest.mark.browser
def test_print_this_section_prints_only_that_section(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url + "essays/two/")
    page.evaluate("""() => { window.print = () => {
        window.dispatchEvent(new Event('beforeprint'));
        window.__printed = document.documentElement.getAttribute('data-kb-print-section');
        window.__target = document.querySelector('[data-kb-print-target]').dataset.sectionId; }; }""")
    page.locator('section[data-section-id="two-first"] > .kb-section-tools summary').click()
    page.locator('section[data-section-id="two-first"] .kb-print-section').first.click()
    assert page.evaluate("[window.__printed, window.__target]") == ["two-first", "two-first"]
    page.emulate_media(media="print")
    whole = page.evaluate("document.body.innerText")
    assert computed(page, 'section[data-section-id="two-second"]', "display") == "none"
    assert computed(page, 'section[data-section-id="two-first"]', "display") != "none"
    assert computed(page, "section[data-section-id='two-sub']", "display") != "none"  # inside it: kept
    assert computed(page, "article h1", "display") != "none"
    assert computed(page, ".kb-essay-meta", "display") == "none"
    assert "Opening words for two" not in whole  # the essay's introduction is not part of the section
    assert computed(page, "[data-crisis-notice]", "display") != "none"
    assert pdf_pages(page.pdf(format="A4")) == 1
    # A print started any other way prints the whole essay again.
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert computed(page, 'section[data-section-id="two-second"]', "display") != "none"
