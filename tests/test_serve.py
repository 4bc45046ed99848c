"""`make serve` (essay_kb/serve.py): the preview keeps its build in memory between page edits, and
what it shows is what a fresh build of the same files shows."""

import contextlib
import http.client
import io
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

from conftest import BUILD_TIMEOUT_S, REPO, edit, html_files, sphinx_build
from essay_kb import meaning
from essay_kb.new import main as new_essay
from essay_kb.serve import Builds, Options, preview_overrides, work
from test_structure import INCREMENTAL_CHANGES

PREVIEW = preview_overrides("127.0.0.1:8000")


def preview_builds(root: Path, out: Path) -> Builds:
    return Builds(Options(root, out, root, out.parent / f"{out.name}-doctrees", "dirhtml", dict(PREVIEW)))


def fresh_preview(root: Path, out: Path) -> Path:
    sphinx_build(root, out, *[arg for name, value in PREVIEW.items() for arg in ("-D", f"{name}={value}")])
    return out


@pytest.fixture
def cache_for_workers(monkeypatch):
    """The worker inherits this process's environment: the tests' shared cache of sentence vectors."""
    monkeypatch.setenv("KB_EMBEDDING_CACHE", os.environ.get("KB_EMBEDDING_CACHE", str(REPO / "_build" / "embeddings")))


def test_page_edits_are_built_by_the_same_worker_and_equal_a_fresh_build(site_copy, tmp_path, cache_for_workers):
    root = site_copy()
    INCREMENTAL_CHANGES["theme-index-elsewhere"][0](root)  # a page listing every theme's essays
    builds = preview_builds(root, tmp_path / "kept")
    try:
        assert builds() == 0
        worker = builds.worker.pid
        for name in ("retitle", "move-theme", "retitle-an-about-page", "delete"):
            before = {p: p.stat().st_mtime_ns for p in root.rglob("*.md")}
            INCREMENTAL_CHANGES[name][1](root)
            changed = [p for p in root.rglob("*.md") if before.get(p) != p.stat().st_mtime_ns]
            changed += [p for p in before if not p.exists()]
            assert builds(changed_paths=changed) == 0, name
        # A problem shown on its page and listed on the home page, then fixed: neither is left behind.
        for old, new, shown in (("themes: [", "themes: [no-such-theme, ", True), ("themes: [no-such-theme, ", "themes: [", False)):
            edit(root / "essays" / "two.md", old, new)
            assert builds(changed_paths=[root / "essays" / "two.md"]) == 0
            for page in ("essays/two", "."):
                text = (tmp_path / "kept" / page / "index.html").read_text(encoding="utf-8")
                assert ("kb-preview-problems" in text) is shown, page
        new_essay(["--title", "A new essay", "--theme", "beta", "--docs", str(root), "--themes-file", str(root / "themes.yaml")])
        assert builds(changed_paths=[root / "essays" / "a-new-essay.md"]) == 0
        assert builds.worker.pid == worker and builds.builds == 8  # one application, built eight times
    finally:
        builds.stop()
    assert html_files(tmp_path / "kept") == html_files(fresh_preview(root, tmp_path / "fresh"))


@contextlib.contextmanager
def worker_in_thread(root: Path, out: Path):
    """``work``, the kept worker's loop, in a thread of this process (to look inside it): yields its
    end of the pipe; ends it on the way out."""
    ours, theirs = multiprocessing.Pipe()
    worker = threading.Thread(target=work, args=(Options(root, out, root, out.parent / f"{out.name}-doctrees",
                                                         "dirhtml", dict(PREVIEW), quiet=True), theirs))
    worker.start()
    try:
        yield ours
    finally:
        ours.send(False)
        worker.join()


def build_in(worker) -> None:
    """One build by the worker, waited for to the end of what it does after answering."""
    worker.send(True)
    assert worker.recv() == 0
    assert worker.recv() == "idle"


def test_a_kept_worker_reads_the_redirects_file_again_at_each_build(site_copy, tmp_path, cache_for_workers):
    """Pages read the section redirects once a build (permalinks.section_redirects), never the last
    build's: a renamed section's redirect, then a changed target, reach the page in the same process."""
    root = site_copy()
    page = tmp_path / "kept" / "essays" / "one" / "index.html"

    def section_redirects():
        found = re.search(r'id="kb-section-redirects">(.*?)</script>', page.read_text(encoding="utf-8"))
        return found and found.group(1)

    with worker_in_thread(root, tmp_path / "kept") as worker:
        build_in(worker)
        assert section_redirects() is None
        edit(root / "essays" / "one.md", "{#one-first}", "{#one-start}")
        (root / "redirects.yaml").write_text("/essays/one/#one-first: /essays/one/#one-start\n")
        build_in(worker)
        assert "#one-start" in section_redirects()
        (root / "redirects.yaml").write_text("/essays/one/#one-first: /essays/two/\n")
        build_in(worker)
        assert "essays/two/" in section_redirects() and "#one-start" not in section_redirects()


def test_the_worker_loads_the_sentence_model_while_the_author_reads_the_first_build(site_copy, tmp_path,
                                                                                  cache_for_workers, monkeypatch):
    """A first build whose sections were all in the vector cache needs no model; the first edit
    would then wait a second for it. The worker loads it between the answer and "idle"."""
    root = site_copy()
    fresh_preview(root, tmp_path / "warm")  # every section's vector in the cache
    monkeypatch.setattr(meaning, "LOADED_MODELS", {})
    with worker_in_thread(root, tmp_path / "kept") as worker:
        build_in(worker)
        assert meaning.embedding.Model in meaning.LOADED_MODELS


