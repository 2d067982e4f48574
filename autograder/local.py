"""The student's self-check, ``python -m autograder check NOTEBOOK``, and the nbclient run the
tests use to prove that notebooks score as nbgrader scores them.

    check_notebook(path, case_timeout=CASE_TIMEOUT, cell_timeout=CELL_TIMEOUT) -> Checked
    render(checked, width=None) -> str        the terminal table
    score_notebook(path, timeout=120, source=None) -> list[CellScore]   (nbclient, a real kernel)
    table(cell_scores) -> str

How ``check`` survives a hang. The notebook runs in a child process (autograder/local_child.py)
in one IPython shell, without a kernel, the way the batch grader's probe runs a submission (its
shell and alarm are reused). Cells run in notebook order; at each grade cell the check's cases are
drawn and each call into the student's code gets its own alarm (``case_timeout``, 5 s by
default); a case that overruns fails, and the rest of that test's cases are reported as not run,
so one endless loop costs one time limit per test. Each code cell gets ``cell_timeout`` (30 s).
The child reports every cell and case as a JSON line the moment it is known; if it dies or stops
answering (a loop the alarm cannot break, ``os._exit``), the parent kills it, marks the cell or
case it was in, and starts it again from the notebook's top, skipping what already has a
verdict. The table therefore always lists every test.

Speed: no kernel, no nbformat or nbgrader import on this path (the notebook is read as plain
JSON), one Python process started per run (bench/check_latency.py measures it).

It trusts the notebook (it judges in the child, with the check objects the notebook imported):
submissions go through the batch grader (autograder.grader).
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

REPORT_MIME = "application/vnd.circuits.report+json"
CASE_TIMEOUT = 5.0          # seconds for one call into the student's code
CELL_TIMEOUT = 30.0         # seconds for one code cell of the notebook
GRACE = 3.0                 # the parent's extra wait before it kills a child that stopped answering
JUDGE_TIMEOUT = 300.0       # trusted work after a case (expected values, the verdict)
MAX_RESTARTS = 8


# =========================================================================== the parent
@dataclass
class Item:
    """A code cell of the notebook: ``kind`` "code" (student code), "test" (a grade cell calling
    one check) or "hidden" (a released grade cell with nothing to run here)."""
    kind: str
    index: int                    # position among all cells, from 0
    source: str
    grade_id: str = ""
    points: float = 0.0
    call: dict | None = None      # {"check", "objects", "params"} of a test


@dataclass
class TestResult:
    grade_id: str
    points: float
    hidden: bool = False
    function: str = ""
    earned: float = 0.0
    cases: list = field(default_factory=list)    # [{"label", "weight", "findings", "status"}]
    error: str = ""               # why the test could not run at all


@dataclass
class Checked:
    tests: list
    cell_errors: list             # [(cell index, first line, type, message, line or None)]
    seconds: float = 0.0
    restarts: int = 0


def read_items(path):
    """The code cells of a notebook (nbformat 4, read as plain JSON) as Items. Raises ValueError."""
    from autograder.grader.notebook import code_lines, parse_call
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path} cannot be read as a notebook: {err}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or nb.get("nbformat") != 4:
        raise ValueError(f"{path} is not an nbformat 4 notebook")
    items = []
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if not meta.get("grade"):
            items.append(Item("code", i, source))
            continue
        gid, points = str(meta.get("grade_id") or f"cell {i + 1}"), float(meta.get("points") or 0)
        lines = code_lines(source)
        if not lines:
            items.append(Item("hidden", i, source, gid, points))
            continue
        try:
            call = parse_call("\n".join(lines))
        except ValueError:          # not a lone check call: run as code, graded as nbgrader would
            items.append(Item("code", i, source, gid, points))
            continue
        items.append(Item("test", i, source, gid, points,
                          {"check": call.check, "objects": list(call.objects), "params": call.params}))
    return items


def check_notebook(path, case_timeout=CASE_TIMEOUT, cell_timeout=CELL_TIMEOUT):
    """Run the notebook at ``path`` in a child process; return every grade cell's result."""
    start = time.monotonic()
    path = Path(path).resolve()
    items = read_items(path)
    tests = {k: TestResult(it.grade_id, it.points, it.kind == "hidden")
             for k, it in enumerate(items) if it.kind != "code" or it.grade_id}
    cell_errors, skip_cells, done_cases = {}, set(), set()
    restarts = 0
    while True:
        job = {"items": [vars(it) for it in items], "case_timeout": case_timeout,
               "cell_timeout": cell_timeout, "skip_cells": sorted(skip_cells),
               "skip_cases": sorted(done_cases), "sys_path": [p for p in sys.path if p]}
        where, why = _run_child(job, path.parent, tests, cell_errors, done_cases, case_timeout,
                                cell_timeout)
        if where is None:
            break
        restarts += 1
        kind, k, c = where
        if kind == "start":
            raise RuntimeError(f"the notebook's process could not start: {why}")
        if kind == "cell":
            skip_cells.add(k)
            cell_errors[k] = ("Crash", f"the cell {why}", None)
        elif kind == "case":
            test = tests[k]
            _fail_case(test, c, f"{why} while running this case", "crashed")
            done_cases.add((k, c))
            for rest in range(c + 1, len(test.cases)):
                if (k, rest) not in done_cases:
                    _fail_case(test, rest, "not run: an earlier case of this test did not finish",
                               "not run")
                    done_cases.add((k, rest))
        if restarts > MAX_RESTARTS:
            for k, test in tests.items():
                if not test.hidden and not test.cases and not test.error:
                    test.error = "not run: the notebook's process kept dying"
            break
    errors = [(items[k].index, _first_line(items[k].source), *cell_errors[k]) for k in sorted(cell_errors)]
    for test in tests.values():
        for c, case in enumerate(test.cases):
            if case is None:
                _fail_case(test, c, "not run: the notebook's process stopped before this case", "not run")
    for k, test in tests.items():
        it = items[k]
        if it.kind == "code" and test.grade_id:       # a grade cell that is plain code
            test.earned = 0.0 if k in cell_errors else test.points
            test.error = " ".join(map(str, cell_errors[k][:2])) if k in cell_errors else ""
        elif test.cases:
            total = sum(c["weight"] for c in test.cases)
            frac = sum(c["weight"] * _fraction(c) for c in test.cases) / total if total > 0 else 0.0
            test.earned = round(test.points * frac, 4)
    return Checked([tests[k] for k in sorted(tests)], errors, time.monotonic() - start, restarts)


