"""Grading one submission: find and read the notebook, run it in the sandbox, judge outside.

    grade_submission(task, plan, sandbox, limits, uid=None) -> Outcome   (never raises)

The run is repeated (at most MAX_RUNS times) when the student's process dies or hangs past the
wall clock: the cell or case that was running is skipped in the next run and the reason kept,
so a stray ``os._exit()``, segfault or signal-proof loop costs only what it stopped. Verdicts
come from the check's ``judge`` on decoded plain values against the plan's expected values.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field

from autograder.checks.base import Case, CaseResult, Finding, Report, decode
from autograder.grader.notebook import Unreadable, read_submission, split_code

MAX_RUNS = 3
MAX_NOTEBOOK_BYTES = 32 << 20
MAX_FOLDER_COPY = 16 << 20
MAX_TEXT = 400


@dataclass
class Task:
    student: str
    slug: str
    folder: str


@dataclass
class Outcome:
    student: str
    slug: str
    status: str                 # "graded" or "ungradable"
    score: float
    max_score: float
    detail: str
    tests: list = field(default_factory=list)       # [{grade_id, points, earned, hidden, report}]
    cell_errors: list = field(default_factory=list)  # [(cell number, type, message)]
    notes: list = field(default_factory=list)
    log: str = ""
    seconds: float = 0.0


def ungradable(task, plan_max, reason, **kw):
    return Outcome(task.student, task.slug, "ungradable", 0.0, plan_max, reason, **kw)


# --------------------------------------------------------------------------- the notebook
def find_notebook(folder, slug):
    """(path, note) of the notebook to grade in a submission folder; raise Unreadable."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        raise Unreadable(f"the submission folder cannot be read ({err.strerror})") from None
    wanted = f"{slug}.ipynb"
    notebooks = [e for e in entries if e.name.endswith(".ipynb") and not e.name.startswith(".")]
    exact = [e for e in notebooks if e.name == wanted]
    if exact:
        return exact[0].path, ""
    if not notebooks:
        raise Unreadable(f"no notebook in the submission folder (expected {wanted})")
    if len(notebooks) > 1:
        names = ", ".join(e.name for e in notebooks[:5])
        raise Unreadable(f"several notebooks ({names}) and none named {wanted}: which one to grade "
                         f"is unclear")
    return notebooks[0].path, f"graded {notebooks[0].name} (expected the name {wanted})"


