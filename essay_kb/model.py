"""The essay model: front matter read and checked against ``schema.FIELDS`` with file/line
messages, and the EnvironmentCollector that keeps one record per essay in ``env.kb_essays``."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

import yaml
from docutils import nodes
from sphinx.util import logging

from . import schema
from .collectors import PageDataCollector
from .source import LineLoader, decode, load_yaml, read_source
from .text import invisible_problem, skeleton
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.S)
FRONT_MATTER_OPENING = re.compile(r"\A---[ \t]*\n")
SECTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG = SECTION_ID  # a file name (without .md) is a page's address: the same shape as a section id
# A line that gives the next heading its id, {#id}; what is between "{#" and "}" is checked.
ID_LINE = re.compile(r"^\s*\{#(?P<body>[^}]*)\}\s*$")
CODE_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# Front-matter fields whose value is a list, written [a, b]: 'tags: a, b' would be one tag "a, b".
LIST_FIELDS = tuple(field.name for field in schema.FIELDS if isinstance(field.default(), list))


@dataclass
class Problem:
    line: int
    message: str


class _StringDateLoader(LineLoader):
    """A loader that leaves dates as text, so a bad date is reported by us, with its line."""


_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[dict | None, dict[str, int], list[Problem]]:
    """Return (fields, line of each top-level key, problems) for a MyST file's front matter.

    fields is None when the file has no front matter block at all, and empty when the block cannot
    be read (problems say why); with fields, problems are mistakes the schema cannot see (a field
    given twice, a list written as text).
    """
    text = text.removeprefix("\ufeff")
    match = FRONT_MATTER.match(text)
    if not match:
        if FRONT_MATTER_OPENING.match(text):
            return {}, {}, [Problem(1, (
                "the front matter that starts on this line with '---' is never closed. Add a line "
                "with only '---' after its last field, before the essay's '# Title'."
            ))]
        return None, {}, []
    data, errors = load_yaml(match.group(1) or "", _StringDateLoader, first_line=2)
    if errors:
        [(line, problem)] = errors
        return {}, {}, [Problem(line, (
            f"the front matter {problem.removeprefix('this ')}. Each line should read "
            f"'name: value'; put text containing ': ' or starting with a quote in double quotes."
        ))]
    if data is None:
        return {}, {}, []
    if not isinstance(data, dict):
        return {}, {}, [Problem(2, "the front matter must be 'name: value' lines between two '---' lines.")]
    key_lines = {str(key): line for key, line in data.lines.items()}
    problems = duplicate_field_problems(data) + list_field_problems(data, key_lines)
    return dict(data), key_lines, problems


def duplicate_field_problems(data) -> list[Problem]:
    return [Problem(again, (
        f"the field '{key}' is given twice (lines {first} and {again}); the second would silently "
        "replace the first. Keep one of them."
    )) for key, first, again in data.duplicates]


def list_field_problems(data: dict, key_lines: dict[str, int]) -> list[Problem]:
    """A list written as plain text ('tags: a, b') is refused, and read as the list it meant so
    that its items are still checked."""
    problems = []
    for key in LIST_FIELDS:
        value = data.get(key)
        if isinstance(value, str):
            items = [item.strip() for item in value.split(",") if item.strip()]
            problems.append(Problem(key_lines.get(key, 1), (
                f"'{key}: {value}' is one piece of text, not a list. Write the list in square "
                f"brackets: '{key}: [{', '.join(items) or 'a, b'}]'."
            )))
            data[key] = items
    return problems


def validate_essay(data: dict | None, key_lines: dict[str, int], themes: list[dict],
                   reviewers=()) -> tuple[dict, list[Problem]]:
    """Check an essay's front matter against the schema (``schema.FIELDS``); return (clean fields, problems)."""
    if data is None:
        return {}, [Problem(1, (
            "this file is in the essays folder but has no front matter, so it is not an essay. "
            f"Start it with:\n{schema.skeleton()}\n(or create essays with `make new TITLE=\"...\" THEME=key`)."
        ))]
    known = schema.Known(themes=tuple(t["key"] for t in themes), reviewers=tuple(reviewers))
    fields, problems = schema.check(data, lambda key: key_lines.get(key, 1), known)
    return fields, [Problem(line, message) for line, message in problems]


