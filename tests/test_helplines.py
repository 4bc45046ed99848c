"""Help lines come from one setting (kb_help_lines): essays name a line, the build renders it."""

import re

import pytest

from bs4 import BeautifulSoup

from conftest import sphinx_build
from essay_kb.helplines import DEFAULT_HELP_LINES, check_help_lines, reach_text


def add_to_essay(root, text):
    path = root / "essays" / "one.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def test_reach_wording_follows_the_setting():
    # Each number its own link: a call's to tel:, a text's to sms: (text 988 with one tap).
    assert reach_text(DEFAULT_HELP_LINES["crisis"]) == "call 988 or text 988"
    assert reach_text(DEFAULT_HELP_LINES["domestic-violence"]) == "call 800-799-7233 or text START to 88788"
    assert reach_text(DEFAULT_HELP_LINES["emergency"]) == "call 911 or text 911 where your area offers it"


def test_role_and_directive_render_from_the_setting(site_copy, tmp_path):
    root = site_copy()
    add_to_essay(root, "You can reach {helpline}`crisis` at any hour.\n\n```{helplines} domestic-violence emergency\n```")
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\nkb_help_lines = {'crisis': {'name': 'Test Line', 'call': '111'},"
                    " 'domestic-violence': {'name': 'the Safe Line', 'call': '222', 'text': '333', 'text_word': 'SAFE'},"
                    " 'emergency': {'name': 'emergency services', 'call': '999'}}\n")
    sphinx_build(root, tmp_path / "out")
    soup = BeautifulSoup((tmp_path / "out" / "essays" / "one" / "index.html").read_text(), "html.parser")
    inline = soup.select_one("[data-kb-helpline], .kb-helpline")
    assert inline.get_text() == "Test Line (call 111)"
    assert inline.find("a")["href"] == "tel:111"
    card = soup.select_one(".kb-helplines-card")
    text = " ".join(card.get_text().split())
    assert inline.get_text() == "Test Line (call 111)" and "at any hour" not in text
    assert "The Safe Line: Call 222 or text SAFE to 333" in text
    assert "Emergency services: Call 999" in text
    assert [a["href"] for a in card.find_all("a")] == ["tel:222", "sms:333?&body=SAFE", "tel:999"]


def test_unknown_line_fails_with_file_and_line(site_copy, tmp_path):
    root = site_copy()
    add_to_essay(root, "Call {helpline}`crisiss` now.")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert re.search(r"essays/one\.md:\d+: WARNING: unknown help line 'crisiss'\. Known lines .*crisis", result.stderr)


def test_a_bad_setting_is_named():
    problems = check_help_lines({"crisis": {"name": "", "call": "988", "phone": "1"}})
    assert any("unknown field 'phone'" in p for p in problems)
    assert any("needs a non-empty 'name'" in p for p in problems)
    assert check_help_lines(DEFAULT_HELP_LINES) == []


# -- Channels, countries, and the build refusing a malformed line (issue 22) -----------------------

def test_every_channel_is_a_well_formed_link():
    from essay_kb.helplines import card_parts, dial_uri
    uris = [uri for _, uri in card_parts(DEFAULT_HELP_LINES["domestic-violence"]) if uri]
    assert uris == ["tel:8007997233", "sms:88788?&body=START", "https://www.thehotline.org/"]
    crisis = [uri for _, uri in card_parts(DEFAULT_HELP_LINES["crisis"]) if uri]
    assert crisis == ["tel:988", "sms:988", "https://988lifeline.org/chat/"]  # a videophone dials itself: no link
    assert dial_uri("tel", "+44 116 123") == "tel:+44116123"
    text = "".join(t for t, _ in card_parts(DEFAULT_HELP_LINES["crisis"]))
    # What the line offers is said by the setting, not by an essay.
    assert "Any hour, every day." in text and "Free and confidential." in text and "Spanish" in text


def test_the_built_in_countries_are_valid():
    from essay_kb.helplines import COUNTRY_LINES, countries_problems
    assert countries_problems(list(COUNTRY_LINES)) == []
    for code, country in COUNTRY_LINES.items():
        assert "emergency" in country["lines"], code


