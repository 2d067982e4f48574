"""The class of report_helpers.py, graded once per test session by the real grader. The tests
import their helpers from report_helpers.py (this folder is put on sys.path here)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_helpers import ROOT, Class, build_class, need_bwrap  # noqa: E402

from autograder.grader.outcomes import load_all  # noqa: E402


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """The class above graded by `python -m autograder grade` (sandbox on), records loaded. The
    grade cells' own seeds (--seeds notebook) make the cases those a check draws in-process with
    the same arguments, so the tests can recompute every diagnosis without the grader."""
    need_bwrap()
    work = tmp_path_factory.mktemp("class")
    subs, out = work / "submitted", work / "out"
    mutants = build_class(subs)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out),
                           "--workers", "2", "--no-progress", "--seeds", "notebook"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return Class(subs, out, mutants, load_all(out), (out / "report" / "index.html").is_file(),
                 proc.stderr)
