"""Only a good build is ever published: a build's output holds exactly the current pages, and a
failed `make html` leaves no site behind."""

import os
import shutil
import subprocess

import pytest

from conftest import REPO, html_files, sphinx_build

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
    again = run(root)  # incremental: the moved folder is the last build, nothing is read or written again
    assert again.returncode == 0 and "0 added, 0 changed, 0 removed" in again.stdout
    assert "no targets are out of date" in again.stdout

    two = root / "essays" / "two.md"
    good = two.read_text(encoding="utf-8")
    two.write_text(good.replace("themes: [alpha]", "themes: [alpah]"), encoding="utf-8")
    failed = run(root)
    assert failed.returncode != 0 and "unknown theme 'alpah'" in failed.stderr
    assert "The build failed, so there is no site in" in failed.stderr
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
    assert "sphinx-autobuild" in plan and f"{build}/preview" in plan
    assert f"{build}/html" not in plan and f"{build}/doctrees" not in plan
