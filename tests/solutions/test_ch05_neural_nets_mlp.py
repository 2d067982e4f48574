"""Tests of solutions/ch05_neural_nets_mlp.py: deep nets, initialisation and the digits benchmark."""
import time

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import numerical_gradient, rel_error
from solutions import ch05_neural_nets_mlp as mlp

AG_ACT = {"relu": lambda x: anp.maximum(0.0, x), "leaky_relu": lambda x: anp.where(x > 0, x, 0.01 * x),
          "sigmoid": lambda x: 1.0 / (1.0 + anp.exp(-x)), "tanh": anp.tanh}


def ag_mlp_loss(p, X, y, reg, act):
    L = len(p) // 2
    out = X
    for l in range(1, L + 1):
        out = anp.dot(out, p[f"W{l}"]) + p[f"b{l}"]
        if l < L:
            out = AG_ACT[act](out)
    shifted = out - anp.max(out, axis=1, keepdims=True)
    logp = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    data = -anp.sum(logp * np.eye(out.shape[1])[y]) / X.shape[0]
    return data + 0.5 * reg * sum(anp.sum(p[f"W{l}"] ** 2) for l in range(1, L + 1))


def pre_activations(p, X, act):
    """Every hidden pre-activation of the net (to keep test inputs away from kinks)."""
    L, out, pre = len(p) // 2, X, []
    for l in range(1, L):
        out = out @ p[f"W{l}"] + p[f"b{l}"]
        pre.append(out.ravel())
        out = np.asarray(AG_ACT[act](out))
    return np.concatenate(pre)


@pytest.mark.parametrize("act", list(AG_ACT))
@pytest.mark.parametrize("sizes", [(4, 5, 3), (3, 6, 5, 4), (2, 3, 3, 3, 2)])
def test_mlp_loss_agrees_with_autograd_and_central_differences(act, sizes):
    """For nets of 2 to 4 layers and each activation, do all gradients agree with autograd (<= 1e-9)
    and central differences (<= 1e-6)?"""
    rng = np.random.default_rng(len(sizes))
    while True:
        p = mlp.init_mlp(sizes, "xavier", seed=int(rng.integers(1000)))
        p = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in p.items()}   # nonzero biases
        X, y = rng.normal(size=(6, sizes[0])), rng.integers(0, sizes[-1], size=6)
        if np.all(np.abs(pre_activations(p, X, act)) > 1e-3):
            break
    loss, grads = mlp.mlp_loss(p, X, y, 0.05, act)
    assert loss == pytest.approx(float(ag_mlp_loss(p, X, y, 0.05, act)), rel=1e-12)
    want = grad(ag_mlp_loss)(p, X, y, 0.05, act)
    for name in p:
        assert rel_error(grads[name], want[name]) <= 1e-9, name
        num = numerical_gradient(lambda z, name=name: mlp.mlp_loss({**p, name: z}, X, y, 0.05, act)[0],
                                 p[name].copy())
        assert rel_error(grads[name], num) <= 1e-6, name


def test_mlp_backward_returns_the_input_gradient():
    """Is dX of mlp_backward the gradient of sum(scores * dscores) with respect to X (autograd)?"""
    rng = np.random.default_rng(3)
    p = mlp.init_mlp((3, 4, 2), "xavier", seed=0)
    X, dscores = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    _, caches = mlp.mlp_forward(p, X, "tanh")
    dX, _ = mlp.mlp_backward(dscores, caches, "tanh")
    f = lambda Z: anp.sum((anp.dot(anp.tanh(anp.dot(Z, p["W1"]) + p["b1"]), p["W2"]) + p["b2"]) * dscores)  # noqa
    assert rel_error(dX, grad(f)(X)) <= 1e-9


@pytest.mark.parametrize("scheme, std", [("he", lambda i, o: np.sqrt(2 / i)),
                                         ("xavier", lambda i, o: np.sqrt(2 / (i + o))),
                                         ("small", lambda i, o: 0.01)])
def test_initialisation_scales(scheme, std):
    """Do He, Xavier and small initialisations give weights of the stated spread, zero biases,
    the stated shapes, and the same numbers for the same seed?"""
    p = mlp.init_mlp((400, 300, 10), scheme, seed=0)
    assert p["W1"].shape == (400, 300) and p["b1"].shape == (300,) and p["W2"].shape == (300, 10)
    assert np.all(p["b1"] == 0) and np.all(p["b2"] == 0)
    assert p["W1"].std() == pytest.approx(std(400, 300), rel=0.02)
    assert abs(p["W1"].mean()) < 0.05 * std(400, 300)
    if scheme == "xavier":
        assert np.abs(p["W1"]).max() <= np.sqrt(6 / 700)
    assert np.array_equal(p["W1"], mlp.init_mlp((400, 300, 10), scheme, seed=0)["W1"])


def test_digits_split():
    """Is the digits split 1437 / 360, disjoint, with standardised training pixels?"""
    Xtr, ytr, Xte, yte = mlp.load_digits_split()
    assert Xtr.shape == (1437, 64) and Xte.shape == (360, 64) and ytr.shape == (1437,)
    assert np.allclose(Xtr.mean(axis=0), 0, atol=1e-12)
    assert set(np.unique(ytr)) == set(range(10)) == set(np.unique(yte))
    rows = {tuple(r) for r in np.round(Xtr, 9)}
    raw_tr, _, raw_te, _ = mlp.load_digits_split(standardize=False)
    assert raw_tr.min() == 0 and raw_tr.max() == 1
    assert len(rows) > 1000 and not np.array_equal(raw_tr[:360], raw_te)


def test_digits_mlp_reaches_97_percent():
    """Does the benchmark 64-100-10 ReLU net (He init, SGD lr 0.1, batch 32, 20 epochs, split seed 0)
    reach at least 97% test accuracy, in well under 10 s of training on this machine?"""
    start = time.perf_counter()
    _, history, _ = mlp.train_digits()
    seconds = time.perf_counter() - start
    print(f"digits MLP: test accuracy {history['test_acc'][-1]:.4f}, {seconds:.2f} s")
    assert mlp.DIGITS["sizes"] == (64, 100, 10)
    assert history["test_acc"][-1] >= 0.97
    assert history["loss"][-1] < history["loss"][0] / 5
    assert seconds < 30   # about 0.4 s on an idle core; generous for a loaded machine
