"""The sidebar does not grow with the site (issue 2, point 5), checked on synthetic knowledge bases
of 30 and 90 essays from tests/synthetic.py (the generator `make bench` uses). Sizes, not times."""

import re

import pytest

from conftest import html_files, soup, sphinx_build
from synthetic import THEMES, add_essay, edit_essay_title, essay_docname, write_corpus

# Small enough that a theme's essays overflow it at both sizes (5 and 15 essays per home theme).
WINDOW = 4
SIZES = (30, 90)
FIXED_PAGES = ["glossary", "links"]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Each size built with the extension, warnings as errors (sphinx_build fails otherwise). Sizes
    do not depend on the sentence vectors, so the 120 essays' 1,440 sections get stand-in vectors
    (a cache of their own) instead of a minute of the model."""
    built = {}
    for n in SIZES:
        root = tmp_path_factory.mktemp(f"synthetic-{n}")
        write_corpus(root / "src", n, settings={"kb_sidebar_window": WINDOW, "kb_sidebar_pages": FIXED_PAGES})
        sphinx_build(root / "src", root / "html", stand_in_vectors=root / "stand-in-vectors")
        built[n] = root / "html"
    return built


def essay_page(site, number: int):
    return soup(site / essay_docname(number) / "index.html")


def test_every_synthetic_essay_is_published_with_realistic_length(sites):
    for n, site in sites.items():
        assert len(list(site.glob("essays/essay-*/index.html"))) == n
        meta = essay_page(site, 1).select_one(".kb-essay-meta").get_text()
        # About 900 words at 200 words a minute.
        assert any(f"{minutes} min read" in meta for minutes in (4, 5, 6)), meta


@pytest.mark.parametrize("number", [1, 14, 29])
def test_essay_sidebar_stays_the_same_size_as_the_site_triples(sites, number):
    trees = {n: essay_page(site, number).select_one(".sidebar-tree") for n, site in sites.items()}
    small, large = (trees[n] for n in SIZES)
    links = {n: len(tree.select("a")) for n, tree in trees.items()}
    # Themes, the window of the current theme's essays, "All essays in ...", the fixed pages.
    assert links[SIZES[0]] == links[SIZES[1]] <= len(THEMES) + WINDOW + 1 + len(FIXED_PAGES)
    assert len(large.select("li.toctree-l2")) == WINDOW + 1
    small_bytes, large_bytes = (len(str(tree).encode()) for tree in (small, large))
    # Titles differ in length from essay to essay; the list itself must not grow.
    assert large_bytes <= small_bytes * 1.1, (small_bytes, large_bytes)


def test_essay_page_stays_about_the_same_size(sites):
    small, large = (sites[n] / essay_docname(1) / "index.html" for n in SIZES)
    assert large.stat().st_size <= small.stat().st_size * 1.2


@pytest.mark.parametrize("change", ["title", "new"])
def test_an_edit_rewrites_only_the_pages_that_show_it(tmp_path, change):
    """Each essay rewritten after a title edit or a new essay is one whose HTML changed: a sidebar
    shows the essays in a window around the page, so a theme's other essays are left alone. (Theme
    pages and the home page are rewritten whenever any essay's card changes: a few pages, not
    checked here.)"""
    n = 90
    write_corpus(tmp_path / "src", n, settings={"kb_sidebar_window": WINDOW, "kb_sidebar_pages": FIXED_PAGES})
    vectors = tmp_path / "stand-in-vectors"
    sphinx_build(tmp_path / "src", tmp_path / "html", stand_in_vectors=vectors)
    before = html_files(tmp_path / "html")
    if change == "title":
        edit_essay_title(tmp_path / "src", n // 2)
    else:
        add_essay(tmp_path / "src", n)
    log = sphinx_build(tmp_path / "src", tmp_path / "html", quiet=False, stand_in_vectors=vectors).stdout
    rewritten = {f"{name}/index.html" if name != "index" else "index.html"
                 for name in re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", log)}
    after = html_files(tmp_path / "html")
    changed = {path for path, data in after.items() if before.get(path) != data}
    essays = {path for path in rewritten if path.startswith("essays/")}
    assert essays and essays <= changed
    assert len(essays) < n // len(THEMES), sorted(essays)  # fewer than a theme's essays
