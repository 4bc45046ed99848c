"""Reading what the author typed: text files and YAML, with the line of every mistake.

Text is UTF-8; a byte-order mark at the start (some editors on Windows write one) is accepted, and
a file saved in another encoding is named with the line of its first wrong byte instead of ending
the build in a traceback. YAML mappings remember the line of each key, and a key given twice is
reported instead of the last one silently winning.

Every file is author input, so reading is bounded: a file larger than its cap is refused before it
is read, and YAML is read by one loader (``LineLoader``) that refuses aliases (``*name``: a few
of them can make a file of a few hundred bytes expand into gigabytes), nesting deeper than
``MAX_DEPTH`` and names that are not text (``2: y`` beside ``sumary: x``), each with its line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

Located = tuple[int, str]  # (line, message)

# The most the build reads from one file the author writes; front matter, themes, redirects and
# the lexicon are far smaller, and an essay of 1 MB is a short book.
MAX_TEXT_BYTES = 2_000_000
MAX_DEPTH = 30  # nesting levels of YAML: the deepest file the build reads uses four


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def sentence(message: str) -> str:
    """A message of this module ("this file is ...") as a sentence of its own."""
    return message[:1].upper() + message[1:] + "."


def name_shown(node: yaml.Node) -> str:
    return repr(node.value) if isinstance(node, yaml.ScalarNode) else "a list or a mapping"


def too_large(size: int, limit: int = MAX_TEXT_BYTES) -> str:
    return (f"this file is {megabytes(size)}, more than the {megabytes(limit)} the build reads from one "
            "file: split it, or check that it is the file you meant")


def read_source(path: Path, limit: int = MAX_TEXT_BYTES) -> tuple[str | None, Located | None]:
    """The text of a file the author wrote, or None and (line, why): too large (checked before
    reading), unreadable, or not UTF-8 (the line of the first wrong byte)."""
    try:
        size = path.stat().st_size
        if size > limit:
            return None, (1, too_large(size, limit))
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return None, (1, f"this file cannot be read ({exc.strerror or exc}).")
    if len(data) > limit:  # not a regular file, or one that grew
        return None, (1, too_large(len(data), limit))
    return decode(data)


def decode(data: bytes) -> tuple[str | None, Located | None]:
    """The text of a file's bytes, or None and where and why they are not UTF-8."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start:exc.start + 1]
        return None, (line, (
            f"this file is not saved as UTF-8: the byte 0x{byte.hex()} on this line (perhaps "
            f"'{byte.decode('cp1252', errors='replace')}') belongs to another encoding, such as Latin-1 "
            "or Windows-1252. Save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8), "
            "then check that line's accented letters and quotes."
        ))


class KeyLines(dict):
    """A YAML mapping that knows the line of each of its keys and which keys were given twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = 1
        self.lines: dict = {}
        self.duplicates: list[tuple[object, int, int]] = []  # (key, first line, repeated line)


class ItemLines(list):
    """A YAML sequence that knows the line of each of its items."""

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []


class Refused(yaml.YAMLError):
    """YAML the loader will not read, with where and why (the message starts with "this ...")."""

    def __init__(self, mark, message: str):
        super().__init__(message)
        self.mark, self.message = mark, message


class LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are ``KeyLines`` and sequences ``ItemLines``; it refuses aliases,
    nesting deeper than ``MAX_DEPTH`` and names (mapping keys) that are not text."""

    first_line = 1  # the file line of the text's first line (front matter starts on line 2)
    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise Refused(event.start_mark, (
                f"this uses a YAML alias (*{event.anchor}), which is not accepted (a few aliases can make "
                "a small file expand without limit): write the value out in full"))
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise Refused(self.peek_event().start_mark,
                              f"this nests lists or fields more than {MAX_DEPTH} levels deep, which nothing here needs")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_key_lines(self, node: yaml.MappingNode) -> KeyLines:
        mapping = KeyLines()
        mapping.line = node.start_mark.line + self.first_line
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + self.first_line
            if not isinstance(key, str):
                raise Refused(key_node.start_mark, (
                    f"this has a name that is not text ({name_shown(key_node)}): in 'name: value' the "
                    "name is a word; check for a typo, or put the name in quotes"))
            if key in mapping.lines:
                mapping.duplicates.append((key, mapping.lines[key], line))
            else:
                mapping.lines[key] = line
        mapping.update(self.construct_mapping(node, deep=True))
        return mapping


    def construct_item_lines(self, node: yaml.SequenceNode) -> ItemLines:
        sequence = ItemLines(self.construct_sequence(node, deep=True))
        sequence.lines = [item.start_mark.line + self.first_line for item in node.value]
        return sequence


LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader.construct_key_lines)
LineLoader.add_constructor("tag:yaml.org,2002:seq", LineLoader.construct_item_lines)


def load_yaml(text: str, loader: type[LineLoader] = LineLoader, first_line: int = 1):
    """(data, problems): the YAML document in ``text``, or None and the line and reason it is not
    valid YAML. ``first_line`` is the file line that ``text`` starts on."""
    if len(text) > MAX_TEXT_BYTES:
        return None, [(first_line, too_large(len(text)))]
    reader = loader(text)
    reader.first_line = first_line
    try:
        return reader.get_single_data(), []
    except Refused as exc:
        return None, [(exc.mark.line + first_line, exc.message)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [(line, f"this is not valid YAML ({problem})")]
    finally:
        reader.dispose()


def compose_yaml(text: str) -> tuple[yaml.Node | None, list[Located]]:
    """The YAML document's node tree (for files read node by node, with every line), or None and
    why; bounded as ``load_yaml`` is."""
    if len(text) > MAX_TEXT_BYTES:
        return None, [(1, too_large(len(text)))]
    reader = LineLoader(text)
    try:
        return reader.get_single_node(), []
    except Refused as exc:
        return None, [(exc.mark.line + 1, exc.message)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        return None, [(mark.line + 1 if mark else 1, f"this is not valid YAML ({getattr(exc, 'problem', None) or exc})")]
    finally:
        reader.dispose()
