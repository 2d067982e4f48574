"""Tests of autograder/checks/ch06_losses.py: losses, the L2 penalty and dropout, graded as pairs."""
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import ch06_losses as C
from autograder.checks.base import LiveOracle, checks_of
from autograder.grader.notebook import source_tests
from solutions import ch06_losses as ref
from solutions.mutants.ch06_losses import MUTANTS

ROOT = Path(__file__).resolve().parents[3]
SLUG = "ch06_losses"
SOURCE = ROOT / "solutions" / SLUG / f"{SLUG}.ipynb"
CHECKS = checks_of(C)
ORACLE = LiveOracle(ref)


# keyword parameters (but seed and points) of each hidden grade cell, parsed as the grader does
HIDDEN = {t.call.check: {k: v for k, v in t.call.params.items() if k not in ("seed", "points")}
          for t in source_tests(SOURCE) if t.hidden}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_upstream_gradients_are_random(name):
    """Is every case's upstream gradient random (never all ones), so a dropped dloss is caught?"""
    for case in CHECKS[name].cases(0, **HIDDEN[name]) + CHECKS[name].cases(0):
        up = case.inputs.get("dloss", case.inputs.get("dout"))
        assert not np.allclose(up, 1.0)


def test_inputs_stay_away_from_kinks():
    """Are the visible SVM and squared-hinge cases drawn with every margin at least 1e-3 from its kink,
    and does each hidden tie case put exactly one margin on it?"""
    for case in CHECKS["check_multiclass_svm"].cases(5) + CHECKS["check_multiclass_svm"].cases(5, **HIDDEN[
            "check_multiclass_svm"]):
        s, y = case.inputs["scores"], case.inputs["y"]
        m = s - s[np.arange(len(y)), y][:, None] + 1.0
        m[np.arange(len(y)), y] = 1.0
        assert np.sum(m == 0.0) == (1 if "tie" in case.inputs else 0)
        assert np.all((np.abs(m) > C.KINK_GAP) | (m == 0.0))
    for case in CHECKS["check_squared_hinge"].cases(5, **HIDDEN["check_squared_hinge"]):
        m = case.inputs["y"] * case.inputs["scores"]
        assert np.sum(m == 1.0) == (1 if "tie" in case.inputs else 0)


def test_svm_tie_accepts_either_convention():
    """At a margin of exactly 0, is a backward that counts the tie as a violation (>= 0) also given
    full marks, and one that does something else not?"""
    def counts_ties(dloss, cache):
        margins, y = cache
        n = len(y)
        d = (margins >= 0).astype(float) * dloss / n
        d[np.arange(n), y] = 0.0
        out = d.copy()
        out[np.arange(n), y] -= d.sum(axis=1)
        return out
    params = HIDDEN["check_multiclass_svm"]
    check = CHECKS["check_multiclass_svm"]
    report = check.evaluate(ref.multiclass_svm_forward, counts_ties, oracle=ORACLE, **params)
    assert report.passed, report.text()

    def tie_pulls_twice(dloss, cache):
        margins, y = cache
        d = ref.multiclass_svm_backward(dloss, cache)
        d[margins == 0] += 2 * dloss
        return d
    report = check.evaluate(ref.multiclass_svm_forward, tie_pulls_twice, oracle=ORACLE, **params)
    assert not report.passed and "kink" in report.text()


def test_overflow_is_explained():
    """Does a softmax that overflows at scores near 1000 get a message that says how to fix it?"""
    mutant = next(m for m in MUTANTS if m.name.startswith("exp of the raw scores"))
    report = CHECKS["check_softmax_cross_entropy"].evaluate(*mutant.objects(CHECKS["check_softmax_cross_entropy"], ref), oracle=ORACLE)
    assert 0 < report.earned < report.points
    assert "maximum" in report.text() and "nan" in report.text()


def test_loss_factor_named_only_when_meaningful():
    """Is a loss that is a whole multiple of the right one called a scale error (a sum instead of a
    mean), and an unrelated wrong number just a wrong value?"""
    assert C.loss_finding("loss", 5 * 1.25, 1.25).diagnosis == "scale"
    assert C.loss_finding("loss", 1.25 / 2, 1.25).diagnosis == "scale"
    wrong = C.loss_finding("loss", 1.7, 1.25)
    assert wrong.diagnosis == "value" and "times" not in wrong.message
    assert C.loss_finding("loss", np.array([1.25]), 1.25).diagnosis == "shape"
    assert C.loss_finding("loss", 1.25 * (1 + 1e-9), 1.25).passed


def test_bias_penalty_is_explained():
    """Does penalising the biases cost the bias gradients, with a message saying biases are not penalised?"""
    mutant = next(m for m in MUTANTS if m.name == "biases regularised in the gradient")
    report = CHECKS["check_l2_penalty"].evaluate(*mutant.objects(CHECKS["check_l2_penalty"], ref), oracle=ORACLE)
    failed = {f.what for _, f in report.problems()}
    assert failed == {"db1", "db2"} and "not penalised" in report.text()


def test_penalty_gradients_not_in_a_dict_are_named():
    """Does an l2_penalty_backward that returns its gradients as a list (not a dict keyed by name)
    keep the credit for its right penalty and hear that a dict is expected?"""
    def as_list(dloss, cache):
        return list(ref.l2_penalty_backward(dloss, cache).values())
    report = CHECKS["check_l2_penalty"].evaluate(ref.l2_penalty_forward, as_list, oracle=ORACLE)
    failed = {f.what for _, f in report.problems()}
    assert failed == {"grads"} and "should return a dict" in report.text()
    assert 0 < report.earned < report.points


def test_dropout_check_replays_the_mask():
    """Does the dropout check hold a student to the stated mask recipe, so that a right implementation
    with another generator loses the forward points?"""
    def other_rng(x, keep_prob, mode="train", seed=None):
        if mode == "test":
            return x.copy(), (None, mode)
        mask = (np.random.RandomState(seed).rand(*x.shape) < keep_prob) / keep_prob
        return x * mask, (mask, mode)
    report = CHECKS["check_dropout"].evaluate(other_rng, ref.dropout_backward, oracle=ORACLE)
    assert report.earned < report.points and "default_rng(seed)" in report.text()


