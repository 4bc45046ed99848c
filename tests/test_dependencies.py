"""Every declared package is used: imported or loaded by name somewhere in the project, or its line in
pyproject.toml says why it is there."""

import re
import tomllib
from importlib.metadata import packages_distributions

from conftest import REPO

PYPROJECT = REPO / "pyproject.toml"
SOURCES = [*sorted((REPO / "essay_kb").rglob("*.py")),
           *sorted(p for p in (REPO / "tests").glob("*.py") if p.name != "test_dependencies.py"),
           REPO / "conf.py", REPO / "Makefile"]


def declared() -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [s for group in project["optional-dependencies"].values() for s in group]
    return [re.split(r"[=<>!~\[ ;]", spec, maxsplit=1)[0] for spec in specs]


def modules_of(distribution: str) -> set[str]:
    wanted = distribution.lower().replace("_", "-")
    return {module for module, dists in packages_distributions().items()
            if any(d.lower().replace("_", "-") == wanted for d in dists) and not module.startswith("_")}


def used(module: str, text: str) -> bool:
    """An import, a `python -m`, or the name as a string (an extension, a theme, setup_extension)."""
    name = re.escape(module)
    return bool(re.search(rf"^\s*(import|from)\s+{name}\b|-m\s+{name}\b|[\"']{name}[\"'.]", text, re.M))


def test_every_declared_package_is_used_or_explained():
    text = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)
    lines = PYPROJECT.read_text(encoding="utf-8").splitlines()
    unexplained = []
    for distribution in declared():
        modules = modules_of(distribution)
        assert modules, f"{distribution} is declared but not installed: run make test (it installs requirements.lock)"
        if any(used(module, text) for module in modules):
            continue
        line = next(line for line in lines if f'"{distribution}' in line)
        if "#" not in line.split(",", 1)[-1]:
            unexplained.append(distribution)
    assert unexplained == [], "declared but never imported; remove them or say why in pyproject.toml"


def test_the_check_sees_an_unused_package():
    assert used("segno", "import segno\n") and used("furo", 'html_theme = "furo"')
    assert used("myst_parser", 'app.setup_extension("myst_parser")') and used("linkcheck", "-m linkcheck --x")
    assert not used("sphinx_reredirects", "import sphinx\nextensions = ['sphinx_sitemap']")
