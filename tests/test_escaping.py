"""Every value a template prints is escaped: a hostile value in any field shows as text, never as
markup, and the finished pages still pass the security-policy check (no script the site does not
ship). Theme titles cannot hold HTML at all (the themes file refuses it: see test_bad_input.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import html5lib
import pytest
from jinja2 import Environment, FileSystemLoader

from conftest import REPO, build_copy, edit

TEMPLATES = REPO / "essay_kb" / "templates"
HOSTILE = ('<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "<script/x>alert(3)</script>",
           "`<b>code</b>`", "</p></div><script>alert(4)</script>", "' onmouseover='alert(5)")
EVERY_HOSTILE = " ".join(HOSTILE)
# {{ ... }} that print markup on purpose: a macro of the templates, or the parent block.
MARKUP_CALLS = re.compile(r"^(super|search_input|search_panel|search_help)\(\)$")


def expressions(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"{{-?(.*?)-?}}", text, re.S)]


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_every_value_a_template_prints_is_escaped(template):
    for expression in expressions((TEMPLATES / template).read_text(encoding="utf-8")):
        assert MARKUP_CALLS.match(expression) or re.search(r"\|\s*e\s*$", expression), \
            f"{template}: {{{{ {expression} }}}} is printed without |e"


def dangerous(html: str, allowed_scripts: int = 0) -> list[str]:
    """What in ``html``, read as a browser reads it, came from a hostile value: an element or an
    event attribute, or a script beyond the template's own."""
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    found = [e.tag for e in tree.iter() if (e.tag == "img" and e.get("src") == "x")
             or (e.tag == "b" and e.text == "code")]
    found += [f"{e.tag} {name}" for e in tree.iter() if isinstance(e.tag, str) for name in e.attrib if name.startswith("on")]
    scripts = [e for e in tree.iter() if e.tag == "script"]
    if len(scripts) > allowed_scripts:
        found.append(f"{len(scripts)} scripts")
    return found


def render(template: str, **context) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)))
    return env.get_template(template).render(pathto=lambda *args: EVERY_HOSTILE, **context)


@pytest.mark.parametrize("value", HOSTILE)
def test_the_search_templates_escape_every_field(value):
    html = render(
        "sidebar/search.html", pagename="essays/x",
        kb_search_themes=[{"key": value, "title": value, "uri": value}],
        kb_help_line_items=[value], kb_help_pages=[{"docname": value, "uri": value, "title": value}],
        kb_search_help_lines=[{"name": value, "reach": [(value, value), (value, "")]}],
        kb_quick_exit={"url": value, "help": value}, kb_crisis_notice=value)
    assert dangerous(html) == []
    assert value not in html


@pytest.mark.parametrize("value", HOSTILE)
def test_the_redirect_stub_escapes_every_field(value):
    from essay_kb.privacy import script_json

    html = render("kb-redirect.html", title=value, kb_redirect_canonical=value, kb_redirect_to=value,
                  kb_redirect_data=script_json({"to": value}))
    assert dangerous(html, allowed_scripts=2) == []  # its JSON data block and kb-redirect.js
    data = re.search(r'<script type="application/json" id="kb-redirect-data">(.*?)</script>', html).group(1)
    assert "<" not in data and ">" not in data
    assert value not in html.replace(data, "")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The test root built with a hostile value in every setting and text a page prints."""
    def prepare(root: Path) -> None:
        with (root / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write(
                f"\nkb_disclaimer = {EVERY_HOSTILE!r}\nkb_practice_name = {EVERY_HOSTILE!r}\n"
                f"project = html_title = kb_practice_name\nkb_author_line = {EVERY_HOSTILE!r}\n"
                f"kb_reading_list_title = {EVERY_HOSTILE!r}\nkb_reading_list_description = {EVERY_HOSTILE!r}\n"
                f"kb_discreet_preview_line = {EVERY_HOSTILE!r}\n"
                "kb_help_lines = {'crisis': {'name': %r, 'call': '988', 'for': %r},"
                " 'emergency': {'name': %r, 'call': '911'}}\n" % (EVERY_HOSTILE, EVERY_HOSTILE, EVERY_HOSTILE))
        edit(root / "themes.yaml", "description: Essays about alpha things.",
             f"description: {json.dumps(EVERY_HOSTILE)}")  # JSON is YAML
        edit(root / "essays" / "two.md", "summary: The two essay, in one sentence.",
             "summary: " + json.dumps("A summary " + EVERY_HOSTILE))
    return build_copy(tmp_path_factory, prepare)


def test_a_site_built_with_hostile_settings_shows_them_as_text(hostile_site):
    """The build passed (so the policy check found no script the site does not ship), and no page
    holds an element or attribute made from a hostile value."""
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert dangerous(html, allowed_scripts=html.count("<script")) == [], page
        tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
        for script in tree.iter("script"):
            text = "".join(script.itertext())
            if script.get("type") in ("application/json", "application/ld+json"):
                assert "<" not in text, (page, script.attrib)  # a data block no value can end
            else:
                assert "alert(" not in text, (page, script.attrib)
    index = (hostile_site / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index  # shown, as text
