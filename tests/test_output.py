"""Only a good build is ever published: a build's output holds exactly the current pages, and a
failed `make html` leaves no site behind."""

import os
import shutil
import subprocess

import pytest

from conftest import REPO, html_files, soup, sphinx_build

FIGURE = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>\n'


def files_of(site):
    """Every file of a built site, but the build's own records."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and ".doctrees" not in p.parts and p.name != ".buildinfo")


def test_a_build_without_a_record_of_a_deleted_essay_still_removes_everything_of_it(site_copy, tmp_path):
    """After a failed build `make html` drops the record of read pages (the doctrees), so the next
    build cannot know which essay was deleted: what it did not make is removed anyway."""
    root = site_copy()
    (root / "essays" / "figure.svg").write_text(FIGURE, encoding="utf-8")
    three = root / "essays" / "three.md"
    three.write_text(three.read_text(encoding="utf-8").replace("More.", "More.\n\n![A square](figure.svg)"), encoding="utf-8")
    out = tmp_path / "out"
    sphinx_build(root, out)
    made = files_of(out)
    assert {"essays/three/index.html", "_sources/essays/three.md.txt", "_images/figure.svg", "_qr/three.svg"} <= set(made)
    shutil.rmtree(out / ".doctrees")
    three.unlink()
    sphinx_build(root, out)
    sphinx_build(root, tmp_path / "clean")
    assert files_of(out) == files_of(tmp_path / "clean")
    assert not (out / "essays" / "three").exists() and not (out / "_images").exists()
    assert html_files(out) == html_files(tmp_path / "clean")


def test_a_renamed_essay_leaves_only_the_redirect_it_asks_for(site_copy, tmp_path):
    root = site_copy()
    out = tmp_path / "out"
    sphinx_build(root, out)
    shutil.rmtree(out / ".doctrees")
    (root / "essays" / "two.md").rename(root / "essays" / "deux.md")
    (root / "essays" / "four.md").rename(root / "essays" / "vier.md")
    (root / "redirects.yaml").write_text("/essays/two/: /essays/deux/\n", encoding="utf-8")
    sphinx_build(root, out)
    assert "kb-redirect-data" in (out / "essays" / "two" / "index.html").read_text(encoding="utf-8")
    assert not (out / "essays" / "four").exists() and (out / "essays" / "vier" / "index.html").exists()
    assert not (out / "_qr" / "four.svg").exists() and not (out / "_qr" / "two.svg").exists()


def test_a_qr_code_removed_from_the_output_is_made_again_and_one_linked_outside_is_refused(site_copy, tmp_path):
    """A code is remade only when its address changed or its file is gone; a link put in its place is
    never written through."""
    root = site_copy()
    out = tmp_path / "out"
    sphinx_build(root, out)
    made = (out / "_qr" / "two.svg").read_bytes()
    (out / "_qr" / "two.svg").unlink()
    sphinx_build(root, out)
    assert (out / "_qr" / "two.svg").read_bytes() == made
    (out / "_qr" / "three.svg").unlink()
    (out / "_qr" / "three.svg").symlink_to(tmp_path / "elsewhere.svg")
    result = sphinx_build(root, out, check=False)
    assert result.returncode != 0 and "outside the output folder" in result.stdout + result.stderr
    assert not (tmp_path / "elsewhere.svg").exists()


def test_files_copied_as_they_are_stay(site_copy, tmp_path):
    """html_extra_path copies files into the site (a host's verification page, say): they are the
    build's own, whatever their name."""
    root = site_copy()
    (root / "extra").mkdir()
    (root / "extra" / "google1234.html").write_text("google-site-verification: google1234.html\n", encoding="utf-8")
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('html_extra_path = ["extra"]\nexclude_patterns = ["extra"]\n')
    out = tmp_path / "out"
    sphinx_build(root, out)
    sphinx_build(root, out)
    assert (out / "google1234.html").exists()


def test_a_build_after_a_change_to_the_configuration_succeeds_and_publishes_no_backup(site_copy, tmp_path):
    """Sphinx copies its build record to .buildinfo.bak when the configuration changed (the author
    edited conf.py): the copy is removed, not refused as a file the site does not publish."""
    root = site_copy()
    out = tmp_path / "out"
    sphinx_build(root, out)
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('html_title = "Another title"\n')
    result = sphinx_build(root, out, quiet=False)
    assert "build_info mismatch" in result.stdout + result.stderr  # the case this is about
    assert not (out / ".buildinfo.bak").exists() and (out / ".buildinfo").exists()


@pytest.fixture
def make_html(tmp_path):
    """`make html` on a test root, in a build folder of its own; returns (run, build folder)."""
    if not (REPO / ".venv" / ".installed").exists():
        pytest.skip("no .venv here yet: run `make html` once")
    build = tmp_path / "build"

    def run(root):
        # -o: the virtual environment is as it is (make would reinstall it if the lock looked newer).
        return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "html",
                               f"SOURCEDIR={root}", f"CONFDIR={root}", f"BUILDDIR={build}"],
                              cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return run, build


