"""The essay model: front matter read and checked against ``schema.FIELDS`` with file/line
messages, and the EnvironmentCollector that keeps one record per essay in ``env.kb_essays``."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import yaml
from docutils import nodes
from sphinx.util import logging

from . import schema
from .collectors import PageDataCollector
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.S)
SECTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Problem:
    line: int
    message: str


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is reported by us, with its line."""


_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[dict | None, dict[str, int], list[Problem]]:
    """Return (fields, line of each top-level key, problems) for a MyST file's front matter.

    fields is None when the file has no front matter block at all.
    """
    match = FRONT_MATTER.match(text)
    if not match:
        return None, {}, []
    block = match.group(1) or ""
    key_lines = {}
    for offset, line in enumerate(block.splitlines(), start=2):
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            key_lines.setdefault(key.group(1), offset)
    try:
        data = yaml.load(block, Loader=_StringDateLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return {}, key_lines, [Problem(line, (
            f"the front matter is not valid YAML ({problem}). Each line should read "
            f"'name: value'; put text containing ': ' or starting with a quote in double quotes."
        ))]
    if not isinstance(data, dict):
        return {}, key_lines, [Problem(2, "the front matter must be 'name: value' lines between two '---' lines.")]
    return data, key_lines, []


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
        text = env.doc2path(docname).read_text(encoding="utf-8")
        data, key_lines, problems = split_front_matter(text)
        fields, more = (validate_essay(data, key_lines, app.config.kb_themes, app.config.kb_reviewers)
                        if not problems else ({}, []))
        problems += more
        for problem in problems:
            logger.warning(problem.message, location=(docname, problem.line), type="kb", subtype=KbWarning.ESSAY)

        titles = list(doctree.findall(nodes.title))
        top = [s for s in doctree.children if isinstance(s, nodes.section)]
        if len(top) != 1 or not titles:
            logger.warning(
                "an essay has exactly one '# Title' line (its H1) before any '##' section; "
                "other headings use '##' or '###'.",
                location=(docname, 1), type="kb", subtype=KbWarning.ESSAY,
            )
        sections, missing = section_records(doctree)
        for section in missing:
            heading = section[0].astext()
            suggestion = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
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


def check_consistency(app, env):
    """Site-wide rules, checked once every page has been read."""
    essays = env.kb_essays
    by_title: dict[str, str] = {}
    for docname in sorted(essays):
        title = essays[docname]["title"].casefold()
        if title in by_title:
            logger.warning(
                f"two essays have the title '{essays[docname]['title']}' (the other is "
                f"{env.doc2path(by_title[title], False)}). Titles name essays in the sidebar, search and "
                "links, so each must be unique: reword one of them.",
                location=(docname, 1), type="kb", subtype=KbWarning.ESSAY,
            )
        else:
            by_title[title] = docname

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
    app.connect("env-check-consistency", check_consistency)
    app.add_env_collector(EssayCollector)
