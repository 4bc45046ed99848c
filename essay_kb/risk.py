"""Help first in search: the risk vocabulary (``kb_risk_phrases_file``), checked and compiled.

The vocabulary is data, ``essay_kb/data/risk-phrases.yaml``: categories in order of urgency, each
with a message, help lines (names from ``kb_help_lines``), a help page and phrases in a small
word syntax (described in the file). This module checks it at every build, every mistake reported
with its file and line, and compiles each phrase into a regular expression over the reader's words
as ``kb-risk.js`` normalises them (lower case, no apostrophes, other punctuation as spaces, words
separated by one space). The result is written to ``_static/kb-risk-phrases.js``, loaded with every
page's search box, so the help card can appear at the first keystroke, before any of the search
index has loaded. ``kb-search-help.js`` shows the card.

``python -m essay_kb risk [file]`` prints the compiled vocabulary as JSON (the JavaScript tests
use it) or the file's problems.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sphinx.util import logging

from .files import checked_once
from .helplines import DEFAULT_HELP_LINES, card_item_html
from .output import site_file, write_if_changed
from .permalinks import page_path
from .source import compose_yaml, read_source, sentence
from .warnings_ import KbWarning

logger = logging.getLogger(__name__)

DEFAULT_FILE = str(Path(__file__).parent / "data" / "risk-phrases.yaml")
DATA_FILE = "kb-risk-phrases.js"
JS_FILES = ["kb-risk.js", DATA_FILE, "kb-search-help.js"]
CATEGORY_FIELDS = {"key", "message", "lines", "page", "phrases", "unless"}
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WORD = re.compile(r"^[a-z0-9]+\*?$")
TOKEN = re.compile(r"\.\.\.|[()|?]|[^\s()|?]+")
GAP = "(?: [a-z0-9]+){0,3}"  # "...": up to three other words


class PhraseError(ValueError):
    pass


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class Vocabulary:
    categories: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    loss: list[str] = field(default_factory=list)  # compiled "loss" phrases: someone else's death by suicide


def phrase_words(text: str) -> str:
    """A phrase as the reader's words are compared: lower case, no apostrophes, hyphens as spaces."""
    return re.sub(r"[-\s]+", " ", re.sub(r"['’]", "", text.lower())).strip()


def compile_phrase(phrase: str) -> str:
    """A phrase in the file's syntax -> a regular expression (valid in Python and JavaScript) that
    matches it in ' ' + words + ' '. Each word piece starts with its space, so optional groups
    need no special spacing; the lookahead makes the last word whole."""
    tokens = TOKEN.findall(phrase_words(phrase))
    position = 0

    def sequence(closing: bool) -> tuple[str, bool]:
        nonlocal position
        pieces, has_word = [], False
        while position < len(tokens) and tokens[position] not in (")", "|"):
            token = tokens[position]
            position += 1
            if token == "(":
                alternatives = []
                while True:
                    source, alternative_word = sequence(True)
                    alternatives.append((source, alternative_word))
                    if position >= len(tokens):
                        raise PhraseError("a '(' is never closed: add the ')'")
                    token = tokens[position]
                    position += 1
                    if token == ")":
                        break
                optional = position < len(tokens) and tokens[position] == "?"
                if optional:
                    position += 1
                if not any(word for _, word in alternatives):
                    raise PhraseError("a group '( ... )' needs at least one alternative with a word in it")
                pieces.append("(?:" + "|".join(source for source, _ in alternatives) + ")" + ("?" if optional else ""))
                has_word = has_word or not optional and all(word for _, word in alternatives)
            elif token == "...":
                pieces.append(GAP)
            elif token == "#":
                pieces.append(" [0-9]+")
                has_word = True
            elif token == "?":
                raise PhraseError("'?' may only follow a group, as in '(really|truly)?'")
            elif WORD.match(token):
                pieces.append(" " + (token[:-1] + "[a-z0-9]*" if token.endswith("*") else token))
                has_word = True
            else:
                raise PhraseError(f"{token!r} is not a word: use letters and digits, a '*' at a word's end, "
                                  "'#' for a number, '( | )' for alternatives and '...' for words in between")
        if not closing and position < len(tokens):
            raise PhraseError(f"a {tokens[position]!r} outside any group: remove it, or open the group with '('")
        return "".join(pieces), has_word

    source, has_word = sequence(False)
    if not has_word:
        raise PhraseError("the phrase must contain at least one word that is always there")
    if source.startswith(GAP) or source.endswith(GAP):
        raise PhraseError("'...' belongs between words, not at the phrase's start or end")
    return source + "(?= )"


