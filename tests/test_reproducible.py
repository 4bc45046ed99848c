"""Reproducible builds: two clean builds of the same sources are byte-identical, every file of them
(HTML, sitemap, feed, robots.txt, objects.inv, QR codes, the search index, .buildinfo)."""

from pathlib import Path

import pytest

from conftest import REPO, sphinx_build
from essay_kb.search import BUNDLE_DIR

pytestmark = pytest.mark.slow


def every_file(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def build(out: Path, seed: str, monkeypatch) -> dict[str, bytes]:
    # A different hash seed per build: anything that depends on set or dict-of-hash order shows up.
    monkeypatch.setenv("PYTHONHASHSEED", seed)
    sphinx_build(REPO / "docs", out / "html", "-d", str(out / "doctrees"), confdir=REPO)
    return every_file(out / "html")


def test_two_clean_builds_are_byte_identical(tmp_path, monkeypatch):
    first = build(tmp_path / "first", "1", monkeypatch)
    second = build(tmp_path / "second", "2", monkeypatch)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    # What the comparison covered: the published kinds of file, not an empty folder.
    for name in ("index.html", "404.html", "sitemap.xml", "feed.xml", "robots.txt", "objects.inv",
                 "essays/friction-and-repair/index.html", f"{BUNDLE_DIR}/index.json",
                 f"{BUNDLE_DIR}/filters.json", "_static/kb-porter2.js"):
        assert name in first, name
    assert any(name.startswith("_qr/") for name in first)
    assert any(name.startswith(f"{BUNDLE_DIR}/w/") for name in first)
