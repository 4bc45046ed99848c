"""Safety first (issue 14), without a browser: the risk vocabulary and its checks, search's help card
on every risk phrasing of tests/safety/risk-queries*.yaml, the quick exit and the crisis notice
as the build writes them. The browser half is tests/test_safety_browser.py."""

import json
import re
import runpy
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from conftest import REPO, soup, sphinx_build
from essay_kb.helplines import DEFAULT_HELP_LINES
from essay_kb.risk import DEFAULT_FILE, PhraseError, browser_data, compile_phrase, load_vocabulary
from essay_kb.safety import check_quick_exit_url

QUERY_FILES = sorted((REPO / "tests" / "safety").glob("risk-queries*.yaml"))
MIN_RECALL, MAX_FALSE_ALARMS = 1.0, 0.05
CONF = runpy.run_path(str(REPO / "conf.py"))  # the site's settings
HELP_PAGES = CONF["kb_help_pages"]


# -- The phrase syntax ------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase, source", [
    ("kill myself", " kill myself(?= )"),
    ("I'm self-harming", " im self harming(?= )"),
    ("suicid*", " suicid[a-z0-9]*(?= )"),
    ("(want|wanna) to die", "(?: want| wanna) to die(?= )"),
    ("(really)? sad", "(?: really)? sad(?= )"),
    ("took # pills", " took [0-9]+ pills(?= )"),
    ("have ... pills", " have(?: [a-z0-9]+){0,3} pills(?= )"),
    ("my (partner|ex (husband|wife))", " my(?: partner| ex(?: husband| wife))(?= )"),
])
def test_phrases_compile_to_whole_word_patterns(phrase, source):
    assert compile_phrase(phrase) == source
    re.compile(source)  # and the same pattern is valid JavaScript (tests/js/kb-risk.test.js)


def test_a_compiled_phrase_matches_whole_words_only():
    source = compile_phrase("want to die")
    assert re.search(source, " i want to die ") and re.search(source, " want to die now ")
    assert not re.search(source, " i want to diet ") and not re.search(source, " iwant to die ")


@pytest.mark.parametrize("phrase, problem", [
    ("(want|wanna to die", "never closed"),
    ("want) to die", "outside any group"),
    ("want ? die", "may only follow a group"),
    ("... die", "between words"),
    ("(a|b)?", "at least one word"),
    ("kill\\w+", "not a word"),
])
def test_a_bad_phrase_says_what_is_wrong(phrase, problem):
    with pytest.raises(PhraseError, match=re.escape(problem)):
        compile_phrase(phrase)


def write(tmp_path, text) -> Path:
    path = tmp_path / "risk.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """categories:
  - key: suicide
    message: Help is there.
    lines: [crisis]
    page: help/thinking-about-suicide
    phrases:
      - want to die
