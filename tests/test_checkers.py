"""Evidence from tools no one on this project wrote: axe-core, the Nu HTML Checker, LinkChecker,
Lighthouse. Each runs against the real site as built by `make html`. (The links to sections are
checked here with a parser instead of LinkChecker's anchor plugin, which was two minutes of work.)"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, VIEWPORTS

NODE_MODULES = REPO / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The JIT's quick tier only: one run checks ~80 pages, too short for the optimising compiler to repay
# its work (half the CPU time, the same report). That tier's deeper frames need more than Java's
# default 1 MB thread stack for the checker's schema (it says "StackOverflowError" otherwise).
NU_CHECKER_JVM = ["-XX:TieredStopAtLevel=1", "-Xss8m"]
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
COLOUR_RULES = ["color-contrast", "link-in-text-block"]  # the rules among those tags that judge colours
PAGE_TYPES = {
    "home": "",
    "theme": "themes/therapy-relationship/",
    "essay": "essays/friction-and-repair/",
    "glossary": "glossary/",
    "links": "links/",
    "search": "search/",
    "404": "404.html",
    "help: thinking about suicide": "help/thinking-about-suicide/",
    "help: not safe at home": "help/not-safe-at-home/",
    "help: reading safely": "help/reading-safely/",
    "search help card": "search/",
    # A reading list, and a list being put together (its panel opened) on the directory and an essay.
    "reading list": "reading-list/#s=why-a-cancelled-session-hurts.signs-you-may-be-ready-to-end-therapy&n=Read+this+first",
    "links with a list": "links/#s=why-a-cancelled-session-hurts.signs-you-may-be-ready-to-end-therapy",
    "essay with a list": "essays/friction-and-repair/#s=why-friction-happens-in-therapy",
    # The safety plan, filled in; and the crisis notice opened onto another country's lines.
    "help: safety plan": "help/safety-plan/",
    "crisis notice opened": "essays/friction-and-repair/",
}
CI = bool(os.environ.get("CI") or os.environ.get("KB_REQUIRE_BROWSER"))


def need(path, what):
    if not path.exists():
        message = f"{what} is missing ({path}): `make test` runs `npm ci` to install it"
        pytest.fail(message) if CI else pytest.skip(message)


def open_reading_list(page):
    """A reading list fully shown (its sections, QR code), or a list's panel opened."""
    if page.locator("[data-reading-list]").count():
        page.wait_for_selector('[data-reading-list-items][aria-busy="false"]', state="attached")
        return
    page.wait_for_selector("[data-reading-list-panel]")
    page.wait_for_load_state("networkidle")  # the picks are named from the section map
    toggle = page.locator(".kb-rl-toggle")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def open_search_results(page, query="cancelled session"):
    """On the search page, type a query so the results are open when axe runs."""
    box = page.locator("[data-search-input]").first
    box.fill(query)
    page.wait_for_selector("[data-search-results] a", timeout=10_000)


def open_search_help(page):
    """A query that expresses risk: search's help card above the results."""
    open_search_results(page, "thinking about suicide")
    page.wait_for_selector("[data-search-crisis]")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_axe_finds_no_wcag_violations(browser, site_url, kind, viewport):
    """Each page in the light scheme, then the same page switched to the dark one (as a reader's
    system setting does; the site keeps no colour choice), so axe is loaded once for both. In the
    dark one only the rules that judge colours run again: the scheme changes the page's colours and
    nothing else (every rule's verdict and node count was the same in both, for every page here,
    on December 7), and the rest would cost a third of the test's time on the link directory."""
    need(AXE, "axe-core")
    # bypass_csp: axe is injected as an inline script, which the site's own policy rightly forbids.
    context = browser.new_context(**VIEWPORTS[viewport], color_scheme="light", bypass_csp=True)
    page = context.new_page()
    response = page.goto(site_url + PAGE_TYPES[kind])
    assert response.status == 200
    if kind == "search":
        open_search_results(page)
    elif kind == "search help card":
        open_search_help(page)
    elif "list" in kind:
        open_reading_list(page)
    elif kind == "help: safety plan":
        page.locator("[data-plan-field]").first.fill("I stop answering messages")
    elif kind == "crisis notice opened":
        for toggle in ("[data-crisis-more] > summary", "[data-help-abroad] > summary", '[data-help-country="GB"] > summary'):
            page.locator(f"[data-crisis-notice] {toggle}").click()
    page.add_script_tag(path=str(AXE))
    violations, backgrounds = {}, set()
    for scheme, run_only in (("light", {"type": "tag", "values": WCAG_TAGS}), ("dark", {"type": "rule", "values": COLOUR_RULES})):
        page.emulate_media(color_scheme=scheme)
        backgrounds.add(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))
        result = page.evaluate("runOnly => axe.run(document, {runOnly, resultTypes: ['violations']})", run_only)
        violations[scheme] = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        judged = {r["id"] for key in ("passes", "violations", "incomplete") for r in result[key]}
        assert "color-contrast" in judged, f"no text's contrast was judged in the {scheme} scheme"
    context.close()
    assert len(backgrounds) == 2  # the page's colours did change
    assert violations == {"light": [], "dark": []}


