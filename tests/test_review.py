"""Clinical review, dated (issue 15, point 5): the dates and the reviewer's role under each essay's
title, schema.org MedicalWebPage data, `make review`, and overdue reviews reported by every build
without failing it."""

import datetime as dt
import json
import re
import subprocess
import sys

import pytest

from conftest import REPO, build_copy, edit, soup, sphinx_build
from essay_kb import review
from essay_kb.model import split_front_matter

BASE = "https://kb.test/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The test root with one essay reviewed by the psychologist, one discreet essay, and reviews
    due 30 days after the last (the default, 365, is in the build's messages below)."""
    def change(root):
        edit(root / "essays" / "five.md", "reviewed: 2026-04-01", "reviewed: 2026-04-01\nreviewer: psychologist")
        edit(root / "essays" / "two.md", "tags: [ttwo]", "tags: [ttwo]\ndiscreet: true")
        with (root / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write("kb_review_interval_days = 30\n")
    return build_copy(tmp_path_factory, change)


def structured_data(page) -> dict:
    [script] = page.find_all("script", type="application/ld+json")
    return json.loads(script.string)


def test_the_review_is_shown_under_the_title_with_machine_readable_dates(site):
    page = soup(site / "essays" / "one" / "index.html")
    meta = page.select_one("article h1 ~ .kb-essay-meta")
    review_line = meta.select_one(".kb-meta-review")
    assert review_line.get_text() == "Last reviewed 1 April 2026 · Next review due 1 May 2026"
    assert [t["datetime"] for t in review_line.select("time")] == ["2026-04-01", "2026-05-01"]
    assert meta.select_one(".kb-meta-reviewer").get_text() == "Reviewed by a licensed clinical social worker of the practice"
    footer = page.select_one("footer")
    assert "reviewed" not in footer.get_text().lower()


def test_an_essay_names_its_own_reviewer_by_role(site):
    meta = soup(site / "essays" / "five" / "index.html").select_one(".kb-essay-meta")
    assert meta.select_one(".kb-meta-reviewer").get_text() == "Reviewed by a licensed psychologist of the practice"


def test_each_essay_carries_medical_web_page_data(site):
    data = structured_data(soup(site / "essays" / "five" / "index.html"))
    assert data == {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": "Essay five",
        "description": "The five essay, in one sentence.",
        "url": BASE + "essays/five/",
        "inLanguage": "en",
        "datePublished": "2026-03-04",
        "lastReviewed": "2026-04-01",
        "reviewedBy": {"@type": "Organization", "name": "Relational Therapy Notes",
                       "description": "a licensed psychologist of the practice"},
        "audience": {"@type": "PatientAudience"},
    }
    for other in ("index.html", "glossary/index.html", "themes/alpha/index.html"):
        assert not soup(site / other).find_all("script", type="application/ld+json"), other


def test_a_discreet_essays_data_says_no_more_than_its_link_preview(site):
    data = structured_data(soup(site / "essays" / "two" / "index.html"))
    assert (data["name"], data["description"]) == ("Relational Therapy Notes", "An essay from our practice.")
    assert data["lastReviewed"] == "2026-04-01"


def test_the_data_block_needs_no_place_in_the_security_policy(site):
    """A browser never runs a JSON-LD block, so the page's policy lists no hash for it."""
    page = soup(site / "essays" / "one" / "index.html")
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    [block] = page.find_all("script", type="application/ld+json")
    from essay_kb.privacy import source_hash
    assert source_hash(block.string) not in policy
    assert "'unsafe-inline'" not in policy


# -- every build reports overdue reviews, and still succeeds ---------------------------------------

def test_every_build_reports_overdue_reviews_as_information_and_succeeds(site_copy, tmp_path, monkeypatch):
    root = site_copy()
    edit(root / "essays" / "three.md", "reviewed: 2026-04-01", "reviewed: 2026-06-01")
    monkeypatch.setenv("KB_TODAY", "2027-04-15")
    result = sphinx_build(root, tmp_path / "out", quiet=False)  # -W: a warning would fail it
    overdue = re.findall(r"^review overdue: (\S+): '([^']+)' was last reviewed (\S+), so its review was due (\S+) "
                         r"\(overdue by (\d+) days\)\.", result.stdout, re.M)
    assert sorted((path.rsplit("/", 1)[-1], days) for path, _, _, _, days in overdue) == [
        ("five.md", "14"), ("four.md", "14"), ("one.md", "14"), ("two.md", "14")]
    assert ("Essay one", "2026-04-01", "2027-04-01") in [(t, r, d) for _, t, r, d, _ in overdue]
    assert "WARNING" not in result.stdout + result.stderr
    # Never written into a page: the pages do not depend on the day they were built.
    assert "overdue" not in (tmp_path / "out" / "essays" / "one" / "index.html").read_text(encoding="utf-8")

    # Builds with nothing to read report them too; an essay due today is not yet overdue.
    monkeypatch.setenv("KB_TODAY", "2027-04-01")
    result = sphinx_build(root, tmp_path / "out", quiet=False)
    assert "no targets are out of date" in result.stdout and "review overdue" not in result.stdout
    monkeypatch.setenv("KB_TODAY", "2028-01-01")
    assert sphinx_build(root, tmp_path / "out", quiet=False).stdout.count("review overdue: ") == 5


def test_a_bad_kb_today_stops_the_build_saying_how_to_write_it(site_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_TODAY", "next tuesday")
    result = sphinx_build(site_copy(), tmp_path / "out", check=False)
    assert result.returncode != 0
    assert "KB_TODAY='next tuesday' is not a date: write it as YYYY-MM-DD" in result.stderr


# -- make review ------------------------------------------------------------------------------------

def run_review(env_today: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "essay_kb", "review", *args], capture_output=True, text=True,
                          cwd=REPO, env={**__import__("os").environ, "KB_TODAY": env_today})


def test_review_lists_the_essays_due_within_30_days_and_overdue(site_copy):
    root = site_copy()
    edit(root / "essays" / "three.md", "reviewed: 2026-04-01", "reviewed: 2026-05-20")  # due 2027-05-20
    edit(root / "essays" / "four.md", "reviewed: 2026-04-01", "reviewed: 2026-06-15")  # due 2027-06-15
    edit(root / "essays" / "five.md", "reviewed: 2026-04-01", "reviewed: 2026-04-01\nreviewer: psychologist")
    result = run_review("2027-05-01", "--confdir", str(root), "--docs", str(root))
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert [(words[0], words[2], words[3], words[5].rsplit("/", 1)[-1]) for words in lines] == [
        ("overdue", "30", "days", "five.md"), ("overdue", "30", "days", "one.md"),
        ("overdue", "30", "days", "two.md"), ("due", "19", "days", "three.md")]
    assert "(last reviewed 2026-04-01 by a licensed psychologist of the practice)" in result.stdout
    assert "four.md" not in result.stdout  # 45 days away
    assert "4 pages to review" in result.stdout


def test_review_says_when_nothing_is_due(site_copy):
    root = site_copy()
    result = run_review("2026-12-01", "--confdir", str(root), "--docs", str(root))
    assert result.returncode == 0 and "Nothing is due for review in the next 30 days." in result.stdout


def test_make_review_on_the_real_essays():
    """One day after the first review falls due, that essay is listed as overdue by a day."""
    reviewed = {}
    for path in sorted((REPO / "docs" / "essays").glob("*.md")):
        data, _, problems = split_front_matter(path.read_text(encoding="utf-8"))
        assert not problems and data.get("reviewed"), f"{path.name} has no 'reviewed' date"
        reviewed[path.name] = dt.date.fromisoformat(str(data["reviewed"]))
    first = min(reviewed.values())
    day = first + dt.timedelta(days=366)
    result = subprocess.run(["make", "-s", "review"], capture_output=True, text=True, cwd=REPO,
                            env={**__import__("os").environ, "KB_TODAY": day.isoformat()})
    assert result.returncode == 0, result.stderr
    listed = {re.search(r"docs/essays/(\S+\.md)", line).group(1): line.strip()
              for line in result.stdout.splitlines() if re.search(r"^  .*docs/essays/\S+\.md", line)}
    expected = {name for name, date in reviewed.items() if (date + dt.timedelta(days=365) - day).days <= 30}
    assert set(listed) == expected
    for name, date in reviewed.items():
        if date == first:
            assert listed[name].split()[:4] == ["overdue", "by", "1", "day"], listed[name]


# -- the settings and their checks ------------------------------------------------------------------

def test_due_reviews_boundaries():
    essays = [("a.md", "A", "2026-01-01", "r"), ("b.md", "B", "2026-02-01", "r"), ("c.md", "C", "2026-03-05", "r")]
    due = review.due_reviews(essays, 365, dt.date(2027, 2, 1), within=30)
    assert [(d.path, d.days, d.when()) for d in due] == [("a.md", -31, "overdue by 31 days"), ("b.md", 0, "due today")]
    assert [d.path for d in review.due_reviews(essays, 365, dt.date(2027, 2, 1), within=32)] == ["a.md", "b.md", "c.md"]


def test_a_default_reviewer_that_is_not_a_key_stops_the_build(site_copy, tmp_path):
    root = site_copy()
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('kb_default_reviewer = "counsellor"\n')
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert "kb_default_reviewer 'counsellor' is not a key of kb_reviewers (lcsw, psychologist)" in result.stderr


# -- help pages are reviewed like essays ------------------------------------------------------------

HELP_PAGE = """---
summary: What to do right now, in one sentence.
reviewed: 2026-04-01
reviewer: psychologist
---

# Help right now

{#help-now-first-steps}
## First steps

The help comes first on this page.
"""
TESTED = "help/thinking-about-suicide"  # the page under test; the other two are the ones the risk vocabulary links
OTHERS = {"help/hurting-yourself": "Other help", "help/not-safe-at-home": "More help"}


def with_help_pages(root, text=HELP_PAGE):
    (root / "help").mkdir()
    (root / f"{TESTED}.md").write_text(text, encoding="utf-8")
    for number, (docname, title) in enumerate(OTHERS.items()):
        (root / f"{docname}.md").write_text(HELP_PAGE.replace("Help right now", title).replace(
            "help-now-first-steps", f"help-other-steps-{number}"), encoding="utf-8")
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"kb_help_pages = {{'{TESTED}': 'Help right now', **dict.fromkeys({list(OTHERS)!r}, '')}}\n")
    return root


@pytest.fixture(scope="module")
def help_site(tmp_path_factory):
    return build_copy(tmp_path_factory, with_help_pages)


def test_a_help_page_ends_with_its_review_date_and_reviewers_role(help_site):
    article = soup(help_site / TESTED / "index.html").select_one("article")
    [review_line] = article.select(".kb-page-review")
    assert review_line.get_text() == "Reviewed 1 April 2026 by a licensed psychologist of the practice"
    assert [t["datetime"] for t in review_line.select("time")] == ["2026-04-01"]
    # After the help, not above it: the page's last element, below its last section.
    assert review_line.find_previous_sibling("section")["data-section-id"] == "help-now-first-steps"
    assert review_line.find_next_sibling() is None
    # Only help pages carry it; essays keep their own line under the title.
    for other in ("index.html", "essays/one/index.html", "glossary/index.html"):
        assert not soup(help_site / other).select(".kb-page-review"), other


def test_a_help_page_without_a_review_date_fails_the_build_at_its_line(site_copy, tmp_path):
    root = with_help_pages(site_copy(), HELP_PAGE.replace("reviewed: 2026-04-01\n", ""))
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert re.search(rf"{TESTED}\.md:1: WARNING: the help page has no 'reviewed'\. The day of its last clinical "
                     r"review: .*Add a line like this one: `reviewed: 2026-09-01`\. \[kb\.page\]", result.stderr), result.stderr
    assert result.stderr.count("WARNING") == 1, result.stderr  # the other help pages are fine


@pytest.mark.parametrize("old, new, line, message", [
    ("reviewed: 2026-04-01", "reviewed: 1 April", 3, "'reviewed: 1 April' is not a date. Write it as YYYY-MM-DD"),
    ("reviewer: psychologist", "reviewer: Dr Jones", 4, "unknown reviewer 'Dr Jones'. Known reviewers (the kb_reviewers"),
    ("reviewer: psychologist", "reviewer: psychologist\nreviewd: 2026-05-01", 5,
     "unknown front matter field 'reviewd'. Help pages may use: discreet, neutral-address, reviewed, reviewer, summary."),
    ("summary: What to do right now, in one sentence.\n", "", 1, "the help page has no 'summary'."),
])
def test_each_help_page_field_is_checked_with_its_line(site_copy, tmp_path, old, new, line, message):
    root = with_help_pages(site_copy(), HELP_PAGE.replace(old, new))
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert f"{TESTED}.md:{line}: WARNING: {message}" in result.stderr, result.stderr


def test_a_help_page_with_no_front_matter_is_told_how_to_start_it(site_copy, tmp_path):
    root = with_help_pages(site_copy(), HELP_PAGE.split("---\n", 2)[2])
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert (f"{TESTED}.md:1: WARNING: this help page (kb_help_pages in conf.py) has no front matter, so it "
            "shows no clinical review. Start it with:\n---\nsummary: ") in result.stderr, result.stderr


def test_make_review_and_the_build_list_help_pages_with_the_essays(site_copy, tmp_path, monkeypatch):
    root = with_help_pages(site_copy())
    result = run_review("2027-04-15", "--confdir", str(root), "--docs", str(root))
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if f"{TESTED}.md" in line]
    assert line.split()[:4] == ["overdue", "by", "14", "days"]
    assert '"Help right now" (last reviewed 2026-04-01 by a licensed psychologist of the practice)' in line
    assert "8 pages to review" in result.stdout  # the five essays and the three help pages
    monkeypatch.setenv("KB_TODAY", "2027-04-15")
    built = sphinx_build(root, tmp_path / "out", quiet=False)
    assert re.search(rf"^review overdue: \S*{TESTED}\.md: 'Help right now' was last reviewed 2026-04-01",
                     built.stdout, re.M), built.stdout
