"""Search (issue 6): what Pagefind indexes, that no query can reach a URL, that the build fails when
Pagefind does, and, in Chromium, the reader's flows: a lay question typed into the sidebar box on a
phone, the theme and tag filters, keyboard only, word forms, nothing found, and no trace left."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import REPO, html_files, soup, sphinx_build

from essay_kb import search as kb_search

ESSAYS = REPO / "docs" / "essays"
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def front_matter(slug: str) -> dict:
    return yaml.safe_load(FRONT_MATTER.match((ESSAYS / f"{slug}.md").read_text(encoding="utf-8")).group(1))


def essay_slugs() -> list[str]:
    return sorted(p.stem for p in ESSAYS.glob("*.md"))


THEMES = yaml.safe_load((REPO / "docs" / "themes.yaml").read_text(encoding="utf-8"))
CONTENT_PAGES = ["about-this-approach", "using-this-site", "glossary"]  # the "About" pages but the link directory


def pages(site: Path) -> dict[str, Path]:
    return {name: site / name for name in html_files(site) if name.endswith(".html")}


# -- What is indexed -------------------------------------------------------------------------------

def test_only_the_article_of_essays_and_content_pages_is_indexed(real_site):
    expected = {f"essays/{slug}/index.html" for slug in essay_slugs()} | {f"{p}/index.html" for p in CONTENT_PAGES}
    indexed = set()
    for name, path in pages(real_site).items():
        page = soup(path)
        bodies = page.select("[data-pagefind-body]")
        if not bodies:
            continue
        indexed.add(name)
        assert len(bodies) == 1, name
        body = bodies[0]
        assert body.find_parent("article") is not None, f"{name}: indexed text outside the article"
        for outside in ("[data-crisis-notice]", ".sidebar-drawer", "footer", ".toc-drawer", ".kb-disclaimer"):
            assert not body.select(outside), f"{name}: {outside} inside the indexed body"
        # Inside the article, the meta line and every copy-link row stay out of the index.
        for part in body.select(".kb-essay-meta, .kb-copy-row"):
            assert part.has_attr("data-pagefind-ignore"), f"{name}: {part.get('class')} is indexed"
    assert indexed == expected


def test_sections_split_on_headings_with_ids(real_site):
    """Pagefind splits results at headings that carry an id: every essay section's h2/h3 does."""
    for slug in essay_slugs():
        body = soup(real_site / "essays" / slug / "index.html").select_one("[data-pagefind-body]")
        sections = body.select("section[data-section-id]")
        assert sections, slug
        for section in sections:
            heading = section.find(re.compile("^h[23]$"))
            assert heading is not None and heading.get("id") == section["data-section-id"], slug


def test_each_essay_carries_its_themes_tags_title_and_summary(real_site):
    for slug in essay_slugs():
        fields = front_matter(slug)
        body = soup(real_site / "essays" / slug / "index.html").select_one("[data-pagefind-body]")
        filters = [el["data-pagefind-filter"] for el in body.select("[data-pagefind-filter]")]
        assert [f.split(":", 1)[1] for f in filters if f.startswith("theme:")] == fields["themes"], slug
        assert sorted(f.split(":", 1)[1] for f in filters if f.startswith("tag:")) == sorted(fields.get("tags") or []), slug
        meta = dict(el["data-pagefind-meta"].split(":", 1) for el in body.select("[data-pagefind-meta]"))
        assert meta["summary"] == " ".join(fields["summary"].split()), slug
        assert meta["title"] == body.find("h1").get_text().strip(), slug


def test_no_page_has_a_search_form_that_puts_the_query_in_a_url(real_site):
    for name, path in pages(real_site).items():
        page = soup(path)
        assert not page.select('input[name="q"], form[action*="search"]'), name
        for form in page.find_all("form"):
            assert (form.get("method") or "get").lower() != "get" or not form.find("input"), name
        text = path.read_text(encoding="utf-8")
        assert "?q=" not in text and "searchindex.js" not in text and "searchtools.js" not in text, name
        boxes = page.select("[data-search-input]")
        assert len(boxes) == 1, f"{name}: {len(boxes)} search boxes"
        assert boxes[0].get("autocomplete") == "off" and not boxes[0].has_attr("name"), name


