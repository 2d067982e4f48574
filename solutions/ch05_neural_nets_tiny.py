"""From the SVM to a neural network: two layers, a few hidden ReLU neurons, trained by pulls.

The network scores a point p = (x, y) (shape (2,)) as

    h = p W1 + b1          W1: (2, H), b1: (H,)    one linear classifier per hidden neuron
    n = max(0, h)          (H,)                     the neurons' activations
    s = n . w2 + b2        w2: (H,), b2: float      a linear classifier on top of them

and learns exactly as the SVM of chapter 4: the label pulls s up or down (the same rule,
``ch04_svm.svm_pull``), the pull flows back through the network, springs of stiffness ``reg``
pull every weight (W1, w2; never b1, b2) towards zero, and the parameters move a step along
the total pull. Parameters are a dict {"W1", "b1", "w2", "b2"}; no function modifies its inputs.
Also here: 2-D data sets that no line separates, drawn with numpy.
"""
import numpy as np

from solutions.ch04_svm import svm_pull

HIDDEN = 3
STEP_SIZE = 0.01
REG = 0.1


def init_tiny(hidden=HIDDEN, seed=0):
    """Every parameter uniform in [-0.5, 0.5). Returns {"W1" (2, H), "b1" (H,), "w2" (H,), "b2" float}."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.uniform(-0.5, 0.5, size=(2, hidden)), "b1": rng.uniform(-0.5, 0.5, size=hidden),
            "w2": rng.uniform(-0.5, 0.5, size=hidden), "b2": float(rng.uniform(-0.5, 0.5))}


def tiny_scores(params, X):
    """Scores of many points. X: (N, 2). Returns (N,)."""
    return np.maximum(0.0, X @ params["W1"] + params["b1"]) @ params["w2"] + params["b2"]


def tiny_update(params, point, label, step_size=STEP_SIZE, reg=REG):
    """One pull-driven step on one point (2,) with label +1 / -1. Returns new params."""
    W1, b1, w2, b2 = params["W1"], params["b1"], params["w2"], params["b2"]
    h = point @ W1 + b1                           # (H,)
    n = np.maximum(0.0, h)                        # (H,)
    s = float(n @ w2 + b2)
    ds = svm_pull(s, label)                       # the pull at the top
    dw2 = n * ds                                  # (H,)  multiply gates swap
    db2 = ds
    dn = w2 * ds                                  # (H,)
    dh = dn * (h > 0)                             # a neuron that did not fire passes nothing back
    dW1 = np.outer(point, dh)                     # (2, H)
    db1 = dh
    dW1 = dW1 - reg * W1                          # springs on the weights only
    dw2 = dw2 - reg * w2
    return {"W1": W1 + step_size * dW1, "b1": b1 + step_size * db1,
            "w2": w2 + step_size * dw2, "b2": b2 + step_size * db2}


def train_tiny(X, y, order, params, step_size=STEP_SIZE, reg=REG):
    """Apply tiny_update to the points X[order[0]], X[order[1]], ... Returns the final params."""
    for i in order:
        params = tiny_update(params, X[i], y[i], step_size, reg)
    return params


def accuracy(params, X, y):
    """Fraction of points whose score has the sign of their label (+1 / -1)."""
    return float(np.mean(np.where(tiny_scores(params, X) > 0, 1.0, -1.0) == y))


# --------------------------------------------------------------------------- data no line separates
def circles(n=200, seed=0, noise=0.1):
    """Points in a disc of radius 1 (label +1) and in a ring of radius about 2 (label -1).

    Returns X (n, 2), y (n,) of +1 / -1; the two classes alternate, so y[:n//2 * 2] is balanced.
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    radius = np.where(y > 0, np.sqrt(rng.uniform(0.0, 1.0, size=n)), 2.0) + noise * rng.normal(size=n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X, y


def two_moons(n=200, seed=0, noise=0.15):
    """Two interleaved half circles. Returns X (n, 2) and y (n,) of +1 (upper) / -1 (lower)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, np.pi, size=n)
    y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    X = np.where(y[:, None] > 0, np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]))
    return X + noise * rng.normal(size=(n, 2)), y