@pytest.mark.parametrize("field, value, problem", [
    ("call", "1-800-HELP-NOW", "'call' must be a phone number"),
    ("call", "988 ", None),
    ("call", "+1 (800) 799", "'call' must be a phone number"),
    ("text", "88788+", "'text' must be a phone number"),
    ("videophone", "tel:988", "'videophone' must be a phone number"),
    ("text_word", "START&body=x", "'text_word' must be plain letters and digits"),
    ("chat", "http://988lifeline.org/chat/", "'chat' must be an https:// address"),
    ("chat", "javascript:alert(1)", "'chat' must be an https:// address"),
    ("chat", "https://x.example/\"onmouseover=1", "'chat' must be an https:// address"),
])
def test_a_malformed_number_or_address_is_refused(field, value, problem):
    line = {"name": "the line", "call": "988", "text": "988", field: value}
    problems = check_help_lines({"crisis": line})
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p and repr(value) in p for p in problems), problems


def test_a_malformed_number_stops_the_build_at_its_line_in_conf_py(site_copy, tmp_path):
    root = site_copy()
    conf = root / "conf.py"
    before = conf.read_text()
    conf.write_text(before + "\nkb_help_lines = {\n    'crisis': {'name': 'Test Line',\n"
                    "               'call': '98-HELP'},\n}\n"
                    "kb_help_countries = ['CA', {'code': 'FR', 'name': 'France', 'lines': {\n"
                    "    'emergency': {'name': 'the SAMU', 'call': '15', 'chat': 'http://chat.example/'}}}]\n")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    lines = before.count("\n") + 1
    assert re.search(rf"conf\.py:{lines + 3}: ERROR: kb_help_lines\['crisis'\]: 'call' must be a phone number.*'98-HELP'",
                     result.stderr), result.stderr
    assert re.search(rf"conf\.py:{lines + 6}: ERROR: kb_help_countries\['FR'\]\['lines'\]\['emergency'\]: 'chat' must "
                     r"be an https:// address", result.stderr), result.stderr


def test_other_countries_are_offered_on_help_pages_and_in_the_notice(site_copy, tmp_path):
    root = site_copy()
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\nkb_help_countries = ['CA', 'GB']\n")
    sphinx_build(root, tmp_path / "out")
    page = BeautifulSoup((tmp_path / "out" / "essays" / "one" / "index.html").read_text(), "html.parser")
    notice = page.select_one("[data-crisis-notice]")
    assert "written for readers in the United States" in notice.get_text()
    abroad = notice.select_one("details[data-help-abroad]")
    assert abroad.summary.get_text() == "Outside the United States?"
    assert [d["data-help-country"] for d in abroad.select("[data-help-country]")] == ["CA", "GB"]
    uk = abroad.select_one('[data-help-country="GB"]')
    assert "sms:85258?&body=SHOUT" in [a["href"] for a in uk.select("a")]
    assert "press 55" in uk.get_text()
    elsewhere = abroad.select_one(".kb-abroad-elsewhere a")
    assert elsewhere["href"] == "https://findahelpline.com/" and "noreferrer" in elsewhere["rel"]


def test_the_quitline_and_the_child_abuse_line_are_in_the_defaults():
    # Essays on quitting, and the "not safe at home" page for a child, use them by name (review 5-B).
    assert reach_text(DEFAULT_HELP_LINES["quitline"]) == "call 1-800-784-8669"
    assert reach_text(DEFAULT_HELP_LINES["child-abuse"]) == "call 1-800-422-4453 or text 1-800-422-4453"
    for name in ("quitline", "child-abuse"):
        assert DEFAULT_HELP_LINES[name]["for"] and not check_help_lines({name: DEFAULT_HELP_LINES[name]})


def test_the_lgbtq_lines_are_in_the_defaults_with_only_what_was_checked():
    # The LGBTQ+ essay's "peer support lines" are real lines, named through the role (review 6-C).
    assert reach_text(DEFAULT_HELP_LINES["lgbtq-youth"]) == "call 1-866-488-7386"
    assert reach_text(DEFAULT_HELP_LINES["trans"]) == "call 877-565-8860"
    for name in ("lgbtq-youth", "trans"):
        line = DEFAULT_HELP_LINES[name]
        assert line["for"] and not check_help_lines({name: line})
        # Hours, cost and a text or chat route were not verified, so the card promises none of them.
        assert set(line) == {"name", "call", "for"}
