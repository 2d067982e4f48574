"""What a check reports: the records of a verdict, and how they show in a notebook.

    Case(label, inputs, weight)               one set of inputs; weight: its share of the points
    Finding(what, passed, message, diagnosis) one verdict on one output of one case
    CaseResult(label, weight, findings)       a case's findings; fraction = share passed
    Report(check, function, points, results)  earned = points * weighted fraction; text(), to_dict()
    Score(report)                             a grade cell's result; .require() raises CheckFailed at 0

A grade cell displays the Report (a display_data output: the feedback table as text/plain for
plain-text front ends, as text/html for JupyterLab, and as JSON under ``REPORT_MIME``) and returns a
Score, the points earned as a number. The cell's result (execute_result) is therefore the bare number,
and that is what nbgrader grades: its ``determine_grade`` skips display_data, reads the first
execute_result's text/plain through ``get_partial_grade`` (``float(text)``, kept when 0 <= it <=
points) and gives zero for an error output. A check that earns nothing returns 0 instead of raising,
so nbgrader still gives the cell zero while Run All goes on to the end of the notebook and every later
result stays visible. (A table in the execute_result's text/plain would not parse as a number, and
nbgrader gives such a cell full marks: the table must never be the cell's result.)
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from autograder.grader.feedback import findings_table

@dataclass
class Case:
    """One set of inputs. ``label`` is shown to the student (e.g. "N=3, D=4");
    ``weight`` is the case's share of the check's points."""
    label: str
    inputs: dict
    weight: float = 1.0


@dataclass
class Finding:
    """One verdict on one output of one case (``what``: "out", "dx", "accuracy", ...).

    diagnosis: a gradcheck diagnosis (ok, shape, zero, sign, scale, transpose, upstream,
    mismatch), or "value" (a wrong non-gradient value), "overwrite" (a backward assigned a
    gradient where it should add to it), "error" (the code raised), "not_implemented",
    "kink" (the case crossed a kink: not charged), "reference", "order" (right gradients in the
    wrong order), "dtype" (an array of integers), "part" (a part the code is built of fails its
    own test), or one a chapter names (its module docstring says which).
    """
    what: str
    passed: bool
    message: str
    diagnosis: str = "ok"


@dataclass
class CaseResult:
    label: str
    weight: float
    findings: list

    @property
    def fraction(self):
        if not self.findings:
            return 0.0
        return sum(f.passed for f in self.findings) / len(self.findings)


@dataclass
class Report:
    """What a check found. ``earned`` is points * weighted fraction of passed findings."""
    check: str
    function: str
    points: float
    results: list = field(default_factory=list)

    @property
    def earned(self):
        total = sum(r.weight for r in self.results)
        if total <= 0:
            return 0.0
        return round(self.points * sum(r.weight * r.fraction for r in self.results) / total, 4)

    @property
    def passed(self):
        return bool(self.results) and all(f.passed for r in self.results for f in r.findings)

    @property
    def diagnoses(self):
        return {f.diagnosis for r in self.results for f in r.findings if not f.passed}

    def problems(self):
        return [(r.label, f) for r in self.results for f in r.findings if not f.passed]

    def text(self):
        head = f"{self.function}: {self.earned:g} / {self.points:g} points"
        lines = [head]
        for label, f in self.problems():
            lines.append(f"  [{label}] {f.what} ({f.diagnosis.replace('_', ' ')}): {f.message}")
        if self.passed:
            lines.append("  all cases passed")
        return "\n".join(lines)

    def to_dict(self):
        return {"check": self.check, "function": self.function, "points": self.points,
                "earned": self.earned, "passed": self.passed,
                "results": [{"label": r.label, "weight": r.weight,
                             "findings": [vars(f) for f in r.findings]} for r in self.results]}

    # Displayed, a Report is its table (text/plain and text/html); the grade cell's *result* is a
    # Score, whose text/plain is the bare number nbgrader reads as partial credit.
    def _repr_pretty_(self, p, cycle):
        p.text(self.text())

    def _repr_html_(self):
        return (f"<div><b>{html.escape(self.function)}</b>: {self.earned:g} / {self.points:g} points"
                f"{findings_table(self.to_dict()['results'])}</div>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text(), "text/html": self._repr_html_(), REPORT_MIME: self.to_dict()}

    def show(self):
        """Display the table as a display_data output, when running in IPython (a kernel)."""
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        if get_ipython() is not None:
            display(self)

    def __str__(self):
        return self.text()


REPORT_MIME = "application/vnd.circuits.report+json"


class Score(float):
    """What a grade cell returns: the points earned, a plain number (nbgrader's partial credit),
    with the Report attached as ``.report``."""
    def __new__(cls, report):
        score = super().__new__(cls, report.earned)
        score.report = report
        return score

    def __repr__(self):
        return f"{float(self):g}"

    def _repr_pretty_(self, p, cycle):
        p.text(repr(self))

    def require(self):
        """Raise CheckFailed when nothing was earned (for scripts); return the Score otherwise."""
        if float(self) <= 0:
            raise CheckFailed(self.report)
        return self


class CheckFailed(AssertionError):
    """Raised by ``Score.require()``, for a script that wants an exception when a check earned
    nothing. Grade cells never raise it (see the module docstring: Run All must reach the end)."""
    def __init__(self, report):
        super().__init__(report.text())
        self.report = report
