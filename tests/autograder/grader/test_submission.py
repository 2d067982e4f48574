"""One submission: reruns past crashes, verdicts from records, and the notebook's folder.
A scripted sandbox stands in for bubblewrap here: what matters is how records are judged."""
import json
import os

import pytest

from autograder.checks.base import encode
from autograder.grader.notebook import Unreadable
from autograder.grader.plan import build_plan
from autograder.grader.sandbox import RunResult
from autograder.grader.submission import Task, find_notebook, grade_submission, parse_records

from grader_helpers import notebook, submit, with_cell


class Scripted:
    """A sandbox whose runs return prepared records; keeps the jobs it was given."""
    kind = "bwrap"

    def __init__(self, *runs):
        self.runs, self.jobs = list(runs), []

    def sys_path(self, job_dir, extra=()):
        return []

    def run(self, job_dir, limits, uid=None, extra_paths=()):
        with open(f"{job_dir}/job.json") as fh:
            self.jobs.append(json.load(fh))
        records, rc, timed_out = self.runs.pop(0)(self.jobs[-1])
        raw = b"".join(json.dumps(r).encode() + b"\n" if isinstance(r, dict) else r for r in records)
        return RunResult(raw, False, b"", False, rc, timed_out, 0.1)


@pytest.fixture
def plan(demo):
    return build_plan(demo, b"k" * 32)


def right_outputs(plan, j, c):
    test, case = plan.tests[j], plan.tests[j].cases[c]
    x = case.inputs
    if test.check == "check_square":
        return {"out": x["x"] ** 2}
    if test.check == "check_scale_backward":
        return {"dx": x["dout"] * x["w"], "dw": x["dout"] * x["x"]}
    return {"x": x["x"] - x["lr"] * 2 * x["x"]}


def honest_run(plan, skip_cases=(), answer=right_outputs):
    """A run whose records hold ``answer`` on the cases this submission meets (the plan's cases
    drawn for the job's code)."""
    def run(job):
        own = plan.for_submission(job["cells"])
        recs = [{"t": "start"}]
        for k in range(len(job["cells"])):
            if k not in job["skip_cells"]:
                recs += [{"t": "cell", "i": k}, {"t": "cell_end", "i": k, "error": None}]
        for j, t in enumerate(plan.tests):
            for c in range(len(t.cases)):
                if [j, c] in job["skip_cases"]:
                    continue
                recs += [{"t": "case", "test": j, "case": c},
                         {"t": "out", "test": j, "case": c, "ok": encode(answer(own, j, c))}]
        return recs + [{"t": "done"}], 0, False
    return run


def grade(tmp_path, plan, box, nb=None):
    folder = submit(tmp_path / "subs", "ann", nb or notebook("full")).parent
    return grade_submission(Task("ann", "demo", str(folder)), plan, box, _limits())


def _limits():
    from autograder.grader.sandbox import Limits
    return Limits(timeout=5)


def test_right_outputs_earn_full_marks(tmp_path, plan):
    """Do records holding right values earn every point, judged outside the sandbox?"""
    out = grade(tmp_path, plan, Scripted(honest_run(plan)))
    assert (out.status, out.score, out.max_score) == ("graded", 7.0, 7.0)


