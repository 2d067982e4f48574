"""Tests of solutions/ch05_neural_nets_quadratic.py: the delta recursion and mini-batch SGD."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import numerical_gradient, rel_error
from solutions import ch05_neural_nets_mlp as mlp
from solutions import ch05_neural_nets_quadratic as q


def ag_cost(weights, biases, X, Y):
    A = X
    for W, b in zip(weights, biases):
        A = 1.0 / (1.0 + anp.exp(-(anp.dot(W, A) + b)))
    return 0.5 * anp.sum((A - Y) ** 2)


@pytest.mark.parametrize("sizes, m", [((4, 5, 3), 6), ((3, 4, 4, 2), 1), ((2, 3, 2), 4)])
def test_backprop_agrees_with_autograd_and_central_differences(sizes, m):
    """Does the delta recursion give the gradients of the quadratic cost of a whole mini-batch,
    agreeing with autograd (<= 1e-9) and central differences (<= 1e-6)?"""
    rng = np.random.default_rng(m)
    weights, biases = q.init_network(sizes, seed=m)
    X, Y = rng.normal(size=(sizes[0], m)), q.one_hot(rng.integers(0, sizes[-1], size=m), sizes[-1])
    dW, db = q.backprop(weights, biases, X, Y)
    assert q.quadratic_cost(weights, biases, X, Y) == pytest.approx(float(ag_cost(weights, biases, X, Y)))
    gW, gb = grad(ag_cost, (0, 1))(weights, biases, X, Y)
    for l in range(len(weights)):
        assert dW[l].shape == weights[l].shape and db[l].shape == biases[l].shape
        assert rel_error(dW[l], gW[l]) <= 1e-9 and rel_error(db[l], gb[l]) <= 1e-9
        fw = lambda z, l=l: q.quadratic_cost(weights[:l] + [z] + weights[l + 1:], biases, X, Y)  # noqa
        fb = lambda z, l=l: q.quadratic_cost(weights, biases[:l] + [z] + biases[l + 1:], X, Y)   # noqa
        assert rel_error(dW[l], numerical_gradient(fw, weights[l].copy())) <= 1e-6
        assert rel_error(db[l], numerical_gradient(fb, biases[l].copy())) <= 1e-6


def test_batch_gradient_is_the_sum_of_per_example_gradients():
    """Is the matrix form over m columns the sum of m one-column backprops?"""
    rng = np.random.default_rng(0)
    weights, biases = q.init_network((3, 4, 2), seed=1)
    X, Y = rng.normal(size=(3, 5)), q.one_hot(rng.integers(0, 2, size=5), 2)
    dW, db = q.backprop(weights, biases, X, Y)
    parts = [q.backprop(weights, biases, X[:, [j]], Y[:, [j]]) for j in range(5)]
    for l in range(2):
        assert np.allclose(dW[l], sum(p[0][l] for p in parts), rtol=1e-12, atol=1e-14)
        assert np.allclose(db[l], sum(p[1][l] for p in parts), rtol=1e-12, atol=1e-14)


def test_update_uses_eta_over_batch_size_and_keeps_inputs():
    """Does a mini-batch step move each parameter by -eta/m times its summed gradient, returning
    new lists and leaving the old ones untouched?"""
    rng = np.random.default_rng(2)
    weights, biases = q.init_network((3, 4, 2), seed=2)
    before = [w.copy() for w in weights] + [b.copy() for b in biases]
    X, Y = rng.normal(size=(3, 4)), q.one_hot(rng.integers(0, 2, size=4), 2)
    dW, db = q.backprop(weights, biases, X, Y)
    W2, b2 = q.update_mini_batch(weights, biases, X, Y, eta=3.0)
    for l in range(2):
        assert np.allclose(W2[l], weights[l] - 0.75 * dW[l], rtol=0, atol=1e-15)
        assert np.allclose(b2[l], biases[l] - 0.75 * db[l], rtol=0, atol=1e-15)
    assert all(np.array_equal(a, b) for a, b in zip(before, weights + biases))


def test_evaluate_counts_argmax_hits():
    """Does evaluate count the columns whose largest output is the label?"""
    weights = [np.array([[10.0, 0.0], [0.0, 10.0]])]
    biases = [np.zeros((2, 1))]
    X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert q.evaluate(weights, biases, X, np.array([0, 1, 1])) == 2


def test_sigmoid_network_learns_digits():
    """Does a [64, 30, 10] sigmoid net with quadratic cost (eta 3, batch 10, 30 epochs, pixels in
    [0, 1]) classify at least 95% of the 360 test digits?"""
    Xtr, ytr, Xte, yte = mlp.load_digits_split(standardize=False)
    weights, biases = q.init_network((64, 30, 10), seed=0)
    _, _, correct = q.sgd(weights, biases, Xtr.T, ytr, epochs=30, batch_size=10, eta=3.0, seed=0,
                          X_test=Xte.T, labels_test=yte)
    print("quadratic sigmoid net, correct per epoch:", correct)
    assert correct[-1] / 360 >= 0.95
    assert correct[-1] > correct[0]
