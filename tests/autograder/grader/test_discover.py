"""Finding submissions: one task per folder, one row per layout problem, odd names kept safe."""
import io
import os

from autograder.grader.discover import discover


def _folder(root, *parts):
    path = os.path.join(os.fsencode(root), *[os.fsencode(p) for p in parts])
    os.makedirs(path)
    return path


def test_dot_named_students_with_an_assignment_are_graded_the_rest_named(tmp_path):
    """Is a dot-named student folder that holds an assignment folder a task, and is a dot-named
    folder without one skipped with a warning that names it?"""
    _folder(tmp_path, ".carol", "demo")
    _folder(tmp_path, ".git", "objects")
    _folder(tmp_path, "ann", "demo")
    warn = io.StringIO()
    tasks, rows = discover(tmp_path, {"demo"}, stream=warn)
    assert [(t.student, t.slug) for t in tasks] == [(".carol", "demo"), ("ann", "demo")] and rows == []
    assert ".git" in warn.getvalue() and ".carol" not in warn.getvalue()


def test_undecodable_and_colliding_names_stay_apart(tmp_path):
    """Is a student folder named with non-UTF-8 bytes shown escaped, and kept apart from a
    folder whose name is that escape written out?"""
    _folder(tmp_path, b"j\xf6rg".decode("utf-8", "surrogateescape"), "demo")
    _folder(tmp_path, "j\\xf6rg", "demo")
    tasks, _ = discover(tmp_path, {"demo"})
    ids = [t.student for t in tasks]
    assert len(set(ids)) == 2 and "j\\xf6rg" in ids
    assert all(i.encode("utf-8") for i in ids)
    assert sorted(os.path.isdir(t.folder) for t in tasks) == [True, True]


def test_a_long_unknown_folder_is_one_row(tmp_path):
    """Is a 250-character folder beside an assignment one 'unknown assignment' row?"""
    _folder(tmp_path, "ann", "demo")
    _folder(tmp_path, "ann", "x" * 250)
    tasks, rows = discover(tmp_path, {"demo"})
    assert len(tasks) == 1 and len(rows) == 1 and "unknown assignment" in rows[0].detail
