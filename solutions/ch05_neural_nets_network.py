"""Nielsen's ``Network(sizes)`` with column vectors, and the reading of its gradient.

Notation (stated once, here). A network with layer sizes (n_0, n_1, ..., n_L) holds, for each
layer l = 1..L, ``weights[l-1]`` (n_l, n_{l-1}) and ``biases[l-1]`` (n_l, 1): lists indexed from 0
for layer 1. One example is a COLUMN: x (n_0, 1), its target y (n_L, 1). Every unit is a sigmoid:

    z^l = W^l a^{l-1} + b^l,   a^l = sigmoid(z^l),   a^0 = x
    C_x = 1/2 ||a^L - y||^2                           (the quadratic cost of one example)
    delta^L = (a^L - y) * sigmoid'(z^L)
    delta^l = (W^{l+1})^T delta^{l+1} * sigmoid'(z^l)   (* is elementwise)
    dC/dW^l = delta^l (a^{l-1})^T,   dC/db^l = delta^l

A mini-batch step averages the per-example gradients: each parameter moves by
-(eta / len(batch)) times the sum of its gradients over the batch. SGD's protocol: one generator
``rng = np.random.default_rng(seed)`` made before the first epoch, ``order = rng.permutation(n)``
at the start of every epoch, batches ``[data[i] for i in order[k:k + batch_size]]``.

Training data is a list of (x (n_0, 1), y (n_L, 1)) pairs; test data a list of (x (n_0, 1), label int).
``digits_columns`` (from the chapter's checks) turns the digits into that form.
"""
import numpy as np

from autograder.checks.ch05_neural_nets_network import digits_columns  # noqa: F401 (the data, in Nielsen's form)


def sigmoid(z):
    """1 / (1 + exp(-z)) elementwise, written so that no exp overflows."""
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_prime(z):
    """The sigmoid's slope sigmoid(z) (1 - sigmoid(z)), elementwise."""
    s = sigmoid(z)
    return s * (1.0 - s)


class Network:
    """A fully connected sigmoid network of any depth (see the module docstring for shapes)."""

    def __init__(self, sizes, seed=0):
        """sizes: (n_0, ..., n_L). Weights and biases drawn from a standard normal."""
        rng = np.random.default_rng(seed)
        self.sizes = list(sizes)
        self.num_layers = len(sizes)
        self.biases = [rng.standard_normal((n, 1)) for n in sizes[1:]]
        self.weights = [rng.standard_normal((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        """The output activation a^L (n_L, 1) of an input a (n_0, 1)."""
        for W, b in zip(self.weights, self.biases):
            a = sigmoid(W @ a + b)
        return a

    def backprop(self, x, y):
        """Gradients of C_x = 1/2 ||a^L - y||^2 for one example x (n_0, 1), y (n_L, 1).

        Returns (nabla_b, nabla_w): lists shaped like self.biases and self.weights."""
        activations, zs = [x], []
        for W, b in zip(self.weights, self.biases):
            zs.append(W @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))
        nabla_b = [None] * len(self.biases)
        nabla_w = [None] * len(self.weights)
        delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
        for i in range(len(self.weights) - 1, -1, -1):         # list index i is layer i + 1
            nabla_b[i] = delta
            nabla_w[i] = delta @ activations[i].T
            if i > 0:
                delta = (self.weights[i].T @ delta) * sigmoid_prime(zs[i - 1])
        return nabla_b, nabla_w

    def update_mini_batch(self, mini_batch, eta):
        """One step on a list of (x, y) pairs: each parameter moves by -(eta / len(mini_batch))
        times the sum of its per-example gradients. Replaces self.weights and self.biases."""
        sum_b = [np.zeros_like(b) for b in self.biases]
        sum_w = [np.zeros_like(W) for W in self.weights]
        for x, y in mini_batch:
            nabla_b, nabla_w = self.backprop(x, y)
            sum_b = [s + g for s, g in zip(sum_b, nabla_b)]
            sum_w = [s + g for s, g in zip(sum_w, nabla_w)]
        step = eta / len(mini_batch)
        self.weights = [W - step * g for W, g in zip(self.weights, sum_w)]
        self.biases = [b - step * g for b, g in zip(self.biases, sum_b)]

    def evaluate(self, test_data):
        """How many (x, label) pairs the network gets right: its answer is the argmax of a^L."""
        return sum(int(np.argmax(self.feedforward(x)) == label) for x, label in test_data)

    def SGD(self, training_data, epochs, mini_batch_size, eta, seed=0):  # noqa: N802 (Nielsen's name)
        """Mini-batch SGD with the protocol of the module docstring. Returns None."""
        rng = np.random.default_rng(seed)
        n = len(training_data)
        for _ in range(epochs):
            order = rng.permutation(n)
            for k in range(0, n, mini_batch_size):
                self.update_mini_batch([training_data[i] for i in order[k:k + mini_batch_size]], eta)


def network_cost(weights, biases, data):
    """Mean quadratic cost 1/n sum_x C_x over (x, y) pairs, y one-hot columns."""
    total = 0.0
    for x, y in data:
        a = x
        for W, b in zip(weights, biases):
            a = sigmoid(W @ a + b)
        total += 0.5 * float(np.sum((a - y) ** 2))
    return total / len(data)


# --------------------------------------------------------------------------- reading the gradient
def rank_weights(nabla_w, k):
    """The k weights with the largest |dC/dw|, largest first.

    nabla_w: list of arrays (n_l, n_{l-1}), one per layer (layer l is list index l - 1).
    Returns a list of k tuples (layer index i, row j, column m), layer index from 0; ties are
    broken by the order (i, j, m) (a stable sort)."""
    entries = [(i, j, m) for i, g in enumerate(nabla_w) for j in range(g.shape[0]) for m in range(g.shape[1])]
    size = np.concatenate([np.abs(g).ravel() for g in nabla_w])
    order = np.argsort(-size, kind="stable")
    return [entries[int(t)] for t in order[:k]]


def restarts(train, seeds):
    """Train once per seed; ``train(seed)`` returns the final cost of that run (a float).

    Returns (costs, best): costs a float64 array (len(seeds),) in the order of seeds, best the
    seed of the lowest cost (the first such seed on a tie)."""
    costs = np.array([float(train(seed)) for seed in seeds], dtype=np.float64)
    return costs, seeds[int(np.argmin(costs))]
