"""What the batch writes for people: grades.csv, feedback pages, logs, and the summary.

    write_outputs(out, outcomes)      OUT/grades.csv (formulas neutralised, see ``cell``), OUT/feedback/<student>/<slug>/<slug>.html,
                                      OUT/logs/<student>/<slug>.log (the sandbox's printed output)
    summary(outcomes, seconds, plan_errors) -> str

grades.csv is sorted by (student_id, assignment) and holds nothing that varies between two
gradings of the same folder into the same OUT (no times, paths or process ids).
Feedback shows messages only, never the code of the tests.
"""
from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from pathlib import Path

from autograder.grader.feedback import findings_table
from autograder.grader.outcomes import atomic_write, clean, component

COLUMNS = ("student_id", "assignment", "score", "max_score", "status", "detail")


def number(x):
    text = f"{float(x):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text):
    """A text cell for grades.csv: clean (outcomes.clean), on one line, and never read as a
    formula by a spreadsheet: a cell starting with = + - @ or a tab gets a leading ' (the usual
    convention; the quote is not part of the value)."""
    text = " ".join(clean(text).split()) if text else ""
    return "'" + text if text.startswith(FORMULA_START) else text


def grades_csv(outcomes):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for o in sorted(outcomes, key=lambda o: (o.student, o.slug)):
        writer.writerow([cell(o.student), cell(o.slug), number(o.score), number(o.max_score),
                         cell(o.status), cell(o.detail)])
    return buf.getvalue()


def _atomic_write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8"))


def _e(text):
    return html.escape(clean(text))


def feedback_html(o):
    e = _e
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(o.slug)}: {e(o.student)}</title>"
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}"
             ".FAIL{color:#a00}.pass{color:#070}</style></head><body>",
             f"<h1>{e(o.slug)}</h1><p>Student: {e(o.student)}</p>",
             f"<p><b>Score: {number(o.score)} / {number(o.max_score)}</b> ({e(o.status)})</p>",
             f"<p>{e(o.detail)}</p>"]
    for t in o.tests:
        kind = " (hidden tests)" if t["hidden"] else ""
        parts.append(f"<h2>{e(t['grade_id'])}{kind}: {number(t['earned'])} / {number(t['points'])}</h2>")
        parts.append(findings_table(t["report"]["results"]))
    if o.cell_errors:
        parts.append("<h2>Errors raised by your code cells</h2><ul>")
        parts += [f"<li>code cell {n}: {e(kind)}: {e(msg)}</li>" for n, kind, msg in o.cell_errors]
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_outputs(out, outcomes, stream=None):
    """grades.csv, then each student's feedback and log on its own: a failure there costs that
    student's page (named on ``stream``), never the others' or grades.csv."""
    out = Path(out)
    _atomic_write(out / "grades.csv", grades_csv(outcomes))
    failed = []
    for o in outcomes:
        if not o.slug or not o.student:
            continue
        student, slug = component(o.student), component(o.slug)
        try:
            _atomic_write(out / "feedback" / student / slug / f"{slug}.html", feedback_html(o))
            if o.log:
                _atomic_write(out / "logs" / student / f"{slug}.log", clean(o.log))
        except (OSError, ValueError) as err:
            failed.append(f"{clean(o.student)}/{clean(o.slug)} ({type(err).__name__})")
    if failed and stream is not None:
        print(f"could not write the feedback of: {', '.join(failed)}", file=stream)
    return failed


def summary(outcomes, seconds, plan_errors=None):
    by = defaultdict(list)
    for o in outcomes:
        by[o.slug or "(none)"].append(o)
    graded = sum(o.status == "graded" for o in outcomes)
    lines = [f"graded {graded}, ungradable {len(outcomes) - graded} "
             f"({len(outcomes)} submissions) in {seconds:.1f} s",
             f"{'assignment':<24} {'graded':>6} {'ungradable':>10}  mean score (graded)"]
    for slug in sorted(by):
        rows = by[slug]
        ok = [o for o in rows if o.status == "graded"]
        mean = (f"{sum(o.score for o in ok) / len(ok):.2f} / {number(ok[0].max_score)}" if ok else "-")
        lines.append(f"{slug:<24} {len(ok):>6} {len(rows) - len(ok):>10}  {mean}")
    for slug, err in sorted((plan_errors or {}).items()):
        lines.append(f"GRADER ERROR in {slug}: {err}")
    return "\n".join(lines)
