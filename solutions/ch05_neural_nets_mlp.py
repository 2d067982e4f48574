"""Multi-layer perceptrons of any layer sizes, their initialisation, training and the digits benchmark.

The layers, the loss and the conventions (parameter names, penalty, visiting order of SGD) are
those of ``solutions.ch05_neural_nets``; see its docstring. A net with layer sizes
(D, H1, ..., C) has parameters W1 (D, H1), b1 (H1,), ..., WL (H_{L-1}, C), bL (C,) and computes
affine - activation - affine - ... - affine, the last affine giving class scores (N, C).
"""
import numpy as np

from autograder.datasets import digits_split
from solutions.ch05_neural_nets import (ACTIVATIONS, affine_backward, affine_forward, l2_penalty,
                                        softmax_loss_backward, softmax_loss_forward)


# --------------------------------------------------------------------------- any number of layers
def init_mlp(sizes, scheme="he", seed=0):
    """Parameters of a net with layer sizes (D, H1, ..., C): W_l (sizes[l-1], sizes[l]), b_l zeros.

    "he":     W ~ normal(0, 2 / fan_in), keeps the variance of ReLU activations steady;
    "xavier": W ~ uniform(+-sqrt(6 / (fan_in + fan_out))), variance 2 / (fan_in + fan_out),
              suited to tanh and sigmoid;
    "small":  W ~ normal(0, 0.01^2), the naive choice, for comparison.
    """
    rng = np.random.default_rng(seed)
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        if scheme == "he":
            W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        elif scheme == "xavier":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-limit, limit, size=(fan_in, fan_out))
        elif scheme == "small":
            W = rng.normal(0.0, 0.01, size=(fan_in, fan_out))
        else:
            raise ValueError(f"unknown scheme {scheme!r}")
        params[f"W{l}"] = W
        params[f"b{l}"] = np.zeros(fan_out)
    return params


def n_layers(params):
    return sum(1 for name in params if name.startswith("W"))


def mlp_forward(params, X, activation="relu"):
    """Scores of affine - act - ... - affine. X: (N, D). Returns (scores (N, C), caches list)."""
    act_forward, _ = ACTIVATIONS[activation]
    L = n_layers(params)
    caches = []
    out = X
    for l in range(1, L + 1):
        out, cache = affine_forward(out, params[f"W{l}"], params[f"b{l}"])
        caches.append(cache)
        if l < L:
            out, cache = act_forward(out)
            caches.append(cache)
    return out, caches


def mlp_backward(dscores, caches, activation="relu"):
    """Backward through mlp_forward. Returns (dX (N, D), grads dict without the penalty)."""
    _, act_backward = ACTIVATIONS[activation]
    L = (len(caches) + 1) // 2
    grads = {}
    dout = dscores
    for l in range(L, 0, -1):
        dout, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(dout, caches[2 * l - 2])
        if l > 1:
            dout = act_backward(dout, caches[2 * l - 3])
    return dout, grads


def mlp_loss(params, X, y, reg=0.0, activation="relu"):
    """Softmax cross-entropy plus L2 penalty of an MLP. Returns (loss, grads dict like params)."""
    scores, caches = mlp_forward(params, X, activation)
    data_loss, cache_loss = softmax_loss_forward(scores, y)
    _, grads = mlp_backward(softmax_loss_backward(1.0, cache_loss), caches, activation)
    for name in grads:
        if name.startswith("W"):
            grads[name] += reg * params[name]
    return data_loss + l2_penalty(params, reg), grads


def predict(params, X, activation="relu"):
    """Predicted classes (N,): the index of the largest score."""
    return np.argmax(mlp_forward(params, X, activation)[0], axis=1)


def accuracy(params, X, y, activation="relu"):
    return float(np.mean(predict(params, X, activation) == y))


def train_mlp(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0,
              activation="relu", X_test=None, y_test=None):
    """Mini-batch SGD on mlp_loss; returns (new params, history). history holds, per epoch,
    "loss" (mean training loss over the epoch's batches), "train_acc" and, with a test set, "test_acc"."""
    params = {name: p.copy() for name, p in params.items()}
    history = {"loss": [], "train_acc": [], "test_acc": []}
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    for _ in range(epochs):
        order = rng.permutation(n)
        losses = []
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = mlp_loss(params, X[batch], y[batch], reg, activation)
            losses.append(loss)
            for name in params:
                params[name] -= learning_rate * grads[name]
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(accuracy(params, X, y, activation))
        if X_test is not None:
            history["test_acc"].append(accuracy(params, X_test, y_test, activation))
    return params, history


# --------------------------------------------------------------------------- the digits benchmark
DIGITS = {"sizes": (64, 100, 10), "scheme": "he", "learning_rate": 0.1, "batch_size": 32,
          "epochs": 20, "reg": 1e-4, "seed": 0, "split_seed": 0, "test_size": 360}


def load_digits_split(test_size=360, seed=0, standardize=True):
    """scikit-learn's 8x8 digits (1797 images, shipped with the package), split into train and test:
    ``autograder.datasets.digits_split`` (shuffled by np.random.default_rng(seed).permutation,
    the first ``test_size`` images for testing; standardised with the training statistics, or
    divided by 16). Returns X_train (N, 64), y_train (N,), X_test (T, 64), y_test (T,)."""
    return digits_split(test_size, seed, standardize)


def train_digits(**overrides):
    """Train the benchmark MLP (DIGITS, with any entry overridden). Returns (params, history, data)
    where data = (X_train, y_train, X_test, y_test)."""
    cfg = {**DIGITS, **overrides}
    data = load_digits_split(cfg["test_size"], cfg["split_seed"])
    X_train, y_train, X_test, y_test = data
    params = init_mlp(cfg["sizes"], cfg["scheme"], cfg["seed"])
    params, history = train_mlp(params, X_train, y_train, cfg["learning_rate"], cfg["batch_size"],
                                cfg["epochs"], cfg["reg"], cfg["seed"], cfg.get("activation", "relu"),
                                X_test, y_test)
    return params, history, data