def validate_help_page(data: dict | None, key_lines: dict[str, int], reviewers=()) -> tuple[dict, list[Problem]]:
    """Check a help page's front matter against ``schema.HELP_FIELDS``: (clean fields, problems)."""
    if data is None:
        return {}, [Problem(1, (
            "this help page (kb_help_pages in conf.py) has no front matter, so it shows no clinical review. "
            f"Start it with:\n{schema.skeleton(schema.HELP_FIELDS)}"))]
    known = schema.Known(reviewers=tuple(reviewers))
    fields, problems = schema.check(data, lambda key: key_lines.get(key, 1), known, schema.HELP_FIELDS, "help page")
    return fields, [Problem(line, message) for line, message in problems]


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: 'Café au lait' -> 'cafe-au-lait'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def file_name_problem(path: str) -> Problem | None:
    """A page's file name is its address (/essays/<name>/): only a slug is safe in a link."""
    parts = PurePosixPath(path).parts
    wrong = [part for part in parts[:-1] if not SLUG.match(part)]
    stem, dot, suffix = parts[-1].rpartition(".")
    if SLUG.match(stem) and not wrong:
        return None
    fixed = "/".join([*(slugify(part) or "page" for part in parts[:-1]), (slugify(stem) or "essay") + dot + suffix])
    return Problem(1, (
        f"the file name '{path}' is not a slug. A file's name is its page's address, so it must be "
        f"lowercase letters, digits and hyphens (no spaces, capitals or accents). Rename it to '{fixed}'."
    ))


def id_line_problems(text: str) -> tuple[list[Problem], set[int]]:
    """Each {#...} line outside code that gives its heading no id of its own: one with spaces or
    capitals, or one used twice in the file. Returns the problems and every such line.

    MyST shows an id with spaces as text, lowercases capitals silently, and docutils drops both ids
    of a pair: say so here, rather than "this heading has no explicit id".
    """
    problems, broken, seen, fence = [], set(), {}, None  # seen: lowercase id -> first line
    for number, line in enumerate(text.splitlines(), start=1):
        opening = CODE_FENCE.match(line)
        if opening and (fence is None or opening.group(1).startswith(fence)):
            fence = None if fence else opening.group(1)[:3]
            continue
        match = None if fence else ID_LINE.match(line)
        if not match:
            continue
        body = match.group("body").strip()
        words = body.split()
        sid = words[0] if words else ""
        if any(not (word.startswith(".") or "=" in word) for word in words[1:]):
            message = (f"'{{#{body}}}' is not an id: an id cannot contain spaces. Join the words with "
                       f"hyphens: {{#{slugify(body)}}}")
        else:
            first = seen.setdefault(sid.lower(), number)  # docutils compares ids in lowercase
            if not SECTION_ID.match(sid):
                message = (f"the id '{sid}' must be lowercase words joined by hyphens, or its address "
                           f"would not be the one you wrote. Write {{#{slugify(sid) or 'section-id'}}}")
            elif first != number:
                message = (f"the id '{sid}' is used twice in this file (first at line {first}); each "
                           "section needs its own id. Give this one another, more specific id.")
            else:
                continue
            if first != number:
                broken.add(first)
        problems.append(Problem(number, message))
        broken.add(number)
    return problems, broken


def glued_id_line(text: str, heading_line: int) -> str | None:
    """The ``{#id}`` line right above a heading when a paragraph's line comes right before it (no
    empty line between), so Markdown made it part of the paragraph; else None."""
    lines = text.splitlines()
    if heading_line < 3 or heading_line - 1 > len(lines):
        return None
    above, before = lines[heading_line - 2].strip(), lines[heading_line - 3].strip()
    return above if re.fullmatch(r"\{#[^}]*\}", above) and before else None


def reading_minutes(words: int, per_minute: int) -> int:
    return max(1, math.ceil(words / per_minute))


def count_words(text: str) -> int:
    return len(re.findall(r"[\w’'-]+", text))


def is_essay(app, docname: str) -> bool:
    return docname.startswith(app.config.kb_essays_dir + "/")


def explicit_id(document: nodes.document, section: nodes.section) -> str | None:
    """The author-chosen id of a section ({#id} above its heading), or None."""
    for name in section["names"]:
        if document.nametypes.get(name) and name in section["ids"]:
            return name
    return None


