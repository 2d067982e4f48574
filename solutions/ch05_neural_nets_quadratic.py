"""The quadratic-cost sigmoid network in layer notation, with the delta recursion in matrix form.

Notation (stated once, here). Layer l = 1..L-1 after the input has weights W[l] (n_l, n_{l-1}) and
biases b[l] (n_l, 1); examples are COLUMNS here, as in the textbook notation:

    a^0 = X                        (n_0, m)  m examples side by side
    z^l = W^l a^{l-1} + b^l        (n_l, m)  weighted input
    a^l = sigmoid(z^l)             (n_l, m)  activation

The cost of the batch is C = 1/2 sum over examples of ||a^L - y||^2 (Y: (n_L, m), one-hot).
Backpropagation names delta^l = dC/dz^l (n_l, m) and runs the recursion

    delta^L = (a^L - Y) * sigmoid'(z^L)
    delta^l = (W^{l+1})^T delta^{l+1} * sigmoid'(z^l)          (* is elementwise)
    dC/dW^l = delta^l (a^{l-1})^T,   dC/db^l = delta^l summed over the examples (columns)

with sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)). A mini-batch step moves each parameter by
-eta / m times its summed gradient. ``weights`` and ``biases`` are lists indexed from 0 for
layer 1; functions return new lists and never modify their inputs.
"""
import numpy as np


def sigmoid(z):
    """1 / (1 + exp(-z)) elementwise, without overflow."""
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def init_network(sizes, seed=0):
    """Weights and biases drawn from a standard normal. sizes: (n_0, n_1, ..., n_L).
    Returns (weights [W1 (n_1, n_0), ...], biases [b1 (n_1, 1), ...])."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=(n_out, 1)) for n_out in sizes[1:]]
    return weights, biases


def feedforward(weights, biases, A):
    """The output activations a^L (n_L, m) of inputs A (n_0, m)."""
    for W, b in zip(weights, biases):
        A = sigmoid(W @ A + b)
    return A


def quadratic_cost(weights, biases, X, Y):
    """C = 1/2 * sum over the m columns of ||a^L - y||^2. X: (n_0, m); Y: (n_L, m)."""
    return 0.5 * float(np.sum((feedforward(weights, biases, X) - Y) ** 2))


def backprop(weights, biases, X, Y):
    """Gradients of quadratic_cost for a whole mini-batch at once.

    Returns (dweights, dbiases): lists shaped like weights and biases, summed over the batch.
    """
    activations = [X]                         # a^0, a^1, ..., a^L
    zs = []                                   # z^1, ..., z^L
    for W, b in zip(weights, biases):
        zs.append(W @ activations[-1] + b)
        activations.append(sigmoid(zs[-1]))
    dweights = [None] * len(weights)
    dbiases = [None] * len(biases)
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])                # delta^L
    for l in range(len(weights) - 1, -1, -1):                           # list index l is layer l+1
        dweights[l] = delta @ activations[l].T
        dbiases[l] = delta.sum(axis=1, keepdims=True)
        if l > 0:
            delta = (weights[l].T @ delta) * sigmoid_prime(zs[l - 1])   # delta of the layer below
    return dweights, dbiases


def update_mini_batch(weights, biases, X, Y, eta):
    """One gradient step on a mini-batch of m columns, each parameter moving -eta/m times its
    summed gradient. Returns new (weights, biases)."""
    dweights, dbiases = backprop(weights, biases, X, Y)
    m = X.shape[1]
    return ([W - (eta / m) * dW for W, dW in zip(weights, dweights)],
            [b - (eta / m) * db for b, db in zip(biases, dbiases)])


def one_hot(labels, n_classes):
    """Columns of a (n_classes, m) matrix with a 1 in row labels[j] of column j."""
    Y = np.zeros((n_classes, len(labels)))
    Y[labels, np.arange(len(labels))] = 1.0
    return Y


def evaluate(weights, biases, X, labels):
    """How many columns of X are classified right: the predicted class is the argmax of a^L."""
    return int(np.sum(np.argmax(feedforward(weights, biases, X), axis=0) == labels))


def sgd(weights, biases, X, labels, epochs, batch_size, eta, seed=0, X_test=None, labels_test=None):
    """Mini-batch SGD. X: (n_0, N) columns; labels: (N,) ints. Each epoch shuffles the columns
    with np.random.default_rng(seed).permutation and steps through slices of batch_size.
    Returns (weights, biases, correct) where correct lists evaluate() on the test set per epoch."""
    rng = np.random.default_rng(seed)
    Y = one_hot(labels, weights[-1].shape[0])
    n = X.shape[1]
    correct = []
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            weights, biases = update_mini_batch(weights, biases, X[:, batch], Y[:, batch], eta)
        if X_test is not None:
            correct.append(evaluate(weights, biases, X_test, labels_test))
    return weights, biases, correct
