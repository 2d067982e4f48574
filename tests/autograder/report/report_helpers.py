"""Helpers of the class report's tests: a class of chapter 2 submissions to grade.

Students (SUBMISSIONS/<student>/ch02_gradients/ch02_gradients.ipynb, the released notebook with
its answer cells filled in):
  - one per usable wrong answer of the chapter's catalogue (solutions/mutants/ch02_gradients.py,
    chosen as the grading benchmark chooses them): the instructor's solution with that one
    function replaced;
  - ORIGINAL (the instructor's solution as a student would paste it), COPY (ORIGINAL disguised),
    FIRST and SECOND (two independently written correct solutions), RELEASE (the release as is);
  - a student whose id is HTML.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))      # bench/ (how the grading benchmark builds submissions)

import report_answers as answers  # noqa: E402
from bench.grading import (_defined_names, _function_names, _replace_def, _strip_markers,  # noqa: E402
                           wrong_versions)

SLUG = "ch02_gradients"
HOSTILE_ID = "<img src=x onerror=alert(1)>"


@dataclass
class Class:
    submissions: Path
    out: Path
    mutants: dict          # student -> (mutant name, target function)
    outcomes: list         # the saved records, outcomes.load_all(out)
    reported: bool         # did `grade` write OUT/report/index.html?
    stderr: str            # what `grade` printed


def _answers():
    source = nbformat.read(ROOT / "solutions" / SLUG / f"{SLUG}.ipynb", as_version=4)
    found = {c.metadata.nbgrader["grade_id"]: _strip_markers(c.source) for c in source.cells
             if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    return found, _defined_names(source) | {"np"}


def write_notebook(submissions, student, filled):
    """The release with the answer cells named in ``filled`` ({grade id: source}) replaced."""
    nb = nbformat.read(ROOT / "exercises" / SLUG / f"{SLUG}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in filled:
            cell.source = filled[gid]
    dest = Path(submissions) / student / SLUG
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / f"{SLUG}.ipynb")


def build_class(submissions):
    """Write the class; return {student: (mutant name, target function)} of the mutant students."""
    solution, available = _answers()
    mutants = {}
    for i, (name, target, wrong) in enumerate(wrong_versions(SLUG, solution, available)):
        student = f"m{i + 1:02d}"
        filled = {gid: (_replace_def(src, target, wrong) if target in _function_names(src) else src)
                  for gid, src in solution.items()}
        write_notebook(submissions, student, filled)
        mutants[student] = (name, target)
    for student in ("ORIGINAL", "COPY", "FIRST", "SECOND"):
        write_notebook(submissions, student, getattr(answers, student))
    write_notebook(submissions, "RELEASE", {})
    write_notebook(submissions, HOSTILE_ID, solution)
    return mutants


def need_bwrap():
    if shutil.which("bwrap") is None:
        if os.environ.get("CI"):
            pytest.fail("bubblewrap is required in CI (apt-get install bubblewrap)", pytrace=False)
        pytest.skip("bubblewrap is not installed")
