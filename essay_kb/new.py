"""Scaffold a new essay with valid front matter (``schema.scaffold``): ``make new TITLE="..." THEME=key``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import schema
from .model import slugify
from .settings import load_themes

ROOT = Path(__file__).resolve().parent.parent


# The starting file's own sentences: the build refuses any of them in a published essay (drafts.py),
# so a placeholder can never be published as if the author had written it.
OPENING = "Start with a paragraph or two that meets the reader where they are."
FIRST_HEADING = "A first section"
SECTION_HINT = "Each section should make sense on its own: a therapist may send a client straight to it."
ID_HINT = "The line above the heading is the section's permanent link id; keep it when you reword the heading."
BODY_PLACEHOLDERS = (OPENING, SECTION_HINT, ID_HINT)


def essay_text(title: str, theme: str, today: dt.date) -> str:
    slug = slugify(title)
    return f"""{schema.scaffold(schema.Start(theme=theme, today=today))}

# {title}

{OPENING}

{{#{slug}-first-section}}
## {FIRST_HEADING}

{SECTION_HINT}
{ID_HINT}
"""


def placeholders() -> tuple[str, ...]:
    """Every sentence a new essay starts with that the author must replace before publishing."""
    examples = tuple(f.example for f in schema.FIELDS if isinstance(f.kind, schema.Text))
    return (*examples, *BODY_PLACEHOLDERS, f"## {FIRST_HEADING}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--title", required=True)
    parser.add_argument("--theme", required=True)
    parser.add_argument("--docs", default=str(ROOT / "docs"))
    parser.add_argument("--themes-file", default=str(ROOT / "docs" / "themes.yaml"))
    args = parser.parse_args(argv)
    themes = [t["key"] for t in load_themes(Path(args.themes_file))]
    if not args.title.strip():
        print('Give the essay a title: make new TITLE="Your title" THEME=theme-key', file=sys.stderr)
        return 2
    if args.theme not in themes:
        print(f"Unknown theme {args.theme!r}. Known themes: {', '.join(themes)}", file=sys.stderr)
        return 2
    path = Path(args.docs) / "essays" / f"{slugify(args.title)}.md"
    if path.exists():
        print(f"{path} already exists; choose another title.", file=sys.stderr)
        return 1
    path.write_text(essay_text(args.title.strip(), args.theme, dt.date.today()), encoding="utf-8")
    print(f"Created {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}.")
    print("It is a draft: `make serve` shows it (marked as a draft), `make html` leaves it out.")
    print("Write the summary and the essay, preview with `make serve`, and when it has been reviewed,")
    print("add `reviewed: YYYY-MM-DD` and remove the `draft: true` line to publish it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
