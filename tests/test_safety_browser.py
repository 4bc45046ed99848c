"""Safety first (issues 14, 22, 23), in Chromium on a phone and a desktop: the quick exit by tap and
by Shift three times (in a text box too), never by Escape and never while typing, and still after
search was opened any way and closed with any number of Escapes; Back
does not return; without JavaScript the link still leaves; it is among the first Tab stops, in view
on arrival and never over a focused element; and search's help card comes before any hit, even
while the search index cannot load."""

import re
import runpy

import pytest

from conftest import DESKTOP, PHONE, REPO, wheel_down

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONF = runpy.run_path(str(REPO / "conf.py"))
EXIT_URL = CONF["kb_quick_exit_url"]
ESSAY = "essays/friction-and-repair/"
NEUTRAL = "<!doctype html><title>Neutral</title><p>An everyday site."


class Host:
    """The site, and in place of the neutral site a page of our own: nothing leaves the machine.
    ``hold_exit`` keeps the exit's request waiting, to look at the page while it leaves."""

    def __init__(self, context, site_url: str, hold_exit: bool = False):
        self.site_url = site_url
        self.hold_exit = hold_exit
        self.exits: list = []
        self.strangers: list[str] = []
        self.blocked: list[str] = []
        self.block = None  # a pattern of the site's own addresses to refuse (the search index)
        context.route("**/*", self.handle)

    def handle(self, route):
        url = route.request.url
        if url == EXIT_URL:
            self.exits.append(route)
            if not self.hold_exit:
                route.fulfill(status=200, content_type="text/html", body=NEUTRAL)
        elif url.startswith(self.site_url):
            if self.block and re.search(self.block, url):
                self.blocked.append(url)
                route.abort("connectionrefused")
            else:
                route.continue_()
        else:
            self.strangers.append(url)
            route.abort("blockedbyclient")

    def release(self):
        for route in self.exits:
            try:
                route.fulfill(status=200, content_type="text/html", body=NEUTRAL)
            except Exception:  # a request the page itself replaced
                pass


# Resolves once every transition and animation that will end has ended.
MOTION_ENDED = """() => Promise.all(document.getAnimations()
  .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
  .map(a => a.finished.catch(() => null)))"""


def context_for(browser, device, **extra):
    return browser.new_context(**(PHONE if device == "phone" else DESKTOP), **extra)


def arrive(context, site_url, path=ESSAY, via_home=True):
    """Home first, then the page by a link, so the history holds a page of this site before it."""
    page = context.new_page()
    page.goto(site_url if via_home else site_url + path)
    if via_home:
        page.goto(site_url + path)
    page.wait_for_load_state("load")
    return page


def stayed(page, host, path) -> bool:
    """The exit never started. Exact, not a wait: kb-exit.js hides the page in the same key or click
    handler that leaves, and Playwright returns from a key press only once the page has handled it."""
    leaving = page.evaluate("document.documentElement.classList.contains('kb-leaving')")
    return not leaving and page.url == host.site_url + path and host.exits == []


def left(page) -> bool:
    try:
        page.wait_for_url(EXIT_URL, timeout=3000)
    except Exception:
        return False
    return True


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_tapping_exit_leaves_at_once_and_back_does_not_return(browser, site_url, device):
    context = context_for(browser, device)
    host = Host(context, site_url)
    page = arrive(context, site_url)
    length = page.evaluate("history.length")
    link = page.locator(".kb-quick-exit a[data-quick-exit]")
    link.tap() if device == "phone" else link.click()
    assert left(page)
    assert page.evaluate("history.length") == length  # replaced, not added
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url != site_url + ESSAY  # Back leads to the page before, never the page that was left
    assert host.strangers == []
    context.close()


# Runs in the page as the exit is clicked, after kb-exit.js's own listener (the window hears a
# click after the document): what the reader would see in the moment before the next site
# arrives; then the page made visible again and shown as from the back-forward cache, which must
# hide it at once. The console carries the states out: a page that is leaving can no longer be asked.
WATCH_EXIT = """
function kbState() {
  console.log("kb-exit-state " + JSON.stringify({title: document.title, display: getComputedStyle(document.body).display}));
}
window.addEventListener("click", function () {
  kbState();
  document.documentElement.classList.remove("kb-leaving");
  document.documentElement.style.visibility = "";
  document.body.style.display = "";
  document.title = "Restored";
  window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true}));
  kbState();
});
"""


