"""Tests of solutions/ch07_optimisers.py: update rules by hand computation and on a quadratic, schedules."""
import copy

import numpy as np
import pytest

from solutions import ch07_optimisers as O

W0 = np.array([1.0, -2.0])
DW1 = np.array([0.5, -0.25])
DW2 = np.array([-1.0, 0.5])


def two_steps(rule, config):
    """Apply ``rule`` with gradient DW1 then DW2 from W0; return (w1, w2, final config)."""
    w1, config = rule(W0, DW1, config)
    w2, config = rule(w1, DW2, config)
    return w1, w2, config


# --------------------------------------------------------------------------- by hand
def test_sgd_by_hand():
    """Is one SGD step w - lr * dw: (1, -2) - 0.1 * (0.5, -0.25) = (0.95, -1.975)?"""
    w1, w2, _ = two_steps(O.sgd, {"learning_rate": 0.1})
    assert w1 == pytest.approx([0.95, -1.975], rel=1e-14)
    assert w2 == pytest.approx([1.05, -2.025], rel=1e-14)


def test_momentum_by_hand():
    """With lr 0.1 and momentum 0.9: v1 = (-0.05, 0.025), w1 = (0.95, -1.975);
    v2 = 0.9 v1 - 0.1 dw2 = (0.055, -0.0275), w2 = (1.005, -2.0025)?"""
    w1, w2, cfg = two_steps(O.sgd_momentum, {"learning_rate": 0.1, "momentum": 0.9})
    assert w1 == pytest.approx([0.95, -1.975], rel=1e-14)
    assert cfg["velocity"] == pytest.approx([0.055, -0.0275], rel=1e-14)
    assert w2 == pytest.approx([1.005, -2.0025], rel=1e-14)


def test_nesterov_by_hand():
    """Look-ahead form: w1 = w0 + 0.9 v1 - 0.1 dw1 = (0.905, -1.9525);
    w2 = w1 + 0.9 v2 - 0.1 dw2 = (0.905 + 0.0495 + 0.1, -1.9525 - 0.02475 - 0.05)?"""
    w1, w2, cfg = two_steps(O.nesterov, {"learning_rate": 0.1, "momentum": 0.9})
    assert w1 == pytest.approx([0.905, -1.9525], rel=1e-14)
    assert cfg["velocity"] == pytest.approx([0.055, -0.0275], rel=1e-14)
    assert w2 == pytest.approx([1.0545, -2.02725], rel=1e-14)


def test_adagrad_by_hand():
    """With epsilon 0: the first step is lr * sign(dw); the cache then holds (1.25, 0.3125)
    and the second step is 0.1 * dw2 / sqrt(cache)."""
    w1, w2, cfg = two_steps(O.adagrad, {"learning_rate": 0.1, "epsilon": 0.0})
    assert w1 == pytest.approx([0.9, -1.9], rel=1e-14)
    assert cfg["cache"] == pytest.approx([1.25, 0.3125], rel=1e-14)
    assert w2 == pytest.approx([0.9 + 0.1 / np.sqrt(1.25), -1.9 - 0.05 / np.sqrt(0.3125)], rel=1e-14)


def test_rmsprop_by_hand():
    """With decay 0.9, epsilon 0: cache1 = 0.1 dw1^2, so step 1 is lr * sign(dw) / sqrt(0.1);
    cache2 = 0.9 cache1 + 0.1 dw2^2 = (0.1225, 0.030625), whose roots are (0.35, 0.175)."""
    cfg = {"learning_rate": 0.1, "decay_rate": 0.9, "epsilon": 0.0}
    w1, w2, cfg = two_steps(O.rmsprop, cfg)
    step1 = 0.1 / np.sqrt(0.1)
    assert w1 == pytest.approx([1.0 - step1, -2.0 + step1], rel=1e-14)
    assert cfg["cache"] == pytest.approx([0.1225, 0.030625], rel=1e-14)
    assert w2 == pytest.approx([1.0 - step1 + 0.1 / 0.35, -2.0 + step1 - 0.05 / 0.175], rel=1e-13)


