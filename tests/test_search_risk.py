"""Safe results under the help card (issue 20): every risk question in the project's sets
(tests/safety/risk-queries*.yaml) typed into the search's reader (run in Node on the real site's
index): when the card is for the reader's own risk, the results begin with the help pages the card
names, no section about someone else's death by suicide is among the best matches, and no word is
marked; a question about such a loss leads with the sections on it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO

SAFETY = REPO / "tests" / "safety"
RUNNER = REPO / "tests" / "js" / "risk-results-runner.js"


def risk_questions() -> list[str]:
    found = []
    for path in sorted(SAFETY.glob("risk-queries*.yaml")):
        found += [entry["q"] for entry in yaml.safe_load(path.read_text(encoding="utf-8")).get("risk", [])]
    return list(dict.fromkeys(found))


def run(site: Path, queries: list[str], tmp_path: Path) -> dict:
    if shutil.which("node") is None:
        pytest.fail("node is missing: apt-get install nodejs (.ci/run does this)")
    vocabulary = tmp_path / "risk.json"
    vocabulary.write_text(subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "essay_kb", "risk"], cwd=REPO,
                                         capture_output=True, text=True, check=True).stdout, encoding="utf-8")
    result = subprocess.run(["node", str(RUNNER), str(site / "search-index"), str(vocabulary), json.dumps(queries)],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_results_under_the_help_card_begin_with_its_help_pages(real_site, tmp_path):
    queries = risk_questions()
    assert len(queries) > 150
    answers = run(real_site, queries, tmp_path)
    own = {q: a for q, a in answers.items() if a["card"] and not a["loss"] and a["help"]}
    assert len(own) > 100
    wrong = []
    for query, answer in own.items():
        if answer["marked"]:
            wrong.append(f"{query!r}: words marked {answer['marked']}")
        first = answer["essays"][:len(answer["help"])]
        if [url for url in first if url in answer["help"]] != first or not first:
            wrong.append(f"{query!r}: results begin {answer['essays'][:2]}, not the help pages {answer['help']}")
        loss = [b for b in answer["best"] if b.endswith("|loss")]
        if loss:
            wrong.append(f"{query!r}: a section on a loss to suicide among the best matches: {loss}")
    assert wrong == [], "\n".join(wrong)


def test_a_loss_to_suicide_finds_the_grief_essays_not_the_unsafe_relationship_one(real_site, tmp_path):
    answers = run(real_site, ["my brother killed himself", "my dad took his own life last year"], tmp_path)
    for query, answer in answers.items():
        assert answer["essays"][0] in ("essays/grief-no-one-sees/", "essays/grief-that-does-not-ease/"), (query, answer)
        assert not any(b.startswith("essays/when-a-relationship-is-unsafe/") for b in answer["best"]), (query, answer)
        assert answer["best"][0].endswith("|loss"), (query, answer)
