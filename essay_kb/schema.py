"""An essay's front matter, declared once.

``FIELDS`` is the table: each field's name, the kind of value it takes, whether it is required (or
what it is when left out), and one line saying what it is for. Everything else follows from it:

- the checks and their messages (``check``, which ``model.validate_essay`` runs),
- the record an essay gets when its front matter is broken (``defaults``),
- the file ``make new`` starts from (``scaffold``) and the example in the "no front matter"
  message (``skeleton``),
- the field table in the author's guide, guide/authoring.md (``python -m essay_kb schema
  --markdown`` prints it; a test compares the two),
- part of the environment's version (``signature``), so a changed table invalidates old builds.

Adding a field is one line here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

import yaml

from .text import invisible_problem

# A tag: one or a few plain words (letters in any script, digits, spaces, hyphens, apostrophes).
PLAIN_WORDS = re.compile(r"^[^\W_]+(?:[ '’-]+[^\W_]+)*$")


@dataclass(frozen=True)
class Known:
    """The values the site decides rather than the schema: its theme keys, its reviewers' keys."""

    themes: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Start:
    """What a new essay starts from (``make new``)."""

    theme: str
    today: dt.date


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def kind_of(raw) -> str:
    """What a YAML value that is not text is, in the author's words."""
    if isinstance(raw, bool):
        return "true or false"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, dict):
        return "a set of 'name: value' pairs"
    return type(raw).__name__


# -- kinds of value ------------------------------------------------------------------------------

class Kind:
    """A kind of value: how it reads in the author's guide (``describe``), its value when absent
    (``empty``), how a raw YAML value is checked and cleaned (``check``: the value and a list of
    problems), what the "missing" message adds (``hint``), what a new essay starts with (``start``)."""

    empty = None

    def describe(self) -> str:
        raise NotImplementedError

    def check(self, raw, name: str, known: Known, cleaned: dict):
        raise NotImplementedError

    def hint(self, known: Known) -> str:
        return ""

    def how_to_add(self, field: Field) -> str:
        return f"Add a line like this one: `{field.name}: {field.example}`."

    def start(self, field: Field, start: Start) -> str:
        return field.example

    def when_absent(self) -> str | None:
        """What the author's guide says an optional field of this kind is when left out (None: its empty value)."""
        return None


@dataclass(frozen=True)
class Text(Kind):
    max_chars: int | None = None
    empty = ""

    def describe(self) -> str:
        return f"text, at most {self.max_chars} characters" if self.max_chars else "text"

    def how_to_add(self, field: Field) -> str:
        # No sentence to paste: an example sentence pasted in would publish as if it were the author's.
        return f"Add a line that starts `{field.name}:` followed by your own words ({self.describe()})."

    def check(self, raw, name: str, known: Known, cleaned: dict):
        if isinstance(raw, (list, dict, bool)):
            return "", [f"'{name}' must be text, not {kind_of(raw)}. Write it on one line after '{name}: ' "
                        "(in quotes if it holds ':', '[' or '{')."]
        value = " ".join(str(raw).split())
        problem = invisible_problem(value, f"'{name}'")
        if problem:
            return value, [problem]
        if self.max_chars and len(value) > self.max_chars:
            return value, [f"'{name}' is {len(value)} characters long; shorten it to at most "
                           f"{self.max_chars} characters."]
        return value, []


@dataclass(frozen=True)
class Date(Kind):
    not_before: str | None = None  # another date field this one may not precede
    empty = ""

    def describe(self) -> str:
        return "date, YYYY-MM-DD" + (f", not before `{self.not_before}`" if self.not_before else "")

    def check(self, raw, name: str, known: Known, cleaned: dict):
        try:
            value = dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            return "", [f"'{name}: {raw}' is not a date. Write it as YYYY-MM-DD, e.g. '{name}: 2026-03-01'."]
        if self.not_before and cleaned.get(self.not_before) and value < cleaned[self.not_before]:
            return value, [f"'{name}' is earlier than '{self.not_before}'; check both dates."]
        return value, []

    def start(self, field: Field, start: Start) -> str:
        return start.today.isoformat()


@dataclass(frozen=True)
class ThemeKeys(Kind):
    empty = ()

    def describe(self) -> str:
        return "theme keys, in brackets"

    def check(self, raw, name: str, known: Known, cleaned: dict):
        keys = [str(t).strip() for t in _as_list(raw)]
        problems = [f"unknown theme '{key}'. Known theme keys: {', '.join(known.themes)}. "
                    "Fix the spelling, or add the theme to the themes file." for key in keys if key not in known.themes]
        if len(set(keys)) != len(keys):
            problems.append(f"a theme is listed twice in '{name}'; list each once.")
        return [k for k in dict.fromkeys(keys) if k in known.themes], problems

    def hint(self, known: Known) -> str:
        return f" Known theme keys: {', '.join(known.themes)}."

    def start(self, field: Field, start: Start) -> str:
        return f"[{start.theme}]"


