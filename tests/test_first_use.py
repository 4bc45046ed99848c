"""Pages carry only what they use (issue 25): the search's code and the reading list's load the
first time the reader uses them, from the site itself, and the help (the risk card, the crisis
notice, the quick exit) never waits for them. Run against the real site in Chromium."""

from __future__ import annotations

import re

import pytest

from conftest import DESKTOP, PHONE, Recorder, settled
from essay_kb import reading_list, search

ESSAY = "essays/friction-and-repair/"
LATER = (f"/_static/{search.ENGINE_FILE}", f"/_static/{reading_list.TOOLS_FILE}", f"/{search.BUNDLE_DIR}/",
         f"/{reading_list.SECTIONS_DIR}/", f"/_static/{search.STEMMER_FILE}")
QUERY = "my therapist cancelled our session"
RISK = "i want to die"

pytestmark = pytest.mark.browser


def later_files(recorder: Recorder) -> list[str]:
    return [url for url in recorder.requests if any(part in url for part in LATER)]


def fresh(browser, site_url, viewport=DESKTOP, block: str | None = None):
    """A new context (nothing cached) on the essay, its requests recorded; ``block``: a pattern of
    addresses answered as a network failure."""
    context = browser.new_context(**viewport)
    recorder = Recorder(context, site_url)
    if block:
        context.route(re.compile(block), lambda route: route.abort("internetdisconnected"))
    page = recorder.watch(context.new_page())
    page.goto(site_url + ESSAY)
    settled(page)
    return context, recorder, page


def test_an_essay_page_loads_no_search_or_reading_list_code(browser, site_url):
    for viewport in (PHONE, DESKTOP):
        context, recorder, page = fresh(browser, site_url, viewport)
        assert later_files(recorder) == []
        loaded = [url.rsplit("/", 1)[-1].split("?")[0] for url in recorder.requests]
        assert {search.SCRIPT_FILE, reading_list.SCRIPT_FILE, "kb-risk.js", "kb-risk-phrases.js", "kb-search-help.js",
                "kb-exit.js"} <= set(loaded)
        # What they make on every page is there without them: the add buttons, the phone's search button.
        assert page.locator("[data-reading-list-add]").count() > 0
        if viewport is PHONE:
            assert page.locator(".mobile-header .kb-search-trigger").count() == 1
        assert recorder.console == [] and page.evaluate("window.__violations") == []
        context.close()


def test_focusing_search_loads_it_once_and_it_works(browser, site_url):
    context, recorder, page = fresh(browser, site_url)
    box = page.locator("[data-search-input]")
    with page.expect_request(lambda r: search.ENGINE_FILE in r.url):
        box.focus()
    box.press_sequentially(QUERY, delay=30)
    dialog = page.locator("[data-search-dialog]")
    dialog.locator("[data-search-results] a").first.wait_for()
    assert box.input_value() == QUERY  # no key lost while the engine came
    engines = [url for url in recorder.requests if search.ENGINE_FILE in url]
    assert len(engines) == 1 and re.search(r"\?v=[0-9a-f]{12}$", engines[0])
    # Every file came from the site, and none of their addresses holds a word typed.
    assert recorder.strangers == []
    assert not [url for url in recorder.requests if any(word in url for word in ("therapist", "cancelled"))]
    assert recorder.console == [] and page.evaluate("window.__violations") == []
    context.close()


@pytest.mark.parametrize("how", ["slash", "ctrl-k", "phone button"])
def test_each_way_into_search_loads_it(browser, site_url, how):
    context, recorder, page = fresh(browser, site_url, PHONE if how == "phone button" else DESKTOP)
    with page.expect_request(lambda r: search.ENGINE_FILE in r.url):
        if how == "slash":
            page.keyboard.press("/")
        elif how == "ctrl-k":
            page.keyboard.press("Control+k")
        else:
            page.locator(".mobile-header .kb-search-trigger").tap()
    dialog = page.locator("[data-search-dialog]")
    assert dialog.evaluate("d => d.open")
    page.keyboard.type(QUERY, delay=30)
    dialog.locator("[data-search-results] a").first.wait_for()
    assert dialog.locator("[data-search-input]").input_value() == QUERY
    context.close()


def test_the_search_page_loads_it_at_once(browser, site_url):
    context = browser.new_context(**DESKTOP)
    recorder = Recorder(context, site_url)
    page = context.new_page()
    with page.expect_request(lambda r: search.ENGINE_FILE in r.url):
        page.goto(site_url + "search/")
    page.locator("[data-search-page][data-search-engine='ready']").wait_for(state="attached")
    page.locator("[data-search-input]").fill(QUERY)
    page.locator("[data-search-results] a").first.wait_for()
    assert recorder.strangers == []
    context.close()