def nu_checker_errors(folder: Path) -> list[tuple]:
    """The Nu HTML Checker's errors for every page under ``folder``: (page's path under it, line, message)."""
    need(VNU, "vnu-jar")
    if not shutil.which("java"):
        pytest.fail("java is missing: apt-get install default-jre-headless") if CI else pytest.skip("no java")
    result = subprocess.run(["java", *NU_CHECKER_JVM, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
                             str(folder)], capture_output=True, text=True)
    # Its report, always (an empty list when the pages are clean): anything else is the checker failing.
    assert result.stderr.startswith('{"version"'), (result.stdout + result.stderr)[-2000:]
    messages = json.loads(result.stderr)["messages"]
    return [(m.get("url", "").removeprefix(f"file:{folder}/"), m.get("lastLine"), m["message"])
            for m in messages if m["type"] == "error"]


def test_nu_html_checker_reports_no_errors(real_site):
    assert nu_checker_errors(real_site) == []


def test_nu_html_checker_as_run_here_finds_a_misnested_tag(tmp_path):
    """The checker, with the JVM settings above, still reads and reports a page's errors."""
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>text</p></body></html>\n')
    errors = nu_checker_errors(tmp_path)
    assert errors and all(page == "page/index.html" and line == 1 for page, line, _ in errors), errors


def test_linkchecker_finds_no_broken_links(site_url, tmp_path):
    # Anchors are checked by the next test: LinkChecker's anchor plugin parses the whole target page
    # again for every link to a section (about 620 here), which took 2 of the suite's 20 CPU-minutes.
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nthreads=4\nmaxrequestspersecond=1000\n[filtering]\ncheckextern=0\n")
    result = subprocess.run(
        [sys.executable, "-m", "linkcheck", "--config", str(config), "--no-status", "-o", "csv", site_url],
        capture_output=True, text=True)
    broken = [line for line in result.stdout.splitlines() if line and not line.startswith("#") and ";True;" not in line
              and not line.startswith("urlname")]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 errors found" in result.stdout or not broken, broken[:10]


def broken_anchors(site: Path) -> list[str]:
    """Every link within the site to a fragment the target page has no element for ("page -> href"),
    each page parsed once by Lexbor (the WHATWG parser the build's own checks use), as a browser finds
    a fragment: an element's id, or an <a>'s name. ``#`` and ``#top`` are the top of a page."""
    from urllib.parse import unquote, urljoin, urlsplit

    from selectolax.lexbor import LexborHTMLParser

    def address(path: Path) -> str:
        relative = path.relative_to(site).as_posix()
        return "/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)

    pages = {address(path): LexborHTMLParser(path.read_text(encoding="utf-8")) for path in sorted(site.rglob("*.html"))}
    ids = {url: {node.attributes.get("id") for node in tree.css("[id]")} | {node.attributes.get("name") for node in tree.css("a[name]")}
           for url, tree in pages.items()}
    broken = []
    for url, tree in pages.items():
        for link in tree.css("a[href]"):
            href = link.attributes.get("href") or ""
            target = urlsplit(urljoin("http://site" + url, href))
            if target.netloc != "site" or not target.fragment or target.fragment == "top" or target.path not in ids:
                continue
            if unquote(target.fragment) not in ids[target.path]:
                broken.append(f"{url} -> {href}")
    return broken


def test_every_link_to_a_section_lands_on_it(real_site):
    assert broken_anchors(real_site) == []


def test_a_link_to_a_missing_section_is_found(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/#there">ok</a> <a href="a/#gone">gone</a> <a href="#">top</a>'
                                         ' <a href="#here">self</a><h2 id="here">Here</h2>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<p id="there">x</p><a href="../#nowhere">back</a>', encoding="utf-8")
    assert broken_anchors(tmp_path) == ["/a/ -> ../#nowhere", "/ -> a/#gone"]


LIGHTHOUSE_CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking"
                           " --disable-component-update --disable-sync")


def lighthouse(url: str, report: Path, *flags: str) -> dict:
    """One Lighthouse run on phone settings (its default), as parsed JSON. The ``host_benchmark_index``
    fixture has checked that Lighthouse is wanted and installed."""
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                    f"--chrome-flags={LIGHTHOUSE_CHROME_FLAGS}", *flags],
                   check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, timeout=240)
    return json.loads(report.read_text())


