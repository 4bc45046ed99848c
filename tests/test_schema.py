"""The front-matter schema is declared once (essay_kb/schema.py): the author's guide's table is rendered from
it, and a field added to the table is checked, scaffolded, stored and documented with nothing else
changed."""

import datetime as dt
import re

import pytest

from conftest import REPO, edit
from essay_kb import schema
from essay_kb.model import split_front_matter, validate_essay
from essay_kb.new import essay_text

THEMES = [{"key": "alpha"}, {"key": "beta"}]
GUIDE_TABLE = re.compile(r"<!-- front-matter fields: .*? -->\n\n(\|.*?)\n\n", re.S)


def check(text, reviewers=()):
    data, lines, problems = split_front_matter(text)
    assert problems == []
    return validate_essay(data, lines, THEMES, reviewers)


def test_the_guides_field_table_is_the_one_the_schema_renders():
    found = GUIDE_TABLE.search((REPO / "guide" / "authoring.md").read_text(encoding="utf-8"))
    assert found, "guide/authoring.md lost its front-matter field table"
    assert found.group(1) == schema.markdown_table(), "regenerate it: python -m essay_kb schema --markdown"
    help_table = re.search(r"<!-- help-page fields: .*? -->\n\n(\|.*?)\n\n", (REPO / "guide" / "authoring.md").read_text(encoding="utf-8"), re.S)
    assert help_table, "guide/authoring.md lost its help pages' field table"
    assert help_table.group(1) == schema.markdown_table(schema.HELP_FIELDS), \
        "regenerate it: python -m essay_kb schema --markdown --help-pages"


def test_a_new_essay_starts_valid_with_every_field_offered():
    text = essay_text("A title", "beta", dt.date(2026, 5, 6))
    fields, problems = check(text)
    assert problems == []
    assert fields["themes"] == ["beta"] and fields["published"] == "2026-05-06"
    for field in schema.FIELDS:  # the optional ones too, as comments to uncomment
        assert re.search(rf"^(# )?{field.name}: ", text, re.M), field.name


AUDIENCE = schema.Field("audience", schema.Text(max_chars=40), required=True, example="adults",
                        help="Who the essay is written for.")


def test_a_field_added_to_the_table_is_checked_scaffolded_and_documented(monkeypatch):
    before = (schema.env_version(1), schema.markdown_table())
    valid = essay_text("A title", "alpha", dt.date(2026, 5, 6))
    assert check(valid)[1] == []
    monkeypatch.setattr(schema, "FIELDS", schema.FIELDS + (AUDIENCE,))

    # Checked: missing, too long, and fine; and named among the fields an essay may use.
    _, problems = check(valid)
    assert [(p.line, p.message) for p in problems] == [(1, (
        "the essay has no 'audience'. Who the essay is written for. Add a line that starts `audience:` followed by your own words (text, at most 40 characters)."))]
    long = valid.replace("published:", "audience: " + "x" * 41 + "\npublished:")
    [problem] = check(long)[1]
    assert problem.line == 4 and problem.message == "'audience' is 41 characters long; shorten it to at most 40 characters."
    fields, problems = check(valid.replace("published:", "audience: parents  of teens\npublished:"))
    assert problems == [] and fields["audience"] == "parents of teens"
    unknown = check(valid.replace("published:", "audiense: x\npublished:"))[1][0]
    assert "Essays may use: audience, brief, discreet," in unknown.message

    # Scaffolded: a new essay starts with it, and is valid.
    text = essay_text("A title", "alpha", dt.date(2026, 5, 6))
    assert "\naudience: adults\n" in text and check(text)[1] == []
    # The record of a broken essay has it; the guide's table and the environment's version change.
    assert schema.defaults()["audience"] == ""
    assert "| `audience` | text, at most 40 characters, e.g. `adults` | required | Who the essay is written for. |" \
        in schema.markdown_table()
    assert (schema.env_version(1), schema.markdown_table()) != before


@pytest.mark.filterwarnings(r"ignore:.*\.app' is deprecated")  # Sphinx 9 on env.app, which sphinx-sitemap and myst use
def test_an_optional_field_added_to_the_table_reaches_the_essay_records(monkeypatch, site_copy, make_app):
    """The same, in a real (in-process) build: stored on the essay that sets it, defaulted on the
    others, and a bad value reported with its file and line."""
    monkeypatch.setattr(schema, "FIELDS", schema.FIELDS + (
        schema.Field("audience", schema.Text(max_chars=40), example="adults", help="Who it is for."),))
    root = site_copy()
    edit(root / "essays" / "one.md", "tags: [tone]", "tags: [tone]\naudience: parents of teenagers")
    edit(root / "essays" / "two.md", "tags: [ttwo]", "tags: [ttwo]\naudience: " + "y" * 50)
    app = make_app("dirhtml", srcdir=root)
    app.build()
    essays = app.env.kb_essays
    assert essays["essays/one"]["audience"] == "parents of teenagers" and essays["essays/one"]["valid"]
    assert essays["essays/three"]["audience"] == "" and essays["essays/three"]["valid"]
    assert not essays["essays/two"]["valid"]
    assert re.search(r"essays/two\.md:7: WARNING: 'audience' is 50 characters long", app.warning.getvalue())


def test_env_version_follows_the_table_but_not_its_wording(monkeypatch):
    version = schema.env_version(1)
    assert schema.env_version(2) != version
    reworded = tuple(schema.Field(f.name, f.kind, f.help + " More.", f.example, f.required, f.publish_only) for f in schema.FIELDS)
    monkeypatch.setattr(schema, "FIELDS", reworded)
    assert schema.env_version(1) == version
    monkeypatch.setattr(schema, "FIELDS", reworded[:-1])
    assert schema.env_version(1) != version


def test_the_markdown_table_is_printed_for_the_guide(capsys):
    assert schema.main(["--markdown"]) == 0
    assert capsys.readouterr().out == schema.markdown_table() + "\n"
