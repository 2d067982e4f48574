"""Benchmark 6: grading on a Dask cluster against the local process pool, same submissions, same run.

  - the submissions of benchmark 1 (bench/grading.py: the released notebook with the instructor's
    answers, two students in three with one function replaced by a catalogued wrong version);
  - local: `python -m autograder grade submitted --out OUT --workers 2 --seeds notebook`;
  - Dask: a `dask scheduler` and two `dask worker --nthreads 1` processes on 127.0.0.1, started
    before the timing (a cluster is a standing service), then the same command with
    `--scheduler tcp://127.0.0.1:PORT` instead of `--workers 2`;
  - ROUNDS rounds each, alternating, local first; the best time of each counts; every round
    writes a fresh OUT. The value is Dask's throughput over the local pool's (target >= 0.85).
"""
from __future__ import annotations

import shutil
import sys

from grading import (N_FULL, N_SMOKE, PREFERRED, ROOT, SMOKE_PREFERRED, _env, _run, build_submissions,
                     chapters_with_notebooks, prepare_course)

sys.path.insert(0, str(ROOT / "tests" / "autograder" / "fixtures"))
WORKERS = 2
ROUNDS = 2
KEY = "grading_dask_vs_local"


def run(smoke, work):
    work.mkdir(parents=True, exist_ok=True)
    res = {"rows": [], "values": {}, "reasons": {}, "notes": [], "commands": []}
    available = chapters_with_notebooks()
    try:
        import distributed  # noqa: F401
    except ImportError:
        res["reasons"][KEY] = "dask distributed is not installed (pip install -r requirements.txt)"
        return res
    if not available or shutil.which("bwrap") is None:
        res["reasons"][KEY] = ("no chapter has a source notebook yet" if not available else
                               "bubblewrap (bwrap) is not installed, and the benchmark grades with the sandbox on")
        return res
    from dask_cluster import LocalCluster
    slug = next((s for s in (SMOKE_PREFERRED if smoke else PREFERRED) if s in available), available[0])
    n = N_SMOKE if smoke else N_FULL
    (work / "home").mkdir()
    env = _env(work / "home")
    course = prepare_course(work, slug, env)
    plan, _ = build_submissions(course, slug, n)
    our_env = {**env, "HOME": str(work / "home")}

    def cmd(out, *how):
        return [sys.executable, "-m", "autograder", "grade", str(course / "submitted"), "--out", str(out),
                "--seeds", "notebook", "--no-progress", *how]
    rounds = 1 if smoke else ROUNDS
    local_times, dask_times = [], []
    with LocalCluster(workers=WORKERS, log_dir=work) as cluster:
        for r in range(rounds):
            local_times.append(_run(cmd(work / f"local{r}", "--workers", str(WORKERS)), ROOT, our_env,
                                    work / f"local{r}.log"))
            dask_times.append(_run(cmd(work / f"dask{r}", "--scheduler", cluster.address), ROOT, our_env,
                                   work / f"dask{r}.log"))
    t_local, t_dask = min(local_times), min(dask_times)
    same = all((work / f"local{r}" / "grades.csv").read_text() == (work / f"dask{r}" / "grades.csv").read_text()
               for r in range(rounds))
    ratio = t_local / t_dask
    res["values"][KEY] = round(ratio, 3)
    res["rows"] += [
        (f"grade {n} submissions of {slug} on Dask, 2 single-threaded workers (s)", f"{t_dask:.1f}",
         f"local pool, 2 workers: {t_local:.1f}"),
        ("notebooks per minute", f"{n / t_dask * 60:.1f}",
         f"local: {n / t_local * 60:.1f} (Dask/local throughput {ratio:.2f}; target >= 0.85)"),
        ("grades.csv identical to the local run's", f"{same}", f"{rounds} round(s) each"),
    ]
    res["notes"] += [
        f"{n} submissions of {slug}; both grade with the grade cells' seeds, sandbox on. The Dask "
        "scheduler and workers are started before the timing and stopped after it; the time is one "
        "run of the whole command (reading, judging and writing the outputs included). Rounds "
        "alternate, local first; best of each counts (local: " + ", ".join(f"{t:.1f}" for t in local_times)
        + " s; Dask: " + ", ".join(f"{t:.1f}" for t in dask_times) + " s).",
    ]
    res["commands"] += [
        "dask scheduler --host 127.0.0.1 --port PORT --no-dashboard   # before the timing",
        "dask worker tcp://127.0.0.1:PORT --host 127.0.0.1 --nthreads 1 --nworkers 1   # twice",
        f"python -m autograder grade submitted --out OUT --seeds notebook --workers {WORKERS}   # timed",
        "python -m autograder grade submitted --out OUT --seeds notebook --scheduler tcp://127.0.0.1:PORT   # timed",
    ]
    return res