def test_make_html_publishes_a_build_only_when_it_succeeds(site_copy, make_html):
    run, build = make_html
    root = site_copy()
    first = run(root)
    assert first.returncode == 0, first.stderr
    assert (build / "html" / "essays" / "three" / "index.html").exists() and not (build / "html.partial").exists()
    # its last line names the folder the site is in, never the .partial folder it was built in
    assert first.stdout.rstrip().splitlines()[-1] == f"The site is in {build}/html.", first.stdout[-300:]
    again = run(root)  # incremental: the moved folder is the last build, nothing is read or written again
    assert again.returncode == 0 and "0 added, 0 changed, 0 removed" in again.stdout
    assert "no targets are out of date" in again.stdout

    two = root / "essays" / "two.md"
    good = two.read_text(encoding="utf-8")
    two.write_text(good.replace("themes: [alpha]", "themes: [alpah]"), encoding="utf-8")
    failed = run(root)
    assert failed.returncode != 0 and "unknown theme 'alpah'" in failed.stderr
    # it ends with its one-line-per-problem summary (essay_kb/problems.py), and nothing after it
    summary = failed.stderr[failed.stderr.index("The build found 1 problem, so nothing was published (there is no site in"):]
    assert "two.md:3: unknown theme 'alpah'" in summary and "The site is in" not in failed.stdout + failed.stderr
    assert not (build / "html").exists() and not (build / "html.partial").exists()
    assert not (build / "doctrees").exists()  # the next build reads, and reports, everything again

    two.write_text(good, encoding="utf-8")
    (root / "essays" / "three.md").unlink()
    fixed = run(root)
    assert fixed.returncode == 0, fixed.stderr
    assert (build / "html" / "index.html").exists() and not (build / "html" / "essays" / "three").exists()


def test_the_live_preview_never_writes_the_site_that_is_published(tmp_path):
    """`make serve` rebuilds as the author types, problems and all: into a folder of its own."""
    build = tmp_path / "build"
    plan = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "serve", f"BUILDDIR={build}"],
                          cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "essay_kb serve" in plan and f"{build}/preview" in plan
    assert f"{build}/html" not in plan and f"{build}/doctrees" not in plan


def test_a_deleted_essay_leaves_none_of_its_files_behind(site_copy, tmp_path):
    """Its page, its picture and its download all go, in an ordinary incremental build."""
    root = site_copy()
    (root / "essays" / "figure.svg").write_text(FIGURE, encoding="utf-8")
    (root / "essays" / "notes.txt").write_text("Notes for the reader.\n", encoding="utf-8")
    three = root / "essays" / "three.md"
    three.write_text(three.read_text(encoding="utf-8").replace(
        "More.", "More.\n\n![A square](figure.svg)\n\nSee {download}`the notes <notes.txt>`."), encoding="utf-8")
    out = tmp_path / "out"
    sphinx_build(root, out)
    made = set(files_of(out))
    assert "_images/figure.svg" in made and any(f.startswith("_downloads/") and f.endswith("/notes.txt") for f in made)
    for name in ("three.md", "figure.svg", "notes.txt"):
        (root / "essays" / name).unlink()
    sphinx_build(root, out)
    left = files_of(out)
    assert not [f for f in left if f.startswith(("_downloads", "_images")) or "three" in f], left
    sphinx_build(root, tmp_path / "clean")
    assert left == files_of(tmp_path / "clean")


