"""Issue 22, in Chromium on a phone and a desktop: the safety plan keeps nothing (no storage, no
request, nothing in the address, empty again after leaving, a reload, Back and the back-forward
cache) and prints as one clean sheet, filled in or blank, with or without JavaScript; other
countries' help lines are chosen for the page only; every call and text link is well formed; a
360x640 phone shows the essay's first lines; and the exit, the crisis links and the section
control are 44 by 44 px targets."""

import re
from urllib.parse import urljoin

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, REPO, Recorder, settled, soup
from test_privacy import EMPTY, STORAGE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAN = "help/safety-plan/"
ESSAY = "essays/friction-and-repair/"
SMALL_PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DEVICES = {"phone": SMALL_PHONE, "desktop": DESKTOP}
SECRET = "Call Jordan 555 0101 when the nights get long"
# Saved at "pageshow": whether the page came back from the back-forward cache.
WATCH_RESTORE = "window.addEventListener('pageshow', e => { window.__restored = e.persisted; });"


def fields(page):
    return page.locator("[data-plan-field]")


def values(page) -> list[str]:
    return page.eval_on_selector_all("[data-plan-field]", "fields => fields.map(f => f.value)")


def fill_in(page) -> None:
    for i in range(fields(page).count()):
        fields(page).nth(i).fill(f"{SECRET} ({i + 1})")


def nothing_kept(context, page, when: str) -> None:
    assert page.evaluate(STORAGE) == EMPTY, when
    state = context.storage_state()
    assert state["cookies"] == [] and all(not o.get("localStorage") for o in state["origins"]), when


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


# -- The plan as built ------------------------------------------------------------------------------

def test_the_plan_is_seven_steps_of_fields_that_keep_nothing(real_site):
    page = soup(real_site / "help" / "safety-plan" / "index.html")
    article = page.select_one("article")
    steps = [h.get_text(" ", strip=True) for h in article.select("h2")]
    numbered = [s.split(".")[0] for s in steps if re.match(r"\d+\.", s)]
    assert numbered == ["1", "2", "3", "4", "5", "6", "7"]
    # The summary's count is the page's count (a review found "six steps" over seven).
    # (read from the page's front matter: the page is discreet, so its link preview says nothing of it)
    assert "in seven steps" in (REPO / "docs" / "help" / "safety-plan.md").read_text(encoding="utf-8").split("---")[1]
    assert page.select_one('meta[name="description"]')["content"] == "An essay from our practice."
    boxes = article.select("textarea")
    assert len(boxes) == 7  # one box per step
    assert not page.select("form") and not page.select("[action], [formaction]")
    for box in boxes:
        assert box["autocomplete"] == "off" and not box.has_attr("name"), box
        assert page.select_one(f'label[for="{box["id"]}"]').get_text(strip=True)
        assert len(page.select(f'[data-plan-written="{box["id"]}"] .kb-plan-rule')) >= 2  # blank lines for print
    # What happens to what is typed, said first; the lines pre-filled from the setting in step 5.
    first = next(p for p in article.select("p") if "kb-print-url" not in p.get("class", []))
    assert "What happens to what you type" in first.get_text() and "not saved" in first.get_text()
    five = article.select_one("#plan-professionals").parent
    assert [a["href"] for a in five.select(".kb-helplines-card a[href^='tel:'], .kb-helplines-card a[href^='sms:']")][:2] \
        == ["tel:988", "sms:988"]
    scripts = [s["src"].rsplit("/", 1)[-1].split("?")[0] for s in page.select("script[src]")]
    assert "kb-safety-plan.js" in scripts
    assert not re.search(r"\b(localStorage|sessionStorage|indexedDB|caches|cookie)\b",
                         (real_site / "_static" / "kb-safety-plan.js").read_text(encoding="utf-8"))
    # Only the plan's page loads the plan's script.
    assert "kb-safety-plan.js" not in (real_site / "essays" / "friction-and-repair" / "index.html").read_text()


