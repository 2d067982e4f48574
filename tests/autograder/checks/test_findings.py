"""Tests of the judging helpers in autograder/checks/findings.py."""
import types

import numpy as np
import pytest

from autograder.checks.base import Finding, LiveOracle
from autograder.checks.families import BackwardCheck
from autograder.checks.findings import explain_error, grad_findings


def raised(action):
    """The Finding call_student makes of student code that raised ``action()``'s error."""
    try:
        action()
    except ValueError as err:
        return Finding("f", False, f"f raised ValueError: {err}", "error")
    raise AssertionError("no error")


A, B = np.ones((4, 3)), np.ones((5, 2))


@pytest.mark.parametrize("action, shapes", [
    (lambda: A + np.ones(4), ["(4, 3)", "(4,)"]),
    (lambda: A @ B, ["3 columns", "5 rows"]),
    (lambda: np.dot(A, B), ["(4, 3)", "(5, 2)"]),
    (lambda: np.ones(3).__iadd__(A), ["(4, 3)", "(3,)"]),
    (lambda: A.__setitem__(slice(None), np.ones((4, 2))), ["(4, 2)", "(4, 3)"]),
])
def test_numpy_shape_errors_name_the_shapes(action, shapes):
    """Does each kind of numpy shape error become a message naming the shapes involved and what to
    check, instead of numpy's raw text?"""
    f = explain_error(raised(action))
    assert f.message.startswith("f raised a shape error: ") and "docstring" in f.message
    assert all(s in f.message for s in shapes), f.message
    assert "operands" not in f.message and "gufunc" not in f.message and f.diagnosis == "error"


def test_other_errors_are_left_as_raised():
    """Is a ValueError that is not about shapes (and any other error) left as the student's own?"""
    f = raised(lambda: int("x"))
    assert explain_error(f).message == f.message
    g = Finding("f", False, "f raised KeyError: 'a'", "error")
    assert explain_error(g).message == "f raised KeyError: 'a'"


REF = types.SimpleNamespace(mul_forward=lambda x, w: (x @ w, (x, w)))
mul = BackwardCheck("mul_backward", wrt=("x", "w"), cache=lambda i: (i["x"], i["w"]),
                    draw=lambda rng, s: ("s", {"x": rng.normal(size=s[:2]), "w": rng.normal(size=s[1:]),
                                               "dout": rng.normal(size=(s[0], s[2]))}),
                    shapes=((4, 3, 2),), hints={"shape": "GENERIC", "dw shape": "ABOUT DW"})


def test_a_shape_error_in_a_check_is_explained():
    """When student code hits a broadcasting error, does the report name the shapes (the case
    still earning nothing, diagnosed 'error')?"""
    report = mul.evaluate(lambda dout, cache: (dout @ cache[1], cache[0] @ dout), oracle=LiveOracle(REF))
    assert report.earned == 0 and report.diagnoses == {"error"}
    assert "matrix product" in report.text() and "gufunc" not in report.text()


def test_shape_hints_name_the_gradient_that_is_wrong():
    """Does a wrong dx shape get the general hint and never the one about dw, and a wrong dw shape
    the one about dw?"""
    def bad_dx(dout, cache):
        x, w = cache
        return (dout @ w.T).sum(axis=0), x.T @ dout
    text = mul.evaluate(bad_dx, oracle=LiveOracle(REF)).text()
    assert "GENERIC" in text and "ABOUT DW" not in text

    def bad_dw(dout, cache):
        x, w = cache
        return dout @ w.T, (x.T @ dout).sum(axis=1)
    text = mul.evaluate(bad_dw, oracle=LiveOracle(REF)).text()
    assert "ABOUT DW" in text and "GENERIC" not in text


def test_grad_findings_want_arrays_of_floats():
    """Is a gradient returned as a list, or as integers, a failing finding even when its values are right?"""
    want = {"dx": np.array([1.0, 2.0])}
    assert grad_findings({"dx": np.array([1.0, 2.0])}, want, ["dx"])[0].passed
    assert grad_findings({"dx": [1.0, 2.0]}, want, ["dx"])[0].diagnosis == "shape"
    assert grad_findings({"dx": np.array([1, 2])}, want, ["dx"])[0].diagnosis == "dtype"


def test_one_number_is_judged_one_way():
    """Is one wrong number named 'sign' when negated, 'scale' for a whole factor beyond 2/3..3/2,
    'value' otherwise, 'shape' when it is not one number, and passed within tol?"""
    from autograder.checks.findings import scalar_finding
    assert scalar_finding("cost", -1.25, 1.25).diagnosis == "sign"
    assert scalar_finding("cost", 5 * 1.25, 1.25).diagnosis == "scale"
    assert scalar_finding("cost", 1.7, 1.25).diagnosis == "value"
    assert scalar_finding("cost", np.array([1.25]), 1.25).diagnosis == "shape"
    assert scalar_finding("cost", 1.25 * (1 + 1e-10), 1.25).passed
    assert not scalar_finding("cost", float("nan"), 1.25).passed


def test_remapped_shapes_name_the_original_shapes():
    """Does numpy's 'remapped shapes' form of the broadcasting error name the shapes the student wrote?"""
    f = explain_error(Finding("f", False, "f raised ValueError: operands could not be broadcast together with "
                              "remapped shapes [original->remapped]: (4,3)->(4,newaxis,3) (5,)->(5,newaxis) ", "error"))
    assert "shapes (4, 3) and (5,) " in f.message and "newaxis" not in f.message
