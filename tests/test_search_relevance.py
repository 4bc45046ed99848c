"""Relevance you can see (issues 6 and 16): lay questions, each with the essay and section a good
librarian would hand over (tests/relevance/queries-*.yaml), typed into the real search in Chromium on
the real site. Prints recall@1, recall@3 and mean reciprocal rank, by essay and by section (held-out
set 3: recall@3), and fails below the floors: the tuning set's, the first held-out set's, both
held-out sets' together, and held-out set 3's.

The same figures beside this search with its newer layers switched off (the lay lexicon, meaning,
the best sections shown first) and beside Sphinx's own search on the same site are comparisons, not
gates: ``make bench`` prints them (``python -m tests.bench_search --sizes``, the real site only).
Typing every question three times in every test run cost minutes of the suite (issue 25).

Four sets:
- tuning (tests/relevance/queries-*.yaml): the search's weights, lexicon fusion and thresholds were
  tuned with these in view. queries-not-covered.yaml holds questions no essay answers (essay: none).
- held-out (tests/relevance/heldout/): 40 questions written from the essays alone, never tuned on.
- held-out 2 (tests/relevance/heldout2/): questions written from reader situations by someone who
  had not run the search, including topics the site does not cover; never tuned on.
- held-out 3 (tests/relevance/heldout3/, below): every acceptable page and section counts.

A hit is an essay's when its URL is the essay's page or one of its sections; by essay, results count
in the order their essays first appear (the best sections shown first, then the essays with theirs),
by section, in the order of the links. For a question no essay answers, the right answer is no
result at all (the panel then says so and offers the themes): it counts as found at rank 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import soup

RELEVANCE = Path(__file__).resolve().parent / "relevance"
RECALL_AT_3_FLOOR = 0.9
# The held-out queries were never used to tune the search; they show how it does on questions it has
# not seen. The goal is essay recall@3 >= 0.9 and section recall@3 >= 0.7 over both held-out
# sets together; below it, these floors (what the search reached when they were set) catch a change
# that makes it worse there.
HELD_OUT_RECALL_AT_3_FLOOR = 0.6
NONE = "none"  # a question no essay answers
# The layers issue 16 added, switched off (engine.js reads it as the search starts): make bench's
# comparison (tests/bench_search.py).
LAYERS_OFF = {"lexicon": False, "meaning": False, "bestSections": False}
RESULT_LINKS = "[data-search-best] a, [data-search-results] a"


def load_queries(folder: Path = RELEVANCE) -> list[dict]:
    queries = []
    for path in sorted(folder.glob("queries-*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            queries.append({**entry, "file": path.name})
    return queries


QUERIES = load_queries()
# Written without running the search and never used to tune it (heldout/queries-heldout.yaml says so).
HELD_OUT = load_queries(RELEVANCE / "heldout")
HELD_OUT_2 = load_queries(RELEVANCE / "heldout2")


@dataclass
class Ranks:
    essay: int    # 1-based rank of the expected essay among the essays shown; 0 if absent
    section: int  # 1-based rank of the expected section among the links; 0 if absent


def rank(hrefs: list[str], essay: str, section: str | None) -> Ranks:
    if essay == NONE:  # the right answer is none at all
        return Ranks(1, 1) if not hrefs else Ranks(0, 0)
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


def table(rows: list[tuple[str, list[Ranks]]]) -> list[str]:
    lines = [f"  {'':44}{'recall@1':>10}{'recall@3':>10}{'MRR':>8}"]
    for name, ranks in rows:
        for level in ("essay", "section"):
            f = figures([getattr(r, level) for r in ranks])
            lines.append(f"  {name + ', by ' + level:44}{f['recall@1']:>10.3f}{f['recall@3']:>10.3f}{f['MRR']:>8.3f}")
    return lines


def nothing_here(queries: list[dict], ranks: list[Ranks]) -> str:
    """How often a question no essay answers got "nothing here" (no result at all)."""
    chosen = [r for q, r in zip(queries, ranks) if q["essay"] == NONE]
    return f"{sum(r.essay == 1 for r in chosen) / len(chosen):.3f} of {len(chosen)}" if chosen else "none asked"


def report(label: str, results: list[tuple[dict, Ranks]], misses: bool = True) -> str:
    ranks = [r for _, r in results]
    lines = [f"{len(results)} {label} through the site's search (kb-search.js) in Chromium"]
    lines += table([("this search", ranks)])
    queries = [q for q, _ in results]
    covered = [i for i, q in enumerate(queries) if q["essay"] != NONE]
    lines.append(f"  questions an essay answers ({len(covered)}), recall@3 by essay / by section:")
    essay = figures([ranks[i].essay for i in covered])["recall@3"] if covered else 0
    section = figures([ranks[i].section for i in covered])["recall@3"] if covered else 0
    lines.append(f"    {'this search':42}{essay:>10.3f}{section:>10.3f}   nothing here: {nothing_here(queries, ranks)}")
    missed = [(q, r) for q, r in results if not 0 < r.essay <= 3] if misses else []
    if missed:
        lines.append("Essay not in the top 3:")
        lines += [f"  [{r.essay or '-'}] {q['query']!r} -> {q['essay']}" for q, r in missed]
    return "\n".join(lines)


def result_links(page) -> list[str]:
    """The links a reader sees, in order: the best sections, then each essay's."""
    page.wait_for_selector('[data-search-results][aria-busy="false"]', state="attached")
    return page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.getAttribute('href'))")


