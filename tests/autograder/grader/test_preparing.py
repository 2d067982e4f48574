"""Preparing submissions ahead in processes of the grader's own (autograder/grader/preparing.py)."""
import io

from autograder.grader import plan as plan_module
from autograder.grader import preparing
from autograder.grader.discover import discover
from autograder.grader.plan import build_plan
from autograder.grader.sandbox import Limits
from autograder.grader.submission import SubmissionJob

from grader_helpers import demo_assignment, notebook, submit, with_cell

SECRET = bytes(range(32))


def _class(tmp_path, n=preparing.MIN_POOLED + 2):
    """n submissions of the demo assignment, no two with the same code, and one without a notebook."""
    subs = tmp_path / "subs"
    for i in range(n):
        submit(subs, f"s{i:02d}", with_cell(notebook("full"), f"# student {i}"))
    (subs / "empty" / "demo").mkdir(parents=True)
    a = demo_assignment()
    tasks, _ = discover(subs, {"demo": a}, None, io.StringIO())
    return tasks, a


def test_jobs_prepared_in_processes_are_the_graders_own_and_judging_draws_nothing_again(tmp_path, monkeypatch):
    """Prepared in two processes, is every job (its cases, its fingerprint) the one the grader
    prepares itself, in the same order, and does the grader's plan keep each job's draw, so that
    judging it draws nothing again?"""
    tasks, a = _class(tmp_path)
    alone = list(preparing.prepared(tasks, {"demo": build_plan(a, SECRET)}, Limits(), width=1))
    plans = {"demo": build_plan(a, SECRET)}

    def not_here(*args):
        raise AssertionError("prepared in the grader's process")
    monkeypatch.setattr(preparing, "prepare", not_here)      # (the spawned processes have their own)
    pooled = list(preparing.prepared(tasks, plans, Limits(), width=2))
    assert [t.student for t, _ in pooled] == [t.student for t, _ in alone] == [t.student for t in tasks]
    assert [job for _, job in pooled] == [job for _, job in alone]
    jobs = [job for _, job in pooled if isinstance(job, SubmissionJob)]
    assert len(jobs) == len(tasks) - 1 and len({j.fingerprint for j in jobs}) == len(jobs)

    def no_draw(*args):
        raise AssertionError("drawn again")
    monkeypatch.setattr(plan_module, "_draw", no_draw)
    own = [plans["demo"].for_submission(job.cells) for job in jobs]
    assert [[[c.data for c in t.cases] for t in p.tests] for p in own] == \
        [[t["cases"] for t in job.tests] for job in jobs] and len({p.content for p in own}) == len(jobs)


def test_processes_that_draw_other_plans_leave_the_preparing_to_the_grader(tmp_path):
    """If the preparing processes' plans are not the grader's (their digests differ), does the
    grader say so and prepare every submission itself, with nothing lost or doubled?"""
    tasks, a = _class(tmp_path)
    plans = {"demo": build_plan(a, SECRET)}
    plans["demo"].tests = plans["demo"].tests[:-1]          # the grader's plan, changed
    said = io.StringIO()
    got = list(preparing.prepared(tasks, plans, Limits(), width=2, stream=said))
    assert "the grader prepares the remaining" in said.getvalue()
    assert [t.student for t, _ in got] == [t.student for t in tasks]
