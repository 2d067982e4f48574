"""Realistic wrong answers for the chapter 4 exercises; each must lose points (tests/test_mutants.py)."""
import numpy as np

from solutions.mutants import Mutant
from solutions import ch04_svm as ref


# --------------------------------------------------------------------------- svm_pull
def pull_flipped(score, label):
    return -ref.svm_pull(score, label)


def pull_threshold_zero(score, label):
    """Asks only for the right side of the boundary, not the margin."""
    if label > 0 and score < 0:
        return 1.0
    if label < 0 and score > 0:
        return -1.0
    return 0.0


def pull_on_the_margin(score, label):
    """<= where < belongs: a point exactly on the margin is still pulled."""
    if label > 0 and score <= 1:
        return 1.0
    if label < 0 and score >= -1:
        return -1.0
    return 0.0


def pull_positives_only(score, label):
    return 1.0 if label > 0 and score < 1 else 0.0


def pull_proportional(score, label):
    """The squared-hinge idea: pull as hard as the score falls short."""
    return label * max(0.0, 1.0 - label * score)


def pull_always(score, label):
    return float(label)


# --------------------------------------------------------------------------- svm_update
def _update_with(w, point, label, step_size, reg, springs=(1.0, 1.0, 0.0), sign=1.0, swap=False, use_step=True):
    s = w[0] * point[0] + w[1] * point[1] + w[2]
    pull = ref.svm_pull(s, label)
    x, y = (point[1], point[0]) if swap else (point[0], point[1])
    dw = np.array([x * pull, y * pull, pull]) - reg * np.array(springs) * w
    return w + sign * (step_size if use_step else 1.0) * dw


def update_spring_on_c(w, point, label, step_size=0.01, reg=0.1):
    return _update_with(w, point, label, step_size, reg, springs=(1.0, 1.0, 1.0))


def update_no_springs(w, point, label, step_size=0.01, reg=0.1):
    return _update_with(w, point, label, step_size, reg, springs=(0.0, 0.0, 0.0))


def update_springs_push_out(w, point, label, step_size=0.01, reg=0.1):
    return _update_with(w, point, label, step_size, reg, springs=(-1.0, -1.0, 0.0))


def update_against_pull(w, point, label, step_size=0.01, reg=0.1):
    return _update_with(w, point, label, step_size, reg, sign=-1.0)


def update_without_step(w, point, label, step_size=0.01, reg=0.1):
    return _update_with(w, point, label, step_size, reg, use_step=False)


def update_swapped_inputs(w, point, label, step_size=0.01, reg=0.1):
    return _update_with(w, point, label, step_size, reg, swap=True)


def update_in_place(w, point, label, step_size=0.01, reg=0.1):
    w += step_size * (_update_with(w.copy(), point, label, 1.0, reg) - w)
    return w


# --------------------------------------------------------------------------- svm_cost_forward / backward
def _cost_pair(hinge=lambda m: np.maximum(0.0, 1.0 - m), dhinge=lambda m: np.where(m < 1.0, -1.0, 0.0),
               penalised=(1, 1, 0), reg_grad_factor=2.0, reduce=np.sum, use_dcost=True, sign=1.0):
    pen = np.array(penalised, dtype=float)

    def forward(w, X, y, alpha):
        m = y * (X @ w[:2] + w[2])
        return float(reduce(hinge(m)) + alpha * np.sum(pen * w * w)), (w, X, y, m, alpha)

    def backward(dcost, cache):
        w, X, y, m, alpha = cache
        scale = 1.0 / len(m) if reduce is np.mean else 1.0
        ds = dhinge(m) * y * scale
        dw = np.array([X[:, 0] @ ds, X[:, 1] @ ds, ds.sum()]) + reg_grad_factor * alpha * pen * w
        return sign * (dw * dcost if use_dcost else dw)
    return forward, backward


COST_DROPPED_UPSTREAM = _cost_pair(use_dcost=False)
COST_PENALISES_BIAS = _cost_pair(penalised=(1, 1, 1))
COST_PENALTY_GRAD_NO_2 = _cost_pair(reg_grad_factor=1.0)
COST_GRAD_SIGN = _cost_pair(sign=-1.0)
COST_NO_CLIP = _cost_pair(hinge=lambda m: 1.0 - m, dhinge=lambda m: -np.ones_like(m))
COST_MEAN = _cost_pair(reduce=np.mean)
COST_NO_PENALTY = _cost_pair(penalised=(0, 0, 0))