def test_adam_by_hand():
    """With beta1 0.9, beta2 0.999, epsilon 0: bias correction makes step 1 exactly lr * sign(dw);
    at t = 2, m = (-0.055, 0.0275), v = 0.000999 dw1^2 + 0.001 dw2^2, corrected by 1 - 0.9^2 and 1 - 0.999^2."""
    cfg = {"learning_rate": 0.1, "beta1": 0.9, "beta2": 0.999, "epsilon": 0.0}
    w1, w2, cfg = two_steps(O.adam, cfg)
    assert w1 == pytest.approx([0.9, -1.9], rel=1e-14)
    assert cfg["t"] == 2
    m = np.array([-0.055, 0.0275])
    v = np.array([0.000999 * 0.25 + 0.001 * 1.0, 0.000999 * 0.0625 + 0.001 * 0.25])
    assert cfg["m"] == pytest.approx(m, rel=1e-13) and cfg["v"] == pytest.approx(v, rel=1e-13)
    m_hat, v_hat = m / (1 - 0.81), v / (1 - 0.998001)
    assert w2 == pytest.approx(np.array([0.9, -1.9]) - 0.1 * m_hat / np.sqrt(v_hat), rel=1e-13)


def test_adam_first_step_is_about_lr():
    """Whatever the size of the gradient (1e-3 to 1e3), is Adam's first step lr in every coordinate,
    where without bias correction it would be (1 - beta1) / sqrt(1 - beta2) = 3.16 times larger?"""
    dw = np.array([1e-3, -0.2, 5.0, -1e3])
    w1, _ = O.adam(np.zeros(4), dw, {"learning_rate": 0.01})
    assert np.abs(w1) == pytest.approx(np.full(4, 0.01), rel=1e-4)
    assert np.array_equal(np.sign(w1), -np.sign(dw))


# --------------------------------------------------------------------------- the interface
@pytest.mark.parametrize("name", O.RULES)
def test_rules_do_not_modify_their_inputs(name):
    """Do the rules leave w, dw and the config they were given untouched, returning new objects?"""
    rng = np.random.default_rng(0)
    w, dw = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    _, config = O.RULES[name](w, dw, {"learning_rate": 0.1})
    config_before = copy.deepcopy(config)
    w_before, dw_before = w.copy(), dw.copy()
    next_w, next_config = O.RULES[name](w, dw, config)
    assert np.array_equal(w, w_before) and np.array_equal(dw, dw_before)
    assert next_w is not w and next_config is not config
    assert config.keys() == config_before.keys()
    for key in config:
        assert np.array_equal(config[key], config_before[key]), key
    assert next_w.shape == w.shape


@pytest.mark.parametrize("name", O.RULES)
def test_rules_fill_in_defaults(name):
    """Called with no config at all, does every rule take a step using its defaults?"""
    w1, config = O.RULES[name](np.ones(3), np.ones(3))
    assert config["learning_rate"] == O.DEFAULTS["learning_rate"]
    assert np.all(w1 < 1.0)


# --------------------------------------------------------------------------- on a quadratic
A = np.array([[3.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.5]])
B = np.array([1.0, -2.0, 0.5])
W_STAR = np.linalg.solve(A, B)

SETTINGS = {"SGD": ({"learning_rate": 0.3}, 400), "momentum": ({"learning_rate": 0.05}, 400),
            "Nesterov": ({"learning_rate": 0.05}, 400), "Adagrad": ({"learning_rate": 0.5}, 2000),
            "RMSProp": ({"learning_rate": 0.01}, 2000), "Adam": ({"learning_rate": 0.02}, 2000)}


def quadratic(w):
    return 0.5 * w @ A @ w - B @ w


