"""The classroom loop on a real JupyterHub, in a real browser: does a chapter travel from the
instructor to three students and back, get graded, and return to each student as feedback, with
the Formgrader showing the scores grades.csv holds, and its own Autograde button grading in the
sandbox as the instructor?

The hub (classroom/jupyterhub_config.py, configurable-http-proxy, PAM logins, JupyterLab with
nbgrader) runs on 127.0.0.1; the instructor and the students are Linux users created for the test
and removed after it, with every process they ran. Screenshots: artifacts/screenshots/classroom_*.png.
"""
from __future__ import annotations

import csv
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograder.grader import outcomes
from classroom_deployment import ROOT, Class, Hub, enterable, requirements

SLUG = "ch01_circuits"
SHOTS = ROOT / "artifacts" / "screenshots"
SOLUTION = ROOT / "solutions" / SLUG / f"{SLUG}.ipynb"
RELEASE = ROOT / "exercises" / SLUG / f"{SLUG}.ipynb"
# The mistake one student makes: the multiply gate's backward pass forgets to swap its inputs
# for the first wire (d(u0*u1)/du0 is u1, not u0).
RIGHT = "self.u0.grad += self.u1.value * dout"
WRONG = "self.u0.grad += self.u0.value * dout"


def _ports(n=3):
    """A base port with n consecutive free ports on 127.0.0.1 (the hub uses PORT..PORT+2)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + n > 65535:
            continue
        try:
            socks = []
            for p in range(base, base + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free ports")


def _needs():
    missing = requirements()
    if missing:
        message = "cannot run the class: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " -- required in CI", pytrace=False)
        pytest.skip(message)


def _solution_cells():
    """{grade_id: source} of the instructor's solution cells, markers removed."""
    nb = json.loads(SOLUTION.read_text())
    cells = {}
    for c in nb["cells"]:
        meta = c["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            text = "".join(c["source"])
            cells[meta["grade_id"]] = "\n".join(
                line for line in text.splitlines() if "### BEGIN SOLUTION" not in line
                and "### END SOLUTION" not in line)
    return cells


# ----------------------------------------------------------------------------- browser steps
def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"classroom_{name}.png"))


def login(browser, hub, user, password):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf".*/user/{user}/lab.*"), timeout=180_000)
    page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
    page.get_by_role("menuitem", name="Nbgrader", exact=True).wait_for(timeout=120_000)
    return context, page


def open_assignments(page):
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name="Assignment List", exact=True).click()
    page.wait_for_selector("#released_assignments_list", timeout=60_000)


def assignment_row(page, where):
    return page.locator(f"#{where}_assignments_list .list_item:not(.nested_list_item)", has_text=SLUG)


def edit_notebook(page, user, edits):
    """Open the fetched notebook in JupyterLab, replace the text of the cells in ``edits``
    ({cell index: source}) through the editor, and save."""
    page.goto(page.url.split("/lab")[0] + f"/lab/tree/{SLUG}/{SLUG}.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    cells = page.locator(".jp-Notebook .jp-Cell")
    for index, source in sorted(edits.items()):
        editor = cells.nth(index).locator(".cm-content")
        editor.scroll_into_view_if_needed()
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(source)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+S")
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=60_000)


# ----------------------------------------------------------------------------- the test
@pytest.fixture
def base():
    path = Path(tempfile.mkdtemp(prefix="classroom-e2e-"))
    try:
        yield path
    finally:
        if (path / "hub.log").exists():          # the hub's and the users' servers' log
            SHOTS.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path / "hub.log", SHOTS.parent / "classroom_hub.log")
        shutil.rmtree(path, ignore_errors=True)


