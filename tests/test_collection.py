"""The essay collection meets its counts and each essay its structure rules (issue: collection)."""

import re
import runpy
from collections import Counter
from pathlib import Path

import pytest
import textstat
import yaml

from conftest import REPO, soup
from essay_kb.model import split_front_matter

ESSAYS = sorted((REPO / "docs" / "essays").glob("*.md"))
THEMES_MIN, ESSAYS_MIN, PER_THEME_MIN = 6, 20, 3
MAX_GRADE = 10  # US grade level (Flesch-Kincaid), measured with textstat
# Safe-messaging: never these phrasings about suicide.
UNSAFE = re.compile(r"committed suicide|commit suicide|successful (suicide )?attempt|failed attempt", re.I)


def front(path: Path) -> dict:
    data, _, problems = split_front_matter(path.read_text(encoding="utf-8"))
    assert not problems, problems
    return data


def body(path: Path) -> str:
    text = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return text


def prose(markdown: str) -> str:
    """The readable words: no ids, headings, link targets or role syntax."""
    text = re.sub(r"^\{#.*\}$", "", markdown, flags=re.M)
    text = re.sub(r"^#+ .*$", "", text, flags=re.M)
    text = re.sub(r"\{term\}`(?:([^`<]+)<[^>]+>|([^`]+))`", lambda m: (m.group(1) or m.group(2)).strip(), text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return text


def test_collection_counts():
    themes = Counter(key for path in ESSAYS for key in front(path)["themes"])
    assert len(ESSAYS) >= ESSAYS_MIN
    assert len(themes) >= THEMES_MIN
    assert min(themes.values()) >= PER_THEME_MIN, themes


@pytest.mark.parametrize("path", ESSAYS, ids=lambda p: p.stem)
def test_essay_structure(path):
    text = body(path)
    words = len(re.findall(r"[A-Za-z0-9’'-]+", prose(text)))
    assert 600 <= words <= 1800, f"{words} words"  # issue 21: no essay over 1,800 words
    sections = re.findall(r"^## ", text, flags=re.M)
    assert len(sections) >= 3
    assert front(path)["summary"].strip()
    linked = set(re.findall(r"\]\(([a-z0-9-]+)\.md(?:#[a-z0-9-]+)?\)", text)) - {path.stem}
    assert len(linked) >= 2, f"cross-references to only {sorted(linked)}"
    assert re.search(r"\{term\}`", text), "no glossary term linked"
    grade = textstat.flesch_kincaid_grade(prose(text))
    assert grade <= MAX_GRADE, f"grade level {grade}"
    assert not UNSAFE.search(text)


def test_each_section_opens_on_its_own():
    """A section a therapist sends must not start by leaning on the one before it."""
    leaning = re.compile(r"^(As (we|I) (said|saw|mentioned)|This is why|That is why|So,|Also,|But )", re.I)
    for path in ESSAYS:
        for first in re.findall(r"^## .*\n\n(.+)", body(path), flags=re.M):
            assert not leaning.match(first), f"{path.stem}: {first[:60]}"


def test_glossary_has_enough_terms_each_linking_deeper(real_site):
    glossary = soup(real_site / "glossary" / "index.html")
    terms = glossary.select("dl.glossary > dt")
    assert len(terms) >= 25
    for term in terms:
        definition = term.find_next_sibling("dd")
        assert definition.select("a.reference.internal"), f"{term.get_text()} links to no essay"


def test_no_page_lacks_the_crisis_notice_and_disclaimer(real_site):
    pages = list(real_site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        html = soup(page)
        if html.select_one("#kb-redirect-data"):
            continue  # a redirect stub forwards at once
        notice = html.select_one("[data-crisis-notice]")
        assert notice is not None, page
        assert "988" in notice.get_text() and "emergency" in notice.get_text()
        assert "not therapy or medical advice" in html.select_one(".kb-disclaimer").get_text()


def test_every_essay_is_reachable_from_its_theme_page_and_the_sidebar(real_site):
    for path in ESSAYS:
        home = front(path)["themes"][0]
        href = f"../../essays/{path.stem}/"
        theme_page = soup(real_site / "themes" / home / "index.html")
        assert theme_page.select_one(f'.kb-essay-list a[href="{href}"]'), path.stem
        sidebar = theme_page.select_one(".sidebar-tree")
        assert sidebar.select_one(f'a[href="{href}"]') or sidebar.select_one("a.kb-more"), path.stem


def test_about_and_using_pages_exist(real_site):
    assert soup(real_site / "about-this-approach" / "index.html").h1.get_text(strip=True) == "About this approach"
    using = soup(real_site / "using-this-site" / "index.html")
    assert "section" in using.get_text().lower() and using.select_one('a[href="../links/"]')


def test_no_essay_is_attributed_to_a_person():
    for path in ESSAYS:
        assert not re.search(r"\b(Dr\.|Doctor) [A-Z][a-z]+|\bby [A-Z][a-z]+ [A-Z][a-z]+", path.read_text()), path.stem


def test_every_sidebar_is_bounded(real_site):
    """Themes + at most the window of the current theme's essays (+ "All N") + the fixed pages
    (help and "About")."""
    help_pages = runpy.run_path(str(REPO / "conf.py"))["kb_help_pages"]
    bound = len(yaml.safe_load((REPO / "docs" / "themes.yaml").read_text(encoding="utf-8"))) + 12 + 1 + 4 + len(help_pages)
    for page in (real_site / "essays").rglob("index.html"):
        tree = soup(page).select_one(".sidebar-tree")
        if tree is None:
            continue  # a redirect stub
        assert len(tree.select("a")) <= bound, page


def test_the_search_dialog_keeps_the_crisis_line_in_reach(real_site):
    """On a phone the search dialog covers the page, and with it the page's crisis notice."""
    for page in ("index.html", "essays/friction-and-repair/index.html", "glossary/index.html"):
        dialog = soup(real_site / page).select_one("dialog[data-search-dialog]")
        assert "988" in dialog.select_one(".kb-search-crisis").get_text()