def test_every_file_of_the_output_folder_is_checked(tmp_path):
    """What the build did not make, whichever way it got there, is named: HTML, scripts outside
    _static/, SVG that runs a script, attachments of other types or that are not what they say."""
    from essay_kb.files import output_problems

    site = tmp_path / "site"
    files = {
        "index.html": "<p>a page the build made</p>",
        "_static/kb.js": "// the site's own script",
        "_static/favicon.svg": FIGURE,
        "_downloads/abc/notes.txt": "notes",
        "_downloads/abc/page.html": "<script>alert(1)</script>",
        "_downloads/abc/tool.js": "alert(1)",
        "_images/photo.png": "<html><script>alert(1)</script></html>",
        "_images/evil.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "stray/page.xhtml": "<html/>",
        "stray/app.js": "alert(1)",
        "stray/tool.php": "<?php ?>",
        "_qr/x.svg": '<svg xmlns="http://www.w3.org/2000/svg"><a href="https://evil.example/">x</a></svg>',
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    refused = {path.relative_to(site).as_posix() for path, _, _ in output_problems(site, {site / "index.html"})}
    assert refused == {"_downloads/abc/page.html", "_downloads/abc/tool.js", "_images/photo.png", "_images/evil.svg",
                       "stray/page.xhtml", "stray/app.js", "stray/tool.php", "_qr/x.svg"}


def test_a_file_changed_since_the_last_check_is_checked_again_whatever_its_size_and_time(tmp_path):
    """A process that checks the folder again (the kept preview) reuses what it found only for a
    file no one wrote since: same size and modification time are not enough."""
    from essay_kb.files import output_problems

    site = tmp_path / "site"
    picture = site / "_images" / "figure.svg"
    picture.parent.mkdir(parents=True)
    picture.write_text(FIGURE, encoding="utf-8")
    assert output_problems(site, set()) == output_problems(site, set()) == []
    before = picture.stat()
    evil = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    picture.write_text(evil.ljust(len(FIGURE.encode("utf-8")) - 1) + "\n", encoding="utf-8")
    os.utime(picture, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert picture.stat().st_size == before.st_size and picture.stat().st_mtime_ns == before.st_mtime_ns
    assert [path for path, _, _ in output_problems(site, set())] == [picture]


def test_a_kept_check_is_reused_only_for_the_same_file_state_and_settings(tmp_path):
    """The risk vocabulary is checked once per process (tests build many sites in one) while the
    file and the settings it depends on stay as they were; a missing file is checked every time."""
    from essay_kb.files import checked_once

    path, calls = tmp_path / "risk.yaml", []
    path.write_text("a\n", encoding="utf-8")
    check = lambda: calls.append(path.exists()) or len(calls)  # noqa: E731
    assert [checked_once(path, check, ("lines",)), checked_once(path, check, ("lines",))] == [1, 1]
    assert checked_once(path, check, ("other lines",)) == 2
    before = path.stat().st_ctime_ns
    while path.stat().st_ctime_ns == before:  # the same size; the clock's tick must pass for the change time to tell
        path.write_text("b\n", encoding="utf-8")
    assert checked_once(path, check, ("lines",)) == 3
    path.unlink()
    assert [checked_once(path, check, ("lines",)), checked_once(path, check, ("lines",))] == [4, 5]


@pytest.mark.parametrize("svg", [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><g onclick="go()"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:script>go()</h:script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><use x:href="https://e.example/a.svg#b"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a href=" java\tscript:go()">x</a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:go()"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://e.example/p.svg#f)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://e.example/s.css";</style></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: u\\72l(https://e.example/x)"/></svg>',
    '<?xml-stylesheet type="text/xsl" href="https://e.example/x.xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    '<!DOCTYPE svg [<!ENTITY s "<script>go()</script>">]><svg xmlns="http://www.w3.org/2000/svg">&s;</svg>',
    '<html xmlns="http://www.w3.org/1999/xhtml"><script>go()</script></html>',
    '<svg xmlns="http://www.w3.org/2000/svg"><script>',
], ids=["script", "event", "foreignObject", "xhtml-script", "xlink-outside", "javascript-with-tab", "animated-href",
        "url-outside", "import", "css-escape", "stylesheet-pi", "entity", "not-svg", "not-well-formed"])
def test_an_svg_that_could_run_a_script_or_load_from_elsewhere_is_refused(svg):
    from essay_kb.files import svg_problems

    assert svg_problems(svg.encode("utf-8"))


def test_a_plain_svg_is_accepted():
    from essay_kb.files import svg_problems

    assert svg_problems(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
                        b'<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="4" height="4"/>'
                        b'<a href="#top"><text>Top</text></a></svg>') == []


def test_the_extension_writes_only_inside_the_output_folder(tmp_path):
    from essay_kb.output import OutsideSite, site_file

    site = tmp_path / "site"
    (site / "_static").mkdir(parents=True)
    (site / "_static" / "kb.js").write_text("//", encoding="utf-8")
    (site / "folder").mkdir()
    (site / "escape").symlink_to(tmp_path)
    assert site_file(site, "search-index", "x.json") == site / "search-index" / "x.json"
    for parts in (("..", "outside.html"), ("a/../../outside.html",), ("/etc/passwd",), ("escape", "x.html"),
                  ("_static", "kb.js", "index.html"), ("folder",)):
        with pytest.raises(OutsideSite):
            site_file(site, *parts)


def make_in(build, root, *targets):
    """`make <targets>` on a test root, started (the sentence vectors' cache is the tests' shared one)."""
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "KB_EMBEDDING_CACHE": os.environ.get("KB_EMBEDDING_CACHE", str(REPO / "_build" / "embeddings"))}
    return subprocess.Popen(["make", "--no-print-directory", "-o", ".venv/.installed", *targets, f"SOURCEDIR={root}",
                             f"CONFDIR={root}", f"BUILDDIR={build}"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_a_second_make_html_waits_for_the_first(site_copy, make_html):
    """While a build holds the build folder's lock, another one says so and waits; it then builds."""
    import fcntl

    _, build = make_html
    root = site_copy()
    build.mkdir(parents=True)
    with open(build / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        second = make_in(build, root, "html")
        assert "Another build of this site is running" in second.stderr.readline()  # waits on the line itself
        assert second.poll() is None and not (build / "html.partial").exists()
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert (build / "html" / "essays" / "three" / "index.html").exists()


def test_two_make_html_at_once_publish_one_whole_site(site_copy, make_html, tmp_path):
    _, build = make_html
    root = site_copy()
    runs = [make_in(build, root, "html") for _ in range(2)]
    results = [(run.wait(timeout=900), run.stderr.read()) for run in runs]
    assert all(code == 0 for code, _ in results), results
    sphinx_build(root, tmp_path / "clean")
    assert html_files(build / "html") == html_files(tmp_path / "clean")
    assert not (build / "html.partial").exists()


def test_a_read_only_docs_folder_stops_the_build_naming_the_folder(site_copy, tmp_path):
    """The build writes the theme pages into docs/themes/; on a read-only checkout it says so
    (run in a mount namespace of its own, where docs/ is mounted read-only: root ignores file modes)."""
    import shutil as sh
    import sys

    root = site_copy()
    sh.rmtree(root / "themes")  # a fresh checkout has none: they are generated
    script = (f"mount --bind {root} {root} && mount -o remount,ro,bind {root} && "
              f"{sys.executable} -m sphinx -b dirhtml -W --keep-going -n -q {root} {tmp_path / 'out'}")
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare -m is not allowed here (it needs root)")
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode != 0
    assert f"{root}/themes:1: ERROR: the build writes a page per theme (from themes.yaml) into this folder, and cannot: " \
           "Read-only file system." in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "open an issue" not in result.stderr


def test_files_inside_docs_of_the_allowed_types_are_still_included_and_published(site_copy, tmp_path):
    """The checks refuse a class of files, not includes and attachments as such."""
    root = site_copy()
    essays = root / "essays"
    (root / "shared").mkdir()
    (root / "shared" / "aside.md").write_text("An aside kept in one place, *shared* by essays.\n", encoding="utf-8")
    (essays / "steps.txt").write_text("first step\nsecond step\n", encoding="utf-8")
    (essays / "figure.svg").write_text(FIGURE, encoding="utf-8")
    (essays / "handout.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    three = essays / "three.md"
    three.write_text(three.read_text(encoding="utf-8").replace("More.", (
        "More.\n\n```{include} /shared/aside.md\n```\n\n```{literalinclude} steps.txt\n```\n\n"
        "```{eval-rst}\n.. include:: steps.txt\n   :literal:\n```\n\n"
        "![A square](figure.svg)\n\nSee {download}`the handout <handout.pdf>` and [the steps](steps.txt).")),
        encoding="utf-8")
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('exclude_patterns = ["shared"]\n')
    out = tmp_path / "out"
    sphinx_build(root, out)
    page = soup(out / "essays" / "three" / "index.html").get_text()
    assert "An aside kept in one place" in page and page.count("second step") == 2, page
    made = files_of(out)
    assert "_images/figure.svg" in made
    assert {f.rsplit("/", 1)[1] for f in made if f.startswith("_downloads/")} == {"handout.pdf", "steps.txt"}