def test_the_page_hides_and_blanks_its_title_before_the_next_site_arrives(browser, site_url):
    import json
    context = context_for(browser, "desktop")
    host = Host(context, site_url, hold_exit=True)
    page = arrive(context, site_url, via_home=False)
    page.add_init_script(WATCH_EXIT)
    page.reload()
    states = []
    page.on("console", lambda m: states.append(json.loads(m.text.split(" ", 1)[1])) if m.text.startswith("kb-exit-state") else None)
    assert page.title()
    page.locator(".kb-quick-exit a[data-quick-exit]").click(no_wait_after=True)
    for _ in range(50):
        if len(states) >= 2 and host.exits:
            break
        page.wait_for_timeout(100)
    hidden = {"title": "", "display": "none"}
    assert states == [hidden, hidden]
    host.release()
    assert left(page)
    context.close()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_shift_three_times_leaves_too(browser, site_url, device):
    context = context_for(browser, device)
    Host(context, site_url)
    page = arrive(context, site_url)
    for _ in range(3):
        page.keyboard.press("Shift")
    assert left(page)
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url != site_url + ESSAY
    context.close()


def test_escape_never_leaves(browser, site_url):
    """Escape is not an exit key: it closes things and clears fields, so it is pressed by reflex."""
    context = context_for(browser, "desktop")
    host = Host(context, site_url)
    page = arrive(context, site_url, via_home=False)
    page.locator("article h1").first.click()  # focus on the page, outside any text box
    for _ in range(4):
        page.keyboard.press("Escape")
    assert stayed(page, host, ESSAY)
    assert page.locator("article").is_visible()
    context.close()


def test_typing_never_leaves(browser, site_url):
    """Shift held with other keys (capitals, Shift+Tab) starts the count again."""
    context = context_for(browser, "desktop")
    host = Host(context, site_url)
    page = arrive(context, site_url, "search/", via_home=False)
    page.locator("[data-search-page] [data-search-input]").click()
    page.keyboard.type("Hello There And Me")  # capitals: Shift held with letters, again and again
    page.locator("article h1").first.click()  # the heading: the middle of the article may be a result's link
    for _ in range(3):
        page.keyboard.press("Shift+Tab")  # a way round the page, not a signal to leave
    assert stayed(page, host, "search/")
    context.close()


def test_shift_three_times_leaves_from_a_text_box(browser, site_url):
    """As GOV.UK's: no field can take the way out away (a reader filling in a form must be able to go)."""
    context = context_for(browser, "desktop")
    Host(context, site_url)
    page = arrive(context, site_url, "search/", via_home=False)
    page.locator("[data-search-page] [data-search-input]").click()
    page.keyboard.type("he hits me")
    for _ in range(3):
        page.keyboard.press("Shift")
    assert left(page)
    context.close()


def open_search(page, way: str) -> None:
    if way == "tap the header button":
        page.locator(".mobile-header .kb-search-trigger").tap()
    elif way == "tap the box in the menu":
        page.locator(".mobile-header label[for='__navigation']").tap()
        page.locator("[data-search-home] [data-search-input]").tap()
    elif way == "click the box":
        page.locator("[data-search-home] [data-search-input]").click()
    elif way == "slash":
        page.locator("article h1").first.click()
        page.keyboard.press("/")
    else:
        page.locator("article h1").first.click()
        page.keyboard.press("Control+k")


WAYS = [("phone", "tap the header button"), ("phone", "tap the box in the menu"), ("desktop", "click the box"), ("desktop", "slash"),
        ("desktop", "control k")]


@pytest.mark.parametrize("device,way", WAYS, ids=[way for _, way in WAYS])
@pytest.mark.parametrize("leave_by", ["shift three times", "the button"])
def test_after_search_and_any_number_of_escapes_the_exit_still_works(browser, site_url, device, way, leave_by):
    """Red-team 2, item 5: opened by its box, Escape closed the dialog, gave focus back to the box,
    the next Escape cleared the words and the input event re-opened the dialog."""
    context = context_for(browser, device)
    host = Host(context, site_url)
    page = arrive(context, site_url, via_home=False)
    open_search(page, way)
    dialog = page.locator("[data-search-dialog]")
    assert dialog.is_visible()
    page.keyboard.type("he hits me")
    for _ in range(8):
        page.keyboard.press("Escape")
        assert not dialog.is_visible(), "an Escape re-opened the search dialog"
    assert stayed(page, host, ESSAY)
    if leave_by == "the button":
        link = page.locator(".kb-quick-exit a[data-quick-exit]")
        link.tap() if device == "phone" else link.click()
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    assert left(page)
    context.close()


