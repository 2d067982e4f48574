"""Tests of solutions/ch05_neural_nets.py: layers, the softmax loss and the two-layer net."""
import warnings

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import check_gradient, numerical_gradient, rel_error
from solutions import ch05_neural_nets as nn
from solutions import ch05_neural_nets_mlp as mlp

SEEDS = [0, 1, 2]


def away_from_zero(rng, shape, gap=1e-3):
    """Normal entries, none within ``gap`` of 0 (the kink of relu and leaky relu)."""
    x = rng.normal(size=shape)
    x[np.abs(x) < gap] = gap
    return x


# Each elementwise layer: (forward, backward, autograd version, kinked at 0?)
ELEMENTWISE = {
    "relu": (nn.relu_forward, nn.relu_backward, lambda x: anp.maximum(0.0, x)),
    "leaky_relu": (nn.leaky_relu_forward, nn.leaky_relu_backward, lambda x: anp.where(x > 0, x, 0.01 * x)),
    "sigmoid": (nn.sigmoid_forward, nn.sigmoid_backward, lambda x: 1.0 / (1.0 + anp.exp(-x))),
    "tanh": (nn.tanh_forward, nn.tanh_backward, lambda x: anp.tanh(x)),
}


def vjp(f, x, dout):
    """Autograd's vector-Jacobian product: the gradient of sum(f(x) * dout)."""
    return grad(lambda z: anp.sum(f(z) * dout))(x)


# --------------------------------------------------------------------------- layers
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(4, 5, 3), (1, 3, 2), (3, 4, 4)])
def test_affine_agrees_with_autograd_and_central_differences(seed, shape):
    """Do affine_forward and the three gradients of affine_backward agree with autograd
    (<= 1e-9) and with central differences (<= 1e-6) for a random upstream gradient?"""
    n, d, m = shape
    rng = np.random.default_rng(seed)
    x, W, b, dout = rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m), rng.normal(size=(n, m))
    before = [x.copy(), W.copy(), b.copy()]
    out, cache = nn.affine_forward(x, W, b)
    assert np.allclose(out, np.einsum("nd,dm->nm", x, W) + b, rtol=0, atol=1e-13)
    dx, dW, db = nn.affine_backward(dout, cache)
    ag = lambda x_, W_, b_: anp.dot(x_, W_) + b_   # noqa: E731
    for i, (g, mine) in enumerate(zip((x, W, b), (dx, dW, db))):
        want = grad(lambda z: anp.sum(ag(*[z if j == i else v for j, v in enumerate((x, W, b))]) * dout))(g)
        assert rel_error(mine, want) <= 1e-9
    for name, arr, mine in (("x", x, dx), ("W", W, dW), ("b", b, db)):
        args = {"x": x, "W": W, "b": b}
        f = lambda z, name=name: nn.affine_forward(**{**args, name: z})[0]   # noqa: E731
        assert check_gradient(f, arr.copy(), mine, dout=dout).max_rel_error <= 1e-6
    assert all(np.array_equal(a, b_) for a, b_ in zip(before, [x, W, b]))


@pytest.mark.parametrize("name", list(ELEMENTWISE))
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(3, 4), (1, 6), (2, 3, 2)])
def test_elementwise_layers_agree_with_autograd_and_central_differences(name, seed, shape):
    """Does each activation's forward equal autograd's version and its backward agree with autograd
    (<= 1e-9) and central differences (<= 1e-6), inputs unchanged?"""
    forward, backward, ag = ELEMENTWISE[name]
    rng = np.random.default_rng(seed)
    x, dout = away_from_zero(rng, shape), rng.normal(size=shape)
    x_before, dout_before = x.copy(), dout.copy()
    out, cache = forward(x)
    assert rel_error(out, ag(x)) <= 1e-12
    dx = backward(dout, cache)
    assert rel_error(dx, vjp(ag, x, dout)) <= 1e-9
    assert check_gradient(lambda z: forward(z)[0], x.copy(), dx, dout=dout).max_rel_error <= 1e-6
    assert np.array_equal(x, x_before) and np.array_equal(dout, dout_before)


def test_relu_at_zero_counts_as_off():
    """At x = 0 exactly, does relu pass no gradient (the convention stated in the module)?"""
    x = np.array([[-1.0, 0.0, 2.0]])
    out, cache = nn.relu_forward(x)
    assert np.array_equal(out, [[0.0, 0.0, 2.0]])
    assert np.array_equal(nn.relu_backward(np.array([[5.0, 5.0, 5.0]]), cache), [[0.0, 0.0, 5.0]])


