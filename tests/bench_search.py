"""Search figures for ``make bench`` (issue 6). Prints; asserts nothing.

1. The real site, built as ``make html`` builds it, served gzipped like a static host:
   - bytes a reader downloads for a first query (load an essay, put one query in the box, wait
     for the results; every response from search-index/ and the stemmer, as transferred), for
     each of the relevance queries, each in a fresh browser;
   - milliseconds from the last keystroke to the results on screen, once search has loaded
     (median and 90th percentile over the relevance queries);
   - recall@1, recall@3 and MRR of the tuning and the held-out queries (tests/relevance/) by essay
     and by section, side by side with issue 16's layers switched off and with Sphinx's own search
     (the same site built with it switched back on, its searchtools.js run on its searchindex.js in
     the same browser); held-out set 3 with and without those layers. The tests check this search's
     figures against floors; these comparisons are printed only here.
   - what an essay page transfers as it opens (gzipped, everything it loads by itself; issue 25's
     target 55 KB), and on a fresh essay page, the time from the first key typed to the first
     results (the search's code loads on first use) and from the last key to the whole question's.
2. A synthetic site of 1,000 essays (tests/synthetic.py), written in the real essays' words:
   first-query bytes (also with a quarter of the queries typed a key at a time) and keystroke
   times for the same lay queries, and the size of Sphinx's index for the same essays.

    .venv/bin/python -m tests.bench_search                # the real site, then 1,000 synthetic essays
    .venv/bin/python -m tests.bench_search --sizes        # the real site only
    .venv/bin/python -m tests.bench_search --sizes 100 1000
    .venv/bin/python -m tests.bench_search --page-only _build/html   # the essay page's weight and first key only
    KB_TYPING_MS=400 .venv/bin/python -m tests.bench_search   # type the keyed queries more slowly
"""

from __future__ import annotations

import argparse
import os
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the tests import conftest as pytest does

from essay_kb.search import BUNDLE_DIR, ENGINE_FILE, STEMMER_FILE  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, REPO, serve, sphinx_build  # noqa: E402
from tests.test_search_relevance import (HELD_OUT, HELD_OUT_2, HELD_OUT_3, LAYERS_OFF, QUERIES,  # noqa: E402
                                         held_out_3, rank, result_links, search_ranks, table)

TARGET_FIRST_QUERY_BYTES = 150_000
TARGET_KEYSTROKE_MS = 50
TARGET_ESSAY_PAGE_BYTES = 55_000  # issue 25: an essay page, everything it loads by itself, gzipped
ESSAY = "essays/friction-and-repair/"  # the essay Lighthouse measures (test_checkers.py)
FIRST_KEY_RUNS = 7
TYPING_DELAY_MS = 150  # between keys, typing quickly on a phone
PAUSE_MS = 1000        # longer than the longest pause kb-search.js waits for (TUNING.pauseMs)
TYPED_EVERY = 4        # typing every query key by key would take minutes
SPHINX_SEARCH_FILES = ("searchindex.js", "_static/searchtools.js", "_static/language_data.js",
                       "_static/documentation_options.js")

# A site built with Sphinx's own search: the real configuration, with this extension's search
# module left out (so Sphinx writes searchindex.js as it did before issue 6).
SPHINX_SEARCH_CONF = '''\
import runpy
from pathlib import Path
import essay_kb.search
essay_kb.search.setup = lambda app: None
_real = Path({conf!r})
globals().update({{k: v for k, v in runpy.run_path(str(_real)).items() if not k.startswith("__")}})
for _name, _value in list(globals().items()):  # file settings are relative to the real conf's folder
    if _name.startswith("kb_") and _name.endswith("_file") and isinstance(_value, str) and not Path(_value).is_absolute():
        globals()[_name] = str(_real.parent / _value)
'''

# Runs Sphinx's searchtools.js on a site's searchindex.js, outside any page's policy.
SPHINX_SEARCH_HARNESS = """<!doctype html>
<html data-content_root="./"><head><meta charset="utf-8">
<script>var SPHINX_HIGHLIGHT_ENABLED = false;</script>
<script src="_static/documentation_options.js"></script>
<script src="_static/language_data.js"></script>
<script src="_static/searchtools.js"></script>
</head><body><div id="search-progress"></div><div id="search-results"></div>
<script src="searchindex.js"></script></body></html>
"""

