"""Chapter 1, training by hand: random local search on the neuron, and a two-layer net of three
ReLU units trained by pulls (the data are chapter 4's six points, autograder/datasets.py).

    best, outputs = neuron_random_search(params, x, y, steps, tweak_amount, rng)
        params (3,) = [a, b, c] of the neuron s = sigmoid(a*x + b*y + c); x, y floats;
        rng a numpy Generator; best (3,); outputs (steps + 1,) the best output after each step.
    params = train_relu_net(X, y, order, params, step_size, reg)
        X (N, 2), y (N,) labels +1 / -1, order (T,) point indices; params a dict
        {"W1": (3, 2), "b1": (3,), "w2": (3,), "b2": float}; returns a new dict of that form.

Neither function modifies its inputs.
"""
import numpy as np


def _sigmoid(z):
    return float(np.exp(-np.logaddexp(0.0, -z)))


def neuron_output(params, x, y):
    """s = sigmoid(a*x + b*y + c) for params (3,) = [a, b, c] and floats x, y; a float."""
    a, b, c = params
    return _sigmoid(a * x + b * y + c)


def neuron_random_search(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    """Strategy 1 on the neuron: at every step draw one tweak of (a, b, c),
    ``tweak_amount * rng.uniform(-1.0, 1.0, size=3)``, added to the best parameters so far, and
    keep the tweaked parameters when they give a strictly larger output.

    params: (3,) [a, b, c], not modified. x, y: floats (the input, fixed). rng: a numpy Generator
    (its stream decides the tweaks: one draw of size 3 per step, nothing else).
    Returns (best (3,), outputs (steps + 1,)): outputs[0] is the starting output and outputs[t]
    the best output after t steps (never decreasing).
    """
    rng = np.random.default_rng(0) if rng is None else rng
    best = np.array(params, dtype=np.float64)
    outputs = [neuron_output(best, x, y)]
    for _ in range(steps):
        trial = best + tweak_amount * rng.uniform(-1.0, 1.0, size=3)
        out = neuron_output(trial, x, y)
        if out > outputs[-1]:
            best = trial
        outputs.append(max(out, outputs[-1]))
    return best, np.array(outputs)


# --------------------------------------------------------------------------- the ReLU net
def relu_net_scores(params, X):
    """Scores (N,) of the points X (N, 2): w2 . max(0, W1 p + b1) + b2 for each point p."""
    hidden = np.maximum(0.0, X @ np.asarray(params["W1"]).T + params["b1"])     # (N, 3)
    return hidden @ params["w2"] + params["b2"]


def relu_net_accuracy(params, X, y):
    """Fraction of the points whose score has the sign of the label (a score of 0 counts as -1)."""
    return float(np.mean(np.where(relu_net_scores(params, X) > 0, 1.0, -1.0) == y))


def relu_net_pull_step(params, point, label, step_size, reg):
    """One update by pulls: the label pulls the score up (+1) when a positive point scores below
    1, down (-1) when a negative point scores above -1; the pull flows back through the net
    (a ReLU unit that did not fire passes nothing); springs of stiffness ``reg`` pull every weight
    (W1, w2, not the biases) towards zero; each parameter moves step_size times its total pull.
    Returns a new params dict."""
    W1, b1, w2, b2 = (np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "w2", "b2"))
    pre = W1 @ point + b1                      # (3,)
    hidden = np.maximum(0.0, pre)              # (3,)
    score = float(hidden @ w2 + b2)
    pull = 1.0 if label > 0 and score < 1 else -1.0 if label < 0 and score > -1 else 0.0
    dw2, db2 = hidden * pull, pull
    dhidden = w2 * pull * (pre > 0)            # the ReLU gate passes the pull where it fired
    dW1, db1 = np.outer(dhidden, point), dhidden
    dW1, dw2 = dW1 - reg * W1, dw2 - reg * w2
    return {"W1": W1 + step_size * dW1, "b1": b1 + step_size * db1,
            "w2": w2 + step_size * dw2, "b2": float(b2 + step_size * db2)}


def train_relu_net(X, y, order, params, step_size=0.01, reg=0.1):
    """One pull update per entry of ``order`` (the index of the point to use), in turn, each
    from the result of the previous one. Returns the new params dict (the given one unchanged)."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    for i in order:
        params = relu_net_pull_step(params, X[int(i)], y[int(i)], step_size, reg)
    return params
