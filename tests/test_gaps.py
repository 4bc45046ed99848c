"""make gaps (essay_kb/gaps.py, essay_kb/node/gaps.js): the author's question bank through the site's
own search, run as `python -m essay_kb gaps` over a built site, on a copy of tests/roots/test-basic
whose essays are about gulls in differing measure, and over the real site with docs/questions.yaml."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, build_copy, edit

SEARCH_JS = REPO / "essay_kb" / "search_js"


def about_gulls(root):
    """Essay two holds 'lighthouse' and gulls in a heading and its text; three and four hold gulls in
    a heading; five mentions a gull once, in the body of a small section; one never; six is a draft."""
    edit(root / "essays" / "two.md", "## Second part of two\n\nText.",
         "## Gulls at the lighthouse\n\nLighthouse keepers watch the gulls at night: gulls and more gulls.")
    edit(root / "essays" / "three.md", "## Second part of three\n\nText.", "## Gulls and harbours\n\nThe gulls circle the harbour.")
    edit(root / "essays" / "four.md", "## Second part of four\n\nText.", "## Gulls in winter\n\nGulls stay all winter.")
    edit(root / "essays" / "five.md", "More.", "A gull flew past once, and more.")
    draft = (root / "essays" / "two.md").read_text(encoding="utf-8").replace("# Essay two", "# Essay six")
    draft = draft.replace("{#two-", "{#six-").replace("tags: [ttwo]", "tags: [ttwo]\ndraft: true")
    (root / "essays" / "six.md").write_text(draft, encoding="utf-8")


@pytest.fixture(scope="module")
def gull_site(tmp_path_factory):
    """(built site, its docs folder)."""
    captured = {}

    def prepare(root):
        about_gulls(root)
        captured["docs"] = root

    return build_copy(tmp_path_factory, prepare), captured["docs"]


def gaps(questions, site, docs, tmp_path, env=None):
    bank = tmp_path / "questions.yaml"
    bank.write_text(questions, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "essay_kb", "gaps", "--questions", str(bank), "--site", str(site),
                             "--docs", str(docs)], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    return result


BANK = """\
# A question bank for the test.
- question: lighthouse keepers
  answer: two#two-second
- question: gulls
  answer: five
- question: how do i knit a jumper
  answer: none yet
- question: gulls at the lighthouse
  answer: six