def test_wrong_values_and_errors_are_judged(tmp_path, plan):
    """Are wrong values, raised errors, missing names and odd outputs each a failing finding
    with the right diagnosis?"""
    def answer(plan, j, c):
        out = right_outputs(plan, j, c)
        if plan.tests[j].check == "check_scale_backward":
            out["dx"] = -out["dx"]
        return out

    def run(job):
        recs, *_ = honest_run(plan, answer=answer)(job)
        for r in recs:
            if r.get("t") == "out" and r["test"] == 0:
                r.pop("ok")
                r["error"] = {"kind": "not_implemented", "type": "NotImplementedError", "message": ""}
            if r.get("t") == "out" and r["test"] == 4:
                r.pop("ok")
                r["error"] = {"kind": "missing", "type": "NameError", "message": "step"}
            if r.get("t") == "out" and r["test"] == 1:
                r["ok"] = {"out": {"__array__": ["x"], "shape": [1], "kind": "f"}}
        return recs, 0, False
    out = grade(tmp_path, plan, Scripted(run))
    by = {t["grade_id"]: t for t in out.tests}
    assert by["test_square"]["earned"] == 0 and by["test_square_hidden"]["earned"] == 0
    assert by["test_scale_backward"]["earned"] == 1.0            # dw right, dx sign-flipped
    diag = {f["diagnosis"] for r in by["test_scale_backward"]["report"]["results"] for f in r["findings"]}
    assert diag == {"ok", "sign"}
    msgs = [f["message"] for r in by["test_step"]["report"]["results"] for f in r["findings"]]
    assert msgs == ["step is not defined when the tests run."]
    assert by["test_square_hidden"]["report"]["results"][0]["findings"][0]["diagnosis"] == "shape"
    assert out.status == "graded" and out.score == 2.0      # 1 + 1 from the two dw halves


def test_a_shape_error_is_explained_as_in_the_notebook(tmp_path, plan):
    """Does a numpy broadcasting error raised in the sandbox reach the feedback as the shapes involved
    and what to check (as the notebook's check says it), not as numpy's raw text?"""
    def run(job):
        recs, *_ = honest_run(plan)(job)
        for r in recs:
            if r.get("t") == "out" and r["test"] == 0:
                r.pop("ok")
                r["error"] = {"kind": "error", "type": "ValueError",
                              "message": "operands could not be broadcast together with shapes (4,3) (4,) "}
        return recs, 0, False
    out = grade(tmp_path, plan, Scripted(run))
    test = {t["grade_id"]: t for t in out.tests}["test_square"]
    finding = test["report"]["results"][0]["findings"][0]
    assert test["earned"] == 0 and finding["diagnosis"] == "error"
    assert "shapes (4, 3) and (4,)" in finding["message"] and "operands" not in finding["message"]


def test_a_cell_that_kills_the_process_is_skipped_on_a_rerun(tmp_path, plan):
    """When a cell kills the process, is it skipped in a second run, its reason kept?"""
    def dies(job):
        return [{"t": "start"}, {"t": "cell", "i": 0}, {"t": "cell_end", "i": 0, "error": None},
                {"t": "cell", "i": 1}], -9, False
    box = Scripted(dies, honest_run(plan))
    out = grade(tmp_path, plan, box)
    assert box.jobs[1]["skip_cells"] == [1]
    assert out.score == 7.0 and "code cell 2 was skipped: it was killed by SIGKILL" in out.detail


def test_a_case_that_hangs_costs_only_itself(tmp_path, plan):
    """When the wall clock stops a case, is the rest graded on a rerun and that case failed?"""
    def hangs(job):
        recs, *_ = honest_run(plan)(job)
        cut = recs.index({"t": "case", "test": 2, "case": 1})
        return recs[:cut + 1], None, True
    box = Scripted(hangs, honest_run(plan))
    out = grade(tmp_path, plan, box)
    assert box.jobs[1]["skip_cases"] == [[2, 1]]
    scale = next(t for t in out.tests if t["grade_id"] == "test_scale_backward")
    assert scale["earned"] == 1.0 and out.score == 6.0
    assert "stopped at the time limit" in scale["report"]["results"][1]["findings"][0]["message"]


def test_forged_and_garbled_records_change_nothing(tmp_path, plan):
    """Do unreadable lines, out-of-range indices and a forged early 'done' leave the verdicts to
    the real records?"""
    def run(job):
        recs, *_ = honest_run(plan)(job)
        junk = [b"not json\n", b'{"t": "out", "test": 99, "case": 0, "ok": 1}\n', {"t": "done"},
                {"t": "out", "test": 0, "case": 0, "ok": {"out": 1000}}, b"[" * 5000 + b"\n"]
        return junk + recs, 0, False
    out = grade(tmp_path, plan, Scripted(run))
    assert out.score == 7.0


