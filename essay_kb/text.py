"""What plain text an author gives may hold: the rules shared by essay titles and text, front
matter and the themes file.

- No raw control characters (C0, DEL) and no bidirectional overrides or isolates (U+202A-U+202E,
  U+2066-U+2069): they are invisible, and an override can make a title or a link read backwards
  (a "Trojan source" trick).
- Titles are plain text: no ``<``, ``>`` or backtick (a theme's title is also a heading in its
  generated page, where they would become HTML or code).
- Two titles that look the same are the same title: ``skeleton`` folds compatibility forms (NFKC),
  Unicode's confusable characters (TR39's data, from confusable-homoglyphs) to one
  representative, then case, so "Аnger" with a Cyrillic А matches "Anger".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
TITLE_MARKUP = re.compile(r"[<>`]")


def describe(character: str) -> str:
    return f"U+{ord(character):04X} {unicodedata.name(character, 'control character')}"


def invisible_problem(value: str, what: str) -> str | None:
    """What is wrong with invisible characters in ``value`` (``what`` names it), or None."""
    found = INVISIBLE.search(value)
    if not found:
        return None
    return (f"{what} holds an invisible character ({describe(found.group())}): a control character or "
            "a text-direction override, which can hide or reverse what a reader sees. Delete it (retype "
            "the words around it).")


def title_problem(value: str, what: str) -> str | None:
    """What is wrong with a title: invisible characters, or HTML or code marks; None when fine."""
    found = TITLE_MARKUP.search(value)
    if found:
        return (f"{what} {value!r} contains {found.group()!r}: a title is plain text (it is also a heading, "
                "shown in menus and search), so it cannot hold HTML or code. Reword it without "
                "'<', '>' and '`'.")
    return invisible_problem(value, what)


@lru_cache(maxsize=None)
def representative(character: str) -> str:
    """One character for each group of characters that look alike (ASCII when the group has one)."""
    from confusable_homoglyphs import confusables

    group = {character} | {h["c"] for h in confusables.confusables_data.get(character, []) if len(h["c"]) == 1}
    ascii_ones = sorted(c for c in group if c.isascii())
    return ascii_ones[0] if ascii_ones else min(group)


def skeleton(text: str) -> str:
    """``text`` as it looks: titles with the same skeleton are confusable. (Case is folded after
    the look-alikes, so "I" and "l" meet at "1"; compare ``casefold()`` as well for plain case.)"""
    shapes = "".join(representative(c) for c in unicodedata.normalize("NFKC", text))
    return " ".join(shapes.casefold().split())
