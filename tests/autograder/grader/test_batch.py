"""A whole batch in the real sandbox, on the demo assignment: one row per submission, the same
grades twice, submissions untouched, the gradebook filled, and a dying worker survived."""
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.grader.batch import WORKER_DIED, LocalPool, Setup, grade_batch
from autograder.grader.plan import build_plan
from autograder.grader.submission import Task, judge_submission, prepare
from autograder.grader.sandbox import Limits

from grader_helpers import DEMO, FIXTURES, WorkerKillingSandbox, demo_assignment, needs_bwrap, notebook, submit, tree_hash, with_cell

pytestmark = needs_bwrap


def _layout(subs):
    full, stub = notebook("full"), notebook("stub")
    submit(subs, "ann", full)
    submit(subs, "bob", stub)
    submit(subs, "cat", with_cell(full, "def square(x):\n    return x ** 3"))
    submit(subs, "dan", b'{"nbformat": 4, "cells": [')
    submit(subs, "eve", full, name="final_version.ipynb")
    submit(subs, "fay", full, slug="ch99_unknown")
    (subs / "gus").mkdir()
    (subs / "gus" / "demo.ipynb").write_text(json.dumps(full))
    (subs / "hal").mkdir()
    os.symlink(subs / "ann", subs / "ivy")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    subs, out = base / "subs", base / "out"
    _layout(subs)
    before = tree_hash(subs)
    result = grade_batch(subs, out, {"demo": demo_assignment()}, workers=2, limits=Limits(timeout=30),
                         progress=False)
    return result, subs, out, before


def rows(out):
    return list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))


def test_one_row_per_submission_with_scores_and_reasons(batch):
    """Does each (student, assignment) found end as exactly one row with the right verdict?"""
    result, subs, out, _ = batch
    got = {(r["student_id"], r["assignment"]): (r["score"], r["status"], r["detail"]) for r in rows(out)}
    assert got[("ann", "demo")][:2] == ("7", "graded")
    assert got[("bob", "demo")][:2] == ("0", "graded")
    assert got[("cat", "demo")][:2] == ("5", "graded")          # square is wrong, the rest right
    assert got[("dan", "demo")][1] == "ungradable" and "not valid JSON" in got[("dan", "demo")][2]
    assert got[("eve", "demo")][:2] == ("7", "graded") and "final_version.ipynb" in got[("eve", "demo")][2]
    assert "unknown assignment" in got[("fay", "ch99_unknown")][2]
    assert "not inside a folder" in got[("gus", "demo")][2]
    assert "no assignment folder" in got[("hal", "")][2]
    assert "symbolic link" in got[("ivy", "")][2]
    assert len(got) == len(rows(out)) == 9 and result.exit_code == 0


def test_submissions_are_never_modified(batch):
    """Are the submitted files byte-for-byte what they were?"""
    _, subs, _, before = batch
    assert tree_hash(subs) == before


def test_feedback_pages_show_messages_not_tests(batch):
    """Does each graded student get a feedback page with messages and without the hidden tests'
    code or parameters?"""
    _, _, out, _ = batch
    page = (out / "feedback" / "cat" / "demo" / "demo.html").read_text()
    assert "test_square" in page and "out is wrong" in page
    hidden_cell = next(c for c in notebook("full")["cells"]
                       if c["metadata"].get("nbgrader", {}).get("grade_id") == "test_scale_backward_hidden")
    call = [line for line in "".join(hidden_cell["source"]).splitlines() if line.startswith("check_")][0]
    assert call not in page and "seed=3" not in page and "HIDDEN" not in page


