"""The sentence model in the reader's browser (essay_kb/search_js/model.js) against the build's
(essay_kb/embedding.py): run in Node on ONNX Runtime Web, the runtime the site serves, with the same
model file. Its WordPiece gives the token ids Hugging Face tokenizers gives, on every paragraph of the
site's essays and on awkward text; its vectors are the build's, to cosine 0.999."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from conftest import REPO

from essay_kb import embedding

RUNNER = REPO / "tests" / "js" / "model-runner.js"
AWKWARD = ["Café naïve 東京 — “quotes” ok?", "I can't stop crying, theraphy!!!", "", "   ", "e-mail: a@b.c 50% #1",
           "ﬁne ＦＵＬＬ width", "emoji 😢 and zero\u200bwidth", "x" * 120, "İstanbul ß Ǆ", "tab\tnew\nline\r",
           "a " * 400]


def site_paragraphs() -> list[str]:
    found = []
    for path in sorted((REPO / "docs").rglob("*.md")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            text = " ".join(block.split())
            if len(text) > 40 and not re.match(r"[#`:{(]|---", text):
                found.append(text)
    return found


def browser_model(texts: list[str], tokens_only: bool = False) -> dict:
    if shutil.which("node") is None:
        pytest.fail("node is missing: apt-get install nodejs (.ci/run does this)")
    if not (REPO / "node_modules" / "onnxruntime-web").is_dir():
        pytest.fail("onnxruntime-web is missing: run npm ci (make test does)")
    result = subprocess.run(["node", str(RUNNER), "-" if tokens_only else str(embedding.model_path()), str(embedding.tokenizer_path())],
                            input=json.dumps(texts), capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_browser_tokenizer_gives_the_ids_tokenizers_gives():
    texts = AWKWARD + site_paragraphs()
    assert len(texts) > 300
    theirs = browser_model(texts, tokens_only=True)["tokenizer"]
    ours = embedding.tokenizer()
    wrong = [(text[:60], mine, ids) for text, mine, ids in zip(texts, (e.ids for e in ours.encode_batch(texts)), theirs) if mine != ids]
    assert wrong == []


def test_the_browser_model_gives_the_builds_vectors():
    texts = [*AWKWARD[:2], *site_paragraphs()[::12][:18]]
    assert len(texts) == 20
    theirs = np.array(browser_model(texts)["vectors"], dtype=np.float64)
    ours = embedding.Model().embed(texts).astype(np.float64)
    cosines = (theirs * ours).sum(axis=1) / np.linalg.norm(theirs, axis=1) / np.linalg.norm(ours, axis=1)
    assert cosines.min() >= 0.999, cosines


def model_download_bytes() -> int:
    """What a reader downloads for the model, gzipped as a host sends it (tests/bench_search.py prints it)."""
    import gzip
    from essay_kb import search
    files = [search.RUNTIME_DIR / name for name in search.RUNTIME_FILES] + [embedding.model_path(), embedding.tokenizer_path()]
    return sum(len(gzip.compress(path.read_bytes(), 6)) for path in files)


def test_the_control_says_how_much_the_model_downloads():
    from essay_kb import search
    assert abs(model_download_bytes() / 1e6 - search.MODEL_DOWNLOAD_MB) < 1.5


# -- In Chromium, on the real site --------------------------------------------------------------------

def model_requests(requests: list[str]) -> list[str]:
    return sorted({u.split("/_static/kb-model/")[1] for u in requests if "/_static/kb-model/" in u})


@pytest.mark.browser
def test_the_model_loads_only_when_the_reader_asks_and_then_ranks_by_meaning(phone, site_url):
    from conftest import Recorder
    from test_search_relevance import result_links
    recorder = Recorder(phone, site_url)
    page = phone.new_page()
    page.goto(site_url + "search/")
    box = page.locator("[data-search-input]")
    box.fill("i feel bereft")
    words = result_links(page)
    control = page.locator("[data-search-meaning]")
    assert control.is_visible() and "MB" in control.inner_text()
    assert model_requests(recorder.requests) == []  # nothing of the model loads by itself
    control.locator("button").click()
    page.wait_for_selector('[data-search-page][data-search-model="ready"]', state="attached", timeout=120_000)
    assert control.locator("button").count() == 0 and "by meaning too" in control.inner_text()
    assert model_requests(recorder.requests) == ["model.onnx", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm",
                                                 "ort.wasm.min.js", "vocab.json"]
    # Ranked again at once, by words and meaning: "bereft" is in no essay, its meaning near several.
    page.wait_for_function("before => JSON.stringify(Array.from(document.querySelectorAll("
                           "'[data-search-best] a, [data-search-results] a'), a => a.getAttribute('href'))) !== before",
                           arg=json.dumps(words))
    assert result_links(page) and words
    assert recorder.strangers == [] and page.evaluate("window.__violations || []") == []
