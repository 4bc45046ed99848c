"""Section links that never break: stable ids, the ledger, redirects (build level)."""

import json

import pytest

from conftest import edit, soup, sphinx_build
from essay_kb.permalinks import page_path, resolve

PAGES = {"/essays/a/": {"x", "y"}, "/essays/b/": {"z"}}


def test_page_paths_follow_dirhtml():
    assert page_path("index") == "/" and page_path("essays/a") == "/essays/a/"


@pytest.mark.parametrize("address, redirects, expected", [
    ("/essays/a/#x", {}, "/essays/a/#x"),
    ("/essays/a/#gone", {}, None),
    ("/essays/old/#x", {"/essays/old/": "/essays/a/"}, "/essays/a/#x"),
    ("/essays/a/#gone", {"/essays/a/#gone": "/essays/b/#z"}, "/essays/b/#z"),
    ("/essays/old/#w", {"/essays/old/": "/essays/a/", "/essays/a/#w": "/essays/b/#z"}, "/essays/b/#z"),
    ("/essays/loop/", {"/essays/loop/": "/essays/loop2/", "/essays/loop2/": "/essays/loop/"}, None),
])
def test_resolve_follows_redirects(address, redirects, expected):
    assert resolve(address, PAGES, redirects) == expected


def test_rewording_a_heading_keeps_its_link(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "two.md", "## Second part of two", "## The part that comes after the first")
    sphinx_build(root, tmp_path / "out")  # the ledger still resolves: the build passes
    heading = soup(tmp_path / "out" / "essays" / "two" / "index.html").select_one("h2#two-second")
    assert heading.get_text(strip=True) == "The part that comes after the first"


def test_a_redirect_covers_a_renamed_section_and_a_moved_page(site_copy, tmp_path):
    root = site_copy()
    edit(root / "essays" / "one.md", "{#one-first}", "{#one-start}")
    (root / "essays" / "two.md").rename(root / "essays" / "deux.md")
    (root / "redirects.yaml").write_text(
        "/essays/one/#one-first: /essays/one/#one-start\n/essays/two/: /essays/deux/\n")
    out = tmp_path / "out"
    sphinx_build(root, out)
    mapping = json.loads(soup(out / "essays" / "one" / "index.html").select_one("#kb-section-redirects").string)
    assert mapping == {"one-first": "../../essays/one/#one-start"}
    stub = soup(out / "essays" / "two" / "index.html")
    assert json.loads(stub.select_one("#kb-redirect-data").string)["to"] == "../../essays/deux/"
    assert stub.select_one("link[rel=canonical]")["href"] == "https://kb.test/essays/deux/"


def test_ledger_update_appends_and_never_removes(site_copy, tmp_path):
    root = site_copy()
    ledger = root / "links-ledger.txt"
    before = ledger.read_text().splitlines()
    sphinx_build(root, tmp_path / "out", "-D", "kb_ledger_update=1")
    after = ledger.read_text().splitlines()
    assert after[:len(before)] == before
    assert "/essays/three/#three-sub" in after and "/themes/alpha/" in after
    sphinx_build(root, tmp_path / "out", "-D", "kb_ledger_update=1")
    assert ledger.read_text().splitlines() == after


def test_editing_only_the_ledger_reruns_the_check(site_copy, tmp_path):
    root = site_copy()
    sphinx_build(root, tmp_path / "out")
    with (root / "links-ledger.txt").open("a") as ledger:
        ledger.write("/essays/one/#never-existed\n")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert "/essays/one/#never-existed no longer resolves" in result.stderr


def test_real_ledger_covers_every_published_address(real_site):
    """The committed ledger is up to date: `make ledger` was run after the last new section."""
    from conftest import REPO
    ledger = {line for line in (REPO / "links-ledger.txt").read_text().splitlines() if line and not line.startswith("#")}
    for page in real_site.rglob("index.html"):
        html = soup(page)
        if html.select_one("#kb-redirect-data") or page.parent.name in {"search", "genindex", "404", "reading-list"} or "_" in page.parts[-2][:1]:
            continue
        path = "/" + str(page.parent.relative_to(real_site)).strip(".") + "/"
        path = path.replace("//", "/")
        assert path in ledger, f"{path} is not in links-ledger.txt: run `make ledger`"
        for section in html.select("section[data-section-id]"):
            assert f"{path}#{section['data-section-id']}" in ledger, f"run `make ledger` ({path})"
