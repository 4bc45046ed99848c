"""Reading lists (issue 17): a therapist picks sections, sends one link, prints one handout.

What the build writes (the list page, the section map, the scripts and the vendored QR library), then
in Chromium: a therapist on a desktop picks three sections in the link directory, reorders them by
keyboard, adds a note and copies the link; a client opens it on a phone and sees the three sections in
order with the note; the QR code decodes to the same link; the printout is one handout; picks made on
essay pages follow the therapist from page to page by the address alone; a renamed or moved section
still lands and a gone one leaves a calm line; nothing is stored or sent; without JavaScript the
directory is as it was."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import DESKTOP, PHONE, REPO, ROOTS, serve, soup, sphinx_build, wheel_down

from essay_kb import reading_list, scripts

BASE = "https://kb.test/"
REAL_BASE = "https://notes.example.org/"
NEUTRAL_TITLE = "A reading list from your therapist's practice"
# Three sections of the real site, in the link directory's order, and the order they are sent in.
PICKED = ["signs-you-may-be-ready-to-end-therapy", "why-ending-therapy-stirs-old-goodbyes", "why-a-cancelled-session-hurts"]
SENT = ["why-a-cancelled-session-hurts", "signs-you-may-be-ready-to-end-therapy", "why-ending-therapy-stirs-old-goodbyes"]
NOTE = "Read this before Thursday"


def section_map(site: Path) -> dict[str, list[str]]:
    folder = site / reading_list.SECTIONS_DIR
    merged = {}
    for path in sorted(folder.glob("*.json")):
        shard = json.loads(path.read_text(encoding="utf-8"))
        assert all(reading_list.shard_of(sid) == int(path.stem) for sid in shard), path
        merged.update(shard)
    return merged


@pytest.fixture(scope="module")
def moved_root(tmp_path_factory) -> Path:
    """The test root after sections were renamed, moved to another page, folded into a page, and
    an essay moved: each through redirects.yaml."""
    src = tmp_path_factory.mktemp("moved-src") / "root"
    shutil.copytree(ROOTS / "test-basic", src)
    one = src / "essays" / "one.md"
    one.write_text(one.read_text().replace("{#one-first}", "{#one-start}").replace("{#one-sub}", "{#one-detail}"))
    five = src / "essays" / "five.md"
    five.write_text(five.read_text().replace("{#five-sub}\n### A smaller part\n", ""))
    (src / "essays" / "two.md").rename(src / "essays" / "deux.md")
    (src / "redirects.yaml").write_text(
        "/essays/one/#one-first: /essays/one/#one-start\n"      # renamed within its page
        "/essays/one/#one-sub: /essays/three/#three-second\n"   # merged into another page's section
        "/essays/five/#five-sub: /essays/four/\n"               # folded into a page as a whole
        "/essays/two/: /essays/deux/\n")                        # the essay moved; its ids stay
    out = tmp_path_factory.mktemp("moved-out")
    sphinx_build(src, out)
    return out


# -- what the build writes ------------------------------------------------------------------------

def test_the_list_page_is_neutral_unindexed_and_in_no_listing(basic_site):
    page = soup(basic_site / "reading-list" / "index.html")
    assert page.title.get_text() == NEUTRAL_TITLE
    tags = {t.get("property") or t.get("name"): t["content"] for t in page.head.find_all("meta") if t.get("content")}
    assert tags["og:title"] == NEUTRAL_TITLE
    assert tags["og:description"] == tags["description"] == "Some sections of essays, chosen for you to read in order."
    assert tags["robots"] == "noindex"
    assert tags["og:url"] == page.find("link", rel="canonical")["href"] == BASE + "reading-list/"
    container = page.select_one("article [data-reading-list]")
    assert container.select_one("[data-reading-list-items]") and container.select_one("[data-reading-list-qr]")
    # The page names no topic: no essay or section title anywhere in it.
    text = page.get_text(" ")
    for entry in section_map(basic_site).values():
        assert entry[2] not in text and entry[3] not in text, entry
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in ET.parse(basic_site / "sitemap.xml").getroot()]
    assert BASE + "reading-list/" not in locs and locs


def test_the_section_map_names_every_section_of_every_page(basic_site):
    entries = section_map(basic_site)
    seen = set()
    for path in sorted(basic_site.rglob("index.html")):
        page = soup(path)
        title = page.select_one("article h1")
        for section in page.select("article section[data-section-id]"):
            sid = section["data-section-id"]
            heading = section.find(["h2", "h3"], recursive=False).get_text(" ", strip=True)
            url = path.parent.relative_to(basic_site).as_posix() + "/"
            assert entries[sid][:4] == [url, sid, heading, title.get_text(" ", strip=True)], sid
            assert entries[sid][5] is False  # no page of the test root is discreet
            seen.add(sid)
    assert seen == {key for key in entries if not key.startswith("~")} and len(seen) == 15
    # Each short code of the ledger finds its section, and each section names its own code.
    assert entries["~1"] is not None and entries["~1"][1] == "one-first" and entries["one-first"][4] == "1"
    assert entries["three-first"][4] == ""  # not in the test root's ledger: no code yet
    assert len(list((basic_site / reading_list.SECTIONS_DIR).glob("*.json"))) == reading_list.SHARDS


def test_old_ids_map_to_where_their_sections_are_today(moved_root):
    entries = section_map(moved_root)
    assert entries["one-first"] == entries["one-start"]
    assert entries["one-start"][:4] == ["essays/one/", "one-start", "First part of one", "Essay one"]
    assert entries["one-sub"] == entries["three-second"]
    assert entries["five-sub"][:4] == ["essays/four/", "", "", "Essay four"]
    assert entries["two-second"][0] == "essays/deux/"
    # Short codes are looked up as old ids are: through the redirects, to where the section is now.
    assert entries["~1"] == entries["one-start"] and entries["~2"] == entries["two-second"]
    assert "never-existed" not in entries


def test_the_section_map_of_an_incremental_or_parallel_build_is_the_clean_builds(site_copy, tmp_path):
    root = site_copy()
    incremental = tmp_path / "incremental"
    sphinx_build(root, incremental)
    three = root / "essays" / "three.md"
    three.write_text(three.read_text().replace("## Second part of three", "## The second part, reworded")
                     .replace("{#three-sub}\n### A smaller part\n", ""))
    (root / "redirects.yaml").write_text("/essays/three/#three-sub: /essays/one/#one-second\n")
    sphinx_build(root, incremental)
    sphinx_build(root, tmp_path / "clean")
    sphinx_build(root, tmp_path / "parallel", "-j", "2")
    files = [{p.name: p.read_bytes() for p in (site / reading_list.SECTIONS_DIR).glob("*.json")}
             for site in (incremental, tmp_path / "clean", tmp_path / "parallel")]
    assert files[0] == files[1] == files[2]
    entries = section_map(incremental)
    assert entries["three-second"][2] == "The second part, reworded"
    assert entries["three-sub"] == entries["one-second"]


def test_the_script_looks_for_an_id_in_the_file_the_build_put_it_in(real_site):
    ids = sorted(section_map(real_site))
    core = REPO / "essay_kb" / "reading_list_js" / "core.js"
    script = (f"const core = require({str(core)!r}); const ids = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              f"process.stdout.write(JSON.stringify(ids.map(id => core.shardOf(id, {reading_list.SHARDS}))));")
    browser = json.loads(subprocess.run(["node", "-e", script], input=json.dumps(ids), capture_output=True,
                                        text=True, check=True).stdout)
    assert len(ids) > 100 and browser == [reading_list.shard_of(sid) for sid in ids]


def test_the_served_scripts_are_the_modules_and_the_vendored_qr_library(basic_site):
    """Every page carries the add buttons (SCRIPT_FILE); they load the rest (TOOLS_FILE, named with
    its version) when the list is first needed."""
    served = (basic_site / "_static" / reading_list.SCRIPT_FILE).read_text(encoding="utf-8")
    tools = (basic_site / "_static" / reading_list.TOOLS_FILE).read_text(encoding="utf-8")
    for name in reading_list.SCRIPT_SOURCES:
        assert scripts.minified(name, (reading_list.SCRIPT_DIR / name).read_text(encoding="utf-8")) in served, name
    for name in reading_list.TOOLS_SOURCES:
        assert scripts.minified(name, (reading_list.SCRIPT_DIR / name).read_text(encoding="utf-8")) in tools, name
        assert f"/* {name} */" not in served, name
    assert tools.startswith(f"/* {reading_list.TOOLS_FILE}") and f"window.{reading_list.TOOLS_GLOBAL} = function" in tools
    settings = json.loads(re.search(r"kbReadingList\.page\.start\((\{.*\})\);", served).group(1))
    assert re.fullmatch(r"_static/kb-reading-list-tools\.js\?v=[0-9a-f]{12}", settings["tools"].pop("file"))
    assert settings == {"page": "reading-list/", "sections": "reading-list/sections/", "shards": reading_list.SHARDS,
                        "site": BASE, "directory": "links/", "tools": {"global": reading_list.TOOLS_GLOBAL},
                        "qr": {"file": "_static/kb-qrcode.js", "global": "kbQrcode"}}
    qr = (basic_site / "_static" / reading_list.QR_FILE).read_text(encoding="utf-8")
    assert reading_list.QR_SOURCE.read_text(encoding="utf-8") in qr
    licence = reading_list.QR_SOURCE.with_suffix(".LICENSE").read_text(encoding="utf-8")
    assert "The MIT License" in licence and "Kazuhiko Arase" in licence


@pytest.mark.skipif(not (REPO / "node_modules" / "qrcode-generator").is_dir(), reason="npm ci has not run")
def test_the_vendored_qr_library_is_the_pinned_npm_package_byte_for_byte():
    package = REPO / "node_modules" / "qrcode-generator"
    assert reading_list.QR_SOURCE.read_bytes() == (package / "dist" / "qrcode.js").read_bytes()
    pinned = json.loads((REPO / "package.json").read_text())["devDependencies"]["qrcode-generator"]
    locked = json.loads((REPO / "package-lock.json").read_text())["packages"]["node_modules/qrcode-generator"]
    assert pinned == locked["version"] == json.loads((package / "package.json").read_text())["version"] == "2.0.4"
    assert locked["license"] == "MIT" and locked["integrity"].startswith("sha512-")


# -- in the browser ---------------------------------------------------------------------------------

browser_test = pytest.mark.browser


def local(link: str, site_url: str, base: str = REAL_BASE) -> str:
    assert link.startswith(base), link
    return site_url + link[len(base):]


def watch(context, site_url: str) -> list[str]:
    """Every request the context makes; any to another host is refused, so nothing leaves."""
    requests = []

    def handle(route):
        requests.append(route.request.url)
        route.continue_() if route.request.url.startswith(site_url) else route.abort("blockedbyclient")
    context.route("**/*", handle)
    return requests


def nothing_kept(context, page) -> None:
    assert context.cookies() == [] and page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("indexedDB.databases().then(found => found.length)") == 0
    assert page.evaluate("caches.keys().then(found => found.length)") == 0


def listed(page) -> list[str]:
    page.wait_for_selector('[data-reading-list-items][aria-busy="false"]', state="attached")
    return page.eval_on_selector_all("[data-reading-list-item]", "items => items.map(i => i.dataset.readingListId)")


def decoded_qr(page) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.locator("[data-reading-list-qr] svg").screenshot())))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def add(page, sid: str):
    """The section's "Add to reading list" button; on an essay page, it is behind the heading's
    "Share or print" control, which is opened first, as a therapist would."""
    tools = page.locator(f'article section[data-section-id="{sid}"] > .kb-section-tools > details')
    if tools.count() and tools.first.get_attribute("open") is None:
        tools.first.locator("summary").click()
    return page.locator(f'[data-reading-list-add$="#{sid}"]').first


def in_the_directory(browser, site_url: str):
    """A therapist on a desktop, in the link directory, who may copy: (context, requests, page)."""
    therapist = browser.new_context(**DESKTOP)
    therapist.grant_permissions(["clipboard-read", "clipboard-write"])
    sent = watch(therapist, site_url)
    page = therapist.new_page()
    page.goto(site_url + "links/")
    return therapist, sent, page


@browser_test
def test_a_therapist_sends_three_sections_and_a_client_reads_them_on_a_phone(browser, site_url):
    therapist, sent, page = in_the_directory(browser, site_url)
    add(page, PICKED[0]).click()
    add(page, PICKED[1]).click()
    add(page, PICKED[2]).focus()  # by keyboard
    page.keyboard.press("Enter")
    panel = page.locator("[data-reading-list-panel]")
    assert panel.locator(".kb-rl-panel-title").inner_text() == "Reading list: 3 sections"
    assert add(page, PICKED[2]).inner_text() == "Remove from reading list"
    # The list and its link stay in view while picking, wherever the directory is scrolled to.
    add(page, PICKED[0]).scroll_into_view_if_needed()
    wheel_down(page, 2500)
    box = panel.bounding_box()
    assert page.locator("[data-reading-list-url]").is_visible() and box["y"] >= 0
    assert box["y"] + box["height"] <= DESKTOP["viewport"]["height"] + 1
    # The last pick moves to the top, by keyboard; focus stays on the moved pick's button.
    up = f'[data-reading-list-pick="{PICKED[2]}"] [data-reading-list-action="up"]'
    page.focus(up)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('[data-reading-list-pick]').dataset.readingListPick") == PICKED[2]
    name = page.locator(f'[data-reading-list-pick="{PICKED[2]}"] .kb-rl-pick-heading').inner_text()
    assert page.locator(".kb-rl-panel-status").inner_text() == f"Moved “{name}” to place 1 of 3."
    assert page.eval_on_selector_all("[data-reading-list-pick]", "p => p.map(i => i.dataset.readingListPick)") == SENT
    page.locator("[data-reading-list-note-input]").fill(NOTE)
    link = f"{REAL_BASE}reading-list/#s={'.'.join(SENT)}&n=Read+this+before+Thursday"
    page.wait_for_function("expected => location.hash === expected", arg="#" + link.split("#")[1])
    assert page.locator("[data-reading-list-url]").inner_text() == link
    panel.locator("[data-copy-link]").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == link
    nothing_kept(therapist, page)
    therapist.close()

    client = browser.new_context(**PHONE)
    sent += watch(client, site_url)
    phone = client.new_page()
    phone.goto(local(copied, site_url))
    assert listed(phone) == SENT
    assert phone.locator("[data-reading-list-note-text]").inner_text() == NOTE
    assert phone.locator("[data-reading-list-note]").is_visible()
    for number, sid in enumerate(SENT):
        item = phone.locator("[data-reading-list-item]").nth(number)
        assert item.locator(".kb-rl-item-number").inner_text() == f"Part {number + 1} of 3"
        assert item.locator(f'section[data-section-id="{sid}"] > h2').is_visible()
        assert item.locator(f'section[data-section-id="{sid}"] > .kb-section-tools [data-copy-link]').get_attribute("data-url").endswith(f"/#{sid}")
    assert phone.title() == NEUTRAL_TITLE
    # The same link as a QR code, big enough to scan.
    assert decoded_qr(phone) == copied
    assert phone.locator("[data-reading-list-url]").inner_text() == copied
    nothing_kept(client, phone)
    client.close()
    assert sent and all(url.startswith(site_url) for url in sent)
    # The list never reached the server: no request carried an id or the note.
    assert not [url for url in sent if "#" in url or "Thursday" in url or "s=" in url]


@browser_test
def test_glossary_previews_work_in_the_sections_of_a_list(browser, site_url):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(site_url + "reading-list/#s=why-ending-therapy-stirs-old-goodbyes.why-a-cancelled-session-hurts")
    assert listed(page) == ["why-ending-therapy-stirs-old-goodbyes", "why-a-cancelled-session-hurts"]
    ids = page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)")
    assert len(ids) == len(set(ids)), "an id is on the page twice"
    term = page.locator("[data-reading-list-item] .kb-term").first
    preview = term.locator(".kb-term-preview")
    assert page.evaluate("id => document.getElementById(id).getAttribute('role')",
                         term.locator(".kb-term-link").get_attribute("aria-describedby")) == "tooltip"
    assert not preview.is_visible()
    term.locator(".kb-term-link").tap()  # the first tap shows the definition, as on the essay
    assert preview.is_visible()
    assert page.url.startswith(site_url + "reading-list/")
    href = term.locator(".kb-term-link").get_attribute("href")
    assert href.startswith("/glossary/#"), href  # links still point where they did on the essay
    context.close()


@browser_test
def test_the_printout_is_one_handout(browser, site_url):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(site_url + f"reading-list/#s={'.'.join(SENT)}&n=Read+this+before+Thursday")
    assert listed(page) == SENT
    link = page.locator("[data-reading-list-url]").inner_text()
    page.emulate_media(media="print")
    shown = lambda selector: [n for n in page.locator(selector).all() if n.is_visible()]  # noqa: E731
    assert len(shown("[data-crisis-notice]")) == 1 and len(shown(".kb-disclaimer")) == 1
    assert shown("[data-reading-list-note-text]")[0].inner_text() == NOTE
    assert [h.inner_text() for h in shown("[data-reading-list-item] section[data-section-id] > h2")] == [
        page.locator(f'section[data-section-id="{sid}"] > h2').inner_text() for sid in SENT]
    # Each section's permanent address is printed under its heading.
    for sid in SENT:
        row = page.locator(f'[data-reading-list-item] section[data-section-id="{sid}"] > .kb-section-tools')
        assert row.is_visible() and row.bounding_box()["height"] > 5
        printed = row.evaluate("a => getComputedStyle(a, '::after').content")
        assert printed == json.dumps(row.get_attribute("data-url")) and printed.endswith(f'#{sid}"')
    # The QR code and the list's link; the code with modules of at least half a millimetre.
    assert shown("[data-reading-list-qr] svg") and shown("[data-reading-list-url]")[0].inner_text() == link
    modules = int(page.locator("[data-reading-list-qr] svg").get_attribute("viewBox").split()[2])
    width_mm = page.locator("[data-reading-list-qr] svg").bounding_box()["width"] * 25.4 / 96
    assert width_mm / modules >= 0.5 and width_mm >= 34.9  # (a px is not a whole fraction of a mm)
    assert decoded_qr(page) == link
    # No buttons, no sidebar, no search, nothing for the therapist.
    for hidden in ("button", ".sidebar-drawer", ".toc-drawer", "[data-search-input]", "[data-reading-list-change]",
                   "[data-reading-list-status]", "[data-reading-list-share] .kb-copy-row", ".mobile-header"):
        assert shown(hidden) == [], hidden
    context.close()


@browser_test
def test_picks_on_essay_pages_follow_the_therapist_by_the_address_alone(browser, site_url):
    context = browser.new_context(**PHONE)  # by touch
    page = context.new_page()
    page.goto(site_url + "essays/friction-and-repair/")
    add(page, "why-friction-happens-in-therapy").tap()
    panel = page.locator("[data-reading-list-panel]")
    # Written once the section map has said whether the link must be opaque (it need not here).
    page.wait_for_url("**/essays/friction-and-repair/#s=why-friction-happens-in-therapy")
    # The list and its link stay in view at the bottom of the screen, and cover nothing at the end.
    for scrolled in ("0", "document.body.scrollHeight"):
        page.evaluate(f"window.scrollTo(0, {scrolled})")
        page.wait_for_timeout(100)
        box = panel.bounding_box()
        assert page.locator("[data-reading-list-url]").is_visible() and box["y"] > 0
        assert abs(box["y"] + box["height"] - PHONE["viewport"]["height"]) <= 1
    assert page.locator(".kb-disclaimer").bounding_box()["y"] + 10 < box["y"]
    # A link to another essay takes the list along.
    page.locator(".kb-related a.kb-essay-link").first.tap()
    page.wait_for_url("**/essays/*/#s=why-friction-happens-in-therapy")
    assert page.locator(".kb-rl-panel-title").inner_text() == "Reading list: 1 section"
    second = page.locator("article section[data-section-id]").first.get_attribute("data-section-id")
    add(page, second).tap()
    page.wait_for_function("expected => location.hash === expected", arg=f"#s=why-friction-happens-in-therapy.{second}")
    # "Show the list", remove, add back: touch works on every control.
    page.locator(".kb-rl-toggle").tap()
    page.locator(f'[data-reading-list-pick="{second}"] [data-reading-list-action="remove"]').tap()
    assert page.url.endswith("#s=why-friction-happens-in-therapy")
    add(page, second).tap()
    page.locator(".kb-rl-open").tap()
    assert listed(page) == ["why-friction-happens-in-therapy", second]
    # Back: the essay page, with the list it had, from its address.
    page.go_back()
    page.wait_for_selector("[data-reading-list-panel]")
    assert page.locator(".kb-rl-panel-title").inner_text() == "Reading list: 2 sections"
    nothing_kept(context, page)
    context.close()


@pytest.fixture(scope="module")
def served(moved_root, basic_site):
    """{"moved": url, "basic": url}: the two test roots, each on 127.0.0.1."""
    servers = {name: serve(site) for name, site in (("moved", moved_root), ("basic", basic_site))}
    yield {name: url for name, (url, _) in servers.items()}
    for _, server in servers.values():
        server.shutdown()


@browser_test
def test_renamed_and_moved_sections_still_land_and_a_gone_one_leaves_a_calm_line(browser, served):
    url = served["moved"]
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(url + "reading-list/#s=one-first.one-sub.never-existed.two-second.five-sub")
    assert listed(page) == ["one-first", "one-sub", "two-second", "five-sub"]
    items = page.locator("[data-reading-list-item]")
    assert items.nth(0).locator("h2").inner_text() == "First part of one"   # renamed: one-start
    assert items.nth(1).locator("h2").inner_text() == "Second part of three"  # merged elsewhere
    assert items.nth(2).locator(".kb-rl-item-from a").get_attribute("href") == "/essays/deux/#two-second"
    assert items.nth(3).locator(".kb-rl-item-from a").inner_text() == "Essay four"  # folded into a page
    status = page.locator("[data-reading-list-status]").inner_text()
    assert status == ("One part of this list is no longer on the site, so it is left out. "
                      "The rest of the list is here. This list has four parts.")
    # The link to pass on names the sections as they are today.
    assert page.locator("[data-reading-list-url]").inner_text() == BASE + "reading-list/#s=one-start.three-second.two-second.five-sub"
    # Opened in the directory ("Change this list"), the gone one is named as gone, ready to remove.
    page.goto(url + "links/#s=one-first.never-existed")
    page.wait_for_selector('[data-reading-list-pick="one-start"]')
    assert page.locator('[data-reading-list-pick="never-existed"] .kb-rl-pick-heading').inner_text() == "A section no longer on the site"
    assert page.url.endswith("#s=one-start.never-existed")
    context.close()


@browser_test
def test_an_empty_or_broken_link_says_so_calmly(browser, served):
    context = browser.new_context(**PHONE)

    def opened(fragment):
        page = context.new_page()
        page.goto(served["basic"] + "reading-list/" + fragment)
        return page, listed(page)

    page, ids = opened("")
    assert ids == []
    assert "This reading list is empty" in page.locator("[data-reading-list-status]").inner_text()
    assert not page.locator("[data-reading-list-share]").is_visible()
    # A note with markup in it is shown as text; a note cut inside a character is left out.
    page, ids = opened("#s=one-first&n=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E")
    assert ids == ["one-first"] and page.locator("[data-reading-list-note] img").count() == 0
    assert page.locator("[data-reading-list-note-text]").inner_text() == "<img src=x onerror=alert(1)>"
    page, ids = opened("#s=one-first.Not%20an%20id&n=hello+%E2%82")
    assert ids == ["one-first"] and not page.locator("[data-reading-list-note]").is_visible()
    assert page.locator("[data-reading-list-status]").inner_text().startswith("One part of this list is no longer")
    context.close()


@browser_test
def test_without_javascript_the_directory_lists_every_section_link_as_before(browser, site_url, real_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "links/")
    assert page.locator("[data-reading-list-add], [data-reading-list-panel]").count() == 0
    listed_urls = page.eval_on_selector_all(".kb-directory-url", "codes => codes.map(c => c.textContent)")
    essays = {sid: entry for sid, entry in section_map(real_site).items() if entry[0].startswith("essays/") and entry[1] == sid}
    assert sorted(listed_urls) == sorted(f"{REAL_BASE}{entry[0]}#{sid}" for sid, entry in essays.items())
    context.close()


# -- opaque links, and nothing in the HTTP cache (issue 22) ----------------------------------------

DISCREET_PICKS = ["why-a-cancelled-session-hurts", "signs-of-abuse-beyond-hitting"]  # the second: a discreet essay


def ledger_code(sid: str) -> str:
    for line in (REPO / "links-ledger.txt").read_text(encoding="utf-8").splitlines():
        address, _, code = line.partition(" ")
        if address.endswith(f"#{sid}"):
            return code
    raise AssertionError(f"{sid} has no short code in links-ledger.txt")


@browser_test
def test_a_list_with_a_discreet_page_is_sent_opaque_and_opens_exactly_as_built(browser, site_url):
    therapist, sent, page = in_the_directory(browser, site_url)
    for sid in DISCREET_PICKS:
        add(page, sid).click()
    page.locator("[data-reading-list-note-input]").fill(NOTE)
    opaque = f"{REAL_BASE}reading-list/#c={'.'.join(ledger_code(s) for s in DISCREET_PICKS)}&n=Read+this+before+Thursday"
    # The page's own address holds the opaque form too (it is in the history).
    page.wait_for_function("expected => location.hash === expected", arg="#" + opaque.split("#")[1])
    assert page.locator("[data-reading-list-url]").inner_text() == opaque
    assert page.locator("[data-reading-list-opaque]").is_checked()
    page.locator("[data-reading-list-panel] [data-copy-link]").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == opaque and not any(word in copied for word in ("abuse", "cancelled", "hitting", "session"))
    therapist.close()

    client = browser.new_context(**PHONE)
    sent += watch(client, site_url)
    phone = client.new_page()
    phone.goto(local(copied, site_url))
    assert listed(phone) == DISCREET_PICKS  # the same sections, in the same order
    for sid in DISCREET_PICKS:
        assert phone.locator(f'[data-reading-list-item] section[data-section-id="{sid}"] > h2').is_visible()
    assert phone.locator("[data-reading-list-note-text]").inner_text() == NOTE
    # Sent on as it came: the list page's own link is the same opaque link.
    assert phone.locator("[data-reading-list-url]").inner_text() == copied
    # "Change this list" takes it back to the picker, still opaque.
    phone.locator("[data-reading-list-change]").click()
    phone.wait_for_selector("[data-reading-list-panel]")
    phone.wait_for_function("expected => location.hash === expected", arg="#" + opaque.split("#")[1])
    client.close()
    assert not [url for url in sent if "#" in url or "Thursday" in url]


@browser_test
def test_any_list_can_be_sent_opaque_and_back(browser, site_url):
    context = browser.new_context(**DESKTOP)
    watch(context, site_url)
    page = context.new_page()
    page.goto(site_url + "links/")
    add(page, PICKED[0]).click()
    url = page.locator("[data-reading-list-url]")
    readable = f"{REAL_BASE}reading-list/#s={PICKED[0]}"
    url.wait_for()  # the panel comes with the list's code, loaded at this first "Add"
    page.wait_for_function("expected => document.querySelector('[data-reading-list-url]').textContent === expected", arg=readable)
    box = page.locator("[data-reading-list-opaque]")
    assert not box.is_checked()
    box.check()
    assert url.inner_text() == f"{REAL_BASE}reading-list/#c={ledger_code(PICKED[0])}"
    box.uncheck()
    assert url.inner_text() == readable
    context.close()


# Whether the browser's HTTP cache holds an address: a fetch that may only use the cache fails
# when it does not (Chromium answers it with a network error, never with a request to the host).
# (A guard turns a fetch that never settles into a clear failure rather than a hung test.)
IN_CACHE = """url => Promise.race([
  fetch(url, {cache: "only-if-cached", mode: "same-origin"}).then(r => r.ok, () => false),
  new Promise(resolve => setTimeout(() => resolve("never settled"), 10000))])"""


@browser_test
def test_what_a_list_fetches_leaves_nothing_in_the_http_cache(browser, site_url):
    # No route in this context: Playwright's request interception turns the HTTP cache off, and
    # the cache is what is looked at. The site loads nothing from elsewhere (test_privacy.py).
    context = browser.new_context(**PHONE)
    page = context.new_page()
    recorded = []
    page.on("request", lambda r: recorded.append(r.url) if r.resource_type == "fetch" else None)
    page.goto(site_url + f"reading-list/#s={'.'.join(SENT)}&n=Read+this+before+Thursday")
    assert listed(page) == SENT
    fetched = list(recorded)  # what the list fetched (a copy: the checks below fetch too, into `recorded`)
    pages = [u for u in fetched if "/essays/" in u]
    shards = [u for u in fetched if "/reading-list/sections/" in u]
    assert len(pages) == 2 and shards  # two of the three sections are on one page, fetched once
    for url in fetched:
        assert page.evaluate(IN_CACHE, url) is False, f"{url} is in the HTTP cache"
    # The check can fail: the same page fetched as "no-cache" did is found in the cache.
    page.evaluate("""url => fetch(url, {cache: "no-cache"}).then(r => r.text())""", pages[0])
    assert page.evaluate(IN_CACHE, pages[0]) is True
    context.close()