# Resolves with the milliseconds between the next keydown and the results list leaving aria-busy.
TIME_NEXT_SEARCH = """() => {
  const list = document.querySelector('[data-search-results]');
  window.__kbTiming = new Promise((resolve) => {
    let start = null;
    document.addEventListener('keydown', () => { start = performance.now(); }, { once: true, capture: true });
    const watch = new MutationObserver(() => {
      if (start !== null && list.getAttribute('aria-busy') === 'false') {
        watch.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - start));
      }
    });
    watch.observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
  });
}"""


# Resolves with {first, last}: the milliseconds from the first keydown to the first results on
# screen, and from the last keydown to the results of the whole question (the list holding hits
# and not busy). Installed before the page's own scripts run (an init script).
TIME_FIRST_KEYS = """
window.__kbFirstKeys = new Promise((resolve) => {
  let first = null, last = null, firstShown = null;
  document.addEventListener('keydown', () => { const now = performance.now(); if (first === null) first = now; last = now; }, true);
  const check = () => {
    const list = document.querySelector('[data-search-results]');
    if (first === null || !list || list.getAttribute('aria-busy') !== 'false' || !list.querySelector('a')) return;
    const now = performance.now();
    if (firstShown === null) firstShown = now - first;
    if (window.__kbTyped && !window.__kbDone) { window.__kbDone = true; resolve({ first: firstShown, last: now - last }); }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-busy'] });
  window.__kbCheck = check;
});
"""