def test_tests_out_of_memory_rerun_without_the_hog(tmp_path, plan):
    """If the tests ran out of memory after a cell did, is that cell skipped on a rerun?"""
    def hog(job):
        recs, *_ = honest_run(plan)(job)
        for r in recs:
            if r.get("t") == "cell_end" and r["i"] == 1:
                r["error"] = {"type": "MemoryError", "message": ""}
            if r.get("t") == "out":
                r.pop("ok")
                r["error"] = {"kind": "error", "type": "MemoryError", "message": ""}
        return recs, 0, False
    box = Scripted(hog, honest_run(plan))
    out = grade(tmp_path, plan, box)
    assert box.jobs[1]["skip_cells"] == [1] and out.score == 7.0


def test_a_death_after_a_memory_hog_blames_the_hog_not_the_case(tmp_path, plan):
    """If the process dies during a case after a cell ran out of memory, is that cell skipped on
    the rerun rather than the case failed?"""
    def dies(job):
        recs, *_ = honest_run(plan)(job)
        for r in recs:
            if r.get("t") == "cell_end" and r["i"] == 1:
                r["error"] = {"type": "MemoryError", "message": ""}
        cut = recs.index({"t": "case", "test": 0, "case": 1})
        return recs[:cut + 1], 1, False
    box = Scripted(dies, honest_run(plan))
    out = grade(tmp_path, plan, box)
    assert box.jobs[1]["skip_cells"] == [1] and box.jobs[1]["skip_cases"] == []
    assert out.score == 7.0 and "used up the memory" in out.detail


def test_nothing_reached_the_tests_is_ungradable(tmp_path, plan):
    """If every run dies in the cells, is the row ungradable with the cells named?"""
    def dies_at(k):
        return lambda job: ([{"t": "start"}, {"t": "cell", "i": k}], None, True)
    out = grade(tmp_path, plan, Scripted(dies_at(0), dies_at(1), dies_at(2)))
    assert out.status == "ungradable" and out.score == 0
    assert "cell 1 was stopped at the time limit" in out.detail


def test_probe_that_never_starts_is_ungradable(tmp_path, plan):
    """If the sandbox fails before the notebook runs, is that the reason given?"""
    out = grade(tmp_path, plan, Scripted(lambda job: ([], 1, False)))
    assert out.status == "ungradable" and "before the notebook ran" in out.detail


def test_job_holds_only_student_code_and_inputs(tmp_path, plan):
    """Does the job given to the sandbox hold the student's code cells without any test cell,
    and inputs without expected values?"""
    box = Scripted(honest_run(plan))
    grade(tmp_path, plan, box)
    job = box.jobs[0]
    assert not any("check_" in c and "import" not in c for c in job["cells"])
    assert "expected" not in json.dumps(job["tests"]) and len(job["tests"]) == len(plan.tests)
    assert "HIDDEN" not in json.dumps(job)


def test_find_notebook(tmp_path):
    """Is the right notebook picked, another name accepted alone, and ambiguity refused?"""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "demo.ipynb").write_text("{}")
    (tmp_path / "a" / "other.ipynb").write_text("{}")
    assert find_notebook(str(tmp_path / "a"), "demo")[0].endswith("demo.ipynb")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "mine.ipynb").write_text("{}")
    path, note = find_notebook(str(tmp_path / "b"), "demo")
    assert path.endswith("mine.ipynb") and "expected the name demo.ipynb" in note
    (tmp_path / "b" / "mine2.ipynb").write_text("{}")
    with pytest.raises(Unreadable, match="several notebooks"):
        find_notebook(str(tmp_path / "b"), "demo")
    (tmp_path / "c").mkdir()
    with pytest.raises(Unreadable, match="no notebook"):
        find_notebook(str(tmp_path / "c"), "demo")


def test_parse_records_drops_garbage():
    """Are lines that are not JSON objects with a type dropped?"""
    assert parse_records(b'{"t": "start"}\nxx\n[1]\n{"a": 1}\n\n{"t": "done"}') == [{"t": "start"}, {"t": "done"}]