@dataclass(frozen=True)
class Words(Kind):
    empty = ()

    def describe(self) -> str:
        return "words, in brackets"

    def check(self, raw, name: str, known: Known, cleaned: dict):
        if isinstance(raw, dict):
            return [], [f"'{name}' must be a list of words in square brackets, e.g. '{name}: [rupture, repair]'."]
        words, problems = set(), []
        for item in _as_list(raw):
            word = str(item).strip().lower() if isinstance(item, (str, int, float)) and not isinstance(item, bool) else None
            if word is None or not PLAIN_WORDS.match(word):
                shown = item if isinstance(item, str) else kind_of(item)
                problems.append(f"'{name}' holds {str(shown)[:40]!r}, which is not a plain word: a tag is one or a "
                                "few words of letters, digits, spaces, hyphens or apostrophes, e.g. 'rupture'.")
            elif word:
                words.add(word)
        return sorted(words), problems


@dataclass(frozen=True)
class Flag(Kind):
    empty = False

    def describe(self) -> str:
        return "true or false"

    def check(self, raw, name: str, known: Known, cleaned: dict):
        if not isinstance(raw, bool):
            return False, [f"'{name}' must be true or false."]
        return raw, []


@dataclass(frozen=True)
class ReviewerKey(Kind):
    empty = ""

    def describe(self) -> str:
        return "a key of the `kb_reviewers` setting"

    def check(self, raw, name: str, known: Known, cleaned: dict):
        key = str(raw).strip()
        if key not in known.reviewers:
            return "", [f"unknown reviewer '{key}'. Known reviewers (the kb_reviewers setting in conf.py): "
                        f"{', '.join(known.reviewers) or 'none'}. Use one of these keys, or add the role there: "
                        "a reviewer is named by role, never by name."]
        return key, []

    def when_absent(self) -> str:
        return "the `kb_default_reviewer` setting"


# -- the table -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    help: str  # one line: what the field is for (the guide's table, "missing" messages, make new)
    example: str  # a valid value as written in the front matter
    required: bool = False
    # Required only once the essay is published: a draft (``draft: true``) may leave it out.
    publish_only: bool = False

    def default(self):
        """The field's value when it is absent (or broken): its kind's empty value, a fresh one."""
        empty = self.kind.empty
        return list(empty) if isinstance(empty, tuple) else empty


FIELDS: tuple[Field, ...] = (
    Field("summary", Text(max_chars=300), required=True,
          example="One or two plain sentences saying what the essay offers a reader.",
          help="Shown on theme pages, in search results and in link previews."),
    Field("brief", Text(max_chars=600), example="Two to four short, plain sentences: what this essay offers you.",
          help="\"In brief\": two to four plain sentences shown at the top of the essay, above its opening."),
    Field("themes", ThemeKeys(), required=True, example="[a-theme-key, another-theme-key]",
          help="The first is the essay's home theme: where the sidebar and previous/next place it."),
    Field("published", Date(), required=True, example="2026-03-01",
          help="The day the essay was first published."),
    Field("reviewed", Date(not_before="published"), required=True, publish_only=True, example="2026-09-01",
          help="The day of its last clinical review: the page shows it and when the next review is due. "
               "A draft has none: add it after the review, when you remove 'draft: true'."),
    Field("reviewer", ReviewerKey(), example="psychologist",
          help="Who reviewed it, by role (never a name): the page says \"Reviewed by\" and that role."),
    Field("tags", Words(), example="[rupture, repair]",
          help="A few words that relate it to other essays; readers filter search by them."),
    Field("discreet", Flag(), example="true",
          help="Link previews show only the practice's name and a neutral line, not the title."),
    Field("draft", Flag(), example="true",
          help="A draft is shown in the preview (make serve), marked as a draft, and left out of the "
               "published site; remove the line to publish it."),
)


# A help page (a page of ``kb_help_pages``) is clinical content read in the worst moments, so it
# is reviewed and dated like an essay: its front matter is this table, checked at the same places.
HELP_FIELDS: tuple[Field, ...] = (
    Field("summary", Text(max_chars=300), required=True,
          example="One or two plain sentences saying what the page offers a reader.",
          help="Shown in search results and in link previews."),
    Field("reviewed", Date(), required=True, example="2026-09-01",
          help="The day of its last clinical review: the page says \"Reviewed\" on that day, and "
               "`make review` lists the page when its next review is due."),
    Field("reviewer", ReviewerKey(), example="psychologist",
          help="Who reviewed it, by role (never a name): the page says \"Reviewed ... by\" that role."),
)
# Fields any page may hold besides its own table's; previews.py checks them.
PAGE_FIELDS = ("discreet", "neutral-address")


