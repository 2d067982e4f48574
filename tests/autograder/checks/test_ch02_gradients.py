"""Tests of autograder/checks/ch02_gradients.py: numerical gradients, relative error, three backwards."""
import json
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import ch02_gradients as C
from autograder.checks.base import LiveOracle, StoredOracle, checks_of
from autograder.checks.store import expected_table, render
from solutions import ch02_gradients as ref

ROOT = Path(__file__).resolve().parents[3]
SLUG = "ch02_gradients"
CHECKS = checks_of(C)
ORACLE = LiveOracle(ref)
# the keyword parameters of each check's hidden test in the source notebook
HIDDEN = {"check_numerical_gradient": {"shapes": [(2, 3, 2)], "h": 1e-4},
          "check_numerical_gradient_array": {"shapes": [(1, 5, 3)], "identity": True},
          "check_rel_error": {"kinds": ("zeros", "tiny")},
          "check_reuse_backward": {"shapes": [(1, 5), (2, 3, 2)]},
          "check_tanh_layer_backward": {"shapes": [(1, 4, 2), (3, 3, 3)]},
          "check_row_norm_backward": {"shapes": [(1, 5), (4, 1)]}}


def reference_objects(check):
    return [getattr(ref, name) for name in check.functions]


def stub(*args, **kwargs):
    raise NotImplementedError()


def test_every_graded_function_has_a_check():
    """Is there one check per graded function, each naming a function of the reference module?"""
    assert set(CHECKS) == set(HIDDEN)
    for check in CHECKS.values():
        assert all(callable(getattr(ref, name)) for name in check.functions)


@pytest.mark.parametrize("name", sorted(HIDDEN))
@pytest.mark.parametrize("seed", [None, 3, 2024])
def test_reference_earns_full_marks(name, seed):
    """Does the reference earn every point on visible and hidden cases, whatever the seed?"""
    check = CHECKS[name]
    for params in ({}, HIDDEN[name]):
        report = check.evaluate(*reference_objects(check), seed=seed, oracle=ORACLE, **params)
        assert report.passed and report.earned == report.points, report.text()


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_stub_earns_zero(name):
    """Does an unimplemented function earn nothing, saying it is not implemented?"""
    report = CHECKS[name].evaluate(stub, oracle=ORACLE)
    assert report.earned == 0 and report.diagnoses == {"not_implemented"}


def test_gradcheck_library_also_passes():
    """Do autograder.gradcheck's own numerical gradients pass the checks of the teaching versions?"""
    from autograder import gradcheck
    assert CHECKS["check_numerical_gradient"].evaluate(gradcheck.numerical_gradient, oracle=ORACLE).passed
    assert CHECKS["check_numerical_gradient_array"].evaluate(
        gradcheck.numerical_gradient_array, oracle=ORACLE, identity=True).passed
    assert CHECKS["check_rel_error"].evaluate(gradcheck.rel_error, oracle=ORACLE,
                                              kinds=C.RelErrorCheck.KINDS).passed


def test_forward_difference_is_named_and_loses_points():
    """Is a forward difference told it is one (by its accuracy and by its call count)?"""
    report = CHECKS["check_numerical_gradient"].evaluate(ref.forward_difference, oracle=ORACLE)
    assert 0 < report.earned < report.points
    assert "forward" in report.text() and "called 13 times for 12 entries" in report.text()


def test_expected_gradients_are_exact():
    """Are the trusted gradients of the numerical-gradient checks the exact derivatives
    (so a correct central difference is compared with the truth, not with itself)?"""
    check = CHECKS["check_numerical_gradient_array"]
    case = check.cases(1)[0]
    x, m, dout = case.inputs["x"], case.inputs["M"], case.inputs["dout"]
    exp = check.expected(case.inputs, ref)
    numeric = ref.numerical_gradient_array(lambda z: np.tanh(z) @ m, x.copy(), dout)
    assert ref.rel_error(exp["grad"], numeric) < 1e-8


def test_visible_checks_work_from_stored_values(tmp_path, monkeypatch):
    """With only stored expected values, does the reference earn full marks on visible cases and a
    hidden case count as the grader's job?"""
    monkeypatch.setattr("autograder.checks.base.EXPECTED_DIR", tmp_path)
    (tmp_path / f"{SLUG}.json").write_text(render(expected_table(SLUG)))
    stored = StoredOracle(SLUG)
    for name, check in CHECKS.items():
        good = check.evaluate(*reference_objects(check), oracle=stored)
        assert good.passed and good.earned == good.points, good.text()
        bad = check.evaluate(stub, oracle=stored)
        assert bad.earned == 0
        hidden = check.evaluate(*reference_objects(check), oracle=stored, seed=5, **HIDDEN[name])
        assert {f.diagnosis for r in hidden.results for f in r.findings} == {"reference"}
    assert json.loads((tmp_path / f"{SLUG}.json").read_text())


def test_rel_error_nan_is_feedback():
    """Does a rel_error that returns nan on zeros get a message about the floor, not a crash?"""
    def no_floor(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        with np.errstate(all="ignore"):
            return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
    report = CHECKS["check_rel_error"].evaluate(no_floor, oracle=ORACLE, kinds=("zeros",))
    assert report.earned == 0 and "1e-8" in report.text()


def test_backward_may_return_a_bare_array_for_one_input():
    """Is row_norm_backward accepted whether it returns (dx,) or dx?"""
    def bare(dout, cache):
        return ref.row_norm_backward(dout, cache)[0]
    assert CHECKS["check_row_norm_backward"].evaluate(bare, oracle=ORACLE).passed
