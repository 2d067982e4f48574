"""The notebook ``nbgrader autograde`` would write to autograded/, made from an outcome.

    autograded_notebook(data, release, outcome) -> dict     an nbformat-4 notebook

``data`` is the submitted notebook's bytes (None or unreadable: the released notebook stands in,
under a note saying why). ``release`` is the released notebook (a dict, trusted). As nbgrader's
sanitising does, every output of the submission is dropped, and every cell the release marks as
locked or graded gets the release's source and nbgrader metadata back (a cell that only claims a
grade id the release does not have, or claims one twice, loses its nbgrader metadata); solution
cells keep the student's text. Grade cells the student deleted are added at the end. The
Formgrader and feedback pages render markdown as HTML, so the student's own markdown and raw
cells are kept as markdown with every HTML character escaped (shown, never run). Each grade
cell's output is the grader's report: ``text/plain`` the points earned (what nbgrader reads as
partial credit), ``text/html`` the table of cases the check shows in the notebook. The tests'
code never appears: the release's grade cells hold one visible call, or a comment for hidden tests.
"""
from __future__ import annotations

import copy
import html
import json
import re
import uuid

from autograder.checks.base import CaseResult, Finding, Report, Score

CELL_TYPES = ("code", "markdown", "raw")
ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


def _nbgrader(cell):
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def _text(source):
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    return ""


def report_output(test):
    """A grade cell's output from one entry of ``Outcome.tests``."""
    r = test["report"]
    report = Report(r["check"], r["function"], float(r["points"]), [
        CaseResult(c["label"], c["weight"], [Finding(f["what"], f["passed"], f["message"], f["diagnosis"])
                                             for f in c["findings"]]) for c in r["results"]])
    return {"output_type": "execute_result", "execution_count": None, "metadata": {},   # as a grade
            "data": {"text/plain": repr(Score(report)), "text/html": report._repr_html_()}}  # cell's result


def _cell(kind, source, cell_id, nbgrader=None):
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}
    if nbgrader:
        cell["metadata"]["nbgrader"] = copy.deepcopy(nbgrader)
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def _student_cells(data):
    """The submission's cells as raw dicts, or a reason it has none we can use."""
    if data is None:
        return None, "the submission has no notebook"
    try:
        nb = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, "the submitted notebook could not be read"
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        return None, "the submitted notebook is not an nbformat 4 notebook"
    return [c for c in nb["cells"] if isinstance(c, dict) and c.get("cell_type") in CELL_TYPES], ""


def autograded_notebook(data, release, outcome):
    trusted = {}
    for cell in release["cells"]:
        gid = _nbgrader(cell).get("grade_id")
        if isinstance(gid, str) and gid:
            trusted[gid] = cell
    tests = {t["grade_id"]: t for t in outcome.tests}
    cells, seen, ids = [], set(), set()

    def fresh_id(wanted):
        cid = wanted if isinstance(wanted, str) and ID.match(wanted) and wanted not in ids else uuid.uuid4().hex[:12]
        ids.add(cid)
        return cid

    def restored(gid):
        ref = trusted[gid]
        meta = _nbgrader(ref)
        return ref["cell_type"], _text(ref.get("source", "")), meta

    student, why = _student_cells(data)
    if student is None:
        student = release["cells"]
        cells.append(_cell("markdown", f"**Not graded from the submission: {why}.** "
                           "The released notebook is shown instead.", fresh_id(None)))
    for raw in student:
        gid = _nbgrader(raw).get("grade_id")
        kind, source, meta = raw["cell_type"], _text(raw.get("source", "")), None
        if isinstance(gid, str) and gid in trusted and gid not in seen:
            seen.add(gid)
            ref_kind, ref_source, meta = restored(gid)
            kind = ref_kind
            if meta.get("locked") or meta.get("grade") and not meta.get("solution"):
                source = ref_source
        if meta is None and kind != "code":      # the student's text: shown, never rendered as HTML
            kind, source = "markdown", html.escape(source, quote=False)
        cell = _cell(kind, source, fresh_id(raw.get("id")), meta)
        if meta and meta.get("grade") and gid in tests and kind == "code":
            cell["outputs"] = [report_output(tests[gid])]
        cells.append(cell)
    for gid, ref in trusted.items():          # grade cells the student deleted
        if gid not in seen and _nbgrader(ref).get("grade"):
            kind, source, meta = restored(gid)
            cell = _cell(kind, source, fresh_id(None), meta)
            if meta.get("grade") and gid in tests and kind == "code":
                cell["outputs"] = [report_output(tests[gid])]
            cells.append(cell)
    metadata = {k: copy.deepcopy(v) for k, v in release.get("metadata", {}).items()
                if k in ("kernelspec", "language_info")}
    return {"cells": cells, "metadata": metadata, "nbformat": 4,
            "nbformat_minor": max(5, int(release.get("nbformat_minor", 5)))}
