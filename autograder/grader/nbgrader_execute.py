"""nbgrader's autograde step done by this grader, in its sandbox: the Formgrader's Autograde
button and ``nbgrader autograde`` give the scores of ``python -m autograder grade --course``.

    SandboxedGrade     an nbgrader preprocessor, in place of nbgrader's ``Execute`` in
                       ``c.Autograde.autograde_preprocessors`` (classroom/jupyter/instructor/
                       nbgrader_config.py); nbgrader's other preprocessors stay
    grade_one(course_dir, slug, student, db_url=None, stream=None) -> Outcome
    SandboxRequired    raised when the sandbox is unavailable: one line, what is missing and
                       what to run instead

nbgrader's converter runs its preprocessors with the course directory as the working directory,
after it has sanitised the submission (outputs cleared, test cells restored from the gradebook).
For the notebook of ``resources["nbgrader"]`` (assignment, student), SandboxedGrade does not run
that notebook: it grades the student's folder COURSE/submitted/<student>/<slug>/ as grade --course
does, through the batch (``grade_batch`` limited to this student, one submission run in this
process: prepare -> run_submission in the sandbox -> judge_submission), which saves the one
outcome record in COURSE/autograder/outcomes/ (reused if its fingerprint still matches),
refreshes grades.csv and the gradebook, and flags an ungradable submission. Then each grade
cell's output becomes the grader's report (``autograded.report_output``), whose plain text is
the points earned, so that nbgrader's SaveAutoGrades stores the outcome's points; a grade cell
the outcome has no result for (an ungradable submission) shows the reason as an error: 0 points.

Student code never runs outside the sandbox: there is no unconfined fallback. Without a working
sandbox, SandboxRequired is raised before any of the submission's code is run.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

from autograder.grader import outcomes
from autograder.grader.autograded import report_output
from autograder.grader.batch import grade_batch
from autograder.grader.course import OUT, _assignments, course_directory, hand_back
from autograder.grader.sandbox import Limits, SandboxUnavailable
from autograder.grader.submission import run_submission

UNSAFE_HINT = ", or pass --unsafe-no-sandbox"     # a command-line option; the button has none


class SandboxRequired(SandboxUnavailable):
    """The sandbox is unavailable; nothing of the submission ran."""


class OneAtATime:
    """A batch runner (see batch.py) that runs each job in this process, one after another: the
    sandbox is the only process that runs student code."""
    workers = 1

    def run(self, jobs, setup, done):
        for job in jobs:
            done(job, run_submission(job, setup.sandbox, setup.limits, setup.uid(0)))


def _required(err, course_dir, student):
    reason = str(err).split(UNSAFE_HINT)[0].rstrip(".")
    if os.geteuid() != 0:
        reason += (f" (run as a user other than root, as here, the sandbox needs unprivileged user "
                   f"namespaces, and its limit of {Limits().nproc} processes counts all of this "
                   f"user's processes and threads)")
    return (f"Autograde grades only in the grader's sandbox, which is unavailable: {reason}. "
            f"Nothing of {student}'s submission ran. Fix that and autograde again, or, if the "
            f"sandbox works only for root here, grade as root instead: "
            f"sudo .venv/bin/python -m autograder grade --course {course_dir}")


def grade_one(course_dir, slug, student, db_url=None, stream=None):
    """Grade COURSE_DIR/submitted/<student>/<slug>/ in the sandbox and return its saved Outcome.
    ``db_url`` defaults to the course's gradebook. Raises SandboxRequired or ValueError."""
    course_dir = Path(course_dir).resolve()
    cd = course_directory(course_dir)
    assignments = _assignments(cd)
    if slug not in assignments:
        raise ValueError(f"{slug!r} is not a chapter of this course with its source notebook under "
                         f"{cd.format_path(cd.source_directory, '.', slug)}")
    submitted = Path(cd.format_path(cd.submitted_directory, ".", ".")).resolve()
    try:
        grade_batch(submitted, course_dir / OUT, assignments, only=slug, students={student},
                    db_url=db_url or cd.db_url, progress=False, stream=stream, runner=OneAtATime())
    except SandboxUnavailable as err:
        raise SandboxRequired(_required(err, course_dir, student)) from None
    finally:
        hand_back(course_dir, cd)          # run by root: the records stay the instructor's
    for o in outcomes.load_all(course_dir / OUT):
        if (o.student, o.slug) == (student, slug):
            return o
    raise ValueError(f"no submission of {slug} by {student} under {submitted}")


def _not_graded(reason):
    return nbformat.from_dict({"output_type": "error", "ename": "NotGraded", "evalue": reason,
                               "traceback": [f"Not graded: {reason}"]})


class SandboxedGrade(NbGraderPreprocessor):
    """Grades the submission of ``resources["nbgrader"]`` in the sandbox (module docstring) and
    puts the grader's report in each auto-graded cell of ``nb``."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        slug, student, notebook = info["assignment"], info["student"], info["notebook"]
        if notebook != slug:
            raise ValueError(f"this course grades one notebook per assignment, {slug}.ipynb, "
                             f"not {notebook}.ipynb")
        log = io.StringIO()
        try:
            outcome = grade_one(os.getcwd(), slug, student, info.get("db_url"), log)
        finally:
            for line in log.getvalue().splitlines():
                self.log.info("%s", line)
        self.log.info("%s/%s: %s, %g of %g points (%s)", student, slug, outcome.status,
                      outcome.score, outcome.max_score, outcome.detail)
        tests = {t["grade_id"]: t for t in outcome.tests}
        for cell in nb.cells:
            if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
                test = tests.get(cell.metadata.nbgrader.get("grade_id"))
                cell.outputs = [nbformat.from_dict(report_output(test)) if test
                                else _not_graded(outcome.detail if outcome.status != "graded"
                                                 else "the grader has no test for this cell")]
        return nb, resources
