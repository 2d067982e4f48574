"""Tests of autograder/checks/ch05_neural_nets.py: the checks of the layer and network exercises."""
import time

import numpy as np
import pytest

from autograder.checks import ch05_neural_nets as C
from autograder.checks.base import LiveOracle
from autograder.datasets import digits_split
from solutions import ch05_neural_nets as ref
from solutions import ch05_neural_nets_mlp as mlp

ORACLE = LiveOracle(ref)


def grade(check, *student, **params):
    return check.evaluate(*student, oracle=ORACLE, **params)


def test_upstream_gradients_are_random():
    """Does no backward case use an all-ones (or constant) upstream gradient?"""
    for check in (C.check_affine_backward, C.check_relu_backward, C.check_sigmoid_backward):
        for seed in range(5):
            for case in check.cases(seed):
                dout = case.inputs["dout"]
                assert np.unique(dout).size == dout.size


def test_affine_backward_partial_credit_and_diagnoses():
    """With dx and dW right and db summed over the wrong axis, does the student keep 2 of 3 points
    and hear about the shape of db?"""
    def backward(dout, cache):
        dx, dW, _ = ref.affine_backward(dout, cache)
        return dx, dW, dout.sum(axis=1)
    report = grade(C.check_affine_backward, backward)
    assert report.earned == pytest.approx(2.0) and report.diagnoses == {"shape"}
    assert "db has shape" in report.text() and "dx" not in report.text().split("\n", 1)[1]


def test_affine_backward_names_a_transposed_dW():
    """Is a transposed dW named as such, with the check's hint about shapes?"""
    def backward(dout, cache):
        dx, dW, db = ref.affine_backward(dout, cache)
        return dx, dW.T, db
    report = grade(C.check_affine_backward, backward)
    assert report.diagnoses == {"transpose"} and "it pairs x (N, D) with dout (N, M)" in report.text()


@pytest.mark.parametrize("convention", ["x > 0", "x >= 0"])
def test_relu_backward_accepts_either_side_at_the_kink(convention):
    """At x = 0 exactly, are both one-sided derivatives accepted, and tiny nonzero x graded by their side?"""
    def backward(dout, cache):
        return dout * ((cache > 0) if convention == "x > 0" else (cache >= 0))
    report = grade(C.check_relu_backward, backward, kink=True, seed=4)
    assert report.passed, report.text()
    case = C.check_relu_backward.cases(4, kink=True)[0]
    assert np.any(case.inputs["x"] == 0) and np.any(np.abs(case.inputs["x"]) == 1e-7)


def test_relu_backward_refuses_a_half_gradient_at_the_kink():
    """Is a made-up value at x = 0 (half the upstream gradient) still wrong?"""
    def backward(dout, cache):
        return dout * np.where(cache == 0, 0.5, cache > 0)
    assert not grade(C.check_relu_backward, backward, kink=True, seed=4).passed


def test_relu_backward_that_writes_into_dout_is_refused():
    """Is a backward pass that zeroes the upstream gradient in place refused, though its values are right?"""
    def backward(dout, cache):
        dout[cache <= 0] = 0.0
        return dout
    report = grade(C.check_relu_backward, backward)
    assert report.earned == 0 and "changed an array" in report.text()


def test_sigmoid_extremes_catch_overflow():
    """Does exp(x) / (1 + exp(x)) pass the ordinary cases but fail at |x| up to 800?"""
    def naive(x):
        with np.errstate(all="ignore"):
            out = np.exp(x) / (1.0 + np.exp(x))
        return out, out
    assert grade(C.check_sigmoid_forward, naive).passed
    assert not grade(C.check_sigmoid_forward, naive, extremes=True).passed


def test_two_layer_cases_stay_away_from_the_kink():
    """Is every hidden pre-activation of every case at least 1e-3 from 0, also in the near-kink case,
    where the first example's units sit 2e-3 from it?"""
    for seed in range(10):
        for near in (False, True):
            for case in C.check_two_layer_loss.cases(seed, sizes=[(1, 4, 5, 3), (6, 3, 4, 2)], near_kink=near):
                p, X = case.inputs["params"], case.inputs["X"]
                pre = X @ p["W1"] + p["b1"]
                assert np.all(np.abs(pre) > 1e-3)
                if near:
                    assert np.allclose(np.abs(pre[0]), 2e-3)


