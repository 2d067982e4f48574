"""The class report: what a batch's outcome records say about the class as a whole.

    write_report(out, outcomes, submissions=None, templates=None) -> Path of OUT/report/index.html

writes OUT/report/: index.html (per assignment: the score distribution, ungradable reasons, the
mistake map, per-function marks and times, the most shown messages, similar code), mistakes.csv,
the SVG figures and one side-by-side page per listed pair. The folder is built beside the old one
and swapped in whole, so a failed run leaves the previous report as it was.

Outcomes are the grader's records (autograder.grader: student, slug, status, score, max_score,
detail, tests, ...). The code compared for similarity is each record's ``code`` (the student's
graded code cells) when it has one; otherwise, when ``submissions`` is given, the code cells of
SUBMISSIONS/<student>/<slug>/'s notebook, read with the grader's notebook reader. The released
notebook's code (``templates[slug]``, default exercises/<slug>/<slug>.ipynb) is removed first.

Modules: data (records -> tables), mistakes (the map, its CSV), similarity (copydetect),
plots (matplotlib), page (HTML).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from autograder.report import data, page, similarity


def _code(o, submissions):
    code = getattr(o, "code", None)
    if isinstance(code, (list, tuple)):
        return [c for c in code if isinstance(c, str)]
    if submissions is None or getattr(o, "status", "") != "graded":
        return None
    from autograder.grader.notebook import Unreadable
    from autograder.grader.submission import find_notebook
    try:
        path, _ = find_notebook(os.path.join(submissions, o.student, o.slug), o.slug)
        return similarity.notebook_code(path)
    except (Unreadable, OSError):
        return None


def compare(assignments, submissions=None, templates=None):
    """{slug: page.Similarity} of the graded submissions of each assignment."""
    out = {}
    for a in assignments:
        template = templates[a.slug] if templates and a.slug in templates \
            else similarity.release_code(a.slug)
        if template is None:
            out[a.slug] = page.Similarity(note="The released notebook of this assignment was not "
                                               "found, so its code could not be told apart from "
                                               "the students': nothing was compared.")
            continue
        codes = {}
        for o in a.graded:
            cells = _code(o, submissions)
            if cells is not None:
                codes[o.student] = similarity.own_code(cells, template)
        if not codes:
            out[a.slug] = page.Similarity(note="The records hold no code to compare.")
            continue
        out[a.slug] = page.Similarity(similarity.similar_pairs(codes, template),
                                      sum(1 for c in codes.values() if c.strip()))
    return out


def write_report(out, outcomes, submissions=None, templates=None):
    """Write OUT/report/ from the outcome records; return the path of its index.html."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = data.assignments(outcomes)
    sims = compare(tables, submissions, templates)
    tmp = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        page.write_pages(tmp, tables, sims)
        os.chmod(tmp, 0o755)
        final, old = out / "report", None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=".report-old-", dir=out))
            os.replace(final, old / "report")
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final / "index.html"
