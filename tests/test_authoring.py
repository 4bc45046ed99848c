"""What the author uses: `make new` scaffolds a valid essay; the preview server serves the site."""

import subprocess
import sys

from conftest import REPO, ROOTS, soup, sphinx_build
from essay_kb.new import essay_text, slugify, main


def test_slugify():
    assert slugify("When a Session Ends — Badly!") == "when-a-session-ends-badly"
    assert slugify("Café au lait") == "cafe-au-lait"  # the same rule as the file-name check's suggestion


def test_new_essay_builds_without_warnings(site_copy, tmp_path, capsys):
    root = site_copy()
    assert main(["--title", "A brand new essay", "--theme", "beta", "--docs", str(root), "--themes-file", str(root / "themes.yaml")]) == 0
    created = root / "essays" / "a-brand-new-essay.md"
    assert created.exists()
    sphinx_build(root, tmp_path / "out")
    page = soup(tmp_path / "out" / "essays" / "a-brand-new-essay" / "index.html")
    assert page.h1.get_text(strip=True) == "A brand new essay"
    assert page.select_one("h2#a-brand-new-essay-first-section")


def test_new_refuses_unknown_theme_and_existing_file(site_copy, capsys):
    root = site_copy()
    args = ["--docs", str(root), "--themes-file", str(root / "themes.yaml")]
    assert main(["--title", "X", "--theme", "gamma", *args]) == 2
    assert "Known themes: alpha, beta" in capsys.readouterr().err
    assert main(["--title", "Six", "--theme", "alpha", *args]) == 0
    assert main(["--title", "Six", "--theme", "alpha", *args]) == 1
