"""The class report: what a batch's outcome records say about the class as a whole.

    write_report(out, outcomes, releases=None, templates=None) -> Path of OUT/report/index.html

writes OUT/report/: index.html (per assignment: the score distribution, ungradable reasons, the
mistake map, per-function marks and times, the most shown messages, similar code), mistakes.csv,
the SVG figures and one side-by-side page per listed pair. The folder is built beside the old one
and swapped in whole, so a failed run leaves the previous report as it was.

Outcomes are the grader's records (autograder.grader.outcomes, as ``load_all(out)`` returns
them). The code compared for similarity is each record's ``code`` (the graded code cells) less
the released notebook's code: ``templates[slug]`` (code cells) if given, else the notebook at
``releases[slug]``, else exercises/<slug>/<slug>.ipynb.

Modules: data (records -> tables), mistakes (the map, its CSV), similarity (copydetect),
plots (matplotlib), page (HTML).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from autograder.report import data, page, similarity


def _template(slug, releases, templates):
    if templates and slug in templates:
        return list(templates[slug])
    path = (releases or {}).get(slug)
    if path is None:
        return similarity.release_code(slug)
    try:
        return similarity.notebook_code(path)
    except (ValueError, OSError):      # Unreadable is a ValueError
        return None


def compare(assignments, releases=None, templates=None):
    """{slug: page.Similarity} of the graded submissions of each assignment."""
    out = {}
    for a in (a for a in assignments if a.graded):
        template = _template(a.slug, releases, templates)
        if template is None:
            out[a.slug] = page.Similarity(note="The released notebook of this assignment was not "
                                               "found, so its code could not be told apart from "
                                               "the students': nothing was compared.")
            continue
        codes = {o.student: similarity.own_code([c for c in getattr(o, "code", None) or []
                                                 if isinstance(c, str)], template)
                 for o in a.graded}
        compared = sum(1 for c in codes.values() if c.strip())
        if not compared:
            out[a.slug] = page.Similarity(note="The records hold no code of the students' own to "
                                               "compare.")
            continue
        out[a.slug] = page.Similarity(similarity.similar_pairs(codes, template), compared)
    return out


def write_report(out, outcomes, releases=None, templates=None):
    """Write OUT/report/ from the outcome records; return the path of its index.html."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = data.assignments(outcomes)
    sims = compare(tables, releases, templates)
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
