"""Tests of autograder/checks/ch04_svm.py: the checks of the SVM exercises."""
import types

import numpy as np
import pytest

from autograder.checks import ch04_svm as C
from autograder.checks.base import LiveOracle
from autograder.datasets import SVM_COST_EXAMPLE, SVM_POINTS
from solutions import ch04_svm as ref

ORACLE = LiveOracle(ref)


def grade(check, *student, **params):
    return check.evaluate(*student, oracle=ORACLE, **params)


def test_pull_feedback_names_the_failing_score():
    """Does a pull rule that also pulls on the margin lose the margin case only, naming that score?"""
    def pull(score, label):
        return float(label) if label * score <= 1 else 0.0
    report = grade(C.check_svm_pull, pull)
    assert report.earned == pytest.approx(2 / 3, abs=1e-4)
    assert "score 1 with label +1" in report.text()


def test_update_must_not_modify_w():
    """Is an update that writes into w refused even though its result is right?"""
    def update(w, point, label, step_size=0.01, reg=0.1):
        w[:] = ref.svm_update(w.copy(), point, label, step_size, reg)
        return w
    report = grade(C.check_svm_update, update)
    assert report.earned == 0 and "changed an array it was given" in report.text()


def test_update_on_the_exact_margin_is_exact():
    """Is the margin case built so the score is exactly +-1, whatever the order of operations?"""
    for seed in range(20):
        (case,) = C.check_svm_update.cases(seed, kinds=("margin",))
        w, p, label = case.inputs["w"], case.inputs["point"], case.inputs["label"]
        assert np.dot(w[:2], p) + w[2] == label == w[0] * p[0] + w[1] * p[1] + w[2]


def test_cost_cases_use_random_upstream_and_avoid_the_hinge():
    """Is dcost never 1, and is every margin at least 1e-3 away from the hinge at 1?"""
    for seed in range(10):
        for case in C.check_svm_cost.cases(seed, sizes=(1, 6, 15), near_margin=seed % 2 == 1):
            i = case.inputs
            assert i["dcost"] != 1.0
            m = i["y"] * (i["X"] @ i["w"][:2] + i["w"][2])
            assert np.all(np.abs(m - 1.0) > 1e-3)


def test_cost_worked_example_is_graded():
    """Does the first visible case hold the worked example, and does a wrong total say what it expected?"""
    case = C.check_svm_cost.cases(0)[0]
    assert np.array_equal(case.inputs["X"], ref.COST_X) and case.inputs["alpha"] == 0.1

    def forward(w, X, y, alpha):
        cost, cache = ref.svm_cost_forward(w, X, y, alpha)
        return cost + 1.0, cache
    report = grade(C.check_svm_cost, forward, ref.svm_cost_backward)
    assert "expected 1.815" in report.text()
    assert report.earned == pytest.approx(1.5)       # the gradients are right, the costs are not
    assert "scale" not in report.diagnoses            # one wrong number is not a "factor"


def test_cost_gradient_without_dcost_is_named():
    """Does a backward pass that ignores dcost get the 'upstream' diagnosis with its hint?"""
    def backward(dcost, cache):
        return ref.svm_cost_backward(1.0, cache)
    report = grade(C.check_svm_cost, ref.svm_cost_forward, backward)
    assert report.diagnoses == {"upstream"} and "receives dcost" in report.text()


def test_training_accuracy_is_measured_by_the_judge():
    """Does the judge compute accuracy from the returned parameters, so parameters that do not
    classify the points lose the accuracy finding?"""
    def lazy(X, y, order, w0, step_size=0.01, reg=0.1):
        return np.array(w0, dtype=float)
    report = grade(C.check_train_svm, lazy)
    assert report.earned == 0
    assert "classify 66.7% of the training points" in report.text()


def test_training_with_its_own_random_points_gets_partial_credit():
    """A loop that ignores ``order`` but still separates the points keeps the accuracy point only."""
    def own_draws(X, y, order, w0, step_size=0.01, reg=0.1):
        rng = np.random.default_rng(5)
        return ref.train_svm(X, y, rng.integers(0, len(y), size=2000), w0, step_size, reg)
    report = grade(C.check_train_svm, own_draws)
    assert report.earned == pytest.approx(1.0)


def test_separable_points_are_separable():
    """Does the hidden data generator give points on both sides of a line, away from it?"""
    X, y = C.separable_points(np.random.default_rng(3), 20)
    assert X.shape == (20, 2) and set(y) == {-1.0, 1.0}


def _differences(module):
    """Names of the reference module's chapter data that differ from autograder.datasets'."""
    pairs = {"DATA": SVM_POINTS["X"], "LABELS": SVM_POINTS["y"], "W_INIT": SVM_POINTS["w0"],
             "COST_X": SVM_COST_EXAMPLE["X"], "COST_Y": SVM_COST_EXAMPLE["y"],
             "COST_W": SVM_COST_EXAMPLE["w"], "COST_ALPHA": SVM_COST_EXAMPLE["alpha"]}
    return [name for name, data in pairs.items() if not np.array_equal(getattr(module, name), data)]


def test_check_data_match_the_reference():
    """Are the six points, the start and every part of the worked example the checks use (from
    autograder/datasets.py) the reference module's, and would a changed one be noticed?"""
    assert _differences(ref) == []
    broken = types.SimpleNamespace(**vars(ref))
    broken.COST_Y = -ref.COST_Y
    assert _differences(broken) == ["COST_Y"]
