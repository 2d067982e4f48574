"""Grading one submission, in three steps (the middle one is the only untrusted work):

    prepare(task, plan, limits) -> SubmissionJob | Outcome      grader process: find and read the
                                    notebook, keep its code cells; an unreadable one is an Outcome
    run_submission(job, sandbox, limits, uid) -> Execution      any worker: the sandbox, run and
                                    rerun (see ``rerun``); plain JSON-able values out, no verdicts
    judge_submission(job, plan, execution, checks) -> Outcome   grader process: the checks' judges
                                    on decoded values against the plan's expected values

A run is repeated (at most Limits.RUNS times) when the student's process dies or hangs past the
wall clock: the cell or case that was running is skipped in the next run and the reason kept,
so a stray ``os._exit()``, segfault or signal-proof loop costs only what it stopped.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from dataclasses import asdict, dataclass, field

from autograder.checks.base import Case, CaseResult, Finding, Report, decode
from autograder.grader.feedback import error_text, hidden_message
from autograder.grader.job import Job
from autograder.grader.limits import Limits
from autograder.grader.notebook import PlanError, Unreadable, read_submission, split_code
from autograder.grader.outcomes import MAX_CELL_CHARS, Outcome, clean

MAX_CODE_CHARS = 400_000        # all graded code cells kept in an outcome record, together


@dataclass
class Task:
    student: str
    slug: str
    folder: str


@dataclass
class SubmissionJob:
    """What a runner ships to a worker: plain values only."""
    student: str
    slug: str
    folder: str                  # the submission folder (its top-level files go in the sandbox)
    cells: list                  # the student's code cells, in order
    tests: list                  # job.json's tests: [{module, check, objects, cases}]
    check_paths: list            # import roots of the check module
    notes: list = field(default_factory=list)
    fingerprint: str = ""


@dataclass
class Execution:
    """What the sandboxed runs of one submission reported, merged over reruns. Plain values."""
    outputs: list = field(default_factory=list)        # [[test, case, record]]
    crashed: list = field(default_factory=list)        # [[test, case, how the process ended]]
    skipped_cells: list = field(default_factory=list)  # [[cell, why]]
    cell_errors: list = field(default_factory=list)    # [[cell, type, message]] of the last run
    started: bool = False
    fatal: str = ""              # the probe could not start (its own message, kept for the log)
    how_it_ended: str = ""
    log: str = ""
    log_truncated: bool = False
    records_overflow: bool = False
    copy_skipped: bool = False
    seconds: float = 0.0
    error: str = ""              # the worker itself failed (set by a runner or run_submission)

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        return cls(**d)


def ungradable(task, plan_max, reason, **kw):
    return Outcome(task.student, task.slug, "ungradable", 0.0, plan_max, reason, **kw)


# --------------------------------------------------------------------------- the folder
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
        names = ", ".join(clean(e.name) for e in notebooks[:5])
        raise Unreadable(f"several notebooks ({names}) and none named {wanted}: which one to grade "
                         f"is unclear")
    return notebooks[0].path, f"graded {clean(notebooks[0].name)} (expected the name {wanted})"


def copy_folder(folder, dest, limit=Limits.FOLDER_COPY):
    """Copy the regular top-level files of a submission folder, up to ``limit`` bytes. Links are
    left out: symbolic ones, and files with more than one hard link (another name of the same
    file may be one the sandbox must not show). Returns how many entries were left out."""
    os.makedirs(dest, mode=0o755)
    total, skipped = 0, 0
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            skipped += 1
            continue
        with os.fdopen(fd, "rb") as src:
            info = os.fstat(src.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1 or total + info.st_size > limit:
                skipped += 1
                continue
            target = os.path.join(dest, entry.name)
            with open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
        os.chmod(target, 0o644)
        total += info.st_size
    return skipped


def _capped_code(code):
    kept, total = [], 0
    for source in code:
        text = source if len(source) <= MAX_CELL_CHARS else source[:MAX_CELL_CHARS] + "\n# [... cut]"
        if total + len(text) > MAX_CODE_CHARS:
            kept.append("# [... further cells not kept]")
            break
        kept.append(text)
        total += len(text)
    return kept


def fingerprint(notebook_bytes, plan_digest, limits, folder):
    """What a saved outcome was graded from: the notebook, the plan, the limits, and the names,
    sizes and times of the folder's other files."""
    h = hashlib.sha256(plan_digest.encode())
    h.update(json.dumps([limits.timeout, limits.memory, limits.nproc]).encode())
    h.update(hashlib.sha256(notebook_bytes).digest())
    try:
        for e in sorted(os.scandir(folder), key=lambda e: e.name):
            info = e.stat(follow_symlinks=False)
            h.update(repr((e.name, info.st_size, info.st_mtime_ns, info.st_mode)).encode("utf-8", "surrogateescape"))
    except OSError:
        pass
    return h.hexdigest()[:32]