def paused_reader(page):
    """The page's clock made a test's (Playwright's fake timers), once the page has loaded, so that
    ``ask`` can type each question as a reader who paused before it."""
    page.clock.install()
    return page.locator("[data-search-input]")


def ask(page, box, question: str) -> list[str]:
    """Types a question as a reader who paused before it, and returns the links shown. The clock
    moves a second on first, past the panel's pause, so the search runs settled at once: typed one
    after another a third of a second apart, questions looked like a fast typist's burst and each
    waited out the panel's pause (about half a second) for the same settled results (the same
    links for 60 tuning questions either way; 18.2 s against 8.6 s)."""
    page.clock.fast_forward(1000)
    box.fill(question)
    return result_links(page)


def run_queries(page, queries: list[dict]) -> list[tuple[dict, Ranks]]:
    box = paused_reader(page)
    return [(query, rank(ask(page, box, query["query"]), query["essay"], query.get("section"))) for query in queries]


def with_model(page) -> None:
    """The page loads the sentence model as the reader's "Also search by meaning" would (engine.js)."""
    page.add_init_script("window.kbSearchModel = true;")


def wait_for_model(page) -> None:
    page.wait_for_selector('[data-search-model="ready"]', state="attached", timeout=120_000)


def search_ranks(context, url: str, queries: list[dict], layers: dict | None = None) -> list[tuple[dict, Ranks]]:
    """Each query typed into /search/, in a page of its own context (layers: switched off first),
    with the meaning model loaded unless its layer is off."""
    page = context.new_page()
    if layers is not None:
        page.add_init_script(f"window.kbSearchLayers = {json.dumps(layers)};")
    meaning = layers is None or layers.get("meaning") is not False
    if meaning:
        with_model(page)
    page.goto(url + "search/")
    if meaning:
        wait_for_model(page)
    try:
        return run_queries(page, queries)
    finally:
        page.close()


def test_the_query_sets_are_realistic_and_point_at_real_sections(real_site):
    assert len(QUERIES) >= 150 and len(HELD_OUT) >= 40 and len(HELD_OUT_2) >= 80
    every = QUERIES + HELD_OUT + HELD_OUT_2
    assert len({q["query"].lower() for q in every}) == len(every), "a query appears twice"
    sections = {}  # each essay's section ids, its page parsed once (280 questions point at 40 essays)
    for query in every:
        if query["essay"] == NONE:
            continue
        page = real_site / "essays" / query["essay"] / "index.html"
        assert page.is_file(), f"{query['file']}: no essay {query['essay']}"
        if page not in sections:
            sections[page] = {h["id"] for h in soup(page).select("h2[id], h3[id]")}
        assert query["section"] in sections[page], f"{query['file']}: no section {query['section']} in {query['essay']}"


def test_unit_ranks_count_essays_once_and_sections_by_link():
    hrefs = ["/essays/a/#one", "/essays/a/#two", "/essays/b/#x", "/essays/c/"]
    assert rank(hrefs, "b", "x") == Ranks(2, 3)
    assert rank(hrefs, "a", "two") == Ranks(1, 2)
    assert rank(hrefs, "c", "y") == Ranks(3, 0)
    assert rank(hrefs, "d", "y") == Ranks(0, 0)
    assert rank([], NONE, None) == Ranks(1, 1) and rank(hrefs, NONE, None) == Ranks(0, 0)
    assert figures([1, 2, 0, 4]) == {"recall@1": 0.25, "recall@3": 0.5, "MRR": (1 + 0.5 + 0.25) / 4}


SETS = {"tuning": QUERIES, "held-out": HELD_OUT, "held-out 2": HELD_OUT_2}


@pytest.fixture(scope="session")
def measured(browser, site_url):
    """Per set, on first use: this search's results for each question."""
    from conftest import DESKTOP
    done = {}

    def measure(name):
        if name not in done:
            context = browser.new_context(**DESKTOP)
            try:
                done[name] = search_ranks(context, site_url, SETS[name])
            finally:
                context.close()
        return done[name]
    return measure


def report_set(name, results) -> str:
    # Only the tuning set's misses are listed: a held-out set's are not to be tuned on.
    return report(f"{name} questions", results, misses=name == "tuning")