def test_gradebook_holds_the_csv_scores_and_exports(batch):
    """Does nbgrader's gradebook hold each graded row's score, and does `nbgrader export` read it?"""
    _, _, out, _ = batch
    csv_scores = {r["student_id"]: float(r["score"]) for r in rows(out) if r["assignment"] == "demo"}
    con = sqlite3.connect(out / "gradebook.db")
    db = dict(con.execute(
        "select s.student_id, sum(g.auto_score) from grade g join submitted_notebook n on g.notebook_id = n.id "
        "join submitted_assignment s on n.assignment_id = s.id group by s.student_id"))
    assert db == csv_scores
    env_bin = Path(sys.executable).parent
    work = out.parent / "export"
    work.mkdir()
    proc = subprocess.run([str(env_bin / "nbgrader"), "export", f"--db=sqlite:///{out / 'gradebook.db'}"],
                          cwd=work, capture_output=True, text=True,
                          env={"PATH": f"{env_bin}:/usr/bin:/bin", "HOME": str(work)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    exported = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(open(work / "grades.csv"))}
    assert exported == csv_scores


def test_regrading_into_the_same_out_gives_the_same_csv(batch):
    """Grading the same folder again into the same OUT, its saved outcomes removed so that every
    notebook runs again: is grades.csv identical?"""
    _, subs, out, _ = batch
    first = (out / "grades.csv").read_text()
    shutil.rmtree(out / "outcomes")
    grade_batch(subs, out, {"demo": demo_assignment()}, workers=1, limits=Limits(timeout=30), progress=False)
    assert (out / "grades.csv").read_text() == first


def test_a_dying_worker_costs_one_row(tmp_path):
    """When a worker process dies while running one job, does the local runner call back once
    per job, that one with the reason and every other one with its real execution?"""
    plan = build_plan(demo_assignment(), b"k" * 32)
    subs = tmp_path / "subs"
    for name in ("ann", "bob", "cat"):
        submit(subs, name, notebook("full"))
    submit(subs, "mal", with_cell(notebook("full"), "KILL_THE_WORKER = 1"))
    jobs = [prepare(Task(n, "demo", str(subs / n / "demo")), plan, Limits(timeout=30))
            for n in ("ann", "mal", "bob", "cat")]
    got = {}
    LocalPool(2).run(jobs, Setup(WorkerKillingSandbox.detect(), Limits(timeout=30)),
                     lambda job, ex: got.setdefault(job.student, []).append(ex))
    assert sorted(got) == ["ann", "bob", "cat", "mal"] and all(len(v) == 1 for v in got.values())
    assert got["mal"][0].error == WORKER_DIED
    checks = plan.check_objects()
    for name in ("ann", "bob", "cat"):
        job = next(j for j in jobs if j.student == name)
        outcome = judge_submission(job, plan, got[name][0], checks)
        assert (outcome.status, outcome.score) == ("graded", 7), outcome.detail


def test_out_inside_the_sandbox_view_is_refused(tmp_path):
    """Is an OUT that student code could see (inside the autograder package) refused?"""
    import autograder.grader
    inside = Path(autograder.grader.__path__[0]) / "out_here"
    with pytest.raises(ValueError, match="sandbox shows"):
        grade_batch(tmp_path, inside, {"demo": demo_assignment()}, progress=False)
    assert not inside.exists()


def test_notebook_seeds_give_the_scores_of_the_notebooks_own_tests(tmp_path, monkeypatch):
    """With seeds="notebook", does every grade cell score what its own call gives when run as the
    notebook runs it (the seed written in the cell, the reference module as oracle), which is what
    `nbgrader autograde` records?"""
    from autograder.checks.base import LiveOracle, checks_of
    from autograder.grader.notebook import source_tests
    for folder in ("checks", "reference"):
        monkeypatch.syspath_prepend(str(DEMO / folder))
    import demo_checks
    import demo_reference

    wrong = with_cell(notebook("full"), "def square(x):\n    return x * abs(x)")   # wrong for x < 0
    submit(tmp_path / "subs", "ann", wrong)
    result = grade_batch(tmp_path / "subs", tmp_path / "out", {"demo": demo_assignment()}, workers=1,
                         limits=Limits(timeout=30), progress=False, seeds="notebook")
    assert result.outcomes[0].status == "graded", result.outcomes[0].detail
    ours = {t["grade_id"]: t["earned"] for t in result.outcomes[0].tests}
    objects = {}                    # the submission's own definitions, as its kernel has them
    for cell in wrong["cells"]:
        if cell["cell_type"] == "code" and not cell["metadata"].get("nbgrader", {}).get("grade"):
            exec("".join(cell["source"]), objects)
    checks = checks_of(demo_checks)
    in_notebook = {t.grade_id: checks[t.call.check].evaluate(
        *[objects[name] for name in t.call.objects], oracle=LiveOracle(demo_reference),
        **{"points": t.points, **t.call.params}).earned for t in source_tests(demo_assignment().source)}
    assert ours == in_notebook
    assert 0 < ours["test_square"] < 1


def test_outputs_are_derived_from_the_saved_records(batch):
    """Is there one saved outcome per row, holding the graded code and each test's time, and
    are grades.csv and the feedback pages what the saved records give?"""
    from autograder.grader import outcomes, report
    result, _, out, _ = batch
    saved = outcomes.load_all(out)
    assert [(o.student, o.slug) for o in saved] == [(o.student, o.slug) for o in result.outcomes]
    assert (out / "grades.csv").read_text() == report.grades_csv(saved)
    ann = next(o for o in saved if o.student == "ann")
    assert any("def square" in cell for cell in ann.code)
    assert all(t["seconds"] >= 0 for t in ann.tests) and sum(t["seconds"] for t in ann.tests) > 0
    assert ann.fingerprint
    assert (out / "feedback" / "ann" / "demo" / "demo.html").read_text() == report.feedback_html(ann)


class CountingPool(LocalPool):
    """The local pool, counting the jobs it is given."""
    def run(self, jobs, setup, done):
        self.seen = []

        def counted():
            for job in jobs:
                self.seen.append(job.student)
                yield job
        return super().run(counted(), setup, done)


def _driver(subs, out):
    """A grader process of its own (to be killed), grading ``subs`` into ``out`` one at a time."""
    code = ("import sys\nsys.path.insert(0, sys.argv[3])\nfrom grader_helpers import demo_assignment\n"
            "from autograder.grader.batch import grade_batch\nfrom autograder.grader.sandbox import Limits\n"
            "grade_batch(sys.argv[1], sys.argv[2], {'demo': demo_assignment()}, workers=1, "
            "limits=Limits(timeout=30), progress=False)\n")
    return subprocess.Popen([sys.executable, "-c", code, str(subs), str(out), str(FIXTURES)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _children(pid):
    found = []
    for p in os.listdir("/proc"):
        try:
            with open(f"/proc/{p}/stat") as fh:
                if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(p))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _outputs(out):
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and p.parts[len(out.parts)] in ("feedback", "logs")}
    con = sqlite3.connect(out / "gradebook.db")
    scores = sorted(con.execute("select s.student_id, c.name, g.auto_score from grade g join base_cell c "
                                "on g.cell_id = c.id join submitted_notebook n on g.notebook_id = n.id "
                                "join submitted_assignment s on n.assignment_id = s.id"))
    return (out / "grades.csv").read_text(), {k: v for k, v in files.items() if k.startswith("feedback")}, scores


def test_killed_batch_resumes_and_ends_as_an_uninterrupted_one(tmp_path):
    """A grader killed with SIGKILL mid-batch: do its workers exit with it, does the rerun grade
    only the submissions without a saved outcome, and are grades.csv, the feedback and the
    gradebook then identical to those of an uninterrupted run (same secret)?"""
    subs = tmp_path / "subs"
    names = [f"s{i}" for i in range(6)]
    for i, name in enumerate(names):
        nb = notebook("full") if i % 2 == 0 else with_cell(notebook("full"), f"def square(x):\n    return x * {i}")
        submit(subs, name, nb)
    out, whole = tmp_path / "out", tmp_path / "whole"
    proc = _driver(subs, out)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list((out / "outcomes").glob("*.json"))) < 2:
        time.sleep(0.2)
    workers = [c for c in _children(proc.pid) if _alive(c)]
    proc.kill()
    proc.wait()
    saved = {p.name for p in (out / "outcomes").glob("*.json")}
    assert 2 <= len(saved) < len(names) and workers
    time.sleep(3)
    assert [w for w in workers if _alive(w)] == []
    assert not (out / "grades.csv").exists()

    pool = CountingPool(1)
    grade_batch(subs, out, {"demo": demo_assignment()}, limits=Limits(timeout=30), progress=False, runner=pool)
    assert len(pool.seen) == len(names) - len(saved)
    whole.mkdir()
    shutil.copy(out / ".grader-secret", whole / ".grader-secret")
    grade_batch(subs, whole, {"demo": demo_assignment()}, workers=2, limits=Limits(timeout=30), progress=False)
    assert _outputs(out) == _outputs(whole)
