"""Preparing submissions ahead, in processes of the grader's own (trusted: no student code runs here).

    prepared(tasks, plans, limits, width) -> iterator of (task, SubmissionJob or Outcome),
                                             in the order of ``tasks``

Preparing a submission (submission.prepare) draws its cases from seeds that depend on its code and
computes their expected values with the reference solutions: for the chapters that train networks,
most of the grader's own work per notebook (bench/grading_capacity.py). Done one after another in
the grader's process, it would bound a batch's rate whatever the number of workers. With
``width`` > 1 and at least MIN_POOLED tasks, it runs in ``width`` spawned processes (one BLAS thread
each), at most AHEAD jobs per process ahead of the runner. Each process builds the plans itself from the same
assignments and secret, and must find the grader's plans (their digests, which fingerprints hold)
or it stops and the grader prepares alone. With each job comes the draw of its tests, which the
grader's plan keeps (``Plan.remember``), so that judging the job does not draw again.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from autograder.grader.plan import build_plan, content_digest
from autograder.grader.submission import SubmissionJob, prepare

MIN_POOLED = 64       # fewer are prepared here: each process builds the plans first (seconds of CPU)
AHEAD = 2             # jobs prepared ahead per process

_OWN = {}             # in a preparing process: its plans and limits


def _start(parent, assignments, secret, seeds, digests, limits):
    """Initializer of a preparing process: dies with the grader; builds the plans, which must be
    the grader's own (else the pool breaks and the grader prepares alone)."""
    from threadpoolctl import threadpool_limits

    from autograder.grader.batch import _init
    _init(parent)
    threadpool_limits(limits=1)          # one BLAS thread each: the processes share the cores
    plans = {slug: build_plan(a, secret, seeds) for slug, a in assignments.items()}
    if {slug: p.digest for slug, p in plans.items()} != digests:
        raise RuntimeError("a preparing process drew plans other than the grader's")
    _OWN.update(plans=plans, limits=limits)


def _prepare(task):
    """In a preparing process: (job or Outcome, the tests drawn for the job's code or None)."""
    plan = _OWN["plans"][task.slug]
    job = prepare(task, plan, _OWN["limits"])
    return job, plan.for_submission(job.cells).tests if isinstance(job, SubmissionJob) else None


def prepared(tasks, plans, limits, width, stream=None):
    tasks = list(tasks)
    if width > 1 and len(tasks) >= MIN_POOLED and all(p.seeds == "secret" for p in plans.values()):
        try:
            yield from _pooled(tasks, plans, limits, width)
            return
        except BrokenProcessPool as err:
            done = getattr(err, "prepared", 0)
            print(f"NOTE: preparing in {width} processes failed ({err}); the grader prepares the "
                  f"remaining {len(tasks) - done} submissions itself", file=stream or sys.stderr)
            tasks = tasks[done:]
    for task in tasks:
        yield task, prepare(task, plans[task.slug], limits)


def _pooled(tasks, plans, limits, width):
    slugs = {t.slug for t in tasks}
    args = (os.getpid(), {s: plans[s].assignment for s in slugs}, plans[next(iter(slugs))].secret,
            "secret", {s: plans[s].digest for s in slugs}, limits)
    pool = ProcessPoolExecutor(max_workers=width, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start, initargs=args)
    source, pending, given = iter(tasks), deque(), 0
    try:
        for task in source:
            pending.append((task, pool.submit(_prepare, task)))
            if len(pending) >= width * AHEAD:
                break
        while pending:
            task, fut = pending.popleft()
            try:
                job, tests = fut.result()
            except BrokenProcessPool as err:
                err.prepared = given
                raise
            nxt = next(source, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(_prepare, nxt)))
            if tests is not None:
                plans[task.slug].remember(content_digest(job.cells), tests)
            given += 1
            yield task, job
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
