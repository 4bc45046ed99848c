"""Shared fixtures: Sphinx's own test fixtures on tiny roots, and one build of the real site."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
sys.path.insert(0, str(REPO))
# Tests read Sphinx's messages as plain text. Sphinx colours them when CI=true (as CI services set)
# or FORCE_COLOR is set, even into a pipe; NO_COLOR wins over both, in this process and in every
# build, preview server or make a test starts.
os.environ["NO_COLOR"] = "1"


def pytest_configure(config):
    """One BLAS thread in every test process (numpy's OpenBLAS, here and in every build a test
    starts), set before a test module imports numpy and before pytest-xdist starts its workers,
    which inherit it. `make test` runs a worker per core, so OpenBLAS's thread per core made two for
    each core, and its threads spin while they wait: with the other core busy, the meaning layer's
    eigendecomposition took three times as long (tests/test_harness.py checks the count). The
    sentence model's ONNX Runtime threads likewise (essay_kb.embedding.model_threads). Set here,
    not when this file is imported: `make bench` imports it too, and its builds keep every core."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def rootdir():
    return ROOTS


BUILD_TIMEOUT_S = 20 * 60


def sphinx_build(srcdir: Path, outdir: Path, *extra: str, confdir: Path | None = None, check: bool = True,
                 quiet: bool = True, stand_in_vectors: Path | None = None, in_process: bool | None = None,
                 timeout: float | None = BUILD_TIMEOUT_S) -> subprocess.CompletedProcess:
    """Run sphinx-build as the Makefile does (dirhtml, warnings are errors); ``quiet`` keeps only
    the warnings (no information lines). ``stand_in_vectors``: a cache folder of its own, filled with
    stand-in vectors instead of running the sentence model (tests/bench_stand_in.py), for a test
    about something the vectors do not touch (sizes, a sidebar) on a corpus too large to embed quickly.
    ``in_process``: built in this process (``build_in_process``: the same build without a new Python
    for each, a second instead of three for a test root). By default (None) only a test root's first
    build into a new folder is; these run sphinx-build: a build into an existing folder (a build after
    a build, which tests an incremental build as `make html` runs it), the real site (``confdir``), a
    parallel build (``-j``: its workers would be forks of the test's process) and stand-in vectors
    (which replace the model in the process that builds). ``timeout``: seconds before the build is
    taken for hung and fails (None for benchmarks, whose large builds are meant to take long)."""
    parallel = any(arg.startswith(("-j", "--jobs")) for arg in extra)
    if in_process is None:
        in_process = confdir is None and not Path(outdir).exists() and "-d" not in extra
    in_process = in_process and not stand_in_vectors and not parallel
    runner = "tests.bench_stand_in" if stand_in_vectors else "sphinx"
    args = [sys.executable, "-m", runner, "-b", "dirhtml", "-W", "--keep-going", "-n", *(["-q"] if quiet else [])]
    if confdir is not None:
        args += ["-c", str(confdir)]
    args += [*extra, str(srcdir), str(outdir)]
    # Every test build shares one cache of sentence vectors (essay_kb/meaning.py): a text is
    # embedded once, whichever build meets it first.
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "KB_EMBEDDING_CACHE": str(stand_in_vectors) if stand_in_vectors else
           os.environ.get("KB_EMBEDDING_CACHE", str(REPO / "_build" / "embeddings"))}
    if in_process:
        result = build_in_process(args, env, timeout)
    else:
        result = run_bounded(args, env, timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"build failed:\n{result.stdout}\n{result.stderr}")
    return result


def run_bounded(args: list[str], env: dict, timeout: float | None) -> subprocess.CompletedProcess:
    """``subprocess.run(args)``, but a build still running after ``timeout`` seconds is killed with
    every process it started, and fails with what it printed. A bound, so that a build which never
    ends fails its test instead of holding a worker: when a parallel read fails, sphinx-build's
    parent can wait forever for a child blocked on a pipe (sphinx/util/parallel.py). Its own session
    (process group) is what lets the workers be killed with it."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except BaseException as stopped:  # the timeout, or the run interrupted (Ctrl-C): nothing left running
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        if isinstance(stopped, subprocess.TimeoutExpired):
            raise AssertionError(f"the build was still running after {timeout:.0f} s and was stopped, "
                                 f"with its workers:\n{stdout}\n{stderr}") from None
        raise
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


class KeptTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the next build in this process (``build_in_process``): each build
    otherwise compiles Furo's and the extension's templates again, a tenth of a small build. Jinja
    checks a kept template against its source's checksum, so a changed template is compiled again."""

    compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def with_kept_templates(init):
    """The extension's template loader's ``init``, its Jinja environment given ``KeptTemplates``."""
    def kept_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.environment.bytecode_cache = KeptTemplates()
    return kept_init


class BuildTimedOut(BaseException):
    """Not an Exception: sphinx-build's own handler (build_main) would report it as the build's error."""


