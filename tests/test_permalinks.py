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
    addresses = [line.split(" ")[0] for line in after]
    assert "/essays/three/#three-sub" in addresses and "/themes/alpha/" in addresses
    sphinx_build(root, tmp_path / "out", "-D", "kb_ledger_update=1")
    assert ledger.read_text().splitlines() == after


def test_each_new_section_gets_the_next_short_code_and_pages_none(site_copy, tmp_path):
    root = site_copy()
    ledger = root / "links-ledger.txt"
    before = {line.split(" ")[0]: line.partition(" ")[2] for line in ledger.read_text().splitlines()}
    sphinx_build(root, tmp_path / "out", "-D", "kb_ledger_update=1")
    lines = [line for line in ledger.read_text().splitlines() if not line.startswith("#")]
    codes = {line.split(" ")[0]: line.partition(" ")[2] for line in lines}
    assert all(codes[address] == code for address, code in before.items() if address in codes)  # never changed
    sections = [address for address in codes if "#" in address]
    assert all(codes[address] for address in sections) and not any(codes[a] for a in codes if "#" not in a)
    numbers = [int(codes[address], 36) for address in sections]
    assert len(set(numbers)) == len(numbers) and sorted(numbers) == list(range(1, len(numbers) + 1))


def test_a_short_code_given_twice_or_on_a_page_is_refused(site_copy, tmp_path):
    root = site_copy()
    edit(root / "links-ledger.txt", "/essays/two/#two-second 2", "/essays/two/#two-second 1")
    edit(root / "links-ledger.txt", "/essays/one/\n", "/essays/one/ 9\n")
    result = sphinx_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert "links-ledger.txt:4: WARNING: the short code '1' is also on line 3" in result.stderr
    assert "links-ledger.txt:2: WARNING: '/essays/one/ 9': only a section address" in result.stderr


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
    lines = [line.split(" ") for line in (REPO / "links-ledger.txt").read_text().splitlines() if line and not line.startswith("#")]
    ledger = {parts[0] for parts in lines}
    # Every section has its short code (reading lists sent as opaque links need one).
    assert all(len(parts) == 2 for parts in lines if "#" in parts[0]), "run `make ledger`"
    for page in real_site.rglob("index.html"):
        html = soup(page)
        if html.select_one("#kb-redirect-data") or page.parent.name in {"search", "genindex", "404", "reading-list"} or "_" in page.parts[-2][:1]:
            continue
        path = "/" + str(page.parent.relative_to(real_site)).strip(".") + "/"
        path = path.replace("//", "/")
        assert path in ledger, f"{path} is not in links-ledger.txt: run `make ledger`"
        for section in html.select("section[data-section-id]"):
            assert f"{path}#{section['data-section-id']}" in ledger, f"run `make ledger` ({path})"


def test_a_ledger_grows_past_the_limit_of_other_files_with_the_site(tmp_path, monkeypatch):
    """10,000 essays make a ledger of about 6.4 MB (make bench-10000): more than an essay or a
    settings file may be, still read; the ledger's own limit is refused with its size."""
    from essay_kb import permalinks
    from essay_kb.source import MAX_TEXT_BYTES
    path = tmp_path / "links-ledger.txt"
    lines = [f"/essays/essay-{n:05d}/#section-{s}" for n in range(12_000) for s in range(8)]
    path.write_text(permalinks.LEDGER_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > MAX_TEXT_BYTES
    addresses, problems = permalinks.read_ledger(path)
    assert problems == [] and len(addresses) == len(lines)
    monkeypatch.setattr(permalinks, "LEDGER_MAX_BYTES", MAX_TEXT_BYTES)
    addresses, problems = permalinks.read_ledger(path)
    assert addresses == [] and "more than the 2.0 MB" in problems[0][1]
