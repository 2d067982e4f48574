"""CPU seconds the grader spends per notebook, per chapter (the README's capacity note).

    python bench/grading_capacity.py [--n 8] [--chapters ch01_circuits ...]

For each chapter: N submissions built as bench/grading.py builds them (the released notebook with
the instructor's answers, one student in three complete, the others with one function replaced
by a wrong version from the chapter's catalogue), each signed with a comment so that no two hold
the same code, as in a real class. Two measurements:
  - all CPU: graded twice by the real grader (`python -m autograder grade ... --workers 1`, sandbox
    on), once with 1 submission, once with N. CPU seconds (user + system of the grader and
    everything it started, sandboxes included) are read from a cgroup made for the run (v1
    cpuacct.usage or v2 cpu.stat; needs root): the kernel's RUSAGE_CHILDREN misses the sandboxes,
    whose processes are killed rather than waited for. Per notebook: (cpu(N) - cpu(1)) / (N - 1),
    so the grader's start-up is not counted in it.
  - the grader's own part, in seconds per notebook: preparing it (drawing its cases with their
    expected values: submission.prepare, which a large batch spreads over preparing.py's
    processes) and judging its results (judge.judge_submission, one after another in the grader's
    process), timed in a batch of the same N submissions (fewer than preparing.MIN_POOLED, so
    prepared in the grader's process); the mean over all but the first (which warms caches).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from grading import ROOT, _env, build_submissions, chapters_with_notebooks, prepare_course  # noqa: E402


def _cgroup():
    """(folder of a new cgroup, function reading its CPU seconds)."""
    name = f"autograder-capacity-{os.getpid()}"
    v2, v1 = Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/cpuacct")
    if (v2 / "cgroup.controllers").exists():
        folder = v2 / name
        folder.mkdir()
        usec = next(int(l.split()[1]) for l in (folder / "cpu.stat").read_text().splitlines()
                    if l.startswith("usage_usec"))
        return folder, lambda: next(int(l.split()[1]) for l in (folder / "cpu.stat").read_text()
                                    .splitlines() if l.startswith("usage_usec")) / 1e6 - usec / 1e6
    if v1.is_dir():
        folder = v1 / name
        folder.mkdir()
        return folder, lambda: int((folder / "cpuacct.usage").read_text()) / 1e9
    raise SystemExit("no cgroup CPU accounting here (needs cgroup v2, or v1 cpuacct, and root)")


def cpu_of(cmd, env):
    folder, seconds = _cgroup()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              preexec_fn=lambda: (folder / "cgroup.procs").write_text(str(os.getpid())))
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:4])} failed: {proc.stderr[-500:]}")
        return seconds()
    finally:
        for _ in range(100):           # killed sandboxes may take a moment to leave the group
            if not (folder / "cgroup.procs").read_text().strip():
                break
            time.sleep(0.1)
        try:
            folder.rmdir()
        except OSError as err:
            print(f"note: {folder} left behind ({err.strerror}: "
                  f"{(folder / 'cgroup.procs').read_text().split()})", file=sys.stderr)


def measure(slug, n, work):
    env = _env(work / "home")
    (work / "home").mkdir(parents=True)
    course = prepare_course(work, slug, env)
    build_submissions(course, slug, n, signed=True)
    one = course / "one"
    (one / "student01").mkdir(parents=True)
    shutil.copytree(course / "submitted" / "student01" / slug, one / "student01" / slug)
    our_env = {**env, "HOME": os.environ.get("HOME", str(work / "home"))}

    def grade(subs, out):
        return cpu_of([sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out),
                       "--workers", "1", "--no-progress"], our_env)
    c1 = grade(one, work / "out1")
    cn = grade(course / "submitted", work / "outn")
    proc = subprocess.run([sys.executable, "-c", OWN_PART, str(course / "submitted"), str(work / "own"), slug],
                          cwd=ROOT, env=our_env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"timing the grader's own part failed: {proc.stderr[-500:]}")
    prep, judge = map(float, proc.stdout.split()[-2:])
    return (cn - c1) / (n - 1), c1, prep, judge


# The grader's own part of each notebook, timed in a batch whose sandboxes run one at a time in
# this process (nbgrader_execute.OneAtATime: a runner of the batch's contract).
OWN_PART = """
import sys, time
from pathlib import Path
from autograder.grader import batch, preparing
from autograder.grader.nbgrader_execute import OneAtATime
from autograder.grader.plan import course_assignments
subs, out, slug = sys.argv[1:]
spent = {"prepare": [], "judge": []}
def timed(fn, name):
    def run(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name].append(time.perf_counter() - t)
    return run
