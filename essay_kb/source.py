"""Reading what the author typed: text files and YAML, with the line of every mistake.

Text is UTF-8; a byte-order mark at the start (some editors on Windows write one) is accepted, and
a file saved in another encoding is named with the line of its first wrong byte instead of ending
the build in a traceback. YAML mappings remember the line of each key, and a key given twice is
reported instead of the last one silently winning.
"""

from __future__ import annotations

import yaml

Located = tuple[int, str]  # (line, message)


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


class LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are ``KeyLines`` and sequences ``ItemLines``."""

    first_line = 1  # the file line of the text's first line (front matter starts on line 2)

    def construct_key_lines(self, node: yaml.MappingNode) -> KeyLines:
        mapping = KeyLines(self.construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + self.first_line
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + self.first_line
            if key in mapping.lines:
                mapping.duplicates.append((key, mapping.lines[key], line))
            else:
                mapping.lines[key] = line
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
    reader = loader(text)
    reader.first_line = first_line
    try:
        return reader.get_single_data(), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [(line, f"this is not valid YAML ({problem})")]
    finally:
        reader.dispose()
