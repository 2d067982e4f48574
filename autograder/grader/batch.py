"""The whole batch: find submissions, plan each assignment once, run the jobs on a runner,
judge and save each outcome as it arrives, derive the outputs from the saved outcomes.

    grade_batch(submissions, out, assignments, only=None, workers=DEFAULT_WORKERS, limits=None,
                db_url=None, unsafe=False, progress=True, seeds="secret", runner=None,
                students=None) -> Batch

The runner interface (the local process pool below is its first implementation):

    runner.run(jobs, setup, done)
        jobs    an iterable of submission.SubmissionJob (plain values), pulled one at a time as
                the runner has room (prepared a few ahead of the runner: preparing.py)
        setup   Setup(sandbox, limits): what every worker needs (picklable)
        done    done(job, execution), to be called in the grader's process exactly once per job,
                as soon as its submission.Execution is known; a job whose worker died gets
                ``Execution(error=...)`` with the reason
    Each job runs as ``run_submission(job, setup.sandbox, setup.limits, uid)`` with a uid that no
    other job running at the same time has (``setup.uid(slot)``, slot < the runner's width), and
    workers must end when the grader's process ends.

SUBMISSIONS/<student_id>/<slug>/<notebook>.ipynb is nbgrader's submitted layout. Each
(student, assignment) folder found becomes exactly one outcome; so do layout problems (a folder
for an unknown assignment, a notebook outside its folder, a symbolic link). Every outcome is
saved to OUT/outcomes/ as soon as it is known; a rerun into the same OUT reuses each saved
outcome whose fingerprint (notebook, folder, plan, limits) still matches, so a batch killed
half-way resumes where it stopped.
"""
from __future__ import annotations

import ctypes
import fcntl
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from autograder.grader import gradebook, outcomes, report
from autograder.grader.discover import discover
from autograder.grader.notebook import PlanError
from autograder.grader.outcomes import Outcome
from autograder.grader.plan import ROOT, SEED_MODES, build_plan, load_secret
from autograder.grader.sandbox import Limits, Sandbox, SandboxUnavailable, selftest
from autograder.grader.preparing import prepared
from autograder.grader.submission import Execution, judge_submission, run_submission

DEFAULT_WORKERS = Limits.WORKERS
PREPARING = min(4, os.cpu_count() or 1)      # processes that prepare submissions ahead (preparing.py)
WORKER_DIED = "the grader's worker process died while grading this submission"
LOCK_FILE = ".grader-lock"


@dataclass
class Batch:
    outcomes: list
    plan_errors: dict = field(default_factory=dict)
    seconds: float = 0.0
    gradebook_error: str = ""

    @property
    def exit_code(self):
        return 1 if self.plan_errors or self.gradebook_error else 0


@dataclass
class Setup:
    sandbox: Sandbox
    limits: Limits

    def uid(self, slot):
        return self.limits.uid_base + slot


