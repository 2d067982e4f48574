"""The exercise notebooks, proven both ways: the solution earns full marks, the release earns zero."""
import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.checks import SLUGS
from autograder.checks.base import LiveOracle, StoredOracle, case_key, checks_of, load
from autograder.grader.notebook import source_tests
from autograder.local import score_notebook

ROOT = Path(__file__).resolve().parents[1]
SLUGS_WITH_NOTEBOOKS = [s for s in SLUGS if (ROOT / "solutions" / s / f"{s}.ipynb").exists()]


def source(slug):
    return ROOT / "solutions" / slug / f"{slug}.ipynb"


def release(slug):
    return ROOT / "exercises" / slug / f"{slug}.ipynb"


def test_every_chapter_has_an_exercise():
    """Does every chapter of the table of contents have a source and a released notebook?"""
    for slug in SLUGS:
        assert source(slug).exists(), f"missing {source(slug)}"
        assert release(slug).exists(), f"missing {release(slug)}"


def _comparable(nb):
    """A notebook without volatile metadata (nbgrader's release is otherwise deterministic)."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"].pop("widgets", None)
    for cell in nb["cells"]:
        cell.pop("execution_count", None)
        cell.pop("outputs", None)
    return nb


def test_release_is_in_sync_with_source(tmp_path):
    """Does regenerating exercises/ from solutions/ with nbgrader change nothing?"""
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions", course / "solutions",
                    ignore=shutil.ignore_patterns("__pycache__", "*.py", "mutants"))
    shutil.copy(ROOT / "nbgrader_config.py", course)
    env_bin = Path(sys.executable).parent
    for slug in SLUGS_WITH_NOTEBOOKS:
        proc = subprocess.run([str(env_bin / "nbgrader"), "generate_assignment", slug, "--force"],
                              cwd=course, capture_output=True, text=True,
                              env={"PATH": f"{env_bin}:/usr/bin:/bin", "HOME": str(tmp_path)})
        assert proc.returncode == 0, proc.stderr[-2000:]
        fresh = nbformat.read(course / "exercises" / slug / f"{slug}.ipynb", as_version=4)
        committed = nbformat.read(release(slug), as_version=4)
        assert _comparable(fresh) == _comparable(committed), (
            f"exercises/{slug} is stale: run `nbgrader generate_assignment {slug} --force`")
        extra = sorted(p.name for p in release(slug).parent.iterdir()) != sorted(
            p.name for p in (course / "exercises" / slug).iterdir())
        assert not extra, f"exercises/{slug} holds files nbgrader would not release"


@pytest.mark.parametrize("slug", SLUGS_WITH_NOTEBOOKS)
def test_notebooks_are_committed_without_outputs(slug):
    """Are the committed notebooks free of outputs and execution counts?"""
    for path in (source(slug), release(slug)):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path}: {cell.id} has outputs"


@pytest.mark.parametrize("slug", SLUGS_WITH_NOTEBOOKS)
def test_source_notebook_earns_full_marks(slug):
    """Executed as the instructor wrote it, does every grade cell of the source earn all its points?"""
    scores = score_notebook(source(slug), timeout=300)
    assert scores, "no grade cells"
    short = [(s.grade_id, s.earned, s.points, s.message[:300]) for s in scores if s.earned != s.points]
    assert not short, short


@pytest.mark.parametrize("slug", SLUGS_WITH_NOTEBOOKS)
def test_released_notebook_earns_zero_and_runs_to_the_end(slug):
    """With hidden tests restored (as in grading), does the untouched release earn exactly zero,
    every cell having run (a NotImplementedError costs only its own tests)?"""
    scores = score_notebook(release(slug), timeout=300, source=source(slug))
    assert scores and all(s.earned == 0 for s in scores), [(s.grade_id, s.earned) for s in scores]
    assert all("not implemented" in s.message.lower() or "NotImplementedError" in s.message
               for s in scores), [(s.grade_id, s.message[:200]) for s in scores]
    text = release(slug).read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


def grade_calls(slug):
    """[(TestCell, check, keyword parameters but seed and points)] of a source notebook's grade
    cells, hidden ones included, parsed as the grader parses them."""
    checks = checks_of(load(slug))
    out = []
    for t in source_tests(source(slug)):
        assert t.call.check in checks, f"{t.grade_id}: {t.call.check} is not a check of {slug}"
        params = {k: v for k, v in t.call.params.items() if k not in ("seed", "points")}
        out.append((t, checks[t.call.check], params))
    return out


@pytest.mark.parametrize("slug", SLUGS_WITH_NOTEBOOKS)
def test_grade_cell_points_match_their_checks(slug):
    """Does each grade cell's nbgrader point value equal what its check awards at full marks?"""
    for t, check, _ in grade_calls(slug):
        assert t.points == float(t.call.params.get("points", check.points)), t.grade_id