@pytest.mark.parametrize("name", O.RULES)
def test_rules_minimise_a_quadratic(name):
    """Does each rule drive f(w) = w^T A w / 2 - b^T w to its minimum A^-1 b?"""
    config, steps = SETTINGS[name]
    w = np.zeros(3)
    for _ in range(steps):
        w, config = O.RULES[name](w, A @ w - B, config)
    assert quadratic(w) - quadratic(W_STAR) < 1e-4
    assert np.abs(w - W_STAR).max() < 2e-2


# --------------------------------------------------------------------------- schedules
def test_step_decay_by_hand():
    """Does step annealing halve the rate after every 10 steps, and only then?"""
    t = np.array([0, 9, 10, 19, 20, 35])
    assert list(O.step_decay(1.0, t, drop=0.5, every=10)) == [1.0, 1.0, 0.5, 0.5, 0.25, 0.125]
    assert O.step_decay(0.3, 25, drop=0.1, every=10) == pytest.approx(0.003)


def test_exponential_decay_by_hand():
    """Is exponential decay lr0 * e^{-k t}: e^{-1} of the start after t = 1/k steps?"""
    assert O.exponential_decay(0.5, 0) == 0.5
    assert O.exponential_decay(0.5, 10, k=0.1) == pytest.approx(0.5 / np.e, rel=1e-14)


def test_inverse_time_decay_by_hand():
    """Does the 1/t schedule stay at lr0 up to t = tau, then fall to a half at 2 tau and a quarter at 4 tau?"""
    t = np.array([0, 5, 10, 20, 40])
    assert O.inverse_time_decay(0.8, t, tau=10) == pytest.approx([0.8, 0.8, 0.8, 0.4, 0.2], rel=1e-14)


# --------------------------------------------------------------------------- descent on the quartic
def test_descend_quartic_stops_next_to_the_minimum():
    """From x = 6 with step 0.01 and precision 1e-5, does the run stop within 1e-4 of 9/4, after
    as many updates as the chapter's general descent (descend_1d) makes?"""
    from solutions.ch07_optimisers_descent import descend_1d, dquartic
    x, steps = O.descend_quartic(6.0, 0.01, 1e-5)
    x_general, path = descend_1d(dquartic, 6.0, 0.01, precision=1e-5)
    assert abs(x - 9 / 4) < 1e-4 and isinstance(steps, int)
    assert x == x_general and steps == len(path) - 1


def test_descend_quartic_uses_the_derivative_of_the_quartic():
    """Is one update x - step * f'(x) with f' from HIPS autograd, and does the stop rule count the
    update whose move is below the precision?"""
    from autograd import grad
    f_prime = grad(lambda x: x ** 4 - 3 * x ** 3 + 2)
    for x0 in (6.0, 3.3, 0.7):
        x1, steps = O.descend_quartic(x0, 0.002, 1e9)          # any move stops: one update
        assert steps == 1 and x1 == pytest.approx(x0 - 0.002 * f_prime(x0), rel=1e-14)
    x, steps = O.descend_quartic(6.0, 0.01, 1e-5, max_steps=3)
    assert steps == 3


def test_smooth_schedules_by_hand():
    """exponential_decay is lr0 e^(-k t); inverse_time_decay is lr0 until tau, then lr0 tau / t?"""
    assert O.exponential_decay(0.5, 3, 0.2) == pytest.approx(0.5 * np.exp(-0.6), rel=1e-15)
    rates = [float(O.inverse_time_decay(1.0, t, 4)) for t in (0, 4, 8, 12)]
    assert rates == pytest.approx([1.0, 1.0, 0.5, 1 / 3], rel=1e-15)


def test_cosine_decay_by_hand():
    """Is cosine annealing lr0 at 0, the mean of lr0 and the floor halfway, the floor at and after total?"""
    rates = O.cosine_decay(0.2, np.array([0, 50, 100, 150]), total=100, floor=0.02)
    assert rates == pytest.approx([0.2, 0.11, 0.02, 0.02], rel=1e-14)