# --------------------------------------------------------------------------- the local runner
def _die_with_parent(parent):
    """Ask the kernel to kill this worker when the grader's process ends (Linux), and check that
    it has not ended already."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _init(parent):
    _die_with_parent(parent)
    os.environ["OPENBLAS_NUM_THREADS"] = Limits.BLAS_THREADS


def _work(job, setup, uid, work):
    return run_submission(job, setup.sandbox, setup.limits, uid, work)


class LocalPool:
    """Jobs run in ``workers`` spawned processes of this machine. If one dies, the jobs that
    were running are run again one at a time, so that the job that kills a worker is named
    and the others are still graded."""

    def __init__(self, workers=DEFAULT_WORKERS):
        self.workers = max(1, int(workers))

    def run(self, jobs, setup, done):
        work = tempfile.mkdtemp(prefix="autograder-batch-")    # job folders; removed at the end
        os.chmod(work, 0o755)                                   # even if a worker died in one
        try:
            source, suspects = iter(jobs), []
            while True:
                for job in suspects:
                    self._alone(job, setup, done, work)
                suspects = self._round(source, setup, done, work)
                if not suspects:
                    return
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _pool(self, n):
        return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init, initargs=(os.getpid(),))

    def _alone(self, job, setup, done, work):
        pool = self._pool(1)
        broken = False
        try:
            execution = pool.submit(_work, job, setup, setup.uid(0), work).result()
        except BrokenProcessPool:
            broken, execution = True, Execution(error=WORKER_DIED)
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)
        done(job, execution)

    def _round(self, source, setup, done, work):
        """Run jobs until the source is empty ([]) or a worker dies (the jobs it may have killed)."""
        pool, running, free, broken = self._pool(self.workers), {}, list(range(self.workers)), []
        try:
            while True:
                while free and not broken:
                    job = next(source, None)
                    if job is None:
                        break
                    slot = free.pop(0)
                    running[pool.submit(_work, job, setup, setup.uid(slot), work)] = (job, slot)
                if not running:
                    return broken
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    job, slot = running.pop(fut)
                    free.append(slot)
                    try:
                        execution = fut.result()
                    except BrokenProcessPool:
                        broken.append(job)
                        continue
                    done(job, execution)
                if broken:
                    return broken + [job for job, _ in running.values()]
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)


# --------------------------------------------------------------------------- the batch
def _overlaps(a, b):
    a, b = os.path.realpath(a), os.path.realpath(b)
    return a == b or a.startswith(b + os.sep) or b.startswith(a + os.sep)


def _row(student, slug, reason, max_score=0.0):
    return Outcome(student, slug, "ungradable", 0.0, max_score, reason)


def grade_batch(submissions, out, assignments, only=None, workers=DEFAULT_WORKERS, limits=None,
                db_url=None, unsafe=False, progress=True, stream=None, seeds="secret", runner=None,
                require_cgroups=False, students=None):
    """Grade every submission under ``submissions`` into ``out``. Raises SandboxUnavailable or
    ValueError when the grader cannot run; otherwise returns the Batch (see exit_code).
    ``seeds`` is one of plan.SEED_MODES; ``runner`` defaults to LocalPool(workers); ``students``
    (a set of student ids) grades only theirs and leaves the other records as they are."""
    stream = stream or sys.stderr
    limits = limits or Limits()
    runner = runner or LocalPool(workers)
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
    lock = lock_out(out)
    try:
        return _grade(submissions, out, assignments, only, runner, limits, db_url, sandbox, extra,
                      progress, stream, seeds, require_cgroups, start, students)
    finally:
        sandbox.caps.close()
        os.close(lock)


def lock_out(out):
    """Create OUT if needed and lock it for this batch (an open descriptor holding the lock).
    ValueError with one clear line when OUT is a file, not writable, or locked by another run."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"OUT {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as err:
        raise ValueError(f"OUT {out} cannot be written ({err.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
        os.close(fd)
        raise ValueError(f"another grader (pid {holder}) is writing to OUT {out}; wait for it to "
                         f"end, or choose another --out") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _cgroup_policy(sandbox, runner, require, stream):
    """Say what is not capped per sandbox as a whole; refuse when asked to (--require-cgroups),
    or when run without root, with several workers and no cap on processes: RLIMIT_NPROC then
    counts the processes of every sandbox together, so one fork bomb would stop the others."""
    missing = sandbox.caps.missing
    if not missing:
        return
    text = sandbox.caps.describe_missing()
    if require:
        raise SandboxUnavailable(f"--require-cgroups: not capped per sandbox as a whole: {text}")
    if sandbox.kind == "bwrap" and not sandbox.as_root and getattr(runner, "workers", 1) > 1 \
            and any(what == "processes" for what, _ in missing):
        raise SandboxUnavailable(
            "run without root and without a writable cgroup for processes, the sandboxes of all "
            "workers share one process limit, so one student's fork bomb would make the others "
            "ungradable: run as root, give this user a cgroup v2 subtree, or use --workers 1")
    print(f"NOTE: not capped per sandbox as a whole (each process still has its own limits): {text}",
          file=stream)


def _grade(submissions, out, assignments, only, runner, limits, db_url, sandbox, extra, progress,
           stream, seeds, require_cgroups, start, students=None):
    secret = load_secret(out)
    db_url = db_url or f"sqlite:///{(out / 'gradebook.db').resolve()}"
    _check_gradebook(db_url)
    _cgroup_policy(sandbox, runner, require_cgroups, stream)
    tasks, rows = discover(submissions, assignments, only, stream)
    if students is not None:
        tasks = [t for t in tasks if t.student in students]
        rows = [r for r in rows if r.student in students]

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
    saved = {(o.student, o.slug): o for o in outcomes.load_all(out)}
    scope = set()

    def keep(outcome):
        outcomes.save(out, outcome)
        scope.add((outcome.student, outcome.slug))

    for row in rows:
        keep(row)
    checks = {slug: plan.check_objects() for slug, plan in plans.items()}
    with tqdm(total=len(tasks), desc="grading", unit="notebook", file=stream,
              disable=not progress, dynamic_ncols=True) as bar:
        def jobs():
            for task, job in prepared(tasks, plans, limits, PREPARING, stream):
                old = saved.get((task.student, task.slug))
                if isinstance(job, Outcome):
                    keep(job)
                elif old is not None and old.fingerprint and old.fingerprint == job.fingerprint:
                    scope.add((old.student, old.slug))          # graded before, nothing changed
                else:
                    yield job
                    continue
                bar.update(1)

        def done(job, execution):
            keep(judge_submission(job, plans[job.slug], execution, checks[job.slug]))
            bar.update(1)

        if hasattr(runner, "progress"):        # a runner that shows more on the bar (Dask workers)
            runner.progress = bar
        runner.run(jobs(), Setup(sandbox, limits), done)

    for key in saved.keys() - scope:                  # records of folders no longer submitted
        if (only is None or key[1] == only) and (students is None or key[0] in students):
            outcomes.remove(out, *key)
    found = [o for o in outcomes.load_all(out) if (o.student, o.slug) in scope]
    report.write_outputs(out, outcomes.load_all(out), stream)
    try:                                 # the class report (autograder/report), from every record
        from autograder.report import write_report
        page = write_report(out, outcomes.load_all(out), releases={s: a.release for s, a in assignments.items()})
        print(f"class report: {page}", file=stream)
    except Exception as err:  # noqa: BLE001 - the grades are written; `report OUT` can retry
        print(f"the class report could not be written ({_one_line(err)})", file=stream)
    batch = Batch(found, plan_errors, time.monotonic() - start)
    try:
        gradebook.record(db_url, plans, found)
    except Exception as err:  # noqa: BLE001 - grades.csv and feedback are written; say why not this
        batch.gradebook_error = f"the gradebook {db_url} could not be written: {_one_line(err)}"
        print(f"error: {batch.gradebook_error}", file=stream)
    print(report.summary(batch.outcomes, batch.seconds, plan_errors), file=stream)
    return batch


def _check_gradebook(db_url):
    """Refuse, before grading, a SQLite gradebook that is not a database (one line, no traceback)."""
    import sqlite3
    if not db_url.startswith("sqlite:///"):
        return
    path = db_url[len("sqlite:///"):]
    if not os.path.exists(path):
        return
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as err:
        raise ValueError(f"the gradebook {path} cannot be read ({err}); move it away or restore "
                         f"it, then grade again (the saved outcomes refill it)") from None


def _one_line(err):
    text = " ".join(str(err).split()) or type(err).__name__
    return f"{type(err).__name__}: {text[:300]}"
