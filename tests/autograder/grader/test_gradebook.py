"""Tests of autograder/grader/gradebook.py: a gradebook nbgrader takes for one of its own."""
import os
import sqlite3
import sys

import pytest

from autograder.grader import gradebook


@pytest.fixture
def alembic_on_path(monkeypatch):
    """nbgrader starts the `alembic` script of this environment for a new gradebook."""
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))


def test_alembic_head_is_what_nbgrader_stamps(alembic_on_path):
    """Is the schema version read in-process the one nbgrader's own `alembic heads` call gives?"""
    import nbgrader.api
    assert gradebook.alembic_head() == nbgrader.api.get_alembic_version()


def test_created_gradebook_matches_one_nbgrader_creates(tmp_path, alembic_on_path):
    """Does `create` give the tables and version stamp that nbgrader's Gradebook gives a new file?"""
    from nbgrader.api import Gradebook
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    gradebook.create(f"sqlite:///{ours}")
    with Gradebook(f"sqlite:///{theirs}"):
        pass

    def schema(path):
        con = sqlite3.connect(path)
        try:
            tables = sorted(r[0] for r in con.execute("select name from sqlite_master where type='table'"))
            return tables, con.execute("select version_num from alembic_version").fetchall()
        finally:
            con.close()
    assert schema(ours) == schema(theirs)
    with Gradebook(f"sqlite:///{ours}") as gb:       # nbgrader opens it without complaint
        gb.add_assignment("a")
        assert [a.name for a in gb.assignments] == ["a"]


def test_create_leaves_an_existing_gradebook_alone(tmp_path):
    """Called on a gradebook that holds data, does `create` keep every row?"""
    db = tmp_path / "g.db"
    gradebook.create(f"sqlite:///{db}")
    con = sqlite3.connect(db)
    con.execute("insert into student (id) values ('s1')")
    con.commit()
    con.close()
    gradebook.create(f"sqlite:///{db}")
    con = sqlite3.connect(db)
    assert con.execute("select id from student").fetchall() == [("s1",)]
    assert con.execute("select count(*) from alembic_version").fetchone() == (1,)
    con.close()


def test_nbgrader_is_imported_without_the_slow_optional_module():
    """In a fresh process, does import_nbgrader load nbgrader.api and jsonschema without
    rfc3987_syntax, and can that module still be imported afterwards?"""
    import subprocess
    code = ("import sys; from autograder.grader import gradebook as g; api = g.import_nbgrader(); "
            "print(hasattr(api, 'Gradebook'), 'jsonschema' in sys.modules, g.OPTIONAL_SLOW in sys.modules); "
            "import rfc3987_syntax; print('importable')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["True True False", "importable"]
