"""The lay lexicon: the words readers type, and the words the essays use for the same things.

The author keeps it in ``docs/lexicon.yaml`` (setting ``kb_lexicon_file``; the file's own comments
explain it): one-way lines, ``"chemo > treatment illness"`` (a question with "chemo" also looks for
"treatment" and "illness"), and two-way lines, ``"mom mother"`` (each finds the other). The build
checks every line (``read_lexicon``: a malformed line is reported with the file and its line, and
left out), warns about a word on the essays' side that no page uses (``unused_targets``: it could
find nothing), and ships the whole of it to the browser as ``search-index/lexicon.json``
(``browser_table``), where kb-search.js adds the words to a reader's question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .source import compose_yaml, read_source, sentence

WORD = re.compile(r"^[a-z0-9]+$")
SECTIONS = ("one-way", "same")


@dataclass(frozen=True)
class Entry:
    line: int               # 1-based, in the lexicon file
    sources: tuple[str, ...]  # the reader's words
    targets: tuple[str, ...]  # the words they also find (for "same": the same words)
    two_way: bool


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


def parse_line(text: str, two_way: bool) -> tuple[tuple[str, ...], tuple[str, ...]] | str:
    """(sources, targets) of one line, or what is wrong with it."""
    sides = text.split(">")
    if two_way and len(sides) != 1:
        return (f"{text!r}: a line under 'same' lists words that mean the same, without '>'. "
                "Move it under 'one-way', or remove the '>'.")
    if not two_way and len(sides) != 2:
        return (f"{text!r}: a one-way line needs exactly one '>' between the reader's words and the "
                "essays' words, e.g. 'chemo chemotherapy > treatment illness'.")
    parts = [side.split() for side in sides]
    for side in parts:
        bad = [w for w in side if not WORD.match(w)]
        if bad:
            return (f"{text!r}: {', '.join(repr(w) for w in bad)} is not a lower-case word (letters and "
                    "digits only; write 'dont' for \"don't\", and one word per space).")
    if any(not side for side in parts):
        return f"{text!r}: a side of '>' has no words."
    if two_way and len(parts[0]) < 2:
        return f"{text!r}: a line under 'same' needs at least two words."
    return (tuple(parts[0]), tuple(parts[0])) if two_way else (tuple(parts[0]), tuple(parts[1]))


def read_lexicon(path: Path) -> tuple[list[Entry], list[Problem]]:
    """The file's entries and the problems found (each with its line). A missing file is an empty
    lexicon."""
    if not path.is_file():
        return [], []
    text, problem = read_source(path)
    if problem:
        return [], [Problem(*problem)]
    root, problems = compose_yaml(text)
    if problems:
        return [], [Problem(line, sentence(message)) for line, message in problems]
    if root is None:
        return [], []
    if not isinstance(root, yaml.MappingNode):
        return [], [Problem(root.start_mark.line + 1, "expected 'one-way:' and 'same:', each a list of lines.")]
    entries, problems = [], []
    for key, value in root.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else ""
        if name not in SECTIONS:
            problems.append(Problem(key.start_mark.line + 1,
                                    f"unknown section {name!r}: the lexicon has 'one-way:' and 'same:'."))
            continue
        if isinstance(value, yaml.ScalarNode) and value.value in ("", "null", "~"):
            continue  # an empty section
        if not isinstance(value, yaml.SequenceNode):
            problems.append(Problem(value.start_mark.line + 1, f"'{name}:' must be a list: each line starts with '- '."))
            continue
        for item in value.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.ScalarNode):
                problems.append(Problem(line, "each entry is one line of words, e.g. '- chemo > treatment illness'."))
                continue
            parsed = parse_line(str(item.value), name == "same")
            if isinstance(parsed, str):
                problems.append(Problem(line, parsed))
            else:
                entries.append(Entry(line, *parsed, two_way=name == "same"))
    return entries, problems


def unused_targets(entries: list[Entry], known_stems: set[str], stem) -> list[Problem]:
    """A word on the essays' side that no page holds finds nothing: the author should know."""
    problems = []
    for entry in entries:
        missing = [w for w in dict.fromkeys(entry.targets) if stem(w) not in known_stems]
        if missing:
            problems.append(Problem(entry.line, f"{', '.join(repr(w) for w in missing)}: no page uses "
                                    f"{'this word' if len(missing) == 1 else 'these words'}, so search "
                                    "can find nothing with it. Use a word the essays use, or remove it."))
    return problems


def browser_table(entries: list[Entry]) -> dict[str, str]:
    """{reader's word: the other words it also finds, space-separated}, as kb-search.js reads it."""
    table: dict[str, dict[str, None]] = {}
    for entry in entries:
        for source in entry.sources:
            found = table.setdefault(source, {})
            for target in entry.targets:
                if target != source:
                    found[target] = None
    return {word: " ".join(others) for word, others in sorted(table.items()) if others}