def build_in_process(args: list[str], env: dict, timeout: float | None = BUILD_TIMEOUT_S) -> subprocess.CompletedProcess:
    """What ``subprocess.run(args)`` of sphinx-build gives, run in this process: the same argument
    parsing, build and error handling (sphinx.cmd.build.build_main), without a Python starting and
    importing Sphinx for each build (about half of a small build), and with the templates compiled
    once (``KeptTemplates``)."""
    import contextlib
    import io
    from unittest import mock

    from sphinx.cmd.build import build_main

    from essay_kb.privacy import PrivateTemplateBridge

    def stop(signum, frame):  # a bound, as run_bounded's: a build that never ends fails its test
        raise BuildTimedOut(f"the build was still running after {timeout:.0f} s and was stopped")

    stdout, stderr = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ["KB_EMBEDDING_CACHE"] = env["KB_EMBEDDING_CACHE"]
    os.chdir(REPO)
    saved_alarm = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, timeout or 0)
    try:
        with (contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr),
              mock.patch.object(PrivateTemplateBridge, "init", with_kept_templates(PrivateTemplateBridge.init))):
            code = build_main([*args[3:], "--no-color"])
    except SystemExit as stopped:  # the extension ends a build whose settings are wrong this way
        code = stopped.code if isinstance(stopped.code, int) else 1
    except BuildTimedOut as stopped:
        raise AssertionError(f"{stopped}:\n{stdout.getvalue()}\n{stderr.getvalue()}") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, saved_alarm)
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(args, code, stdout.getvalue(), stderr.getvalue())


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old``, which must occur exactly once in the file, with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}, not once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def copy_root(parent: Path, name: str = "test-basic") -> Path:
    """A fresh copy of a test root under ``parent``, to change at will; returns its path."""
    dest = parent / name
    shutil.copytree(ROOTS / name, dest)
    return dest


def build_copy(tmp_path_factory, prepare=None, *extra: str) -> Path:
    """Copy tests/roots/test-basic, let ``prepare(root)`` change the copy, build it; returns the output."""
    root = copy_root(tmp_path_factory.mktemp("src"))
    if prepare:
        prepare(root)
    out = tmp_path_factory.mktemp("out")
    sphinx_build(root, out, *extra)
    return out


@pytest.fixture
def site_copy(tmp_path):
    """A fresh copy of a test root to mutate: site_copy('test-basic') -> its path."""
    return lambda name="test-basic": copy_root(tmp_path, name)


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory) -> Path:
    """tests/roots/test-basic built once per session (read-only: mutate a site_copy instead)."""
    return build_copy(tmp_path_factory)


def built_once(tmp_path_factory, name: str, build) -> Path:
    """A folder ``build(folder)`` fills, made once per test run even when pytest-xdist's workers
    share the run (`make test` runs `-n auto`): the first worker to ask builds it, the others wait
    on a lock and reuse it. Read-only for the tests."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    folder = tmp_path_factory.getbasetemp().parent / name  # the run's folder, shared by its workers
    with open(f"{folder}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even if the build fails
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / ".built").touch()
    return folder


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real knowledge base, built once per test run exactly as `make html` builds it."""
    return built_once(tmp_path_factory, "site", lambda folder: sphinx_build(REPO / "docs", folder / "html", confdir=REPO)) / "html"


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
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


def settled(page) -> None:
    """The page loaded (its load event: its deferred scripts have run and "pageshow" has fired), and
    then no request for half a second. Playwright's "networkidle" alone can come first: it counts
    only requests, so on a busy machine, every file fetched while the page's scripts still waited to
    run, it came before the page had loaded (a CI run typed into the safety plan before the plan's
    script started, and the script's start, which then wiped every field, took the words away)."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")


# Resolves once a scroll that has begun comes to rest (the same position two frames running).
SCROLL_ENDED = """() => new Promise(resolve => {
  let last = -1;
  const frame = () => { if (window.scrollY === last) resolve(); else { last = window.scrollY; requestAnimationFrame(frame); } };
  requestAnimationFrame(frame);
})"""


def wheel_down(page, pixels: int) -> None:
    """The mouse wheel turned, and the page's (smooth) scroll begun and come to rest."""
    before = page.evaluate("window.scrollY")
    page.mouse.wheel(0, pixels)
    page.wait_for_function("before => window.scrollY > before", arg=before)
    page.evaluate(SCROLL_ENDED)


def serve(directory: Path, prefix: str = "/"):
    """Serve a folder on 127.0.0.1 (a free port) in a thread, as a static host such as GitHub Pages
    does: under ``prefix`` (a project site lives at /<repository>/), text gzipped, and a missing
    address answered with the site's 404.html and status 404. Returns (base_url, server)."""
    import functools
    import gzip
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlsplit

    not_found = directory / "404.html"

    class StaticHost(SimpleHTTPRequestHandler):
        COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

        def log_message(self, *args):
            pass

        def end_headers(self):
            # LinkChecker paces itself to about 3 requests a second per host unless the host answers
            # with this header; then its maxrequestspersecond setting applies (test_checkers.py).
            self.send_header("LinkChecker", "this test server may be checked at full speed")
            super().end_headers()

        def translate_path(self, path):
            path = urlsplit(path).path
            if not path.startswith(prefix):
                return str(directory / "(outside the site)")  # no such file: a 404
            return super().translate_path("/" + path[len(prefix):])

        def do_GET(self):
            url_path = urlsplit(self.path).path
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

        def send_error(self, code, message=None, explain=None):
            if code != 404 or not not_found.is_file():
                return super().send_error(code, message, explain)
            body = not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    class Host(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # A browser that stops a download (a page closed or left mid-load) is not the host's error.
            if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                super().handle_error(request, client_address)

    server = Host(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}{prefix}", server


# Collected in the page before any of its own scripts run (Playwright's init scripts are exempt
# from the page's policy).
WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


class Recorder:
    """Every request a browser context makes; any to another host is answered with an error, so
    nothing leaves the machine even when a test fails. Pages it watches also keep their policy
    violations (``window.__violations``) and their console errors (``console``)."""

    def __init__(self, context, site_url: str):
        from urllib.parse import urlsplit

        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
        self.requests: list[str] = []
        self.console: list[str] = []
        context.route("**/*", self.handle)
        context.add_init_script(WATCH_POLICY)

    def handle(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    @property
    def strangers(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.origin + "/", "data:", "blob:"))]

    def watch(self, page):
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console.append(f"uncaught: {e}"))
        return page


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
