"""Scores into nbgrader's gradebook, through ``nbgrader.api.Gradebook`` (any SQLAlchemy URL),
so that ``nbgrader export`` and the formgrader read the batch like one of their own.

    record(db_url, plans, outcomes)
    stamp(db_url, timestamps)    submission times ({(student, slug): "2026-01-05 10:00:00.000000 UTC"})
    create(db_url)           an empty gradebook, as nbgrader makes one (called by record)
    preload() -> Thread      import nbgrader in the background while the batch grades
    import_nbgrader()        nbgrader.api, without an optional import that costs a second

Each assignment gets its notebook and grade cells (grade ids and points from the source). A
notebook new to the gradebook is first recorded from the released notebook as ``nbgrader
generate_assignment`` records it (solution, task and locked cells too, by nbgrader's own
SaveCells), so that the Formgrader can show the notebook and take comments; one already there
(made by generate_assignment) is kept as it is. Each row gets a student, a submission and one
Grade per grade cell: ``auto_score`` is the points earned (manual scores are left alone). An
ungradable submission scores 0, is flagged and asks for a manual grade.
"""
from __future__ import annotations

import os
import sys
import threading
import warnings

OPTIONAL_SLOW = "rfc3987_syntax"    # jsonschema's IRI-format checker: builds a grammar on import


def import_nbgrader():
    """``nbgrader.api``, imported without jsonschema's optional IRI-format checker, which nbgrader
    pulls in through jupyter_server and which spends over a second building a grammar at import.
    Nothing in the grader validates IRIs; the module stays importable for others afterwards."""
    block = OPTIONAL_SLOW not in sys.modules and "jsonschema" not in sys.modules
    if block:
        sys.modules[OPTIONAL_SLOW] = None       # makes `import rfc3987_syntax` raise ImportError
    try:
        import nbgrader.api
    finally:
        if block and OPTIONAL_SLOW in sys.modules and sys.modules[OPTIONAL_SLOW] is None:
            del sys.modules[OPTIONAL_SLOW]
    return nbgrader.api


def preload():
    """Import nbgrader in a background thread (about a second), so that ``record`` finds it
    loaded: the batch calls this while its workers grade and its own process only waits."""
    def load():
        try:
            import_nbgrader()
        except Exception:  # noqa: BLE001 - record() imports it again and reports the error
            pass
    thread = threading.Thread(target=load, name="preload-nbgrader", daemon=True)
    thread.start()
    return thread


def alembic_head():
    """The schema version nbgrader stamps on a new gradebook, read from its migration scripts in
    this process (nbgrader itself starts the ``alembic heads`` command, which takes seconds)."""
    from alembic.script import ScriptDirectory
    api = import_nbgrader()
    return ScriptDirectory(os.path.join(os.path.dirname(api.__file__), "alembic")).get_current_head()


def create(db_url):
    """Create the tables of an empty gradebook and stamp its version, as ``Gradebook`` does for a
    new database; an existing gradebook is left alone."""
    from sqlalchemy import create_engine, inspect, text
    Base = import_nbgrader().Base
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


def _save_cells(db_url, plan):
    """Record the released notebook's cells as generate_assignment does, if the gradebook does
    not know the notebook yet."""
    from nbgrader.api import Gradebook, MissingEntry
    slug, release = plan.assignment.slug, plan.assignment.release
    if release is None or not os.path.exists(release):
        return
    with Gradebook(db_url) as gb:
        gb.update_or_create_assignment(slug)
        try:
            gb.find_notebook(slug, slug)
            return
        except MissingEntry:
            pass
    import nbformat
    from nbgrader.preprocessors import SaveCells
    nb = nbformat.read(str(release), as_version=4)
    SaveCells().preprocess(nb, {"nbgrader": {"notebook": slug, "assignment": slug, "db_url": db_url}})


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
    Gradebook = import_nbgrader().Gradebook     # imported here: nbgrader is slow to import
    create(db_url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for plan in plans.values():
            _save_cells(db_url, plan)
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


def stamp(db_url, timestamps):
    """Record when each submission was made ({(student, slug): timestamp text, as nbgrader
    writes it in timestamp.txt}); the Formgrader counts a submission as graded when this equals
    the timestamp in submitted/."""
    Gradebook = import_nbgrader().Gradebook
    with warnings.catch_warnings(), Gradebook(db_url) as gb:
        warnings.simplefilter("ignore")
        for (student, slug), when in sorted(timestamps.items()):
            gb.update_or_create_submission(slug, student, timestamp=when)