def section_records(document: nodes.document) -> tuple[list[dict], list[nodes.section]]:
    """h2/h3 sections of an essay: their id (explicit or None), title and line."""
    records, missing = [], []
    for section in document.findall(nodes.section):
        depth = 0
        parent = section.parent
        while parent is not None:
            depth += isinstance(parent, nodes.section)
            parent = parent.parent
        if depth not in (1, 2):
            continue
        sid = explicit_id(document, section)
        title = section[0].astext() if section.children and isinstance(section[0], nodes.title) else ""
        if sid is None:
            missing.append(section)
        records.append({"id": sid, "title": title, "level": depth + 1, "line": section.line or section[0].line or 1})
    return records, missing


class EssayCollector(PageDataCollector):
    """Keeps ``env.kb_essays[docname]`` for every essay: fields, title, words, sections."""

    stores = ("kb_essays",)

    def process_doc(self, app, doctree):
        env = app.env
        docname = env.docname
        if not is_essay(app, docname):
            return
        text = env.doc2path(docname).read_text(encoding="utf-8-sig")
        data, key_lines, problems = split_front_matter(text)
        # A block that cannot be read at all is reported alone, without a cascade of "no summary".
        fields, more = (validate_essay(data, key_lines, app.config.kb_themes, app.config.kb_reviewers)
                        if data or not problems else ({}, []))
        problems += more
        for problem in problems:
            logger.warning(problem.message, location=(docname, problem.line), type="kb", subtype=KbWarning.ESSAY)

        titles = list(doctree.findall(nodes.title))
        top = [s for s in doctree.children if isinstance(s, nodes.section)]
        if len(top) > 1:
            second = top[1][0]
            logger.warning(
                f"a second '# ' title ('{second.astext()}'); an essay has exactly one, its title at the "
                f"top (line {top[0][0].line}). Make this heading '##' (with an {{#id}} line above it).",
                location=(docname, second.line), type="kb", subtype=KbWarning.ESSAY,
            )
        elif not top or not titles:
            logger.warning(
                "an essay has exactly one '# Title' line (its H1) before any '##' section; "
                "other headings use '##' or '###'.",
                location=(docname, 1), type="kb", subtype=KbWarning.ESSAY,
            )
        sections, missing = section_records(doctree)
        _, wrong_id_lines = id_line_problems(text)
        for section in missing:
            heading_line = section.line or section[0].line or 1
            if heading_line - 1 in wrong_id_lines:
                continue  # its {#...} line is there but wrong, and check_page_source said how
            heading = section[0].astext()
            suggestion = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
            glued = glued_id_line(text, heading_line)
            if glued:
                logger.warning(
                    f"the id line '{glued}' above the heading '{heading}' is glued to the paragraph above "
                    "it, so Markdown reads it as part of that paragraph's text and the heading gets no id. "
                    f"Put an empty line before '{glued}'.",
                    location=(docname, heading_line - 1), type="kb", subtype=KbWarning.SECTION_ID,
                )
                continue
            logger.warning(
                f"the heading '{heading}' has no explicit id, so its link would change whenever the "
                f"heading is reworded. Put an id on the line directly above it, e.g. {{#{suggestion}}}",
                location=(docname, section.line or section[0].line), type="kb", subtype=KbWarning.SECTION_ID,
            )
        for record in sections:
            if record["id"] and not SECTION_ID.match(record["id"]):
                logger.warning(
                    f"the section id '{record['id']}' should be lowercase words joined by hyphens.",
                    location=(docname, record["line"]), type="kb", subtype=KbWarning.SECTION_ID,
                )

        body_words = count_words(doctree.astext())
        env.kb_essays[docname] = {
            **(fields or schema.defaults()),
            "valid": not problems,
            "title": titles[0].astext() if titles else docname,
            "words": body_words,
            "minutes": reading_minutes(body_words, app.config.kb_words_per_minute),
            "sections": [s for s in sections if s["id"]],
        }


def init_env(app):
    if not hasattr(app.env, "kb_essays"):
        app.env.kb_essays = {}