@pytest.mark.timeout(1800)
def test_release_fetch_submit_collect_grade_feedback(base, chromium):
    """Release, fetch, edit, submit, collect, grade, look in the Formgrader, release feedback and
    read it as each student: do the scores the Formgrader shows equal grades.csv, with the full
    solution at full marks, the known mistake losing points on the multiply gate, and the
    untouched notebook at zero?"""
    _needs()
    release = json.loads(RELEASE.read_text())
    index = {c["metadata"].get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(release["cells"])}
    solution = _solution_cells()
    assert RIGHT in solution["multiply_gate"]
    mistaken = dict(solution, multiply_gate=solution["multiply_gate"].replace(RIGHT, WRONG))

    with enterable(os.path.realpath(sys.executable), ROOT), Class(base) as cls:
        full, wrong, untouched = cls.students
        edits = {full: {index[g]: s for g, s in solution.items()},
                 wrong: {index[g]: s for g, s in mistaken.items()},
                 untouched: {}}
        # The instructor's side: the chapter's source notebook, the released version, the exchange.
        source = cls.course / "source" / SLUG
        cls.as_instructor("mkdir", "-p", str(source), cwd=cls.homes / cls.instructor)
        cls.as_instructor("cp", str(SOLUTION), str(source / f"{SLUG}.ipynb"))
        cls.as_instructor("nbgrader", "generate_assignment", SLUG)
        cls.as_instructor("nbgrader", "release_assignment", SLUG)
        peek = subprocess.run(["cat", str(source / f"{SLUG}.ipynb")], user=cls.students[0],
                              capture_output=True, env={"PATH": "/usr/bin:/bin"})
        assert peek.returncode != 0, "a student can read the instructor's source notebook"
        # Students see every cell (no virtual scrolling), so that cells can be found by position.
        for user in cls.students:
            settings = cls.homes / user / ".jupyter/lab/user-settings/@jupyterlab/notebook-extension"
            settings.mkdir(parents=True)
            (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
            shutil.chown(cls.homes / user / ".jupyter", user, user)
            for d, _, files in os.walk(cls.homes / user / ".jupyter"):
                shutil.chown(d, user, user)
                for f in files:
                    shutil.chown(os.path.join(d, f), user, user)

        with Hub(cls, _ports(), base / "hub.log") as hub:
            # Each student: log in, fetch, edit, submit.
            for n, user in enumerate(cls.students):
                context, page = login(chromium, hub, user, cls.passwords[user])
                try:
                    open_assignments(page)
                    row = assignment_row(page, "released")
                    row.wait_for(timeout=60_000)
                    if n == 0:
                        shot(page, "01_released")
                    row.get_by_role("button", name="Fetch").click()
                    fetched = assignment_row(page, "fetched")
                    fetched.wait_for(timeout=60_000)
                    if n == 0:
                        shot(page, "02_fetched")
                    if edits[user]:
                        edit_notebook(page, user, edits[user])
                        shot(page, f"03_edited_{['full', 'mistake', 'untouched'][n]}")
                        open_assignments(page)
                        fetched = assignment_row(page, "fetched")
                    fetched.get_by_role("button", name="Submit").click()
                    assignment_row(page, "submitted").wait_for(timeout=60_000)
                    shot(page, f"04_submitted_{['full', 'mistake', 'untouched'][n]}")
                finally:
                    context.close()

            # The instructor collects, and grades the mistaken notebook with the Formgrader's own
            # Autograde button: it runs as the instructor (not root), in the grader's sandbox.
            cls.as_instructor("nbgrader", "collect", SLUG)
            for user in cls.students:
                assert (cls.course / "submitted" / user / SLUG / f"{SLUG}.ipynb").is_file()
            context, page = login(chromium, hub, cls.instructor, cls.passwords[cls.instructor])
            try:
                frame, base_url = open_formgrader(page)
                frame.goto(f"{base_url}/formgrader/manage_submissions/{SLUG}")
                row = frame.locator("#main-table tr").filter(has=frame.locator("td.student-id", has_text=wrong))
                row.locator("td.autograde a").click()
                frame.wait_for_selector("#success-modal.in, #error-modal.in", timeout=120_000)   # shown
                page.wait_for_timeout(500)          # (the modal's fade-in)
                shot(page, "05_formgrader_autograde")
                assert frame.locator("#success-modal").count() == 1, frame.locator("#error-modal").inner_text()
            finally:
                context.close()
            clicked = {o.student: o for o in outcomes.load_all(cls.course / "autograder")}
            assert set(clicked) == {wrong} and clicked[wrong].status == "graded"
            instructor_uid = pwd.getpwnam(cls.instructor).pw_uid
            assert all(p.stat().st_uid == instructor_uid for p in (cls.course / "autograder").rglob("*"))

            # Then the whole class, as root.
            cls.as_instructor(sys.executable, "-m", "autograder", "grade", "--course", str(cls.course),
                              "--no-progress", sudo=True)
            rows = {r["student_id"]: r for r in csv.DictReader(
                open(cls.course / "autograder" / "grades.csv", encoding="utf-8"))}
            assert set(rows) == set(cls.students)
            assert all(r["status"] == "graded" for r in rows.values()), rows
            top = float(rows[full]["max_score"])
            assert float(rows[full]["score"]) == top > 0
            assert 0 < float(rows[wrong]["score"]) < top
            assert float(rows[untouched]["score"]) == 0
            earned = _grade_cell_points(cls.course / "autograded" / wrong / SLUG / f"{SLUG}.ipynb")
            assert earned["test_multiply_gate"][0] < earned["test_multiply_gate"][1]
            assert earned["test_add_gate"][0] == earned["test_add_gate"][1]

            assert float(rows[wrong]["score"]) == clicked[wrong].score     # the button's score stands
            # The Formgrader, in the instructor's JupyterLab: the three scores, the notebook.
            context, page = login(chromium, hub, cls.instructor, cls.passwords[cls.instructor])
            try:
                frame, base_url = open_formgrader(page)
                frame.goto(f"{base_url}/formgrader/manage_submissions/{SLUG}")
                frame.wait_for_function("() => document.querySelectorAll('#main-table td.score').length === 3"
                                        " && [...document.querySelectorAll('#main-table td.score')]"
                                        ".every(td => td.textContent.includes('/'))", timeout=60_000)
                shown = {}
                for tr in frame.locator("#main-table tr").all():
                    sid = tr.locator("td.student-id").inner_text().strip()
                    got, most = tr.locator("td.score").inner_text().split("/")
                    shown[sid] = (float(got), float(most))
                    assert "graded" in tr.locator("td.status").inner_text()
                shot(page, "05_formgrader_scores")
                assert shown == {u: (round(float(r["score"]), 2), round(float(r["max_score"]), 2))
                                 for u, r in rows.items()}

                # The mistaken notebook as the Formgrader shows it; the instructor adds a comment.
                frame.goto(f"{base_url}/formgrader/manage_students/{wrong}/{SLUG}")
                frame.locator("#main-table a", has_text=SLUG).first.click()
                frame.wait_for_selector("#test_multiply_gate", timeout=60_000)
                text = frame.locator("body").inner_text()
                assert "FAIL" in text and "MultiplyGate" in text
                comment = "Check which input each wire's gradient multiplies."
                # (the page fills in saved comments once loaded: the placeholder says it is)
                frame.wait_for_function("() => document.querySelector('#multiply_gate-comment')"
                                        ".getAttribute('placeholder')", timeout=30_000)
                frame.fill("#multiply_gate-comment", comment)
                frame.press("#multiply_gate-comment", "Tab")
                for _ in range(60):             # saved in the course's gradebook?
                    if _comment(cls.course, wrong, "multiply_gate") == comment:
                        break
                    page.wait_for_timeout(500)
                assert _comment(cls.course, wrong, "multiply_gate") == comment
                frame.locator("#multiply_gate-comment").scroll_into_view_if_needed()
                shot(page, "06_formgrader_notebook")
            finally:
                context.close()

            # nbgrader's own tools on the course: export totals, feedback release.
            cls.as_instructor("nbgrader", "export")
            exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(
                open(cls.course / "grades.csv", encoding="utf-8"))}
            assert exported == {u: float(r["score"]) for u, r in rows.items()}
            cls.as_instructor("nbgrader", "release_feedback", SLUG)
            for n, user in enumerate(cls.students):
                context, page = login(chromium, hub, user, cls.passwords[user])
                try:
                    text = read_feedback(page)
                    shot(page, f"07_feedback_{['full', 'mistake', 'untouched'][n]}")
                finally:
                    context.close()
                r = rows[user]
                assert f"Score: {r['score']} / {r['max_score']}" in text, text[:500]
            # Comments made in the Formgrader reach nbgrader's feedback pages.
            cls.as_instructor("nbgrader", "generate_feedback", "--force", SLUG)
            page_text = (cls.course / "feedback" / wrong / SLUG / f"{SLUG}.html").read_text()
            assert comment in page_text


