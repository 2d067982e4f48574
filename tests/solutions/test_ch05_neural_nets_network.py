"""Tests of solutions/ch05_neural_nets_network.py: Nielsen's Network, rank_weights and restarts."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import compare_gradients, numerical_gradient, rel_error
from solutions import ch05_neural_nets_network as nw
from solutions import ch05_neural_nets_quadratic as q


def ag_cost(weights, biases, x, y):
    a = x
    for W, b in zip(weights, biases):
        a = 1.0 / (1.0 + anp.exp(-(anp.dot(W, a) + b)))
    return 0.5 * anp.sum((a - y) ** 2)


@pytest.mark.parametrize("sizes", [(3, 2), (4, 5, 3), (2, 3, 4, 2), (3, 2, 2, 3, 2)])
def test_backprop_agrees_with_autograd_and_central_differences(sizes):
    """Does backprop give the gradients of C_x = 1/2 ||a^L - y||^2 for one column, at any depth,
    agreeing with autograd (<= 1e-9) and with central differences (gradcheck's comparison, which
    measures each entry against the largest, so that round-off in tiny entries does not decide)?"""
    rng = np.random.default_rng(len(sizes))
    net = nw.Network(sizes, seed=3)
    x, y = rng.normal(size=(sizes[0], 1)), rng.uniform(size=(sizes[-1], 1))
    nabla_b, nabla_w = net.backprop(x, y)
    gW, gb = grad(ag_cost, (0, 1))(net.weights, net.biases, x, y)
    for l in range(len(sizes) - 1):
        assert nabla_w[l].shape == net.weights[l].shape and nabla_b[l].shape == net.biases[l].shape
        assert rel_error(nabla_w[l], gW[l]) <= 1e-9 and rel_error(nabla_b[l], gb[l]) <= 1e-9
        fw = lambda z, l=l: float(ag_cost(net.weights[:l] + [z] + net.weights[l + 1:], net.biases, x, y))  # noqa
        assert compare_gradients(nabla_w[l], numerical_gradient(fw, net.weights[l].copy())).passed


def test_init_shapes_and_standard_normal_draws():
    """Does Network(sizes) hold W^l (n_l, n_{l-1}) and b^l (n_l, 1) drawn from a standard normal?"""
    net = nw.Network([64, 300, 200], seed=0)
    assert [W.shape for W in net.weights] == [(300, 64), (200, 300)]
    assert [b.shape for b in net.biases] == [(300, 1), (200, 1)]
    W = net.weights[1]
    assert abs(W.mean()) < 0.02 and abs(W.std() - 1.0) < 0.02


def test_update_mini_batch_is_the_quadratic_modules_step():
    """Is one step on m examples the column-matrix step of ch05_neural_nets_quadratic (eta / m times
    the summed gradient), an independent implementation?"""
    rng = np.random.default_rng(5)
    net = nw.Network((3, 4, 2), seed=1)
    X, Y = rng.normal(size=(3, 5)), rng.uniform(size=(2, 5))
    want_w, want_b = q.update_mini_batch(net.weights, net.biases, X, Y, 0.9)
    before = [W.copy() for W in net.weights]
    batch = [(X[:, [j]], Y[:, [j]]) for j in range(5)]
    net.update_mini_batch(batch, 0.9)
    for l in range(2):
        assert np.allclose(net.weights[l], want_w[l], rtol=1e-12, atol=1e-14)
        assert np.allclose(net.biases[l], want_b[l], rtol=1e-12, atol=1e-14)
        assert not np.array_equal(net.weights[l], before[l])


def test_sgd_matches_the_quadratic_modules_sgd_and_learns_the_digits():
    """Does SGD follow the stated protocol (same trajectory as ch05_neural_nets_quadratic.sgd on the
    same start and seed), and does [64, 30, 10] reach 93% of the test digits in 5 epochs?"""
    training, test = nw.digits_columns()
    net = nw.Network((64, 30, 10), seed=0)
    X = np.hstack([x for x, _ in training])
    labels = np.array([int(np.argmax(y)) for _, y in training])
    want_w, want_b, _ = q.sgd([W.copy() for W in net.weights], [b.copy() for b in net.biases], X, labels,
                              epochs=2, batch_size=10, eta=3.0, seed=0)
    net.SGD(training, 2, 10, 3.0, seed=0)
    for l in range(2):
        assert np.allclose(net.weights[l], want_w[l], rtol=1e-9, atol=1e-11)
    net = nw.Network((64, 30, 10), seed=0)
    net.SGD(training, 5, 10, 3.0, seed=0)
    assert net.evaluate(test) / len(test) >= 0.93


def test_evaluate_counts_argmax_hits():
    """Does evaluate count the pairs whose largest output is the label (checked against a loop
    written here with feedforward)?"""
    rng = np.random.default_rng(2)
    net = nw.Network((4, 5, 3), seed=2)
    data = [(rng.normal(size=(4, 1)), int(rng.integers(0, 3))) for _ in range(40)]
    outs = [net.feedforward(x).ravel() for x, _ in data]
    assert net.evaluate(data) == sum(o.argmax() == label for o, (_, label) in zip(outs, data))


def test_rank_weights_orders_by_size_over_all_layers():
    """Does rank_weights list (layer, row, column) by |dC/dw|, largest first, over every layer?"""
    g = [np.array([[0.1, -0.9], [0.3, 0.0]]), np.array([[0.5, -0.7, 0.2]])]
    assert nw.rank_weights(g, 3) == [(0, 0, 1), (1, 0, 1), (1, 0, 0)]
    assert nw.rank_weights(g, 7)[-1] == (0, 1, 1)


def test_rank_weights_breaks_ties_by_position():
    """On equal sizes, does the earlier (layer, row, column) come first?"""
    g = [np.array([[1.0, -1.0]]), np.array([[-1.0], [0.5]])]
    assert nw.rank_weights(g, 3) == [(0, 0, 0), (0, 0, 1), (1, 0, 0)]


def test_restarts_runs_every_seed_once_and_names_the_best_seed():
    """Does restarts call train once per seed, keep the order of the seeds and return the seed (not
    the position) of the lowest cost, the first one on a tie?"""
    calls = []

    def train(seed):
        calls.append(seed)
        return {7: 3.0, 11: 1.0, 5: 2.0, 9: 1.0}[seed]
    costs, best = nw.restarts(train, [7, 11, 5, 9])
    assert calls == [7, 11, 5, 9] and best == 11
    assert costs.dtype == np.float64 and costs.tolist() == [3.0, 1.0, 2.0, 1.0]
