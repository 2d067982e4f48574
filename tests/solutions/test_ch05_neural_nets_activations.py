"""Tests of solutions/ch05_neural_nets_activations.py: hard tanh, softsign, Xavier and He
initialisation, preprocessing fitted on the training set."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import elementwise_grad

from autograder.gradcheck import numerical_gradient_array, rel_error
from solutions import ch05_neural_nets_activations as act


def _x(seed, shape=(5, 7), kinks=(0.0,)):
    x = np.random.default_rng(seed).normal(scale=2.0, size=shape)
    for k in kinks:
        x[np.abs(x - k) < 1e-3] += 2e-3
    return x


@pytest.mark.parametrize("name, ag_forward, kinks", [
    ("hard_tanh", lambda x: anp.clip(x, -1.0, 1.0), (-1.0, 1.0)),
    ("softsign", lambda x: x / (1.0 + anp.abs(x)), (0.0,))])
def test_backward_agrees_with_autograd_and_central_differences(name, ag_forward, kinks):
    """Away from the kinks, does each backward pass agree with autograd (<= 1e-12) and central
    differences (<= 1e-7) for a random upstream gradient, and the forward with autograd's function?"""
    forward, backward = getattr(act, name + "_forward"), getattr(act, name + "_backward")
    x = _x(1, kinks=kinks)
    dout = np.random.default_rng(2).normal(size=x.shape)
    out, cache = forward(x)
    assert np.allclose(out, ag_forward(x), rtol=0, atol=1e-15)
    dx = backward(dout, cache)
    assert rel_error(dx, dout * elementwise_grad(ag_forward)(x)) <= 1e-12
    assert rel_error(dx, numerical_gradient_array(lambda z: forward(z)[0], x.copy(), dout)) <= 1e-7


def test_hard_tanh_passes_the_gradient_on_its_kinks_and_blocks_it_outside():
    """At x = -1 and 1 exactly does the gradient pass (the module's stated convention), and is it
    blocked beyond?"""
    x = np.array([-1.5, -1.0, 0.3, 1.0, 1.5])
    assert act.hard_tanh_backward(np.full(5, 2.0), x).tolist() == [0.0, 2.0, 2.0, 2.0, 0.0]


def test_softsign_slope_is_continuous_at_zero():
    """Is softsign's slope 1 at 0, the limit of both one-sided slopes?"""
    h = 1e-7
    right = (act.softsign_forward(np.array(h))[0] - 0.0) / h
    assert act.softsign_backward(np.array(1.0), np.array(0.0)) == 1.0 and abs(right - 1.0) < 1e-6


@pytest.mark.parametrize("fan_in, fan_out", [(300, 200), (50, 400)])
def test_initialisations_draw_their_stated_laws(fan_in, fan_out):
    """Do Xavier (uniform, variance 2 / (fan_in + fan_out), within its bound) and He (normal,
    variance 2 / fan_in) draw what they state, reproducibly from the generator they are handed?"""
    xw = act.xavier_init(fan_in, fan_out, np.random.default_rng(0))
    hw = act.he_init(fan_in, fan_out, np.random.default_rng(0))
    assert xw.shape == hw.shape == (fan_in, fan_out)
    assert abs(xw.var() * (fan_in + fan_out) / 2 - 1) < 0.03 and abs(hw.var() * fan_in / 2 - 1) < 0.03
    assert np.abs(xw).max() <= np.sqrt(6.0 / (fan_in + fan_out))
    assert abs(np.mean(np.abs(hw) <= hw.std()) - 0.6827) < 0.01
    assert np.array_equal(hw, act.he_init(fan_in, fan_out, np.random.default_rng(0)))


def test_preprocess_uses_training_statistics_only():
    """Is the training output centred with unit spread per feature, and is the test set moved by the
    same affine map (so a test row equal to a training row maps to the same output)?"""
    rng = np.random.default_rng(3)
    X_train = rng.normal(size=(50, 4)) * [1.0, 5.0, 0.1, 2.0] + [3.0, -1.0, 0.0, 7.0]
    X_test = np.vstack([X_train[:2], rng.normal(size=(3, 4)) + 10.0])
    before = X_test.copy()
    train, test = act.preprocess(X_train, X_test)
    assert np.allclose(train.mean(axis=0), 0.0, atol=1e-12) and np.allclose(train.std(axis=0), 1.0, atol=1e-6)
    assert np.allclose(test[:2], train[:2], rtol=0, atol=1e-12)
    assert np.all(test[2:].mean(axis=0) > 1.0) and np.array_equal(X_test, before)
