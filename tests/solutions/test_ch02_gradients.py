"""Tests of solutions/ch02_gradients.py: numerical gradients, relative error, error against h, cost."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder import gradcheck
from solutions import ch02_gradients as c2


def smooth(x):
    """A scalar test function of an array, with cross terms (autograd-compatible)."""
    return anp.sum(anp.sin(x) * anp.exp(0.3 * x)) + anp.sum(x[..., :-1] * x[..., 1:])


# --------------------------------------------------------------------------- numerical gradients
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2), (1, 1)])
def test_numerical_gradient_agrees_with_autograd_and_gradcheck(shape):
    """Does the teaching central difference agree with autograd (<= 1e-8) and with
    autograder.gradcheck's version (<= 1e-12) on arrays of several shapes?"""
    x = np.random.default_rng(0).normal(size=shape)
    ours = c2.numerical_gradient(smooth, x.copy())
    assert c2.rel_error(ours, grad(smooth)(x)) <= 1e-8
    assert c2.rel_error(ours, gradcheck.numerical_gradient(smooth, x.copy())) <= 1e-12


def test_forward_difference_is_first_order():
    """Is the forward difference's error about h/2 * f'' (first order), while central is far smaller?"""
    x = np.array([0.7, -0.4, 1.3])
    exact = np.exp(x)
    fwd = c2.forward_difference(lambda z: np.sum(np.exp(z)), x.copy(), h=1e-4)
    cen = c2.numerical_gradient(lambda z: np.sum(np.exp(z)), x.copy(), h=1e-4)
    # for exp, f'' = f', so the relative error of a forward difference is h/2 to first order
    assert np.allclose((fwd - exact) / exact, 0.5e-4, rtol=1e-3)
    assert c2.rel_error(cen, exact) < 1e-8


def test_numerical_gradient_array_agrees_with_autograd_and_gradcheck():
    """With an upstream gradient, does the array version agree with autograd's vector-Jacobian
    product (<= 1e-8) and with gradcheck.numerical_gradient_array (<= 1e-9: the two subtract
    in a different order, so they differ by round-off of order eps / h)?"""
    rng = np.random.default_rng(1)
    x, m, dout = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))

    def f(z):
        return anp.dot(anp.tanh(z), m)
    ours = c2.numerical_gradient_array(f, x.copy(), dout)
    assert c2.rel_error(ours, grad(lambda z: anp.sum(f(z) * dout))(x)) <= 1e-8
    assert c2.rel_error(ours, gradcheck.numerical_gradient_array(f, x.copy(), dout)) <= 1e-9


def test_numerical_gradients_restore_their_input():
    """Is x exactly as before after each method, and after f raises midway?"""
    x = np.random.default_rng(2).normal(size=(2, 3))
    before = x.copy()
    c2.forward_difference(smooth, x)
    c2.numerical_gradient(smooth, x)
    c2.numerical_gradient_array(np.sin, x, np.ones((2, 3)))
    assert np.array_equal(x, before)
    calls = c2.CountingFunction(lambda z: np.sum(z) if calls.calls < 4 else 1 / 0)
    with pytest.raises(ZeroDivisionError):
        c2.numerical_gradient(calls, x)
    assert np.array_equal(x, before)


def test_array_version_copies_outputs_that_are_views():
    """If f returns a view of x (f = identity), is the gradient still dout?"""
    x = np.random.default_rng(3).normal(size=(2, 3))
    dout = np.random.default_rng(4).normal(size=(2, 3))
    assert c2.rel_error(c2.numerical_gradient_array(lambda z: z, x, dout), dout) < 1e-9


def test_counts_of_function_calls():
    """Does a central difference cost 2N calls and a forward difference N + 1?"""
    x = np.zeros((3, 5))
    f = c2.CountingFunction(np.sum)
    c2.numerical_gradient(f, x)
    assert f.calls == 30
    f = c2.CountingFunction(np.sum)
    c2.forward_difference(f, x)
    assert f.calls == 16


# --------------------------------------------------------------------------- relative error
def test_rel_error_matches_gradcheck_and_its_definition():
    """Does rel_error equal gradcheck.rel_error, read 0 for equal arrays (zeros included),
    1 for opposite ones, and use the 1e-8 floor for tiny numbers?"""
    rng = np.random.default_rng(5)
    for _ in range(10):
        a = rng.normal(size=(4, 3))
        b = a + rng.normal(size=(4, 3)) * 10.0 ** rng.integers(-12, 0)
        assert c2.rel_error(a, b) == pytest.approx(gradcheck.rel_error(a, b), rel=1e-15)
    assert c2.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert c2.rel_error(np.array([2.0, -3.0]), np.array([-2.0, 3.0])) == 1.0
    assert c2.rel_error(1e-12, 3e-12) == pytest.approx(2e-12 / 1e-8)
    assert c2.rel_error(2.0, 1.0) == pytest.approx(1 / 3)