def _fraction(case):
    f = case["findings"]
    return sum(x["passed"] for x in f) / len(f) if f else 0.0


def _fail_case(test, c, message, status):
    while len(test.cases) <= c:
        test.cases.append(None)
    old = test.cases[c] or {"label": f"case {c + 1}", "weight": 1.0}
    what = test.function.split(",")[0] or "your code"
    test.cases[c] = {"label": old["label"], "weight": old["weight"], "status": status,
                     "findings": [{"what": what, "passed": False, "message": message,
                                   "diagnosis": "error"}]}


def _first_line(source):
    return next((line.strip() for line in source.splitlines() if line.strip()), "")


def _run_child(job, cwd, tests, cell_errors, done_cases, case_timeout, cell_timeout):
    """One run of the child. Returns (None, "") when it finished, else ((kind, k, case), why)."""
    with tempfile.TemporaryFile() as log:
        return _watch(job, cwd, tests, cell_errors, done_cases, case_timeout, cell_timeout, log)


def _watch(job, cwd, tests, cell_errors, done_cases, case_timeout, cell_timeout, log):
    r, w = os.pipe()
    env = {**os.environ, "MPLBACKEND": "Agg",
           "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    try:
        proc = subprocess.Popen([sys.executable, "-m", "autograder.local_child", str(w)],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
                                pass_fds=(w,), cwd=cwd, env=env, start_new_session=True)
    finally:
        os.close(w)
    try:
        proc.stdin.write(json.dumps(job).encode())
        proc.stdin.close()
    except BrokenPipeError:         # the child died at once: its log says why
        pass
    where, limit, buf = None, 60.0, b""     # 60 s to start: imports on a busy machine
    with os.fdopen(r, "rb", buffering=0) as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], limit)
            if not ready:
                _kill(proc)
                why = _how(where, case_timeout, cell_timeout) + _tail(log)
                return where or ("start", None, None), why
            chunk = pipe.read(1 << 16)
            if not chunk:
                proc.wait()
                if where and where[0] == "done":
                    return None, ""
                tail = _tail(log)
                why = f"stopped the notebook's process ({_exit_text(proc.returncode)}){tail}"
                return where or ("start", None, None), why
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                try:
                    rec = json.loads(line)
                    t, k = rec["t"], rec.get("k")
                except (ValueError, KeyError, TypeError):   # not a record of ours: ignored
                    continue
                if t == "cell":
                    where, limit = ("cell", k, None), cell_timeout + GRACE
                elif t == "cell_end":
                    if rec.get("error"):
                        e = rec["error"]
                        cell_errors[k] = (e["type"], e["message"], e.get("line"))
                elif t == "test":
                    test = tests[k]
                    test.function = rec.get("function", "")
                    if rec.get("error"):
                        test.error = rec["error"]
                    for c, (label, weight) in enumerate(rec.get("cases", [])):
                        if c >= len(test.cases):
                            test.cases.append(None)
                        if test.cases[c] is None:
                            test.cases[c] = {"label": label, "weight": weight, "findings": [], "status": ""}
                elif t == "case":
                    where, limit = ("case", k, rec["c"]), case_timeout + GRACE
                elif t == "judging":
                    limit = JUDGE_TIMEOUT
                elif t == "result":
                    tests[k].cases[rec["c"]] = rec["case"]
                    done_cases.add((k, rec["c"]))
                    where, limit = ("between", k, None), cell_timeout + GRACE
                elif t == "done":
                    where = ("done", None, None)


