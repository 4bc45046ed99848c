"""The foundation on a tiny root: theme pages, sidebar, essay header, sitemap, robots, and
incremental/parallel builds that match a clean one."""

import inspect
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest

from conftest import edit, html_files, soup, sphinx_build
from essay_kb import connections, directory, navigation, themes
from essay_kb.dependencies import fingerprint, shown
from sphinx.errors import ExtensionError


def test_essays_publish_at_clean_urls(basic_site):
    for slug in ("one", "two", "three", "four", "five"):
        assert (basic_site / "essays" / slug / "index.html").exists()


def test_theme_page_lists_home_and_secondary_essays_with_summaries(basic_site):
    page = soup(basic_site / "themes" / "alpha" / "index.html")
    assert page.h1.get_text(strip=True) == "Alpha theme"
    assert "Essays about alpha things." in page.select_one(".kb-theme-description").get_text()
    lists = page.select("ul.kb-essay-list")
    home = [a.get_text() for a in lists[0].select("a.kb-essay-link")]
    assert home == ["Essay four", "Essay one", "Essay three", "Essay two"]
    [secondary] = lists[1].select("li")
    assert secondary.a.get_text() == "Essay five"
    assert "home theme is Beta theme" in secondary.get_text()
    assert lists[0].select_one(".kb-summary").get_text().startswith("The four essay")


def test_home_page_leads_into_every_theme(basic_site):
    page = soup(basic_site / "index.html")
    links = [(a.get_text(), a["href"]) for a in page.select(".kb-theme-index a.kb-theme-link")]
    assert links == [("Alpha theme", "themes/alpha/"), ("Beta theme", "themes/beta/")]


def test_sidebar_lists_themes_and_expands_only_the_current_one_within_a_window(basic_site):
    page = soup(basic_site / "essays" / "two" / "index.html")
    tree = page.select_one(".sidebar-tree")
    top = [a.get_text() for a in tree.select("li.toctree-l1 > a")]
    assert top == ["Alpha theme", "Beta theme", "Glossary", "Links for therapists"]
    shown = [a.get_text() for a in tree.select("li.toctree-l2 > a")]
    # kb_sidebar_window = 3 in this root: three essays around the current one, then "All ..."
    assert shown == ["Essay one", "Essay three", "Essay two", "All essays in Alpha theme"]
    assert tree.select_one("li.current-page > a").get_text() == "Essay two"
    caption = tree.select_one("p.caption")
    assert caption["role"] == "heading" and caption["aria-level"] == "2"


def test_essay_header_shows_themes_dates_and_reading_time(basic_site):
    meta = soup(basic_site / "essays" / "five" / "index.html").select_one(".kb-essay-meta")
    assert [a.get_text() for a in meta.select("a")] == ["Beta theme", "Alpha theme"]
    assert meta.select_one('time[datetime="2026-03-04"]').get_text() == "4 March 2026"
    assert meta.select_one('time[datetime="2026-04-01"]')
    assert "1 min read" in meta.get_text()


def test_previous_and_next_stay_within_the_home_theme(basic_site):
    page = soup(basic_site / "essays" / "one" / "index.html")
    assert page.select_one("a.prev-page")["href"] == "../four/"
    assert page.select_one("a.next-page")["href"] == "../three/"
    lone = soup(basic_site / "essays" / "five" / "index.html")  # the only essay at home in Beta
    assert lone.select_one("a.prev-page") is None and lone.select_one("a.next-page") is None


def test_section_ids_sit_on_headings_and_copy_links_are_absolute(basic_site):
    page = soup(basic_site / "essays" / "two" / "index.html")
    heading = page.select_one("h2#two-first")
    assert heading.parent.name == "section" and heading.parent["data-section-id"] == "two-first"
    assert not heading.parent.get("id")
    tools = heading.find_next_sibling(class_="kb-section-tools")  # one "Share or print" control per heading
    assert tools["data-url"] == "https://kb.test/essays/two/#two-first" and tools.select_one("details > summary")
    control = tools.select_one("[data-copy-link]")
    assert control["data-url"] == "https://kb.test/essays/two/#two-first"
    assert page.select_one("h3#two-sub")


def test_crisis_notice_and_disclaimer_on_every_page(basic_site):
    for path in basic_site.rglob("*.html"):
        page = soup(path)
        assert page.select("[data-crisis-notice]"), path
        assert page.select(".kb-disclaimer"), path