def prepare(task, plan, limits):
    """The job for ``task``, or an ungradable Outcome when there is no notebook to run."""
    try:
        path, note = find_notebook(task.folder, task.slug)
        cells, data = read_submission(path, Limits.NOTEBOOK_BYTES, with_bytes=True)
    except Unreadable as err:
        return ungradable(task, plan.max_score, clean(str(err)))
    code, _ = split_code(cells, plan.test_sources, plan.released_sources, plan.check_names)
    a = plan.assignment
    try:
        own = plan.for_submission(code)
    except PlanError as err:
        return ungradable(task, plan.max_score, f"grader error: {err}")
    tests = [{"module": a.check_module, "check": t.check, "objects": list(t.objects),
              "cases": [c.data for c in t.cases]} for t in own.tests]
    return SubmissionJob(task.student, task.slug, task.folder, code, tests,
                         [str(p) for p in a.check_paths], [note] if note else [],
                         fingerprint(data, plan.digest, limits, task.folder))


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


def _text(value, limit=Limits.TEXT):
    value = clean(value) if isinstance(value, str) else ""
    return value if len(value) <= limit else value[:limit] + "..."


def _index(rec, key, size):
    v = rec.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < size else None


# A cell that ended with one of these errors may have left the tests without what they need.
HOGS = {"MemoryError": "used up the memory the tests needed",
        "Timeout": "ran out of time, and what it started left the tests none",
        "BlockingIOError": "used up the processes the tests needed"}


class RunState:
    """What the sandboxed runs reported, merged over reruns."""

    def __init__(self, sizes, n_cells):
        self.sizes, self.n_cells = sizes, n_cells      # sizes: number of cases of each test
        self.outputs = {}            # (test, case) -> record
        self.crashed = {}            # (test, case) -> reason
        self.skipped_cells = {}      # cell -> reason
        self.cell_errors = {}        # cell -> (type, message), from the last run
        self.started = False
        self.fatal = ""

    def absorb(self, records):
        """Merge one run; return ('cell', k) or ('case', (j, c)) that was running when it stopped.
        A ``fatal`` record counts only before the probe's ``start``: after it, student code runs
        in the probe's process and could write one."""
        running, started = None, False
        self.cell_errors = {}
        for rec in records:
            t = rec["t"]
            if t == "start":
                self.started = started = True
            elif t == "fatal" and not started:
                self.fatal = _text(rec.get("message"))
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
                j = _index(rec, "test", len(self.sizes))
                c = _index(rec, "case", self.sizes[j]) if j is not None else None
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
        """Cells of the last run that ran out of memory, time or processes (and may still hold
        what they took)."""
        return {k for k, (kind, _) in self.cell_errors.items() if kind in HOGS}

    def tests_out_of_memory(self):
        return any(isinstance(r.get("error"), dict) and r["error"].get("type") == "MemoryError"
                   for r in self.outputs.values())

    def complete(self):
        """Has every planned case an output (or a recorded crash)?"""
        return all((j, c) in self.outputs or (j, c) in self.crashed
                   for j, n in enumerate(self.sizes) for c in range(n))


def rerun(state, job, running, how):
    """The rerun rules: after a run that ``running`` was part of when it ended (``how``), change
    ``job`` (cells or cases to skip, reasons kept in ``state``) and say whether to run again."""
    if state.fatal or not state.started:
        return False
    hogs = state.memory_hogs() - set(job.skip_cells)
    if state.complete():
        if not (hogs and state.tests_out_of_memory()):
            return False
        blame = hogs                 # the tests ran out of memory: skip what used it up
    elif running and running[0] == "case" and hogs:
        blame = hogs                 # the tests died after cells that exhausted memory or time
    elif running and running[0] == "case":
        state.crashed[running[1]] = how
        job.skip_cases.append(list(running[1]))
        return True
    elif running and running[0] == "cell":
        state.skipped_cells[running[1]] = how
        job.skip_cells.append(running[1])
        return True
    elif hogs and not state.outputs:
        blame = hogs                 # past the cells, the tests never began: what the cells that
    else:                            # ran out of time or memory left behind took what was left
        return False
    for k in sorted(blame):
        state.skipped_cells[k] = HOGS[state.cell_errors[k][0]]
        job.skip_cells.append(k)
    return True


