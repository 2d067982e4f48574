"""The autograded notebook made from an outcome (autograder/grader/autograded.py): does it keep
the student's answers, restore what the release locks, and carry the grader's scores?"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from autograder.grader.autograded import autograded_notebook
from autograder.grader.outcomes import Outcome

ROOT = Path(__file__).resolve().parents[2]
SLUG = "ch01_circuits"
RELEASE = json.loads((ROOT / "exercises" / SLUG / f"{SLUG}.ipynb").read_text())


def _grade_ids(kind):
    return [c["metadata"]["nbgrader"]["grade_id"] for c in RELEASE["cells"]
            if c["metadata"].get("nbgrader", {}).get(kind)]


def _outcome(earned_fraction=0.5):
    """An outcome with one failed finding per grade cell, earning half of each cell's points."""
    tests = []
    for c in RELEASE["cells"]:
        meta = c["metadata"].get("nbgrader", {})
        if meta.get("grade"):
            points = float(meta["points"])
            report = {"check": "check_x", "function": "Thing", "points": points,
                      "earned": points * earned_fraction, "passed": False,
                      "results": [{"label": "case A", "weight": 1.0, "findings": [
                          {"what": "out", "passed": True, "message": "right", "diagnosis": "ok"},
                          {"what": "dx", "passed": False, "message": "dx <is> wrong", "diagnosis": "sign"}]}]}
            tests.append({"grade_id": meta["grade_id"], "points": points, "earned": points * earned_fraction,
                          "hidden": False, "report": report, "seconds": 0.0})
    total = sum(t["points"] for t in tests)
    return Outcome("ada", SLUG, "graded", total * earned_fraction, total, "", tests)


def _by_id(nb):
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"] if "nbgrader" in c["metadata"]}


def test_locked_cells_restored_answers_kept_outputs_replaced():
    """A submission that edits a test cell, claims a grade id twice, carries outputs and deletes
    a grade cell: does the autograded notebook hold the release's test cells (all of them), the
    student's answer, no output of the student's, and the points of the outcome in each grade cell?"""
    cells = json.loads(json.dumps(RELEASE["cells"]))
    solution = _grade_ids("solution")[0]
    test_ids = _grade_ids("grade")
    for c in cells:
        gid = c["metadata"].get("nbgrader", {}).get("grade_id")
        if gid == solution:
            c["source"] = "class MultiplyGate:\n    pass  # my answer\n"
            c["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "<script>x</script>"}]
        if gid == test_ids[0]:
            c["source"] = "pass  # the test, emptied by the student"
    forged = {"cell_type": "code", "id": "forged", "metadata": {"nbgrader": {"grade": True, "grade_id": test_ids[1],
              "points": 99, "locked": True}}, "source": "print('full marks')", "outputs": [], "execution_count": 1}
    cells = [c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") != test_ids[-1]]
    cells.append(forged)
    data = json.dumps({"cells": cells, "metadata": {"evil": 1}, "nbformat": 4, "nbformat_minor": 5}).encode()

    nb = autograded_notebook(data, RELEASE, _outcome())
    nbformat.validate(nbformat.from_dict(nb))
    got, release = _by_id(nb), _by_id(RELEASE)
    assert "my answer" in got[solution]["source"]
    assert got[test_ids[0]]["source"] == "".join(release[test_ids[0]]["source"])
    assert set(test_ids) <= set(got), "a deleted grade cell is missing"
    claims = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == test_ids[1]]
    assert len(claims) == 1 and claims[0]["metadata"]["nbgrader"]["points"] == release[test_ids[1]]["metadata"]["nbgrader"]["points"]
    assert "evil" not in nb["metadata"]
    for c in nb["cells"]:
        meta = c["metadata"].get("nbgrader", {})
        if c["cell_type"] == "code" and not meta.get("grade"):
            assert c["outputs"] == []
        if meta.get("grade"):
            out = c["outputs"][0]["data"]
            assert float(out["text/plain"]) == float(meta["points"]) / 2
            assert "dx &lt;is&gt; wrong" in out["text/html"]


def test_student_markdown_is_shown_not_rendered():
    """Does a student's own markdown or raw cell reach the Formgrader as escaped text?"""
    cells = RELEASE["cells"] + [
        {"cell_type": "markdown", "metadata": {}, "source": "<img src=x onerror=alert(1)> $a<b$"},
        {"cell_type": "raw", "metadata": {"raw_mimetype": "text/html"}, "source": "<script>alert(2)</script>"}]
    data = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
    nb = autograded_notebook(data, RELEASE, _outcome())
    texts = [c["source"] for c in nb["cells"] if "alert" in c["source"]]
    assert len(texts) == 2 and all("<" not in t for t in texts)
    assert all(c["cell_type"] == "markdown" and "nbgrader" not in c["metadata"]
               for c in nb["cells"] if "alert" in c["source"])


def test_unreadable_submission_shows_the_release_and_says_why():
    """An unreadable submission: is the release shown under a note, with the outcome's scores?"""
    nb = autograded_notebook(b"\x00 not json", RELEASE, _outcome(0.0))
    assert "could not be read" in nb["cells"][0]["source"]
    assert set(_grade_ids("grade")) <= set(_by_id(nb))