def page_transfer(browser, url: str) -> tuple[int, dict[str, int]]:
    """Bytes a page transfers as it opens on a phone (every response until the network is idle,
    its body as sent: gzipped like a static host), and per file."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url, wait_until="networkidle")
    files = {urlsplit(r.url).path.rsplit("/", 1)[-1] or urlsplit(r.url).path: r.sizes()["responseBodySize"] for r in finished}
    context.close()
    return sum(files.values()), files


# Lighthouse's "slow 4G" for a phone: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}


def first_key_ms(browser, url: str, query: str, network: dict | None = None) -> list[dict]:
    """On a fresh essay page (a new browser context: nothing cached), click the sidebar's search box
    and type a question at once, a key every TYPING_DELAY_MS, as a reader who has just arrived:
    milliseconds from the first key to the first results, and from the last key to the results of
    the whole question, over FIRST_KEY_RUNS runs (``network``: Chromium's network emulation, for
    the whole visit). Every key must reach the box (none lost)."""
    runs = []
    for _ in range(FIRST_KEY_RUNS):
        context = browser.new_context(**DESKTOP)
        context.add_init_script(TIME_FIRST_KEYS)
        page = context.new_page()
        if network:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", network)
        page.goto(url, wait_until="load")
        box = page.locator("[data-search-input]")
        box.click()
        page.keyboard.type(query, delay=TYPING_DELAY_MS)
        page.evaluate("window.__kbTyped = true; window.__kbCheck()")
        runs.append(page.evaluate("window.__kbFirstKeys"))
        typed = box.input_value()
        context.close()
        if typed != query:
            raise AssertionError(f"keys lost: typed {query!r}, the box holds {typed!r}")
    return runs


def bench_page(browser, site: Path) -> None:
    """What an essay page carries, and the first key on it (issue 25)."""
    url, server = serve(site)
    try:
        total, files = page_transfer(browser, url + ESSAY)
        verdict = "within" if total <= TARGET_ESSAY_PAGE_BYTES else "OVER"
        print(f"  essay page ({ESSAY}) on a phone, everything it loads by itself: {total / 1000:.1f} KB gzipped in "
              f"{len(files)} files, {verdict} the target of {TARGET_ESSAY_PAGE_BYTES / 1000:.0f} KB")
        print("    largest files: " + ", ".join(f"{name} {size / 1000:.1f} KB"
                                                 for name, size in sorted(files.items(), key=lambda kv: -kv[1])[:8]))
        query = QUERIES[0]["query"]
        print(f"  first search on a fresh essay page (\"{query}\" typed a key every {TYPING_DELAY_MS} ms from the "
              f"click on the box, {FIRST_KEY_RUNS} runs each, no key lost):")
        for label, network in (("local network", None), ("slow 4G", SLOW_4G)):
            runs = first_key_ms(browser, url + ESSAY, query, network)
            first = statistics.median(r["first"] for r in runs)
            last = statistics.median(r["last"] for r in runs)
            print(f"    {label}: first key to first results median {first:.0f} ms (slowest "
                  f"{max(r['first'] for r in runs):.0f} ms); last key to results median {last:.0f} ms")
    finally:
        server.shutdown()


def wait_for_results(page) -> list[str]:
    return result_links(page)


def search_file(url: str) -> str | None:
    """The name of a file that only search loads (the index, the stemmer), or None."""
    path = urlsplit(url).path
    if f"/{BUNDLE_DIR}/" in path:
        return path.split(f"/{BUNDLE_DIR}/", 1)[1]
    for name in (STEMMER_FILE, ENGINE_FILE):  # the engine: loaded when search first opens (issue 25)
        if path.endswith(f"/_static/{name}"):
            return name
    return None


def first_query_bytes(browser, url: str, query: str, typed: bool = False) -> tuple[int, int, dict[str, int]]:
    """(bytes transferred, bytes after decompression, per file) of what search loads for one first
    query: filled in at once, or typed a key at a time as a reader does (the panel searches at
    every key)."""
    context = browser.new_context(**PHONE)
    responses = []
    context.on("response", lambda r: responses.append(r) if search_file(r.url) else None)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    if typed:
        page.locator("[data-search-input]").press_sequentially(query, delay=int(os.environ.get("KB_TYPING_MS", TYPING_DELAY_MS)))
    else:
        page.locator("[data-search-input]").fill(query)
    wait_for_results(page)
    page.wait_for_load_state("networkidle")
    files = {}
    decoded = 0
    for response in responses:
        files[search_file(response.url)] = response.request.sizes()["responseBodySize"]
        decoded += len(response.body())
    context.close()
    return sum(files.values()), decoded, files


def keystroke_ms(browser, url: str, queries: list[str]) -> list[float]:
    """For each query: type all but its last character, let that settle, then time the last key.

    The key comes after a pause, as the panel treats a key typed soon after the last one as part
    of a burst: files it still needs then wait for the reader to pause (kb-search.js).
    """
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(url + "search/", wait_until="networkidle")
    box = page.locator("[data-search-input]")
    box.fill("warm up")
    wait_for_results(page)
    times = []
    for query in queries:
        box.fill(query[:-1])
        wait_for_results(page)
        page.wait_for_timeout(PAUSE_MS)
        page.evaluate(TIME_NEXT_SEARCH)
        box.press(query[-1])
        times.append(page.evaluate("window.__kbTiming"))
    context.close()
    return times


def site_ranks(browser, url: str, queries: list[dict], layers: dict | None = None) -> list:
    context = browser.new_context(**DESKTOP)
    try:
        return [r for _, r in search_ranks(context, url, queries, layers)]
    finally:
        context.close()


def sphinx_ranks(browser, url: str, queries: list[dict]) -> list:
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(url + "bench-sphinx-search.html", wait_until="networkidle")
    ranks = []
    for query in queries:
        found = page.evaluate("""(q) => {
            const parsed = Search._parseQuery(q);
            return Search._performSearch(...parsed).reverse().map(r => '/' + r[0] + '/' + r[2]);
        }""", query["query"])
        ranks.append(rank(found, query["essay"], query.get("section")))
    context.close()
    return ranks


def build_with_sphinx_search(srcdir: Path, confdir: Path, work: Path) -> Path:
    conf = work / "sphinx-search-conf"
    conf.mkdir(parents=True)
    (conf / "conf.py").write_text(SPHINX_SEARCH_CONF.format(conf=str(confdir / "conf.py")), encoding="utf-8")
    out = work / "sphinx-search-html"
    sphinx_build(srcdir, out, "-j", "auto", confdir=conf, timeout=None)
    (out / "bench-sphinx-search.html").write_text(SPHINX_SEARCH_HARNESS, encoding="utf-8")
    return out


def sphinx_first_query(site: Path) -> str:
    """What Sphinx's search page fetches before it can rank (then it fetches each result page)."""
    raw = [(site / name).read_bytes() for name in SPHINX_SEARCH_FILES]
    sent = sum(len(gzip.compress(data, mtime=0)) for data in raw)
    return (f"{kib(sent)} gzipped ({kib(sum(map(len, raw)))} as files: searchindex.js "
            f"{kib(len(raw[0]))} and its scripts), then every result page it lists")