def names(fields: tuple[Field, ...] | None = None) -> list[str]:
    return [f.name for f in (FIELDS if fields is None else fields)]


def defaults(fields: tuple[Field, ...] | None = None) -> dict:
    return {f.name: f.default() for f in (FIELDS if fields is None else fields)}


def _blank(raw) -> bool:
    return raw is None or raw == [] or (isinstance(raw, str) and not raw.strip())


def check(data: dict, line_of, known: Known, fields: tuple[Field, ...] | None = None,
          page: str = "essay") -> tuple[dict, list[tuple[int, str]]]:
    """Check front matter ``data`` against a table (the essays' unless ``fields`` is given; ``page``
    names what it is in the messages): (clean fields, [(line, message)])."""
    fields = FIELDS if fields is None else fields
    allowed = names(fields) + ([] if fields is FIELDS else list(PAGE_FIELDS))
    problems = []
    for key in sorted(set(data) - set(allowed)):
        problems.append((line_of(key), (
            f"unknown front matter field '{key}'. {page.capitalize()}s may use: {', '.join(sorted(allowed))}. "
            "Check the spelling or remove it.")))
    cleaned = {}
    draft = data.get("draft") is True
    for field in fields:
        raw = data.get(field.name)
        if _blank(raw):
            cleaned[field.name] = field.default()
            if field.required and not (field.publish_only and draft):
                problems.append((line_of(field.name), (
                    f"the {page} has no '{field.name}'. {field.help} {field.kind.how_to_add(field)}"
                    f"{field.kind.hint(known)}")))
            continue
        cleaned[field.name], found = field.kind.check(raw, field.name, known, cleaned)
        problems += [(line_of(field.name), message) for message in found]
    return cleaned, problems


def _front_matter(lines: list[str]) -> str:
    return "\n".join(["---", *lines, "---"])


def skeleton(fields: tuple[Field, ...] | None = None) -> str:
    """The required fields with example values: how an essay's (or a ``fields`` page's) front matter begins."""
    return _front_matter([f"{f.name}: {f.example}" for f in (FIELDS if fields is None else fields) if f.required])


def scaffold(start: Start) -> str:
    """A new essay's front matter: a draft, its required fields filled in (those needed only to
    publish left out), the optional ones as comments."""
    lines = [f"{f.name}: {f.kind.start(f, start)}" for f in FIELDS if f.required and not f.publish_only]
    lines.append("draft: true   # shown in the preview only; remove this line to publish")
    lines += [f"# {f.name}: (add when you publish) -- {f.help}" for f in FIELDS if f.publish_only]
    optional = [f for f in FIELDS if not f.required and f.name != "draft"]
    if optional:
        lines.append("# Optional: remove the '# ' in front of a line to use it.")
        width = max(len(f"{f.name}: {f.example}") for f in optional)
        lines += [f"# {f'{f.name}: {f.example}':<{width}}  -- {f.help}" for f in optional]
    return _front_matter(lines)


def _default_text(field: Field) -> str:
    if field.kind.when_absent():
        return field.kind.when_absent()
    value = field.default()
    return "none" if value in ("", []) else yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


def markdown_table(fields: tuple[Field, ...] | None = None) -> str:
    """The field table of the author's guide (guide/authoring.md): of the essays, or of ``fields``."""
    rows = ["| field | value | required? | what it is for |", "| --- | --- | --- | --- |"]
    for f in FIELDS if fields is None else fields:
        need = ("required to publish (a draft may leave it out)" if f.publish_only else "required") if f.required \
            else f"optional (default: {_default_text(f)})"
        rows.append(f"| `{f.name}` | {f.kind.describe()}, e.g. `{f.example}` | {need} | {f.help} |")
    return "\n".join(rows)


def signature() -> str:
    """What of the table shapes the stored essay records (not the help text or the examples)."""
    return json.dumps([[[f.name, repr(f.kind), f.required, f.publish_only] for f in table]
                       for table in (FIELDS, HELP_FIELDS)])


def env_version(data_version: int) -> int:
    """The extension's env_version: ``data_version`` (bumped by hand when other stored data
    changes shape) combined with the table's signature, so either change drops old environments."""
    digest = hashlib.sha256(f"{data_version}:{signature()}".encode("utf-8")).hexdigest()
    return int(digest[:12], 16)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m essay_kb schema", description="The essay front-matter schema.")
    parser.add_argument("--markdown", action="store_true", help="print the author's guide's field table")
    parser.add_argument("--help-pages", action="store_true", help="with --markdown: the help pages' table")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown_table(HELP_FIELDS if args.help_pages else None))
        return 0
    parser.print_help()
    return 2