@pytest.mark.parametrize("blocked", [None, search.ENGINE_FILE], ids=["engine on its way", "engine cannot load"])
def test_a_risk_phrase_as_the_very_first_input_shows_the_help_card(browser, site_url, blocked):
    """The card needs nothing loaded on first use: typed straight into the box of a fresh page, with
    the engine still on its way or never coming, it is there by the end of the phrase."""
    context, recorder, page = fresh(browser, site_url, block=re.escape(blocked) if blocked else None)
    page.locator("[data-search-input]").press_sequentially(RISK, delay=20)
    card = page.locator("[data-search-dialog] [data-search-crisis]")
    card.wait_for(state="visible", timeout=3000)
    assert card.locator("[data-help-line] a").count() > 0
    if blocked:  # the engine was asked for and refused: the status line says so, the help still works
        status = page.locator("[data-search-dialog] [data-search-status]")
        status.filter(has_text="Search could not load").wait_for()
        assert "offline" in status.inner_text()
        assert page.locator("[data-search-dialog] .kb-search-crisis a").count() > 0
        assert page.locator("[data-search-dialog] [data-quick-exit]").is_visible()
    context.close()


def test_when_the_search_cannot_load_it_says_so_and_loads_at_the_next_try(browser, site_url):
    context = browser.new_context(**DESKTOP)
    Recorder(context, site_url)
    offline = {"on": True}
    context.route(re.compile(re.escape(search.ENGINE_FILE)),
                  lambda route: route.abort("internetdisconnected") if offline["on"] else route.continue_())
    page = context.new_page()
    page.goto(site_url + ESSAY)
    settled(page)
    box = page.locator("[data-search-input]")
    box.press_sequentially("grief", delay=20)
    dialog = page.locator("[data-search-dialog]")
    dialog.locator("[data-search-status]").filter(has_text="Search could not load").wait_for()
    assert dialog.locator("[data-search-results] a").count() == 0
    offline["on"] = False
    page.keyboard.type(" after a loss", delay=20)  # the next key tries again
    dialog.locator("[data-search-results] a").first.wait_for()
    assert "could not load" not in dialog.locator("[data-search-status]").inner_text()
    context.close()


def add_buttons(page):
    details = page.locator("article section[data-section-id] > .kb-section-tools > details")
    for i in range(min(2, details.count())):
        details.nth(i).locator("summary").click()
    return page.locator("article [data-reading-list-add]")


def test_the_first_add_loads_the_reading_list_and_every_click_counts(browser, site_url):
    context, recorder, page = fresh(browser, site_url)
    buttons = add_buttons(page)
    assert later_files(recorder) == []
    with page.expect_request(lambda r: reading_list.TOOLS_FILE in r.url):
        buttons.nth(0).click()
        buttons.nth(1).click()  # before the code is here: kept, and done in order
    panel = page.locator("[data-reading-list-panel]")
    panel.wait_for()
    assert panel.locator(".kb-rl-panel-title").inner_text() == "Reading list: 2 sections"
    assert buttons.nth(0).inner_text() == buttons.nth(1).inner_text() == "Remove from reading list"
    assert re.search(r"#[sc]=", page.url)
    buttons.nth(1).click()  # now the list's own code answers, once
    assert panel.locator(".kb-rl-panel-title").inner_text() == "Reading list: 1 section"
    assert [url for url in recorder.requests if reading_list.TOOLS_FILE in url].__len__() == 1
    assert recorder.strangers == [] and recorder.console == [] and page.evaluate("window.__violations") == []
    context.close()


def test_a_page_holding_a_list_and_the_list_page_load_it_at_once(browser, site_url):
    context, recorder, page = fresh(browser, site_url)
    sid = page.locator("article section[data-section-id]").first.get_attribute("data-section-id")
    context.close()
    for path in (f"{ESSAY}#s={sid}", f"reading-list/#s={sid}"):
        context = browser.new_context(**DESKTOP)
        Recorder(context, site_url)
        page = context.new_page()
        with page.expect_request(lambda r: reading_list.TOOLS_FILE in r.url):
            page.goto(site_url + path)
        if path.startswith("reading-list/"):
            page.locator("[data-reading-list] section[data-section-id]").first.wait_for()
        else:
            page.locator("[data-reading-list-panel] .kb-rl-panel-title").filter(has_text="1 section").wait_for()
        context.close()


def test_when_the_reading_list_cannot_load_the_button_says_so(browser, site_url):
    context, recorder, page = fresh(browser, site_url, block=re.escape(reading_list.TOOLS_FILE))
    button = add_buttons(page).first
    button.click()
    page.wait_for_function("b => b.textContent.includes('could not load')", arg=button.element_handle())
    assert page.locator("[data-reading-list-panel]").count() == 0
    context.close()