def test_sitemap_lists_real_addresses_without_language_prefix(basic_site):
    tree = ET.parse(basic_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [u.findtext("s:loc", namespaces=ns) for u in tree.findall("s:url", ns)]
    assert locs == sorted(locs) and len(locs) == len(set(locs)) > 5
    assert "https://kb.test/essays/two/" in locs and "https://kb.test/" in locs
    assert not any("/en/" in loc or "search" in loc or "genindex" in loc for loc in locs)
    for loc in locs:
        path = loc.removeprefix("https://kb.test/")
        assert (basic_site / path / "index.html").exists(), loc
    lastmod = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in tree.findall("s:url", ns)}
    assert lastmod["https://kb.test/essays/two/"] == "2026-04-01"
    assert (basic_site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n\nSitemap: https://kb.test/sitemap.xml\n"


def test_parallel_build_equals_serial(basic_site, site_copy, tmp_path):
    sphinx_build(site_copy(), tmp_path / "parallel", "-j", "2")
    assert html_files(basic_site) == html_files(tmp_path / "parallel")


def theme_index_on_the_glossary(root):
    """The {kb-theme-index} on a page other than the home page (any page may hold it)."""
    with (root / "glossary.md").open("a", encoding="utf-8") as page:
        page.write("\n```{kb-theme-index}\n```\n")


INCREMENTAL_CHANGES = {  # name: (what the site has before the first build, the change)
    "retitle": (None, lambda root: edit(root / "essays" / "three.md", "# Essay three", "# Essay zero")),
    "move-theme": (None, lambda root: edit(root / "essays" / "three.md", "themes: [alpha]", "themes: [beta]")),
    "delete": (None, lambda root: (root / "essays" / "three.md").unlink()),
    # Every sidebar lists the "About" pages by their titles.
    "retitle-an-about-page": (None, lambda root: edit(root / "glossary.md", "# Glossary", "# Words we use")),
    # Its essay counts change, on whichever page it is.
    "theme-index-elsewhere": (theme_index_on_the_glossary,
                              lambda root: edit(root / "essays" / "three.md", "themes: [alpha]", "themes: [beta]")),
}


@pytest.mark.parametrize("change", list(INCREMENTAL_CHANGES))
def test_incremental_rebuild_equals_clean_build(site_copy, tmp_path, change):
    prepare, edit_site = INCREMENTAL_CHANGES[change]
    root = site_copy()
    if prepare:
        prepare(root)
    inc = tmp_path / "incremental"
    sphinx_build(root, inc)
    edit_site(root)
    sphinx_build(root, inc)
    sphinx_build(root, tmp_path / "clean")
    assert html_files(inc) == html_files(tmp_path / "clean")


def test_a_fingerprint_depends_on_the_inputs_values_not_on_which_objects_hold_them():
    """Re-reading one page makes new string objects for values that stay equal: the pages that show
    them must not be rewritten for that."""
    same, twin = "".join(["essays/", "one"]), "".join(["essays/", "one"])
    assert same == twin and same is not twin
    shared = SimpleNamespace(kb_render_inputs=[lambda app, docname: ((same, "Title"), (same, "Other"))])
    distinct = SimpleNamespace(kb_render_inputs=[lambda app, docname: ((same, "Title"), (twin, "Other"))])
    assert fingerprint(shared, "x") == fingerprint(distinct, "x")
    changed = SimpleNamespace(kb_render_inputs=[lambda app, docname: ((same, "Title"), (twin, "Else"))])
    assert fingerprint(shared, "x") != fingerprint(changed, "x")


def test_a_renderer_is_handed_the_very_value_its_fingerprint_hashed_and_nothing_undeclared():
    declared = lambda app, docname: ("declared", docname)  # noqa: E731
    app = SimpleNamespace(kb_render_inputs=[declared], kb_shown={})
    fingerprint(app, "x")
    assert shown(app, "x", declared) is app.kb_shown["x", declared]
    with pytest.raises(ExtensionError, match="is not declared as a render input"):
        shown(app, "x", lambda app, docname: "undeclared")


@pytest.mark.parametrize("renderer", [themes.listing_html, themes.theme_index_html, navigation.sidebar_html,
                                      directory.directory_html, connections.connections_html])
def test_renderers_of_other_pages_data_are_given_their_inputs_not_the_application(renderer):
    """With the application they could reach any data in the environment, fingerprinted or not."""
    assert "app" not in inspect.signature(renderer).parameters