def copy_folder(folder, dest, limit=MAX_FOLDER_COPY):
    """Copy the regular top-level files of a submission folder (no links), up to ``limit`` bytes."""
    os.makedirs(dest, mode=0o755)
    total, skipped = 0, 0
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or total + info.st_size > limit:
            skipped += 1
            continue
        fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as src, open(os.path.join(dest, entry.name), "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.chmod(os.path.join(dest, entry.name), 0o644)
        total += info.st_size
    return skipped


# --------------------------------------------------------------------------- records
def parse_records(raw):
    """JSON lines -> list of dict records; unreadable lines are dropped."""
    out = []
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(rec, dict) and isinstance(rec.get("t"), str):
            out.append(rec)
    return out


def _text(value, limit=MAX_TEXT):
    value = value if isinstance(value, str) else ""
    return value if len(value) <= limit else value[:limit] + "..."


def _index(rec, key, size):
    v = rec.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < size else None


class RunState:
    """What the sandboxed runs reported, merged over reruns."""

    def __init__(self, plan, n_cells):
        self.plan, self.n_cells = plan, n_cells
        self.outputs = {}            # (test, case) -> record
        self.crashed = {}            # (test, case) -> reason
        self.skipped_cells = {}      # cell -> reason
        self.cell_errors = {}        # cell -> (type, message), from the last run
        self.started = False
        self.done = False
        self.fatal = None

    def absorb(self, records):
        """Merge one run; return ('cell', k) or ('case', (j, c)) that was running when it stopped."""
        running = None
        self.cell_errors = {}
        for rec in records:
            t = rec["t"]
            if t == "start":
                self.started = True
            elif t == "fatal":
                self.fatal = _text(rec.get("message"))
            elif t == "done":
                self.done = True
            elif t == "cell":
                k = _index(rec, "i", self.n_cells)
                running = ("cell", k) if k is not None else running
            elif t == "cell_end":
                k = _index(rec, "i", self.n_cells)
                err = rec.get("error")
                if k is not None and isinstance(err, dict):
                    self.cell_errors[k] = (_text(err.get("type"), 80), _text(err.get("message")))
                if running == ("cell", k):
                    running = None
            elif t in ("case", "out"):
                j = _index(rec, "test", len(self.plan.tests))
                c = _index(rec, "case", len(self.plan.tests[j].cases)) if j is not None else None
                if c is None:
                    continue
                if t == "case":
                    running = ("case", (j, c))
                else:
                    self.outputs[(j, c)] = rec
                    if running == ("case", (j, c)):
                        running = None
        return running

    def memory_hogs(self):
        """Cells of the last run that ran out of memory or time (and may still hold memory)."""
        return {k for k, (kind, _) in self.cell_errors.items() if kind in ("MemoryError", "Timeout")}

    def tests_out_of_memory(self):
        return any(isinstance(r.get("error"), dict) and r["error"].get("type") == "MemoryError"
                   for r in self.outputs.values())

    def complete(self):
        """Has every planned case an output (or a recorded crash)?"""
        return all((j, c) in self.outputs or (j, c) in self.crashed
                   for j, t in enumerate(self.plan.tests) for c in range(len(t.cases)))


# --------------------------------------------------------------------------- verdicts
class _Fixed:
    """An oracle that answers with the plan's expected values for one case."""
    def __init__(self, expected):
        self.value = expected

    def expected(self, check, inputs):
        return copy.deepcopy(self.value)


def _error_finding(what, err):
    kind, etype, msg = err.get("kind"), _text(err.get("type"), 80), _text(err.get("message"))
    if kind == "not_implemented":
        return Finding(what, False, f"{what} is not implemented yet.", "not_implemented")
    if kind == "timeout":
        return Finding(what, False, f"{what} did not finish within its time limit.", "error")
    if kind == "missing":
        return Finding(what, False, f"{msg or what} is not defined when the tests run.", "error")
    if kind == "encode":
        return Finding(what, False, f"{what} returned something that is not plain numbers ({msg}).", "shape")
    return Finding(what, False, f"{what} raised {etype}: {msg}", "error")


def judge_test(check, test, state, j, reason_missing):
    what = check.functions[0] if check.functions else "your code"
    report = Report(check.name, ", ".join(check.functions), float(test.points))
    for c, case in enumerate(test.cases):
        planned = Case(case.label, copy.deepcopy(case.inputs), case.weight)
        rec = state.outputs.get((j, c))
        if rec is None:
            why = state.crashed.get((j, c))
            msg = (f"{what}: the notebook's process {why} while running this case." if why
                   else f"this case did not run: the notebook's process {reason_missing}.")
            report.results.append(CaseResult(case.label, case.weight, [Finding(what, False, msg, "error")]))
            continue
        if isinstance(rec.get("error"), dict) or "ok" not in rec:
            finding = _error_finding(what, rec.get("error") if isinstance(rec.get("error"), dict) else {})
            report.results.append(CaseResult(case.label, case.weight, [finding]))
            continue
        try:
            outputs = decode(rec["ok"])
        except (ValueError, TypeError, RecursionError, KeyError, OverflowError) as err:
            finding = Finding(what, False, f"{what} returned something the grader cannot read ({err}).", "shape")
            report.results.append(CaseResult(case.label, case.weight, [finding]))
            continue
        try:
            result = check.verdict(planned, outputs, _Fixed(case.expected))
        except Exception as err:  # noqa: BLE001 - a judge surprised by an odd output
            result = CaseResult(case.label, case.weight, [Finding(
                "output", False, f"returned something of the wrong form ({type(err).__name__}).", "shape")])
        report.results.append(result)
    return report


# --------------------------------------------------------------------------- one submission
def _write_job(job_dir, job):
    path = os.path.join(job_dir, "job.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(job, fh)
    os.chmod(path, 0o644)


def grade_submission(task, plan, sandbox, limits, uid=None, checks=None, work=None):
    """Grade one (student, assignment) folder. Never raises: problems become an ungradable row."""
    try:
        return _grade(task, plan, sandbox, limits, uid, checks or plan.check_objects(), work)
    except Exception as err:  # noqa: BLE001 - the batch must go on; the reason is kept
        return ungradable(task, plan.max_score, f"internal grader error: {type(err).__name__}: {err}")


def _grade(task, plan, sandbox, limits, uid, checks, work):
    try:
        path, note = find_notebook(task.folder, task.slug)
        cells = read_submission(path, MAX_NOTEBOOK_BYTES)
    except Unreadable as err:
        return ungradable(task, plan.max_score, str(err))
    code, _ = split_code(cells, plan.test_sources, plan.released_sources, plan.check_names)
    notes = [note] if note else []
    job_dir = tempfile.mkdtemp(prefix="autograder-job-", dir=work)
    try:
        os.chmod(job_dir, 0o755)
        if copy_folder(task.folder, os.path.join(job_dir, "submission")):
            notes.append("some files of the folder were not copied (links, folders, or over 16 MiB)")
        a = plan.assignment
        job = {"cells": code, "timeout": limits.timeout, "sandboxed": sandbox.kind == "bwrap",
               "sys_path": sandbox.sys_path(job_dir, a.check_paths),
               "tests": [{"module": a.check_module, "check": t.check, "objects": list(t.objects),
                          "cases": [c.data for c in t.cases]} for t in plan.tests],
               "skip_cells": [], "skip_cases": []}
        state = RunState(plan, len(code))
        seconds, last = 0.0, None
        for _ in range(MAX_RUNS):
            job["launched"] = time.monotonic()
            _write_job(job_dir, job)
            result = sandbox.run(job_dir, limits, uid, a.check_paths)
            seconds += result.seconds
            last = result
            running = state.absorb(parse_records(result.records))
            if state.fatal or not state.started:
                break
            if state.complete():
                hogs = state.memory_hogs() - set(job["skip_cells"])
                if not (hogs and state.tests_out_of_memory()):
                    break
                for k in sorted(hogs):       # the tests ran out of memory: skip what used it up
                    state.skipped_cells[k] = "used up the memory the tests needed"
                    job["skip_cells"].append(k)
                continue
            how = result.how_it_ended
            hogs = state.memory_hogs() - set(job["skip_cells"])
            if running and running[0] == "case" and hogs:
                for k in sorted(hogs):       # the tests died after cells that exhausted memory or
                    state.skipped_cells[k] = "used up the memory the tests needed"   # time:
                    job["skip_cells"].append(k)                                        # blame them
            elif running and running[0] == "case":
                state.crashed[running[1]] = how
                job["skip_cases"].append(list(running[1]))
            elif running and running[0] == "cell":
                state.skipped_cells[running[1]] = how
                job["skip_cells"].append(running[1])
            else:
                break
        reason = last.how_it_ended
        if state.fatal:
            return ungradable(task, plan.max_score, f"the grader's probe failed in the sandbox: {state.fatal}",
                              log=_log(last), seconds=seconds)
        if not state.started:
            return ungradable(task, plan.max_score, f"the sandboxed Python {reason} before the notebook "
                              f"ran: {_tail(last)}", log=_log(last), seconds=seconds)
        if not state.outputs and not state.crashed:
            cells = ", ".join(f"cell {k + 1} {why}" for k, why in sorted(state.skipped_cells.items()))
            return ungradable(task, plan.max_score, "the notebook's code never reached the tests: "
                              + (cells or f"its process {reason}"), log=_log(last), seconds=seconds)
        reports = []
        for j, test in enumerate(plan.tests):
            reports.append(judge_test(checks[test.check], test, state, j, reason))
        for k, why in sorted(state.skipped_cells.items()):
            notes.append(f"code cell {k + 1} was skipped: it {why}")
        if last.log_truncated:
            notes.append(f"printed output beyond {limits.output >> 10} KiB was discarded")
        if last.records_overflow:
            notes.append("the outputs were too large to read in full")
        errors = [(k + 1, *state.cell_errors[k]) for k in sorted(state.cell_errors)]
        if errors:
            notes.append(f"{len(errors)} code cell(s) raised errors")
        score = round(sum(r.earned for r in reports), 4)
        full = sum(1 for r in reports if r.earned >= r.points)
        detail = "; ".join([f"{full} of {len(reports)} tests earned full points"] + notes)
        tests = [{"grade_id": t.grade_id, "points": t.points, "earned": r.earned, "hidden": t.hidden,
                  "report": r.to_dict()} for t, r in zip(plan.tests, reports)]
        return Outcome(task.student, task.slug, "graded", score, plan.max_score, detail, tests,
                       errors, notes, _log(last), seconds)
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)


def _log(result, limit=64 << 10):
    text = result.log.decode("utf-8", "replace") if result else ""
    return text if len(text) <= limit else text[:limit] + "\n[... cut]"


def _tail(result, limit=300):
    text = " ".join(_log(result).split())
    return (text[-limit:] if text else "no output")