def test_typing_into_the_sidebar_box_still_opens_search(browser, site_url):
    context = context_for(browser, "desktop")
    Host(context, site_url)
    page = arrive(context, site_url, via_home=False)
    box = page.locator("[data-search-home] [data-search-input]")
    box.focus()  # focus alone (Tab) does not open it; words do
    dialog = page.locator("[data-search-dialog]")
    assert not dialog.is_visible()
    page.keyboard.type("anger")
    dialog.wait_for(state="visible")
    assert page.locator("[data-search-dialog] [data-search-input]").input_value() == "anger"
    context.close()


def test_the_dialog_carries_its_own_exit(browser, site_url):
    context = context_for(browser, "phone")
    Host(context, site_url)
    page = arrive(context, site_url, via_home=False)
    page.locator(".mobile-header .kb-search-trigger").tap()
    exit_link = page.locator("[data-search-dialog] a[data-quick-exit]")
    assert exit_link.is_visible()
    exit_link.tap()
    assert left(page)
    context.close()


def test_without_javascript_the_link_still_leaves(browser, site_url):
    context = context_for(browser, "phone", java_script_enabled=False)
    Host(context, site_url)
    page = arrive(context, site_url, via_home=False)
    page.locator(".kb-quick-exit a[data-quick-exit]").tap()
    assert left(page)
    context.close()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_exit_is_among_the_first_three_tab_stops(browser, site_url, device):
    context = context_for(browser, device)
    Host(context, site_url)
    page = arrive(context, site_url, via_home=False)
    stops = []
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.hasAttribute('data-quick-exit')"))
    assert any(stops), stops
    context.close()


