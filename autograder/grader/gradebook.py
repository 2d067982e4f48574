"""Scores into nbgrader's gradebook, through ``nbgrader.api.Gradebook`` (any SQLAlchemy URL),
so that ``nbgrader export`` and the formgrader read the batch like one of their own.

    record(db_url, plans, outcomes)

Each assignment gets its notebook and grade cells (grade ids and points from the source);
each row a student, a submission and one Grade per grade cell: ``auto_score`` is the points
earned. An ungradable submission scores 0, is flagged and asks for a manual grade.
"""
from __future__ import annotations

import os
import sys
import warnings
from contextlib import contextmanager



@contextmanager
def _alembic_on_path():
    """nbgrader runs the ``alembic`` script of its environment when it opens a gradebook."""
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + old
    try:
        yield
    finally:
        os.environ["PATH"] = old


def _structure(gb, plan):
    slug = plan.assignment.slug
    gb.update_or_create_assignment(slug)
    gb.update_or_create_notebook(slug, slug)
    for t in plan.tests:
        gb.update_or_create_grade_cell(t.grade_id, slug, slug, max_score=t.points, cell_type="code")


def _submission(gb, plan, student):
    from nbgrader.api import MissingEntry
    slug = plan.assignment.slug
    gb.update_or_create_student(student)
    try:
        gb.find_submission(slug, student)
    except MissingEntry:
        gb.add_submission(slug, student)
    try:
        return [gb.find_grade(t.grade_id, slug, slug, student) for t in plan.tests]
    except MissingEntry:        # the assignment gained grade cells since: rebuild the submission
        gb.remove_submission(slug, student)
        gb.add_submission(slug, student)
        return [gb.find_grade(t.grade_id, slug, slug, student) for t in plan.tests]


def record(db_url, plans, outcomes):
    from nbgrader.api import Gradebook      # imported here: nbgrader takes seconds to import
    with _alembic_on_path(), warnings.catch_warnings(), Gradebook(db_url) as gb:
        warnings.simplefilter("ignore")      # nbgrader's add_submission trips SQLAlchemy warnings
        for plan in plans.values():
            _structure(gb, plan)
        for o in outcomes:
            plan = plans.get(o.slug)
            if plan is None:
                continue
            grades = _submission(gb, plan, o.student)
            earned = {t["grade_id"]: t["earned"] for t in o.tests}
            for test, grade in zip(plan.tests, grades):
                grade.auto_score = float(earned.get(test.grade_id, 0.0))
                grade.needs_manual_grade = o.status != "graded"
            nb = gb.find_submission_notebook(o.slug, o.slug, o.student)
            nb.flagged = o.status != "graded"
        gb.db.commit()
