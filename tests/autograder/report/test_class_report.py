"""The class report of a real graded class (conftest.py): the mistake map, similarity, the page.

Every expectation is recomputed without the report: diagnoses by running each catalogue mutant
in-process through its check on the grade cells' own arguments (reference oracle), points from
the reports the grader stored.
"""
from __future__ import annotations

import csv
import functools
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict

import pytest
from report_helpers import HOSTILE_ID, ROOT, SLUG

from autograder.checks.base import LiveOracle, checks_of, load
from autograder.grader.notebook import source_tests
from autograder.report import compare, data, mistakes
from solutions.mutants import catalogue

SHOTS = ROOT / "artifacts" / "screenshots"
CORRECT = ("ORIGINAL", "COPY", "FIRST", "SECOND", HOSTILE_ID)


@functools.lru_cache(maxsize=None)
def _checks():
    return checks_of(load(SLUG))


def expected_cells(mutants):
    """{(function, diagnosis): students}: each mutant student's diagnoses from its check run
    in-process on every grade cell of its function; the release's stubs: not implemented."""
    checks, tests = _checks(), source_tests(ROOT / "solutions" / SLUG / f"{SLUG}.ipynb")
    ref = importlib.import_module(f"solutions.{SLUG}")
    oracle = LiveOracle(ref)
    cells = defaultdict(set)
    for student, (name, target) in mutants.items():
        m = next(m for m in catalogue(SLUG) if m.name == name and tuple(checks[m.check].functions) == (target,))
        for t in tests:
            if t.call.check == m.check:
                report = checks[m.check].evaluate(*m.objects(checks[m.check], ref), oracle=oracle,
                                                  **t.call.params)
                for d in report.diagnoses:
                    cells[(target, d)].add(student)
    for t in tests:
        cells[(", ".join(checks[t.call.check].functions), "not_implemented")].add("RELEASE")
    return cells


