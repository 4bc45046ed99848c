"""Reproducible builds: put in a fixed order the one output that is not the same from build to build.

Pagefind (1.5) writes its filter indexes, and the list of filters in its metadata, in hash-map
order, which changes on every run (Pagefind/pagefind#638: fragments and word indexes are stable
since 1.3, filters are not). After Pagefind has run, each filter file's values are sorted and the
file renamed by the hash of its content; the metadata's filter and sort lists are sorted and point
at the new names, and the metadata is renamed likewise in ``pagefind-entry.json``. Values and the
pages they list are untouched: only their order changes, which Pagefind does not rely on.

Everything else the build writes is already deterministic (tests/test_reproducible.py checks
every file): sitemap and feed are sorted, dates come from the essays, never from the clock.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from sphinx.errors import ExtensionError

from .search import BUNDLE_DIR

SIGNATURE = b"pagefind_dcd"
META_FILTERS, META_SORTS = 3, 4  # positions in Pagefind's MetaIndex (index_metadata.rs)


# -- just enough CBOR (RFC 8949) to reorder the items of an array without re-encoding them -------

def _head(data: bytes, pos: int) -> tuple[int, int, int]:
    """(major type, argument, offset after the head) of the item at ``pos``."""
    major, info = data[pos] >> 5, data[pos] & 0x1F
    if info < 24:
        return major, info, pos + 1
    if info <= 27:
        size = 1 << (info - 24)
        return major, int.from_bytes(data[pos + 1:pos + 1 + size], "big"), pos + 1 + size
    raise ValueError("indefinite-length CBOR items are not expected in a Pagefind index")


def item_end(data: bytes, pos: int) -> int:
    major, argument, pos = _head(data, pos)
    if major in (2, 3):  # byte and text strings
        return pos + argument
    if major in (4, 5):  # arrays and maps
        for _ in range(argument * (2 if major == 5 else 1)):
            pos = item_end(data, pos)
        return pos
    if major == 6:  # a tag, then its item
        return item_end(data, pos)
    return pos  # integers, simple values and floats: the head is the whole item


def array_items(data: bytes, pos: int) -> tuple[bytes, list[bytes], int]:
    """(the array's head, its items' bytes, offset after it) for the array at ``pos``."""
    major, count, first = _head(data, pos)
    if major != 4:
        raise ValueError(f"expected a CBOR array at byte {pos}")
    items, at = [], first
    for _ in range(count):
        end = item_end(data, at)
        items.append(data[at:end])
        at = end
    return data[pos:first], items, at


def text_item(value: str) -> bytes:
    raw = value.encode("utf-8")
    if len(raw) < 24:
        return bytes([0x60 | len(raw)]) + raw
    if len(raw) < 256:
        return bytes([0x78, len(raw)]) + raw
    return bytes([0x79]) + len(raw).to_bytes(2, "big") + raw


def text_value(item: bytes) -> str:
    _, length, start = _head(item, 0)
    return item[start:start + length].decode("utf-8")


def with_sorted_array(data: bytes, pos: int) -> bytes:
    """``data`` with the items of the array at ``pos`` in byte order."""
    head, items, end = array_items(data, pos)
    return data[:pos] + head + b"".join(sorted(items)) + data[end:]


# -- Pagefind's files ----------------------------------------------------------------------------

def read_index(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} is not a Pagefind index")
    return data[len(SIGNATURE):]


def write_index(folder: Path, prefix: str, language: str, digits: int, suffix: str, body: bytes) -> str:
    """Write ``body`` under a name made from its content; return the name's hash part."""
    name = f"{language}_{hashlib.sha256(body).hexdigest()[:digits]}"
    # mtime=0: gzip would otherwise stamp the file with the build time.
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(SIGNATURE + body, mtime=0))
    return name


def canonical_filter(bundle: Path, old: str) -> str:
    """Sort one filter file's values; return its new name. A filter is [name, [[value, pages]...]]."""
    path = bundle / "filter" / f"{old}.pf_filter"
    body = read_index(path)
    values_at = item_end(body, _head(body, 0)[2])  # after the array's head and the filter's name
    body = with_sorted_array(body, values_at)
    new = write_index(path.parent, "", old.rsplit("_", 1)[0], len(old.rsplit("_", 1)[1]), ".pf_filter", body)
    if new != old:
        path.unlink()
    return new


def canonical_language(bundle: Path, old_meta: str) -> str:
    """Canonical filters and metadata for one language; return the metadata's new name."""
    path = bundle / f"pagefind.{old_meta}.pf_meta"
    body = read_index(path)
    head, fields, _ = array_items(body, 0)
    _, filters, _ = array_items(fields[META_FILTERS], 0)
    renamed = []
    for entry in filters:  # [filter name, filter file hash]
        _, (name, old), _ = array_items(entry, 0)
        renamed.append(b"\x82" + name + text_item(canonical_filter(bundle, text_value(old))))
    fields[META_FILTERS] = bytes(array_items(fields[META_FILTERS], 0)[0]) + b"".join(sorted(renamed))
    fields[META_SORTS] = with_sorted_array(fields[META_SORTS], 0)
    body = head + b"".join(fields)
    language, digits = old_meta.rsplit("_", 1)[0], len(old_meta.rsplit("_", 1)[1])
    new = write_index(bundle, "pagefind.", language, digits, ".pf_meta", body)
    if new != old_meta:
        path.unlink()
    return new


def canonical_pagefind(site: Path) -> None:
    bundle = site / BUNDLE_DIR
    entry_path = bundle / "pagefind-entry.json"
    if not entry_path.exists():
        return
    text = entry_path.read_text(encoding="utf-8")
    try:
        for language in json.loads(text)["languages"].values():
            new = canonical_language(bundle, language["hash"])
            text = text.replace(f'"{language["hash"]}"', f'"{new}"')
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise ExtensionError(f"reproducible: cannot put Pagefind's index in a fixed order ({exc}); "
                             "has Pagefind's file format changed?") from exc
    entry_path.write_text(text, encoding="utf-8")


def put_in_order(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    canonical_pagefind(Path(app.outdir))


def setup(app) -> None:
    # After Pagefind has indexed the site (search.py, priority 900).
    app.connect("build-finished", put_in_order, priority=950)
