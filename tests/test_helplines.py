"""Help lines come from one setting (kb_help_lines): essays name a line, the build renders it."""

import re

from bs4 import BeautifulSoup

from conftest import sphinx_build
from essay_kb.helplines import DEFAULT_HELP_LINES, check_help_lines, reach_text


def add_to_essay(root, text):
    path = root / "essays" / "one.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def test_reach_wording_follows_the_setting():
    assert reach_text(DEFAULT_HELP_LINES["crisis"]) == "call or text 988"
    assert reach_text(DEFAULT_HELP_LINES["domestic-violence"]) == "call 800-799-7233 or text START to 88788"
    assert reach_text(DEFAULT_HELP_LINES["emergency"]) == "call 911"


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
    assert "The Safe Line: Call 222 or text SAFE to 333" in text
    assert "Emergency services: Call 999" in text
    assert [a["href"] for a in card.find_all("a")] == ["tel:222", "sms:333", "tel:999"]


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
