"""Connected essays on a tiny root: backlinks, related essays, glossary previews, and their
correctness under incremental and parallel builds."""

import random
from types import SimpleNamespace

import pytest

from conftest import edit, html_files, soup, sphinx_build
from essay_kb import connections
from essay_kb.connections import RELATED_MAX, RELATED_MIN, compute_related, first_sentence, relatedness


def test_backlinks_name_the_section_the_link_sits_in(basic_site):
    region = soup(basic_site / "essays" / "one" / "index.html").select_one("[data-backlinks]")
    entries = [(a.get_text(), a["href"]) for a in region.select("li > a")]
    assert entries == [
        ("Essay five", "../five/#five-first"),
        ("Essay four", "../four/#four-first"),
        ("Essay three", "../three/#three-first"),
        ("Essay two", "../two/#two-first"),
    ]
    assert "in “First part of two”" in region.get_text()


def test_an_essay_nobody_links_to_has_no_backlinks_region(basic_site):
    assert soup(basic_site / "essays" / "two" / "index.html").select_one("[data-backlinks]") is None


def test_related_essays_are_three_to_five_others_with_summaries(basic_site):
    for slug in ("one", "two", "three", "four", "five"):
        region = soup(basic_site / "essays" / slug / "index.html").select_one("[data-related]")
        links = [a["href"] for a in region.select("a.kb-essay-link")]
        assert 3 <= len(links) <= 5
        assert f"../{slug}/" not in links
        assert all(li.select_one(".kb-summary").get_text().startswith("The ") for li in region.select("li"))


def test_related_ranking_prefers_links_and_shared_themes():
    essays = {
        "a": {"themes": ["x"], "tags": ["t"]},
        "b": {"themes": ["x"], "tags": []},
        "c": {"themes": ["y"], "tags": []},
    }
    terms = {"a": ["grief"], "b": [], "c": ["grief"]}
    assert relatedness("a", "b", essays, terms, set()) > relatedness("a", "c", essays, terms, set())
    assert relatedness("a", "c", essays, terms, {("c", "a")}) > relatedness("a", "c", essays, terms, set())


def every_pair_related(env) -> dict[str, list[str]]:
    """The ranking as first written: relatedness over every pair, sorted (ties in title order)."""
    essays = {d: e for d, e in env.kb_essays.items() if e["valid"]}
    linked = {(d, link["doc"]) for d, links in env.kb_links.items() for link in links
              if d in env.kb_essays and link["doc"] in env.kb_essays and link["doc"] != d}
    order = sorted(essays, key=lambda d: (essays[d]["title"].casefold(), d))
    related = {}
    for docname in order:
        scored = sorted(((relatedness(docname, o, essays, env.kb_terms, linked), o) for o in order if o != docname),
                        key=lambda pair: -pair[0])
        chosen = [o for score, o in scored[:RELATED_MAX] if score > 0]
        related[docname] = chosen if len(chosen) >= RELATED_MIN else [o for _, o in scored[:RELATED_MIN]]
    return related


@pytest.mark.parametrize("seed", range(20))
def test_related_essays_are_the_best_of_every_pair(seed, monkeypatch):
    rng = random.Random(seed)
    if seed % 2:  # ranked a few essays at a time, so that blocks' edges are crossed
        monkeypatch.setattr(connections, "RELATED_BLOCK", rng.randint(1, 7))
    names = [f"e{n}" for n in range(rng.randint(2, 40))]
    themes, tags, words = list("xyz"), [f"t{n}" for n in range(6)], [f"w{n}" for n in range(8)]
    env = SimpleNamespace(
        kb_essays={d: {"valid": rng.random() > 0.1, "title": rng.choice(["Alpha", "beta", "Gamma"]) + d,
                       "themes": rng.sample(themes, rng.randint(1, 2)), "tags": rng.sample(tags, rng.randint(0, 3))}
                   for d in names},
        kb_terms={d: rng.sample(words, rng.randint(0, 3)) for d in names},
        kb_links={d: [{"doc": rng.choice(names), "id": "", "section": None, "section_title": None}
                      for _ in range(rng.randint(0, 2))] for d in names},
        domaindata={"std": {"labels": {}}},
    )
    assert compute_related(env) == every_pair_related(env)


def test_glossary_terms_carry_an_accessible_preview_and_stay_plain_links(basic_site):
    page = soup(basic_site / "essays" / "two" / "index.html")
    term = page.select_one(".kb-term")
    link = term.select_one("a.kb-term-link")
    tip = term.select_one("[role=tooltip]")
    assert link["href"] == "../../glossary/#term-Repair"
    assert link["aria-describedby"] == tip["id"]
    assert tip.get_text() == "Making good after a rupture."


def test_first_sentence_is_the_preview():
    assert first_sentence("One thing. Then more.") == "One thing."
    assert first_sentence("No full stop") == "No full stop"


@pytest.mark.parametrize("change", ["relink", "retag", "edit-glossary"])
def test_incremental_rebuild_after_editing_connections_equals_clean(site_copy, tmp_path, change):
    root = site_copy()
    # A glossary term on a page that is not an essay has its preview too.
    edit(root / "index.md", "# Home\n", "# Home\n\nWhat a {term}`Repair` is, the glossary says.\n")
    inc = tmp_path / "incremental"
    sphinx_build(root, inc)
    if change == "relink":
        edit(root / "essays" / "two.md", "[the other](one.md)", "[the other](three.md#three-sub)")
    elif change == "retag":
        edit(root / "essays" / "four.md", "tags: [tfour]", "tags: [tone, ttwo, tthree]")
    else:
        edit(root / "glossary.md", "Making good after a rupture.", "Mending a bond after a rupture.")
    sphinx_build(root, inc)
    sphinx_build(root, tmp_path / "clean")
    assert html_files(inc) == html_files(tmp_path / "clean")
    if change == "edit-glossary":
        assert soup(inc / "index.html").select_one("[role=tooltip]").get_text() == "Mending a bond after a rupture."


def test_a_link_to_a_missing_section_suggests_the_nearest(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "two.md", "[the other](one.md)", "[the other](one.md#one-frist)")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert "essays/two.md:16: WARNING: this links to section '#one-frist' of 'essays/one', which has no such section. Did you mean #one-first?" in result.stderr
