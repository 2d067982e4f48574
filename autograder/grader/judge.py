"""Judging one submission in the grader's process: the checks' verdicts on the decoded plain
values a sandboxed run reported, against the plan's expected values; the score and notes.

    judge_submission(job, plan, execution, checks) -> Outcome     never raises
    judge_test(check, test, outputs, crashed, j, reason) -> (Report, seconds)

Nothing here runs student code: ``execution`` holds JSON values only (submission.Execution).
"""
from __future__ import annotations

import copy

from autograder.checks.base import Case, CaseResult, Finding, Report, decode
from autograder.grader.feedback import error_text, hidden_message
from autograder.grader.limits import Limits
from autograder.grader.outcomes import MAX_CELL_CHARS, Outcome, clean
from autograder.grader.submission import _tail, _text, ungradable

MAX_CODE_CHARS = 400_000        # all graded code cells kept in an outcome record, together


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