def skip_unreadable_files(app, env, docnames: list[str]) -> None:
    """A file that is not UTF-8, or too large to read, is named with its line and left out of this
    build (Sphinx would stop with a traceback); the warning fails the build. ``env.kb_unreadable``
    lists them, so the checks that follow do not also report their addresses as gone."""
    env.kb_unreadable = set()
    for docname in list(docnames):
        _, problem = read_source(env.doc2path(docname))
        if problem:
            line, message = problem
            logger.warning(message, location=(docname, line), type="kb", subtype=KbWarning.ENCODING)
            docnames.remove(docname)
            env.kb_unreadable.add(docname)
            env.project.docnames.discard(docname)
            # What an earlier build read of it is forgotten, as for a deleted file.
            app.events.emit("env-purge-doc", env, docname)
            env.clear_doc(docname)
            env.all_docs.pop(docname, None)


def check_page_source(app, doctree) -> None:
    """Every page's file name and {#id} lines (essays and the other pages alike)."""
    env = app.env
    problem = file_name_problem(env.doc2path(env.docname, False).as_posix())
    if problem:
        logger.warning(problem.message, location=(env.docname, problem.line), type="kb", subtype=KbWarning.FILE_NAME)
    text = env.doc2path(env.docname).read_text(encoding="utf-8-sig")
    for problem in id_line_problems(text)[0]:
        logger.warning(problem.message, location=(env.docname, problem.line), type="kb", subtype=KbWarning.SECTION_ID)
    for number, line in enumerate(text.split("\n"), start=1):
        message = invisible_problem(line.removesuffix("\r"), "this line")
        if message:
            logger.warning(message, location=(env.docname, number), type="kb", subtype=KbWarning.TEXT)


def check_consistency(app, env):
    """Site-wide rules, checked once every page has been read."""
    essays = env.kb_essays
    by_title: dict[str, str] = {}
    for docname in sorted(essays):
        title = essays[docname]["title"]
        # Case-insensitive, and look-alike characters count as the same (a Cyrillic "А" in "Аnger").
        keys = {"case:" + title.casefold(), "shape:" + skeleton(title)}
        other = next((by_title[key] for key in keys if key in by_title), None)
        if other:
            looks = "" if ("case:" + title.casefold()) in by_title else (
                f", as it looks (it reads '{essays[other]['title']}' but one holds a look-alike character)")
            logger.warning(
                f"two essays have the title '{title}'{looks} (the other is "
                f"{env.doc2path(other, False)}). Titles name essays in the sidebar, search and "
                "links, so each must be unique: reword one of them.",
                location=(docname, 1), type="kb", subtype=KbWarning.ESSAY,
            )
        else:
            by_title.update(dict.fromkeys(keys, docname))

    seen: dict[str, tuple[str, int]] = {}
    for docname in sorted(essays):
        for section in essays[docname]["sections"]:
            other = seen.get(section["id"])
            if other:
                logger.warning(
                    f"the section id '{section['id']}' is already used in {env.doc2path(other[0], False)}:"
                    f"{other[1]}. Section ids are permanent link addresses and must be unique across "
                    "the site: choose another, more specific id.",
                    location=(docname, section["line"]), type="kb", subtype=KbWarning.SECTION_ID,
                )
            else:
                seen[section["id"]] = (docname, section["line"])

    used = {key for record in essays.values() for key in record["themes"]}
    for theme in app.config.kb_themes:
        if theme["key"] not in used:
            logger.warning(
                f"the theme '{theme['key']}' ({theme['title']}) has no essays. Add it to an essay's "
                "'themes', or remove the theme from the themes file.",
                location=f"{app.config.kb_themes_path}:{theme_line(app, theme['key'])}",
                type="kb", subtype=KbWarning.THEME,
            )


def theme_line(app, key: str) -> int:
    try:
        lines = open(app.config.kb_themes_path, encoding="utf-8").read().splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines, start=1):
        if re.match(rf"^\s*-?\s*key:\s*['\"]?{re.escape(key)}['\"]?\s*$", line):
            return number
    return 1


def setup(app) -> None:
    app.connect("builder-inited", init_env)
    app.connect("env-before-read-docs", skip_unreadable_files)
    app.connect("doctree-read", check_page_source)
    app.connect("env-check-consistency", check_consistency)
    app.add_env_collector(EssayCollector)