def _how(where, case_timeout, cell_timeout):
    if where and where[0] == "case":
        return f"did not stop at the time limit of {case_timeout:g} s (the process was stopped)"
    if where and where[0] == "cell":
        return f"did not stop at the time limit of {cell_timeout:g} s (the process was stopped)"
    return "stopped answering"


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _exit_text(rc):
    if rc is not None and rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit status {rc}"


def _tail(log, limit=300):
    log.seek(0)
    text = log.read()[-limit:].decode("utf-8", "replace").strip()
    return f": {text.splitlines()[-1]}" if text else ""


# =========================================================================== the table
def render(checked, width=None):
    """The terminal table: one row per grade cell, then one wrapped line per failing case."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    width = max(60, width)
    rows = [("test", "points", "message")]
    details = []
    for t in checked.tests:
        if t.hidden:
            rows.append((t.grade_id, f"\u2013 / {t.points:g}", "hidden tests (run when graded)"))
            details.append([])
            continue
        bad = [c for c in t.cases if c and not all(f["passed"] for f in c["findings"])]
        if t.error and not t.cases:
            msg = t.error
        elif not t.cases:
            msg = "all cases passed" if t.earned == t.points else ""
        elif not bad:
            msg = "all cases passed"
        else:
            kinds = sorted({c["status"] or _diag(c) for c in bad})
            msg = f"{len(bad)} of {len(t.cases)} cases fail ({', '.join(kinds)})"
        rows.append((t.grade_id, f"{t.earned:g} / {t.points:g}", msg))
        details.append(bad)
    w0, w1 = (max(len(r[i]) for r in rows) for i in range(2))
    lines = []
    for n, r in enumerate(rows):
        lines.append(f"{r[0]:<{w0}}  {r[1]:<{w1}}  {r[2]}".rstrip())
        for c in details[n - 1] if n else []:
            text = f"[{c['label']}] " + "; ".join(
                f"{f['what']} ({c['status'] or f['diagnosis'].replace('_', ' ')}): {f['message']}"
                for f in c["findings"] if not f["passed"])
            lines.append(textwrap.fill(text, width, initial_indent="  - ", subsequent_indent="    "))
    for index, first, etype, message, line in checked.cell_errors:
        at = f", line {line}" if line else ""
        first = first if len(first) <= 40 else first[:37] + "..."
        text = f"cell {index + 1}{at} ({first}): {etype}: {message}"
        lines.append(textwrap.fill(text, width, initial_indent="error in ", subsequent_indent="    "))
    total = sum(t.earned for t in checked.tests if not t.hidden)
    runnable = sum(t.points for t in checked.tests if not t.hidden)
    lines.append(f"total (tests run here): {total:g} / {runnable:g}")
    return "\n".join(lines)


def _diag(case):
    return ", ".join(sorted({f["diagnosis"].replace("_", " ") for f in case["findings"] if not f["passed"]}))


# =========================================================================== nbclient
@dataclass
class CellScore:
    """One grade cell after execution: nbgrader's score and what the check said."""
    grade_id: str
    earned: float
    points: float
    message: str
    report: dict | None = None
    hidden: bool = False     # a released hidden-test cell: nothing to run here


