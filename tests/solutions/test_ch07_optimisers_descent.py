"""Tests of solutions/ch07_optimisers_descent.py: the 1-D worked example, test surfaces, mini-batches."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import check_gradient, rel_error
from solutions import ch07_optimisers as O
from solutions import ch07_optimisers_descent as D


def test_quartic_descent_reaches_nine_quarters():
    """Does gradient descent on x^4 - 3x^3 + 2 from x = 6 with step 0.01 stop at 2.249965, within
    1e-4 of the minimum 9/4, as in the material?"""
    x, path = D.descend_1d(D.dquartic, 6.0, 0.01, precision=1e-5)
    assert f"{x:.6f}" == "2.249965"
    assert abs(x - 9 / 4) < 1e-4
    assert path[0] == 6.0 and path[-1] == x
    assert abs(D.dquartic(9 / 4)) == 0.0 and D.quartic(9 / 4) < D.quartic(x) + 1e-9


def test_quartic_derivative_agrees_with_autograd():
    """Is dquartic the derivative of quartic, by autograd and by central differences?"""
    for x0 in (-1.3, 0.4, 2.0, 6.0):
        assert rel_error(D.dquartic(x0), grad(lambda x: x ** 4 - 3 * x ** 3 + 2)(x0)) <= 1e-12
        x = np.array([x0])
        assert check_gradient(lambda z: D.quartic(z[0]), x, np.array([D.dquartic(x0)])).passed


def test_step_sizes_that_diverge_or_crawl():
    """Does a step of 0.1 from x = 6 diverge, and a step of 0.0005 still sit far from 9/4 after 200 steps?"""
    x, path = D.descend_1d(D.dquartic, 6.0, 0.1)
    assert not np.isfinite(x) or abs(x) > 1e6
    x, path = D.descend_1d(D.dquartic, 6.0, 0.0005, max_steps=200)
    assert len(path) == 201 and abs(x - 9 / 4) > 0.1


@pytest.mark.parametrize("point", [(-1.5, 2.0), (0.3, -0.7), (1.2, 0.9)])
def test_surface_gradients_agree_with_autograd(point):
    """Do the bowl's and Rosenbrock's gradients agree with autograd and central differences?"""
    p = np.array(point)

    def ag_rosen(q):
        return (1 - q[0]) ** 2 + 100 * (q[1] - q[0] ** 2) ** 2

    def ag_bowl(q):
        return 0.5 * (q[0] ** 2 + 25.0 * q[1] ** 2)
    for surface, ag in ((D.rosenbrock, ag_rosen), (D.elongated_bowl, ag_bowl)):
        value, g = surface(p)
        assert value == pytest.approx(float(ag(anp.array(p))), rel=1e-14)
        assert rel_error(g, grad(ag)(p)) <= 1e-9
        assert check_gradient(lambda z: surface(z)[0], p, g).max_rel_error <= 1e-6
    assert D.rosenbrock(np.array([1.0, 1.0]))[0] == 0.0


def test_trajectory_returns_the_path():
    """Does trajectory return every point from the start on, with the surface's value at each?"""
    path, losses = D.trajectory(O.sgd_momentum, D.elongated_bowl, [-4.0, 1.0], 200, {"learning_rate": 0.02})
    assert path.shape == (201, 2) and losses.shape == (201,)
    assert np.array_equal(path[0], [-4.0, 1.0])
    assert losses[0] == D.elongated_bowl(path[0])[0] and losses[-1] == D.elongated_bowl(path[-1])[0]
    assert losses[-1] < 1e-3


def test_momentum_beats_sgd_in_the_valley():
    """On the elongated bowl, at the largest stable SGD rate, does momentum get much closer in 60 steps?"""
    _, sgd_losses = D.trajectory(O.sgd, D.elongated_bowl, [-4.0, 1.0], 60, {"learning_rate": 0.035})
    _, mom_losses = D.trajectory(O.nesterov, D.elongated_bowl, [-4.0, 1.0], 60, {"learning_rate": 0.02})
    assert mom_losses[-1] < sgd_losses[-1] / 10


def test_trajectory_stops_when_it_diverges():
    """Does a run whose step is too large for the bowl stop early instead of overflowing?"""
    path, losses = D.trajectory(O.sgd, D.elongated_bowl, [-4.0, 1.0], 10_000, {"learning_rate": 0.1})
    assert len(path) == len(losses) < 10_001
    assert np.all(np.isfinite(path))


def test_momentum_reaches_rosenbrock_minimum():
    """Does momentum with a small step find the bottom (1, 1) of Rosenbrock's valley from (-1.5, 2)?"""
    path, losses = D.trajectory(O.sgd_momentum, D.rosenbrock, [-1.5, 2.0], 3000, {"learning_rate": 4e-4})
    assert np.abs(path[-1] - 1.0).max() < 0.05 and losses[-1] < 1e-3


def test_minibatches_cover_every_example_once():
    """Do the mini-batches of one epoch partition range(n), the last one possibly smaller?"""
    batches = list(D.minibatches(10, 4, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches)) == list(range(10))


@pytest.mark.parametrize("batch_size", [1, 8, 64])
def test_fit_regression_approaches_least_squares(batch_size):
    """Does mini-batch SGD on the MSE approach the least-squares weights, whatever the batch size?"""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    t = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=64)
    w, losses = D.fit_regression(X, t, batch_size=batch_size, epochs=40,
                                 config={"learning_rate": 0.02 if batch_size == 1 else 0.1})
    best = np.linalg.lstsq(X, t, rcond=None)[0]
    assert len(losses) == 1 + 40 * int(np.ceil(64 / batch_size))
    assert np.abs(w - best).max() < 0.05 and losses[-1] < 2 * np.mean((X @ best - t) ** 2)
