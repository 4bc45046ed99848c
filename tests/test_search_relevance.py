"""Relevance you can see (issue 6): lay questions, each with the essay and section a good librarian
would hand over (tests/relevance/queries-*.yaml), typed into the real search in Chromium on the real
site. Prints recall@1, recall@3 and mean reciprocal rank, by essay and by section; fails under
recall@3 = 0.9 by essay.

The synonyms and weights in kb-search.js were tuned with these queries in view, so a second set,
tests/relevance/heldout/, was written from the essays alone, without running the search, and is
never used for tuning: its figures are printed beside the first set's, and guarded only against
getting worse.

A hit is an essay's when its URL is the essay's page or one of its sections; by essay, results count
in the order their essays first appear (the panel groups an essay's sections under it), by section,
in the order of the links.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import soup

RELEVANCE = Path(__file__).resolve().parent / "relevance"
RECALL_AT_3_FLOOR = 0.9
# The held-out queries were never used to tune the search; they show how it does on questions it has
# not seen. This floor only catches a change that makes it worse there.
HELD_OUT_RECALL_AT_3_FLOOR = 0.6


def load_queries(folder: Path = RELEVANCE) -> list[dict]:
    queries = []
    for path in sorted(folder.glob("queries-*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            queries.append({**entry, "file": path.name})
    return queries


QUERIES = load_queries()
# Written without running the search and never used to tune it (heldout/queries-heldout.yaml says so).
HELD_OUT = load_queries(RELEVANCE / "heldout")


@dataclass
class Ranks:
    essay: int    # 1-based rank of the expected essay among the essays shown; 0 if absent
    section: int  # 1-based rank of the expected section among the links; 0 if absent


def rank(hrefs: list[str], essay: str, section: str) -> Ranks:
    pages = []
    for href in hrefs:
        page = urlsplit(href).path
        if page not in pages:
            pages.append(page)
    want = f"/essays/{essay}/"
    links = [(urlsplit(h).path, urlsplit(h).fragment) for h in hrefs]
    return Ranks(pages.index(want) + 1 if want in pages else 0,
                 links.index((want, section)) + 1 if (want, section) in links else 0)


def figures(ranks: list[int]) -> dict[str, float]:
    n = len(ranks)
    return {"recall@1": sum(r == 1 for r in ranks) / n, "recall@3": sum(0 < r <= 3 for r in ranks) / n,
            "MRR": sum(1 / r for r in ranks if r) / n}


def report(results: list[tuple[dict, Ranks]]) -> str:
    by_essay = figures([r.essay for _, r in results])
    by_section = figures([r.section for _, r in results])
    lines = [f"{len(results)} lay queries through the site's search (kb-search.js) in Chromium",
             f"{'':10}{'recall@1':>10}{'recall@3':>10}{'MRR':>8}"]
    for name, values in (("essay", by_essay), ("section", by_section)):
        lines.append(f"{name:10}{values['recall@1']:>10.3f}{values['recall@3']:>10.3f}{values['MRR']:>8.3f}")
    missed = [(q, r) for q, r in results if not 0 < r.essay <= 3]
    if missed:
        lines.append("Essay not in the top 3:")
        lines += [f"  [{r.essay or '-'}] {q['query']!r} -> {q['essay']}" for q, r in missed]
    return "\n".join(lines)


def run_queries(page, queries: list[dict]) -> list[tuple[dict, Ranks]]:
    box = page.locator("[data-search-input]")
    results = []
    for query in queries:
        box.fill(query["query"])
        page.wait_for_selector('[data-search-results][aria-busy="false"]', state="attached")
        hrefs = page.eval_on_selector_all("[data-search-results] a", "links => links.map(a => a.getAttribute('href'))")
        results.append((query, rank(hrefs, query["essay"], query["section"])))
    return results


def test_the_query_sets_are_realistic_and_point_at_real_sections(real_site):
    assert len(QUERIES) >= 40 and len(HELD_OUT) >= 40
    every = QUERIES + HELD_OUT
    assert len({q["query"].lower() for q in every}) == len(every), "a query appears twice"
    for query in every:
        page = real_site / "essays" / query["essay"] / "index.html"
        assert page.is_file(), f"{query['file']}: no essay {query['essay']}"
        assert soup(page).select_one(f"h2[id='{query['section']}'], h3[id='{query['section']}']"), \
            f"{query['file']}: no section {query['section']} in {query['essay']}"


def test_unit_ranks_count_essays_once_and_sections_by_link():
    hrefs = ["/essays/a/#one", "/essays/a/#two", "/essays/b/#x", "/essays/c/"]
    assert rank(hrefs, "b", "x") == Ranks(2, 3)
    assert rank(hrefs, "a", "two") == Ranks(1, 2)
    assert rank(hrefs, "c", "y") == Ranks(3, 0)
    assert rank(hrefs, "d", "y") == Ranks(0, 0)
    assert figures([1, 2, 0, 4]) == {"recall@1": 0.25, "recall@3": 0.5, "MRR": (1 + 0.5 + 0.25) / 4}


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("queries, label, floor", [
    (QUERIES, "lay queries", RECALL_AT_3_FLOOR),                        # the gate
    (HELD_OUT, "held-out lay queries", HELD_OUT_RECALL_AT_3_FLOOR),     # only guarded against getting worse
], ids=["tuning", "held-out"])
def test_recall_at_3_by_essay(desktop, site_url, capsys, queries, label, floor):
    page = desktop.new_page()
    page.goto(site_url + "search/")
    results = run_queries(page, queries)
    text = report(results).replace("lay queries", label, 1)
    with capsys.disabled():
        print("\n" + text)
    assert figures([r.essay for _, r in results])["recall@3"] >= floor, text
