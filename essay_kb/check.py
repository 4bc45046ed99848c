"""``make check``: one readable report for the author, without building the site.

- Spelling, with pyspellchecker (a well-kept English word list with frequencies, pure Python) and
  the site's own list of words it does not know (``docs/words.txt``: clinical terms, names of
  therapies, place names). A word the checker questions is shown with its line and a suggestion;
  it is a question, not an error.
- Reading level (Flesch-Kincaid grade, textstat) and length of every essay and help page, against
  the collection's standards: the median essay at grade 8 or below, none above grade 10, none over
  1,800 words.
- The essays due for clinical review in the next 30 days, and overdue ones (as ``make review``).
- Links between pages: every ``[text](page.md#section)`` must reach a page and a section that exist.

Exit status 1 only for errors (a broken link, an essay over the limits); questions and notes never
fail it. What is written by hand here: the Markdown-to-prose stripping and the link check, which
need the site's own conventions ({#id} lines, {term} and {helpline} roles).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .model import split_front_matter

WORDS_MAX = 1800
GRADE_MEDIAN_MAX = 8
GRADE_MAX = 10

FENCE = re.compile(r"^(```|:::)")
ROLE = re.compile(r"\{(?:term|helpline|doc|ref)\}`(?:([^`<]+?)\s*<[^>]+>|([^`]+))`")
LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")
SECTION_ID = re.compile(r"^\{#([a-z0-9-]+)\}\s*$")
WORD = re.compile(r"[^\W\d_](?:(?:[^\W\d_]|['’-])*[^\W\d_])?")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    spelling: list[str] = field(default_factory=list)
    levels: list[tuple[str, int, float, bool]] = field(default_factory=list)  # path, words, grade, is essay
    reviews: list[str] = field(default_factory=list)


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, readable text) for the lines a reader reads: no front matter, code, ids,
    directives, link targets or role syntax."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        start = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), 0) + 1
    shown, fence = [], None
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        match = FENCE.match(stripped)
        if match:
            # An admonition's text is prose (its ':::' lines are not); other fenced blocks are code
            # or directives.
            if not (stripped.startswith(":::{admonition}") or stripped == ":::"):
                fence = match.group(1)
            continue
        if SECTION_ID.match(stripped) or stripped.startswith(":") or not stripped:
            continue
        line = ROLE.sub(lambda m: (m.group(1) or m.group(2)).strip(), line)
        line = LINK.sub(r"\1", line)
        line = re.sub(r"`[^`]*`|<[^>]+>|https?://\S+", " ", line)
        shown.append((number, re.sub(r"^[#>*\-\d.\s]+", "", line)))
    return shown


def site_words(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines()
            if w.strip() and not w.startswith("#")}


SENTENCE_START = re.compile(r"(^|[.!?:]['\"”’)]?\s+|[\"“(]\s*)$")


def check_spelling(shown: str, lines: list[tuple[int, str]], known: set[str], checker, report: Report) -> None:
    seen: set[str] = set()
    for number, line in lines:
        for match in WORD.finditer(line):
            word = match.group()
            if word[0].isupper() and not SENTENCE_START.search(line[:match.start()]):
                continue  # a capital inside a sentence: a name, a place, a brand, not a spelling
            # Contractions and possessives are read as the word they come from ("doesn't", "child's").
            base = re.sub(r"(n't|'s|'re|'ll|'ve|'d|'m|s')$", "", word.lower().replace("’", "'"))
            parts = [p for p in re.split(r"[-']", base) if p]
            for part in parts:
                if len(part) <= 2 or part in known or part in seen or part in checker:
                    continue
                seen.add(part)
                suggestion = checker.correction(part)
                hint = f" (did you mean '{suggestion}'?)" if suggestion and suggestion != part else ""
                report.spelling.append(f"{shown}:{number}: '{part}'{hint}")


def check_links(path: Path, shown: str, text: str, ids_of, report: Report) -> None:
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if fence:
            fence = None if stripped.startswith(fence) else fence
            continue
        if stripped.startswith("```"):
            fence = "```"
            continue
        for _, target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
                continue  # outbound links are the build's to check; nothing here leaves the machine
            page, _, anchor = target.partition("#")
            goal = (path.parent / page).resolve() if page else path.resolve()
            if page and (not page.endswith(".md") or not goal.exists()):
                report.errors.append(f"{shown}:{number}: the link to '{target}' reaches no page. "
                                     "Check the file name (links between essays end in .md).")
                continue
            if anchor and anchor not in ids_of(goal):
                report.errors.append(f"{shown}:{number}: the link to '{target}': the page has no section "
                                     f"with the id '{anchor}'. Use one of the {{#id}} lines of that page.")


def grade_of(text: str) -> float:
    import textstat
    return textstat.flesch_kincaid_grade(text)


def check(docs: Path, confdir: Path, words_file: Path, today=None) -> Report:
    from spellchecker import SpellChecker

    from . import review

    report = Report()
    checker = SpellChecker(distance=1)
    known = site_words(words_file)
    pages = sorted((docs / "essays").glob("*.md")) + sorted((docs / "help").glob("*.md"))
    id_cache: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in id_cache:
            try:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except OSError:
                lines = []
            id_cache[path] = {m.group(1) for m in map(SECTION_ID.match, (l.strip() for l in lines)) if m}
            id_cache[path] |= {re.sub(r"[^a-z0-9]+", "-", l[2:].lower()).strip("-") for l in lines if l.startswith("# ")}
        return id_cache[path]

    for path in pages:
        shown = os.path.relpath(path)
        text = path.read_text(encoding="utf-8-sig")
        data, _, _ = split_front_matter(text)
        if data and data.get("draft") is True:
            continue  # a draft is checked when it is published
        lines = prose_lines(text)
        prose = "\n".join(line for _, line in lines)
        words = len(WORD.findall(prose))
        grade = grade_of(prose)
        is_essay = path.parent.name == "essays"
        report.levels.append((shown, words, grade, is_essay))
        if is_essay and words > WORDS_MAX:
            report.errors.append(f"{shown}: {words:,} words; an essay is at most {WORDS_MAX:,}. Shorten it, or split it in two.")
        if grade > GRADE_MAX:
            report.errors.append(f"{shown}: reading grade {grade:.1f}; no page may be above grade {GRADE_MAX}. "
                                 "Shorter sentences and plainer words bring it down.")
        check_spelling(shown, lines, known, checker, report)
        check_links(path, shown, text, ids_of, report)

    settings = review.read_settings(confdir)
    essays, _ = review.collection(confdir, docs, settings)
    for due in review.due_reviews(essays, settings["kb_review_interval_days"], today or review.today(), within=30):
        report.reviews.append(f"{due.path}: '{due.title}' — review due {due.due} ({due.when()})")
    return report


def render(report: Report) -> str:
    out = []
    essays = [row for row in report.levels if row[3]]
    out.append(f"make check: {len(essays)} essays and {len(report.levels) - len(essays)} help pages")
    out.append("")
    out.append(f"Errors ({len(report.errors)}): these must be fixed before the site is published")
    out += [f"  {e}" for e in report.errors] or ["  none"]
    out.append("")
    out.append(f"Spelling questions ({len(report.spelling)}): fix the typos; add real words to docs/words.txt")
    out += [f"  {s}" for s in report.spelling] or ["  none"]
    out.append("")
    out.append("Reading level and length (Flesch-Kincaid grade; standards: median at most "
               f"{GRADE_MEDIAN_MAX}, none above {GRADE_MAX}, at most {WORDS_MAX:,} words)")
    width = max((len(p) for p, *_ in report.levels), default=10)
    for shown, words, grade, _ in report.levels:
        flag = "  <- hard to read" if grade > GRADE_MEDIAN_MAX else ""
        out.append(f"  {shown:<{width}}  {words:>6,} words  grade {grade:4.1f}{flag}")
    if essays:
        median = statistics.median(g for _, _, g, _ in essays)
        out.append(f"  median grade of the essays: {median:.1f}" + ("" if median <= GRADE_MEDIAN_MAX else "  <- above the standard"))
        if median > GRADE_MEDIAN_MAX:
            report.errors.append(f"the essays' median reading grade is {median:.1f}; the standard is {GRADE_MEDIAN_MAX} or below.")
    out.append("")
    out.append(f"Clinical reviews due in the next 30 days, or overdue ({len(report.reviews)})")
    out += [f"  {r}" for r in report.reviews] or ["  none"]
    out.append("")
    out.append(f"{len(report.errors)} error{'s' if len(report.errors) != 1 else ''}, "
               f"{len(report.spelling)} spelling question{'s' if len(report.spelling) != 1 else ''}.")
    return "\n".join(out)


def main(argv=None) -> int:
    root = Path.cwd()
    parser = argparse.ArgumentParser(prog="python -m essay_kb check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=root / "docs")
    parser.add_argument("--confdir", type=Path, default=root)
    parser.add_argument("--words", type=Path, default=None, help="the site's word list (default: DOCS/words.txt)")
    args = parser.parse_args(argv)
    report = check(args.docs, args.confdir, args.words or args.docs / "words.txt")
    print(render(report))
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
