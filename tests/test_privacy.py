"""Zero third parties, in a real browser: every page type of the real site, served the way a static
host serves it (under a project-site path, with 404.html for missing addresses), loads nothing
from any other host, sets no cookie, stores nothing, and breaks no rule of its own
Content-Security-Policy."""

import pytest
import yaml

from conftest import DESKTOP, REPO, VIEWPORTS, Recorder, serve, sphinx_build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PREFIX = "/notes/"  # a GitHub Pages project site lives under /<repository>/
FIRST_THEME = yaml.safe_load((REPO / "docs" / "themes.yaml").read_text(encoding="utf-8"))[0]["key"]
PAGE_TYPES = {
    "home": "",
    "theme": f"themes/{FIRST_THEME}/",
    "essay": "essays/friction-and-repair/",
    "essay at a section": "essays/friction-and-repair/#speaking-up-when-something-stings",
    "glossary": "glossary/",
    "links directory": "links/",
    "search": "search/",
    "about": "about-this-approach/",
    "using this site": "using-this-site/",
    "index": "genindex/",
    "reading list": "reading-list/#s=why-friction-happens-in-therapy.speaking-up-when-something-stings&n=Read+this+first",
    "links with a list": "links/#s=why-friction-happens-in-therapy",
    "404": "essays/no/such/page/here/",
}
@pytest.fixture(scope="module")
def project_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("project-site") / "html"
    sphinx_build(REPO / "docs", out, "-D", f"html_baseurl=https://someone.github.io{PREFIX}", confdir=REPO)
    url, server = serve(out, PREFIX)
    yield url
    server.shutdown()


def visit(context, recorder, url: str, kind: str):
    page = recorder.watch(context.new_page())
    response = page.goto(url, wait_until="networkidle")
    assert response.status == (404 if kind == "404" else 200), url
    if kind == "search":  # the search engine is WebAssembly: run a real search
        page.locator("[data-search-page] [data-search-input]").fill("repair")
        page.wait_for_selector("[data-search-page] [data-search-results] li")
        page.wait_for_load_state("networkidle")
    return page


@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_talks_to_no_one_else_and_keeps_no_trace(browser, project_site, kind, device):
    context = browser.new_context(**VIEWPORTS[device])
    recorder = Recorder(context, project_site)
    page = visit(context, recorder, project_site + PAGE_TYPES[kind], kind)
    assert recorder.requests, "the recorder saw nothing: it is not watching"
    assert recorder.strangers == []
    assert page.evaluate("window.__violations") == []
    # No script error, no refused resource; the one failed load allowed is the 404 page's own address.
    problems = [m for m in recorder.console if "Failed to load resource" not in m or kind != "404"]
    assert problems == []
    assert context.cookies() == [] and page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    # The crisis notice is on every page, in the first screenful (a phone's included).
    notice = page.locator("[data-crisis-notice]")
    assert notice.is_visible()
    assert notice.bounding_box()["y"] < page.viewport_size["height"] / 2
    context.close()


def test_the_404_page_works_at_any_depth_under_the_site_path(browser, project_site):
    context = browser.new_context(**DESKTOP)
    recorder = Recorder(context, project_site)
    page = visit(context, recorder, project_site + "a/b/c/d/missing.html", "404")
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.reload(wait_until="networkidle")
    assert failed == [project_site + "a/b/c/d/missing.html"]  # every stylesheet and script loaded
    assert page.evaluate("[...document.styleSheets].some(s => s.href && s.href.includes('furo.css') && s.cssRules.length > 0)")
    assert page.locator("h1").first.inner_text() == "Page not found"
    # Search works from here: it finds the site's index from the site's path, not the address's.
    page.locator("[data-search-input]").first.fill("repair")
    page.wait_for_selector("[data-search-results] li")
    hit = page.locator("[data-search-results] a").first.get_attribute("href")
    assert hit.startswith(PREFIX + "essays/"), hit
    page.keyboard.press("Escape")
    # And a theme link leads into the site.
    page.locator("article a.kb-theme-link").first.click()
    page.wait_for_load_state()
    assert page.url == project_site + f"themes/{FIRST_THEME}/"
    assert page.locator("h1").first.is_visible()
    assert recorder.strangers == [] and page.evaluate("window.__violations") == []
    context.close()


def test_the_policy_is_enforced(browser, project_site):
    """The checks above can only pass for the right reason if the browser applies the policy."""
    context = browser.new_context(**DESKTOP)
    recorder = Recorder(context, project_site)
    page = visit(context, recorder, project_site + PAGE_TYPES["essay"], "essay")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.head.appendChild(script);
        new Image().src = "https://tracker.example/pixel.gif";
        return fetch("https://tracker.example/beacon").catch(() => null);
    }""")
    page.wait_for_function("window.__violations.length >= 3")
    violations = page.evaluate("window.__violations")
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in violations)
    assert any("img-src" in v and "tracker.example" in v for v in violations)
    assert any("connect-src" in v and "tracker.example" in v for v in violations)
    assert recorder.strangers == []  # refused by the page itself, before any request
    context.close()


def test_following_a_link_sends_no_referrer(browser, project_site):
    """With no-referrer, the next page (here one of ours; another site alike) is not told where the
    reader came from."""
    context = browser.new_context(**DESKTOP)
    recorder = Recorder(context, project_site)
    page = visit(context, recorder, project_site + PAGE_TYPES["essay"], "essay")
    with page.expect_request(lambda r: r.url.endswith(f"themes/{FIRST_THEME}/")) as followed:
        page.locator(f".kb-essay-meta a[href$='{FIRST_THEME}/']").first.click()
    assert "referer" not in {k.lower() for k in followed.value.headers}
    page.wait_for_load_state()
    assert page.evaluate("document.referrer") == ""
    context.close()
