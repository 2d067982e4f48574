"""Tests of the check contract in autograder/checks/base.py, on a small check defined here."""
import json
import types

import numpy as np
import pytest

from autograder.checks import base
from autograder.checks.base import Case, Check, CheckFailed, LiveOracle, decode, encode
from autograder.checks.families import BackwardCheck


class ScaleBackward(Check):
    """Grades backward(dout, x, w) -> (dx, dw) of out = x * w (elementwise)."""
    functions = ("scale_backward",)
    points = 2

    def cases(self, seed, shapes=((3, 4), (2,))):
        rng = np.random.default_rng(seed)
        return [Case(f"shape {s}", {"x": rng.normal(size=s), "w": rng.normal(size=s),
                                    "dout": rng.normal(size=s)}) for s in shapes]

    def call(self, inputs, scale_backward):
        dx, dw = scale_backward(inputs["dout"], inputs["x"], inputs["w"])
        return {"dx": dx, "dw": dw}

    def expected(self, inputs, ref):
        return base.numeric_grads(ref.forward, {"x": inputs["x"], "w": inputs["w"]},
                                  ["x", "w"], inputs["dout"])

    def judge(self, inputs, outputs, expected):
        return base.grad_findings(outputs, expected, ["dx", "dw"])


REF = types.SimpleNamespace(forward=lambda x, w: x * w)
REF_RELU = types.SimpleNamespace(relu_forward=lambda x: (np.maximum(0.0, x), x))
ORACLE = LiveOracle(REF)
check = ScaleBackward()


def right(dout, x, w):
    return dout * w, dout * x


def test_name_and_slug_are_derived():
    """Is a check named check_ + its graded object in snake case (a forward graded with its backward
    without _forward), and does it belong to the module that declares it?"""
    assert check.name == "check_scale_backward" and check.slug == "test_base"
    assert Check("MultiplyGate").name == "check_multiply_gate"
    assert Check("affine_forward").name == "check_affine_forward"
    assert Check("mse_forward", "mse_backward").name == "check_mse"
    assert base.load("ch03_backprop").check_linear_backward.slug == "ch03_backprop"


def test_changed_inputs_are_noticed_nan_aware():
    """Does run record a student that writes into its inputs, and not one whose inputs hold NaN?"""
    inputs = {"x": np.array([1.0, np.nan]), "w": np.ones(2), "dout": np.ones(2)}

    def in_place(dout, x, w):
        w *= 2
        return dout * w, dout * x
    assert check.run(base.copy.deepcopy(inputs), right)["unchanged"] is True
    assert check.run(base.copy.deepcopy(inputs), in_place)["unchanged"] is False
    relu = BackwardCheck("relu_backward", cache=lambda i: i["x"], draw=lambda rng, shape: (
        "x", {"x": rng.normal(size=shape), "dout": rng.normal(size=shape)}))
    report = relu.evaluate(
        lambda dout, x: np.multiply(dout, x > 0, out=dout), oracle=LiveOracle(REF_RELU))
    assert report.earned == 0 and "changed an array it was given" in report.text()


def test_right_answer_earns_full_marks():
    """Does a correct backward earn every point, with a score nbgrader can read?"""
    report = check.evaluate(right, oracle=ORACLE)
    assert report.passed and report.earned == 2.0
    assert repr(check(right, oracle=ORACLE)) == "2"                   # a grade cell's result
    assert report._repr_mimebundle_()["text/plain"] == report.text()   # the displayed table


def test_partial_credit_per_gradient():
    """Is a backward with dx right and dw wrong given half the points, naming dw?"""
    report = check.evaluate(lambda dout, x, w: (dout * w, -dout * x), oracle=ORACLE)
    assert report.earned == 1.0
    assert report.diagnoses == {"sign"}
    assert "dw" in report.text() and "dx" not in report.text().split("\n", 1)[1]


def test_dropped_upstream_named():
    """Is a backward that ignores dout diagnosed as a dropped upstream gradient?"""
    report = check.evaluate(lambda dout, x, w: (w.copy(), x.copy()), oracle=ORACLE)
    assert report.earned == 0 and report.diagnoses == {"upstream"}


def test_call_returns_zero_when_nothing_earned():
    """Does a grade cell that earns nothing return a score of 0 carrying the feedback (so Run All
    goes on), and does Score.require() still raise CheckFailed (an AssertionError) for scripts?"""
    def stub(dout, x, w):
        raise NotImplementedError()
    score = check(stub, oracle=ORACLE)
    assert score == 0 and repr(score) == "0" and "not implemented" in score.report.text()
    with pytest.raises(AssertionError) as info:       # what a script sees from require()
        score.require()
    assert type(info.value) is CheckFailed and info.value.report.earned == 0
    assert "not implemented" in str(info.value)


