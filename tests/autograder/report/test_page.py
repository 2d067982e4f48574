"""The report's files from hand-made records: escaping, links, the CSVs, missing fields, reruns."""
from __future__ import annotations

import csv
import json
from html.parser import HTMLParser

import pytest

from autograder.checks.base import CaseResult, Finding, Report
from autograder.grader.outcomes import Outcome
from autograder.report import data, mistakes, write_report

EVIL_ID = "<script>alert('id')</script>"
EVIL_MSG = "raised ValueError: <img src=x onerror=alert(2)> & </td></table>"
EVIL_SLUG = "<marquee>slug</marquee>"


def entry(grade_id, function, points, findings_by_case, seconds=None):
    """A test entry as the grader stores it: the report built by the real Report class."""
    report = Report(f"check_{function}", function, float(points),
                    [CaseResult(f"case {i}", w, [Finding(*f) for f in fs])
                     for i, (w, fs) in enumerate(findings_by_case)])
    entry = {"grade_id": grade_id, "points": float(points), "earned": report.earned, "hidden": False,
             "report": report.to_dict()}
    if seconds is not None:
        entry["seconds"] = seconds
    return entry


def outcome(student, tests, slug="demo", status="graded", detail="", code=()):
    return Outcome(student, slug, status, sum(t["earned"] for t in tests), 4.0, detail, tests,
                   code=list(code))


def wrong(msg="dx is wrong", diagnosis="sign"):
    return ("dx", False, msg, diagnosis)


RIGHT = ("dx", True, "dx is correct", "ok")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, d):
        self.text.append(d)


def parse(path):
    p = Tags()
    p.feed(path.read_text(encoding="utf-8"))
    return p.tags, "".join(p.text)


@pytest.fixture
def evil_report(tmp_path):
    out = tmp_path / "out"
    recs = [outcome(EVIL_ID, [entry("t1", "f", 2, [(1.0, [wrong(EVIL_MSG, "error")])])],
                    code=["x = '<script>alert(3)</script>'\n" * 30]),
            outcome("ann", [entry("t1", "f", 2, [(1.0, [wrong(EVIL_MSG, "error")])])],
                    code=["x = '<script>alert(3)</script>'\n" * 30]),
            outcome("bob", [], slug=EVIL_SLUG, status="ungradable", detail="<blink>broken</blink> notebook")]
    (out / "feedback" / EVIL_ID).mkdir(parents=True)     # (a real batch cannot write this one)
    return write_report(out, recs, templates={"demo": [], EVIL_SLUG: []})


def test_html_from_students_stays_text(evil_report):
    """Do a student id, a message, a slug, a reason and code full of HTML show as text, creating
    no element, on the report and on the side-by-side page?"""
    folder = evil_report.parent
    pages = [evil_report] + sorted(folder.glob("*pair*.html"))
    assert len(pages) == 2, "the two identical students are one flagged pair"
    for page in pages:
        tags, text = parse(page)
        assert not [t for t, _ in tags if t in ("script", "marquee", "blink")], page.name
        assert not [a for t, a in tags if t == "img" and a.get("src") == "x"], page.name
        assert EVIL_ID in text
    _, text = parse(evil_report)
    assert EVIL_MSG in text and EVIL_SLUG in text and "<blink>broken</blink> notebook" in text
    _, text = parse(pages[1])
    assert "<script>alert(3)</script>" in text


def test_csv_cells_cannot_be_formulas(tmp_path):
    """Does mistakes.csv keep an id like '=HYPERLINK(...)' from being read as a formula, and hold
    the ids as a JSON list, whatever characters they contain?"""
    ids = ["=HYPERLINK(\"http://x\")", "a b; c", "+1"]
    recs = [outcome(s, [entry("t1", "f", 2, [(1.0, [wrong()])])]) for s in ids]
    path = write_report(tmp_path / "out", recs, templates={"demo": []}).parent / "mistakes.csv"
    (row,) = csv.DictReader(open(path, newline="", encoding="utf-8"))
    assert sorted(json.loads(row["student_ids"])) == sorted(ids)
    assert row["student_ids"].startswith("[")
    assert all(not row[k].startswith(("=", "+", "-", "@")) for k in row)