def scores(nb):
    """CellScores of the grade cells of an executed notebook, in order (nbgrader's determine_grade)."""
    from nbgrader.utils import determine_grade, is_grade
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or not is_grade(cell):
            continue
        earned, points = determine_grade(cell)
        report, message = None, ""
        for o in cell.get("outputs", []):
            if o.output_type in ("execute_result", "display_data") and REPORT_MIME in o.get("data", {}):
                report = o.data[REPORT_MIME]
                if isinstance(report, str):
                    report = json.loads(report)
            elif o.output_type == "error":
                message = f"{o.ename}: {o.evalue}"
        if report is not None and not message:
            message = "all cases passed" if report.get("passed") else "; ".join(
                f"[{r['label']}] {f['what']}: {f['message']}"
                for r in report["results"] for f in r["findings"] if not f["passed"])
        hidden = not any(line.strip() and not line.strip().startswith("#")
                         for line in cell.source.splitlines())
        if hidden:
            earned, message = 0.0, "hidden tests: run by the grader"
        out.append(CellScore(cell.metadata.nbgrader["grade_id"], float(earned or 0), float(points),
                             message, report, hidden))
    return out


def restore_tests(nb, source_nb):
    """Put the source notebook's grade cells (hidden tests included) back into ``nb``, by grade id,
    as ``nbgrader autograde`` does. Returns ``nb``."""
    from nbgrader.utils import is_grade
    originals = {c.metadata.nbgrader["grade_id"]: c.source for c in source_nb.cells
                 if c.cell_type == "code" and is_grade(c)}
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and is_grade(cell) and gid in originals:
            cell.source = originals[gid]
    return nb


def score_notebook(path, timeout=120, source=None):
    """Execute the notebook at ``path`` in a real kernel and return its CellScores; with ``source``
    (a source notebook path), restore its grade cells first, so hidden tests count as in grading."""
    import nbformat
    from nbclient import NotebookClient
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if source is not None:
        restore_tests(nb, nbformat.read(source, as_version=4))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.execute()
    return scores(nb)


def table(cell_scores):
    """A plain-text table of CellScores: test, points, message."""
    rows = [("test", "points", "message")]
    for s in cell_scores:
        rows.append((s.grade_id, f"{s.earned:g} / {s.points:g}", s.message.replace("\n", " ")))
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{r[0]:<{width[0]}}  {r[1]:<{width[1]}}  {r[2]}" for r in rows]
    total = sum(s.earned for s in cell_scores)
    runnable = sum(s.points for s in cell_scores if not s.hidden)
    lines.append(f"total (tests run here): {total:g} / {runnable:g}")
    return "\n".join(lines)