@pytest.mark.parametrize("slug", SLUGS_WITH_NOTEBOOKS)
def test_reference_earns_full_marks_on_every_grade_cell_for_any_seed(slug):
    """Does the reference solution earn full marks on every grade cell's call (hidden ones with
    their own sizes and shapes), for the cell's seed and whatever seed the grader picks?"""
    ref = importlib.import_module(f"solutions.{slug}")
    oracle = LiveOracle(ref)
    for t, check, params in grade_calls(slug):
        objs = [getattr(ref, name) for name in check.functions]
        for seed in (t.call.params.get("seed"), 1, 2, 3, 77, 2024, 987654):
            report = check.evaluate(*objs, seed=seed, oracle=oracle, **params)
            assert report.passed and report.earned == report.points, (t.grade_id, seed, report.text())


@pytest.mark.parametrize("slug", SLUGS)
def test_visible_checks_work_without_solutions(slug):
    """With only the stored expected values (a student's machine), does the reference still earn
    full marks and a stub earn zero on every visible check?"""
    ref = importlib.import_module(f"solutions.{slug}")
    stored = StoredOracle(slug)

    def stub(*args, **kwargs):
        raise NotImplementedError()
    for check in checks_of(load(slug)).values():
        objs = [getattr(ref, name) for name in check.functions]
        good = check.evaluate(*objs, oracle=stored)
        assert good.passed and good.earned == good.points, (check.name, good.text())
        bad = check.evaluate(*[stub for _ in objs], oracle=stored)
        assert bad.earned == 0 and bad.diagnoses == {"not_implemented"}, check.name
        shown = check(*[stub for _ in objs], oracle=stored)             # what a grade cell shows
        assert shown == 0 and "not implemented" in shown.report.text()


@pytest.mark.parametrize("slug", SLUGS_WITH_NOTEBOOKS)
def test_hidden_cases_need_the_grader(slug):
    """With only the stored expected values, is every case of a hidden grade cell reported as
    needing the grader (and worth nothing), unless its inputs are exactly those of a stored visible
    case, so that no hidden case is ever judged against a guess?"""
    ref = importlib.import_module(f"solutions.{slug}")
    stored = StoredOracle(slug)
    for t, check, params in grade_calls(slug):
        if t.hidden:
            cases = check.cases(5, **params)
            report = check.evaluate(*[getattr(ref, n) for n in check.functions], oracle=stored,
                                    seed=5, **params)
            assert len(report.results) == len(cases)
            needs_grader = [case_key(check.name, case.inputs) not in stored.table for case in cases]
            assert any(needs_grader), t.grade_id
            for case, result, missing in zip(cases, report.results, needs_grader):
                found = {f.diagnosis for f in result.findings}
                assert found == ({"reference"} if missing else {"ok"}), (t.grade_id, case.label, found)
                assert result.weight == 0 or not missing, (t.grade_id, case.label)


@pytest.mark.parametrize("slug", SLUGS_WITH_NOTEBOOKS)
def test_hidden_cells_draw_cases_the_visible_ones_do_not_show(slug):
    """Does every hidden grade cell test something its visible twin does not (other sizes, shapes,
    special values), not only other random numbers?"""
    for t, check, params in grade_calls(slug):
        if t.hidden:
            visible = {c.label for c in check.cases(check.default_seed)}
            hidden = check.cases(t.call.params.get("seed", check.default_seed), **params)
            assert hidden and any(c.label not in visible for c in hidden), t.grade_id


@pytest.mark.parametrize("slug", SLUGS_WITH_NOTEBOOKS)
def test_every_check_has_a_visible_and_a_hidden_grade_cell(slug):
    """Is every check of the chapter called by a visible grade cell and by a hidden one, and does
    every graded name exist in the reference module?"""
    ref = importlib.import_module(f"solutions.{slug}")
    calls = grade_calls(slug)
    for name, check in checks_of(load(slug)).items():
        assert {t.hidden for t, c, _ in calls if c is check} == {False, True}, name
        assert all(hasattr(ref, f) for f in check.functions), name


def test_stored_expected_values_are_up_to_date():
    """Do autograder/checks/expected/*.json match what the reference modules give now?"""
    from autograder.checks import store
    assert store.main(["--verify"]) == 0
