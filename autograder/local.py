"""Run a notebook in the current environment and score its grade cells as nbgrader does.

This is the student's pre-submission check (``python -m autograder check``) and the way the
tests prove that source notebooks earn full marks and released ones earn zero. It trusts the
notebook: use the batch grader (autograder.grader) for submissions.

    score_notebook(path, timeout=120, source=None) -> list[CellScore]
    table(cell_scores) -> str
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.utils import determine_grade, is_grade

REPORT_MIME = "application/vnd.circuits.report+json"


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
    """CellScores of the grade cells of an executed notebook, in order."""
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
    originals = {c.metadata.nbgrader["grade_id"]: c.source for c in source_nb.cells
                 if c.cell_type == "code" and is_grade(c)}
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and is_grade(cell) and gid in originals:
            cell.source = originals[gid]
    return nb


def score_notebook(path, timeout=120, source=None):
    """Execute the notebook at ``path`` and return its CellScores; with ``source`` (a source
    notebook path), restore its grade cells first, so hidden tests count as in grading."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if source is not None:
        restore_tests(nb, nbformat.read(source, as_version=4))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.execute()
    return scores(nb)


def table(cell_scores):
    """A plain-text table: test, points, message."""
    rows = [("test", "points", "message")]
    for s in cell_scores:
        rows.append((s.grade_id, f"{s.earned:g} / {s.points:g}", s.message.replace("\n", " ")))
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{r[0]:<{width[0]}}  {r[1]:<{width[1]}}  {r[2]}" for r in rows]
    total = sum(s.earned for s in cell_scores)
    runnable = sum(s.points for s in cell_scores if not s.hidden)
    lines.append(f"total (tests run here): {total:g} / {runnable:g}")
    return "\n".join(lines)
