"""A discreet page at a neutral address (issue 22): its author gives it one in the front matter
(`neutral-address: /p/q7/`); every link, the canonical URL, the sitemap, the section map and the
file follow; the build names the redirect the old, ledgered address needs, and with it the old
address (and its sections) lands on the new one in a browser."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import DESKTOP, edit, serve, soup, sphinx_build
from essay_kb import reading_list

HELP = """---
summary: Help lines and steps for planning your safety when someone at home hurts you.
discreet: true
---

# If you are not safe at home

It is not your fault.

{#home-now}
## In danger right now

Reach for help.
"""


def with_help_page(root):
    (root / "help").mkdir()
    (root / "help" / "home.md").write_text(HELP, encoding="utf-8")
    edit(root / "conf.py", 'kb_sidebar_pages = ["glossary", "links"]', 'kb_sidebar_pages = ["glossary", "links", "help/home"]')
    with (root / "links-ledger.txt").open("a", encoding="utf-8") as ledger:
        ledger.write("/help/home/\n/help/home/#home-now 3\n")  # published, and maybe sent, before the move
    return root


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """The page first published at its file's address, then moved to a neutral one."""
    root = with_help_page(_copy(tmp_path_factory))
    out = tmp_path_factory.mktemp("out")
    sphinx_build(root, out / "before")
    edit(root / "help" / "home.md", "discreet: true\n", "discreet: true\nneutral-address: /p/q7/\n")
    refused = sphinx_build(root, out / "refused", check=False)
    (root / "redirects.yaml").write_text("/help/home/: /p/q7/\n", encoding="utf-8")
    sphinx_build(root, out / "after")
    return refused, out / "after"


def _copy(tmp_path_factory):
    from conftest import copy_root
    return copy_root(tmp_path_factory.mktemp("src"))


def test_the_build_names_the_redirect_the_old_address_needs(moved):
    refused, _ = moved
    assert refused.returncode != 0
    assert ("the published address /help/home/ is now at the neutral address /p/q7/. "
            "Add the line '/help/home/: /p/q7/' to redirects.yaml") in refused.stderr


def test_the_page_is_published_at_its_neutral_address_everywhere(moved):
    _, site = moved
    page = soup(site / "p" / "q7" / "index.html")
    assert page.select_one("article h1").get_text(" ", strip=True) == "If you are not safe at home"
    assert page.find("link", rel="canonical")["href"] == "https://kb.test/p/q7/"
    assert page.find("meta", property="og:url")["content"] == "https://kb.test/p/q7/"
    # Its own section links, and links to it from other pages (the sidebar), use the new address.
    assert page.select_one('section[data-section-id="home-now"] [data-copy-link]')["data-url"] == "https://kb.test/p/q7/#home-now"
    other = soup(site / "essays" / "one" / "index.html")
    hrefs = [a["href"] for a in other.select(".sidebar-tree a")]
    assert "../../p/q7/" in hrefs and not [h for h in hrefs if "help/home" in h]
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in ET.parse(site / "sitemap.xml").getroot()]
    assert "https://kb.test/p/q7/" in locs and not [loc for loc in locs if "help/home" in loc]
    # Reading lists find its sections, by id and by their short code, at the new address.
    entries = {}
    for shard in (site / reading_list.SECTIONS_DIR).glob("*.json"):
        entries.update(json.loads(shard.read_text(encoding="utf-8")))
    assert entries["home-now"][0] == "p/q7/" and entries["home-now"][5] is True
    assert entries["~3"] == entries["home-now"]


def test_the_old_address_is_a_redirect_stub_naming_nothing(moved):
    _, site = moved
    stub = soup(site / "help" / "home" / "index.html")
    assert json.loads(stub.select_one("#kb-redirect-data").string)["to"] == "../../p/q7/"
    assert stub.find("link", rel="canonical")["href"] == "https://kb.test/p/q7/"
    assert "not safe" not in stub.get_text(" ").lower()


@pytest.mark.browser
def test_old_links_land_on_the_neutral_address(browser, moved):
    _, site = moved
    url, server = serve(site)
    try:
        context = browser.new_context(**DESKTOP)
        page = context.new_page()
        page.goto(url + "help/home/")
        page.wait_for_url(url + "p/q7/")
        page.goto(url + "help/home/#home-now")
        page.wait_for_url(url + "p/q7/#home-now")
        assert page.locator("#home-now").is_visible()
        context.close()
    finally:
        server.shutdown()


@pytest.mark.parametrize("front_matter,says", [
    ("discreet: true\nneutral-address: p/q7\n", "help/home.md:4: 'neutral-address: p/q7' must be a path"),
    ("discreet: true\nneutral-address: /essays/q7/\n", "help/home.md:4: 'neutral-address: /essays/q7/' must be a path"),
    ("discreet: true\nneutral-address: /P Q/\n", "help/home.md:4: 'neutral-address: /P Q/' must be a path"),
    ("neutral-address: /p/q7/\n", "help/home.md:3: 'neutral-address' is for discreet pages"),
], ids=["not-a-path", "a-site-folder", "not-a-slug", "not-discreet"])
def test_a_bad_neutral_address_is_refused_with_its_line(site_copy, tmp_path, front_matter, says):
    root = with_help_page(site_copy())
    edit(root / "help" / "home.md", "discreet: true\n", front_matter)
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert says in result.stderr.replace(f"{root}/", "").replace(": WARNING:", ":")


def test_a_neutral_address_taken_by_another_page_is_refused(site_copy, tmp_path):
    root = with_help_page(site_copy())
    edit(root / "help" / "home.md", "discreet: true\n", "discreet: true\nneutral-address: /glossary/\n")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert "the neutral address /glossary/ is already the address of glossary.md" in result.stderr
