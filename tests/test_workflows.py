"""The hosting set-ups as written: the GitHub Actions workflow and the Read the Docs configuration
parse, have the shape each host expects, and their build steps, run here, build the site for the
public address each host gives."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, soup

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
READTHEDOCS = REPO / ".readthedocs.yaml"


def not_checked_out(folder: str, names: list[str]) -> set[str]:
    """What a fresh checkout does not have: git-ignored build products and caches."""
    skip = {".git", ".venv", "_build", "node_modules", ".pytest_cache", "__pycache__"}
    if Path(folder) == REPO / "docs":
        skip.add("themes")  # generated at every build
    return {name for name in names if name in skip or name.endswith(".egg-info")}


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def step(job: dict, predicate) -> dict:
    [found] = [s for s in job["steps"] if predicate(s)]
    return found


# -- GitHub Actions -------------------------------------------------------------------------------

def test_pull_requests_build_with_warnings_as_errors_and_run_every_test(workflow):
    on = triggers(workflow)
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    job = workflow["jobs"]["test"]
    assert uses(job)[:2] == ["actions/checkout", "actions/setup-python"]
    setup_python = step(job, lambda s: s.get("uses", "").startswith("actions/setup-python"))
    assert str(setup_python["with"]["python-version"]) == "3.11"
    runs = [s.get("run", "") for s in job["steps"]]
    chromium = next(r for r in runs if "chromium" in r)
    assert "/usr/bin/chromium" in chromium and "apt-get install" in chromium
    build = runs.index("make html")
    test = step(job, lambda s: s.get("run") == "make test")
    assert job["steps"].index(test) > build
    # The same settings as the project's CI entry point, .ci/run.
    exported = dict(re.findall(r"^export (\w+)=(\S+)$", (REPO / ".ci" / "run").read_text(), re.M))
    assert exported and {k: str(v) for k, v in test["env"].items()} == exported
    assert test["env"]["KB_REQUIRE_BROWSER"] == "1"
    # make html is -W --keep-going: a warning fails the job.
    assert re.search(r"^SPHINXBUILD = .* -W --keep-going", (REPO / "Makefile").read_text(), re.M)


def test_main_deploys_to_github_pages_with_the_official_actions(workflow):
    job = workflow["jobs"]["deploy"]
    assert job["needs"] == "test"
    assert "github.ref == 'refs/heads/main'" in job["if"] and "pull_request" in job["if"]
    assert job["permissions"]["pages"] == "write" and job["permissions"]["id-token"] == "write"
    assert job["environment"]["name"] == "github-pages"
    assert uses(job) == ["actions/checkout", "actions/setup-python", "actions/cache", "actions/configure-pages",
                         "actions/upload-pages-artifact", "actions/deploy-pages"]
    pages = step(job, lambda s: s.get("uses", "").startswith("actions/configure-pages"))
    build = step(job, lambda s: "make html" in s.get("run", ""))
    assert build["env"]["PAGES_BASE_URL"] == "${{ steps.%s.outputs.base_url }}" % pages["id"]
    assert "KB_BASE_URL=" in build["run"]
    upload = step(job, lambda s: s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    deploy = step(job, lambda s: s.get("uses", "").startswith("actions/deploy-pages"))
    assert job["environment"]["url"] == "${{ steps.%s.outputs.page_url }}" % deploy["id"]
    for name, each in workflow["jobs"].items():
        assert all("@" in s["uses"] for s in each["steps"] if "uses" in s), name  # versions pinned


def test_both_jobs_keep_the_sentence_vectors_between_runs(workflow):
    """A passage is embedded once (essay_kb/meaning.py): each job restores the cache folder the
    build uses before it builds, keyed by the model's lock (a run saves it under its own key)."""
    from essay_kb.settings import CONFIG_VALUES
    folder = CONFIG_VALUES["kb_embedding_cache"][0]
    for name in ("test", "deploy"):
        job = workflow["jobs"][name]
        cache = step(job, lambda s: s.get("uses", "").startswith("actions/cache"))
        assert cache["with"]["path"] == folder, name
        assert "hashFiles('requirements-model.lock')" in cache["with"]["key"], name
        assert cache["with"]["restore-keys"] and cache["with"]["key"].startswith(cache["with"]["restore-keys"]), name
        build = step(job, lambda s: "make html" in s.get("run", ""))
        assert job["steps"].index(cache) < job["steps"].index(build), name
        setup_python = step(job, lambda s: s.get("uses", "").startswith("actions/setup-python"))
        assert "requirements-model.lock" in setup_python["with"]["cache-dependency-path"], name


