"""What the author uses: `make new` scaffolds a valid essay; the preview server serves the site."""

import subprocess
import sys
from pathlib import Path

from conftest import REPO, ROOTS, edit, soup, sphinx_build
from essay_kb.new import essay_text, placeholders, slugify, main
from essay_kb.problems import read_problems, summary
from essay_kb.schema import FIELDS


def schema_example(name: str) -> str:
    return next(f.example for f in FIELDS if f.name == name)


def text_lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_slugify():
    assert slugify("When a Session Ends — Badly!") == "when-a-session-ends-badly"
    assert slugify("Café au lait") == "cafe-au-lait"  # the same rule as the file-name check's suggestion


def test_new_essay_is_a_draft_the_preview_shows_and_the_site_leaves_out(site_copy, tmp_path):
    root = site_copy()
    assert main(["--title", "A brand new essay", "--theme", "beta", "--docs", str(root), "--themes-file", str(root / "themes.yaml")]) == 0
    created = root / "essays" / "a-brand-new-essay.md"
    text = created.read_text(encoding="utf-8")
    assert "\ndraft: true" in text and "\nreviewed:" not in text  # no review claim until it is reviewed

    site = tmp_path / "site"
    sphinx_build(root, site)  # no warnings: the draft is not read at all
    assert not (site / "essays" / "a-brand-new-essay").exists()
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
                        if p.is_file() and ".doctrees" not in p.parts)  # the build's cache, never uploaded
    assert "a-brand-new-essay" not in published and "A brand new essay" not in published  # search, sitemap, feed, directory

    preview = tmp_path / "preview"
    # Both builds run in this process (conftest.sphinx_build): the draft left out of the first must
    # not be left out of the second (the list of left-out pages was once Sphinx's shared default).
    sphinx_build(root, preview, "-D", "kb_preview=1")
    page = soup(preview / "essays" / "a-brand-new-essay" / "index.html")
    assert page.h1.get_text(strip=True) == "A brand new essay"
    assert "Draft." in page.select_one(".kb-draft-note").get_text()
    assert "Not reviewed yet" in page.select_one(".kb-meta-review").get_text() and not page.select(".kb-meta-reviewer")


def test_a_published_essay_keeps_no_placeholder_sentence(site_copy, tmp_path):
    root = site_copy()
    main(["--title", "Half written", "--theme", "beta", "--docs", str(root), "--themes-file", str(root / "themes.yaml")])
    essay = root / "essays" / "half-written.md"
    edit(essay, "\ndraft: true", "\nreviewed: 2026-12-31")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    lines = text_lines(essay)
    for sentence in placeholders():
        if sentence in "\n".join(lines):
            number = next(n for n, line in enumerate(lines, 1) if sentence in line)
            assert f"half-written.md:{number}: WARNING: '{sentence}' is a sentence from the starting file" in result.stderr
    assert "[kb.placeholder]" in result.stderr


def test_a_missing_summary_is_not_answered_with_a_sentence_to_paste(site_copy, tmp_path):
    root = site_copy()
    essay = root / "essays" / "one.md"
    text = essay.read_text(encoding="utf-8")
    essay.write_text("\n".join(l for l in text.split("\n") if not l.startswith("summary:")), encoding="utf-8")
    result = sphinx_build(root, tmp_path / "out", check=False)
    message = next(l for l in result.stderr.splitlines() if "has no 'summary'" in l)
    assert "your own words" in message and schema_example("summary") not in message


def test_the_preview_shows_each_page_its_problems_and_the_home_page_lists_them(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "two.md", "themes: [", "themes: [no-such-theme, ")
    out = tmp_path / "preview"
    sphinx_build(root, out, "-D", "kb_preview=1", check=False)
    box = soup(out / "essays" / "two" / "index.html").select_one(".kb-preview-problems")
    assert box is not None and "essays/two.md:" in box.get_text() and "unknown theme 'no-such-theme'" in box.get_text()
    home = soup(out / "index.html").select_one(".kb-preview-problems")
    assert home is not None and home.select_one("a[href*='essays/two']")
    # the published build shows none of it (and fails)
    site = tmp_path / "site"
    assert sphinx_build(root, site, check=False).returncode != 0
    assert not any("kb-preview-problems" in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


def test_the_home_pages_list_of_problems_follows_each_incremental_preview_build(site_copy, tmp_path):
    """A problem found while a page is read (an unknown theme) or written (a reference to no label)
    is listed on the home page from the build that finds it until the build that no longer does,
    whichever other pages are edited between."""
    root = site_copy()
    out = tmp_path / "preview"

    def listed() -> set[str]:
        sphinx_build(root, out, "-D", "kb_preview=1", check=False)
        home = soup(out / "index.html").select_one(".kb-preview-problems")
        return {a["href"].strip("/").split("/")[-1] for a in home.select("a")} if home else set()

    assert listed() == set()
    edit(root / "essays" / "two.md", "themes: [", "themes: [no-such-theme, ")
    with (root / "essays" / "four.md").open("a", encoding="utf-8") as essay:
        essay.write("\nSee {ref}`no-such-label`.\n")
    assert listed() == {"two", "four"}
    edit(root / "essays" / "one.md", "# Essay one", "# Essay one, retitled")  # neither problem page is read or written again
    assert listed() == {"two", "four"}
    edit(root / "essays" / "two.md", "themes: [no-such-theme, ", "themes: [")
    assert listed() == {"four"}
    edit(root / "essays" / "four.md", "\nSee {ref}`no-such-label`.\n", "\n")
    assert listed() == set()


def test_a_failed_build_ends_with_one_line_per_problem():
    here = Path.cwd()  # absolute paths are shown from the current folder, as the author types them
    text = (f"{here}/docs/essays/a.md:4: WARNING: unknown theme 'x'. Known theme keys: y. [kb.essay]\n"
            f"{here}/docs/essays/b.md:9: WARNING: a message that runs\n  over two lines [kb.link]\n"
            "WARNING: a problem with no place [kb.settings]\n")
    problems = read_problems(text)
    assert problems == ["docs/essays/a.md:4: unknown theme 'x'. Known theme keys: y. [kb.essay]",
                        "docs/essays/b.md:9: a message that runs over two lines [kb.link]",
                        "a problem with no place [kb.settings]"]
    shown = summary(problems, "_build/html").splitlines()
    assert shown[0].startswith("The build found 3 problems, so nothing was published")
    assert shown[1] == "  1. docs/essays/a.md:4: unknown theme 'x'. Known theme keys: y. [kb.essay]" and len(shown) == 5
