"""Search keeps a reader's words to itself (issue 20): the files a search downloads are the same
whatever is typed, and nothing fetched because of a question is left in the browser's HTTP cache.

- The real site: the index (words, pages, section vectors) is loaded whole when search opens, in
  the same files in the same order for every reader. There are no per-question meaning files (no
  table of word vectors: meaning comes from the sentence model, when the reader loads it), so a
  question fetches nothing at all after opening.
- The same site with its index written in parts, as a site of 1,000 essays is: each question
  fetches the same number of word parts and of page parts, in the order of their numbers.
- Every file fetched for a question is fetched with ``cache: "no-store"``: asked for again with
  ``cache: "only-if-cached"`` after the searches, the browser has nothing; a file that depends on
  nothing typed (index.json) is there, which shows the check can see the cache.

No request routing here: Playwright switches the HTTP cache off in a context that routes requests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DESKTOP, serve, settled

QUESTIONS = ["i feel so alone", "how much does therapy cost", "my mom died last month and i cant stop crying",
             "anxiaty wont go away"]
BUNDLE = "search-index/"


LOADED = """(names) => names.every((n) => performance.getEntriesByType("resource").some((e) => e.name.endsWith("search-index/" + n)))"""


def search_requests(browser, url: str, questions: list[str], opens: list[str]) -> tuple[list[str], list[list[str]], object]:
    """(what opening search fetched, what each question then fetched, the page), typed into /search/;
    `opens`: the files opening search loads, waited for."""
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url.split(BUNDLE, 1)[1]) if BUNDLE in r.url else None)
    page.goto(url + "search/")
    settled(page)
    box = page.locator("[data-search-input]")
    box.focus()
    page.wait_for_function(LOADED, arg=opens)
    page.wait_for_load_state("networkidle")
    opened = asked[:]
    each = []
    for question in questions:
        before = len(asked)
        box.fill(question)
        page.wait_for_selector('[data-search-results][aria-busy="false"]', state="attached")
        page.wait_for_load_state("networkidle")
        each.append(asked[before:])
    return opened, each, page


def kinds(requests: list[str]) -> list[str]:
    return sorted(r.rsplit("/", 1)[0] for r in requests)


def numbers_ascending(requests: list[str], folder: str) -> bool:
    numbers = [int(r.rsplit("/", 1)[1].split(".")[0]) for r in requests if r.rsplit("/", 1)[0] == folder]
    return numbers == sorted(numbers)


def in_cache(page, url: str, path: str) -> bool:
    return page.evaluate("""(u) => fetch(u, { cache: "only-if-cached", mode: "same-origin" })
        .then((r) => r.ok, () => false)""", url + BUNDLE + path)


@pytest.mark.browser
def test_every_question_on_the_real_site_fetches_the_same_files(browser, site_url, real_site):
    index = json.loads((real_site / BUNDLE / "index.json").read_text(encoding="utf-8"))
    opens = ["index.json", "lexicon.json", "w/0.json", "p/0.json", "m/s/0.json"]
    opened, each, page = search_requests(browser, site_url, QUESTIONS, opens)
    # Opening: index.json, the lexicon, then every part of the words, pages and section vectors, in order.
    whole = [f"w/{n}.json" for n in range(index["parts"]["words"]["count"])]
    assert index["parts"]["words"]["count"] == 1 and index["parts"]["pages"]["count"] == 1
    assert opened[:2] == ["index.json", "lexicon.json"] and set(whole + ["p/0.json", "m/s/0.json"]) <= set(opened)
    second, _, other = search_requests(browser, site_url, QUESTIONS[::-1], opens)
    assert second == opened  # the same files in the same order, whoever opens search
    for question, requests in zip(QUESTIONS, each):
        assert requests == [], (question, requests)  # everything was here at opening
    # What depends on nothing typed is in the HTTP cache, as any page of the site.
    assert in_cache(page, site_url, "index.json")
    page.context.close()
    other.context.close()


@pytest.fixture(scope="module")
def parts_site(real_site, tmp_path_factory, monkeypatch_module):
    """The real site with its index written as a large site's: words and pages in parts."""
    from essay_kb import search_index
    from test_search_contract import pages_of
    site = tmp_path_factory.mktemp("parts") / "html"
    shutil.copytree(real_site, site)
    bundle = site / BUNDLE
    pages = pages_of(bundle)
    lexicon = json.loads((bundle / "lexicon.json").read_text(encoding="utf-8"))
    monkeypatch_module.setattr(search_index, "WHOLE_BYTES", {"words": 0, "pages": 0})
    files = search_index.bundle_files(pages, lexicon, help_pages=["help/thinking-about-suicide/"])
    shutil.rmtree(bundle)
    for name, text in files.items():
        (bundle / name).parent.mkdir(parents=True, exist_ok=True)
        (bundle / name).write_text(text, encoding="utf-8")
    url, server = serve(site)
    yield url, json.loads(files["index.json"])
    server.shutdown()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.browser
def test_every_question_on_a_site_in_parts_fetches_as_many_parts_and_none_is_cached(browser, parts_site):
    url, index = parts_site
    words, pages = index["parts"]["words"], index["parts"]["pages"]
    assert words["count"] > words["fetch"] and pages["count"] > pages["fetch"]
    opened, each, page = search_requests(browser, url, QUESTIONS, ["index.json", "lexicon.json"])
    assert opened == ["index.json", "lexicon.json"]
    for question, requests in zip(QUESTIONS, each):
        # The same set of kinds, as many of each (pages in whole rounds), each kind's in ascending order.
        assert kinds(requests).count("w") == words["fetch"], (question, requests)
        assert kinds(requests).count("p") % pages["fetch"] == 0 and "p" in kinds(requests), (question, requests)
        assert numbers_ascending(requests, "w") and numbers_ascending(requests, "p"), requests
    # The results still come: the first question finds the loneliness essay.
    links = page.eval_on_selector_all("[data-search-best] a, [data-search-results] a", "ls => ls.map(a => a.href)")
    assert links
    assert in_cache(page, url, "index.json")
    assert not any(in_cache(page, url, r) for requests in each for r in requests)
    page.context.close()