# The tuning set's gate (issue 6 set it at 0.9 for 22 essays and 46 questions; with 40 essays and 12
# questions on topics no essay covers it is where this search stands, so that it does not get worse).
# Issue 20 grew the set to 153 questions, 37 of them on topics no essay covers (25 close to the
# site's: doses, diagnosis tests, legal steps), and tuned the "nothing here" thresholds on it.
TUNING_RECALL_AT_3_FLOOR = 0.72  # reached 0.745 (essay recall@3 0.819 on the 116 an essay answers)
TUNING_NOTHING_HERE_FLOOR = 0.48  # reached 0.514 of the 37 (0.243 before issue 20's thresholds)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("name, floor", [("tuning", TUNING_RECALL_AT_3_FLOOR), ("held-out", HELD_OUT_RECALL_AT_3_FLOOR)])
def test_recall_at_3_by_essay(measured, capsys, name, floor):
    results = measured(name)
    text = report_set(name, results)
    with capsys.disabled():
        print("\n" + text)
    assert figures([r.essay for _, r in results])["recall@3"] >= floor, text
    if name == "tuning":
        none = [r for q, r in results if q["essay"] == NONE]
        assert sum(r.essay == 1 for r in none) / len(none) >= TUNING_NOTHING_HERE_FLOOR, text


# Issue 16's goal over both held-out sets together, by essay and by section. Once reached, the
# floors are the goal; until then, what this search reached when the second set was first run
# (never tuned on), so that a change that makes it worse fails.
HELD_OUT_GOAL = {"essay": 0.9, "section": 0.7}
HELD_OUT_FLOORS = {"essay": 0.70, "section": 0.48}  # reached on main: 0.710 and 0.496 (131 questions; 0.725 and 0.504 on the search branch)


@pytest.mark.browser
@pytest.mark.slow
def test_both_held_out_sets_together(measured, capsys):
    first, second = measured("held-out"), measured("held-out 2")
    results = first + second
    text = "\n".join([report_set("held-out 2", second), report("held-out questions, both sets", results, misses=False)])
    with capsys.disabled():
        print("\n" + text)
    for level in ("essay", "section"):
        reached = figures([getattr(r, level) for _, r in results])["recall@3"]
        assert reached >= HELD_OUT_FLOORS[level], f"by {level}: {reached:.3f} < {HELD_OUT_FLOORS[level]}\n{text}"


# Held-out set 3 (issue 20): 126 questions written by the lead from reader situations before this
# session's essays existed and without running the search; labelled by a helper from the essays alone
# with every acceptable page and section. Never tuned on. A question counts as found when any
# acceptable page is among the first three pages shown (any acceptable section among the first three
# section links). Floors just under what the merged search reached when the set was first run.
HELD_OUT_3 = yaml.safe_load((RELEVANCE / "heldout3" / "queries-heldout3.yaml").read_text(encoding="utf-8"))
HELD_OUT_3_FLOORS = {"essay": 0.88, "section": 0.80}  # reached 0.901 and 0.829 with the model loaded


def page_address(slug: str) -> str:
    return f"/{slug}/" if slug.startswith("help/") else f"/essays/{slug}/"


def any_acceptable(hrefs: list[str], query: dict) -> tuple[bool, bool]:
    pages = list(dict.fromkeys(urlsplit(h).path for h in hrefs))
    sections = [urlsplit(h).fragment for h in hrefs if urlsplit(h).fragment][:3]
    wanted = {page_address(s) for s in query.get("essays") or [query["essay"]]}
    return bool(set(pages[:3]) & wanted), bool(set(sections) & set(query.get("sections") or [query.get("section")]))


def held_out_3(browser, url: str, layers: dict | None = None) -> tuple[dict[str, float], str]:
    """Held-out set 3 typed into /search/: with ``layers`` None, the whole search with the model
    loaded; otherwise with those layers switched off (and the model not loaded; make bench compares
    the two). Returns essay and section recall@3, and a line that says them and how often "nothing
    here" was right."""
    from conftest import DESKTOP
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        if layers is None:
            with_model(page)
        else:
            page.add_init_script(f"window.kbSearchLayers = {json.dumps(layers)};")
        page.goto(url + "search/")
        if layers is None:
            wait_for_model(page)
        box, found, nothing = paused_reader(page), [], []
        for query in HELD_OUT_3:
            hrefs = ask(page, box, query["query"])
            if query["essay"] == NONE:
                nothing.append(not hrefs)
            else:
                found.append(any_acceptable(hrefs, query))
    finally:
        context.close()
    reached = {level: sum(f[i] for f in found) / len(found) for i, level in enumerate(("essay", "section"))}
    return reached, (f"essay recall@3 {reached['essay']:.3f}, section recall@3 {reached['section']:.3f} "
                     f"(of {len(found)}); nothing here {sum(nothing)}/{len(nothing)}")


@pytest.mark.browser
@pytest.mark.slow
def test_held_out_set_3(browser, site_url, capsys):
    reached, line = held_out_3(browser, site_url)
    with capsys.disabled():
        print(f"\nheld-out set 3 ({len(HELD_OUT_3)} questions, every acceptable page and section counts), "
              f"this search, the model loaded: {line}")
    assert all(reached[k] >= HELD_OUT_3_FLOORS[k] for k in HELD_OUT_3_FLOORS), line
