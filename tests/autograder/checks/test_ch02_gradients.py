"""Tests of autograder/checks/ch02_gradients.py: numerical gradients, relative error, three backwards."""
import numpy as np

from autograder.checks import ch02_gradients as C
from autograder.checks.base import LiveOracle, checks_of
from solutions import ch02_gradients as ref

CHECKS = checks_of(C)
ORACLE = LiveOracle(ref)


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
