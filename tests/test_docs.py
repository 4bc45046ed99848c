"""The project's own documents (README.md and guide/*.md) stay short where they must and never point
nowhere: every relative link reaches a file, every #anchor a heading of it (as GitHub makes heading
anchors), and the engineering notes name every module and every setting the code declares.

The generated tables in the author's guide are checked where they are made: tests/test_bad_input.py
(every refused input) and tests/test_schema.py (the front-matter fields)."""

import re
from pathlib import Path

import pytest

from conftest import REPO

README = REPO / "README.md"
GUIDE = REPO / "guide"
DOCUMENTS = [README, *sorted(GUIDE.glob("*.md"))]
README_MAX_LINES = 120

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto: ...


def prose_lines(path: Path) -> list[str]:
    """The document's lines outside fenced code blocks (a '#' line in a fence is not a heading)."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lowercased, with punctuation dropped and spaces
    made hyphens (links and emphasis count as their text)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").replace("*", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found, seen = set(), {}
    for line in prose_lines(path):
        heading = HEADING.match(line)
        if heading:
            slug = github_slug(heading[2])
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(path: Path) -> list[str]:
    text = CODE_SPAN.sub("", "\n".join(prose_lines(path)))
    return [target for _, target in LINK.findall(text) if not EXTERNAL.match(target)]


def test_the_documents_exist_and_stay_outside_the_published_site():
    assert {p.name for p in DOCUMENTS} >= {"README.md", "authoring.md", "engineering.md"}
    # The site is made from docs/ only (the Makefile's SOURCEDIR): the guide is never published.
    assert re.search(r"^SOURCEDIR \?= docs$", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert not (REPO / "docs" / "guide").exists()


def test_the_readme_stays_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines: keep it to what the site is, the two commands and where to read "
        f"next (at most {README_MAX_LINES}); put the rest in guide/")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_resolves(path):
    broken = []
    for target in links(path):
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            broken.append(f"{target}: no file {dest.relative_to(REPO) if dest.is_relative_to(REPO) else dest}")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target}: {dest.relative_to(REPO)} has no heading with the anchor #{anchor}")
    assert not broken, f"{path.relative_to(REPO)}:\n  " + "\n  ".join(broken)


def test_the_anchor_rule_is_githubs():
    assert github_slug("Meaning: the model, its licence, its hashes") == "meaning-the-model-its-licence-its-hashes"
    assert github_slug("Benchmark: `make bench`") == "benchmark-make-bench"
    assert github_slug("Where an edit's seconds go (issue 25), and 10,000 essays") == \
        "where-an-edits-seconds-go-issue-25-and-10000-essays"
    assert links_in("see [a](x.md#b) and `[c](d.md)` and [e](https://f.example/)") == ["x.md#b"]


def links_in(text: str) -> list[str]:
    return [t for _, t in LINK.findall(CODE_SPAN.sub("", text)) if not EXTERNAL.match(t)]


def declared_settings() -> set[str]:
    from essay_kb.settings import CONFIG_VALUES
    names = set(CONFIG_VALUES)
    for module in (REPO / "essay_kb").glob("*.py"):
        names |= set(re.findall(r"add_config_value\(\s*\"(kb_\w+)\"", module.read_text(encoding="utf-8")))
    return names


def test_the_settings_reference_lists_every_setting():
    text = (GUIDE / "engineering.md").read_text(encoding="utf-8")
    reference = text[text.index("## Settings reference"):]
    reference = reference[:reference.find("\n## ", 1)]
    missing = sorted(name for name in declared_settings() if f"`{name}`" not in reference)
    assert not missing, f"add a row for each to the settings reference in guide/engineering.md: {', '.join(missing)}"


def test_the_engineering_notes_name_every_module():
    text = (GUIDE / "engineering.md").read_text(encoding="utf-8")
    modules = [p.name for p in (REPO / "essay_kb").glob("*.py")] + \
              [p.name for p in (REPO / "essay_kb" / "search_js").glob("*.js")] + \
              [f"node/{p.name}" for p in (REPO / "essay_kb" / "node").glob("*.js")]
    missing = sorted(name for name in modules if not re.search(rf"`(essay_kb/)?{re.escape(name)}`", text))
    assert not missing, f"say what each does in guide/engineering.md's module tables: {', '.join(missing)}"
    lists = (GUIDE / "reading-lists.md").read_text(encoding="utf-8")
    missing = sorted(p.name for p in (REPO / "essay_kb" / "reading_list_js").glob("*.js") if f"`{p.name}`" not in lists)
    assert not missing, f"say what each does in guide/reading-lists.md: {', '.join(missing)}"
