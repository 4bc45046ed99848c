"""Shared fixtures: Sphinx's own test fixtures on tiny roots, and one build of the real site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def rootdir():
    return ROOTS


def sphinx_build(srcdir: Path, outdir: Path, *extra: str, confdir: Path | None = None,
                 check: bool = True) -> subprocess.CompletedProcess:
    """Run sphinx-build as the Makefile does (dirhtml, warnings are errors)."""
    args = [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-W", "--keep-going", "-n", "-q"]
    if confdir is not None:
        args += ["-c", str(confdir)]
    args += [*extra, str(srcdir), str(outdir)]
    # Every test build shares one cache of sentence vectors (essay_kb/meaning.py): a text is
    # embedded once, whichever build meets it first.
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "KB_EMBEDDING_CACHE": os.environ.get("KB_EMBEDDING_CACHE", str(REPO / "_build" / "embeddings"))}
    result = subprocess.run(args, capture_output=True, text=True, cwd=REPO, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"build failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def site_copy(tmp_path):
    """A fresh copy of a test root to mutate: site_copy('test-basic') -> its path."""
    def make(name: str = "test-basic") -> Path:
        dest = tmp_path / name
        shutil.copytree(ROOTS / name, dest)
        return dest
    return make


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory) -> Path:
    """tests/roots/test-basic built once per session (read-only: mutate a site_copy instead)."""
    src = tmp_path_factory.mktemp("basic-src") / "root"
    shutil.copytree(ROOTS / "test-basic", src)
    out = tmp_path_factory.mktemp("basic-out")
    sphinx_build(src, out)
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real knowledge base, built once per test session exactly as `make html` builds it."""
    out = tmp_path_factory.mktemp("site") / "html"
    sphinx_build(REPO / "docs", out, confdir=REPO)
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in {".html", ".xml", ".txt"}
            and not p.name.startswith(".") and "_sources" not in p.parts}


# -- browser tests: Debian's Chromium driven by Playwright, against the site on 127.0.0.1 -------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (a free port) in a thread, gzipping text as static hosts
    such as GitHub Pages do; returns (base_url, server)."""
    import functools
    import gzip
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class StaticHost(SimpleHTTPRequestHandler):
        COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

        def log_message(self, *args):
            pass

        def do_GET(self):
            url_path = self.path.split("?", 1)[0].split("#", 1)[0]
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                if not url_path.endswith("/"):
                    return super().do_GET()  # redirects to the address with a trailing slash
                path = path / "index.html"
            if "gzip" in self.headers.get("Accept-Encoding", "") and path.suffix in self.COMPRESSIBLE and path.is_file():
                body = gzip.compress(path.read_bytes(), mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def browser():
    import os
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does this)"
        if os.environ.get("KB_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site_url(real_site):
    url, server = serve(real_site)
    yield url
    server.shutdown()


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(**DESKTOP)
    yield context
    context.close()