"""


def test_every_problem_in_the_vocabulary_is_named_with_its_line(tmp_path):
    text = GOOD.replace("lines: [crisis]", "lines: [crisiss]").replace("      - want to die\n",
                                                                       "      - want to die\n      - (want to\n      - want to die\n")
    text += "  - key: Bad Key\n    message: x\n    lines: [crisis]\n    phrases: [x]\n"
    text += "  - key: home\n    message: y\n    colour: red\n    lines: [domestic-violence]\n    page: help/nowhere\n    phrases: [hits me]\n"
    problems = {(p.line, p.message) for p in load_vocabulary(write(tmp_path, text), DEFAULT_HELP_LINES, HELP_PAGES).problems}
    messages = "\n".join(f"{line}: {message}" for line, message in sorted(problems))
    assert re.search(r"^4: suicide: unknown help line 'crisiss'\. Known lines .*crisis", messages, re.M), messages
    assert re.search(r"^8: suicide: '\(want to': a '\(' is never closed", messages, re.M), messages
    assert re.search(r"^9: suicide: 'want to die' is listed twice", messages, re.M), messages
    assert re.search(r"^10: key 'Bad Key' must be lowercase words", messages, re.M), messages
    assert re.search(r"^16: unknown field 'colour'", messages, re.M), messages
    assert re.search(r"^18: home: the page 'help/nowhere' is not one of kb_help_pages", messages, re.M), messages


def test_a_hash_in_an_unquoted_phrase_is_explained(tmp_path):
    path = write(tmp_path, GOOD.replace("      - want to die\n", "      - took (#|about #) pills\n"))
    [problem] = load_vocabulary(path, DEFAULT_HELP_LINES).problems
    assert problem.line == 7 and "put the phrase in quotes" in problem.message


def test_invalid_yaml_is_named_with_its_line(tmp_path):
    [problem] = load_vocabulary(write(tmp_path, GOOD + "  - key: [oops\n"), DEFAULT_HELP_LINES).problems
    assert problem.line >= 8 and "not valid YAML" in problem.message


def test_the_sites_vocabulary_is_clean_and_names_only_real_lines_and_pages():
    vocabulary = load_vocabulary(Path(DEFAULT_FILE), DEFAULT_HELP_LINES, HELP_PAGES)
    assert vocabulary.problems == []
    keys = [c["key"] for c in vocabulary.categories]
    assert keys[0] == "emergency" and {"suicide", "self-harm", "domestic-violence"} <= set(keys)
    for category in vocabulary.categories:
        assert category["match"], category["key"]
        if category["page"]:
            assert (REPO / "docs" / f"{category['page']}.md").is_file(), category["page"]


def test_a_bad_vocabulary_fails_the_build_with_file_and_line(site_copy, tmp_path):
    root = site_copy()
    write(root, GOOD.replace("want to die", "want to (die"))
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\nkb_risk_phrases_file = 'risk.yaml'\n")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert re.search(r"risk\.yaml:7: WARNING: suicide: 'want to \(die': a '\(' is never closed", result.stderr), result.stderr


# -- Help first: every risk phrasing shows the right lines, ordinary questions stay calm ------------

def assessments(queries: list[str]) -> list:
    """kb-risk.js's answer for each query, on the vocabulary as the build compiles it."""
    vocabulary = load_vocabulary(Path(DEFAULT_FILE), DEFAULT_HELP_LINES)
    script = ("const r = require(process.argv[1]); let s = ''; process.stdin.on('data', c => s += c).on('end', () => {"
              " const x = JSON.parse(s); const v = r.compile(x.vocabulary);"
              " process.stdout.write(JSON.stringify(x.queries.map(q => r.assess(q, v)))); });")
    result = subprocess.run(["node", "-e", script, str(REPO / "essay_kb" / "static" / "kb-risk.js")],
                            input=json.dumps({"vocabulary": browser_data(vocabulary), "queries": queries}),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_the_query_files_are_there_and_well_formed():
    assert REPO / "tests" / "safety" / "risk-queries.yaml" in QUERY_FILES
    for path in QUERY_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data) <= {"risk", "ordinary"}, path.name
        for item in data.get("risk", []):
            assert item["q"].strip() and item["expect"] and set(item["expect"]) <= set(DEFAULT_HELP_LINES), item
            assert set(item) <= {"q", "expect", "page"} and item.get("page", next(iter(HELP_PAGES))) in HELP_PAGES, item
        assert all(isinstance(q, str) and q.strip() for q in data.get("ordinary", [])), path.name
    own = yaml.safe_load((REPO / "tests" / "safety" / "risk-queries.yaml").read_text(encoding="utf-8"))
    assert len(own["risk"]) >= 60 and len(own["ordinary"]) >= 60


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_risk_queries_show_the_right_help_and_ordinary_ones_stay_calm(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    risk, ordinary = data.get("risk", []), data.get("ordinary", [])
    found = assessments([item["q"] for item in risk] + ordinary)
    shown, alarms = found[:len(risk)], found[len(risk):]
    # With a page, the card must link that help page (it links the most urgent category's page).
    missed = [(item["q"], item["expect"], got and got["lines"], got and got["page"]) for item, got in zip(risk, shown)
              if not got or not set(item["expect"]) <= set(got["lines"])
              or item.get("page", got["page"]) != got["page"]]
    false_alarms = [(q, got["categories"]) for q, got in zip(ordinary, alarms) if got]
    recall = 1 - len(missed) / len(risk) if risk else 1.0
    false_rate = len(false_alarms) / len(ordinary) if ordinary else 0.0
    print(f"\n{path.name}: risk recall {recall:.3f} ({len(risk) - len(missed)}/{len(risk)} with the right lines), "
          f"false alarms {false_rate:.3f} ({len(false_alarms)}/{len(ordinary)})")
    for item in missed:
        print("  missed:", item)
    for item in false_alarms:
        print("  false alarm:", item)
    assert recall >= MIN_RECALL, missed
    assert false_rate <= MAX_FALSE_ALARMS, false_alarms


# -- The quick exit, the crisis notice and the help pages as built ----------------------------------

@pytest.mark.parametrize("url, problem", [
    ("http://www.google.com/", "https://"),
    ("www.google.com", "https://"),
    ("https://", "https://"),
    (None, "https://"),
    ("https://me:secret@weather.example/", "user name or password"),
    ("https://kb.test/elsewhere/", "lead away from this site"),
])
def test_a_bad_quick_exit_address_is_refused(url, problem):
    assert problem in check_quick_exit_url(url, "https://kb.test/")


def test_a_neutral_https_site_is_accepted():
    assert check_quick_exit_url("https://www.google.com/", "https://kb.test/") is None
    assert check_quick_exit_url(CONF["kb_quick_exit_url"], CONF["html_baseurl"]) is None


def test_the_help_lines_and_exit_set_once_reach_every_page(site_copy, tmp_path):
    root = site_copy()
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\nkb_help_lines = {'crisis': {'name': 'Test Line', 'call': '111', 'text': '222'},"
                    " 'emergency': {'name': 'emergency services', 'call': '999'}}\n"
                    "kb_quick_exit_url = 'https://weather.example/'\n")
    sphinx_build(root, tmp_path / "out")
    pages = content_pages(tmp_path / "out")
    assert len(pages) > 5
    for path in pages:
        page = soup(path)
        notice = page.select_one("[data-crisis-notice]")
        text = " ".join(notice.get_text().split())
        assert "reach Test Line (call 111 or text 222), or in an emergency, call 999." in text, path
        assert [a["href"] for a in notice.select(".kb-crisis-line a")] == ["tel:111", "sms:222"]
        assert [a["href"] for a in notice.select(".kb-crisis-full a")] == ["tel:111", "sms:222", "tel:999"]
        exits = page.select("a[data-quick-exit]")
        assert exits and {a["href"] for a in exits} == {"https://weather.example/"}, path
        items = page.select("template[data-search-help-parts] [data-help-line]")
        if items:
            assert [i["data-help-line"] for i in items] == ["crisis", "emergency"]


def test_a_help_line_number_must_be_text():
    from essay_kb.helplines import check_help_lines
    problems = check_help_lines({"crisis": {"name": "the line", "call": 988}})
    assert problems == ["kb_help_lines['crisis']: 'call' must be text in quotes, e.g. 'call': '988'; got 988."]


def test_a_bad_exit_address_fails_the_build(site_copy, tmp_path):
    root = site_copy()
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\nkb_quick_exit_url = 'http://weather.example/'\n")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0 and "kb_quick_exit_url must be the https:// address" in result.stderr


def test_a_missing_help_page_fails_the_build(site_copy, tmp_path):
    root = site_copy()
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\nkb_help_pages = {'help/nowhere': 'Help now'}\n")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert "conf.py: kb_help_pages lists 'help/nowhere', which is not a page" in result.stderr


def content_pages(site: Path) -> list[Path]:
    """Every page but the redirect stubs (found by their data's id: parsing each page only to ask
    cost a second parse of the whole site in each test that uses this)."""
    return [p for p in sorted(site.rglob("*.html")) if 'id="kb-redirect-data"' not in p.read_text(encoding="utf-8")]


def test_every_page_starts_with_the_quick_exit_and_links_the_help_pages(real_site):
    pages = content_pages(real_site)
    assert len(pages) > 30
    for path in pages:
        page = soup(path)
        first = page.body.find(["a", "button", "input", "select", "textarea", "summary"])
        assert first.has_attr("data-quick-exit"), path
        assert first["href"] == CONF["kb_quick_exit_url"] and first.get_text(strip=True) == "Exit this page"
        assert "noreferrer" in first["rel"]
        here = site_path(real_site, path)
        helper = page.select_one(".kb-quick-exit-help")
        assert urljoin(here, helper["href"]) == "/help/not-safe-at-home/#quick-exit", path
        notice = page.select_one("[data-crisis-notice]")
        # One line: call or text the crisis line in one tap; the help pages one tap further.
        assert [a["href"] for a in notice.select(".kb-crisis-line a")] == ["tel:988", "sms:988"], path
        assert [a["href"] for a in notice.select(".kb-crisis-full a")] == ["tel:988", "sms:988", "tel:911", "sms:911"]
        links = [urljoin(here, a["href"]) for a in notice.select(".kb-crisis-links a")]
        labelled = [f"/{d}/" for d, label in HELP_PAGES.items() if label]
        assert [link.removesuffix("#") for link in links] == labelled, (path, links)
        assert all(link == here + "#" for link in links if link.endswith("#")), (path, links)


def site_path(site: Path, path: Path) -> str:
    """The address a built file is published at ('/essays/x/'; 404.html's links are absolute)."""
    relative = path.relative_to(site).as_posix()
    return "/" + (relative[:-len("index.html")] if relative.endswith("index.html") else relative)


def test_the_help_pages_lead_the_sidebar_and_are_searched(real_site):
    page = soup(real_site / "essays" / "friction-and-repair" / "index.html")
    captions = [c.get_text(strip=True) for c in page.select(".sidebar-tree .caption")]
    assert captions[0] == "Help now"
    first_group = page.select_one(".sidebar-tree ul")
    assert [a.get_text(strip=True) for a in first_group.select("a")] == [
        "If you are thinking about suicide", "If you are hurting yourself", "If you are not safe at home",
        "Reading this site safely", "Make a safety plan"]
    indexed = {page["url"] for part in (real_site / "search-index" / "p").glob("*.json")
               for page in json.loads(part.read_text()).values()}
    assert {f"{d}/" for d in HELP_PAGES} <= indexed


def test_the_search_help_card_is_ready_on_every_page(real_site):
    script = (real_site / "_static" / "kb-risk-phrases.js").read_text(encoding="utf-8")
    assert script.startswith("/* Compiled by essay_kb/risk.py") and "window.kbRiskPhrases = {" in script
    for path in ("index.html", "essays/friction-and-repair/index.html", "search/index.html", "404.html"):
        page = soup(real_site / path)
        panel = page.select_one("[data-search-panel]")
        card = panel.select_one("[data-search-help]")
        # Above the filters, the status line and the results; empty until kb-search-help.js fills it.
        assert panel.find(attrs={"data-search-help": True}) is card and card.get_text(strip=True) == ""
        parts = page.select_one("template[data-search-help-parts]")
        assert [i["data-help-line"] for i in parts.select("[data-help-line]")] == list(DEFAULT_HELP_LINES)
        assert [p["data-help-page"] for p in parts.select("[data-help-page]")] == list(HELP_PAGES)
        scripts = [s["src"].rsplit("/", 1)[-1].split("?")[0] for s in page.select("script[src]")]
        assert {"kb-risk.js", "kb-risk-phrases.js", "kb-search-help.js", "kb-exit.js", "kb-theme.js"} <= set(scripts)


def test_no_page_reads_the_colour_choice_from_storage(real_site):
    for path in content_pages(real_site):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(localStorage|sessionStorage)\s*[.\[]", html), path
    for name in ("kb-theme.js", "kb-exit.js", "kb-risk.js", "kb-search-help.js", "kb-risk-phrases.js", "kb-search.js",
                 "kb-search-engine.js", "kb-reading-list.js", "kb-reading-list-tools.js", "kb.js"):
        assert not re.search(r"\b(localStorage|sessionStorage|indexedDB|caches)\s*[.\[]|document\.cookie",
                             (real_site / "_static" / name).read_text(encoding="utf-8")), name


def test_the_help_pages_follow_safe_messaging_and_type_no_number(real_site):
    unsafe = re.compile(r"committed suicide|commit suicide|successful (suicide )?attempt|failed attempt", re.I)
    for docname in HELP_PAGES:
        source = (REPO / "docs" / f"{docname}.md").read_text(encoding="utf-8")
        assert not unsafe.search(source), docname
        assert not re.search(r"\b\d{3}\b", re.sub(r"\{helplines?\}`?[^`\n]*", "", source)), docname  # numbers come from kb_help_lines
        page = soup(real_site / docname / "index.html")
        assert page.select(".kb-helpline, .kb-helplines-card"), docname
