"""What students read, defined once: the error-to-feedback table, hidden-case messages, and the
feedback table (HTML) of a check's results. Used by the notebook (checks/base.py: a Report's
HTML form, call_student) and by the batch grader (submission.py, report.py).

    error_text(what, kind, type_="", message="") -> (message, diagnosis)
    hidden_message(finding) -> str          a hidden case's message, without values
    findings_table(results) -> str          results as in Report.to_dict()["results"]
"""
import html

# A student's error, by the probe's kind -> (message, diagnosis). {what}: the graded function.
ERRORS = {
    "not_implemented": ("{what} is not implemented yet.", "not_implemented"),
    "timeout": ("{what} did not finish within its time limit.", "error"),
    "missing": ("{message} is not defined when the tests run.", "error"),
    "encode": ("{what} returned something that is not plain numbers ({message}).", "shape"),
    "error": ("{what} raised {type}: {message}", "error"),
}

# What a failing finding of a hidden case says: the kind of mistake, never the values involved.
HIDDEN = {"sign": "has the wrong sign", "scale": "is off by a constant factor",
          "transpose": "is transposed", "shape": "has the wrong shape or form",
          "zero": "is zero where it should not be", "upstream": "does not use the upstream gradient",
          "overwrite": "overwrites a gradient it should add to"}


def error_text(what, kind, type_="", message=""):
    text, diagnosis = ERRORS.get(kind, ERRORS["error"])
    if kind == "missing" and not message:
        message = what
    return text.format(what=what, type=type_, message=message), diagnosis


def hidden_message(finding):
    """The message of a finding on a hidden case: values (got, expected) left out; a student's
    own error message is kept (it holds no expected value)."""
    if finding.passed:
        return "correct"
    if finding.diagnosis in ("error", "not_implemented"):
        return finding.message
    return f"{finding.what} {HIDDEN.get(finding.diagnosis, 'has wrong values')} on a hidden case."


def findings_table(results):
    """One HTML table row per finding: case, output, result, message (all escaped)."""
    e = html.escape
    rows = []
    for r in results:
        for f in r["findings"]:
            verdict = "pass" if f["passed"] else f"FAIL: {f['diagnosis'].replace('_', ' ')}"
            rows.append(f"<tr><td>{e(r['label'])}</td><td>{e(f['what'])}</td>"
                        f"<td class='{'pass' if f['passed'] else 'FAIL'}'>{e(verdict)}</td>"
                        f"<td>{e(f['message'])}</td></tr>")
    return ("<table><tr><th>case</th><th>output</th><th>result</th><th>message</th></tr>"
            + "".join(rows) + "</table>")