"""


def entry(report: str, question: str) -> str:
    """The block of the report about one question (its lines up to the next blank line)."""
    start = report.index(f'"{question}"')
    end = report.find("\n\n", start)
    return report[start:end if end >= 0 else None]


def test_the_report_lists_what_the_search_misses_and_the_gaps(gull_site, tmp_path):
    site, docs = gull_site
    result = gaps(BANK, site, docs, tmp_path)
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert report.startswith("make gaps: the 4 questions in questions.yaml, each typed into the site's own search")
    assert "by words, without the" in report and "meaning model" in report  # the browser's default, said so
    missed, gaps_part = report.split("Content gaps")
    # Found first: not listed.
    assert "lighthouse keepers" not in report
    # Five mentions a gull once; two, three and four put gulls in a heading: five is not in the first three.
    assert "Answer not in the first 3 results (1):" in missed
    block = entry(missed, "gulls")
    assert "questions.yaml:4" in missed.split('"gulls"')[0].splitlines()[-1]
    assert "You would hand over:  Essay five\n" in block
    shown = [line.strip() for line in block.splitlines() if line.strip()[:3] in ("1. ", "2. ", "3. ")]
    assert len(shown) == 3 and {s.split(". ", 1)[1].split(" › ")[0] for s in shown} <= {"Essay two", "Essay three", "Essay four"}, block
    assert all(" › " in s for s in shown)  # by essay title and section heading
    assert "Your page is the 4th shown." in block or "Your page is not among" in block, block
    # The gaps: "none yet", and an answer that is still a draft.
    assert "questions with no answer yet (2)" in gaps_part
    assert "questions.yaml:6  \"how do i knit a jumper\"" in gaps_part
    assert "A reader finds first: nothing" in entry(gaps_part, "how do i knit a jumper")
    draft = entry(gaps_part, "gulls at the lighthouse")
    assert "still a draft" in draft and "six.md" in draft
    assert "A reader finds first: Essay two › Gulls at the lighthouse" in draft
    assert report.rstrip().splitlines()[-1] == \
        "4 questions: 1 answered in the first 3 results, 1 not, 2 with no answer on the site yet."


def test_the_report_comes_from_the_sites_own_search_modules(gull_site, tmp_path):
    """The same bank through a copy of the search's modules ($KB_SEARCH_MODULES, as the contract test
    alters them) that ranks essays worst first and shows no best sections: five comes first, and is
    no longer listed."""
    site, docs = gull_site
    copy = tmp_path / "search_js"
    shutil.copytree(SEARCH_JS, copy)
    rank = copy / "rank.js"
    source = rank.read_text(encoding="utf-8")
    for old, new in [("return b.score - a.score || a.id - b.id;", "return a.score - b.score || a.id - b.id;"),
                     (".slice(0, TUNING.bestSections);", ".slice(0, 0);")]:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    rank.write_text(source, encoding="utf-8")
    report = gaps(BANK, site, docs, tmp_path, env={"KB_SEARCH_MODULES": str(copy)}).stdout
    assert "Answer not in the first 3 results (0):" in report, report
    assert report.rstrip().endswith("4 questions: 2 answered in the first 3 results, 0 not, 2 with no answer on the site yet.")


@pytest.mark.parametrize("answer, says", [
    ("two#no-such-section", "Answer 'two#no-such-section': 'two' has no section 'no-such-section'; its sections are "
                            "two-first, two-sub, two-second. Copy the id"),
    ("two#two-secnd", "(did you mean 'two-second'?)"),
    ("too", "Answer 'too': the site has no page 'too' (did you mean 'two'?); an answer is an essay's file name"),
])
def test_an_answer_the_site_does_not_have_is_an_error_with_its_line(gull_site, tmp_path, answer, says):
    site, docs = gull_site
    result = gaps(BANK.replace("answer: two#two-second", f"answer: {answer}"), site, docs, tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    first, last = result.stderr.strip().splitlines()
    assert first.startswith("questions.yaml:3: ") and says in first, first
    assert last == "make gaps: 1 problem in questions.yaml: fix it, then run make gaps again."


@pytest.mark.parametrize("bank, line, says", [
    ("- question: gulls\n  answer: five\n- question: [gulls\n  answer: five\n", 4, "is not valid YAML"),
    ("- question: gulls\n  anwser: five\n", 2, "'anwser' is not a field of a question (did you mean 'answer'?)"),
    ("- question: gulls\n  anwser: five\n", 1, "this question has no 'answer:'".capitalize()),
    ("- question: gulls\n  answer: no\n", 2, "'answer:' must be text"),
    ("- question: gulls\n  answer: five\n  answer: two\n", 3, "'answer' is given twice in this question (first on line 2)"),
    ("- gulls\n", 1, "Each entry is a question and its answer"),
    ("- question: gulls\n  answer: &a five\n- question: terns\n  answer: *a\n", 4, "YAML alias"),
])
def test_a_bank_that_does_not_parse_is_an_error_with_its_line(gull_site, tmp_path, bank, line, says):
    site, docs = gull_site
    result = gaps(bank, site, docs, tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert any(l.startswith(f"questions.yaml:{line}: ") and says in l for l in result.stderr.splitlines()), result.stderr


def test_without_a_built_site_it_says_to_build_it(tmp_path):
    result = gaps(BANK, tmp_path / "nowhere", tmp_path, tmp_path)
    assert result.returncode == 2 and "run make html first" in result.stderr


@pytest.mark.slow
def test_the_real_question_bank_against_the_real_site(real_site, tmp_path):
    """docs/questions.yaml names only pages and sections the site has, and the report accounts for
    every question: those listed, the gaps ("none yet"), and those answered."""
    result = subprocess.run([sys.executable, "-m", "essay_kb", "gaps", "--site", str(real_site)], capture_output=True,
                            text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    report = result.stdout
    bank = (REPO / "docs" / "questions.yaml").read_text(encoding="utf-8")
    asked = bank.count("- question:")
    none_yet = bank.count("answer: none yet")
    assert report.startswith(f"make gaps: the {asked} questions in docs/questions.yaml")
    assert f"Content gaps: questions with no answer yet ({none_yet})" in report
    listed = int(report.split("Answer not in the first 3 results (")[1].split(")")[0])
    assert report.count("You would hand over:") == listed
    assert report.rstrip().splitlines()[-1] == (f"{asked} questions: {asked - listed - none_yet} answered in the first 3 "
                                                f"results, {listed} not, {none_yet} with no answer on the site yet.")
