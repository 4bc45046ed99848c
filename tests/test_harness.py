"""The test harness's own helpers (tests/conftest.py), where a mistake would hide others'."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_root, run_bounded, sphinx_build

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


def test_a_build_in_the_tests_process_that_never_ends_fails_its_test(tmp_path):
    """The same bound for a build run in the test's process (a test root's first build): the
    settings file of this root sleeps far longer than the bound."""
    root = copy_root(tmp_path)
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nimport time\ntime.sleep(600)\n")
    with pytest.raises(AssertionError, match="still running after 2 s"):
        sphinx_build(root, tmp_path / "out", timeout=2)
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_test_roots_first_build_runs_in_the_tests_process_and_a_second_runs_sphinx_build(tmp_path):
    """What the second of two builds into one folder tests is an incremental build as `make html`
    runs it: a new process reading the first build's pickled environment."""
    import os

    root, pids = copy_root(tmp_path), tmp_path / "pids"
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\nimport os\nwith open({str(pids)!r}, 'a') as f: f.write(f'{{os.getpid()}}\\n')\n")
    sphinx_build(root, tmp_path / "out")
    second = sphinx_build(root, tmp_path / "out", quiet=False)
    first_pid, second_pid = map(int, pids.read_text().split())
    assert first_pid == os.getpid() != second_pid
    assert "loading pickled environment" in second.stdout


# numpy's own OpenBLAS (numpy.libs) asked how many threads it runs: the number it read when it loaded.
OPENBLAS_THREADS = """
import ctypes, glob, os, numpy
library = glob.glob(os.path.join(os.path.dirname(numpy.__file__) + ".libs", "libscipy_openblas64_*.so"))
assert len(library) == 1, f"numpy's OpenBLAS is not where this test looks: {library}"
threads = ctypes.CDLL(library[0]).scipy_openblas_get_num_threads64_()
"""


def test_every_test_process_runs_blas_on_one_thread():
    """conftest.py sets OPENBLAS_NUM_THREADS=1 before a test module loads numpy: in this process, and in the
    builds and tools a test starts, which inherit it (a new Python here, as sphinx-build is)."""
    here: dict = {}
    exec(OPENBLAS_THREADS, here)
    assert here["threads"] == 1
    started = run_bounded([sys.executable, "-c", OPENBLAS_THREADS + "print(threads)"], dict(os.environ), timeout=60)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "1"