def test_the_plan_is_written_plainly_and_safely():
    import textstat
    from test_collection import body, prose
    text = body(REPO / "docs" / "help" / "safety-plan.md")
    assert textstat.flesch_kincaid_grade(prose(text)) <= 6
    assert not re.search(r"committed suicide|commit suicide|successful|\b(overdose|pills|rope|guns?)\b", text, re.I)


def test_the_plan_is_linked_from_the_suicide_page_and_the_crisis_notice(real_site):
    for path in ("help/thinking-about-suicide/index.html", "essays/friction-and-repair/index.html", "index.html"):
        page = soup(real_site / path)
        here = "/" + path.removesuffix("index.html")
        targets = {urljoin(here, a["href"]) for a in page.select("article a[href], [data-crisis-notice] a[href]")}
        assert "/help/safety-plan/" in targets or "/help/safety-plan/#" in targets, path


def test_every_call_and_text_link_is_well_formed(real_site):
    seen = set()
    for path in real_site.rglob("*.html"):
        for link in soup(path).select("a[href^='tel:'], a[href^='sms:']"):
            href = link["href"]
            assert re.fullmatch(r"tel:\+?\d{2,15}|sms:\+?\d{2,15}(\?&body=[A-Za-z0-9%]+)?", href), (path, href)
            seen.add(href)
    assert {"tel:988", "sms:988", "tel:911", "sms:911", "sms:88788?&body=START", "tel:18338526262",
            "sms:18338526262", "tel:116123", "sms:85258?&body=SHOUT", "sms:0477131114"} <= seen


def test_section_tools_are_one_control_per_heading_and_none_on_help_pages(real_site):
    essay = soup(real_site / ESSAY / "index.html")
    for heading in essay.select("article section[data-section-id] > h2, article section[data-section-id] > h3"):
        tools = heading.find_next_sibling()
        assert "kb-section-tools" in tools["class"] and len(tools.select("summary")) == 1, heading
    for docname in ("help/thinking-about-suicide", "help/not-safe-at-home", "help/safety-plan"):
        assert not soup(real_site / docname / "index.html").select(".kb-section-tools"), docname


# -- In the browser ---------------------------------------------------------------------------------

@pytest.mark.parametrize("device", list(DEVICES))
def test_a_filled_in_plan_leaves_no_trace(browser, site_url, device):
    context = browser.new_context(**DEVICES[device])
    recorder = Recorder(context, site_url)
    page = recorder.watch(context.new_page())
    page.goto(site_url + PLAN)
    settled(page)
    fill_in(page)
    assert all(SECRET in v for v in values(page)) and page.url == site_url + PLAN
    written = page.locator("[data-plan-written]").first
    assert written.text_content() == f"{SECRET} (1)"  # the copy that prints
    nothing_kept(context, page, "filled in")
    # Leave by a link, come Back: the fields are empty (Back here reloads from the HTTP cache).
    page.locator("article a[href$='thinking-about-suicide/']").first.click()
    page.wait_for_url("**/thinking-about-suicide/")
    nothing_kept(context, page, "left")
    page.go_back()
    settled(page)
    assert page.url == site_url + PLAN
    assert values(page) == [""] * 7
    assert page.locator("[data-plan-written]").first.text_content() == ""  # blank lines again
    # A reload, and "Clear everything".
    fill_in(page)
    page.reload()
    settled(page)
    assert values(page) == [""] * 7
    fill_in(page)
    page.locator("[data-plan-clear]").click()
    assert values(page) == [""] * 7
    assert page.locator("[data-plan-status]").inner_text() == "Everything you typed is cleared."
    nothing_kept(context, page, "cleared")
    # Nothing typed ever left the page, and nothing outside the site was asked for.
    assert not [u for u in recorder.requests if "Jordan" in u or "0101" in u]
    assert recorder.strangers == [] and recorder.console == []
    context.close()


