"""make check: one readable report for the author (essay_kb/check.py), failing only for errors."""

import datetime as dt
import shutil

from conftest import ROOTS
from essay_kb.check import check, render

ESSAY = """---
summary: A short essay for the check.
themes: [alpha]
published: 2026-01-01
reviewed: {reviewed}
---

# {title}

{body}

{{#{slug}-part}}
## A part

The part has plain words in short sentences.
"""


def write(docs, slug, body, reviewed="2026-11-01", title=None):
    (docs / "essays" / f"{slug}.md").write_text(
        ESSAY.format(reviewed=reviewed, title=title or slug.title(), body=body, slug=slug), encoding="utf-8")


def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(ROOTS / "test-basic", root)
    for path in (root / "essays").glob("*.md"):
        path.unlink()
    return root


def run(tmp_path, docs, words="", today=dt.date(2026, 12, 6)):
    (docs / "words.txt").write_text(words, encoding="utf-8")
    # the test root is its own configuration folder (its conf.py names its themes file)
    return check(docs, docs, docs / "words.txt", today=today)


def test_a_clean_site_has_no_errors_and_lists_each_essay(tmp_path):
    docs = site(tmp_path)
    write(docs, "calm", "You sit down. The room is quiet. You breathe out slowly.")
    report = run(tmp_path, docs)
    assert report.errors == [] and report.spelling == []
    assert [row[0].endswith("calm.md") for row in report.levels] == [True]
    text = render(report)
    assert "0 errors, 0 spelling questions." in text and "calm.md" in text


def test_typos_are_questions_with_their_line_and_site_words_are_accepted(tmp_path):
    docs = site(tmp_path)
    write(docs, "typo", "You recieve a letter from your therapist about EMDR and mentalizing.")
    report = run(tmp_path, docs, words="emdr\nmentalizing\n")
    assert any(":10: 'recieve' (did you mean 'receive'?)" in s for s in report.spelling), report.spelling
    assert not any("emdr" in s or "mentalizing" in s for s in report.spelling)
    assert report.errors == []  # a question, never an error


def test_broken_links_and_overlong_essays_are_errors(tmp_path):
    docs = site(tmp_path)
    write(docs, "target", "Plain words.")
    write(docs, "linker", "See [the part](target.md#target-part), [missing](target.md#no-such-id) "
                          "and [gone](gone.md).\n\n" + "Words are here. " * 700)
    report = run(tmp_path, docs)
    joined = "\n".join(report.errors)
    assert "linker.md:10: the link to 'target.md#no-such-id': the page has no section with the id 'no-such-id'" in joined
    assert "linker.md:10: the link to 'gone.md' reaches no page" in joined
    assert "target-part" not in joined
    assert "words; an essay is at most 1,800" in joined


def test_reviews_due_are_listed(tmp_path):
    docs = site(tmp_path)
    write(docs, "old", "Plain words.", reviewed="2026-01-02", title="An old essay")
    write(docs, "fresh", "Plain words.", reviewed="2026-12-01", title="A fresh essay")
    report = run(tmp_path, docs, today=dt.date(2027, 1, 10))
    assert any("'An old essay'" in r and "review due 2027-01-02" in r for r in report.reviews), report.reviews
    assert not any("A fresh essay" in r for r in report.reviews)
