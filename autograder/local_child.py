"""The child process of ``python -m autograder check``: ``python -m autograder.local_child FD``.

It reads a job from stdin (written by autograder.local.check_notebook), runs the notebook's code
cells in order in one IPython shell (the batch grader's probe shell and alarm, reused by import),
and at each grade cell draws the check's cases, calls the student's code on each under its own
alarm, judges it here, and writes one JSON line per event to file descriptor FD:

    {"t": "cell", "k"} / {"t": "cell_end", "k", "error": null | {"type", "message", "line"}}
    {"t": "test", "k", "function", "cases": [[label, weight], ...]} or {"t": "test", "k", "error"}
    {"t": "case", "k", "c"}       about to call the student's code (the parent's clock starts)
    {"t": "judging", "k", "c"}    the student's code returned (trusted work follows)
    {"t": "result", "k", "c", "case": {"label", "weight", "status", "findings": [...]}}
    {"t": "done"}

``k`` indexes the job's items, ``c`` a test's cases; ``status`` is "", "timeout" or "not run" (a
case after one that timed out is not run). Job: {"items", "case_timeout", "cell_timeout",
"skip_cells", "skip_cases", "sys_path"}.
"""
import json
import os
import sys
import traceback

from autograder.checks.base import Case, Check, Finding, call_student, default_oracle
from autograder.grader import probe


def _child(fd):
    """Run the job read from stdin; write JSON lines to file descriptor ``fd``."""
    job = json.load(sys.stdin)
    sys.path[:0] = [p for p in job["sys_path"] if p not in sys.path]
    out = probe.Out(fd)
    shell = probe._shell()
    ns = shell.user_ns
    skip_cells = set(job["skip_cells"])
    skip_cases = {tuple(x) for x in job["skip_cases"]}
    oracles = {}
    for k, it in enumerate(job["items"]):
        if it["kind"] == "code" and k not in skip_cells:
            out({"t": "cell", "k": k})
            out({"t": "cell_end", "k": k, "error": _run_cell(shell, it["source"], job["cell_timeout"])})
        elif it["kind"] == "test":
            _run_test(k, it["call"], ns, out, skip_cases, job["case_timeout"], oracles)
    out({"t": "done"})
    sys.stdout.flush()
    os._exit(0)


def _run_cell(shell, source, timeout):
    """None, or {"type", "message", "line"} of the cell's error."""
    try:
        probe._arm(timeout)
        result = shell.run_cell(source, store_history=False)
        probe._disarm()
        exc = result.error_before_exec or result.error_in_exec
    except BaseException as err:  # noqa: BLE001 - the alarm between two statements
        probe._disarm()
        exc = err
    if exc is None:
        return None
    if isinstance(exc, probe._Timeout):
        return {"type": "Timeout", "message": f"the cell did not finish within {timeout:g} s", "line": None}
    if isinstance(exc, SyntaxError):    # str() would name IPython's internal file name
        probe._forget_errors()
        return {"type": type(exc).__name__, "message": probe._short(exc.msg), "line": exc.lineno}
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<ipython-input")]
    line = frames[0].lineno if frames else None
    probe._forget_errors()
    return {"type": type(exc).__name__, "message": probe._short(exc), "line": line}


def _run_test(k, call, ns, out, skip_cases, case_timeout, oracles):
    check = ns.get(call["check"])
    if not isinstance(check, Check):
        out({"t": "test", "k": k, "error": f"{call['check']} is not defined: run the notebook's first "
             "cell (it imports the checks)"})
        return
    params = dict(call["params"])
    seed = params.pop("seed", check.default_seed)
    params.pop("points", None)
    try:
        cases = check.cases(seed, **params)
    except Exception as err:  # noqa: BLE001
        out({"t": "test", "k": k,
             "error": f"the check could not draw its cases ({type(err).__name__}: {err})"})
        return
    what = check.functions[0] if check.functions else "your code"
    out({"t": "test", "k": k, "function": ", ".join(check.functions),
         "cases": [(c.label, float(c.weight)) for c in cases]})
    try:
        objects = [probe._resolve(ns, name) for name in call["objects"]]
    except BaseException as err:  # noqa: BLE001
        objects, missing = None, f"{err} is not defined: run the cell that defines it (did it fail?)"
    if check.slug not in oracles:
        oracles[check.slug] = default_oracle(check.slug)
    hung = False
    for c, case in enumerate(cases):
        if (k, c) in skip_cases:
            continue
        out({"t": "case", "k": k, "c": c})
        status = ""
        if objects is None:
            outputs = Finding(what, False, missing, "error")
        elif hung:
            outputs, status = Finding(what, False, "not run: an earlier case of this test did not "
                                      "finish", "error"), "not run"
        else:
            outputs, status = _call(check, case, objects, case_timeout)
            hung = status == "timeout"
        out({"t": "judging", "k": k, "c": c})
        result = check.verdict(Case(case.label, case.inputs, case.weight), outputs, oracles[check.slug])
        out({"t": "result", "k": k, "c": c, "case": {
            "label": result.label, "weight": result.weight, "status": status,
            "findings": [{"what": f.what, "passed": bool(f.passed), "message": str(f.message),
                          "diagnosis": f.diagnosis} for f in result.findings]}})


def _call(check, case, objects, timeout):
    """(outputs or a Finding, status) of one call of the student's code under its own alarm."""
    what = check.functions[0] if check.functions else "your code"
    try:
        probe._arm(timeout)
        outputs = call_student(check, case.inputs, objects)
        probe._disarm()
        return outputs, ""
    except probe._Timeout:
        probe._disarm()
        return Finding(what, False, f"{what} did not finish within {timeout:g} s (an endless loop? "
                       "the time limit is set by --case-timeout).", "error"), "timeout"
    except BaseException as err:  # noqa: BLE001 - SystemExit, KeyboardInterrupt from student code
        probe._disarm()
        return Finding(what, False, f"{what} raised {type(err).__name__}: {probe._short(err)}", "error"), ""
    finally:
        probe._forget_errors()


if __name__ == "__main__":
    _child(int(sys.argv[1]))