# --------------------------------------------------------------------------- running
def run_submission(job, sandbox, limits, uid=None, work=None):
    """Run one submission's code in the sandbox (rerunning past crashes). Never raises."""
    try:
        return _run(job, sandbox, limits, uid, work)
    except Exception as err:  # noqa: BLE001 - the batch must go on; the reason is kept
        return Execution(error=f"internal grader error: {type(err).__name__}: {clean(str(err))}")


def _run(job, sandbox, limits, uid, work):
    job_dir = tempfile.mkdtemp(prefix="autograder-job-", dir=work)
    try:
        os.chmod(job_dir, 0o755)
        skipped = copy_folder(job.folder, os.path.join(job_dir, "submission"))
        spec = Job(sandbox.sys_path(job_dir, job.check_paths), job.cells, job.tests, limits.timeout,
                   sandbox.kind == "bwrap")
        state = RunState([len(t["cases"]) for t in job.tests], len(job.cells))
        seconds, last = 0.0, None
        for _ in range(limits.RUNS):
            spec.launched = time.monotonic()
            spec.write(job_dir)
            last = sandbox.run(job_dir, limits, uid, job.check_paths)
            seconds += last.seconds
            running = state.absorb(parse_records(last.records))
            if not rerun(state, spec, running, last.how_it_ended):
                break
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)
    return Execution(
        outputs=[[j, c, rec] for (j, c), rec in sorted(state.outputs.items())],
        crashed=[[j, c, why] for (j, c), why in sorted(state.crashed.items())],
        skipped_cells=[[k, why] for k, why in sorted(state.skipped_cells.items())],
        cell_errors=[[k, *state.cell_errors[k]] for k in sorted(state.cell_errors)],
        started=state.started, fatal=state.fatal, how_it_ended=last.how_it_ended,
        log=_log(last), log_truncated=last.log_truncated, records_overflow=last.records_overflow,
        copy_skipped=bool(skipped), seconds=seconds)


def _log(result, limit=64 << 10):
    text = clean(result.log.decode("utf-8", "replace")) if result else ""
    return text if len(text) <= limit else text[:limit] + "\n[... cut]"


def _tail(log, limit=300):
    text = " ".join(log.split())
    return text[-limit:] if text else "no output"


# --------------------------------------------------------------------------- verdicts
class _Fixed:
    """An oracle that answers with the plan's expected values for one case."""
    def __init__(self, expected):
        self.value = expected

    def expected(self, check, inputs):
        return copy.deepcopy(self.value)


def error_finding(what, err):
    """The Finding for an error record {kind, type, message} of the probe (feedback.ERRORS)."""
    return Finding(what, False, *error_text(what, err.get("kind"), _text(err.get("type"), 80),
                                            _text(err.get("message"))))


def _seconds(rec):
    s = rec.get("s")
    return float(s) if isinstance(s, (int, float)) and not isinstance(s, bool) and 0 <= s < 1e6 else 0.0


