"""Realistic wrong answers for the chapter 4 exercises (see solutions/mutants/__init__.py)."""
from functools import partial

import numpy as np

from solutions import ch04_svm as ref
from solutions.mutants import Catalogue, negated

wrong = MUTANTS = Catalogue(__name__)


# --------------------------------------------------------------------------- svm_pull
wrong("svm_pull", "pull points the wrong way", "sign")(negated(ref.svm_pull))


@wrong("svm_pull", "threshold at 0 instead of the margin", "value")
def pull_threshold_zero(score, label):
    """Asks only for the right side of the boundary, not the margin."""
    if label > 0 and score < 0:
        return 1.0
    if label < 0 and score > 0:
        return -1.0
    return 0.0


@wrong("svm_pull", "pulls a point exactly on the margin", "value")
def pull_on_the_margin(score, label):
    """<= where < belongs: a point exactly on the margin is still pulled."""
    if label > 0 and score <= 1:
        return 1.0
    if label < 0 and score >= -1:
        return -1.0
    return 0.0


@wrong("svm_pull", "never pulls negative points", "value")
def pull_positives_only(score, label):
    return 1.0 if label > 0 and score < 1 else 0.0


@wrong("svm_pull", "pull proportional to the shortfall", "value")
def pull_proportional(score, label):
    """The squared-hinge idea: pull as hard as the score falls short."""
    return label * max(0.0, 1.0 - label * score)


@wrong("svm_pull", "always pulls towards the label", "value")
def pull_always(score, label):
    return float(label)


# --------------------------------------------------------------------------- svm_update
def _update_with(w, point, label, step_size, reg, springs=(1.0, 1.0, 0.0), sign=1.0, swap=False, use_step=True):
    s = w[0] * point[0] + w[1] * point[1] + w[2]
    pull = ref.svm_pull(s, label)
    x, y = (point[1], point[0]) if swap else (point[0], point[1])
    dw = np.array([x * pull, y * pull, pull]) - reg * np.array(springs) * w
    return w + sign * (step_size if use_step else 1.0) * dw


wrong("svm_update", "spring on the bias c too", "value")(partial(_update_with, springs=(1.0, 1.0, 1.0)))
wrong("svm_update", "missing regularisation", "value")(partial(_update_with, springs=(0.0, 0.0, 0.0)))
wrong("svm_update", "springs pull away from zero", "value")(partial(_update_with, springs=(-1.0, -1.0, 0.0)))
wrong("svm_update", "moves against the pull", "sign")(partial(_update_with, sign=-1.0))
wrong("svm_update", "step size never applied", "scale")(partial(_update_with, use_step=False))
wrong("svm_update", "x and y swapped", "value")(partial(_update_with, swap=True))


@wrong("svm_update", "updates w in place", "value")
def update_in_place(w, point, label, step_size=0.01, reg=0.1):
    w += step_size * (_update_with(w.copy(), point, label, 1.0, reg) - w)
    return w


# --------------------------------------------------------------------------- svm_cost_forward / backward
def _cost(hinge=lambda m: np.maximum(0.0, 1.0 - m), dhinge=lambda m: np.where(m < 1.0, -1.0, 0.0),
          penalised=(1, 1, 0), reg_grad_factor=2.0, reduce=np.sum, use_dcost=True, sign=1.0, as_list=False):
    pen = np.array(penalised, dtype=float)

    def forward(w, X, y, alpha):
        m = y * (X @ w[:2] + w[2])
        return float(reduce(hinge(m)) + alpha * np.sum(pen * w * w)), (w, X, y, m, alpha)

    def backward(dcost, cache):
        w, X, y, m, alpha = cache
        scale = 1.0 / len(m) if reduce is np.mean else 1.0
        ds = dhinge(m) * y * scale
        dw = np.array([X[:, 0] @ ds, X[:, 1] @ ds, ds.sum()]) + reg_grad_factor * alpha * pen * w
        dw = sign * (dw * dcost if use_dcost else dw)
        return dw.tolist() if as_list else dw
    return forward, backward




# --------------------------------------------------------------------------- train_svm
@wrong("train_svm", "off by one: skips the last update", "value")
def train_skips_last(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for t in range(len(order) - 1):
        w = ref.svm_update(w, X[order[t]], y[order[t]], step_size, reg)
    return w


@wrong("train_svm", "off by one: one update too many", "value")
def train_one_extra(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for t in range(len(order) + 1):
        i = order[t % len(order)]
        w = ref.svm_update(w, X[i], y[i], step_size, reg)
    return w


@wrong("train_svm", "ignores order, draws its own points", "value")
def train_own_random_points(X, y, order, w0, step_size=0.01, reg=0.1):
    rng = np.random.default_rng(123)
    w = np.array(w0, dtype=float)
    for _ in range(len(order)):
        i = rng.integers(len(y))
        w = ref.svm_update(w, X[i], y[i], step_size, reg)
    return w


@wrong("train_svm", "every update starts again from w0", "value")
def train_restarts_each_step(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for i in order:
        w = ref.svm_update(np.array(w0, dtype=float), X[i], y[i], step_size, reg)
    return w


@wrong("train_svm", "modifies w0 in place", "value")
def train_in_place(X, y, order, w0, step_size=0.01, reg=0.1):
    w = w0
    for i in order:
        w[:] = ref.svm_update(w, X[i], y[i], step_size, reg)
    return w


@wrong("train_svm", "discards the updates", "value")
def train_returns_start(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for i in order:
        ref.svm_update(w, X[i], y[i], step_size, reg)
    return w


@wrong("train_svm", "step size and reg not passed on", "value", step_size=0.05, reg=0.3)
def train_default_hyperparameters(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for i in order:
        w = ref.svm_update(w, X[i], y[i])
    return w



COST = ("svm_cost_forward", "svm_cost_backward")
wrong(COST, "dropped upstream gradient", "upstream")(_cost(use_dcost=False))
wrong(COST, "bias penalised")(_cost(penalised=(1, 1, 1)))
wrong(COST, "penalty gradient missing its factor 2", "mismatch")(_cost(reg_grad_factor=1.0))
wrong(COST, "gradient sign flipped", "sign")(_cost(sign=-1.0))
wrong(COST, "hinge not clipped at zero")(_cost(hinge=lambda m: 1.0 - m, dhinge=lambda m: -np.ones_like(m)))
wrong(COST, "mean of hinges instead of the sum")(_cost(reduce=np.mean))
wrong(COST, "missing regularisation", "value")(_cost(penalised=(0, 0, 0)))

wrong(COST, "dw returned as a list", "shape")(_cost(as_list=True))


@wrong("svm_cost_forward", "scales X by the labels in place", "value")
def cost_scales_x_in_place(w, X, y, alpha):
    X *= y[:, None]                          # the margins need y * x: done on the caller's X
    m = X @ w[:2] + w[2] * y
    cost = float(np.sum(np.maximum(0.0, 1.0 - m)) + alpha * (w[0] ** 2 + w[1] ** 2))
    return cost, (w, X, y, m, alpha)


@wrong("svm_update", "returns a list", "shape")
def update_as_list(w, point, label, step_size=0.01, reg=0.1):
    return list(w + step_size * (_update_with(w, point, label, 1.0, reg) - w))