def test_two_layer_loss_missing_penalty_in_loss_only():
    """A loss value without the penalty loses the loss finding only (1 of 5 findings), as 'value'."""
    def loss_fn(params, X, y, reg=0.0):
        loss, grads = ref.two_layer_loss(params, X, y, reg)
        return loss - ref.l2_penalty(params, reg), grads
    report = grade(C.check_two_layer_loss, loss_fn)
    assert report.earned == pytest.approx(4.0) and report.diagnoses == {"value"}


def test_training_accuracy_is_computed_by_the_judge():
    """Do untrained parameters lose the accuracy finding, whatever else the function returns?"""
    def untrained(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
        return {**{k: v.copy() for k, v in params.items()}, "accuracy": 1.0}
    report = grade(C.check_train_two_layer, untrained)
    assert report.earned == 0
    assert "test accuracy" in report.text() and "the target is 95.0%" in report.text()


def test_training_with_another_order_keeps_the_accuracy_points():
    """A loop that trains well but visits the data in its own order keeps the accuracy finding only."""
    def own_order(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
        return ref.train_two_layer(params, X, y, learning_rate, batch_size, epochs, reg, seed + 1000)
    report = grade(C.check_train_two_layer, own_order)
    assert report.earned == pytest.approx(1.5)
    assert "differ from a reference run" in report.text()


def test_training_check_takes_seconds():
    """Is one evaluation of the training check (the student's run and the reference's) quick?"""
    grade(C.check_train_two_layer, ref.train_two_layer)       # warm: imports and data loading
    start = time.perf_counter()
    grade(C.check_train_two_layer, ref.train_two_layer)
    assert time.perf_counter() - start < 10


def test_check_data_and_initialisation_match_the_reference():
    """Are the checks' digits split, initialisation and accuracy the reference module's?"""
    for a, b in zip(digits_split(), mlp.load_digits_split()):
        assert np.array_equal(a, b)
    p_check, p_ref = C.init_two_layer(64, 32, 10, seed=3), mlp.init_mlp((64, 32, 10), "he", seed=3)
    assert all(np.array_equal(p_check[k], p_ref[k]) for k in p_ref)
    X, y, _, _ = digits_split()
    assert C.two_layer_accuracy(p_ref, X, y) == mlp.accuracy(p_ref, X, y)


def test_loaded_digits_are_fresh_copies():
    """Can a student who writes into the training data not spoil the next check's data?"""
    X, _, _, _ = digits_split()
    X[:] = 0.0
    assert np.any(digits_split()[0] != 0.0)


def _notebook_with(**replaced):
    """A namespace like a student's notebook: the reference module's names, some replaced, and
    two_layer_loss and train_two_layer written in it (so they call the replaced parts)."""
    import inspect
    ns = {**vars(ref), **replaced}
    for fn in (ref.two_layer_loss, ref.train_two_layer):
        exec(inspect.getsource(fn), ns)
    return ns


def test_composite_blames_the_failing_part():
    """Does a two_layer_loss built on a relu_backward that drops its upstream gradient name that part
    (diagnosis "part") instead of guessing, while relu_backward loses points in its own check? And is
    the training loop built on that loss told the same, one level up?"""
    ns = _notebook_with(relu_backward=lambda dout, cache: (cache > 0).astype(float))
    own = grade(C.check_relu_backward, ns["relu_backward"])
    assert own.earned == 0 and own.diagnoses == {"upstream"}
    report = grade(C.check_two_layer_loss, ns["two_layer_loss"])
    assert report.earned < report.points and report.diagnoses == {"part"}
    assert "your relu_backward fails its own test (upstream)" in report.text()
    assert "penalty" not in report.text()                      # no guess at the loss's own mistake
    train = grade(C.check_train_two_layer, ns["train_two_layer"], n_train=200, epochs=1)
    assert "your two_layer_loss fails its own test (part)" in train.text()


def test_correct_parts_are_not_blamed():
    """With every part right, does a composite's own mistake keep its own diagnosis?"""
    ns = _notebook_with()
    assert grade(C.check_two_layer_loss, ns["two_layer_loss"]).passed
    exec("def two_layer_loss(params, X, y, reg=0.0):\n"
         "    loss, grads = _right(params, X, y, reg)\n"
         "    return loss + 1.0, grads\n", ns := {**ns, "_right": ref.two_layer_loss})
    report = grade(C.check_two_layer_loss, ns["two_layer_loss"])
    assert not report.passed and report.diagnoses == {"value"}