def test_sigmoid_does_not_overflow():
    """Is the sigmoid exact at +-800 (0 and 1) without a floating-point warning?"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, _ = nn.sigmoid_forward(np.array([-800.0, 0.0, 800.0]))
    assert np.array_equal(out, [0.0, 0.5, 1.0])


# --------------------------------------------------------------------------- the loss and the two-layer net
def ag_softmax(s, y):
    shifted = s - anp.max(s, axis=1, keepdims=True)
    logp = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    return -anp.sum(logp * np.eye(s.shape[1])[y]) / s.shape[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_loss_agrees_with_autograd(seed):
    """Do the softmax loss and its gradient (random dloss) agree with autograd, also for huge scores?"""
    rng = np.random.default_rng(seed)
    s, y, dloss = rng.normal(size=(5, 4)) * 3, rng.integers(0, 4, size=5), float(rng.normal())
    s[0] += 1000.0
    loss, cache = nn.softmax_loss_forward(s, y)
    assert loss == pytest.approx(float(ag_softmax(s, y)), rel=1e-12)
    assert rel_error(nn.softmax_loss_backward(dloss, cache), dloss * grad(ag_softmax)(s, y)) <= 1e-9


def ag_two_layer(p, X, y, reg):
    h = anp.dot(X, p["W1"]) + p["b1"]
    s = anp.dot(anp.maximum(0.0, h), p["W2"]) + p["b2"]
    return ag_softmax(s, y) + 0.5 * reg * (anp.sum(p["W1"] ** 2) + anp.sum(p["W2"] ** 2))


def net_case(rng, n=5, d=4, h=6, c=3):
    """Params, X, y with every hidden pre-activation at least 1e-3 away from the relu kink."""
    while True:
        p = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
             "W2": rng.normal(size=(h, c)), "b2": rng.normal(size=c)}
        X, y = rng.normal(size=(n, d)), rng.integers(0, c, size=n)
        if np.all(np.abs(X @ p["W1"] + p["b1"]) > 1e-3):
            return p, X, y


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, reg", [(5, 0.0), (5, 0.3), (1, 0.1)])
def test_two_layer_loss_agrees_with_autograd_and_central_differences(seed, n, reg):
    """Do the loss and all four gradients of the two-layer net agree with autograd (<= 1e-9)
    and central differences (<= 1e-6), with biases unpenalised?"""
    rng = np.random.default_rng(seed)
    p, X, y = net_case(rng, n=n)
    loss, grads = nn.two_layer_loss(p, X, y, reg)
    assert loss == pytest.approx(float(ag_two_layer(p, X, y, reg)), rel=1e-12)
    want = grad(ag_two_layer)(p, X, y, reg)
    for name in p:
        assert grads[name].shape == p[name].shape
        assert rel_error(grads[name], want[name]) <= 1e-9, name

        def f(z, name=name):
            return nn.two_layer_loss({**p, name: z}, X, y, reg)[0]
        assert rel_error(grads[name], numerical_gradient(f, p[name].copy())) <= 1e-6, name


def test_two_layer_loss_equals_the_general_mlp():
    """Is two_layer_loss the two-layer case of mlp_loss (same loss, same gradients)?"""
    p, X, y = net_case(np.random.default_rng(5))
    loss, grads = nn.two_layer_loss(p, X, y, 0.2)
    loss2, grads2 = mlp.mlp_loss(p, X, y, 0.2)
    assert loss == pytest.approx(loss2, rel=1e-14)
    assert all(np.allclose(grads[k], grads2[k], rtol=1e-13, atol=0) for k in p)


def test_train_two_layer_follows_the_stated_protocol():
    """Does train_two_layer leave its inputs alone and match train_mlp (same visiting order)
    step for step, including a last batch shorter than the others?"""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(23, 4)), rng.integers(0, 3, size=23)
    p0 = mlp.init_mlp((4, 6, 3), seed=1)
    before = {k: v.copy() for k, v in p0.items()}
    p1 = nn.train_two_layer(p0, X, y, learning_rate=0.2, batch_size=5, epochs=3, reg=0.01, seed=4)
    p2, _ = mlp.train_mlp(p0, X, y, learning_rate=0.2, batch_size=5, epochs=3, reg=0.01, seed=4)
    assert all(np.array_equal(p0[k], before[k]) for k in p0)
    assert all(np.allclose(p1[k], p2[k], rtol=1e-12, atol=1e-14) for k in p0)
    assert not np.allclose(p1["W1"], p0["W1"])


def test_train_two_layer_by_hand_for_one_epoch():
    """For one epoch, is every step W <- W - lr * dW on the batches order[k:k + batch_size]?"""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7)
    p = mlp.init_mlp((3, 4, 2), seed=2)
    order = np.random.default_rng(9).permutation(7)
    want = {k: v.copy() for k, v in p.items()}
    for start in (0, 3, 6):
        _, g = nn.two_layer_loss(want, X[order[start:start + 3]], y[order[start:start + 3]], 0.0)
        want = {k: want[k] - 0.5 * g[k] for k in want}
    got = nn.train_two_layer(p, X, y, learning_rate=0.5, batch_size=3, epochs=1, reg=0.0, seed=9)
    assert all(np.allclose(got[k], want[k], rtol=1e-13, atol=1e-15) for k in p)