def test_student_errors_become_findings():
    """Do an exception, a wrong return type and a non-numeric output become feedback, not crashes?"""
    for bad, diagnosis in [(lambda dout, x, w: 1 / 0, "error"),
                           (lambda dout, x, w: None, "error"),
                           (lambda dout, x, w: (object(), object()), "shape")]:
        report = check.evaluate(bad, oracle=ORACLE)
        assert report.earned == 0 and diagnosis in report.diagnoses


def test_student_cannot_change_the_inputs_the_judge_sees():
    """If the student's code writes into its inputs, are the judge's inputs untouched (its gradients
    judged right), and does the changed input cost exactly its own finding?"""
    def vandal(dout, x, w):
        dx, dw = dout * w, dout * x
        x[...] = 0
        dout[...] = 0
        return dx, dw
    report = check.evaluate(vandal, oracle=ORACLE)
    assert {(f.what, f.passed) for _, f in report.problems()} == {("inputs", False)}
    assert report.earned == round(2 * 2 / 3, 4)


def test_params_change_the_cases():
    """Do keyword parameters of a hidden test (shapes, seed) reach the cases?"""
    report = check.evaluate(right, oracle=ORACLE, shapes=[(1, 5)], seed=11)
    assert [r.label for r in report.results] == ["shape (1, 5)"]


def test_encode_decode_round_trip():
    """Do arrays (float, int, bool), tuples, nested dicts and non-finite floats survive JSON?"""
    value = {"a": np.arange(6.0).reshape(2, 3), "b": (1, 2.5, None, "s", True),
             "c": [np.array([True, False]), np.array([1, 2])], "d": float("nan"), "e": -np.inf}
    back = decode(json.loads(json.dumps(encode(value))))
    assert np.array_equal(back["a"], value["a"]) and back["a"].dtype == np.float64
    assert back["b"] == value["b"]
    assert back["c"][0].dtype == bool and back["c"][1].dtype == np.int64
    assert np.isnan(back["d"]) and back["e"] == -np.inf


@pytest.mark.parametrize("bad", [
    {"__array__": [1, 2, 3], "shape": [2, 2], "kind": "f"},
    {"__array__": ["x"], "shape": [1], "kind": "f"},
    {"__array__": [1], "shape": [1], "kind": "O"},
    {"__float__": "zero"},
    [[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]],
])
def test_decode_rejects_malformed_data(bad):
    """Does decoding refuse data that is not what encode produces (a forged results file)?"""
    with pytest.raises((ValueError, KeyError)):
        decode(bad)


def test_encode_rejects_objects():
    """Can only plain data leave the student's process (no objects, no callables)?"""
    for bad in (object(), lambda: 1, np.array([object()]), {1: 2}):
        with pytest.raises(TypeError):
            encode(bad)


def test_case_key_depends_on_inputs_only():
    """Is a stored case found again from its inputs, and are different inputs told apart?"""
    a = {"x": np.ones(3)}
    assert base.case_key("c", a) == base.case_key("c", {"x": np.ones(3)})
    assert base.case_key("c", a) != base.case_key("c", {"x": np.zeros(3)})


def test_value_finding_diagnoses_scale_and_shape():
    """Does a forward value off by a factor say so, and a wrong shape say that?"""
    f = base.value_finding("out", np.array([2.0, 4.0]), np.array([1.0, 2.0]))
    assert not f.passed and f.diagnosis == "scale" and "2 times" in f.message
    assert base.value_finding("out", np.ones(3), np.ones(2)).diagnosis == "shape"
    assert base.value_finding("out", np.ones(2), np.ones(2)).passed


def test_value_finding_with_nan_names_the_index():
    """Is a NaN in a student's value reported at its index, as a wrong value (not a shape error)?"""
    f = base.value_finding("out", np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    assert not f.passed and f.diagnosis == "value" and "(1,)" in f.message


def test_value_finding_on_one_number_names_no_arbitrary_factor():
    """Is a wrong single loss value called wrong, not '1.765 times the right value', while a
    loss off by exactly 2 is still named a scale error?"""
    f = base.value_finding("loss", np.float64(1.765), np.float64(1.0))
    assert not f.passed and f.diagnosis == "value" and "times" not in f.message
    g = base.value_finding("loss", np.float64(2.0), np.float64(1.0))
    assert g.diagnosis == "scale"


def test_every_public_name_is_still_imported_from_base():
    """Do notebooks, chapter modules and the grader still find every name base.py has always offered,
    now that its parts live in values.py, records.py and findings.py?"""
    names = ("encode decode case_key same MAX_ELEMENTS MAX_DEPTH EXPECTED_DIR Case Finding CaseResult Report "
             "REPORT_MIME Score CheckFailed ReferenceMissing LiveOracle StoredOracle GivenOracle default_oracle "
             "Check call_student checks_of load grad_findings array_finding value_finding scalar_finding "
             "param_grads numeric_grads").split()
    assert [n for n in names if not hasattr(base, n)] == []
