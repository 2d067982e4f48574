"""Reading notebooks: the source's grade cells, and submissions however broken they are."""
import json

import pytest

from autograder.grader.notebook import (Cell, PlanError, Unreadable, parse_call, parse_notebook,
                                        read_bytes, source_tests, split_code)

from grader_helpers import demo_assignment, notebook


def test_parse_call_reads_names_and_literals():
    """Are positional arguments read as (dotted) names and keywords as literals?"""
    call = parse_call("check_x(fn_a, Net.backward, seed=11, shapes=[(1, 5), (2,)], points=2)")
    assert call.check == "check_x"
    assert call.objects == ("fn_a", "Net.backward")
    assert call.params == {"seed": 11, "shapes": [(1, 5), (2,)], "points": 2}


@pytest.mark.parametrize("code", [
    "check_x(fn, seed=make_seed())",          # a keyword that is not a literal
    "check_x(fn(1))",                         # a positional argument that is not a name
    "check_x(**params)",
    "check_x(fn); check_y(fn)",                # two statements
    "x = check_x(fn)",
    "checks[0](fn)",
    "check_x(fn",
])
def test_parse_call_rejects_anything_but_one_plain_call(code):
    """Is a test cell that is not one call with literal keywords refused?"""
    with pytest.raises(ValueError):
        parse_call(code)


def test_source_tests_of_the_demo():
    """Are the demo's five grade cells found, with their points, hidden flags and calls?"""
    tests = source_tests(demo_assignment().source)
    assert [t.grade_id for t in tests] == ["test_square", "test_square_hidden", "test_scale_backward",
                                          "test_scale_backward_hidden", "test_step"]
    assert [t.points for t in tests] == [1, 1, 2, 2, 1]
    assert [t.hidden for t in tests] == [False, True, False, True, False]
    assert tests[3].call.params == {"shapes": [(1,), (2, 1)], "seed": 3, "points": 2}
    assert tests[4].call.objects == ("step", "square_grad")


def test_source_with_a_bad_grade_cell_is_a_plan_error(tmp_path):
    """Does a grade cell holding two calls stop the plan with a message naming the cell?"""
    nb = notebook("full")
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "test_step":
            cell["source"] = "check_step(step, square_grad)\ncheck_square(square)"
    path = tmp_path / "demo.ipynb"
    path.write_text(json.dumps(nb))
    with pytest.raises(PlanError, match="test_step"):
        source_tests(path)


@pytest.mark.parametrize("data, reason", [
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"cells": [', "not valid JSON"),
    (b"   \n", "white space"),
    (b"[1, 2]", "not a notebook"),
    (b'{"nbformat": 5, "cells": []}', "nbformat 5"),
    (b'{"cells": []}', "no nbformat"),
    (b'{"nbformat": 4, "cells": {}}', "no list of cells"),
    (b'{"nbformat": 4, "cells": [{"source": "x"}]}', "no cell_type"),
    (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}', "neither text"),
    (b"[" * 50000 + b"]" * 50000, "not valid JSON"),
])
def test_unreadable_notebooks_say_why(data, reason):
    """Does each kind of broken file give a reason a person understands?"""
    with pytest.raises(Unreadable, match=reason):
        parse_notebook(data)


def test_lenient_about_what_does_not_hide_code():
    """Are duplicate ids, odd metadata and a byte-order mark accepted?"""
    nb = notebook("full")
    for cell in nb["cells"]:
        cell["id"] = "same"
        cell["metadata"]["nbgrader"] = {"schema_version": 99, "grade": "maybe"}
    cells = parse_notebook(b"\xef\xbb\xbf" + json.dumps(nb).encode())
    assert len(cells) == len(nb["cells"])


def test_read_bytes_refuses_links_special_files_and_size(tmp_path):
    """Are symbolic links, folders, empty and oversized files refused before reading?"""
    real = tmp_path / "real.ipynb"
    real.write_text("{}")
    (tmp_path / "link.ipynb").symlink_to(real)
    (tmp_path / "dir.ipynb").mkdir()
    (tmp_path / "empty.ipynb").write_bytes(b"")
    (tmp_path / "big.ipynb").write_bytes(b" " * 2048)
    with pytest.raises(Unreadable, match="symbolic link"):
        read_bytes(str(tmp_path / "link.ipynb"), 1024)
    with pytest.raises(Unreadable, match="not a regular file"):
        read_bytes(str(tmp_path / "dir.ipynb"), 1024)
    with pytest.raises(Unreadable, match="empty"):
        read_bytes(str(tmp_path / "empty.ipynb"), 1024)
    with pytest.raises(Unreadable, match="limit"):
        read_bytes(str(tmp_path / "big.ipynb"), 1024)
    assert read_bytes(str(real), 1024) == b"{}"


def test_split_code_drops_every_kind_of_test_cell():
    """Are test cells dropped whether found by grade id, cell id, same text or a lone check call,
    and every other code cell kept in order?"""
    tests = source_tests(demo_assignment().source)
    cells = [Cell("code", "a = 1"),
             Cell("code", "print('tampered')", grade_id="test_square"),     # claims a grade id
             Cell("code", "print('tampered')", cell_id="test_step"),        # claims a cell id
             Cell("code", "check_square(square)"),                          # same text, no metadata
             Cell("code", "check_step(step, square_grad, points=100)"),     # a lone check call
             Cell("markdown", "check_square(square)"),
             Cell("code", "b = a + 1", grade_id="renamed_test")]
    code, ignored = split_code(cells, tests, (), {"check_square", "check_step", "check_scale_backward"})
    assert code == ["a = 1", "b = a + 1"]
    assert ignored == 4
