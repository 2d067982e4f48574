"""Realistic wrong answers for chapter 5's Nielsen network, rank_weights and restarts
(see solutions/mutants/__init__.py); solutions/mutants/ch05_neural_nets.py adds them to the chapter's
catalogue. A wrong Network is the reference with the one method a student got wrong."""
import numpy as np

from solutions.ch05_neural_nets_network import Network, sigmoid, sigmoid_prime
from solutions.mutants import Catalogue

wrong = MUTANTS = Catalogue(__name__)


def _forward(net, x):
    activations, zs = [x], []
    for W, b in zip(net.weights, net.biases):
        zs.append(W @ activations[-1] + b)
        activations.append(sigmoid(zs[-1]))
    return activations, zs


# --------------------------------------------------------------------------- Network
@wrong("Network", "delta recursion uses sigmoid'(a) instead of sigmoid'(z)")
class PrimeOfActivation(Network):
    def backprop(self, x, y):
        activations, zs = _forward(self, x)
        nabla_b, nabla_w = [None] * len(self.biases), [None] * len(self.weights)
        delta = (activations[-1] - y) * sigmoid_prime(activations[-1])
        for i in range(len(self.weights) - 1, -1, -1):
            nabla_b[i], nabla_w[i] = delta, delta @ activations[i].T
            if i > 0:
                delta = (self.weights[i].T @ delta) * sigmoid_prime(activations[i])
        return nabla_b, nabla_w


@wrong("Network", "W instead of W transposed in the recursion", "error")
class NoTranspose(Network):
    def backprop(self, x, y):
        activations, zs = _forward(self, x)
        nabla_b, nabla_w = [None] * len(self.biases), [None] * len(self.weights)
        delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
        for i in range(len(self.weights) - 1, -1, -1):
            nabla_b[i], nabla_w[i] = delta, delta @ activations[i].T
            if i > 0:
                delta = (self.weights[i] @ delta) * sigmoid_prime(zs[i - 1])
        return nabla_b, nabla_w


@wrong("Network", "nabla_w paired with the layer's own activation", "shape")
class WrongActivationIndex(Network):
    def backprop(self, x, y):
        activations, zs = _forward(self, x)
        nabla_b, nabla_w = [None] * len(self.biases), [None] * len(self.weights)
        delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
        for i in range(len(self.weights) - 1, -1, -1):
            nabla_b[i], nabla_w[i] = delta, delta @ activations[i + 1].T
            if i > 0:
                delta = (self.weights[i].T @ delta) * sigmoid_prime(zs[i - 1])
        return nabla_b, nabla_w


@wrong("Network", "cost derivative y - a (sign flipped)", "sign")
class FlippedCost(Network):
    def backprop(self, x, y):
        nabla_b, nabla_w = super().backprop(x, y)
        return [-g for g in nabla_b], [-g for g in nabla_w]


@wrong("Network", "sigmoid' forgotten in the hidden layers")
class NoPrimeBelow(Network):
    def backprop(self, x, y):
        activations, zs = _forward(self, x)
        nabla_b, nabla_w = [None] * len(self.biases), [None] * len(self.weights)
        delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
        for i in range(len(self.weights) - 1, -1, -1):
            nabla_b[i], nabla_w[i] = delta, delta @ activations[i].T
            if i > 0:
                delta = self.weights[i].T @ delta
        return nabla_b, nabla_w


@wrong("Network", "mini-batch step not averaged (eta times the sum)", "scale")
class SummedStep(Network):
    def update_mini_batch(self, mini_batch, eta):
        super().update_mini_batch(mini_batch, eta * len(mini_batch))


@wrong("Network", "only the last example of the mini-batch counts", "value")
class LastExampleOnly(Network):
    def update_mini_batch(self, mini_batch, eta):
        nabla_b, nabla_w = self.backprop(*mini_batch[-1])
        self.weights = [W - eta * g for W, g in zip(self.weights, nabla_w)]
        self.biases = [b - eta * g for b, g in zip(self.biases, nabla_b)]


@wrong("Network", "biases never updated", "zero")
class FrozenBiases(Network):
    def update_mini_batch(self, mini_batch, eta):
        biases = self.biases
        super().update_mini_batch(mini_batch, eta)
        self.biases = biases


@wrong("Network", "evaluate counts the wrong answers", "value")
class CountsWrong(Network):
    def evaluate(self, test_data):
        return sum(int(np.argmax(self.feedforward(x)) != label) for x, label in test_data)


@wrong("Network", "evaluate by argmin", "value")
class Argmin(Network):
    def evaluate(self, test_data):
        return sum(int(np.argmin(self.feedforward(x)) == label) for x, label in test_data)


@wrong("Network", "SGD never shuffles", "value")
class NoShuffle(Network):
    def SGD(self, training_data, epochs, mini_batch_size, eta, seed=0):  # noqa: N802
        for _ in range(epochs):
            for k in range(0, len(training_data), mini_batch_size):
                self.update_mini_batch(training_data[k:k + mini_batch_size], eta)


