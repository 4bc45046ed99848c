"""Reading in a real browser: glossary previews by tap, focus and hover; the link directory filter."""

import pytest

from conftest import PHONE

pytestmark = pytest.mark.browser

ESSAY = "essays/friction-and-repair/"


def first_term(page):
    term = page.locator(".kb-term").first
    term.scroll_into_view_if_needed()
    return term, term.locator("a.kb-term-link"), term.locator("[role=tooltip]")


def test_tap_shows_the_definition_and_a_second_tap_opens_the_glossary(phone, site_url):
    page = phone.new_page()
    page.goto(site_url + ESSAY)
    _, link, tip = first_term(page)
    assert not tip.is_visible()
    link.tap()
    tip.wait_for(state="visible")
    assert page.url.endswith(ESSAY)  # the first tap did not navigate
    assert len(tip.inner_text()) > 20
    link.tap()
    page.wait_for_url("**/glossary/#term-*")


def test_keyboard_focus_shows_the_definition_and_escape_hides_it(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url + ESSAY)
    _, link, tip = first_term(page)
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    tip.wait_for(state="visible")
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")


def test_hover_shows_the_definition(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url + ESSAY)
    _, link, tip = first_term(page)
    link.hover()
    tip.wait_for(state="visible")


def test_without_javascript_a_term_is_a_plain_link(browser, site_url):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(site_url + ESSAY)
    _, link, _ = first_term(page)
    link.tap()
    page.wait_for_url("**/glossary/#term-*")
    context.close()


def test_link_directory_filters_as_you_type(phone, site_url):
    page = phone.new_page()
    page.goto(site_url + "links/")
    essays = page.locator(".kb-directory-essay")
    total = essays.count()
    assert total >= 20
    page.locator("[data-kb-filter]").press_sequentially("superbill")
    visible = page.locator(".kb-directory-essay:visible")
    assert 1 <= visible.count() < total
    assert "superbill" in visible.first.inner_text().lower()
    assert "essay" in page.locator(".kb-directory-count").inner_text()
    page.locator("[data-kb-filter]").fill("")
    page.locator("[data-kb-filter]").dispatch_event("input")
    assert page.locator(".kb-directory-essay:visible").count() == total


def test_theme_neighbours_lead_along_the_theme(phone, site_url):
    page = phone.new_page()
    page.goto(site_url + "themes/family-and-parenting/")
    first = page.locator(".kb-essay-list a.kb-essay-link").first
    first.click()
    nxt = page.locator("a.next-page")
    title = nxt.locator(".title").inner_text()
    nxt.click()
    assert page.locator("h1").inner_text().strip() == title
