"""The mistake map: graded functions x diagnoses, with the students in each cell.

    tests_of(outcome) -> list[dict]                 its test entries that carry a report
    finding_costs(test) -> [(finding, points)]      what each failed finding cost
    mistake_map(graded outcomes) -> list[Cell]      most costly first
    csv_text(assignments) -> str                    OUT/report/mistakes.csv

Points lost are attributed exactly: a report's points are shared over its cases by weight, a
case's share over its findings, so a failed finding costs ``points * case weight / total weight /
findings in the case``, and the costs of one report add up to ``points - earned``.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from autograder.grader.outcomes import clean

#: sentences of the map: "<n> students <phrase> <function>"
PHRASES = {
    "upstream": "dropped the upstream gradient in",
    "sign": "had a gradient's sign flipped in",
    "scale": "were off by a constant factor in",
    "transpose": "transposed a gradient in",
    "zero": "left a gradient at zero in",
    "shape": "returned the wrong shape from",
    "mismatch": "computed a wrong gradient in",
    "value": "computed a wrong value in",
    "overwrite": "assigned a gradient instead of adding to it in",
    "error": "had code that raised an error or stopped in",
    "not_implemented": "did not implement",
    "order": "ran the backward pass in the wrong order in",
}


def phrase(diagnosis, students=2):
    """What ``students`` students did: "dropped the upstream gradient in", "was off by ..."."""
    text = PHRASES.get(diagnosis, f"made a mistake named {diagnosis.replace('_', ' ')!r} in")
    return text.replace("were ", "was ", 1) if students == 1 and text.startswith("were ") else text


@dataclass
class Cell:
    """One cell of the map: the students whose ``function`` failed with ``diagnosis``."""
    function: str
    diagnosis: str
    students: list = field(default_factory=list)     # sorted, each once
    points: float = 0.0                               # points this mistake cost the class

    @property
    def count(self):
        return len(self.students)


def tests_of(o):
    """The test entries of an outcome that carry a report dict."""
    tests = getattr(o, "tests", None) or []
    return [t for t in tests if isinstance(t, dict) and isinstance(t.get("report"), dict)]


def function_of(test):
    """The graded function(s) a test entry is about (its report's ``function``, else its id)."""
    return str(test["report"].get("function") or test.get("grade_id") or "?")


def finding_costs(test):
    """[(finding dict, points it cost)] for the failed findings of one test entry."""
    report = test["report"]
    results = [r for r in report.get("results") or [] if isinstance(r, dict)]
    points = float(test.get("points", report.get("points", 0)) or 0)
    total = sum(float(r.get("weight", 1.0)) for r in results)
    out = []
    for r in results:
        findings = [f for f in r.get("findings") or [] if isinstance(f, dict)]
        share = (float(r.get("weight", 1.0)) / total if total > 0 else 1.0 / len(results)) * points
        for f in findings:
            if not f.get("passed"):
                out.append((f, share / len(findings)))
    return out


def mistake_map(graded):
    """[Cell] of the graded outcomes of one assignment, the most costly first."""
    cells = {}
    for o in graded:
        for t in tests_of(o):
            fn = function_of(t)
            for f, cost in finding_costs(t):
                diag = str(f.get("diagnosis") or "mismatch")
                cell = cells.setdefault((fn, diag), Cell(fn, diag))
                cell.points += cost
                if o.student not in cell.students:
                    cell.students.append(o.student)
    for cell in cells.values():
        cell.students.sort()
        cell.points = round(cell.points, 4)
    return sorted(cells.values(), key=lambda c: (-c.points, -c.count, c.function, c.diagnosis))


def cell_text(value):
    """A spreadsheet must not read a student's id as a formula."""
    value = clean(str(value))
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_text(assignments):
    """One row per cell of every assignment's map: assignment, function, diagnosis, students
    (count), points the class lost to it, the student ids (a JSON list: an id may hold any
    character)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("assignment", "function", "diagnosis", "students", "points_lost", "student_ids"))
    for a in assignments:
        for c in a.cells:
            writer.writerow([cell_text(a.slug), cell_text(c.function), cell_text(c.diagnosis), c.count, f"{c.points:g}",
                             json.dumps([clean(s) for s in c.students], ensure_ascii=False)])
    return buf.getvalue()