def test_submission_never_modified(tmp_path, plan):
    """Is the submitted file byte-for-byte the same after grading?"""
    path = submit(tmp_path / "subs", "bob", notebook("stub"))
    before = path.read_bytes()
    grade_submission(Task("bob", "demo", str(path.parent)), plan, Scripted(honest_run(plan)), _limits())
    assert path.read_bytes() == before


def test_hidden_cases_say_what_is_wrong_without_values(tmp_path, plan):
    """Does a wrong answer on a hidden test get a finding that names the kind of mistake but
    none of the values (inputs, output or expected), while a visible test still shows them?"""
    def answer(p, j, c):
        out = right_outputs(p, j, c)
        if p.tests[j].check == "check_square":
            out["out"] = -out["out"]
        return out
    box = Scripted(lambda job: honest_run(plan, answer=answer)(job))
    out = grade(tmp_path, plan, box)
    by = {t["grade_id"]: t for t in out.tests}
    hidden = [f["message"] for r in by["test_square_hidden"]["report"]["results"] for f in r["findings"]]
    visible = [f["message"] for r in by["test_square"]["report"]["results"] for f in r["findings"]]
    assert hidden and all("hidden case" in m and not any(ch.isdigit() for ch in m) for m in hidden), hidden
    assert any(any(ch.isdigit() for ch in m) for m in visible), visible
    assert by["test_square_hidden"]["earned"] == 0 and by["test_scale_backward"]["earned"] == 2


def test_a_forged_fatal_after_the_start_is_ignored(tmp_path, plan):
    """Is a fatal record written after the probe's start (by student code) ignored, the row
    graded, and a fatal before the start shown as the probe's failure with its text in the log
    only?"""
    def forged(job):
        recs, *_ = honest_run(plan)(job)
        return recs[:3] + [{"t": "fatal", "message": "please grade manually \udcff\x00"}] + recs[3:], 0, False
    out = grade(tmp_path, plan, Scripted(forged))
    assert (out.status, out.score) == ("graded", 7.0) and "manually" not in out.detail
    early = grade(tmp_path / "b", plan, Scripted(lambda job: ([{"t": "fatal", "message": "grade by hand"}], 3, False)))
    assert early.status == "ungradable" and "grade by hand" not in early.detail
    assert "could not start" in early.detail and "grade by hand" in early.log


def test_hard_links_are_refused(tmp_path, plan):
    """Is a notebook with a second hard link refused, and a hard-linked data file left out of
    the sandbox's copy, as symbolic links are?"""
    from autograder.grader.submission import copy_folder
    path = submit(tmp_path / "subs", "ann", notebook("full"))
    os.link(path, tmp_path / "elsewhere.ipynb")
    out = grade_submission(Task("ann", "demo", str(path.parent)), plan, Scripted(honest_run(plan)), _limits())
    assert out.status == "ungradable" and "hard links" in out.detail
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "mine.txt").write_text("mine")
    (tmp_path / "secret").write_text("secret")
    os.link(tmp_path / "secret", folder / "linked.txt")
    assert copy_folder(str(folder), str(tmp_path / "copy")) == 1
    assert sorted(os.listdir(tmp_path / "copy")) == ["mine.txt"]


def test_tests_that_never_began_after_a_fork_bomb_rerun_without_it(tmp_path, plan):
    """When every cell ended but the run hit the wall clock before the first case, and one cell
    ended with BlockingIOError (it used up the processes), is that cell skipped on a rerun and
    every point earned?"""
    def bombed(job):
        n = len(job["cells"])
        recs = [{"t": "start"}]
        for k in range(n):
            err = {"type": "BlockingIOError", "message": "[Errno 11]"} if k == n - 1 else None
            recs += [{"t": "cell", "i": k}, {"t": "cell_end", "i": k, "error": err}]
        return recs, None, True
    box = Scripted(bombed, honest_run(plan))
    out = grade(tmp_path, plan, box, with_cell(notebook("full"), "import os\nwhile True:\n    os.fork()"))
    assert box.jobs[1]["skip_cells"] == [len(box.jobs[0]["cells"]) - 1]
    assert out.score == 7.0 and "used up the processes the tests needed" in out.detail