@pytest.fixture(scope="module")
def report(graded_class):
    """OUT/report/index.html of the class, written again by `python -m autograder report OUT`."""
    shutil.rmtree(graded_class.out / "report")
    proc = subprocess.run([sys.executable, "-m", "autograder", "report", str(graded_class.out)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    path = graded_class.out / "report" / "index.html"
    assert proc.stdout.strip() == str(path)
    return path


def test_grade_writes_the_report_and_report_needs_records(graded_class, tmp_path):
    """Did `grade` write the report by itself, and does `report` on a folder without records
    exit 2 with a reason (writing nothing)?"""
    assert graded_class.reported, graded_class.stderr[-2000:]
    proc = subprocess.run([sys.executable, "-m", "autograder", "report", str(tmp_path)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2 and "no outcome records" in proc.stderr
    assert not (tmp_path / "report").exists()


@pytest.fixture(scope="module")
def chapter(graded_class):
    (a,) = data.assignments(graded_class.outcomes)
    return a


def test_every_mutant_is_graded_and_every_correct_answer_earns_full_marks(graded_class):
    """Was each student graded, the hand-written correct solutions at full marks, each mutant below?"""
    by = {o.student: o for o in graded_class.outcomes}
    assert set(by) == set(graded_class.mutants) | set(CORRECT) | {"RELEASE"}
    assert all(o.status == "graded" for o in by.values()), [o.detail for o in by.values() if o.status != "graded"]
    for s in CORRECT:
        assert by[s].score == by[s].max_score, (s, by[s].detail)
    for s in graded_class.mutants:
        assert by[s].score < by[s].max_score, (s, graded_class.mutants[s])


def test_the_map_has_every_mutant_in_the_right_cell_with_the_right_count(graded_class, chapter):
    """Does the map hold exactly the students whose mutant shows each diagnosis, and does every
    mutant whose catalogue entry names a diagnosis sit in that cell?"""
    expected = expected_cells(graded_class.mutants)
    got = {(c.function, c.diagnosis): set(c.students) for c in chapter.cells}
    assert got == dict(expected)
    assert all(c.count == len(expected[(c.function, c.diagnosis)]) for c in chapter.cells)
    checks = _checks()
    for student, (name, target) in graded_class.mutants.items():
        for m in catalogue(SLUG):
            if m.name == name and tuple(checks[m.check].functions) == (target,) and m.diagnosis:
                assert student in got[(target, m.diagnosis)], (student, name)


def test_points_lost_add_up_to_what_each_report_lost(graded_class, chapter):
    """Do the costs of a report's failed findings add up to its points minus what it earned, and
    the map's cells to all points the class lost?"""
    for o in graded_class.outcomes:
        for t in mistakes.tests_of(o):
            cost = sum(c for _, c in mistakes.finding_costs(t))
            assert cost == pytest.approx(t["points"] - t["earned"], abs=1e-3)
    lost = sum(o.max_score - o.score for o in graded_class.outcomes)
    assert sum(c.points for c in chapter.cells) == pytest.approx(lost, abs=1e-2)
    assert [c.points for c in chapter.cells] == sorted((c.points for c in chapter.cells), reverse=True)


def test_mistakes_csv_is_the_map(graded_class, report):
    """Does OUT/report/mistakes.csv hold one row per cell, with its count and students?"""
    rows = list(csv.DictReader(open(report.parent / "mistakes.csv", newline="", encoding="utf-8")))
    expected = expected_cells(graded_class.mutants)
    assert {(r["function"], r["diagnosis"]): (int(r["students"]), set(json.loads(r["student_ids"])))
            for r in rows} == {k: (len(v), v) for k, v in expected.items()}
    assert {r["assignment"] for r in rows} == {SLUG}


def test_a_disguised_copy_is_flagged_and_independent_solutions_are_not(graded_class):
    """From the code in the saved records: is ORIGINAL-COPY flagged (renamed, reordered,
    commented), and no pair with FIRST, SECOND or the untouched release, although all of them
    are correct?"""
    (a,) = data.assignments(graded_class.outcomes)
    pairs = compare([a])[SLUG].pairs
    flagged = {frozenset((p.a, p.b)) for p in pairs if p.flagged}
    assert frozenset(("COPY", "ORIGINAL")) in flagged
    for s in ("FIRST", "SECOND", "RELEASE"):
        assert not any(s in pair for pair in flagged), [tuple(p) for p in flagged if s in p]


# --------------------------------------------------------------------------- in a browser
@pytest.fixture(scope="module")
def served(report, serve_folder):
    """OUT over HTTP on 127.0.0.1."""
    return serve_folder(report.parent.parent)


def _open(chromium, base, path, width):
    """(page, context, requests, problems): every request is recorded, any not to ``base`` refused;
    console errors and page errors are problems."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    requests, problems = [], []

    def route(r):
        requests.append(r.request.url)
        r.continue_() if r.request.url.startswith(base) else r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.goto(base + path, wait_until="load")
    return page, context, requests, problems


IMAGES = """() => [...document.images].map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0,
                                               w: i.getBoundingClientRect().width, natural: i.naturalWidth}))"""
MAP = """() => {
    const t = document.querySelector('table.map');
    const head = [...t.rows[0].cells].map(c => c.textContent.trim());
    const out = [];
    for (const row of [...t.rows].slice(1)) {
        const fn = row.cells[0].textContent.trim();
        [...row.cells].slice(1).forEach((c, j) => {
            const a = c.querySelector('a');
            if (!a) return;
            const li = document.getElementById(a.getAttribute('href').slice(1));
            out.push({fn, diag: head[j + 1], n: +a.textContent,
                      students: [...li.querySelectorAll('.who')].map(e => e.textContent)});
        });
    }
    return out;
}"""


@pytest.mark.parametrize("width,name", [(1280, "report.png"), (390, "report-phone.png")])
def test_the_page_opens_offline_without_errors(chromium, served, graded_class, width, name):
    """Does index.html load in headless Chromium, at a desktop's and a phone's width, with no
    console error, no request leaving 127.0.0.1, every figure shown within the width, the map's
    links leading to the right students, and the HTML student id shown as text?"""
    page, context, requests, problems = _open(chromium, served, "report/index.html", width)
    try:
        images = page.evaluate(IMAGES)
        assert images and all(i["ok"] for i in images), images
        # drawn at 13 pt: at 0.7 of their own size or more their text stays about 12 px high
        assert all(i["w"] >= 0.7 * i["natural"] for i in images), images
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        cells = page.evaluate(MAP)
        expected = expected_cells(graded_class.mutants)
        assert {(c["fn"], c["diag"].replace(" ", "_")): (c["n"], set(c["students"])) for c in cells} \
            == {k: (len(v), v) for k, v in expected.items()}
        assert page.get_by_text(HOSTILE_ID, exact=True).count() >= 1
        assert page.locator("img[src='x']").count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)
        pair = page.locator("a", has_text="side by side").first.get_attribute("href")
        page.goto(served + "report/" + pair, wait_until="load")
        assert page.locator("mark").count() >= 2
        page.screenshot(path=str(SHOTS / name.replace("report", "report-pair")), full_page=True)
    finally:
        context.close()
    assert not problems, problems
    assert requests and all(u.startswith(served) for u in requests), [u for u in requests if not u.startswith(served)]
