"""The student's self-check (`python -m autograder check`, autograder/local.py) and the way a grade
cell reports to nbgrader (autograder/checks/base.py: a displayed Report, a returned Score)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.local import check_notebook, render

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CH01 = ROOT / "solutions" / "ch01_circuits" / "ch01_circuits.ipynb"
CH01_RELEASE = ROOT / "exercises" / "ch01_circuits" / "ch01_circuits.ipynb"
CH03 = ROOT / "solutions" / "ch03_backprop" / "ch03_backprop.ipynb"


def edited(path, tmp_path, marker, new_source, name=None):
    """A copy of the notebook at ``path`` whose first cell containing ``marker`` is ``new_source``;
    returns the copy's path (in tmp_path)."""
    nb = json.loads(Path(path).read_text())
    cell = next(c for c in nb["cells"] if marker in "".join(c["source"]))
    cell["source"] = new_source
    dest = tmp_path / (name or Path(path).name)
    dest.write_text(json.dumps(nb))
    return dest


def by_id(checked):
    return {t.grade_id: t for t in checked.tests}


def statuses(test):
    return [c["status"] for c in test.cases]


BROKEN_STEP = {
    "loop": "def gradient_step(units, step_size=0.01):\n    while True:\n        pass\n",
    "deaf loop": ("import signal\n\ndef gradient_step(units, step_size=0.01):\n"
                  "    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
                  "    while True:\n        pass\n"),
    "exit": "import os\n\ndef gradient_step(units, step_size=0.01):\n    os._exit(3)\n",
}


def test_solution_earns_every_point_and_stub_earns_zero_with_hidden_rows_marked():
    """Does the check give the ch01 solution all its points, and the released stub zero on every
    visible test, with each released hidden test shown as '– / 1 (run when graded)' and left out
    of the total?"""
    full = check_notebook(CH01)
    assert full.tests and all(t.earned == t.points and not t.hidden for t in full.tests)
    stub = check_notebook(CH01_RELEASE)
    visible = [t for t in stub.tests if not t.hidden]
    hidden = [t for t in stub.tests if t.hidden]
    assert visible and hidden and all(t.earned == 0 for t in visible)
    text = render(stub, width=100)
    for t in hidden:
        row = next(line for line in text.splitlines() if line.startswith(t.grade_id + " "))
        assert f"\u2013 / {t.points:g}" in row and "(run when graded)" in row and " 0 / " not in row
    assert text.splitlines()[-1] == f"total (tests run here): 0 / {sum(t.points for t in visible):g}"


@pytest.mark.parametrize("kind", sorted(BROKEN_STEP))
def test_a_hanging_or_dying_function_costs_only_its_own_test(tmp_path, kind):
    """When gradient_step loops (with or without SIGALRM blocked) or kills its process, does the
    check still score every other test in full and mark gradient_step's cases as timed out or
    crashed (never as an ordinary wrong answer)?"""
    nb = edited(CH01, tmp_path, "def gradient_step", BROKEN_STEP[kind])
    checked = check_notebook(nb, case_timeout=1, cell_timeout=10)
    tests = by_id(checked)
    for gid, t in tests.items():
        if "gradient_step" not in gid:
            assert t.earned == t.points, (gid, t.cases)
    for gid in ("test_gradient_step", "test_gradient_step_hidden"):
        t = tests[gid]
        assert t.earned == 0 and t.cases
        first = {"loop": "timeout", "deaf loop": "crashed", "exit": "crashed"}[kind]
        assert statuses(t)[0] == first, statuses(t)
        assert set(statuses(t)[1:]) <= {"not run"}
    assert (checked.restarts > 0) == (kind != "loop")
    if kind == "loop":
        assert "did not finish within 1 s" in tests["test_gradient_step"].cases[0]["findings"][0]["message"]


