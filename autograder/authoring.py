"""Cells of an nbgrader source notebook, with the metadata nbgrader expects.

    notebook(cells, title) -> NotebookNode   (nbformat 4.5, Python 3 kernel, no outputs)
    markdown(text, id)      a read-only instruction cell
    code(source, id)        a given code cell (not graded, not locked)
    solution(source, id)    an autograded answer cell: put the answer between
                            ### BEGIN SOLUTION / ### END SOLUTION inside the function body
    tests(source, id, points)  a locked grade cell: one line calling a check (visible), or a
                            comment plus a ### BEGIN HIDDEN TESTS region (hidden)

Cell ids equal nbgrader grade ids, so the grader can find every cell again.
"""
import nbformat

SCHEMA_VERSION = 3


def _meta(id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(text, id):
    return nbformat.v4.new_markdown_cell(text.strip("\n"), id=id, metadata=_meta(id, locked=True))


def code(source, id):
    return nbformat.v4.new_code_cell(source.strip("\n"), id=id)


def solution(source, id):
    return nbformat.v4.new_code_cell(source.strip("\n"), id=id, metadata=_meta(id, solution=True))


def tests(source, id, points):
    return nbformat.v4.new_code_cell(source.strip("\n"), id=id,
                                      metadata=_meta(id, grade=True, locked=True, points=points))


def notebook(cells):
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    return nb
