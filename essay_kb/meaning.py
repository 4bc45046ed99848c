"""Search by meaning: tables, written at build time, that let the reader's browser place a question
near the sections that mean the same thing, without running a model.

The sentence model (``embedding.py``) gives each section a vector: its place in a space where texts
of like meaning lie close. The browser cannot run the model, but it can add numbers, so the build
also gives each *word* a vector, such that adding the vectors of a question's words lands close to
where the model itself would put the question:

1. every word the browser may meet (the model's whole-word vocabulary, the essays' words and the
   lexicon's) is embedded on its own, once: ``v_w`` (this table does not depend on the essays and is
   cached for good);
2. the essays' sentences are embedded (each once; at most ``FIT_SENTENCES`` of them, chosen by a hash
   of their text, so an edit changes the choice little);
3. a ridge regression maps the sum of a sentence's word vectors onto the model's vector for that
   sentence, in the ``DIMS`` strongest directions of the essays' own vectors: ``A``;
4. each word's vector becomes ``v_w A`` and each section's its model vector in those directions, both
   rounded to 8-bit integers.

The browser sums the vectors of the words typed and ranks sections by cosine (``rank.js``), fused
with BM25. Sections are grouped round ``centroids`` (spherical k-means, capped in size); a site with
at most ``GROUP_FETCH`` groups has all of them loaded when search opens, a larger one loads, for a
question, the ``PROBE_GROUPS`` nearest it and others at random up to ``GROUP_FETCH`` (so the host
cannot tell which were near). Word vectors are in ``fnv1a(word) % count`` parts, of which every
question fetches ``WORD_FETCH`` (its words' and, to make up the number, others at random): see
search_index.py, "Private by construction".
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import embedding
from .search_index import Block, Page, fnv1a, words as index_words

DIMS = 128
RIDGE = 1.0
FIT_SENTENCES = 6000       # enough for a stable map; more only costs build time
SECTIONS_PER_GROUP = 60    # sections per vector file, on average, once a site has several
GROUP_CAP = 1.25           # no group over this times the average (a file's size stays bounded)
PROBE_GROUPS = 3           # groups nearest a question that it loads (all, on a small site)...
GROUP_FETCH = 6            # ...among this many it fetches (the rest at random), or all when no more
WORDS_PER_BUCKET = 6       # words per word-vector file, on average
WORD_FETCH = 16            # word-vector files every question fetches (its words', then at random)
KMEANS_ROUNDS = 12
SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Meaning:
    buckets: dict[int, dict[str, list]]  # bucket -> {word: [scale, base64 int8]}
    bucket_count: int
    groups: list[dict]                   # per group: {"ids": [page, block, ...], "v": base64}
    centroids: str                       # base64 int8, one row per group
    embedded: int                        # texts embedded in this build (the rest from the cache)
    cached: int
    dims: int = DIMS
    probe: int = PROBE_GROUPS
    word_fetch: int = WORD_FETCH
    group_fetch: int = GROUP_FETCH


def section_text(page: Page, index: int, block: Block) -> str:
    """What the model reads for a section: its heading (for the introduction, the page's title and
    summary) and its text."""
    head = f"{page.title}. {page.summary}" if index == 0 else block.heading
    return f"{head}. {block.text}".strip()


def model_words(folder: Path | None = None) -> list[str]:
    """The whole words of the model's vocabulary (not word pieces, marks or single letters)."""
    vocab = ((folder or embedding.model_dir()) / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return [w for w in vocab if re.fullmatch(r"[a-z]{2,}", w)]


def fit_sentences(pages: list[Page], cap: int = FIT_SENTENCES) -> list[str]:
    """The essays' sentences the map is fitted on: the ``cap`` with the smallest hash, so the choice
    does not depend on the pages' order, and an edit changing k sentences changes at most k of the
    sentences chosen and lets at most k others in or out."""
    found = {s for page in pages for block in page.blocks for s in SENTENCE.split(block.text)
             if len(index_words(s)) >= 3}
    return sorted(found, key=lambda s: hashlib.sha256(s.encode("utf-8")).digest())[:cap]


def quantize(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row as 8-bit integers and the scale that gives it back (row ≈ ints * scale)."""
    scale = np.abs(rows).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(rows / scale[:, None]).astype(np.int8), scale


def b64(ints: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(ints, dtype=np.int8).tobytes()).decode("ascii")


def word_sums(texts: list[str], table: dict[str, int], vectors: np.ndarray) -> np.ndarray:
    """Per text, the sum of its words' vectors (every word, repeats too, as the browser adds them)."""
    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float64)
    for row, text in enumerate(texts):
        ids = [table[w] for w in index_words(text) if w in table]
        if ids:
            out[row] = vectors[ids].sum(axis=0)
    return out


def directions(vectors: np.ndarray, dims: int) -> np.ndarray:
    """The ``dims`` directions along which the vectors vary most (principal components), as columns:
    the top eigenvectors of their covariance (384 by 384, quick however many vectors there are)."""
    centred = vectors.astype(np.float32) - vectors.mean(axis=0)
    values, vecs = np.linalg.eigh((centred.T @ centred).astype(np.float64))
    basis = vecs[:, np.argsort(-values, kind="stable")[:dims]]
    # A component's sign is arbitrary: fix it so that a build on another machine writes the same files.
    signs = np.sign(basis[np.abs(basis).argmax(axis=0), np.arange(basis.shape[1])])
    return basis * signs


def groups_of(vectors: np.ndarray, per_group: int = SECTIONS_PER_GROUP) -> tuple[np.ndarray, list[list[int]]]:
    """Sections grouped by meaning (spherical k-means from evenly spaced starts, each group capped at
    GROUP_CAP times the average size, so that no file a question loads is large): (centroids,
    member indices per group)."""
    n = len(vectors)
    k = max(1, -(-n // per_group))
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    if k == 1:
        return unit.mean(axis=0, keepdims=True), [list(range(n))]
    centroids = unit[np.linspace(0, n - 1, k).astype(int)]
    cap = int(np.ceil(GROUP_CAP * n / k))
    for _ in range(KMEANS_ROUNDS):
        sims = unit @ centroids.T
        choice = np.argsort(-sims, axis=1, kind="stable")
        assign = choice[:, 0].copy()
        counts = np.bincount(assign, minlength=k)
        # A group over its cap keeps its closest members; the rest go to their next choice with room.
        for c in np.flatnonzero(counts > cap):
            members = np.flatnonzero(assign == c)
            for i in members[np.argsort(-sims[members, c], kind="stable")][cap:]:
                counts[c] -= 1
                target = next(int(g) for g in choice[i, 1:] if counts[g] < cap)
                assign[i] = target
                counts[target] += 1
        members = [np.flatnonzero(assign == c) for c in range(k)]
        centroids = np.stack([unit[m].mean(axis=0) if len(m) else centroids[c] for c, m in enumerate(members)])
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return centroids, [m.tolist() for m in members]


def compute(pages: list[Page], extra_words: list[str], cache_dir: Path | None) -> Meaning:
    """Every table the browser's meaning layer reads, for these pages."""
    cache = embedding.Cache(cache_dir)
    model: list[embedding.Model] = []

    def model_factory():
        if not model:
            model.append(embedding.Model())
        return model[0]

    vocabulary = sorted(set(model_words()) | {w for page in pages for b in page.blocks for w in index_words(f"{b.heading} {b.text}")}
                        | {w for page in pages for w in index_words(f"{page.title} {page.summary}")} | set(extra_words))
    table = {w: i for i, w in enumerate(vocabulary)}
    word_vectors, new_words = cache.get_many(vocabulary, model_factory)
    sections = [(number, index, section_text(page, index, block))
                for number, page in enumerate(pages) for index, block in enumerate(page.blocks)]
    section_vectors, new_sections = cache.get_many([text for _, _, text in sections], model_factory)
    sentences = fit_sentences(pages)
    sentence_vectors, new_sentences = cache.get_many(sentences, model_factory)
    cache.save()

    basis = directions(np.vstack([section_vectors, sentence_vectors]), min(DIMS, max(1, len(sections) + len(sentences) - 1)))
    sums = word_sums(sentences, table, word_vectors)
    target = sentence_vectors.astype(np.float64) @ basis
    mapping = np.linalg.solve(sums.T @ sums + RIDGE * np.eye(sums.shape[1]), sums.T @ target)
    mapped_words, scales = quantize(word_vectors.astype(np.float64) @ mapping)

    bucket_count = max(1, 1 << int(np.ceil(np.log2(max(1, len(vocabulary) / WORDS_PER_BUCKET)))))
    buckets: dict[int, dict[str, list]] = {bucket: {} for bucket in range(bucket_count)}  # every file exists
    for word, row in table.items():
        buckets.setdefault(fnv1a(word) % bucket_count, {})[word] = [float(f"{scales[row]:.4g}"), b64(mapped_words[row])]

    projected = section_vectors.astype(np.float64) @ basis
    projected /= np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)
    centroids, members = groups_of(projected)
    section_ints, _ = quantize(projected)
    groups = [{"ids": [n for i in group for n in sections[i][:2]], "v": b64(section_ints[group])} for group in members]
    centroid_ints, _ = quantize(centroids)
    total = len(vocabulary) + len(sections) + len(sentences)
    embedded = new_words + new_sections + new_sentences
    return Meaning(buckets, bucket_count, groups, b64(centroid_ints), embedded, total - embedded, dims=basis.shape[1])