def phone_cpu_slowdown(benchmark_index: float) -> float:
    """How much to slow this host's CPU so it runs like Lighthouse's mid-tier phone, from the host's
    benchmark index, by Lighthouse's published calibration ("Calibrating the CPU slowdown" in its
    docs/throttling.md and the calculator it links: 150 is 1x, 800 is 2x, 1,300 is 3x, then one more
    for every 233). Lighthouse's fixed default, 4x, is that calibration on a desktop of about 1,533,
    and Lighthouse itself warns that a slower host lowers the score. Written here because Lighthouse
    publishes the line but ships no function for it."""
    if benchmark_index < 150:
        pytest.fail(f"this host's benchmark index is {benchmark_index:.0f}: slower than the phone Lighthouse "
                    "emulates, so no CPU slowdown can emulate it; run Lighthouse on a faster machine")
    if benchmark_index < 800:
        return 1 + (benchmark_index - 150) / 650
    if benchmark_index < 1300:
        return 2 + (benchmark_index - 800) / 500
    return 3 + (benchmark_index - 1300) / 233


def test_phone_cpu_slowdown_follows_lighthouses_calibration():
    assert phone_cpu_slowdown(1533) == pytest.approx(4, abs=0.01)  # Lighthouse's default host
    assert [phone_cpu_slowdown(i) for i in (150, 800, 1300, 2000)] == pytest.approx([1, 2, 3, 6], abs=0.01)
    assert phone_cpu_slowdown(1000) == pytest.approx(2.4)


@pytest.fixture(scope="module")
def host_benchmark_index(browser):
    """This host's CPU as Lighthouse measures it: Lighthouse's own benchmark (the page function it runs
    before each audit, read from the installed package) run seven times in Chromium, the median. One
    Lighthouse run's index alone wandered from 1,028 to 1,576 on this machine within two minutes.
    Every Lighthouse test asks for it, so it is where they skip or fail without Lighthouse."""
    if not os.environ.get("KB_FULL_CHECKS"):
        pytest.skip("set KB_FULL_CHECKS=1 (as .ci/run does) to run Lighthouse")
    need(LIGHTHOUSE, "lighthouse")
    source = subprocess.run(
        ["node", "--input-type=module", "-e", "import {pageFunctions} from 'lighthouse/core/lib/page-functions.js';"
         " console.log(pageFunctions.computeBenchmarkIndex.toString());"],
        cwd=REPO, capture_output=True, text=True, check=True, timeout=60).stdout
    page = browser.new_page()
    indexes = sorted(page.evaluate(f"({source})()") for _ in range(7))
    page.close()
    print("benchmark indexes", [round(index) for index in indexes])
    return indexes[len(indexes) // 2]


@pytest.mark.slow
@pytest.mark.alone
@pytest.mark.parametrize("kind", ["home", "theme", "essay"])
def test_lighthouse_scores_100(site_url, kind, tmp_path, host_benchmark_index):
    """Slow (about 15 s a run): runs in .ci/run (KB_FULL_CHECKS=1) and on demand. Alone (make test
    runs it after the rest): its throttled phone scores blocking time from the trace it records, and
    a build on the other core lengthened every task (performance 75 to 98 beside the suite, 100 alone).

    The phone is the same on every host: Lighthouse's default 4x CPU slowdown assumes a desktop with a
    benchmark index near 1,533, and a shared 2-core machine measures 870 to 1,580 (Lighthouse warns
    below 1,000), so at 4x it emulated a phone slower than Lighthouse's own and one CI run scored 99,
    91, 99 on an essay. The slowdown is calibrated from the host's index as Lighthouse's docs say.
    Each score is the median of three runs, as Lighthouse's guidance on variability advises; once two
    runs agree the third cannot change the median, so it is not run."""
    slowdown = phone_cpu_slowdown(host_benchmark_index)
    runs = []
    while len(runs) < 3 and not (len(runs) == 2 and runs[0][0] == runs[1][0]):
        result = lighthouse(site_url + PAGE_TYPES[kind], tmp_path / f"report-{len(runs)}.json",
                            "--only-categories=performance,accessibility,best-practices,seo",
                            f"--throttling.cpuSlowdownMultiplier={slowdown:.2f}")
        runs.append(({name: round(cat["score"] * 100) for name, cat in result["categories"].items()}, result["audits"]))
        metrics = {key: round(result["audits"][key]["numericValue"]) for key in
                   ("first-contentful-paint", "largest-contentful-paint", "speed-index", "total-blocking-time")}
        print(kind, runs[-1][0], f"benchmark index {result['environment']['benchmarkIndex']:.0f}"
              f" (calibrated on {host_benchmark_index:.0f}: CPU slowdown {slowdown:.2f}x)", metrics)
    scores = {name: sorted(run[0][name] for run in runs)[len(runs) // 2] for name in runs[0][0]}
    failing = {
        name: [a["id"] for run in runs for a in run[1].values()
               if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric")][:8]
        for name, score in scores.items() if score < 100
    }
    assert scores == {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100}, failing
