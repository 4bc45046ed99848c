"""Bad input fails the build with a message naming the file, the line and the fix. One test per case."""

import re
import shutil

import pytest

from conftest import copy_root, edit, sphinx_build


def build_fails(root, tmp_path):
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0, "the build should have failed"
    return result.stderr


def test_the_test_root_itself_builds_cleanly(site_copy, tmp_path):
    sphinx_build(site_copy(), tmp_path / "out")


FRONT_MATTER_CASES = [  # (case, change to essays/two.md, the message after "essays/<case>.md:")
    ("invalid yaml", ("themes: [alpha]", "themes: [alpha"), r"\d+: WARNING: the front matter is not valid YAML"),
    ("missing summary", ("summary: The two essay, in one sentence.\n", ""), r"1: WARNING: the essay has no 'summary'\. Shown on theme pages.* Add a line like this one: `summary: "),
    ("empty summary", ("summary: The two essay, in one sentence.", 'summary: ""'), r"2: WARNING: the essay has no 'summary'"),
    ("no themes", ("themes: [alpha]\n", ""), r"1: WARNING: the essay has no 'themes'\. .*`themes: \[a-theme-key.*Known theme keys: alpha, beta"),
    ("unknown theme", ("themes: [alpha]", "themes: [alpah]"), r"3: WARNING: unknown theme 'alpah'\. Known theme keys: alpha, beta"),
    ("published not a date", ("published: 2026-03-03", "published: last spring"), r"4: WARNING: 'published: last spring' is not a date\. Write it as YYYY-MM-DD"),
    ("reviewed not a date", ("reviewed: 2026-04-01", "reviewed: 2026-02-30"), r"5: WARNING: 'reviewed: 2026-02-30' is not a date"),
    ("no review date", ("reviewed: 2026-04-01\n", ""), r"1: WARNING: the essay has no 'reviewed'\. The day of its last clinical review"),
    ("reviewed before published", ("reviewed: 2026-04-01", "reviewed: 2026-01-01"), r"5: WARNING: 'reviewed' is earlier than 'published'; check both dates\."),
    ("unknown reviewer", ("reviewed: 2026-04-01", "reviewed: 2026-04-01\nreviewer: dr-jones"),
     r"6: WARNING: unknown reviewer 'dr-jones'\. Known reviewers \(the kb_reviewers setting in conf\.py\): lcsw, psychologist\."),
]


def case_file(case: str) -> str:
    return "essays/" + case.replace(" ", "-") + ".md"


@pytest.fixture(scope="module")
def front_matter_failures(tmp_path_factory) -> str:
    """One build for every case: each is a copy of essays/two.md with its one fault, in a file of
    its own (the copies also repeat two's title and section ids, which are reported too)."""
    root = copy_root(tmp_path_factory.mktemp("front-matter"))
    for case, change, _ in FRONT_MATTER_CASES:
        path = root / case_file(case)
        shutil.copy(root / "essays" / "two.md", path)
        edit(path, *change)
    return build_fails(root, tmp_path_factory.mktemp("out"))


@pytest.mark.parametrize("case, change, expected", FRONT_MATTER_CASES, ids=[c[0] for c in FRONT_MATTER_CASES])
def test_front_matter_errors(front_matter_failures, case, change, expected):
    assert re.search(re.escape(case_file(case)) + ":" + expected, front_matter_failures), case


def test_two_essays_with_the_same_title(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "five.md", "# Essay five", "# Essay one")
    stderr = build_fails(root, tmp_path)
    assert re.search(r"essays/(one|five)\.md:1: WARNING: two essays have the title 'Essay one' \(the other is essays/(five|one)\.md\)", stderr)


def test_a_theme_with_no_essays(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "five.md", "themes: [beta, alpha]", "themes: [alpha]")
    stderr = build_fails(root, tmp_path)
    assert re.search(r"themes\.yaml:4: WARNING: the theme 'beta' \(Beta theme\) has no essays", stderr)


def test_link_to_an_essay_that_does_not_exist(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "two.md", "[the other](one.md)", "[the other](won.md)")
    assert re.search(r"essays/two\.md:16: WARNING: .*won\.md", build_fails(root, tmp_path))


def test_link_to_a_section_that_does_not_exist(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "two.md", "[the other](one.md)", "[the other](one.md#one-frist)")
    assert re.search(r"essays/two\.md:16: WARNING: .*'one-frist'", build_fails(root, tmp_path))


def test_an_essay_file_without_front_matter(site_copy, tmp_path):
    root = site_copy()
    (root / "essays" / "notes.md").write_text("# Notes to self\n\nNot an essay yet.\n", encoding="utf-8")
    stderr = build_fails(root, tmp_path)
    assert re.search(r"essays/notes\.md:1: WARNING: this file is in the essays folder but has no front matter", stderr)
    assert "make new" in stderr


def test_a_section_without_an_explicit_id(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "three.md", "{#three-sub}\n", "")
    stderr = build_fails(root, tmp_path)
    assert re.search(r"essays/three\.md:\d+: WARNING: the heading 'A smaller part' has no explicit id.*\{#a-smaller-part\}", stderr)


def test_two_sections_with_the_same_id(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "four.md", "{#four-first}", "{#one-first}")
    stderr = build_fails(root, tmp_path)
    assert re.search(r"essays/(four|one)\.md:14: WARNING: the section id 'one-first' is already used in essays/(one|four)\.md:14", stderr)


def test_an_unreadable_themes_file_stops_the_build(site_copy, tmp_path):
    root = site_copy()
    (root / "themes.yaml").write_text("- key: Bad Key\n  title: x\n  description: y\n", encoding="utf-8")
    stderr = build_fails(root, tmp_path)
    assert "key 'Bad Key' must be lowercase words joined by hyphens" in stderr


def test_a_setting_of_the_wrong_type_fails_the_build(site_copy, tmp_path):
    root = site_copy()
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('kb_sidebar_window = "twelve"\n')
    stderr = build_fails(root, tmp_path)
    assert "The config value `kb_sidebar_window' has type `str'; expected `int'" in stderr
