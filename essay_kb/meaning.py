"""Search by meaning: the sections' places in the sentence model's space, written at build time for
the reader's browser, which embeds the question itself with the same model file (search_js/model.js).

The sentence model (``embedding.py``) gives each section a vector: its place in a space where texts
of like meaning lie close. The browser runs the same int8 model on the reader's question (once the
reader has it: see guide/search.md) and ranks sections by cosine, fused with BM25
(``rank.js``). Nothing here depends on a table computed for words: the only vectors are the
sections', embedded once each (the cache) whatever the number of builds.

To keep the files small, each section's 384 numbers are projected onto the ``DIMS`` directions along
which the site's sections vary most (``basis``, shipped once, 8-bit), and rounded to 8-bit integers;
the browser projects the question onto the same directions. Sections are grouped round
``centroids`` (spherical k-means, capped in size); a site with at most ``GROUP_FETCH`` groups has all
of them loaded when search opens, a larger one loads, for a question, the ``PROBE_GROUPS`` nearest it
and others at random up to ``GROUP_FETCH`` (so the host cannot tell which were near): see
search_index.py, "Private by construction". There are no per-word files: without the model, words
alone (BM25) answer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import embedding
from .search_index import Block, Page

DIMS = 128
SECTIONS_PER_GROUP = 120   # sections per vector file, on average (this site's 506 fit in GROUP_FETCH: loaded whole)
GROUP_CAP = 1.25           # no group over this times the average (a file's size stays bounded)
PROBE_GROUPS = 3           # groups nearest a question that it loads (all, on a small site)...
GROUP_FETCH = 6            # ...among this many it fetches (the rest at random), or all when no more
KMEANS_ROUNDS = 12


@dataclass
class Meaning:
    groups: list[dict]                   # per group: {"ids": [page, block, ...], "v": base64}
    centroids: str                       # base64 int8, one row per group
    basis: dict                          # {"scales": [per direction], "v": base64 int8, one row of 384 per direction}
    embedded: int                        # texts embedded in this build (the rest from the cache)
    cached: int
    dims: int = DIMS
    probe: int = PROBE_GROUPS
    group_fetch: int = GROUP_FETCH


def section_text(page: Page, index: int, block: Block) -> str:
    """What the model reads for a section: its heading (for the introduction, the page's title and
    summary) and its text."""
    head = f"{page.title}. {page.summary}" if index == 0 else block.heading
    return f"{head}. {block.text}".strip()


def quantize(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row as 8-bit integers and the scale that gives it back (row ≈ ints * scale)."""
    scale = np.abs(rows).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(rows / scale[:, None]).astype(np.int8), scale


def b64(ints: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(ints, dtype=np.int8).tobytes()).decode("ascii")


def directions(vectors: np.ndarray, dims: int) -> np.ndarray:
    """The ``dims`` directions that hold most of the vectors (uncentred: on a site of at most ``dims``
    sections they hold the sections exactly), as columns: the top eigenvectors of V^T V (384 by 384,
    quick however many vectors there are)."""
    wide = vectors.astype(np.float64)
    values, vecs = np.linalg.eigh(wide.T @ wide)  # one array and its transpose: BLAS's symmetric product, half the work
    basis = vecs[:, np.argsort(-values, kind="stable")[:dims]]
    # A direction's sign is arbitrary: fix it so that a build on another machine writes the same files.
    signs = np.sign(basis[np.abs(basis).argmax(axis=0), np.arange(basis.shape[1])])
    return basis * signs


def members_by_group(assign: np.ndarray, k: int) -> list[np.ndarray]:
    """Each group's members in index order (as ``np.flatnonzero(assign == c)`` for every c, in one
    stable sort instead of k passes over the sections)."""
    order = np.argsort(assign, kind="stable")
    return np.split(order, np.searchsorted(assign[order], np.arange(1, k)))


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
        assign = sims.argmax(axis=1)  # the nearest group (the first of equals)
        counts = np.bincount(assign, minlength=k)
        # A group over its cap keeps its closest members; the rest go to their next choice with room.
        # (Only these few sections' choices are ranked: ranking every section's k choices made this
        # grow with the square of the site.) Counted in a Python list: thousands of moves a round,
        # each a few element reads and writes, slow on a numpy array.
        over = np.flatnonzero(counts > cap)
        counts = counts.tolist()
        for c in over:
            members = np.flatnonzero(assign == c)
            moved = members[np.argsort(-sims[members, c], kind="stable")][cap:]
            # Each moved section's choices, best first (one sort for the group's moves, row by row
            # the same order as sorting each alone); the moves themselves stay in turn.
            for i, choice in zip(moved.tolist(), np.argsort(-sims[moved], axis=1, kind="stable").tolist()):
                counts[c] -= 1
                target = next(g for g in choice[1:] if counts[g] < cap)
                assign[i] = target
                counts[target] += 1
        members = members_by_group(assign, k)
        centroids = np.stack([unit[m].mean(axis=0) if len(m) else centroids[c] for c, m in enumerate(members)])
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return centroids, [m.tolist() for m in members]


LOADED_MODELS: dict[type, "embedding.Model"] = {}


def loaded_model() -> "embedding.Model":
    """The sentence model, loaded once per process, when a build first has something to embed (or
    the kept preview has time: essay_kb/serve.py), so that later edits embed without loading it. By
    class, so that a stand-in model (tests/bench_stand_in.py) is never mistaken for the model."""
    kind = embedding.Model
    if kind not in LOADED_MODELS:
        LOADED_MODELS[kind] = kind()
    return LOADED_MODELS[kind]


def compute(pages: list[Page], cache_dir: Path | None) -> Meaning:
    """Every table the browser's meaning layer reads, for these pages."""
    cache = embedding.Cache(cache_dir)
    sections = [(number, index, section_text(page, index, block))
                for number, page in enumerate(pages) for index, block in enumerate(page.blocks)]
    section_vectors, embedded = cache.get_many([text for _, _, text in sections], loaded_model)
    cache.save()

    basis = directions(section_vectors, max(1, min(DIMS, len(sections))))
    basis_ints, basis_scales = quantize(basis.T)
    # The sections as the browser will see them: projected with the 8-bit basis it gets.
    projected = section_vectors.astype(np.float64) @ (basis_ints * basis_scales[:, None]).T
    centroids, members = groups_of(projected)
    section_ints, _ = quantize(projected)
    groups = [{"ids": [n for i in group for n in sections[i][:2]], "v": b64(section_ints[group])} for group in members]
    centroid_ints, _ = quantize(centroids)
    return Meaning(groups, b64(centroid_ints), {"scales": [float(f"{s:.6g}") for s in basis_scales], "v": b64(basis_ints)},
                   embedded, len(sections) - embedded, dims=basis.shape[1])