# -- running the build steps here -----------------------------------------------------------------

@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the repository as a CI runner would check it out, sharing this machine's .venv."""
    copy = tmp_path / "checkout"
    shutil.copytree(REPO, copy, ignore=not_checked_out, copy_function=shutil.copy2)
    if not (REPO / ".venv" / ".installed").exists():
        pytest.skip("no .venv here yet: run `make html` once")
    (copy / ".venv").symlink_to(REPO / ".venv")
    # make would reinstall the venv if the lock looked newer than it; this is the same lock.
    os.utime(copy / "requirements.lock", (0, 0))
    os.utime(copy / "requirements-model.lock", (0, 0))
    os.utime(copy / "requirements-dev.lock", (0, 0))
    if (REPO / "node_modules").is_dir():  # the model's runtime (npm), as make html installs it
        (copy / "node_modules").symlink_to(REPO / "node_modules")
        os.utime(copy / "package-lock.json", (0, 0))
    return copy


def run_step(command: str, cwd: Path, env: dict[str, str]) -> None:
    # The sentence vectors this machine already has, as a runner restores them (actions/cache).
    cache = {"KB_EMBEDDING_CACHE": os.environ.get("KB_EMBEDDING_CACHE", str(REPO / "_build" / "embeddings"))}
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **cache, **env})
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def expressions(value: str, outputs: dict[str, str]) -> str:
    """Fill in ${{ ... }} as the runner would, from the outputs given."""
    return re.sub(r"\$\{\{\s*([^}]*?)\s*\}\}", lambda m: outputs[m.group(1)], value)


def assert_built_for(site: Path, base: str) -> None:
    path = "/" + base.split("://", 1)[1].split("/", 1)[1]
    essay = soup(site / "essays" / "friction-and-repair" / "index.html")
    assert essay.find("link", rel="canonical")["href"] == base + "essays/friction-and-repair/"
    assert (site / "feed.xml").read_text().count(f"<id>{base}essays/") > 0
    assert f"<loc>{base}</loc>" in (site / "sitemap.xml").read_text()
    not_found = soup(site / "404.html")
    local = [a["href"] for a in not_found.select("a[href^='/']")]
    assert local and all(href.startswith(path) for href in local), local


@pytest.mark.slow
@pytest.mark.parametrize("pages_base_url", ["https://someone.github.io/notes", "https://notes.example.org/"])
def test_deploy_build_step_builds_for_the_pages_address(workflow, checkout, pages_base_url):
    job = workflow["jobs"]["deploy"]
    pages = step(job, lambda s: s.get("uses", "").startswith("actions/configure-pages"))
    build = step(job, lambda s: "make html" in s.get("run", ""))
    outputs = {f"steps.{pages['id']}.outputs.base_url": pages_base_url}
    env = {key: expressions(str(value), outputs) for key, value in build.get("env", {}).items()}
    run_step(build["run"], checkout, env)
    upload = step(job, lambda s: s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert_built_for(checkout / upload["with"]["path"], pages_base_url.rstrip("/") + "/")


@pytest.mark.slow
def test_pull_request_build_step_builds_the_site(workflow, checkout):
    build = step(workflow["jobs"]["test"], lambda s: s.get("run") == "make html")
    run_step(build["run"], checkout, {"KB_BASE_URL": "https://notes.example.org/"})
    assert (checkout / "_build" / "html" / "index.html").exists()


# -- Read the Docs --------------------------------------------------------------------------------

def test_readthedocs_builds_the_same_site():
    config = yaml.safe_load(READTHEDOCS.read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert str(config["build"]["tools"]["python"]) == "3.11" and config["build"]["os"].startswith("ubuntu-")
    assert config["build"]["tools"]["nodejs"]  # make html installs the model's runtime with npm
    commands = config["build"]["commands"]
    assert any("make html" in c and "READTHEDOCS_CANONICAL_URL" in c for c in commands)
    assert any("$READTHEDOCS_OUTPUT/html" in c for c in commands)


@pytest.mark.slow
def test_readthedocs_commands_build_for_the_version_address(checkout, tmp_path):
    config = yaml.safe_load(READTHEDOCS.read_text(encoding="utf-8"))
    output = tmp_path / "readthedocs-output"
    base = "https://relational-notes.readthedocs.io/en/latest/"
    env = {"READTHEDOCS": "True", "READTHEDOCS_OUTPUT": str(output), "READTHEDOCS_CANONICAL_URL": base}
    for command in config["build"]["commands"]:
        run_step(command, checkout, env)
    assert_built_for(output / "html", base)
