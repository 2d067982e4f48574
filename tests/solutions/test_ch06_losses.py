"""Tests of solutions/ch06_losses.py: losses, penalties and dropout against autograd and central differences."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import check_gradient, rel_error
from solutions import ch06_losses as L

SEEDS = [0, 1, 2]


# --------------------------------------------------------------------------- inputs away from kinks
def binary_case(rng, n=7):
    """scores (N,), y (N,) of +-1, with every margin y*s at least 1e-3 away from the hinge at 1."""
    y = rng.choice([-1.0, 1.0], size=n)
    while True:
        s = rng.normal(scale=1.5, size=n)
        if np.all(np.abs(1.0 - y * s) > 1e-3):
            return s, y


def multiclass_case(rng, n=6, c=4, scale=1.0):
    """scores (N, C), y (N,) ints, with every margin s_j - s_y + 1 (j != y) at least 1e-3 from 0."""
    y = rng.integers(0, c, size=n)
    while True:
        s = rng.normal(scale=scale, size=(n, c))
        m = s - s[np.arange(n), y][:, None] + 1.0
        m[np.arange(n), y] = 1.0
        if np.all(np.abs(m) > 1e-3):
            return s, y


def onehot(y, c):
    return np.eye(c)[y]


# Independent autograd versions: scores -> loss, written without the module's code.
def ag_hinge(s, y):
    return anp.mean(anp.maximum(0.0, 1.0 - y * s))


def ag_squared_hinge(s, y):
    return anp.mean(anp.maximum(0.0, 1.0 - y * s) ** 2)


def ag_logistic(s, y):
    return anp.mean(anp.log(1.0 + anp.exp(-y * s)))


def ag_svm(s, y):
    oh = onehot(y, s.shape[1])
    correct = anp.sum(s * oh, axis=1, keepdims=True)
    return anp.sum(anp.maximum(0.0, s - correct + 1.0) * (1.0 - oh)) / s.shape[0]


def ag_softmax(s, y):
    oh = onehot(y, s.shape[1])
    log_p = s - anp.log(anp.sum(anp.exp(s), axis=1, keepdims=True))
    return -anp.sum(log_p * oh) / s.shape[0]


def ag_mse(p, t):
    return anp.mean((p - t) ** 2)


BINARY = {"hinge": (L.hinge_forward, L.hinge_backward, ag_hinge),
          "squared hinge": (L.squared_hinge_forward, L.squared_hinge_backward, ag_squared_hinge),
          "logistic": (L.logistic_forward, L.logistic_backward, ag_logistic)}
MULTICLASS = {"multiclass svm": (L.multiclass_svm_forward, L.multiclass_svm_backward, ag_svm),
              "softmax": (L.softmax_cross_entropy_forward, L.softmax_cross_entropy_backward, ag_softmax)}


def assert_loss_and_grads(forward, backward, ag_loss, s, y, dloss):
    """Loss equals the autograd version; dscores equals autograd to 1e-9 and central differences to 1e-6."""
    s_before = s.copy()
    loss, cache = forward(s, y)
    assert isinstance(loss, float)
    assert abs(loss - float(ag_loss(s, y))) <= 1e-12 * max(1.0, abs(loss))
    ds = backward(dloss, cache)
    assert ds.shape == s.shape
    assert rel_error(ds, dloss * grad(ag_loss)(s, y)) <= 1e-9
    res = check_gradient(lambda z: forward(z, y)[0] * dloss, s, ds)
    assert res.passed and res.max_rel_error <= 1e-6, res.message
    assert np.array_equal(s, s_before), "the forward pass changed its input"


# --------------------------------------------------------------------------- binary and multiclass
@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("seed", SEEDS)
def test_binary_losses_agree_with_autograd(name, seed):
    """Do hinge, squared hinge and logistic losses and their gradients agree with autograd and
    central differences on random scores away from the kink?"""
    rng = np.random.default_rng(seed)
    s, y = binary_case(rng)
    assert_loss_and_grads(*BINARY[name], s, y, dloss=rng.uniform(0.5, 2.0))


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(6, 4), (1, 3), (5, 2)])
def test_multiclass_losses_agree_with_autograd(name, seed, shape):
    """Do the multiclass SVM and softmax cross-entropy agree with autograd (batches of 1 included)?"""
    rng = np.random.default_rng(seed)
    s, y = multiclass_case(rng, *shape)
    assert_loss_and_grads(*MULTICLASS[name], s, y, dloss=rng.uniform(0.5, 2.0))


@pytest.mark.parametrize("seed", SEEDS)
def test_mse_agrees_with_autograd(seed):
    """Does the MSE (a mean over every entry) and its gradient agree with autograd?"""
    rng = np.random.default_rng(seed)
    for shape in [(5, 3), (4,), (1, 1)]:
        p, t = rng.normal(size=shape), rng.normal(size=shape)
        assert_loss_and_grads(L.mse_forward, L.mse_backward, ag_mse, p, t, dloss=rng.uniform(0.5, 2.0))


@pytest.mark.parametrize("seed", SEEDS)
def test_max_margin_agrees_with_autograd(seed):
    """Does max(0, 1 + s_c - s), averaged, give gradients for both s and s_c that agree with autograd?"""
    rng = np.random.default_rng(seed)
    while True:
        s, s_c = rng.normal(size=8), rng.normal(size=8)
        if np.all(np.abs(1.0 + s_c - s) > 1e-3):
            break
    dloss = rng.uniform(0.5, 2.0)
    loss, cache = L.max_margin_forward(s, s_c)
    ds, ds_c = L.max_margin_backward(dloss, cache)

    def ag(s, s_c):
        return anp.mean(anp.maximum(0.0, 1.0 + s_c - s))
    assert abs(loss - float(ag(s, s_c))) < 1e-12
    assert rel_error(ds, dloss * grad(ag, 0)(s, s_c)) <= 1e-9
    assert rel_error(ds_c, dloss * grad(ag, 1)(s, s_c)) <= 1e-9
    assert check_gradient(lambda z: L.max_margin_forward(z, s_c)[0] * dloss, s, ds).max_rel_error <= 1e-6
    assert check_gradient(lambda z: L.max_margin_forward(s, z)[0] * dloss, s_c, ds_c).max_rel_error <= 1e-6


def test_max_margin_worked_values():
    """Is the objective zero once the true score wins by 1, and 1 + s_c - s otherwise?"""
    assert L.max_margin_forward(np.array([3.0]), np.array([2.0]))[0] == 0.0
    assert L.max_margin_forward(np.array([2.0]), np.array([2.5]))[0] == 1.5
    ds, ds_c = L.max_margin_backward(1.0, L.max_margin_forward(np.array([2.0]), np.array([2.5]))[1])
    assert (ds[0], ds_c[0]) == (-1.0, 1.0)


def test_known_values():
    """Do equal scores give log C for softmax and C - 1 per example for the multiclass SVM, and do
    the margin losses take their textbook values at m = 0, 1 and 2?"""
    s = np.zeros((3, 5))
    y = np.array([0, 2, 4])
    assert L.softmax_cross_entropy_forward(s, y)[0] == pytest.approx(np.log(5), abs=1e-15)
    assert L.multiclass_svm_forward(s, y)[0] == 4.0
    m = np.array([0.0, 1.0, 2.0])
    assert list(L.hinge(m)) == [1.0, 0.0, 0.0]
    assert list(L.squared_hinge(m)) == [1.0, 0.0, 0.0]
    assert L.logistic(m) == pytest.approx([np.log(2), np.log(1 + np.exp(-1)), np.log(1 + np.exp(-2))])
    assert list(L.zero_one(np.array([-1.0, 0.0, 0.5]))) == [1.0, 1.0, 0.0]


def test_multiclass_svm_tie_uses_the_met_margin_convention():
    """At a margin of exactly 0 (s_j = s_y - 1), does the SVM count the margin as met (no pull)?"""
    s = np.array([[0.5, -0.5, -2.0]])
    loss, cache = L.multiclass_svm_forward(s, np.array([0]))
    assert loss == 0.0
    assert np.array_equal(L.multiclass_svm_backward(1.0, cache), np.zeros((1, 3)))


# --------------------------------------------------------------------------- stability
def test_softmax_is_stable_for_large_scores():
    """With scores near 1000 (exp overflows), are the loss and gradient finite and equal to those of
    the same scores shifted down by 1000?"""
    rng = np.random.default_rng(5)
    small, y = multiclass_case(rng, 4, 3)
    big = small + 1000.0
    with np.errstate(over="raise"):
        loss_big, cache_big = L.softmax_cross_entropy_forward(big, y)
    loss_small, cache_small = L.softmax_cross_entropy_forward(small, y)
    assert np.isfinite(loss_big) and loss_big == pytest.approx(loss_small, rel=1e-12)
    d_big = L.softmax_cross_entropy_backward(0.7, cache_big)
    d_small = L.softmax_cross_entropy_backward(0.7, cache_small)
    assert np.all(np.isfinite(d_big)) and rel_error(d_big, d_small) <= 1e-9
    # A confidently wrong example costs about the score gap, not inf.
    loss, _ = L.softmax_cross_entropy_forward(np.array([[1000.0, 0.0]]), np.array([1]))
    assert loss == pytest.approx(1000.0)


def test_logistic_is_stable_for_large_margins():
    """Does the logistic loss stay finite (and linear) at margins of -1000 and +1000?"""
    s = np.array([-1000.0, 1000.0])
    y = np.array([1.0, 1.0])
    with np.errstate(over="raise"):
        loss, cache = L.logistic_forward(s, y)
        ds = L.logistic_backward(1.0, cache)
    assert loss == pytest.approx(500.0)
    assert ds == pytest.approx([-0.5, 0.0])


# --------------------------------------------------------------------------- penalties
def params_of(rng):
    return {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=3),
            "W2": rng.normal(size=(3, 2)), "b2": rng.normal(size=2)}


@pytest.mark.parametrize("seed", SEEDS)
def test_l2_penalty_agrees_with_autograd_and_spares_biases(seed):
    """Is the L2 penalty reg/2 * sum W^2 over weights only, with gradient reg * W and zero for biases?"""
    rng = np.random.default_rng(seed)
    params, reg, dloss = params_of(rng), 0.3, rng.uniform(0.5, 2.0)
    loss, cache = L.l2_penalty_forward(params, reg)
    grads = L.l2_penalty_backward(dloss, cache)

    def ag(p):
        return 0.5 * reg * (anp.sum(p["W1"] ** 2) + anp.sum(p["W2"] ** 2))
    assert loss == pytest.approx(float(ag(params)), rel=1e-14)
    auto = grad(ag)(params)
    assert set(grads) == set(params)
    for name in params:
        assert rel_error(grads[name], dloss * auto[name]) <= 1e-9
        res = check_gradient(lambda z, name=name: L.l2_penalty_forward({**params, name: z}, reg)[0] * dloss,
                             params[name], grads[name])
        assert res.max_rel_error <= 1e-6, (name, res.message)
    assert not np.any(grads["b1"]) and not np.any(grads["b2"])
    moved = {**params, "b1": params["b1"] + 10.0}
    assert L.l2_penalty_forward(moved, reg)[0] == loss


@pytest.mark.parametrize("seed", SEEDS)
def test_l1_penalty_agrees_with_autograd_and_spares_biases(seed):
    """Is the L1 penalty reg * sum |W| over weights only, with gradient reg * sign(W)?"""
    rng = np.random.default_rng(seed)
    params, reg, dloss = params_of(rng), 0.2, rng.uniform(0.5, 2.0)
    for name in params:  # keep weights away from the kink of |w| at 0
        params[name] = np.where(np.abs(params[name]) < 1e-3, 0.5, params[name])
    loss, cache = L.l1_penalty_forward(params, reg)
    grads = L.l1_penalty_backward(dloss, cache)

    def ag(p):
        return reg * (anp.sum(anp.abs(p["W1"])) + anp.sum(anp.abs(p["W2"])))
    assert loss == pytest.approx(float(ag(params)), rel=1e-14)
    auto = grad(ag)(params)
    for name in params:
        assert rel_error(grads[name], dloss * auto[name]) <= 1e-9
        res = check_gradient(lambda z, name=name: L.l1_penalty_forward({**params, name: z}, reg)[0] * dloss,
                             params[name], grads[name])
        assert res.max_rel_error <= 1e-6, (name, res.message)


# --------------------------------------------------------------------------- dropout
def test_dropout_mask_is_seeded_and_inverted():
    """Does one seed give one mask, with kept entries exactly 1/keep_prob and the rest 0?"""
    a = L.dropout_mask((50, 40), 0.8, seed=3)
    b = L.dropout_mask((50, 40), 0.8, seed=3)
    assert np.array_equal(a, b)
    assert set(np.unique(a)) == {0.0, 1.0 / 0.8}
    assert np.array_equal(a > 0, np.random.default_rng(3).random((50, 40)) < 0.8)


@pytest.mark.parametrize("keep_prob", [0.3, 0.5, 0.9])
def test_dropout_preserves_the_expectation(keep_prob):
    """Averaged over many masks, does the train-mode output equal the input (within 5 standard errors)?"""
    x = np.random.default_rng(0).normal(size=6) + 2.0
    outs = np.array([L.dropout_forward(x, keep_prob, "train", seed=s)[0] for s in range(20000)])
    stderr = np.abs(x) * np.sqrt((1 - keep_prob) / keep_prob / len(outs))
    assert np.all(np.abs(outs.mean(axis=0) - x) < 5 * stderr)


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_backward_uses_the_forward_mask(seed):
    """Does the gradient flow exactly through the kept units, scaled like them, and agree with
    autograd and central differences for a fixed seed?"""
    rng = np.random.default_rng(seed)
    x, dout = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    x_before = x.copy()
    out, cache = L.dropout_forward(x, 0.6, "train", seed=seed)
    dx = L.dropout_backward(dout, cache)
    kept = np.random.default_rng(seed).random(x.shape) < 0.6
    assert np.array_equal(out == 0, ~kept) and np.array_equal(dx == 0, ~kept)
    mask = kept / 0.6
    assert rel_error(out, x * mask) == 0.0
    assert rel_error(dx, grad(lambda z: anp.sum(z * mask * dout))(x)) <= 1e-9
    res = check_gradient(lambda z: L.dropout_forward(z, 0.6, "train", seed=seed)[0], x, dx, dout=dout)
    assert res.max_rel_error <= 1e-6, res.message
    assert np.array_equal(x, x_before)


def test_dropout_test_mode_is_the_identity():
    """At test time, is nothing dropped and nothing rescaled, forward or backward?"""
    x = np.random.default_rng(1).normal(size=(3, 4))
    out, cache = L.dropout_forward(x, 0.5, "test", seed=0)
    assert np.array_equal(out, x) and out is not x
    dout = np.arange(12.0).reshape(3, 4)
    assert np.array_equal(L.dropout_backward(dout, cache), dout)


def test_dropout_rejects_bad_arguments():
    """Are a keep probability of 0 and an unknown mode refused?"""
    with pytest.raises(ValueError):
        L.dropout_forward(np.ones(3), 0.0)
    with pytest.raises(ValueError):
        L.dropout_forward(np.ones(3), 0.5, mode="eval")


# --------------------------------------------------------------------------- fitting
def test_fit_linear_separates_separable_data():
    """Does gradient descent on the hinge loss (with a small L2 penalty) classify two separated
    clusters perfectly, and does its loss go down?"""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(loc=(2, 2), size=(20, 2)), rng.normal(loc=(-2, -2), size=(20, 2))])
    y = np.r_[np.ones(20), -np.ones(20)]
    w, b, losses = L.fit_linear(X, y, L.hinge_forward, L.hinge_backward, lr=0.1, steps=300, reg=0.01)
    assert np.all(np.sign(X @ w + b) == y)
    assert losses[-1] < losses[0]