def test_the_worker_saves_the_environment_after_answering_and_a_new_build_starts_from_it(site_copy, tmp_path,
                                                                                         cache_for_workers):
    """The environment is pickled after the answer, not between reading and writing: what it saves
    is whole and current, so a fresh worker (the next after a failed build) reads nothing again."""
    root = site_copy()
    with worker_in_thread(root, tmp_path / "kept") as worker:
        build_in(worker)
        edit(root / "essays" / "two.md", "tags: [ttwo]", "tags: [ttwo, later]")
        build_in(worker)
    status = io.StringIO()
    with patch_docutils(str(root)), docutils_namespace():
        app = Sphinx(str(root), str(root), str(tmp_path / "kept"), str(tmp_path / "kept-doctrees"), "dirhtml",
                     confoverrides=dict(PREVIEW), status=status, warning=status)
        assert "later" in app.env.kb_essays["essays/two"]["tags"]  # saved after the edit
        app.build()
    assert "loading pickled environment..." in status.getvalue() and "failed" not in status.getvalue()
    assert re.search(r"\b0 added, 0 changed, 0 removed", status.getvalue()), status.getvalue()


def test_any_other_change_or_a_failed_build_starts_a_fresh_worker(site_copy, tmp_path, cache_for_workers):
    """What a build reads once when it starts (here the themes file) is read again, as by a new
    sphinx-build; a build that stops leaves no application half-updated for the next."""
    root = site_copy()
    builds = preview_builds(root, tmp_path / "kept")
    try:
        assert builds() == 0
        first = builds.worker.pid
        edit(root / "themes.yaml", "title: Alpha theme", "title: Alpha renamed")
        assert builds(changed_paths=[root / "themes.yaml"]) == 0
        assert builds.worker.pid != first and builds.builds == 1
        assert "Alpha renamed" in (tmp_path / "kept" / "themes" / "alpha" / "index.html").read_text(encoding="utf-8")

        outside = tmp_path / "outside.md"
        outside.write_text("# Outside\n", encoding="utf-8")
        (root / "essays" / "link.md").symlink_to(outside)  # refused by the source-tree check, every build
        assert builds(changed_paths=[root / "essays" / "link.md"]) != 0
        assert builds.worker is None
        (root / "essays" / "link.md").unlink()
        assert builds(changed_paths=[root / "essays" / "link.md"]) == 0
    finally:
        builds.stop()


def test_only_markdown_inside_the_source_folder_is_a_page_edit(tmp_path):
    options = Options(tmp_path / "docs", tmp_path / "out", tmp_path, tmp_path / "doctrees")
    assert options.page_only([tmp_path / "docs" / "essays" / "one.md", tmp_path / "docs" / "index.md"])
    assert not options.page_only([tmp_path / "docs" / "themes.yaml"])
    assert not options.page_only([tmp_path / "docs" / "one.md", tmp_path / "conf.py"])
    assert not options.page_only([tmp_path / "elsewhere.md"])
    assert not options.page_only([])  # the first build


def test_make_serve_rebuilds_a_saved_page_in_place_and_the_open_page_reloads(site_copy, tmp_path, cache_for_workers,
                                                                             browser):
    from sphinx_autobuild.utils import find_free_port

    root = site_copy()
    port = find_free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as sink:
        server = subprocess.Popen([sys.executable, "-m", "essay_kb", "serve", "-b", "dirhtml", "-c", str(root),
                                   "-d", str(tmp_path / "doctrees"), "-D", f"kb_dev_server=127.0.0.1:{port}",
                                   "--port", str(port), str(root), str(tmp_path / "preview")],
                                  cwd=REPO, stdout=sink, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/essays/two/"
        assert "Essay two" in wait_for(lambda: fetch(url), server, log)
        page = browser.new_page()
        blocked = []
        page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
        page.goto(url)
        page.wait_for_function("() => window.kbReloadReady = true")  # the page as first loaded
        edit(root / "essays" / "two.md", "# Essay two", "# Essay two, saved again")
        # The reload script (sphinx-autobuild's, allowed by the preview's policy) reloads the page
        # once the build is done: a new document, with the new title.
        page.wait_for_function("() => !window.kbReloadReady && document.querySelector('h1').textContent.includes('saved again')",
                               timeout=BUILD_TIMEOUT_S * 1000)
        assert not blocked, blocked
        page.close()
        text = log.read_text(encoding="utf-8")
        assert len(re.findall(r"^Running Sphinx v", text, re.M)) == 1, text  # built in place, not started again
        assert "0 added, 1 changed, 0 removed" in text
    finally:
        server.terminate()
        server.wait(timeout=60)


def fetch(url: str) -> str | None:
    """The page, or None while there is none to serve whole (not built yet, or being rewritten)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (OSError, http.client.HTTPException):
        return None


def wait_for(condition, server: subprocess.Popen, log: Path):
    """Until ``condition()`` holds, asked every 0.2 s; fails if the server ends first, or if it has
    not held after as long as the suite gives any build (a hang, not a slow machine)."""
    deadline = time.monotonic() + BUILD_TIMEOUT_S
    while not (result := condition()):
        if server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"make serve ended or hung ({server.poll()}):\n{log.read_text(encoding='utf-8')}")
        time.sleep(0.2)
    return result