def load_vocabulary(path: Path, help_lines: dict, help_pages=None) -> Vocabulary:
    """Read and check the file; every problem is a Problem with the line it is on."""
    vocabulary = Vocabulary()
    problems = vocabulary.problems
    text, problem = read_source(path)
    if problem:
        problems.append(Problem(*problem))
        return vocabulary
    text_lines = text.splitlines()
    root, yaml_problems = compose_yaml(text)
    if yaml_problems:
        problems += [Problem(line, sentence(message)) for line, message in yaml_problems]
        return vocabulary
    line = lambda node: node.start_mark.line + 1  # noqa: E731
    top = mapping(root)
    if top is None or "categories" not in top or not isinstance(top["categories"][1], yaml.SequenceNode):
        problems.append(Problem(line(root) if root else 1, "expected 'categories:' with a list of categories "
                                "(key, message, lines, phrases; page and unless optional)."))
        return vocabulary
    seen = set()
    for node in top["categories"][1].value:
        fields = mapping(node)
        if fields is None:
            problems.append(Problem(line(node), "each category must be a mapping with key, message, lines and phrases."))
            continue
        for name in sorted(set(fields) - CATEGORY_FIELDS):
            problems.append(Problem(fields[name][0], f"unknown field {name!r}; a category may have "
                                    f"{', '.join(sorted(CATEGORY_FIELDS))}."))
        key = scalar(fields, "key")
        if not key or not KEY.match(key):
            problems.append(Problem(line(node), f"key {key!r} must be lowercase words joined by hyphens, e.g. 'suicide'."))
            continue
        if key in seen:
            problems.append(Problem(fields["key"][0], f"the category {key!r} is defined twice."))
        seen.add(key)
        category = {"key": key, "message": " ".join(scalar(fields, "message").split()), "lines": [], "page": None,
                    "url": None, "match": [], "unless": []}
        if not category["message"]:
            problems.append(Problem(line(node), f"{key}: needs a 'message', the help card's first sentence."))
        # A line this site does not set (a practice elsewhere may have no maternal line) is left off
        # the card; a name that is no line at all is a mistake.
        for name, where in words_list(fields, "lines", problems, key, line=line(node)):
            if name not in help_lines and name not in DEFAULT_HELP_LINES:
                problems.append(Problem(where, f"{key}: unknown help line {name!r}. Known lines (kb_help_lines in "
                                        f"conf.py): {', '.join(help_lines)}."))
            elif name in help_lines:
                category["lines"].append(name)
        if not scalar_items(fields, "lines") and "lines" in fields:
            problems.append(Problem(fields["lines"][0], f"{key}: needs at least one help line."))
        page = scalar(fields, "page")
        if page:
            if help_pages is not None and page not in help_pages:
                problems.append(Problem(fields["page"][0], f"{key}: the page {page!r} is not one of kb_help_pages "
                                        f"({', '.join(help_pages) or 'none'}); fix the name, or add the page there."))
            category["page"], category["url"] = page, page_path(page)[1:]
        for list_name, target in (("phrases", "match"), ("unless", "unless")):
            for phrase, where in words_list(fields, list_name, problems, key, list_name == "phrases", line(node)):
                try:
                    source = compile_phrase(phrase)
                except PhraseError as exc:
                    raw = text_lines[where - 1]
                    cut = raw[raw.find(phrase) + len(phrase):].lstrip().startswith("#")
                    hint = " (a '#' after a space starts a YAML comment: put the phrase in quotes)" if cut else ""
                    problems.append(Problem(where, f"{key}: {phrase!r}: {exc}{hint}."))
                    continue
                if source in category[target]:
                    problems.append(Problem(where, f"{key}: {phrase!r} is listed twice."))
                category[target].append(source)
        vocabulary.categories.append(category)
    if "loss" in top:
        for phrase, where in words_list(top, "loss", problems, "loss", True, line(root)):
            try:
                vocabulary.loss.append(compile_phrase(phrase))
            except PhraseError as exc:
                problems.append(Problem(where, f"loss: {phrase!r}: {exc}."))
    if not vocabulary.categories and not problems:
        problems.append(Problem(line(root), "the list of categories is empty."))
    return vocabulary