def judge_test(check, test, outputs, crashed, j, reason_missing):
    """(Report, seconds) of planned test ``j`` from the runs' outputs {(j, c): record}."""
    what = check.functions[0] if check.functions else "your code"
    report = Report(check.name, ", ".join(check.functions), float(test.points))
    seconds = 0.0
    for c, case in enumerate(test.cases):
        planned = Case(case.label, copy.deepcopy(case.inputs), case.weight)
        rec = outputs.get((j, c))
        if rec is None:
            why = crashed.get((j, c))
            msg = (f"{what}: the notebook's process {why} while running this case." if why
                   else f"this case did not run: the notebook's process {reason_missing}.")
            report.results.append(CaseResult(case.label, case.weight, [Finding(what, False, msg, "error")]))
            continue
        seconds += _seconds(rec)
        if isinstance(rec.get("error"), dict) or "ok" not in rec:
            finding = error_finding(what, rec.get("error") if isinstance(rec.get("error"), dict) else {})
            report.results.append(check.verdict(planned, finding, None))   # explained, with the check's hint
            continue
        try:
            result_outputs = decode(rec["ok"])
        except (ValueError, TypeError, RecursionError, KeyError, OverflowError) as err:
            finding = Finding(what, False, f"{what} returned something the grader cannot read "
                              f"({clean(str(err))[:Limits.TEXT]}).", "shape")
            report.results.append(CaseResult(case.label, case.weight, [finding]))
            continue
        try:
            result = check.verdict(planned, result_outputs, _Fixed(case.expected))
        except Exception as err:  # noqa: BLE001 - a judge surprised by an odd output
            result = CaseResult(case.label, case.weight, [Finding(
                "output", False, f"returned something of the wrong form ({type(err).__name__}).", "shape")])
        for f in result.findings:
            f.message = clean(hidden_message(f) if test.hidden else f.message)
        report.results.append(result)
    return report, round(seconds, 6)


def judge_submission(job, plan, execution, checks):
    """The Outcome of one run submission (trusted side). Never raises."""
    try:
        return _judge(job, plan, execution, checks)
    except Exception as err:  # noqa: BLE001 - the batch must go on; the reason is kept
        return ungradable(job, plan.max_score, f"internal grader error: {type(err).__name__}: "
                          f"{clean(str(err))[:Limits.TEXT]}")


def _judge(job, plan, ex, checks):
    base = dict(log=ex.log, seconds=ex.seconds, code=_capped_code(job.cells), fingerprint=job.fingerprint)
    if ex.error:
        return ungradable(job, plan.max_score, ex.error, **base)
    reason = ex.how_it_ended
    if ex.fatal:
        return ungradable(job, plan.max_score, "the grader's probe could not start in the sandbox "
                          "(its message is in the log)", **{**base, "log": f"probe: {ex.fatal}\n{ex.log}"})
    if not ex.started:
        return ungradable(job, plan.max_score, f"the sandboxed Python {reason} before the notebook "
                          f"ran: {_tail(ex.log)}", **base)
    if not ex.outputs and not ex.crashed:
        cells = ", ".join(f"cell {k + 1} {why}" for k, why in ex.skipped_cells)
        return ungradable(job, plan.max_score, "the notebook's code never reached the tests: "
                          + (cells or f"its process {reason}"), **base)
    plan = plan.for_submission(job.cells)
    outputs = {(j, c): rec for j, c, rec in ex.outputs}
    crashed = {(j, c): why for j, c, why in ex.crashed}
    judged = [judge_test(checks[test.check], test, outputs, crashed, j, reason)
              for j, test in enumerate(plan.tests)]
    notes = list(job.notes)
    if ex.copy_skipped:
        notes.append("some files of the folder were not copied (links, folders, or over 16 MiB)")
    notes += [f"code cell {k + 1} was skipped: it {why}" for k, why in ex.skipped_cells]
    if ex.log_truncated:
        notes.append("printed output beyond the limit was discarded")
    if ex.records_overflow:
        notes.append("the outputs were too large to read in full")
    errors = [[k + 1, kind, msg] for k, kind, msg in ex.cell_errors]
    if errors:
        notes.append(f"{len(errors)} code cell(s) raised errors")
    reports = [r for r, _ in judged]
    score = round(sum(r.earned for r in reports), 4)
    full = sum(1 for r in reports if r.earned >= r.points)
    detail = "; ".join([f"{full} of {len(reports)} tests earned full points"] + notes)
    tests = [{"grade_id": t.grade_id, "points": t.points, "earned": r.earned, "hidden": t.hidden,
              "report": r.to_dict(), "seconds": s} for t, (r, s) in zip(plan.tests, judged)]
    return Outcome(job.student, job.slug, "graded", score, plan.max_score, detail, tests,
                   errors, notes, **base)


def grade_submission(task, plan, sandbox, limits, uid=None, checks=None, work=None):
    """prepare, run and judge one submission in this process (tests and small tools)."""
    job = prepare(task, plan, limits)
    if isinstance(job, Outcome):
        return job
    return judge_submission(job, plan, run_submission(job, sandbox, limits, uid, work),
                            checks or plan.check_objects())