def _grade_cell_points(path):
    """{grade_id: (points earned as the cell's output says, points)} of an autograded notebook."""
    nb = json.loads(Path(path).read_text())
    found = {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and cell["cell_type"] == "code":
            found[meta["grade_id"]] = (float(cell["outputs"][0]["data"]["text/plain"]), float(meta["points"]))
    return found


def _comment(course, student, cell):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_comment(cell, SLUG, SLUG, student).comment


def open_formgrader(page):
    """The Formgrader opened from the instructor's JupyterLab menu: (its frame, the server's base URL)."""
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name="Formgrader", exact=True).click()
    page.wait_for_selector("#formgrader-iframe", timeout=60_000)
    frame = _formgrader_frame(page)
    return frame, frame.url.split("/formgrader")[0]


def _formgrader_frame(page):
    for _ in range(120):
        for frame in page.frames:
            if "/formgrader" in frame.url:
                return frame
        page.wait_for_timeout(500)
    shot(page, "debug_formgrader")
    raise AssertionError(f"the Formgrader did not open: {[f.url for f in page.frames]}")


def read_feedback(page):
    """Fetch the released feedback in the Assignments tab and open it; return its text."""
    open_assignments(page)
    submitted = assignment_row(page, "submitted")
    submitted.wait_for(timeout=60_000)
    submitted.get_by_role("button", name="Fetch Feedback").click()
    link = page.get_by_text("(view feedback)")
    link.wait_for(timeout=60_000)
    link.click()
    item = page.locator(".jp-DirListing-item", has_text=f"{SLUG}.html")
    item.wait_for(timeout=60_000)
    item.dblclick()
    frame = page.frame_locator(".jp-HTMLViewer iframe")
    frame.locator("h1", has_text=SLUG).wait_for(timeout=60_000)     # the page has loaded
    return frame.locator("body").inner_text()
