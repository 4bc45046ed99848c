"""The search index's contract: the Python writer (essay_kb/search_index.py) builds the index of a
tiny root, and the browser's reader (essay_kb/search_js/, run in Node by tests/js/contract-runner.js)
loads those files from disk and answers queries. The writer declares the layout in index.json; these
tests show the reader follows a declared change, and that the contract fails when either side
changes the format without the other (each such test first passes the same pipeline unchanged)."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

from essay_kb import embedding, meaning, search_index

sys.path.insert(0, str(REPO / "tests" / "js"))
import make_fixture  # noqa: E402

RUNNER = REPO / "tests" / "js" / "contract-runner.js"
MODULES = REPO / "essay_kb" / "search_js"
QUERIES = ["three", "tfour", "fiv", "smaller part", "threee", "repair", "constructor"]


def answers(bundle: Path, modules: Path = MODULES) -> dict:
    """What the JavaScript reader answers to QUERIES from the index in `bundle`."""
    if shutil.which("node") is None:
        pytest.fail("node is missing: apt-get install nodejs (.ci/run does this)")
    vector = [round(float(x), 7) for x in question_vector()]
    result = subprocess.run(["node", str(RUNNER), str(bundle), json.dumps(QUERIES), json.dumps(vector)], capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "KB_SEARCH_MODULES": str(modules)})
    if result.returncode:
        return {"reader failed": result.stderr}
    return json.loads(result.stdout)


@functools.cache
def question_vector():
    """The sentence model's vector for the first query, as the browser's model would give it."""
    return embedding.Model().embed(QUERIES[:1])[0]


def problems(found: dict) -> list[str]:
    """Where the answers differ from what test-basic's essays hold (each essay's title, tag and
    headings name it: "Essay three", tag "tthree", "A smaller part" in each)."""
    if "reader failed" in found:
        return [f"the reader failed: {found['reader failed']}"]
    wrong = []

    def first(query):
        return (found.get(query) or [{"url": None, "sections": []}])[0]

    for query, essay in (("three", "three"), ("fiv", "five"), ("threee", "three")):
        if first(query)["url"] != f"essays/{essay}/":
            wrong.append(f"{query!r}: first essay {first(query)['url']}, expected essays/{essay}/")
        elif first(query)["sections"][0] not in (f"{essay}-first", f"{essay}-second"):
            wrong.append(f"{query!r}: best section {first(query)['sections'][0]!r} does not name {essay}")
    if [a["url"] for a in found.get("tfour", [])] != ["essays/four/"]:
        wrong.append(f"'tfour' (a tag): {found.get('tfour')}")
    smaller = found.get("smaller part", [])
    if sorted(a["url"] for a in smaller) != [f"essays/{n}/" for n in ("five", "four", "one", "three", "two")]:
        wrong.append(f"'smaller part' should find every essay: {[a['url'] for a in smaller]}")
    for answer in smaller:
        slug = answer["url"].split("/")[1]
        if answer["sections"][:1] != [f"{slug}-sub"]:
            wrong.append(f"'smaller part' in {slug}: best sections {answer['sections']}, expected {slug}-sub")
    if first("repair")["url"] != "glossary/" or first("repair")["sections"][0].lower() != "term-repair":
        wrong.append(f"'repair': {first('repair')}")
    if found.get("constructor") != []:
        wrong.append(f"'constructor': {found.get('constructor')}")
    return wrong


def pages_of(bundle: Path) -> list[search_index.Page]:
    """The pages as the build read them, back from their p/ files (the writer counts them again)."""
    records = {}
    for part in (bundle / "p").glob("*.json"):
        records.update({int(k): v for k, v in json.loads(part.read_text(encoding="utf-8")).items()})
    datas = [records[n] for n in sorted(records)]
    return [search_index.Page(d["url"], d["title"], [search_index.Block(*b) for b in d["blocks"]], d["summary"],
                              d["themes"], d["tags"]) for d in datas]


def write(files: dict[str, str], folder: Path) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def basic_bundle(basic_site) -> Path:
    return basic_site / "search-index"


def test_the_reader_answers_from_the_index_the_writer_built(basic_bundle):
    assert problems(answers(basic_bundle)) == []


def test_the_reader_reads_the_meaning_files_the_writer_built(basic_bundle):
    """Every section's vector is found, once, in the groups the header declares (the tiny root has
    fewer groups than a question loads), and its cosine with the question's vector is the model's
    own (the tiny root's sections all fit in the directions the index keeps), to 8-bit rounding."""
    near = answers(basic_bundle)["__near"]
    pages = pages_of(basic_bundle)
    assert sorted(pair for pair, _ in near) == sorted(f"{n}:{b}" for n, page in enumerate(pages) for b in range(len(page.blocks)))
    texts = {f"{n}:{b}": meaning.section_text(page, b, block) for n, page in enumerate(pages) for b, block in enumerate(page.blocks)}
    sections = embedding.Model().embed(list(texts.values()))
    model_cosines = dict(zip(texts, (sections @ question_vector()).tolist()))
    assert all(abs(cosine - model_cosines[pair]) < 0.03 for pair, cosine in near), (near, model_cosines)
    parts = json.loads((basic_bundle / "index.json").read_text())["meaning"]["parts"]["sectionVectors"]
    assert parts["count"] <= parts["fetch"]


def test_the_index_declares_its_format(basic_bundle):
    declared = json.loads((basic_bundle / "index.json").read_text(encoding="utf-8"))["format"]
    assert declared == search_index.index_format()
    assert declared["files"]["words"] == "w/{part}.json"


def test_a_format_change_the_writer_declares_is_followed_by_the_reader(basic_bundle, tmp_path, monkeypatch):
    """Words in parts, four numbers to a block in another order, other file names: the writer
    declares them in index.json, and the reader, which has no layout of its own, follows."""
    monkeypatch.setattr(search_index, "WHOLE_BYTES", {"words": 0, "pages": 0})
    monkeypatch.setattr(search_index, "PART_BYTES", {"words": 200, "pages": 500})
    monkeypatch.setattr(search_index, "BLOCK_STRIDE", 4)
    monkeypatch.setattr(search_index, "BLOCK_LAYOUT", {"heading": 0, "block": 1, "body": 3})
    monkeypatch.setattr(search_index, "FILE_NAMES", {**search_index.FILE_NAMES, "words": "words/{part}.js0n",
                                                     "pages": "pages/{part}.json"})
    files = search_index.bundle_files(pages_of(basic_bundle))
    assert "words/1.js0n" in files and "pages/1.json" in files
    assert problems(answers(write(files, tmp_path))) == []


def unchanged_then(tmp_path: Path, pages, change, known=()) -> list[str]:
    """The contract's problems for the writer as it is (which must have none but `known`), then after `change`."""
    assert [p for p in problems(answers(write(search_index.bundle_files(pages), tmp_path / "as-is")))
            if not p.startswith(known)] == []
    change()
    return problems(answers(write(search_index.bundle_files(pages), tmp_path / "changed")))


def test_the_contract_fails_when_the_writer_shards_otherwise_than_it_declares(basic_bundle, tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "WHOLE_BYTES", {"words": 0, "pages": 0})
    monkeypatch.setattr(search_index, "PART_BYTES", {"words": 100, "pages": 500})
    monkeypatch.setattr(search_index, "FETCH", {"words": 2, "pages": 1})
    found = unchanged_then(tmp_path, pages_of(basic_bundle),
                           lambda: monkeypatch.setattr(search_index, "fnv1a", lambda stem: len(stem)),
                           # A word being typed is found among the parts a large site's question fetched only.
                           known=("'fiv'",))
    assert found and any("'three'" in line for line in found), found


def test_the_contract_fails_when_the_writer_lays_out_rows_otherwise_than_it_declares(basic_bundle, tmp_path,
                                                                                      monkeypatch):
    declared = search_index.index_format()

    def change():
        monkeypatch.setattr(search_index, "BLOCK_STRIDE", 4)  # rows change...
        monkeypatch.setattr(search_index, "index_format", lambda: declared)  # ...the declaration does not

    found = unchanged_then(tmp_path, pages_of(basic_bundle), change)
    assert found, "rows of four read as rows of three went unnoticed"


def test_the_contract_fails_when_the_reader_keeps_a_layout_of_its_own(basic_bundle, tmp_path):
    """A copy of the reader that takes its row layout from a constant, as kb-search.js once took its shard length."""
    copy = tmp_path / "search_js"
    shutil.copytree(MODULES, copy)
    assert problems(answers(basic_bundle, copy)) == []
    reader = copy / "rank.js"
    source = reader.read_text(encoding="utf-8")
    assert source.count("format.rowBlocks") == 1
    reader.write_text(source.replace("format.rowBlocks", "3"), encoding="utf-8")
    found = problems(answers(basic_bundle, copy))
    assert found and any("'smaller part'" in line for line in found), found


def test_the_node_tests_fixture_is_what_the_writer_writes():
    """tests/js/fixture.json is an index written by search_index.py; after a change to the format,
    rewrite it with `.venv/bin/python tests/js/make_fixture.py`."""
    assert make_fixture.FIXTURE.read_text(encoding="utf-8") == make_fixture.fixture_text()
    assert make_fixture.PARTS_FIXTURE.read_text(encoding="utf-8") == make_fixture.fixture_text(make_fixture.parts_fixture_files())
