"""Shared fixtures: Sphinx's own test fixtures on tiny roots, and one build of the real site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def rootdir():
    return ROOTS


def sphinx_build(srcdir: Path, outdir: Path, *extra: str, confdir: Path | None = None,
                 check: bool = True) -> subprocess.CompletedProcess:
    """Run sphinx-build as the Makefile does (dirhtml, warnings are errors)."""
    args = [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-W", "--keep-going", "-n", "-q"]
    if confdir is not None:
        args += ["-c", str(confdir)]
    args += [*extra, str(srcdir), str(outdir)]
    result = subprocess.run(args, capture_output=True, text=True, cwd=REPO,
                            env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    if check and result.returncode != 0:
        raise AssertionError(f"build failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def site_copy(tmp_path):
    """A fresh copy of a test root to mutate: site_copy('test-basic') -> its path."""
    def make(name: str = "test-basic") -> Path:
        dest = tmp_path / name
        shutil.copytree(ROOTS / name, dest)
        return dest
    return make


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real knowledge base, built once per test session exactly as `make html` builds it."""
    out = tmp_path_factory.mktemp("site") / "html"
    sphinx_build(REPO / "docs", out, confdir=REPO)
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in {".html", ".xml", ".txt"}
            and not p.name.startswith(".") and "_sources" not in p.parts}