def test_a_page_restored_from_the_back_forward_cache_shows_empty_fields(browser, site_url):
    """Playwright turns the back-forward cache off; a second Chromium has it on, to test the real thing."""
    with browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                     ignore_default_args=["--disable-back-forward-cache"]) as cached:
        context = cached.new_context(**SMALL_PHONE)
        context.add_init_script(WATCH_RESTORE)
        page = context.new_page()
        page.goto(site_url + PLAN)
        settled(page)
        fill_in(page)
        page.goto(site_url + ESSAY)
        settled(page)
        page.go_back(wait_until="commit")  # a page from the cache has no "load" to wait for
        # Only a page restored from the cache sees a "pageshow" that is persisted; if this one was
        # loaded afresh instead, the test would prove nothing, and it fails here.
        page.wait_for_function("window.__restored === true")
        assert values(page) == [""] * 7
        assert page.locator("[data-plan-written]").first.text_content() == ""
        nothing_kept(context, page, "restored")


def test_words_typed_before_the_plans_script_starts_are_kept_on_a_first_visit(browser, site_url):
    """On a slow phone a reader can type before the page's scripts run. Here the plan's script is
    answered only once the words are in: it keeps them and their printed copy (its start used to
    wipe every field). A reload still starts empty."""
    context = browser.new_context(**SMALL_PHONE)
    page = context.new_page()
    started_before_typing = []

    def type_first(route):
        fields(page).nth(0).fill(SECRET)
        started_before_typing.append(page.locator("html.kb-plan-ready").count())
        route.continue_()

    context.route("**/_static/kb-safety-plan.js*", type_first)
    page.goto(site_url + PLAN)
    settled(page)
    assert started_before_typing == [0]
    assert page.locator("html.kb-plan-ready").count() == 1
    assert fields(page).nth(0).input_value() == SECRET
    assert page.locator("[data-plan-written]").first.text_content() == SECRET
    context.unroute("**/_static/kb-safety-plan.js*")
    page.reload()
    settled(page)
    assert values(page) == [""] * 7
    context.close()