def mapping(node) -> dict | None:
    """A YAML mapping node as {key: (line, value node)}."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return {k.value: (k.start_mark.line + 1, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def scalar(fields: dict, name: str) -> str:
    node = fields.get(name, (0, None))[1]
    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) and node.value is not None else ""


def words_list(fields: dict, name: str, problems: list, key: str, required: bool = True, line: int = 0):
    """The (text, line) items of a list field."""
    if name not in fields:
        if required:
            problems.append(Problem(line, f"{key}: needs {name!r}, a list."))
        return []
    where, node = fields[name]
    if not isinstance(node, yaml.SequenceNode) or not all(isinstance(item, yaml.ScalarNode) for item in node.value):
        problems.append(Problem(where, f"{key}: {name!r} must be a list of words or phrases."))
        return []
    if required and not node.value:
        problems.append(Problem(where, f"{key}: {name!r} is empty."))
    return [(str(item.value), item.start_mark.line + 1) for item in node.value]


def scalar_items(fields: dict, name: str) -> list[str]:
    node = fields.get(name, (0, None))[1]
    return [str(item.value) for item in node.value] if isinstance(node, yaml.SequenceNode) else []


def browser_data(vocabulary: Vocabulary) -> dict:
    return {"categories": vocabulary.categories, "loss": vocabulary.loss}


def data_script(vocabulary: Vocabulary) -> str:
    data = json.dumps(browser_data(vocabulary), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"/* Compiled by essay_kb/risk.py from the risk vocabulary; do not edit. */\nwindow.kbRiskPhrases = {data};\n"


# -- Sphinx ---------------------------------------------------------------------------------------

def risk_file(app) -> Path:
    return Path(app.confdir, app.config.kb_risk_phrases_file)


def check_vocabulary(app) -> None:
    """At builder-inited: report every problem (with -W the build fails after all are reported),
    and write the compiled vocabulary for the browser."""
    path = risk_file(app)
    help_pages = app.config.kb_help_pages or None  # a site without help pages: the card has no link
    settings = (json.dumps(app.config.kb_help_lines, sort_keys=True, default=str), json.dumps(help_pages, default=str))
    vocabulary = checked_once(path, lambda: load_vocabulary(path, app.config.kb_help_lines, help_pages), settings)
    for problem in vocabulary.problems:
        logger.warning(problem.message, location=f"{path}:{max(problem.line, 1)}", type="kb", subtype=KbWarning.RISK_PHRASES)
    if app.builder.format == "html":  # before the static files are copied and pages name it
        write_if_changed(site_file(app.outdir, "_static", DATA_FILE), data_script(vocabulary))


def add_assets(app) -> None:
    for name in JS_FILES:
        app.add_js_file(name, loading_method="defer")


def page_context(app, pagename, templatename, context, doctree) -> None:
    """Search's help card: every help line, ready to show (kb-search-help.js picks the ones needed)."""
    context["kb_help_line_items"] = [card_item_html(name, line) for name, line in app.config.kb_help_lines.items()]


def setup(app) -> None:
    app.add_config_value("kb_risk_phrases_file", DEFAULT_FILE, "html", types=[str])
    app.connect("builder-inited", check_vocabulary)
    app.connect("builder-inited", add_assets)
    app.connect("html-page-context", page_context)


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else DEFAULT_FILE)
    vocabulary = load_vocabulary(path, DEFAULT_HELP_LINES)
    for problem in vocabulary.problems:
        print(f"{path}:{problem.line}: {problem.message}", file=sys.stderr)
    if vocabulary.problems:
        return 1
    print(json.dumps(browser_data(vocabulary), ensure_ascii=False, indent=1, sort_keys=True))
    return 0