preparing.prepare = timed(preparing.prepare, "prepare")          # fewer than MIN_POOLED: prepared here
batch.judge_submission = timed(batch.judge_submission, "judge")
assignments = {s: a for s, a in course_assignments().items() if s == slug}
batch.grade_batch(Path(subs), Path(out), assignments, progress=False, runner=OneAtATime(), stream=open('/dev/null', 'w'))
print(*(sum(times[1:]) / (len(times) - 1) for times in spent.values()))   # the first warms caches
"""


PREPARING_SPEED = """
import sys, time
from pathlib import Path
from autograder.grader.batch import PREPARING
from autograder.grader.discover import discover
from autograder.grader.plan import build_plan, course_assignments
from autograder.grader.preparing import prepared
from autograder.grader.sandbox import Limits
subs, slug = Path(sys.argv[1]), sys.argv[2]
a = course_assignments()[slug]
tasks, _ = discover(subs, {slug: a}, None, sys.stderr)
for width in (1, PREPARING):
    plans = {slug: build_plan(a, bytes(range(32)))}
    t = time.perf_counter()
    jobs = list(prepared(tasks, plans, Limits(), width))
    print(width, len(jobs), time.perf_counter() - t)
"""


def preparing_speed(slug, n, work):
    """Wall seconds to prepare n distinct submissions in the grader's process and in its preparing
    processes (batch.PREPARING of them), in one run."""
    env = _env(work / "home")
    (work / "home").mkdir(parents=True)
    course = prepare_course(work, slug, env)
    build_submissions(course, slug, n, signed=True)
    proc = subprocess.run([sys.executable, "-c", PREPARING_SPEED, str(course / "submitted"), slug], cwd=ROOT,
                          env={**env, "HOME": os.environ.get("HOME", str(work / "home"))},
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"timing the preparing failed: {proc.stderr[-500:]}")
    return [line.split() for line in proc.stdout.splitlines()]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--chapters", nargs="*")
    ap.add_argument("--preparing", type=int, default=32, metavar="N",
                    help="also time preparing N ch05 submissions alone and in the preparing processes (0: not)")
    args = ap.parse_args(argv)
    if args.preparing:
        work = Path(tempfile.mkdtemp(prefix="capacity_preparing_"))
        try:
            (w1, n1, s1), (wp, np_, sp) = preparing_speed("ch05_neural_nets", args.preparing, work)
            print(f"preparing {n1} ch05_neural_nets submissions: {float(s1):.1f} s in the grader's process, "
                  f"{float(sp):.1f} s in {wp} preparing processes ({float(s1) / float(sp):.2f}x)\n", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("| chapter | CPU s per notebook | grader: preparing (s per notebook) | grader: judging (s per notebook) "
          "| grader start + 1 notebook (CPU s) |\n|---|---|---|---|---|", flush=True)
    for slug in args.chapters or chapters_with_notebooks():
        work = Path(tempfile.mkdtemp(prefix=f"capacity_{slug}_"))
        try:
            per, c1, prep, judge = measure(slug, args.n, work)
            print(f"| {slug} | {per:.2f} | {prep:.2f} | {judge:.2f} | {c1:.2f} |", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