def test_costs_follow_case_weights_and_findings():
    """Does a failed finding cost its case's share of the points divided among the case's
    findings, so that the costs add up to what the Report says was lost?"""
    t = entry("t1", "f", 3, [(2.0, [wrong(), RIGHT]), (1.0, [wrong("other", "scale")])])
    costs = [c for _, c in mistakes.finding_costs(t)]
    assert costs == pytest.approx([3 * 2 / 3 / 2, 3 * 1 / 3])
    assert sum(costs) == pytest.approx(3 - t["earned"])


def test_map_counts_students_once_and_sorts_by_points_lost():
    """Is a student with the same diagnosis in a visible and a hidden test counted once, and is
    the costlier mistake first?"""
    recs = [outcome("ann", [entry("t1", "f", 2, [(1.0, [wrong()])]),
                            entry("t1h", "f", 1, [(1.0, [wrong()])])]),
            outcome("bob", [entry("t1", "f", 2, [(1.0, [RIGHT])]),
                            entry("t2", "g", 2, [(1.0, [wrong("scaled", "scale")])])]),
            outcome("cat", [entry("t2", "g", 2, [(1.0, [wrong("scaled", "scale")])])])]
    (a,) = data.assignments(recs)
    assert [(c.function, c.diagnosis, c.students, c.points) for c in a.cells] == [
        ("g", "scale", ["bob", "cat"], 4.0), ("f", "sign", ["ann"], 3.0)]
    assert a.messages[0].students == 2 and a.messages[0].example == "scaled"


def test_missing_times_and_code_are_said_not_invented(tmp_path):
    """Without per-test seconds or code in the records, does the page say 'not recorded' and that
    no code was compared (rather than show zeros)? With seconds, median and slowest."""
    recs = [outcome("ann", [entry("t1", "f", 2, [(1.0, [wrong()])])])]
    page = write_report(tmp_path / "a", recs, templates={"demo": []})
    _, text = parse(page)
    assert "not recorded" in text and "hold no code" in text
    timed = [outcome(s, [entry("t1", "f", 2, [(1.0, [RIGHT])], seconds=t)]) for s, t in
             (("ann", 0.5), ("bob", 2.0), ("cat", 1.0))]
    (a,) = data.assignments(timed)
    assert a.functions[0].median_seconds == 1.0 and a.functions[0].slowest == (2.0, "bob")


def test_a_second_run_replaces_the_report_whole(tmp_path):
    """Does writing again replace OUT/report (no stale pair pages), leaving no temporary folder?"""
    out = tmp_path / "out"
    same = ["x = '<script>alert(3)</script>'\n" * 30]
    recs = [outcome(s, [entry("t1", "f", 2, [(1.0, [RIGHT])])], code=same) for s in ("a", "b")]
    folder = write_report(out, recs, templates={"demo": []}).parent
    assert list(folder.glob("*pair*.html"))
    write_report(out, recs[:1], templates={"demo": []})
    assert not list(folder.glob("*pair*.html"))
    assert sorted(p.name for p in out.iterdir()) == ["report"]


def test_ungradable_reasons_are_counted_and_capped(tmp_path):
    """Are identical reasons counted together, and are a hundred distinct reasons cut to a short
    list that says how many more there are?"""
    recs = [outcome(f"s{i}", [], status="ungradable", detail=f"reason {i % 60}") for i in range(120)]
    _, text = parse(write_report(tmp_path / "out", recs, templates={"demo": []}))
    assert "2 × reason 0" in text and "40 other reason(s), 80 submission(s)" in text
    assert "reason 59" not in text