def test_a_looping_topological_sort_gets_a_full_table(tmp_path):
    """With ch03's topological_sort looping forever, does every other ch03 test keep its points
    and the cells that use the sort (its own, and the training loop that sorts its graph) report a
    timeout, not the whole check?"""
    nb = json.loads(CH03.read_text())
    cell = next(c for c in nb["cells"] if "def topological_sort" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace(
        "    ### BEGIN SOLUTION\n", "    ### BEGIN SOLUTION\n    while True:\n        pass\n", 1)
    path = tmp_path / "ch03_backprop.ipynb"
    path.write_text(json.dumps(nb))
    checked = check_notebook(path, case_timeout=1, cell_timeout=2)
    for t in checked.tests:
        if "topological" in t.grade_id or "train_graph" in t.grade_id:
            assert t.earned == 0 and statuses(t)[0] == "timeout", t
        else:
            assert t.earned == t.points, (t.grade_id, t.cases)
    assert any(e[2] == "Timeout" for e in checked.cell_errors)


def test_a_syntax_error_is_reported_with_its_cell_and_line(tmp_path):
    """Is a SyntaxError named with its cell number and line, and does the test of the broken
    function say it is not defined, while the other tests are scored?"""
    nb = edited(CH01, tmp_path, "def gradient_step",
                "def gradient_step(units, step_size=0.01):\n    for u in units\n        u.value += 1\n")
    checked = check_notebook(nb)
    cell_no = next(i for i, c in enumerate(json.loads(nb.read_text())["cells"])
                   if "def gradient_step" in "".join(c["source"])) + 1
    assert [(e[0] + 1, e[2], e[4]) for e in checked.cell_errors] == [(cell_no, "SyntaxError", 2)]
    text = render(checked, width=200)
    error_line = next(line for line in text.splitlines() if line.startswith("error in"))
    assert error_line.startswith(f"error in cell {cell_no}, line 2 (def gradient_step(")
    assert "SyntaxError: expected ':'" in error_line
    tests = by_id(checked)
    assert tests["test_gradient_step"].earned == 0
    assert "not defined" in tests["test_gradient_step"].cases[0]["findings"][0]["message"]
    assert tests["test_neuron"].earned == tests["test_neuron"].points


def test_an_error_in_a_cell_names_its_line_and_later_cells_still_run(tmp_path):
    """Does a cell that raises name the error's type and the line, and does the notebook go on to
    score every test (the failing cell defines nothing graded)?"""
    nb = json.loads(CH01.read_text())
    nb["cells"].insert(2, {"cell_type": "code", "execution_count": None, "id": "scratch", "metadata": {},
                           "outputs": [], "source": "a = 1\nb = a / 0\n"})
    path = tmp_path / "ch01_circuits.ipynb"
    path.write_text(json.dumps(nb))
    checked = check_notebook(path)
    assert [(e[0], e[2], e[4]) for e in checked.cell_errors] == [(2, "ZeroDivisionError", 2)]
    assert all(t.earned == t.points for t in checked.tests)


def test_one_wrapped_line_per_failing_case():
    """In a narrow terminal, does every failing case start one entry ('  - [label]'), wrapped within
    the width with a deeper indent, and no passing case appear?"""
    checked = check_notebook(CH01_RELEASE)
    lines = render(checked, width=60).splitlines()
    failing = sum(1 for t in checked.tests for c in t.cases
                  if not all(f["passed"] for f in c["findings"]))
    assert sum(line.startswith("  - [") for line in lines) == failing > 0
    body = [line for line in lines if line.startswith("  ")]
    assert all(len(line) <= 60 for line in body)
    assert all(line.startswith("  - [") or line.startswith("    ") for line in body)


def test_check_command_prints_the_table_and_takes_the_time_limits(tmp_path):
    """Run as a program, does `check` accept --case-timeout and --timeout, print the table, exit 0,
    and refuse a time limit that is not positive with status 2?"""
    nb = edited(CH01, tmp_path, "def gradient_step", BROKEN_STEP["loop"])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    proc = subprocess.run([sys.executable, "-m", "autograder", "check", str(nb), "--case-timeout", "0.5",
                           "--timeout", "5"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    row = next(line for line in proc.stdout.splitlines() if line.startswith("test_gradient_step "))
    assert "0 / 1" in row and "timeout" in row
    assert "did not finish within 0.5 s" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "autograder", "check", str(nb), "--case-timeout", "0"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 2 and "positive" in bad.stderr


# --------------------------------------------------------------------------- Run All and nbgrader
def _nbgrader(args, course, env):
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-2000:])


def test_run_all_reaches_the_end_while_nbgrader_gives_failed_checks_zero(tmp_path):
    """Does the released notebook run to its end under nbclient with errors not allowed, while a
    real `nbgrader autograde` gives the solution full marks, the untouched release zero on every
    grade cell, and a notebook with one wrong gate zero or partial credit on that gate's cells
    only (its check returned 0 or a fraction as the cell's result instead of raising)?"""
    nb = nbformat.read(CH01_RELEASE, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()   # raises on any error
    grade_cells = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    visible = [c for c in grade_cells if c.source.strip() and not c.source.strip().startswith("#")]
    assert all(any(o.output_type == "execute_result" and o.data["text/plain"] == "0" for o in c.outputs)
               for c in visible)
    assert all(any(o.output_type == "display_data" and "not implemented" in o.data["text/plain"]
                   for o in c.outputs) for c in visible)

    course = tmp_path / "course"
    shutil.copytree(CH01.parent, course / "solutions" / "ch01_circuits",
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    shutil.copy(ROOT / "nbgrader_config.py", course)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBGRADER")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}", HOME=str(tmp_path),
               PYTHONPATH=str(ROOT))
    _nbgrader(["db", "assignment", "add", "ch01_circuits"], course, env)
    _nbgrader(["generate_assignment", "ch01_circuits", "--force"], course, env)
    release = course / "exercises" / "ch01_circuits" / "ch01_circuits.ipynb"
    wrong = json.loads(CH01.read_text())
    cell = next(c for c in wrong["cells"] if "class MultiplyGate" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace("self.u0.grad += self.u1.value * dout",
                                                     "self.u0.grad += self.u1.value * 1.0")
    assert "self.u1.value * 1.0" in cell["source"], "the solution cell changed: update the edit"
    for student, text in {"ann": CH01.read_text(), "bob": release.read_text(), "cat": json.dumps(wrong)}.items():
        folder = course / "submitted" / student / "ch01_circuits"
        folder.mkdir(parents=True)
        (folder / "ch01_circuits.ipynb").write_text(text)
        _nbgrader(["db", "student", "add", student], course, env)
    _nbgrader(["autograde", "ch01_circuits", "--force"], course, env)

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        cells = {s: {g.name: (float(g.score), float(g.max_score))
                     for nb_ in gb.find_submission("ch01_circuits", s).notebooks for g in nb_.grades}
                 for s in ("ann", "bob", "cat")}
    assert cells["ann"] and all(score == top for score, top in cells["ann"].values())
    assert all(score == 0 for score, _ in cells["bob"].values())
    multiply = {g for g in cells["cat"] if "multiply" in g}
    assert multiply and all(cells["cat"][g][0] < cells["cat"][g][1] for g in multiply)
    assert all(score == top for g, (score, top) in cells["cat"].items() if g not in multiply and "neuron" not in g)
