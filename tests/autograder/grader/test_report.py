"""grades.csv, feedback pages and the summary."""
import csv
import io

from autograder.grader.report import feedback_html, grades_csv, number, summary, write_outputs
from autograder.grader.submission import Outcome


def outcome(student, slug="demo", status="graded", score=3.5, detail="ok", **kw):
    return Outcome(student, slug, status, score, 7.0, detail, **kw)


def test_csv_sorted_with_the_required_columns():
    """Is grades.csv sorted by student and assignment, numbers written plainly, one line a row?"""
    rows = [outcome("zoe"), outcome("ann", "ch02"), outcome("ann", "ch01", "ungradable", 0, "bad\nJSON, here")]
    table = list(csv.reader(io.StringIO(grades_csv(rows))))
    assert table[0] == ["student_id", "assignment", "score", "max_score", "status", "detail"]
    assert [r[:2] for r in table[1:]] == [["ann", "ch01"], ["ann", "ch02"], ["zoe", "demo"]]
    assert table[1][2:] == ["0", "7", "ungradable", "bad JSON, here"]
    assert number(3.5) == "3.5" and number(2.0) == "2" and number(1 / 3) == "0.3333"


def test_feedback_escapes_student_text_and_shows_no_code():
    """Is text that came from student code escaped, and are messages shown without test code?"""
    report = {"results": [{"label": "x of size 1", "weight": 1.0, "findings": [
        {"what": "square", "passed": False, "message": "square raised ValueError: <script>alert(1)</script>",
         "diagnosis": "error"}]}]}
    o = outcome("ann", tests=[{"grade_id": "test_square_hidden", "points": 1.0, "earned": 0.0,
                               "hidden": True, "report": report}],
                cell_errors=[(3, "NameError", "name '<b>' is not defined")])
    page = feedback_html(o)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "test_square_hidden (hidden tests): 0 / 1" in page
    assert "code cell 3: NameError" in page


def test_summary_counts_and_means():
    """Does the summary give graded, ungradable and the mean score per assignment?"""
    text = summary([outcome("a", score=7), outcome("b", score=3), outcome("c", status="ungradable", score=0)],
                   12.3, {"ch09": "broken"})
    assert "graded 2, ungradable 1 (3 submissions) in 12.3 s" in text
    assert "demo" in text and "5.00 / 7" in text and "GRADER ERROR in ch09: broken" in text


def test_csv_cells_are_never_formulas_and_always_utf8():
    """Does a cell a spreadsheet would read as a formula (= + - @ or a tab first) get a leading
    quote, and do lone surrogates and NULs become escapes?"""
    rows = [outcome("=1+2"), outcome("+cmd", detail="-2+3"), outcome("@sum", detail="\tx"),
            outcome("j\udcf6rg", detail="nul\x00here")]
    text = grades_csv(rows)
    text.encode("utf-8")
    table = list(csv.reader(io.StringIO(text)))[1:]
    assert sorted(r[0] for r in table) == ["'+cmd", "'=1+2", "'@sum", "j\\xf6rg"]
    details = {r[0]: r[5] for r in table}
    assert details["'+cmd"] == "'-2+3" and details["j\\xf6rg"] == "nul\\x00here"
    assert not [c for r in table for c in r if c[:1] in ("=", "+", "-", "@", "\t")]


def test_one_students_unwritable_feedback_costs_only_that_page(tmp_path):
    """When one student's feedback cannot be written (a file sits where its folder must go), are
    grades.csv and every other page still written, and that student named?"""
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "bob").write_text("in the way")
    rows = [outcome("ann"), outcome("bob"), outcome("cy" * 200), outcome("dan\udcff")]
    failed = write_outputs(tmp_path, rows)
    assert failed == ["bob/demo (NotADirectoryError)"]
    assert (tmp_path / "grades.csv").exists() and (tmp_path / "feedback" / "ann" / "demo" / "demo.html").exists()
    pages = sorted(p.parent.parent.name for p in (tmp_path / "feedback").rglob("*.html"))
    assert len(pages) == 3 and "dan\\xff" in pages and any(len(p) <= 120 and p.startswith("cycy") for p in pages)
