"""Reproducible builds: two clean builds of the same sources are byte-identical, every file of them
(HTML, sitemap, feed, robots.txt, objects.inv, QR codes, the search index, .buildinfo)."""

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, sphinx_build
from essay_kb import reproducible
from essay_kb.search import BUNDLE_DIR, pagefind_command

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
                 "essays/friction-and-repair/index.html", f"{BUNDLE_DIR}/pagefind-entry.json"):
        assert name in first, name
    assert any(name.startswith("_qr/") for name in first)
    assert any(name.startswith(f"{BUNDLE_DIR}/filter/") for name in first)


# -- Pagefind's filter index, put in order --------------------------------------------------------

def decode(data: bytes, pos: int = 0):
    """A small CBOR decoder (integers, strings, arrays, maps): the test's own, independent reading."""
    major, argument, pos = reproducible._head(data, pos)
    if major == 0:
        return argument, pos
    if major in (2, 3):
        raw = data[pos:pos + argument]
        return (raw.decode() if major == 3 else raw), pos + argument
    items = []
    for _ in range(argument * (2 if major == 5 else 1)):
        item, pos = decode(data, pos)
        items.append(item)
    return (items if major == 4 else dict(zip(items[::2], items[1::2]))), pos


def filters(bundle: Path) -> dict[str, dict[str, list[int]]]:
    """{filter: {value: pages}} as Pagefind's metadata and filter files describe them."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    out = {}
    for language in entry["languages"].values():
        meta, _ = decode(reproducible.read_index(bundle / f"pagefind.{language['hash']}.pf_meta"))
        for name, digest in meta[reproducible.META_FILTERS]:
            (_, values), _ = decode(reproducible.read_index(bundle / "filter" / f"{digest}.pf_filter"))
            out[name] = {value: pages for value, pages in values}
    return out


def test_pagefind_runs_agree_after_being_put_in_order(tmp_path, monkeypatch):
    site = tmp_path / "site"
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    sphinx_build(REPO / "docs", site, "-d", str(tmp_path / "doctrees"), confdir=REPO)
    bundles = []
    for run in range(3):
        shutil.rmtree(site / BUNDLE_DIR)
        subprocess.run(pagefind_command(site), check=True, capture_output=True)
        raw = filters(site / BUNDLE_DIR)
        reproducible.canonical_pagefind(site)
        assert filters(site / BUNDLE_DIR) == raw  # the same values and pages, only reordered
        for path in (site / BUNDLE_DIR / "filter").iterdir():
            assert gzip.decompress(path.read_bytes()).startswith(reproducible.SIGNATURE)
        bundles.append(every_file(site / BUNDLE_DIR))
        shutil.copytree(site / BUNDLE_DIR, tmp_path / f"run{run}")
    assert bundles[0] == bundles[1] == bundles[2]
    assert set(raw) == {"theme", "tag"} and all(raw.values())


def test_cbor_arrays_are_reordered_without_reencoding():
    # [[“b”, 2], [“a”, 1]] as CBOR
    data = bytes([0x82, 0x82, 0x61]) + b"b" + bytes([0x02, 0x82, 0x61]) + b"a" + bytes([0x01])
    assert decode(reproducible.with_sorted_array(data, 0))[0] == [["a", 1], ["b", 2]]
    assert reproducible.item_end(data, 0) == len(data)
    long = "x" * 30
    assert decode(reproducible.text_item(long))[0] == long
