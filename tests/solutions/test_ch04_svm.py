"""Tests of solutions/ch04_svm.py: the score circuit, the pull rule, training by pulls, the cost form."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import check_gradient, rel_error
from solutions import ch04_svm as svm

SEEDS = [0, 1, 2]


def ag_score(w, point):
    return w[0] * point[0] + w[1] * point[1] + w[2]


def ag_cost(w, X, y, alpha):
    """The cost written independently for autograd."""
    s = anp.dot(X, w[:2]) + w[2]
    return anp.sum(anp.maximum(0.0, 1.0 - y * s)) + alpha * anp.sum(w[:2] ** 2)


def cost_case(rng, n=7):
    """w (3,), X (N, 2), y (N,) with every margin y*s at least 1e-3 away from the hinge at 1."""
    y = rng.choice([-1.0, 1.0], size=n)
    while True:
        w = rng.normal(size=3)
        X = rng.normal(scale=1.5, size=(n, 2))
        if np.all(np.abs(1.0 - y * (X @ w[:2] + w[2])) > 1e-3):
            return w, X, y


# --------------------------------------------------------------------------- the score circuit
@pytest.mark.parametrize("seed", SEEDS)
def test_score_backward_agrees_with_autograd_and_central_differences(seed):
    """Do dw and dpoint of the score circuit agree with autograd (<= 1e-9) and with central
    differences (<= 1e-6) for a random upstream gradient?"""
    rng = np.random.default_rng(seed)
    w, point, ds = rng.normal(size=3), rng.normal(size=2), float(rng.normal())
    s, cache = svm.score_forward(w, point)
    assert abs(s - ag_score(w, point)) < 1e-15
    dw, dpoint = svm.score_backward(ds, cache)
    assert rel_error(dw, ds * grad(ag_score, 0)(w, point)) <= 1e-9
    assert rel_error(dpoint, ds * grad(ag_score, 1)(w, point)) <= 1e-9
    assert check_gradient(lambda z: ds * svm.score_forward(z, point)[0], w.copy(), dw).max_rel_error <= 1e-6
    assert check_gradient(lambda z: ds * svm.score_forward(w, z)[0], point.copy(), dpoint).max_rel_error <= 1e-6


# --------------------------------------------------------------------------- the pull rule
def test_pull_worked_examples():
    """From a = 1, b = -2, c = -1: does (1.2, 0.7), label +1, score -1.2 and get pulled up (+1),
    while (-0.3, 0.5), label -1, scores -2.3 and feels no pull?"""
    s1, _ = svm.score_forward(svm.W_INIT, np.array([1.2, 0.7]))
    s2, _ = svm.score_forward(svm.W_INIT, np.array([-0.3, 0.5]))
    assert s1 == pytest.approx(-1.2, abs=1e-12) and svm.svm_pull(s1, 1) == 1.0
    assert s2 == pytest.approx(-2.3, abs=1e-12) and svm.svm_pull(s2, -1) == 0.0


@pytest.mark.parametrize("score, label, pull", [
    (0.5, 1, 1.0), (-3.0, 1, 1.0), (1.0, 1, 0.0), (1.5, 1, 0.0),
    (-0.5, -1, -1.0), (3.0, -1, -1.0), (-1.0, -1, 0.0), (-1.5, -1, 0.0)])
def test_pull_rule_including_the_margin(score, label, pull):
    """Is the pull +1 below 1 for positives, -1 above -1 for negatives, and 0 on or beyond the margin?"""
    assert svm.svm_pull(score, label) == pull


@pytest.mark.parametrize("seed", SEEDS)
def test_update_is_the_closed_form(seed):
    """Does one update equal a += step (x pull - reg a), b += step (y pull - reg b), c += step pull,
    leaving its inputs untouched?"""
    rng = np.random.default_rng(seed)
    w, point = rng.normal(size=3), rng.normal(size=2)
    w_before, p_before = w.copy(), point.copy()
    for label in (1.0, -1.0):
        pull = svm.svm_pull(w[0] * point[0] + w[1] * point[1] + w[2], label)
        want = w + 0.05 * np.array([point[0] * pull - 0.3 * w[0], point[1] * pull - 0.3 * w[1], pull])
        assert np.allclose(svm.svm_update(w, point, label, step_size=0.05, reg=0.3), want, rtol=0, atol=1e-15)
    assert np.array_equal(w, w_before) and np.array_equal(point, p_before)


@pytest.mark.parametrize("seed", SEEDS)
def test_pull_update_is_a_gradient_step_on_the_per_point_cost(seed):
    """Is a pull update a step down max(0, 1 - y s) + reg/2 (a^2 + b^2), by autograd?"""
    rng = np.random.default_rng(seed)
    w, X, y = cost_case(rng, n=1)
    reg, step = 0.3, 0.01
    g = grad(lambda v: ag_cost(v, X, y, reg / 2))(w)
    assert rel_error(svm.svm_update(w, X[0], y[0], step, reg) - w, -step * g) <= 1e-9


# --------------------------------------------------------------------------- training by pulls
def test_training_reaches_100_percent():
    """With seed 0 and the material's start and step, does training accuracy reach 100% after
    302 updates and stay there through the 400th?"""
    order = svm.random_order(len(svm.LABELS), svm.ITERATIONS, seed=svm.SEED)
    path = svm.training_path(svm.DATA, svm.LABELS, order, svm.W_INIT)
    acc = np.array([svm.accuracy(w, svm.DATA, svm.LABELS) for w in path])
    assert acc[0] < 1.0
    assert int(np.argmax(acc == 1.0)) == 302
    assert np.all(acc[302:] == 1.0)
    assert np.array_equal(svm.train_svm(svm.DATA, svm.LABELS, order, svm.W_INIT), path[-1])


def test_training_accuracy_at_other_seeds():
    """Is 100% reached within 400 updates for the first ten seeds, not only the stated one?"""
    for seed in range(10):
        order = svm.random_order(6, 400, seed=seed)
        assert svm.accuracy(svm.train_svm(svm.DATA, svm.LABELS, order, svm.W_INIT),
                            svm.DATA, svm.LABELS) == 1.0, seed


def test_stiff_springs_misclassify_a_point():
    """With the material's spring stiffness 1, does the best compromise between springs and pulls
    leave (1.2, 0.7) on the wrong side? (A grid search for the minimum of the averaged cost.)"""
    a, b, c = np.meshgrid(np.linspace(0, 1.5, 61), np.linspace(-1, 1, 81), np.linspace(-1.5, 0.5, 81),
                          indexing="ij")
    W = np.stack([a.ravel(), b.ravel(), c.ravel()], axis=1)
    cost = np.maximum(0, 1 - svm.LABELS * (W[:, :2] @ svm.DATA.T + W[:, 2:])).mean(axis=1) \
        + 0.5 * (W[:, 0] ** 2 + W[:, 1] ** 2)
    best = W[np.argmin(cost)]
    assert svm.scores(best, svm.DATA[:1])[0] < 0


def test_training_does_not_modify_inputs():
    """Are X, y, order and w0 unchanged by training?"""
    order = svm.random_order(6, 50)
    args = [svm.DATA.copy(), svm.LABELS.copy(), order.copy(), svm.W_INIT.copy()]
    svm.train_svm(*args)
    for before, after in zip([svm.DATA, svm.LABELS, order, svm.W_INIT], args):
        assert np.array_equal(before, after)


# --------------------------------------------------------------------------- the cost form
def test_cost_worked_example():
    """Does the worked example give costs 0.440, 1.370, 0.000, regularization 0.005, total 1.815?"""
    costs = svm.hinge_costs(svm.COST_W, svm.COST_X, svm.COST_Y)
    assert np.allclose(costs, [0.440, 1.370, 0.000], rtol=0, atol=1e-12)
    assert svm.regularization_cost(svm.COST_W, svm.COST_ALPHA) == pytest.approx(0.005, abs=1e-15)
    total, _ = svm.svm_cost_forward(svm.COST_W, svm.COST_X, svm.COST_Y, svm.COST_ALPHA)
    assert total == pytest.approx(1.815, abs=1e-12)
    assert [f"{v:.3f}" for v in [*costs, total]] == ["0.440", "1.370", "0.000", "1.815"]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [1, 7])
def test_cost_gradient_agrees_with_autograd_and_central_differences(seed, n):
    """Does dw agree with autograd (<= 1e-9) and central differences (<= 1e-6), for a random
    upstream gradient, with the bias c left out of the penalty?"""
    rng = np.random.default_rng(seed)
    w, X, y = cost_case(rng, n)
    alpha, dcost = 0.25, float(rng.uniform(0.5, 2.0))
    cost, cache = svm.svm_cost_forward(w, X, y, alpha)
    assert cost == pytest.approx(float(ag_cost(w, X, y, alpha)), rel=1e-13)
    dw = svm.svm_cost_backward(dcost, cache)
    assert rel_error(dw, dcost * grad(ag_cost)(w, X, y, alpha)) <= 1e-9
    res = check_gradient(lambda v: dcost * svm.svm_cost_forward(v, X, y, alpha)[0], w.copy(), dw)
    assert res.passed and res.max_rel_error <= 1e-6


def test_cost_gradient_at_the_margin():
    """A point exactly on its margin (y s = 1) adds nothing to dw (the pull rule's convention)."""
    X, y, w = np.array([[1.0, 0.0]]), np.array([1.0]), np.array([0.5, 0.0, 0.5])
    _, cache = svm.svm_cost_forward(w, X, y, 0.0)
    assert np.array_equal(svm.svm_cost_backward(1.0, cache), np.zeros(3))


def test_descending_the_cost_classifies_the_six_points():
    """Does gradient descent on the summed cost (alpha = 6 * 0.1 / 2) reach 100% and lower the cost?"""
    path, costs = svm.descend_cost(svm.DATA, svm.LABELS, svm.W_INIT, alpha=0.3, step_size=0.01, steps=300)
    assert svm.accuracy(path[-1], svm.DATA, svm.LABELS) == 1.0
    assert costs[-1] < costs[0] / 5
