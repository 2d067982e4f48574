"""The adversarial corpus (tests/autograder/fixtures/corpus), graded in one batch: every attack
scores exactly what its honest core deserves, every malformed file is ungradable with a reason,
the batch completes with grades.csv and the gradebook written, and nothing outside the sandbox
changes or leaks. Built from a released chapter notebook (the demo if none exists)."""
import csv
import dataclasses
import os
import shutil
import sqlite3
from pathlib import Path

import corpus
import autograder.grader
from autograder.grader.batch import grade_batch
from autograder.grader.plan import course_assignments
from autograder.grader.sandbox import Limits

from grader_helpers import demo_assignment, needs_bwrap, tree_hash

GRADER = Path(autograder.grader.__file__).resolve().parent      # autograder/grader


def chapter():
    found = {s: a for s, a in course_assignments().items() if a.release is not None}
    return found[sorted(found)[0]] if found else demo_assignment()


def _texts(out, skip):
    """(path, text) of every file under OUT but ``skip``."""
    for root, _, files in os.walk(out):
        for name in files:
            path = Path(root) / name
            if path != skip:
                yield path, path.read_bytes().decode("utf-8", "replace")


@needs_bwrap
def test_corpus(tmp_path):
    """Graded in one batch with a 10 s limit, does every case come out as expected, with the
    submissions, the canary, the source notebook and the grader's own code unchanged, the secret
    in no output, and no grades.csv cell that a spreadsheet would read as a formula?"""
    a = chapter()
    source = tmp_path / "source" / a.source.name          # a copy the attacks aim at
    source.parent.mkdir()
    shutil.copy(a.source, source)
    a = dataclasses.replace(a, source=source)
    subs, out = tmp_path / "submissions", tmp_path / "out"
    cases, canary = corpus.build(a, subs, out)
    kinds = [c.kind for c in cases]
    assert kinds.count("attack") >= 36 and kinds.count("control") >= 10 and kinds.count("malformed") >= 10
    assert kinds.count("layout") >= 10
    secret = (out / ".grader-secret").read_bytes()
    before = (tree_hash(subs), canary.read_bytes(), source.read_bytes(), tree_hash(GRADER), secret)

    batch = grade_batch(subs, out, {a.slug: a}, workers=2, limits=Limits(timeout=10), progress=False)

    rows = corpus.compare(cases, batch.outcomes, a.slug)
    print(corpus.table(rows))
    assert batch.exit_code == 0
    assert all(ok for *_, ok in rows), corpus.table([r for r in rows if not r[2]])
    assert len(batch.outcomes) == len(cases) + sum(c.extra_rows for c in cases)
    after = (tree_hash(subs), canary.read_bytes(), source.read_bytes(), tree_hash(GRADER),
             (out / ".grader-secret").read_bytes())
    assert after == before

    leaks = [p for p, text in _texts(out, out / ".grader-secret") if secret.decode().strip() in text]
    assert leaks == []
    table = list(csv.reader(open(out / "grades.csv", encoding="utf-8")))
    assert not [c for row in table for c in row if c[:1] in ("=", "+", "-", "@")]
    assert ["'=1+2", a.slug] == table[[r[0] for r in table].index("'=1+2")][:2]
    con = sqlite3.connect(out / "gradebook.db")
    db = dict(con.execute(
        "select s.student_id, sum(g.auto_score) from grade g join submitted_notebook n on g.notebook_id = n.id "
        "join submitted_assignment s on n.assignment_id = s.id group by s.student_id"))
    assert db == {o.student: o.score for o in batch.outcomes if o.slug == a.slug}