@pytest.mark.parametrize("device", list(DEVICES))
def test_the_plan_prints_as_one_clean_sheet(browser, site_url, device, tmp_path):
    context = browser.new_context(**DEVICES[device])
    page = context.new_page()
    page.goto(site_url + PLAN)
    settled(page)
    fields(page).nth(0).fill("I stop answering messages\nI sleep all day")
    page.emulate_media(media="print")
    for hidden in (".kb-quick-exit", ".sidebar-drawer", ".toc-drawer", ".mobile-header", ".announcement",
                   "[data-plan-field]", ".kb-plan-actions", ".kb-plan-privacy"):
        assert all(not n.is_visible() for n in page.locator(hidden).all()), hidden
    written = page.locator("[data-plan-written]")
    assert written.nth(0).is_visible() and written.nth(0).inner_text() == "I stop answering messages\nI sleep all day"
    assert written.nth(1).locator(".kb-plan-rule").count() == 3 and written.nth(1).bounding_box()["height"] > 40
    # Numbers print as themselves, without "(tel:988)" after them.
    tel = page.locator("article a[href^='tel:']").first
    assert tel.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")
    assert "tel:" not in page.locator("article").inner_text()
    pdf = page.pdf(format="Letter")
    (tmp_path / "plan.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
    assert pdf_pages(page.pdf(format="A4")) == 1
    context.close()


def test_without_javascript_the_plan_prints_as_a_blank_form(browser, site_url):
    context = browser.new_context(**DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PLAN)
    assert fields(page).count() == 7 and fields(page).first.is_editable()
    page.emulate_media(media="print")
    for written in page.locator("[data-plan-written]").all():  # each field: its blank lines to write on
        assert written.locator(".kb-plan-rule:visible").count() == int(written.get_attribute("data-rows"))
    assert pdf_pages(page.pdf(format="Letter")) == 1
    # Typed into without JavaScript, a field prints what it holds instead of its lines.
    page.emulate_media(media="screen")
    fields(page).nth(1).fill("A walk with music on")
    page.emulate_media(media="print")
    assert fields(page).nth(1).is_visible() and not fields(page).nth(0).is_visible()
    assert page.locator("[data-plan-written]").nth(1).is_hidden()
    context.close()


@pytest.mark.parametrize("device", list(DEVICES))
@pytest.mark.parametrize("where", ["help page", "crisis notice"])
def test_a_reader_elsewhere_chooses_a_country_for_this_page_only(browser, site_url, device, where):
    context = browser.new_context(**DEVICES[device])
    recorder = Recorder(context, site_url)
    page = recorder.watch(context.new_page())
    page.goto(site_url + ("help/thinking-about-suicide/" if where == "help page" else ESSAY))
    settled(page)
    tap = (lambda locator: locator.tap()) if device == "phone" else (lambda locator: locator.click())
    if where == "crisis notice":
        scope = page.locator("[data-crisis-notice]")
        assert scope.locator("[data-help-abroad]").is_hidden()
        tap(scope.locator("[data-crisis-more] > summary"))
        assert "written for readers in the United States" in scope.inner_text()
    else:
        scope = page.locator("article")
    abroad = scope.locator("[data-help-abroad]")
    assert abroad.locator("summary").first.inner_text().strip().startswith("Outside the United States?")
    tap(abroad.locator("summary").first)
    canada = abroad.locator('[data-help-country="CA"]')
    assert not canada.locator("[data-help-line]").first.is_visible()
    tap(canada.locator("summary"))
    lines = canada.locator("[data-help-line]")
    assert lines.first.is_visible() and "9-8-8" in lines.first.inner_text()
    assert [a.get_attribute("href") for a in lines.first.locator("a").all()] == ["tel:988", "sms:988"]
    assert not abroad.locator('[data-help-country="GB"] [data-help-line]').first.is_visible()
    # The choice lives in this page only: nothing stored, nothing in the address, nothing fetched.
    assert page.url.split("#")[0] == site_url + ("help/thinking-about-suicide/" if where == "help page" else ESSAY)
    assert "#" not in page.url
    nothing_kept(context, page, "country chosen")
    assert recorder.strangers == []
    page.reload()
    settled(page)
    assert not page.locator('[data-help-country="CA"] [data-help-line]').first.is_visible()
    context.close()


def test_a_small_phone_shows_the_essay_text_on_arrival(browser, site_url):
    context = browser.new_context(**SMALL_PHONE)
    page = context.new_page()
    page.goto(site_url + ESSAY)
    settled(page)
    notice = page.locator("[data-crisis-notice]").bounding_box()
    assert notice["height"] <= 48, notice  # one line
    # The essay's text starts with its "In brief" (the essay's own words, above the opening scene).
    first = page.locator("article .kb-in-brief p:not(.kb-in-brief-label), article > section > p:not(.kb-print-url)").first
    box = first.bounding_box()
    line = float(first.evaluate("p => getComputedStyle(p).lineHeight").removesuffix("px"))
    # Its first two lines are on the first screen, below the exit bar and the header.
    assert box["y"] > 0 and box["y"] + 2 * line <= SMALL_PHONE["viewport"]["height"], (box, line)
    print(f"\n360x640: notice {notice['height']:.0f} px tall; the essay's first paragraph starts at {box['y']:.0f} px")
    context.close()


@pytest.mark.parametrize("device", list(DEVICES))
def test_the_exit_crisis_links_and_section_control_are_44_px_targets(browser, site_url, device):
    context = browser.new_context(**DEVICES[device])
    page = context.new_page()
    page.goto(site_url + ESSAY)
    settled(page)
    page.locator("[data-crisis-notice] [data-crisis-more] > summary").click()
    page.locator("[data-crisis-notice] [data-help-abroad] > summary").click()
    targets = {
        "exit": ".kb-quick-exit a[data-quick-exit]",
        "crisis links": "[data-crisis-notice] .kb-crisis-line a, [data-crisis-notice] .kb-crisis-links a",
        "crisis toggles": "[data-crisis-notice] summary",
        "section control": "article .kb-section-tools summary",
    }
    sizes = {}
    for name, selector in targets.items():
        shown = [n for n in page.locator(selector).all() if n.is_visible()]
        assert shown, name
        boxes = [n.bounding_box() for n in shown]
        sizes[name] = (min(b["width"] for b in boxes), min(b["height"] for b in boxes))
        assert sizes[name][0] >= 44 and sizes[name][1] >= 44, (name, sizes[name])
    print(f"\n{device}: smallest target (width, height) px: {sizes}")
    context.close()