def test_the_search_page_has_the_panel_and_no_sphinx_search(real_site):
    page = soup(real_site / "search" / "index.html")
    panel = page.select_one("article [data-search-page]")
    assert panel.select_one("[data-search-input]") and panel.select_one("[data-search-results]")
    assert [o["value"] for o in panel.select("[data-search-theme] option")][1:] == [t["key"] for t in THEMES]
    assert page.select_one('meta[name="robots"][content="noindex"]')
    assert not page.select('script[src*="searchtools"], script[src*="searchindex"], script[src*="language_data"]')
    assert not (real_site / "searchindex.js").exists()


def test_the_pagefind_bundle_is_written_and_holds_every_indexed_page(real_site):
    bundle = real_site / kb_search.BUNDLE_DIR
    assert (bundle / "pagefind.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(essay_slugs()) + len(CONTENT_PAGES)
    assert list(bundle.glob("index/*.pf_index")) and list(bundle.glob("fragment/*.pf_fragment"))
    assert list(bundle.glob("filter/*.pf_filter"))
    assert not [name for name in kb_search.UNUSED_BUNDLE_FILES if (bundle / name).exists()]
    assert json.loads((bundle / kb_search.COMMON_WORDS_FILE).read_text(encoding="utf-8")) == {}  # a small site


def test_common_words_are_the_forms_of_words_on_most_pages():
    pages = ["The session was cancelled.", "Two sessions, one fee.", "A session: cancel it?", "Fees."]
    assert kb_search.common_words(pages, share=0.5, min_pages=4) == {"session": 3, "sessions": 3}
    assert kb_search.common_words(pages, share=0.5, min_pages=5) == {}
    assert kb_search.common_words(["Don’t stop", "dont stop"], share=0.5, min_pages=2) == {"dont": 2, "stop": 2}


# -- The build fails loudly when Pagefind does -----------------------------------------------------

def tiny_site(tmp_path: Path, marked: int) -> Path:
    site = tmp_path / "html"
    for i in range(3):
        body = " data-pagefind-body" if i < marked else ""
        page = site / f"p{i}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html lang="en"><body><main{body}><h1>Page {i}</h1><p>Superbills and fees.</p></main></body></html>')
    return site


def test_run_pagefind_indexes_the_marked_pages(tmp_path):
    entry = kb_search.run_pagefind(tiny_site(tmp_path, 2), expected_pages=2)
    assert entry["languages"]["en"]["page_count"] == 2


def test_run_pagefind_fails_when_pages_go_missing_from_the_index(tmp_path):
    with pytest.raises(kb_search.ExtensionError, match="indexed 2 pages, expected 3"):
        kb_search.run_pagefind(tiny_site(tmp_path, 2), expected_pages=3)


def test_run_pagefind_fails_with_pagefinds_own_words(tmp_path, monkeypatch):
    monkeypatch.setattr(kb_search, "pagefind_command",
                        lambda site: ["python3", "-c", "import sys; print('Error: broken index'); sys.exit(3)"])
    with pytest.raises(kb_search.ExtensionError, match=r"(?s)exit 3.*broken index"):
        kb_search.run_pagefind(tiny_site(tmp_path, 2), expected_pages=2)


def test_a_pagefind_failure_fails_the_sphinx_build(site_copy, tmp_path):
    # A build in its own process (as `make html` runs it) whose Pagefind exits with an error.
    root = site_copy("test-basic")
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nimport essay_kb.search\n"
                   "essay_kb.search.pagefind_command = lambda site: ['python3', '-c', 'raise SystemExit(1)']\n")
    result = sphinx_build(root, tmp_path / "html", check=False)
    assert result.returncode != 0
    assert "search: Pagefind failed (exit 1)" in result.stderr


# -- In the browser --------------------------------------------------------------------------------

browser_test = pytest.mark.browser


def results(page) -> list[str]:
    page.wait_for_selector('[data-search-results][aria-busy="false"]', state="attached")
    return page.eval_on_selector_all("[data-search-results] a", "links => links.map(a => a.getAttribute('href'))")


def search(page, query: str) -> list[str]:
    page.locator("[data-search-input]").fill(query)
    return results(page)


def essay_of(href: str) -> str:
    return urlsplit(href).path.strip("/").split("/")[-1]


