"""Grading an nbgrader course directory in place (autograder/grader/course.py): do nbgrader's own
tools (its API, the Formgrader's view of submissions, export, generate_feedback) read the result
as their own, with the scores of grades.csv, and does a regrade keep the instructor's comments?"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.grader.course import course_directory, grade_course
from autograder.grader.sandbox import SandboxUnavailable

ROOT = Path(__file__).resolve().parents[2]
SLUG = "ch01_circuits"
STAMP = "2026-01-05 10:00:00.000000 UTC"


def _course(tmp_path):
    """A course with the chapter's source and release, and three collected submissions: the
    solution, the untouched release, and a file that is not a notebook."""
    course = tmp_path / "course"
    for step, src in (("source", ROOT / "solutions"), ("release", ROOT / "exercises")):
        (course / step / SLUG).mkdir(parents=True)
        shutil.copy(src / SLUG / f"{SLUG}.ipynb", course / step / SLUG)
    for student, src in (("alice", ROOT / "solutions"), ("bob", ROOT / "exercises"), ("carol", None)):
        folder = course / "submitted" / student / SLUG
        folder.mkdir(parents=True)
        if src is None:
            (folder / f"{SLUG}.ipynb").write_bytes(b"\x89PNG not a notebook")
        else:
            shutil.copy(src / SLUG / f"{SLUG}.ipynb", folder)
        if student != "carol":
            (folder / "timestamp.txt").write_text(STAMP)
            (folder / "submission_secret.txt").write_text("ab12" * 8)
    return course


def _grade(course):
    try:
        return grade_course(course, progress=False, workers=2)
    except SandboxUnavailable as err:
        if os.environ.get("CI"):
            pytest.fail(f"the grader's sandbox is required in CI: {err}", pytrace=False)
        pytest.skip(f"no sandbox here: {err}")


def _nbgrader(course, *args):
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "JUPYTER_CONFIG_PATH": ""})
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_course_graded_in_place_reads_as_nbgrader_output(tmp_path):
    """After grade --course: does nbgrader's API see three autograded submissions with the scores
    of grades.csv, does export give the same totals, and does generate_feedback find everything
    it needs?"""
    course = _course(tmp_path)
    batch = _grade(course)
    assert batch.exit_code == 0
    rows = {r["student_id"]: r for r in csv.DictReader(open(course / "autograder" / "grades.csv"))}
    assert rows["alice"]["score"] == rows["alice"]["max_score"] and rows["bob"]["score"] == "0"
    assert rows["carol"]["status"] == "ungradable"
    for student in rows:
        assert (course / "autograded" / student / SLUG / f"{SLUG}.ipynb").is_file()
        assert (course / "feedback" / student / SLUG / f"{SLUG}.html").is_file()
    assert (course / "feedback" / "alice" / SLUG / "timestamp.txt").read_text() == STAMP
    assert not (course / "feedback" / "carol" / SLUG / "timestamp.txt").exists()

    from nbgrader.apps.api import NbGraderAPI
    api = NbGraderAPI(coursedir=course_directory(course))
    seen = {s["student"]: s for s in api.get_submissions(SLUG)}
    assert {s: (v["autograded"], v["score"]) for s, v in seen.items()} == \
        {s: (True, float(r["score"])) for s, r in rows.items()}
    assert seen["carol"]["needs_manual_grade"] and not seen["alice"]["needs_manual_grade"]

    _nbgrader(course, "export")
    exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(open(course / "grades.csv"))}
    assert exported == {s: float(r["score"]) for s, r in rows.items()}
    _nbgrader(course, "generate_feedback", "--force", SLUG)
    page = (course / "feedback" / "alice" / SLUG / f"{SLUG}.html").read_text()
    assert "check_multiply_gate" in page and "BEGIN HIDDEN TESTS" not in page


def test_regrade_keeps_comments_and_manual_scores(tmp_path):
    """A comment and a manual score given in the Formgrader, then a regrade: are both still there?"""
    from nbgrader.api import Gradebook
    course = _course(tmp_path)
    _grade(course)
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.find_comment("multiply_gate", SLUG, SLUG, "bob").manual_comment = "start here"
        gb.find_grade("test_add_gate", SLUG, SLUG, "bob").manual_score = 1.0
        gb.db.commit()
    (course / "submitted" / "bob" / SLUG / "timestamp.txt").write_text("2026-01-06 10:00:00.000000 UTC")
    _grade(course)
    with Gradebook(url) as gb:
        assert gb.find_comment("multiply_gate", SLUG, SLUG, "bob").comment == "start here"
        assert gb.find_grade("test_add_gate", SLUG, SLUG, "bob").score == 1.0
        assert str(gb.find_submission(SLUG, "bob").timestamp).startswith("2026-01-06 10:00:00")
    nb = json.loads((course / "autograded" / "bob" / SLUG / f"{SLUG}.ipynb").read_text())
    shown = [c["outputs"][0]["data"]["text/plain"] for c in nb["cells"]
             if c["metadata"].get("nbgrader", {}).get("grade")]
    release = json.loads((ROOT / "exercises" / SLUG / f"{SLUG}.ipynb").read_text())
    grade_cells = [c for c in release["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert len(shown) == len(grade_cells) > 0 and set(shown) == {"0"}   # the release earns nothing


def test_cli_course_arguments(tmp_path):
    """Does the command line refuse --course mixed with --out, and a course folder that does not
    exist, with exit status 2 and a message?"""
    from autograder.__main__ import main
    assert main(["grade", "--course", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert main(["grade", "--course", str(tmp_path / "nowhere")]) == 2
    assert main(["grade", "--course", str(tmp_path)]) == 2        # nothing collected
