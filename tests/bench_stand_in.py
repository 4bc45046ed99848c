"""``sphinx-build`` with the sentence model replaced by stand-in vectors, to fill a cache quickly.

``make bench SIZES=10000 STAND_IN=1`` (``python -m tests.bench --stand-in-vectors``) needs a warm
sentence-vector cache for a corpus whose real embedding would take about two hours of both cores
(about 110,000 passages; the model's throughput is measured on a sample and printed instead). This
runs one ordinary build of the corpus in which ``embedding.Model`` gives every text a unit vector
drawn from a generator seeded by the text's hash, so the cache it leaves holds a vector under every
key the build asks for. The build that is measured afterwards runs the extension unchanged and reads
those vectors as it would read real ones: everything but the model is timed as it is. What stand-in
vectors change is what the vectors mean (the groups and related sections they give are noise), not
how much work the build does with them.

    python -m tests.bench_stand_in -b dirhtml SRC OUT      # the arguments of sphinx-build
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np

from essay_kb import embedding


class StandInModel:
    """What ``embedding.Model`` gives (one float32 unit vector of ``DIMS`` numbers per text), from the
    text's hash instead of the model: the same text always gets the same vector."""

    dim = embedding.DIMS

    def __init__(self, *args, **kwargs):
        pass

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(self.dim)
            out[row] = vector / np.linalg.norm(vector)
        return out


def main(argv: list[str]) -> int:
    embedding.Model = StandInModel
    from sphinx.cmd.build import main as sphinx_main
    return sphinx_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
