"""The trusted plan: seeds from the secret, cases as JSON, expected values from the reference."""
import json
import stat

import numpy as np
import pytest

from autograder.checks.base import decode
from autograder.grader.notebook import PlanError, source_tests
from autograder.grader.plan import SecretError, build_plan, derive_seed, load_secret, roundtrip



def test_refuses_a_short_empty_or_unreadable_secret(tmp_path):
    """Is a secret of 0 or 31 bytes, or one that is not hexadecimal, refused with a message that
    says what to do, rather than used?"""
    for text in ("", "ab\n", "ab" * 31, "not hex at all"):
        (tmp_path / ".grader-secret").write_text(text)
        with pytest.raises(SecretError, match="restore it from a backup"):
            load_secret(tmp_path)


def test_racing_first_runs_agree_on_one_secret(tmp_path):
    """Do 16 processes creating the secret of one fresh OUT at once all get the same 32 bytes,
    with no error and no temporary file left?"""
    import multiprocessing
    with multiprocessing.get_context("fork").Pool(16) as pool:
        got = pool.map(load_secret, [tmp_path] * 64)
    assert len(set(got)) == 1 and len(got[0]) == 32
    assert [p.name for p in tmp_path.iterdir()] == [".grader-secret"]


def test_a_failed_creation_leaves_no_secret(tmp_path, monkeypatch):
    """If writing the new secret fails (a full disk), is there no secret file afterwards, so that
    the next run does not use a short one?"""
    import autograder.grader.plan as plan_module

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(plan_module.os, "fsync", full)
    with pytest.raises(SecretError, match="No space left"):
        load_secret(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cases_depend_on_the_submission_code(demo):
    """With secret seeds, does the same code always meet the same cases, other code other cases,
    and with notebook seeds does the code change nothing?"""
    plan = build_plan(demo, b"s" * 32)
    first, again = plan.for_submission(["x = 1"]), plan.for_submission(["x = 1"])
    other = plan.for_submission(["x = 2"])
    def inputs(p):
        return [c.inputs["x"] for t in p.tests[:1] for c in t.cases]

    def same(a, b):
        return all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))
    assert same(inputs(first), inputs(again)) and not same(inputs(first), inputs(other))
    assert [t.seed for t in first.tests] != [t.seed for t in plan.tests]
    nb = build_plan(demo, b"s" * 32, "notebook")
    assert nb.for_submission(["x = 2"]) is nb


def test_secret_is_created_once_private_and_reused(tmp_path):
    """Is the secret made on first use, readable by its owner only, and the same next time?"""
    first = load_secret(tmp_path)
    assert len(first) == 32
    assert stat.S_IMODE((tmp_path / ".grader-secret").stat().st_mode) == 0o600
    assert load_secret(tmp_path) == first


def test_seeds_depend_on_secret_chapter_cell_and_declared_seed():
    """Does every ingredient change the seed, and does nothing else?"""
    a, b = b"a" * 32, b"b" * 32
    base = derive_seed(a, "ch01", "test_x", 0)
    assert base == derive_seed(a, "ch01", "test_x", 0)
    assert len({base, derive_seed(b, "ch01", "test_x", 0), derive_seed(a, "ch02", "test_x", 0),
                derive_seed(a, "ch01", "test_y", 0), derive_seed(a, "ch01", "test_x", 1),
                derive_seed(a, "ch01", "test_x", 0, "code digest")}) == 6


def test_seeds_spread_over_what_numpy_accepts():
    """Do 500 derived seeds differ from one another, all seed numpy's legacy generator (which
    refuses seeds of 2**32 and above), and use the upper half of their range too?"""
    seeds = [derive_seed(b"k" * 32, "ch01", f"test_{i}", 0) for i in range(500)]
    assert len(set(seeds)) == 500
    for seed in seeds:
        np.random.RandomState(seed)
    assert max(seeds) > 2 ** 30


def test_plan_of_the_demo(demo):
    """Does the plan hold each grade cell's points, objects, a derived seed and JSON-able cases
    whose expected values come from the reference module?"""
    plan = build_plan(demo, b"s" * 32)
    assert plan.max_score == 7
    assert [t.grade_id for t in plan.tests][0] == "test_square"
    square = plan.tests[0]
    assert square.objects == ("square",) and square.check == "check_square"
    assert square.seed == derive_seed(b"s" * 32, "demo", "test_square", 0)
    assert len(square.cases) == 3
    for case in square.cases:
        assert json.loads(json.dumps(case.data)) == case.data           # plain JSON data
        np.testing.assert_array_equal(decode(case.data)["x"], case.inputs["x"])
        np.testing.assert_allclose(case.expected["out"], case.inputs["x"] ** 2)
    hidden = plan.tests[3]
    assert hidden.hidden and [c.inputs["x"].shape for c in hidden.cases] == [(1,), (2, 1)]
    other = build_plan(demo, b"t" * 32)
    assert not np.allclose(other.tests[0].cases[0].inputs["x"], square.cases[0].inputs["x"])


def test_plan_refuses_a_check_the_module_lacks(tmp_path, demo):
    """Is a grade cell calling an unknown check a PlanError naming it?"""
    nb = json.loads(demo.source.read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "test_step":
            cell["source"] = "check_nothing(step)"
    path = tmp_path / "demo.ipynb"
    path.write_text(json.dumps(nb))
    with pytest.raises(PlanError, match="check_nothing"):
        build_plan(demo.__class__(**{**vars(demo), "source": path}), b"s" * 32)


def test_roundtrip_keeps_tuples_and_arrays():
    """Do inputs look the same on both sides of the sandbox (tuples, dtypes, nan)?"""
    value = {"t": (1, 2.5), "a": np.arange(3), "f": np.array([0.5, np.nan]), "b": np.array([True])}
    back, data = roundtrip(value)
    assert back["t"] == (1, 2.5) and back["a"].dtype.kind == "i" and back["b"].dtype == bool
    assert np.isnan(back["f"][1])
    again = decode(json.loads(json.dumps(data)))          # the sandbox's side of the trip
    np.testing.assert_equal(again, back)
    assert {k: type(v) for k, v in again.items()} == {k: type(v) for k, v in back.items()}


def test_notebook_seeds_are_the_grade_cells_own(demo):
    """With seeds="notebook", is every seed the one the grade cell declares (or the check's
    default), whatever the secret, so the cases are those the notebook itself draws?"""
    a, b = build_plan(demo, b"s" * 32, "notebook"), build_plan(demo, b"t" * 32, "notebook")
    assert [t.seed for t in a.tests] == [t.seed for t in b.tests]
    declared = {t.grade_id: t.call.params.get("seed", 0) for t in source_tests(demo.source)}
    assert {t.grade_id: t.seed for t in a.tests} == declared
    np.testing.assert_array_equal(a.tests[0].cases[0].inputs["x"], b.tests[0].cases[0].inputs["x"])
    with pytest.raises(ValueError, match="seeds must be one of"):
        build_plan(demo, b"s" * 32, "random")
