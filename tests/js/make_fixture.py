"""Writes tests/js/fixture.json: a tiny search index written by the real writer (search_index.py),
each file's text by its path, which the Node tests read through a fake loader. Run it after changing the index format: ``.venv/bin/python tests/js/make_fixture.py``
(tests/test_search_contract.py fails while the committed files differ from what the writer writes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from essay_kb.lexicon import Entry, browser_table, parse_line  # noqa: E402
from essay_kb.search_index import Block, Page, bundle_files  # noqa: E402

FIXTURE = HERE / "fixture.json"
# The same pages as a large site writes them: words and pages in parts, a few fetched per question.
PARTS_FIXTURE = HERE / "fixture-parts.json"
PARTS = {"WHOLE_BYTES": {"words": 0, "pages": 0}, "PART_BYTES": {"words": 150, "pages": 300},
         "FETCH": {"words": 3, "pages": 3}}

PAGES = [
    Page("essays/cancels/", "When your therapist cancels", [
        Block("", "When your therapist cancels", "Cancellations can hurt more than we expect."),
        Block("last-minute", "A last-minute cancellation", "When a session is cancelled at the last minute, "
              "you may feel rejected, as if you did not matter."),
        Block("what-to-say", "What to say next", "You can tell your therapist how the change landed."),
    ], summary="What a cancelled session can stir up, and how to talk about it.", themes=["therapy"],
        tags=["cancellation"]),
    Page("essays/grief/", "Grief no one sees", [
        Block("", "Grief no one sees", "When a pet dies, the grief can be lonely."),
        Block("children", "Talking with children", "Children grieve in their own way and their own time."),
    ], summary="Losses other people do not see.", themes=["loss"], tags=["grief", "pets"]),
    Page("essays/superbills/", "Paying for therapy", [
        Block("", "Paying for therapy", "Fees, sliding scales and insurance."),
        Block("superbill", "What a superbill is", "A superbill is a receipt your insurer may repay in part."),
        Block("fees", "Talking about fees", "You can ask about a lower fee."),
    ], summary="Fees, insurance and superbills, plainly.", themes=["therapy"], tags=["fees", "insurance"]),
    Page("glossary/", "Glossary", [
        Block("", "Glossary", ""),
        Block("term-rupture", "Rupture", "A strain in the relationship between you and your therapist."),
        # Words that begin as "constructor" and "proto" do, so a test can look those names up in a
        # file that exists (a plain object would answer them with Object's own).
        Block("term-consent", "Consent", "Consent protects you: you can stop at any time."),
    ]),
]


# A lay lexicon as docs/lexicon.yaml writes one: a two-way group and a one-way line.
LEXICON = [("kid kids child children", True), ("dog dogs cat > pet", False)]


def fixture_lexicon() -> dict[str, str]:
    return browser_table([Entry(n, *parse_line(line, two_way), two_way=two_way) for n, (line, two_way) in enumerate(LEXICON, 1)])


def fixture_files() -> dict[str, str]:
    return bundle_files(PAGES, fixture_lexicon())


def parts_fixture_files() -> dict[str, str]:
    from essay_kb import search_index
    saved = {name: getattr(search_index, name) for name in PARTS}
    try:
        for name, value in PARTS.items():
            setattr(search_index, name, value)
        return bundle_files(PAGES, fixture_lexicon(), help_pages=["essays/grief/"])
    finally:
        for name, value in saved.items():
            setattr(search_index, name, value)


def fixture_text(files: dict[str, str] | None = None) -> str:
    return json.dumps(fixture_files() if files is None else files, ensure_ascii=False, sort_keys=True, indent=0) + "\n"


def main() -> None:
    FIXTURE.write_text(fixture_text(), encoding="utf-8")
    PARTS_FIXTURE.write_text(fixture_text(parts_fixture_files()), encoding="utf-8")


if __name__ == "__main__":
    main()