@pytest.mark.parametrize("path", ["", ESSAY, "help/not-safe-at-home/"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_exit_is_in_view_on_arrival_and_covers_neither_notice_nor_text(browser, site_url, device, path):
    context = context_for(browser, device)
    Host(context, site_url)
    page = arrive(context, site_url, path, via_home=False)
    bar = page.locator(".kb-quick-exit").bounding_box()
    link = page.locator(".kb-quick-exit a[data-quick-exit]")
    assert link.is_visible()
    box = link.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= bar["y"] + bar["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert box["height"] >= 24 and box["width"] >= 24  # a target easy to tap (WCAG 2.5.8)
    bottom = bar["y"] + bar["height"]
    for selector in ("[data-crisis-notice]", "article h1"):
        assert page.locator(selector).first.bounding_box()["y"] >= bottom - 0.5, selector
    # Scrolled, the bar stays at the top of the window.
    wheel_down(page, 1200)
    assert link.is_visible() and abs(link.bounding_box()["y"] - box["y"]) < 1
    context.close()


# Whether a focused element is visible at any of a few points inside it, with nothing of the page
# on top (the quick exit bar, Furo's sticky phone header); off-screen elements are not judged here.
OBSCURED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  if (!r.width || !r.height || r.right <= 0 || r.left >= innerWidth || r.bottom <= 0 || r.top >= innerHeight) return null;
  const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]];
  const seen = points.some(([fx, fy]) => {
    const x = Math.min(innerWidth - 1, Math.max(0, r.left + r.width * fx));
    const y = Math.min(innerHeight - 1, Math.max(0, r.top + r.height * fy));
    const hit = document.elementFromPoint(x, y);
    return hit && (el.contains(hit) || hit.contains(el));
  });
  const over = document.elementFromPoint(r.left + r.width / 2, Math.min(innerHeight - 1, Math.max(0, r.top + r.height / 2)));
  return seen ? false : (el.outerHTML.slice(0, 120) + " under " + (over ? over.outerHTML.slice(0, 160) : "nothing"));
}"""


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_no_focused_element_is_hidden_behind_the_exit_bar_or_header(browser, site_url, device):
    """WCAG 2.2, 2.4.11 Focus Not Obscured: Tab forwards through the page, then back."""
    context = context_for(browser, device)
    Host(context, site_url)
    page = arrive(context, site_url, via_home=False)
    # The check can see an obscured element: a link scrolled under the bar and focused in place.
    assert page.evaluate("""() => {
        const link = [...document.querySelectorAll('article a[href]')].find(a => a.getClientRects().length);
        window.scrollTo({top: window.scrollY + link.getBoundingClientRect().top - 4, behavior: "instant"});
        link.focus({preventScroll: true});
    }""") is None
    assert page.evaluate(OBSCURED)
    page.evaluate("document.activeElement.blur(); window.scrollTo({top: 0, behavior: 'instant'})")
    # Furo scrolls smoothly; judged where each focus scroll ends, not on the way there.
    page.evaluate("document.documentElement.style.scrollBehavior = 'auto'")
    wheel_down(page, 600)  # start part-way down, where the sticky parts are over the text
    problems, judged = [], 0
    for key in ["Tab"] * 100 + ["Shift+Tab"] * 40:
        page.keyboard.press(key)
        page.evaluate(MOTION_ENDED)  # judged where it comes to rest (Furo's skip link slides in over 0.3 s)
        verdict = page.evaluate(OBSCURED)
        if verdict is not None:
            judged += 1
        if verdict:
            problems.append(verdict)
    assert judged > 20
    assert problems == []
    context.close()


# -- Help first in search -----------------------------------------------------------------------------

HELP_QUERIES = [
    ("i want to die", "tel:988", "help/thinking-about-suicide/"),
    ("kms", "tel:988", "help/thinking-about-suicide/"),
    ("my partner hits me", "tel:8007997233", "help/not-safe-at-home/"),
    ("took too many pills", "tel:911", "help/thinking-about-suicide/"),
    ("i cut myself", "tel:988", "help/hurting-yourself/"),
]


@pytest.mark.parametrize("query, line, page_path", HELP_QUERIES, ids=[q for q, _, _ in HELP_QUERIES])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_risk_query_shows_help_first_even_while_the_index_cannot_load(browser, site_url, device, query, line, page_path):
    context = context_for(browser, device)
    host = Host(context, site_url)
    host.block = r"/search-index/"
    page = arrive(context, site_url, via_home=False)
    if device == "phone":
        page.locator(".mobile-header .kb-search-trigger").tap()
    else:
        page.locator("[data-search-home] [data-search-input]").click()
    page.keyboard.type(query, delay=40)
    card = page.locator("[data-search-dialog] [data-search-crisis]")
    card.wait_for(state="visible", timeout=3000)
    first_line = card.locator("[data-help-line] a").first.get_attribute("href")
    assert first_line == line
    assert card.locator(f"a[href$='{page_path}']").count() == 1
    # Before any hit: above the results (none could load), and first in the panel.
    assert page.locator("[data-search-dialog] [data-search-results] a").count() == 0
    assert page.evaluate("""() => {
        const panel = document.querySelector('[data-search-dialog] [data-search-panel]');
        return panel.firstElementChild.matches('[data-search-help]');
    }""")
    assert card.bounding_box()["y"] < page.locator("[data-search-dialog] [data-search-results]").bounding_box()["y"]
    assert host.blocked, "the index was never asked for: the test proves nothing about it"
    # Cleared, the card goes; an ordinary question never shows it.
    page.locator("[data-search-dialog] [data-search-input]").fill("")
    assert page.locator("[data-search-crisis]").count() == 0
    page.locator("[data-search-dialog] [data-search-input]").fill("my therapist cancelled our session")
    page.wait_for_timeout(200)
    assert page.locator("[data-search-crisis]").count() == 0
    context.close()


def test_the_help_card_comes_before_the_hits_once_they_load(browser, site_url):
    context = context_for(browser, "desktop")
    Host(context, site_url)
    page = arrive(context, site_url, "search/", via_home=False)
    page.locator("[data-search-page] [data-search-input]").fill("thinking about suicide and grief")
    page.wait_for_selector("[data-search-page] [data-search-results] a")
    card = page.locator("[data-search-page] [data-search-crisis]")
    assert card.is_visible()
    first_hit = page.locator("[data-search-page] [data-search-results] a").first
    assert card.bounding_box()["y"] + card.bounding_box()["height"] <= first_hit.bounding_box()["y"]
    assert card.locator("a[href^='tel:988']").count() == 1
    context.close()
