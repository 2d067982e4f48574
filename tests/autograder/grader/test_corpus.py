"""The adversarial corpus, graded in one batch: every attack scores exactly what its honest core
deserves, every malformed file is ungradable with a reason, the batch completes, and nothing
outside the sandbox changes. Built from a released chapter notebook (the demo if none exists)."""
import csv
import dataclasses
import shutil
import sqlite3
from pathlib import Path

from autograder.grader import corpus
from autograder.grader.batch import grade_batch
from autograder.grader.plan import course_assignments
from autograder.grader.sandbox import Limits

from grader_helpers import demo_assignment, needs_bwrap, tree_hash

GRADER = Path(corpus.__file__).resolve().parents[1]      # autograder/grader


def chapter():
    found = {s: a for s, a in course_assignments().items() if a.release is not None}
    return found[sorted(found)[0]] if found else demo_assignment()


@needs_bwrap
def test_corpus(tmp_path):
    """Graded in one batch with a 10 s limit, does every case come out as expected, with the
    submissions, the canary, the source notebook and the grader's own code unchanged?"""
    a = chapter()
    source = tmp_path / "source" / a.source.name          # a copy the attacks aim at
    source.parent.mkdir()
    shutil.copy(a.source, source)
    a = dataclasses.replace(a, source=source)
    subs, out = tmp_path / "submissions", tmp_path / "out"
    cases, canary = corpus.build(a, subs, out)
    kinds = [c.kind for c in cases]
    assert kinds.count("attack") >= 30 and kinds.count("control") >= 10 and kinds.count("malformed") >= 10
    before = (tree_hash(subs), canary.read_bytes(), source.read_bytes(), tree_hash(GRADER),
              (out / ".grader-secret").read_bytes())

    batch = grade_batch(subs, out, {a.slug: a}, workers=2, limits=Limits(timeout=10), progress=False)

    rows = corpus.compare(cases, batch.outcomes)
    print(corpus.table(rows))
    assert batch.exit_code == 0
    assert all(ok for *_, ok in rows), corpus.table([r for r in rows if not r[2]])
    assert len(batch.outcomes) == len(cases)              # exactly one row per submission
    after = (tree_hash(subs), canary.read_bytes(), source.read_bytes(), tree_hash(GRADER),
             (out / ".grader-secret").read_bytes())
    assert after == before

    csv_scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(open(out / "grades.csv"))}
    con = sqlite3.connect(out / "gradebook.db")
    db = dict(con.execute(
        "select s.student_id, sum(g.auto_score) from grade g join submitted_notebook n on g.notebook_id = n.id "
        "join submitted_assignment s on n.assignment_id = s.id group by s.student_id"))
    assert db == csv_scores and max(db.values()) <= cases[0].score