def essays_matching(page) -> int:
    """The count the status line gives ("12 essays match, best first.")."""
    return int(re.match(r"(\d+) essays? match", page.locator("[data-search-status]").inner_text()).group(1))


def in_view(page, element_id: str) -> bool:
    """Whether the element is (or, once the page's smooth scroll ends, comes) into view."""
    for _ in range(50):
        box = page.locator(f"[id='{element_id}']").bounding_box()
        if box is not None and 0 <= box["y"] < page.viewport_size["height"] / 2:
            return True
        page.wait_for_timeout(100)
    return False


class SiteOnly:
    """Records every request; answers any to another host with an error."""

    def __init__(self, context, site_url: str):
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
        self.urls: list[str] = []
        context.route("**/*", self.handle)

    def handle(self, route):
        self.urls.append(route.request.url)
        if route.request.url.startswith(self.origin + "/"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    @property
    def strangers(self) -> list[str]:
        return [u for u in self.urls if not u.startswith(self.origin + "/")]


@browser_test
def test_a_lay_question_typed_into_the_sidebar_box_on_a_phone(phone, site_url):
    requests = SiteOnly(phone, site_url)
    page = phone.new_page()
    page.goto(site_url + "essays/people-pleasing/")
    start = (page.url, page.evaluate("history.length"))
    page.locator("label.nav-overlay-icon").click()  # the menu, where Furo keeps the search box
    box = page.locator("[data-search-home] [data-search-input]")
    box.tap()
    dialog = page.locator("[data-search-dialog]")
    assert dialog.is_visible()
    page.keyboard.type("my therapist cancelled last minute and i feel rejected")
    hrefs = results(page)
    # The dialog fills the phone's screen, the box is inside it, and the best hit is a section.
    width = page.viewport_size["width"]
    frame = dialog.bounding_box()
    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= width
    assert dialog.locator("[data-search-input]").is_visible()
    assert hrefs and re.fullmatch(r"/essays/[a-z0-9-]+/#[a-z0-9-]+", hrefs[0])
    assert essay_of(hrefs[0]) == "when-your-therapist-cancels"
    # Grouped: an essay's title once, then its sections; each with the matched words marked.
    first = page.locator(".kb-search-group").first
    assert first.locator(".kb-search-essay").inner_text().startswith("When your therapist cancels")
    assert first.locator(".kb-search-hit").count() >= 2
    assert {essay_of(h) for h in first.locator(".kb-search-hit").evaluate_all("l => l.map(a => a.getAttribute('href'))")} \
        == {"when-your-therapist-cancels"}
    marked = [m.lower() for m in first.locator(".kb-search-excerpt mark").all_inner_texts()]
    assert marked and all(re.match(r"(cancel|reject|therapist|feel|last|minute)", m) for m in marked), marked
    # Nothing of this reached the address bar, the history, storage or a cookie, or another host.
    assert (page.url, page.evaluate("history.length")) == start
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0 and phone.cookies() == []
    assert requests.strangers == []
    assert any("/pagefind/" in u for u in requests.urls)
    # Opening a hit lands on that section, and the new address holds no query either.
    page.locator(".kb-search-hit").first.tap()
    page.wait_for_url(re.compile(re.escape(hrefs[0]) + "$"))
    assert urlsplit(page.url).query == "" and "rejected" not in page.url
    assert in_view(page, urlsplit(hrefs[0]).fragment)


@browser_test
def test_the_phone_header_button_opens_the_same_dialog(phone, site_url):
    page = phone.new_page()
    page.goto(site_url)
    page.locator(".mobile-header .kb-search-trigger").tap()
    assert page.locator("[data-search-dialog]").is_visible()
    assert page.evaluate("document.activeElement.matches('[data-search-dialog] [data-search-input]')")


@browser_test
def test_filtering_by_theme_and_by_tag_narrows_the_results(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url + "search/")
    everything = search(page, "therapist")
    essays = {essay_of(h) for h in everything}
    matching = essays_matching(page)
    page.locator("[data-search-filters] summary").click()
    theme = "grief-illness-loss"
    page.select_option("[data-search-theme]", theme)
    narrowed = {essay_of(h) for h in results(page)}
    in_theme = {slug for slug in essay_slugs() if theme in front_matter(slug)["themes"]}
    assert narrowed and narrowed <= in_theme and not essays <= in_theme
    assert essays_matching(page) == len(narrowed) < matching
    # Tags are offered once the filters are open; one narrows to the essays that carry it.
    page.select_option("[data-search-theme]", "")
    page.wait_for_selector("[data-search-tag] option[value='divorce']", state="attached")
    page.select_option("[data-search-tag]", "divorce")
    tagged = {essay_of(h) for h in results(page)}
    assert tagged and tagged <= {slug for slug in essay_slugs() if "divorce" in (front_matter(slug).get("tags") or [])}


@browser_test
def test_keyboard_only_slash_type_arrow_enter_lands_on_the_section(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url + "glossary/")
    start = (page.url, page.evaluate("history.length"))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('[data-search-dialog] [data-search-input]')")
    page.keyboard.type("how do i ask my therapist to lower their fee")
    hrefs = results(page)
    assert (page.url, page.evaluate("history.length")) == start
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(hrefs[0]) + "$"))
    assert urlsplit(page.url).query == "" and page.evaluate("history.length") == start[1] + 1
    assert in_view(page, urlsplit(hrefs[0]).fragment)


