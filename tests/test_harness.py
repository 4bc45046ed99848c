"""The test harness's own helpers (tests/conftest.py), where a mistake would hide others'."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from conftest import run_bounded

# A "build" that starts a worker and never ends, as sphinx-build -j does when a parallel read fails
# (its parent waits forever for a worker blocked on a pipe). The worker holds neither of the build's
# pipes, so only a kill of the whole group ends it (killing the parent alone fails this test).
HANGS = ("import subprocess, sys, time; worker = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'],"
         " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
         "print(worker.pid, flush=True); time.sleep(600)")


def gone(pid: int) -> bool:
    """No such process any more, or only its exit status left for init to collect."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith(("Z", "X"))
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_a_build_that_never_ends_fails_and_leaves_no_worker_running():
    with pytest.raises(AssertionError, match="still running after 2 s") as failed:
        run_bounded([sys.executable, "-c", HANGS], {}, timeout=2)
    worker = int(str(failed.value).split("\n")[1])  # what the build printed is in the message
    deadline = time.monotonic() + 30  # a bound on waiting for the kernel, not a timed expectation
    while not gone(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(worker), f"the build's worker {worker} is still running"


def test_a_build_that_ends_gives_its_output_and_code():
    result = run_bounded([sys.executable, "-c", "import sys; print('built'); sys.exit(3)"], {}, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (3, "built")
