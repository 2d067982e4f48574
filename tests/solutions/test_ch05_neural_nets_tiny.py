"""Tests of solutions/ch05_neural_nets_tiny.py: the two-layer net trained by pulls."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import rel_error
from solutions import ch04_svm as svm
from solutions import ch05_neural_nets_tiny as tiny


def ag_point_cost(p, point, label, reg):
    """max(0, 1 - y s) + reg/2 * (|W1|^2 + |w2|^2): the cost whose descent the pulls perform."""
    s = anp.dot(anp.maximum(0.0, anp.dot(point, p["W1"]) + p["b1"]), p["w2"]) + p["b2"]
    return anp.maximum(0.0, 1.0 - label * s) + 0.5 * reg * (anp.sum(p["W1"] ** 2) + anp.sum(p["w2"] ** 2))


@pytest.mark.parametrize("seed", range(6))
def test_pull_update_is_a_gradient_step(seed):
    """Is one pull update a step of -step_size times the autograd gradient of the per-point cost
    (hidden units and margin away from their kinks), leaving the inputs unchanged?"""
    rng = np.random.default_rng(seed)
    while True:
        p = tiny.init_tiny(4, seed=int(rng.integers(1000)))
        point, label = rng.normal(size=2) * 2, float(rng.choice([-1.0, 1.0]))
        h = point @ p["W1"] + p["b1"]
        s = float(tiny.tiny_scores(p, point[None])[0])
        if np.all(np.abs(h) > 1e-3) and abs(1 - label * s) > 1e-3:
            break
    before = {k: np.copy(v) for k, v in p.items()}
    new = tiny.tiny_update(p, point, label, step_size=0.05, reg=0.2)
    g = grad(ag_point_cost)({k: np.asarray(v, dtype=float) for k, v in p.items()}, point, label, 0.2)
    for k in p:
        assert rel_error(np.asarray(new[k]) - p[k], -0.05 * np.asarray(g[k])) <= 1e-9, k
        assert np.array_equal(p[k], before[k])


def test_tiny_net_learns_the_six_points():
    """With 3 hidden neurons, seed 0 and the SVM's 400 updates, does the net classify all six points?"""
    order = svm.random_order(6, 400, seed=0)
    p = tiny.train_tiny(svm.DATA, svm.LABELS, order, tiny.init_tiny(3, seed=0))
    assert tiny.accuracy(p, svm.DATA, svm.LABELS) == 1.0


def test_three_neurons_separate_circles_that_a_line_cannot():
    """On the disc-and-ring data, does the 3-neuron net (seed 1, 20000 pulls) classify every
    point, while the linear SVM stays below 80%?"""
    X, y = tiny.circles(200, seed=0)
    order = np.random.default_rng(1).integers(0, 200, size=20000)
    p = tiny.train_tiny(X, y, order, tiny.init_tiny(3, seed=1), step_size=0.01, reg=0.01)
    assert tiny.accuracy(p, X, y) == 1.0
    w = svm.train_svm(X, y, order, np.zeros(3), step_size=0.01, reg=0.01)
    assert svm.accuracy(w, X, y) < 0.8


def test_data_sets_are_balanced_and_seeded():
    """Are circles and two_moons balanced, of the asked size, and reproducible by seed?"""
    for make in (tiny.circles, tiny.two_moons):
        X, y = make(100, seed=3)
        assert X.shape == (100, 2) and np.sum(y == 1) == 50 and set(np.unique(y)) == {-1.0, 1.0}
        assert np.array_equal(X, make(100, seed=3)[0]) and not np.array_equal(X, make(100, seed=4)[0])