@browser_test
def test_ctrl_k_opens_esc_closes_and_tab_stays_in_the_dialog(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url + "essays/grief-no-one-sees/")
    page.locator("a.skip-to-content").focus()
    page.keyboard.press("Control+k")
    dialog = page.locator("[data-search-dialog]")
    assert dialog.is_visible()
    page.keyboard.type("pet")
    results(page)
    for _ in range(40):  # past every control in the dialog, and round again
        page.keyboard.press("Tab")
        assert page.evaluate("document.querySelector('[data-search-dialog]').contains(document.activeElement)")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    # The box is back in the sidebar, and focus back where it was.
    assert page.locator("[data-search-home] [data-search-input]").count() == 1
    assert page.evaluate("document.activeElement.classList.contains('skip-to-content')")


@browser_test
def test_word_forms_and_an_unfinished_word_are_found(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url + "search/")
    # "cancelled" finds the essay that says "cancel", "cancels" and "cancellation", and marks them.
    hrefs = search(page, "cancelled")
    assert essay_of(hrefs[0]) == "when-your-therapist-cancels"
    marked = {m.lower().strip(".,:;") for m in page.locator(".kb-search-group").first.locator("mark").all_inner_texts()}
    assert {m for m in marked if m.startswith("cancel")} - {"cancelled"}, marked
    # A word still being typed is a prefix.
    hrefs = search(page, "superbil")
    assert hrefs[0] == "/essays/why-therapists-leave-insurance/#what-a-superbill-is-and-how-to-use-it"
    # A slip at the end of a long word still finds it.
    assert "why-therapists-leave-insurance" in {essay_of(h) for h in search(page, "insurence ")}


@browser_test
def test_nothing_found_says_so_and_offers_every_theme(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url + "essays/people-pleasing/")
    page.keyboard.press("/")
    page.keyboard.type("qwxzv")
    assert results(page) == []
    assert "Nothing matched" in page.locator("[data-search-dialog] [data-search-status]").inner_text()
    offered = page.locator("[data-search-dialog] [data-search-empty]")
    assert offered.is_visible()
    links = offered.locator("a").evaluate_all("l => l.map(a => a.href)")
    assert [urlsplit(u).path for u in links] == [f"/themes/{t['key']}/" for t in THEMES]
    offered.locator("a").first.click()
    page.wait_for_url(f"**/themes/{THEMES[0]['key']}/")


@browser_test
def test_leaving_the_page_forgets_the_query(desktop, site_url):
    """A browser may keep a page as it was left and show it again on Back (the back/forward cache):
    the query and its results must not be in it."""
    page = desktop.new_page()
    page.goto(site_url + "essays/people-pleasing/")
    page.keyboard.press("/")
    page.keyboard.type("suicidal thoughts")
    assert results(page)
    # What the browser does as it stores the page on leaving (Playwright's Chromium keeps no such cache).
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")
    assert page.locator("[data-search-input]").input_value() == ""
    assert page.locator("[data-search-results] a").count() == 0
    assert not page.locator("[data-search-dialog]").is_visible()
    assert "suicidal" not in page.content()