# --------------------------------------------------------------------------- error against h
def test_error_versus_h_shows_truncation_and_round_off():
    """On exp at x0 = 1: does central beat forward at its best h, are the best steps near
    sqrt(eps) and cbrt(eps), do errors fall with slopes ~1 and ~2 at large h and rise at tiny h?"""
    hs, fwd, cen = c2.error_versus_h(np.exp, np.exp, 1.0)
    assert hs.shape == fwd.shape == cen.shape == (57,)
    best_f, best_c = hs[np.argmin(fwd)], hs[np.argmin(cen)]
    assert 1e-10 <= best_f <= 1e-6 and 1e-7 <= best_c <= 1e-3
    assert cen.min() < 1e-9 < fwd.min() < 1e-6
    big = (hs >= 1e-4) & (hs <= 1e-2)                     # truncation regime
    slope_f = np.polyfit(np.log10(hs[big]), np.log10(fwd[big]), 1)[0]
    slope_c = np.polyfit(np.log10(hs[big]), np.log10(cen[big]), 1)[0]
    assert slope_f == pytest.approx(1.0, abs=0.05) and slope_c == pytest.approx(2.0, abs=0.05)
    assert fwd[0] > 1e-3 and cen[0] > 1e-3                # round-off dominates at h = 1e-15
    assert c2.best_h("central") == pytest.approx(6.06e-6, rel=1e-2)


def test_predicted_error_brackets_the_measured_minimum():
    """Is the measured error of central differences at most a few times the model's sum?"""
    hs, _, cen = c2.error_versus_h(np.exp, np.exp, 1.0)
    trunc, rnd = c2.predicted_error(hs, "central", f0=np.e, d3=np.e)
    ratio = cen * np.e / (trunc + rnd)                    # measured absolute / predicted absolute
    assert np.all(ratio < 10)
    with pytest.raises(ValueError):
        c2.predicted_error(hs, "backward", f0=1.0)


def test_gradient_cost_counts_two_calls_per_parameter():
    """Does the measured numerical gradient take 2N forward passes and agree with the analytic one?"""
    cost = c2.gradient_cost(20, repeat=1)
    assert cost["calls"] == 40
    assert cost["rel_error"] < 1e-7
    assert min(cost["seconds_forward"], cost["seconds_numeric"], cost["seconds_analytic"]) > 0


# --------------------------------------------------------------------------- three expressions
def test_reuse_backward_agrees_with_autograd_and_gradcheck():
    """Does the backward of (x + y) * x, with x on two wires, agree with autograd and central differences?"""
    rng = np.random.default_rng(6)
    x, y, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    out, cache = c2.reuse_forward(x, y)
    dx, dy = c2.reuse_backward(dout, cache)
    assert np.allclose(out, (x + y) * x, rtol=0, atol=0)
    assert c2.rel_error(dx, grad(lambda z: anp.sum((z + y) * z * dout))(x)) <= 1e-9
    assert c2.rel_error(dy, grad(lambda z: anp.sum((x + z) * x * dout))(y)) <= 1e-9
    assert gradcheck.check_gradient(lambda z: c2.reuse_forward(z, y)[0], x.copy(), dx, dout=dout).passed
    assert gradcheck.check_gradient(lambda z: c2.reuse_forward(x, z)[0], y.copy(), dy, dout=dout).passed


@pytest.mark.parametrize("n, d, m", [(4, 3, 5), (1, 6, 2), (3, 3, 3)])
def test_tanh_layer_backward_agrees_with_autograd_and_gradcheck(n, d, m):
    """Does the backward of tanh(x @ W) agree with autograd (<= 1e-9) and central differences (<= 1e-6)?"""
    rng = np.random.default_rng(7)
    x, w, dout = rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=(n, m))
    out, cache = c2.tanh_layer_forward(x, w)
    dx, dw = c2.tanh_layer_backward(dout, cache)
    assert dx.shape == x.shape and dw.shape == w.shape
    assert c2.rel_error(dx, grad(lambda z: anp.sum(anp.tanh(anp.dot(z, w)) * dout))(x)) <= 1e-9
    assert c2.rel_error(dw, grad(lambda z: anp.sum(anp.tanh(anp.dot(x, z)) * dout))(w)) <= 1e-9
    for var, g, f in [(x, dx, lambda z: c2.tanh_layer_forward(z, w)[0]),
                      (w, dw, lambda z: c2.tanh_layer_forward(x, z)[0])]:
        res = gradcheck.check_gradient(f, var.copy(), g, dout=dout)
        assert res.passed and res.max_rel_error <= 1e-6, res.message


@pytest.mark.parametrize("n, d", [(3, 4), (1, 5), (6, 1)])
def test_row_norm_backward_agrees_with_autograd_and_gradcheck(n, d):
    """Does the backward of the row norms agree with autograd and central differences, batch of 1 included?"""
    rng = np.random.default_rng(8)
    x, dout = rng.normal(size=(n, d)), rng.normal(size=n)
    out, cache = c2.row_norm_forward(x)
    (dx,) = c2.row_norm_backward(dout, cache)
    assert out.shape == (n,) and dx.shape == (n, d)
    assert c2.rel_error(out, np.linalg.norm(x, axis=1)) <= 1e-14
    assert c2.rel_error(dx, grad(lambda z: anp.sum(anp.sqrt(anp.sum(z ** 2, axis=1)) * dout))(x)) <= 1e-9
    res = gradcheck.check_gradient(lambda z: c2.row_norm_forward(z)[0], x.copy(), dx, dout=dout)
    assert res.passed and res.max_rel_error <= 1e-6, res.message


def test_backwards_do_not_mutate_inputs():
    """Do forward and backward leave their input arrays unchanged?"""
    rng = np.random.default_rng(9)
    x, w, dout = rng.normal(size=(2, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2, 2))
    saved = [a.copy() for a in (x, w, dout)]
    c2.tanh_layer_backward(dout, c2.tanh_layer_forward(x, w)[1])
    c2.row_norm_backward(dout[:, 0], c2.row_norm_forward(x)[1])
    c2.reuse_backward(x, c2.reuse_forward(x, x)[1])
    assert all(np.array_equal(a, b) for a, b in zip((x, w, dout), saved))