# --------------------------------------------------------------------------- train_svm
def train_skips_last(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for t in range(len(order) - 1):
        w = ref.svm_update(w, X[order[t]], y[order[t]], step_size, reg)
    return w


def train_one_extra(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for t in range(len(order) + 1):
        i = order[t % len(order)]
        w = ref.svm_update(w, X[i], y[i], step_size, reg)
    return w


def train_own_random_points(X, y, order, w0, step_size=0.01, reg=0.1):
    rng = np.random.default_rng(123)
    w = np.array(w0, dtype=float)
    for _ in range(len(order)):
        i = rng.integers(len(y))
        w = ref.svm_update(w, X[i], y[i], step_size, reg)
    return w


def train_restarts_each_step(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for i in order:
        w = ref.svm_update(np.array(w0, dtype=float), X[i], y[i], step_size, reg)
    return w


def train_in_place(X, y, order, w0, step_size=0.01, reg=0.1):
    w = w0
    for i in order:
        w[:] = ref.svm_update(w, X[i], y[i], step_size, reg)
    return w


def train_returns_start(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for i in order:
        ref.svm_update(w, X[i], y[i], step_size, reg)
    return w


def train_default_hyperparameters(X, y, order, w0, step_size=0.01, reg=0.1):
    w = np.array(w0, dtype=float)
    for i in order:
        w = ref.svm_update(w, X[i], y[i])
    return w


MUTANTS = [
    Mutant("check_svm_pull", "pull points the wrong way", pull_flipped, "sign"),
    Mutant("check_svm_pull", "threshold at 0 instead of the margin", pull_threshold_zero, "value"),
    Mutant("check_svm_pull", "pulls a point exactly on the margin", pull_on_the_margin, "value"),
    Mutant("check_svm_pull", "never pulls negative points", pull_positives_only, "value"),
    Mutant("check_svm_pull", "pull proportional to the shortfall", pull_proportional, "value"),
    Mutant("check_svm_pull", "always pulls towards the label", pull_always, "value"),

    Mutant("check_svm_update", "spring on the bias c too", update_spring_on_c, "value"),
    Mutant("check_svm_update", "missing regularisation", update_no_springs, "value"),
    Mutant("check_svm_update", "springs pull away from zero", update_springs_push_out, "value"),
    Mutant("check_svm_update", "moves against the pull", update_against_pull, "sign"),
    Mutant("check_svm_update", "step size never applied", update_without_step, "scale"),
    Mutant("check_svm_update", "x and y swapped", update_swapped_inputs, "value"),
    Mutant("check_svm_update", "updates w in place", update_in_place, "value"),

    Mutant("check_svm_cost", "dropped upstream gradient", COST_DROPPED_UPSTREAM, "upstream"),
    Mutant("check_svm_cost", "bias penalised", COST_PENALISES_BIAS, None),
    Mutant("check_svm_cost", "penalty gradient missing its factor 2", COST_PENALTY_GRAD_NO_2, "mismatch"),
    Mutant("check_svm_cost", "gradient sign flipped", COST_GRAD_SIGN, "sign"),
    Mutant("check_svm_cost", "hinge not clipped at zero", COST_NO_CLIP, None),
    Mutant("check_svm_cost", "mean of hinges instead of the sum", COST_MEAN, None),
    Mutant("check_svm_cost", "missing regularisation", COST_NO_PENALTY, "value"),

    Mutant("check_train_svm", "off by one: skips the last update", train_skips_last, "value"),
    Mutant("check_train_svm", "off by one: one update too many", train_one_extra, "value"),
    Mutant("check_train_svm", "ignores order, draws its own points", train_own_random_points, "value"),
    Mutant("check_train_svm", "every update starts again from w0", train_restarts_each_step, "value"),
    Mutant("check_train_svm", "modifies w0 in place", train_in_place, "value"),
    Mutant("check_train_svm", "discards the updates", train_returns_start, "value"),
    Mutant("check_train_svm", "step size and reg not passed on", train_default_hyperparameters, "value",
           params={"step_size": 0.05, "reg": 0.3}),
]