def kib(n: float) -> str:
    return f"{n / 1024:.1f} KiB"


def describe_bytes(label: str, measured: list[tuple[int, int, dict]]) -> None:
    sent = sorted(m[0] for m in measured)
    worst = max(measured, key=lambda m: m[0])
    within = sum(size <= TARGET_FIRST_QUERY_BYTES for size in sent)
    print(f"  {label}: median {kib(statistics.median(sent))}, largest {kib(sent[-1])} "
          f"(decompressed {kib(worst[1])}); {within} of {len(sent)} queries within the target of "
          f"{kib(TARGET_FIRST_QUERY_BYTES)}")
    groups: dict[str, int] = {}
    for name, size in worst[2].items():
        kind = name.split("/")[0] if "/" in name else re.sub(r"\.[a-z0-9_]+\.", ".*.", name)
        groups[kind] = groups.get(kind, 0) + size
    print("    largest, by file: " + ", ".join(f"{k} {kib(v)}" for k, v in sorted(groups.items(), key=lambda kv: -kv[1])))
    counts = sorted(len(m[2]) for m in measured)
    print(f"    files per first query (opening search included): {counts[0]} to {counts[-1]}"
          " (the same for every question when the index is loaded whole or in parts: issue 20)")


def describe_ms(label: str, times: list[float]) -> None:
    times = sorted(times)
    p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
    print(f"  {label}: median {statistics.median(times):.1f} ms, 90th percentile {p90:.1f} ms, "
          f"slowest {times[-1]:.1f} ms over {len(times)} queries (target {TARGET_KEYSTROKE_MS} ms)")


def relevance_table(ours: list, off: list, sphinx: list) -> None:
    print("\n".join(table([("this site", ours), ("this site, issue 16's layers off", off),
                           ("Sphinx's built-in search", sphinx)])))


def bench_real_site(browser, work: Path) -> None:
    site = work / "real-html"
    sphinx_build(REPO / "docs", site, confdir=REPO, timeout=None)
    sphinx_site = build_with_sphinx_search(REPO / "docs", REPO, work)
    url, server = serve(site)
    sphinx_url, sphinx_server = serve(sphinx_site)
    try:
        queries = [q["query"] for q in QUERIES]
        print(f"\nThe real site ({sum(1 for _ in (site / 'essays').glob('*/index.html'))} essays), "
              f"{len(queries)} lay queries from tests/relevance/")
        bench_page(browser, site)
        measured = [first_query_bytes(browser, url + "essays/people-pleasing/", q) for q in queries]
        describe_bytes("first query, search files transferred", measured)
        print(f"  Sphinx's search, first query: {sphinx_first_query(sphinx_site)}")
        describe_ms("keystroke to results", keystroke_ms(browser, url, queries))
        bench_model(browser, site, url, queries)
        sets = [("the tuning queries", QUERIES), ("the held-out queries", HELD_OUT),
                ("the second held-out set", HELD_OUT_2), ("both held-out sets", HELD_OUT + HELD_OUT_2)]
        for name, chosen in sets:
            print(f"  relevance, {name} ({len(chosen)}):")
            relevance_table(site_ranks(browser, url, chosen), site_ranks(browser, url, chosen, LAYERS_OFF),
                            sphinx_ranks(browser, sphinx_url, chosen))
        print(f"  relevance, held-out set 3 ({len(HELD_OUT_3)}; every acceptable page and section counts):")
        for layers, label in ((None, "this site"), (LAYERS_OFF, "this site, issue 16's layers off")):
            print(f"    {label}: {held_out_3(browser, url, layers)[1]}")
    finally:
        server.shutdown()
        sphinx_server.shutdown()


