"""The essay model's plain functions, without a build."""

from essay_kb.model import split_front_matter, validate_essay, reading_minutes
from essay_kb.navigation import window

THEMES = [{"key": "alpha", "title": "Alpha"}, {"key": "beta", "title": "Beta"}]


def check(text):
    data, lines, problems = split_front_matter(text)
    if problems:
        return None, problems
    return validate_essay(data, lines, THEMES)


def messages(problems):
    return [(p.line, p.message) for p in problems]


def test_valid_front_matter_is_clean():
    fields, problems = check("---\nsummary: A line.\nthemes: [beta, alpha]\npublished: 2026-01-02\nreviewed: 2026-02-03\ntags: [X]\n---\n# T\n")
    assert problems == []
    assert fields["themes"] == ["beta", "alpha"]
    assert fields["published"] == "2026-01-02" and fields["reviewed"] == "2026-02-03"
    assert fields["tags"] == ["x"]


def test_no_front_matter_explains_how_to_start():
    _, problems = check("# Just a title\n")
    assert problems[0].line == 1
    assert "no front matter" in problems[0].message and "make new" in problems[0].message


def test_invalid_yaml_names_its_line():
    _, problems = check("---\nsummary: fine\nthemes: [alpha\npublished: 2026-01-01\n---\n")
    assert problems and "not valid YAML" in problems[0].message
    assert problems[0].line in (3, 4, 5)


def test_unknown_theme_lists_known_keys():
    _, problems = check("---\nsummary: s\nthemes: [gamma]\npublished: 2026-01-01\nreviewed: 2026-01-01\n---\n")
    [(line, message)] = messages(problems)
    assert line == 3 and "unknown theme 'gamma'" in message and "alpha, beta" in message


def test_bad_dates_are_reported_with_the_format():
    _, problems = check("---\nsummary: s\nthemes: [alpha]\npublished: March 2026\nreviewed: 2026-13-40\n---\n")
    found = messages(problems)
    assert (4, "'published: March 2026' is not a date. Write it as YYYY-MM-DD, e.g. 'published: 2026-03-01'.") in found
    assert any(line == 5 and "'reviewed: 2026-13-40' is not a date" in m for line, m in found)


def test_missing_summary_and_themes():
    _, problems = check("---\nsummary: \"  \"\npublished: 2026-01-01\n---\n")
    text = " ".join(m for _, m in messages(problems))
    assert "the essay has no 'summary'. Shown on theme pages" in text
    # it says how to add one, but offers no sentence to paste (a pasted example would publish as the author's)
    assert "Add a line that starts `summary:` followed by your own words" in text
    assert "One or two plain sentences" not in text
    assert "the essay has no 'themes'." in text and "Known theme keys: alpha, beta." in text


def test_unknown_field_is_named():
    _, problems = check("---\nsummary: s\nthemes: [alpha]\npublished: 2026-01-01\nsumary: x\n---\n")
    assert messages(problems)[0][0] == 5 and "sumary" in messages(problems)[0][1]


def test_reading_time_rounds_up():
    assert reading_minutes(1, 200) == 1 and reading_minutes(201, 200) == 2


def test_sidebar_window_is_bounded_and_contains_the_current_item():
    items = list(range(100))
    for current in (-1, 0, 50, 99):
        shown = window(items, current, 12)
        assert len(shown) == 12
        assert current == -1 or current in shown


def test_id_lines_in_code_and_with_classes_are_not_mistakes():
    from essay_kb.model import id_line_problems
    text = "{#fine .note}\n## A\n\n```markdown\n{#Shown as an example}\n{#fine}\n```\n\n{#other}\n## B\n"
    assert id_line_problems(text) == ([], set())


def test_a_front_matter_list_written_as_text_is_refused_but_still_checked():
    data, lines, problems = split_front_matter("---\nsummary: s\nthemes: alpha, gamma\npublished: 2026-01-01\nreviewed: 2026-01-02\n---\n")
    assert [(p.line, p.message.split(".")[0]) for p in problems] == [(3, "'themes: alpha, gamma' is one piece of text, not a list")]
    fields, more = validate_essay(data, lines, THEMES)
    assert [(p.line, p.message.split(".")[0]) for p in more] == [(3, "unknown theme 'gamma'")]
