"""Section links in a real browser (Debian's Chromium): copy, land, and follow redirects."""

import pytest

from conftest import PHONE, build_copy, edit, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def moved_site(tmp_path_factory):
    """The test root after a section rename, a section move to another page, and a page move."""
    def move(src):
        edit(src / "essays" / "one.md", "{#one-first}", "{#one-start}")
        edit(src / "essays" / "one.md", "{#one-sub}", "{#one-detail}")
        (src / "essays" / "two.md").rename(src / "essays" / "deux.md")
        (src / "redirects.yaml").write_text(
            "/essays/one/#one-first: /essays/one/#one-start\n"      # renamed within the page
            "/essays/one/#one-sub: /essays/three/#three-second\n"   # moved (merged) into another page
            "/essays/two/: /essays/deux/\n"                         # the whole essay moved
            "/essays/two/#two-first: /essays/four/#four-first\n")   # a section of the moved essay went elsewhere
    url, server = serve(build_copy(tmp_path_factory, move))
    yield url
    server.shutdown()


def landed(page):
    page.wait_for_function("document.querySelector('section.kb-landed') !== null")
    return page.evaluate("document.querySelector('section.kb-landed').dataset.sectionId")


def test_copy_link_puts_the_absolute_section_url_on_the_clipboard(browser, moved_site):
    context = browser.new_context(**PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(moved_site + "essays/three/")
    control = page.locator('section[data-section-id="three-second"] [data-copy-link]').first
    toggle = page.locator('section[data-section-id="three-second"] > .kb-section-tools summary')
    toggle.scroll_into_view_if_needed()
    assert toggle.is_visible() and not control.is_visible()  # one small control per heading, no hover needed
    toggle.tap()
    assert control.is_visible()
    control.tap()
    status = page.locator('section[data-section-id="three-second"] .kb-copy-status').first
    status.wait_for(state="visible")
    assert status.inner_text() == "Link copied"
    assert status.get_attribute("role") == "status"
    assert page.evaluate("navigator.clipboard.readText()") == "https://kb.test/essays/three/#three-second"
    context.close()


def test_copy_link_is_keyboard_reachable(desktop, moved_site):
    desktop.grant_permissions(["clipboard-read", "clipboard-write"])
    page = desktop.new_page()
    page.goto(moved_site + "essays/three/")
    page.focus('section[data-section-id="three-first"] > .kb-section-tools summary')
    page.keyboard.press("Enter")  # opens the control
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-copy-link')")
    page.keyboard.press("Enter")
    page.wait_for_function("navigator.clipboard.readText().then(t => t.endsWith('#three-first'))")


def test_without_a_clipboard_the_url_is_shown_selected(browser, moved_site):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page = context.new_page()
    page.goto(moved_site + "essays/three/")
    page.click('section[data-section-id="three-first"] > .kb-section-tools summary')
    page.click('section[data-section-id="three-first"] [data-copy-link]')
    field = page.locator("input.kb-copy-fallback")
    assert field.input_value() == "https://kb.test/essays/three/#three-first"
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value.substring("
                         "document.activeElement.selectionStart, document.activeElement.selectionEnd)") \
        == "https://kb.test/essays/three/#three-first"
    context.close()


def test_opening_a_section_link_lands_below_the_header_and_highlights_it(phone, moved_site):
    page = phone.new_page()
    page.goto(moved_site + "essays/three/#three-second")
    assert landed(page) == "three-second"
    top = page.evaluate("document.getElementById('three-second').getBoundingClientRect().top")
    header = page.evaluate("document.querySelector('.mobile-header').getBoundingClientRect().bottom")
    assert top >= header - 1, "the heading is hidden under the sticky header"
    assert top < page.viewport_size["height"] - 40, "the heading is not in view"


@pytest.mark.parametrize("old, new_url, new_id", [
    ("essays/one/#one-first", "essays/one/", "one-start"),      # within a page
    ("essays/one/#one-sub", "essays/three/", "three-second"),   # across pages
    ("essays/two/#two-second", "essays/deux/", "two-second"),   # moved essay keeps its fragment
    ("essays/two/#two-first", "essays/four/", "four-first"),    # moved essay, section went elsewhere
])
def test_old_links_land_on_the_new_section(phone, moved_site, old, new_url, new_id):
    page = phone.new_page()
    page.goto(moved_site + old)
    page.wait_for_url(f"**/{new_url}#{new_id}")
    assert landed(page) == new_id


# -- an address that names no section never breaks a page -----------------------------------------

# Names every JavaScript object inherits, and fragments whose percent-encoding is broken.
ODD_FRAGMENTS = ["constructor", "__proto__", "toString", "%", "%E0%A4%A"]


def open_quietly(context, url):
    """Open url; return the page and the script errors it raised."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_timeout(400)  # time for a forward, if one wrongly happened
    return page, errors


@pytest.mark.parametrize("fragment", ODD_FRAGMENTS)
def test_an_odd_fragment_leaves_an_essay_at_its_top(desktop, moved_site, fragment):
    # essays/one/ has section redirects: the fragment must not be found among a map's inherited names.
    page, errors = open_quietly(desktop, f"{moved_site}essays/one/#{fragment}")
    assert page.url == f"{moved_site}essays/one/#{fragment}" and errors == []
    assert page.evaluate("window.scrollY") == 0
    assert page.locator("section.kb-landed").count() == 0


@pytest.mark.parametrize("fragment", ODD_FRAGMENTS)
def test_an_odd_fragment_leaves_the_link_directory_working(desktop, moved_site, fragment):
    page, errors = open_quietly(desktop, f"{moved_site}links/#{fragment}")
    assert page.url == f"{moved_site}links/#{fragment}" and errors == []
    page.fill("[data-kb-filter]", "essay three")
    page.wait_for_function("document.querySelector('.kb-directory-count').textContent === '1 essay matches'")


@pytest.mark.parametrize("fragment", ODD_FRAGMENTS)
def test_an_odd_fragment_on_a_moved_page_still_forwards(desktop, moved_site, fragment):
    page, errors = open_quietly(desktop, f"{moved_site}essays/two/#{fragment}")
    page.wait_for_url(lambda url: url.startswith(f"{moved_site}essays/deux/"))
    assert page.url == f"{moved_site}essays/deux/#{fragment}" and errors == []
    assert page.evaluate("window.scrollY") == 0