def model_load_s(browser, url: str, slowdown: int = 1) -> float:
    """Seconds from the reader's asking for meaning to the model being ready, in Chromium (a fresh
    context: nothing cached), CPU slowed ``slowdown`` times as Chromium's devtools do."""
    context = browser.new_context()
    page = context.new_page()
    try:
        if slowdown > 1:
            page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        page.goto(url + "search/")
        start = time.perf_counter()
        page.locator("[data-search-meaning] button").click()
        page.wait_for_selector('[data-search-model="ready"]', state="attached", timeout=600_000)
        return time.perf_counter() - start
    finally:
        context.close()


def bench_model(browser, site: Path, url: str, queries: list[str]) -> None:
    """The sentence model in the reader's browser: what it downloads (gzipped as a host sends it),
    how long it takes to load, and milliseconds per question (Node, on the same runtime)."""
    import json
    import subprocess
    from essay_kb import embedding
    folder = site / "_static" / "kb-model"
    sizes = {p.name: len(gzip.compress(p.read_bytes(), 6)) for p in sorted(folder.iterdir())}
    print(f"  meaning model, downloaded on the reader's request: {sum(sizes.values()) / 1e6:.1f} MB gzipped ("
          + ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in sizes.items()) + ")")
    print(f"  meaning model, load in Chromium: {model_load_s(browser, url):.1f} s; "
          f"with 4x CPU slowdown {model_load_s(browser, url, 4):.1f} s (served from 127.0.0.1: no network time)")
    result = subprocess.run(["node", str(REPO / "tests" / "js" / "model-runner.js"), str(embedding.model_path()),
                             str(embedding.tokenizer_path())], input=json.dumps(queries), capture_output=True, text=True)
    if result.returncode == 0:
        ran = json.loads(result.stdout)
        print(f"  meaning model, per question (Node, onnxruntime-web WebAssembly, one thread): {ran['msPerText']:.0f} ms "
              f"on average over {len(queries)} questions; session created in {ran['loadMs'] / 1000:.1f} s")
    else:
        print(f"  meaning model, per question: not measured ({result.stderr.strip()[:200]})")


def bench_synthetic(browser, work: Path, n: int) -> None:
    try:
        from tests.synthetic import write_corpus
    except ImportError:
        print(f"\n{n} synthetic essays: skipped, tests/synthetic.py (write_corpus) is not there yet")
        return
    src = write_corpus(work / f"synthetic-{n}", n)
    site = work / f"synthetic-{n}-html"
    sphinx_build(src, site, "-j", "auto", confdir=src, timeout=None)
    sphinx_site = build_with_sphinx_search(src, src, work / f"synthetic-{n}-sphinx")
    url, server = serve(site)
    try:
        # The lay queries: the synthetic essays are written in the real essays' words (synthetic.py).
        queries = [q["query"] for q in QUERIES] + ["cancelled session"]  # the last: tests/bench.py's query
        print(f"\n{n} synthetic essays, {len(queries)} queries: the lay queries, and \"cancelled session\"")
        first_essay = sorted((site / "essays").glob("essay-*/index.html"))[0].parent.name
        measured = [first_query_bytes(browser, f"{url}essays/{first_essay}/", q) for q in queries]
        describe_bytes("first query, search files transferred", measured)
        typed = [first_query_bytes(browser, f"{url}essays/{first_essay}/", q, typed=True) for q in queries[::TYPED_EVERY]]
        describe_bytes(f"the same, typed a key every {TYPING_DELAY_MS} ms (every {TYPED_EVERY}th query)", typed)
        print(f"  Sphinx's search, first query: {sphinx_first_query(sphinx_site)}")
        describe_ms("keystroke to results", keystroke_ms(browser, url, queries))
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000],
                        help="synthetic corpus sizes to measure (none: the real site only)")
    parser.add_argument("--page-only", type=Path, metavar="SITE",
                        help="only the essay page's weight and first key, for a site already built (such as an "
                             "older commit's _build/html, to compare)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")
    if args.page_only:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            print(f"{args.page_only}:")
            bench_page(browser, args.page_only)
            browser.close()
        return
    with tempfile.TemporaryDirectory(prefix="kb-bench-search-") as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        work = Path(tmp)
        bench_real_site(browser, work)
        for n in args.sizes:
            (work / str(n)).mkdir()
            bench_synthetic(browser, work / str(n), n)
        browser.close()


if __name__ == "__main__":
    main()
