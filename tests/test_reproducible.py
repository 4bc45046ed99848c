"""Reproducible builds: two clean builds of the same sources are byte-identical, every file of them
(HTML, sitemap, feed, robots.txt, objects.inv, QR codes, the search index, .buildinfo)."""

from pathlib import Path

import pytest

from conftest import REPO, sphinx_build
from essay_kb.search import BUNDLE_DIR

pytestmark = pytest.mark.slow


def every_file(root: Path) -> dict[str, bytes]:
    """Every published file (not the build cache, which the session's build keeps in .doctrees/)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".doctrees" not in p.relative_to(root).parts}


def test_two_clean_builds_are_byte_identical(real_site, tmp_path, monkeypatch):
    """The session's build of the real site against one made elsewhere, with its cache elsewhere and
    a hash seed of its own (the session's is random): anything that depends on set or dict order,
    or on where the build ran, shows up."""
    monkeypatch.setenv("PYTHONHASHSEED", "2")
    sphinx_build(REPO / "docs", tmp_path / "html", "-d", str(tmp_path / "doctrees"), confdir=REPO)
    first, second = every_file(real_site), every_file(tmp_path / "html")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    # What the comparison covered: the published kinds of file, not an empty folder.
    for name in ("index.html", "404.html", "sitemap.xml", "feed.xml", "robots.txt", "objects.inv",
                 "essays/friction-and-repair/index.html", f"{BUNDLE_DIR}/index.json",
                 f"{BUNDLE_DIR}/filters.json", "_static/kb-porter2.js"):
        assert name in first, name
    assert any(name.startswith("_qr/") for name in first)
    assert any(name.startswith(f"{BUNDLE_DIR}/w/") for name in first)
