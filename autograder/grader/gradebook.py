"""Scores into nbgrader's gradebook, through ``nbgrader.api.Gradebook`` (any SQLAlchemy URL),
so that ``nbgrader export`` and the formgrader read the batch like one of their own.

    record(db_url, plans, outcomes)
    create(db_url)           an empty gradebook, as nbgrader makes one (called by record)
    preload() -> Thread      import nbgrader in the background while the batch grades

Each assignment gets its notebook and grade cells (grade ids and points from the source);
each row a student, a submission and one Grade per grade cell: ``auto_score`` is the points
earned. An ungradable submission scores 0, is flagged and asks for a manual grade.
"""
from __future__ import annotations

import os
import threading
import warnings


def preload():
    """Import nbgrader in a background thread (about two seconds), so that ``record`` finds it
    loaded: the batch calls this while its workers grade and its own process only waits."""
    def load():
        try:
            import nbgrader.api  # noqa: F401
        except Exception:  # noqa: BLE001 - record() imports it again and reports the error
            pass
    thread = threading.Thread(target=load, name="preload-nbgrader", daemon=True)
    thread.start()
    return thread


def alembic_head():
    """The schema version nbgrader stamps on a new gradebook, read from its migration scripts in
    this process (nbgrader itself starts the ``alembic heads`` command, which takes seconds)."""
    import nbgrader.api
    from alembic.script import ScriptDirectory
    return ScriptDirectory(os.path.join(os.path.dirname(nbgrader.api.__file__), "alembic")).get_current_head()


def create(db_url):
    """Create the tables of an empty gradebook and stamp its version, as ``Gradebook`` does for a
    new database; an existing gradebook is left alone."""
    from nbgrader.api import Base
    from sqlalchemy import create_engine, inspect, text
    engine = create_engine(db_url, future=True)
    try:
        if inspect(engine).get_table_names():
            return
        Base.metadata.create_all(bind=engine)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": alembic_head()})
    finally:
        engine.dispose()


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
    create(db_url)
    with warnings.catch_warnings(), Gradebook(db_url) as gb:
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