@wrong("Network", "SGD makes a new generator every epoch", "value")
class GeneratorPerEpoch(Network):
    def SGD(self, training_data, epochs, mini_batch_size, eta, seed=0):  # noqa: N802
        for _ in range(epochs):
            order = np.random.default_rng(seed).permutation(len(training_data))
            for k in range(0, len(training_data), mini_batch_size):
                self.update_mini_batch([training_data[i] for i in order[k:k + mini_batch_size]], eta)


@wrong("Network", "SGD runs one epoch too few", "value")
class EpochShort(Network):
    def SGD(self, training_data, epochs, mini_batch_size, eta, seed=0):  # noqa: N802
        super().SGD(training_data, epochs - 1, mini_batch_size, eta, seed)


@wrong("Network", "weights drawn (n_in, n_out)", "shape")
class TransposedInit(Network):
    def __init__(self, sizes, seed=0):
        super().__init__(sizes, seed)
        self.weights = [W.T.copy() for W in self.weights]


# --------------------------------------------------------------------------- rank_weights
@wrong("rank_weights", "ranked by signed value, not size", "value")
def rank_signed(nabla_w, k):
    entries = [(i, j, m) for i, g in enumerate(nabla_w) for j in range(g.shape[0]) for m in range(g.shape[1])]
    order = np.argsort(-np.concatenate([g.ravel() for g in nabla_w]), kind="stable")
    return [entries[t] for t in order[:k]]


@wrong("rank_weights", "smallest first", "value")
def rank_smallest(nabla_w, k):
    entries = [(i, j, m) for i, g in enumerate(nabla_w) for j in range(g.shape[0]) for m in range(g.shape[1])]
    order = np.argsort(np.concatenate([np.abs(g).ravel() for g in nabla_w]), kind="stable")
    return [entries[t] for t in order[:k]]


@wrong("rank_weights", "row and column swapped", "value")
def rank_swapped(nabla_w, k):
    entries = [(i, m, j) for i, g in enumerate(nabla_w) for j in range(g.shape[0]) for m in range(g.shape[1])]
    order = np.argsort(-np.concatenate([np.abs(g).ravel() for g in nabla_w]), kind="stable")
    return [entries[t] for t in order[:k]]


@wrong("rank_weights", "layers counted from 1", "value")
def rank_from_one(nabla_w, k):
    entries = [(i + 1, j, m) for i, g in enumerate(nabla_w) for j in range(g.shape[0]) for m in range(g.shape[1])]
    order = np.argsort(-np.concatenate([np.abs(g).ravel() for g in nabla_w]), kind="stable")
    return [entries[t] for t in order[:k]]


@wrong("rank_weights", "the first layer only", "value")
def rank_first_layer(nabla_w, k):
    g = np.abs(nabla_w[0])
    order = np.argsort(-g.ravel(), kind="stable")[:k]
    return [(0, int(t) // g.shape[1], int(t) % g.shape[1]) for t in order]


@wrong("rank_weights", "one entry too many", "shape")
def rank_k_plus_one(nabla_w, k):
    entries = [(i, j, m) for i, g in enumerate(nabla_w) for j in range(g.shape[0]) for m in range(g.shape[1])]
    order = np.argsort(-np.concatenate([np.abs(g).ravel() for g in nabla_w]), kind="stable")
    return [entries[t] for t in order[:k + 1]]


# --------------------------------------------------------------------------- restarts
@wrong("restarts", "best is the position, not the seed", "value")
def restarts_index(train, seeds):
    costs = np.array([train(s) for s in seeds], dtype=float)
    return costs, int(np.argmin(costs))


@wrong("restarts", "best by the highest cost", "value")
def restarts_argmax(train, seeds):
    costs = np.array([train(s) for s in seeds], dtype=float)
    return costs, seeds[int(np.argmax(costs))]


@wrong("restarts", "costs sorted", "value")
def restarts_sorted(train, seeds):
    costs = np.array([train(s) for s in seeds], dtype=float)
    return np.sort(costs), seeds[int(np.argmin(costs))]


@wrong("restarts", "the same seed every run", "value")
def restarts_one_seed(train, seeds):
    costs = np.array([train(seeds[0]) for _ in seeds], dtype=float)
    return costs, seeds[int(np.argmin(costs))]


@wrong("restarts", "seeds counted 0..n-1", "value")
def restarts_range(train, seeds):
    costs = np.array([train(s) for s in range(len(seeds))], dtype=float)
    return costs, int(np.argmin(costs))


@wrong("restarts", "last run dropped", "shape")
def restarts_short(train, seeds):
    costs = np.array([train(s) for s in seeds[:-1]], dtype=float)
    return costs, seeds[int(np.argmin(costs))]
