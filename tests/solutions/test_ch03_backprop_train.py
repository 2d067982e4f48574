"""Tests of solutions/ch03_backprop_train.py and the engine's sgd_update: training the two-layer
regression network on the engine, against the same network written for HIPS autograd."""
import autograd.numpy as anp
import numpy as np
from autograd import grad

from autograder.datasets import wave, wave_start
from autograder.gradcheck import rel_error
from solutions.ch03_backprop_graph import Input, sgd_update
from solutions.ch03_backprop_train import PARAMS, train_graph


def autograd_cost(params, X, y):
    h = 1.0 / (1.0 + anp.exp(-(anp.dot(X, params["W1"]) + params["b1"])))
    return anp.mean((y - (anp.dot(h, params["W2"]) + params["b2"])) ** 2)


def test_training_is_gradient_descent_on_the_network_cost():
    """Do 50 epochs on the engine give the costs and weights of 50 full-batch gradient steps
    computed with HIPS autograd?"""
    X, y = wave()
    start = wave_start()
    trained, costs = train_graph(X, y, start, epochs=50, learning_rate=0.5)
    params, expected = dict(start), []
    for _ in range(50):
        expected.append(autograd_cost(params, X, y))
        g = grad(autograd_cost)(params, X, y)
        params = {k: params[k] - 0.5 * g[k] for k in PARAMS}
    assert rel_error(costs, np.array(expected)) < 1e-10
    for k in PARAMS:
        assert rel_error(trained[k], params[k]) < 1e-9


def test_the_course_run_reaches_its_target_and_leaves_the_start():
    """From wave_start(), do 800 epochs at 0.5 bring the cost from about 0.61 below 0.02, leaving the
    given arrays unchanged?"""
    X, y = wave()
    start = wave_start()
    keep = {k: v.copy() for k, v in start.items()}
    trained, costs = train_graph(X, y, start, epochs=800, learning_rate=0.5)
    assert 0.55 < costs[0] < 0.65
    assert autograd_cost(trained, X, y) < 0.02
    assert all(np.array_equal(start[k], keep[k]) for k in PARAMS)


def test_sgd_update_rebinds_and_leaves_the_fed_array():
    """Does sgd_update move value by -rate * gradient into a new array, the fed one unchanged?"""
    node = Input("w")
    fed = np.array([1.0, -2.0])
    node.value = fed
    node.gradients = {node: np.array([0.5, 0.25])}
    sgd_update([node], learning_rate=0.1)
    assert np.array_equal(node.value, [0.95, -2.025]) and np.array_equal(fed, [1.0, -2.0])
