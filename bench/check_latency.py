"""Benchmark 6: how long a student waits for `python -m autograder check` on chapter 1.

Both notebooks of chapter 1 are checked as a student would (a fresh `python -m autograder check`
process, wall clock, best of ROUNDS): the source notebook, where every case runs the solution and
is judged, and the released one, where every case stops at NotImplementedError. The comparison is
the same source notebook executed in a Jupyter kernel with nbclient (what `check` did before it ran
the notebook in an IPython shell of its own), timed in the same run.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLUG = "ch01_circuits"
ROUNDS = 3


def _check_seconds(notebook):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "autograder", "check", str(notebook)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    if proc.returncode != 0 or "total (tests run here)" not in proc.stdout:
        raise RuntimeError(f"check failed on {notebook}: {proc.stderr[-400:]}")
    return seconds, proc.stdout.splitlines()[-1]


def _nbclient_seconds(notebook):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = ("import time, sys; t = time.perf_counter(); from autograder.local import score_notebook; "
            "s = score_notebook(sys.argv[1]); print(time.perf_counter() - t, sum(x.earned for x in s))")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(notebook)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"nbclient failed on {notebook}: {proc.stderr[-400:]}")
    return time.perf_counter() - start


def run(smoke, work):
    source = ROOT / "solutions" / SLUG / f"{SLUG}.ipynb"
    release = ROOT / "exercises" / SLUG / f"{SLUG}.ipynb"
    rounds = 1 if smoke else ROUNDS
    ours = min(_check_seconds(source) for _ in range(rounds))     # (seconds, its total line)
    stub = min(_check_seconds(release)[0] for _ in range(rounds))
    kernel = min(_nbclient_seconds(source) for _ in range(rounds))
    return {
        "values": {"check_latency_ch01_s": round(ours[0], 3)},
        "reasons": {},
        "rows": [
            (f"`check` on the {SLUG} solution notebook (s)", f"{ours[0]:.2f}",
             f"the same notebook in a Jupyter kernel (nbclient): {kernel:.2f}"),
            (f"`check` on the released {SLUG} notebook (s)", f"{stub:.2f}", f"solution: {ours[1]}"),
        ],
        "notes": [f"Wall clock of a fresh process, best of {rounds}, on {SLUG}: the source notebook "
                  "(every case judged) and the release (every case not implemented). The kernel "
                  "comparison starts a kernel, executes every cell and reads the outputs as "
                  "nbgrader does (autograder.local.score_notebook)."],
        "commands": [f"python -m autograder check solutions/{SLUG}/{SLUG}.ipynb",
                     f"python -m autograder check exercises/{SLUG}/{SLUG}.ipynb",
                     f"python -c 'from autograder.local import score_notebook; "
                     f"score_notebook(\"solutions/{SLUG}/{SLUG}.ipynb\")'"],
    }
