"""The whole batch: find submissions, plan each assignment once, grade in a process pool.

    grade_batch(submissions, out, assignments, only=None, workers=2, limits=Limits(),
                db_url=None, unsafe=False, progress=True, seeds="secret") -> Batch

SUBMISSIONS/<student_id>/<slug>/<notebook>.ipynb is nbgrader's submitted layout. Each
(student, assignment) folder found becomes exactly one row; so do layout problems (a folder
for an unknown assignment, a notebook outside its folder, a symbolic link). Workers are
processes; if one dies, the pool is rebuilt and the unfinished submissions are graded one at
a time, so the one that kills a worker is named and the others are still graded.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from autograder.grader import gradebook, report
from autograder.grader.notebook import PlanError
from autograder.grader.plan import ROOT, SEED_MODES, build_plan, load_secret
from autograder.grader.sandbox import Limits, Sandbox, SandboxUnavailable, selftest
from autograder.grader.submission import Outcome, Task, grade_submission

UID_BASE = 62000


@dataclass
class Batch:
    outcomes: list
    plan_errors: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def exit_code(self):
        return 1 if self.plan_errors else 0


def _row(student, slug, reason, max_score=0.0):
    return Outcome(student, slug, "ungradable", 0.0, max_score, reason)


def discover(submissions, known, only=None):
    """(tasks, rows for layout problems) under SUBMISSIONS."""
    tasks, rows = [], []
    for student in sorted(os.scandir(submissions), key=lambda e: e.name):
        if student.name.startswith("."):
            continue
        if student.is_symlink():
            rows.append(_row(student.name, only or "", "the student's folder is a symbolic link"))
            continue
        if not student.is_dir():
            continue
        found = False
        entries = sorted(os.scandir(student.path), key=lambda e: e.name)
        folders = {e.name for e in entries if e.is_dir(follow_symlinks=False)}
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_symlink():
                if only is None or name == only:
                    rows.append(_row(student.name, name, f"{name} is a symbolic link, not a folder"))
                    found = True
                continue
            if entry.is_dir():
                if only is not None and name != only:
                    continue
                found = True
                if name in known:
                    tasks.append(Task(student.name, name, entry.path))
                else:
                    rows.append(_row(student.name, name, f"unknown assignment {name!r} (known: "
                                     f"{', '.join(sorted(known)) or 'none'})"))
            elif name.endswith(".ipynb"):
                slug = name[:-len(".ipynb")]
                if slug in known and slug not in folders and (only is None or slug == only):
                    found = True
                    rows.append(_row(student.name, slug, f"{name} is not inside a folder named {slug} "
                                     f"(expected {student.name}/{slug}/{name})"))
        if not found and only is None:
            rows.append(_row(student.name, "", "no assignment folder in the student's folder"))
    return tasks, rows


# --------------------------------------------------------------------------- workers
_STATE = {}


def _init(plans, sandbox, limits, counter, work):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    _STATE.update(plans=plans, sandbox=sandbox, limits=limits, uid=UID_BASE + slot, checks={}, work=work)


def _work(task):
    plan = _STATE["plans"][task.slug]
    checks = _STATE["checks"].get(task.slug)
    if checks is None:
        checks = _STATE["checks"][task.slug] = plan.check_objects()
    return grade_submission(task, plan, _STATE["sandbox"], _STATE["limits"], _STATE["uid"], checks,
                            _STATE["work"])


def _pool(n, plans, sandbox, limits, ctx, counter, work):
    return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init,
                               initargs=(plans, sandbox, limits, counter, work))


def run_pool(tasks, plans, sandbox, limits, workers, bar):
    """Outcomes of all tasks, whatever happens to the worker processes. Job folders live in one
    temporary folder, removed at the end even if a worker died before cleaning up its own."""
    work = tempfile.mkdtemp(prefix="autograder-batch-")
    os.chmod(work, 0o755)
    try:
        return _run_pool(tasks, plans, sandbox, limits, workers, bar, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_pool(tasks, plans, sandbox, limits, workers, bar, work):
    ctx = multiprocessing.get_context("spawn")
    counter = ctx.Value("i", 0)
    done, pending = [], list(tasks)
    isolate = False
    while pending:
        pool = _pool(1 if isolate else max(1, min(workers, len(pending))), plans, sandbox, limits,
                     ctx, counter, work)
        broken = False
        try:
            if isolate:       # one at a time: a crash names its submission exactly
                while pending and not broken:
                    task = pending.pop(0)
                    try:
                        done.append(pool.submit(_work, task).result())
                    except BrokenProcessPool:
                        broken = True
                        done.append(_row(task.student, task.slug, "the grader's worker process died "
                                         "while grading this submission", plans[task.slug].max_score))
                    bar.update(1)
            else:
                futures = {pool.submit(_work, t): t for t in pending}
                remaining = set(futures)
                while remaining and not broken:
                    finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        try:
                            done.append(fut.result())
                        except BrokenProcessPool:
                            broken = True
                            continue
                        pending.remove(futures[fut])
                        bar.update(1)
                isolate = broken
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)
    return done


# --------------------------------------------------------------------------- the batch
def _overlaps(a, b):
    a, b = os.path.realpath(a), os.path.realpath(b)
    return a == b or a.startswith(b + os.sep) or b.startswith(a + os.sep)


def grade_batch(submissions, out, assignments, only=None, workers=2, limits=None, db_url=None,
                unsafe=False, progress=True, stream=None, seeds="secret"):
    """Grade every submission under ``submissions`` into ``out``. Raises SandboxUnavailable or
    ValueError when the grader cannot run; otherwise returns the Batch (see exit_code).
    ``seeds`` is one of plan.SEED_MODES."""
    stream = stream or sys.stderr
    limits = limits or Limits()
    start = time.monotonic()
    submissions, out = Path(submissions), Path(out)
    if not submissions.is_dir():
        raise ValueError(f"{submissions} is not a folder")
    if seeds not in SEED_MODES:
        raise ValueError(f"--seeds must be one of {', '.join(SEED_MODES)}, got {seeds!r}")
    if only is not None and only not in assignments:
        raise ValueError(f"unknown assignment {only!r} (known: {', '.join(sorted(assignments)) or 'none'})")
    if _overlaps(submissions, out):
        raise ValueError("OUT and SUBMISSIONS must not contain one another")
    sandbox = Sandbox.detect(unsafe)
    extra = sorted({p for a in assignments.values() for p in a.check_paths})
    for path, what in ((out, "OUT"), (submissions, "SUBMISSIONS")):
        if any(_overlaps(path, root) for root in sandbox.exposed_roots(extra)):
            raise ValueError(f"{what} lies inside a folder the sandbox shows to student code")
    out.mkdir(parents=True, exist_ok=True)
    secret = load_secret(out)
    tasks, rows = discover(submissions, assignments, only)

    plans, plan_errors = {}, {}
    for slug in sorted({t.slug for t in tasks}):
        try:
            plans[slug] = build_plan(assignments[slug], secret, seeds)
        except PlanError as err:
            plan_errors[slug] = str(err)
    for row in rows:
        if row.slug in plans:
            row.max_score = plans[row.slug].max_score
    rows += [_row(t.student, t.slug, f"grader error: {plan_errors[t.slug]}") for t in tasks if t.slug in plan_errors]
    tasks = [t for t in tasks if t.slug in plans]

    if sandbox.kind == "bwrap":
        forbidden = [out, submissions, ROOT / "solutions", ROOT / "tests"]
        for a in assignments.values():
            forbidden += [a.source, *a.reference_paths]
        problems = selftest(sandbox, limits, forbidden, extra)
        if problems:
            raise SandboxUnavailable("the sandbox self-test failed: " + "; ".join(problems))
    else:
        print("WARNING: --unsafe-no-sandbox: student code runs unconfined, with your permissions, "
              "network and files. Verdicts are still computed outside it.", file=stream)

    gradebook.preload()
    with tqdm(total=len(tasks), desc="grading", unit="notebook", file=stream,
              disable=not progress, dynamic_ncols=True) as bar:
        outcomes = run_pool(tasks, plans, sandbox, limits, workers, bar) if tasks else []
    outcomes = sorted(outcomes + rows, key=lambda o: (o.student, o.slug))
    report.write_outputs(out, outcomes)
    gradebook.record(db_url or f"sqlite:///{(out / 'gradebook.db').resolve()}", plans, outcomes)
    batch = Batch(outcomes, plan_errors, time.monotonic() - start)
    print(report.summary(batch.outcomes, batch.seconds, plan_errors), file=stream)
    return batch
