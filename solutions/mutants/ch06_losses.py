"""Realistic wrong answers to the chapter 6 exercises; each must lose points (tests/test_mutants.py).

A graded object here is a forward/backward pair, so a mutant is a pair in which one (or both)
of the two functions is wrong; the other one is the reference.
"""
import numpy as np

from solutions.mutants import Mutant
from solutions import ch06_losses as ref


# --------------------------------------------------------------------------- softmax cross-entropy
def sm_forward_unshifted(scores, y):
    """Exponentiates the raw scores: overflows to inf / nan near 1000."""
    n = scores.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(scores)
        probs = e / e.sum(axis=1, keepdims=True)
        loss = float(-np.log(probs[np.arange(n), y]).mean())
    return loss, (probs, y)


def sm_forward_wrong_axis(scores, y):
    """Normalises each column instead of each row."""
    n = scores.shape[0]
    shifted = scores - scores.max(axis=0, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=0, keepdims=True)
    return float(-np.log(probs[np.arange(n), y]).mean()), (probs, y)


def sm_forward_sum(scores, y):
    """Sums the per-example losses instead of averaging them."""
    loss, cache = ref.softmax_cross_entropy_forward(scores, y)
    return loss * scores.shape[0], cache


def sm_backward_no_mean(dloss, cache):
    probs, y = cache
    d = probs.copy()
    d[np.arange(len(y)), y] -= 1.0
    return d * dloss


def sm_backward_no_onehot(dloss, cache):
    """Forgets to subtract 1 at the right class."""
    probs, y = cache
    return probs * dloss / len(y)


def sm_backward_sign(dloss, cache):
    return -ref.softmax_cross_entropy_backward(dloss, cache)


def sm_backward_no_dloss(dloss, cache):
    return ref.softmax_cross_entropy_backward(1.0, cache)


# --------------------------------------------------------------------------- multiclass SVM
def svm_forward_counts_right_class(scores, y):
    """Lets the right class compete with itself: adds the margin 1 once per example."""
    n = scores.shape[0]
    margins = scores - scores[np.arange(n), y][:, None] + 1.0
    return float(np.maximum(0.0, margins).sum() / n), (margins, y)


def svm_forward_no_delta(scores, y):
    """Asks the right class only to win, not to win by 1."""
    n = scores.shape[0]
    margins = scores - scores[np.arange(n), y][:, None]
    margins[np.arange(n), y] = 0.0
    return float(np.maximum(0.0, margins).sum() / n), (margins, y)


def svm_backward_no_mean(dloss, cache):
    return ref.multiclass_svm_backward(dloss, cache) * len(cache[1])


def svm_backward_wrong_axis(dloss, cache):
    """Counts the violations per class (axis 0) instead of per example (axis 1)."""
    margins, y = cache
    n, c = margins.shape
    d = (margins > 0).astype(float) * dloss / n
    per_class = d.sum(axis=0)                       # (C,)
    out = d.copy()
    out[np.arange(n), y] -= per_class[y]
    return out


def svm_backward_no_push_down(dloss, cache):
    """Pulls the violating classes down but never pushes the right class up."""
    margins, y = cache
    return (margins > 0).astype(float) * dloss / len(y)


def svm_backward_sign(dloss, cache):
    return -ref.multiclass_svm_backward(dloss, cache)


def svm_backward_no_dloss(dloss, cache):
    return ref.multiclass_svm_backward(1.0, cache)


# --------------------------------------------------------------------------- squared hinge
def sqh_forward_not_squared(scores, y):
    return ref.hinge_forward(scores, y)


def sqh_backward_no_two(dloss, cache):
    return ref.squared_hinge_backward(dloss, cache) / 2.0


def sqh_backward_hinge(dloss, cache):
    """Uses the hinge's derivative (-1 inside the margin), forgetting the chain rule through the square."""
    margins, y = cache
    return np.where(margins < 1, -1.0, 0.0) * y * dloss / len(y)


def sqh_backward_no_y(dloss, cache):
    """Stops at d loss / d margin: forgets that the margin is y * s."""
    margins, y = cache
    return -2.0 * np.maximum(0.0, 1.0 - margins) * dloss / len(y)


def sqh_backward_no_mean(dloss, cache):
    return ref.squared_hinge_backward(dloss, cache) * len(cache[1])


def sqh_backward_sign(dloss, cache):
    return -ref.squared_hinge_backward(dloss, cache)


def sqh_backward_no_dloss(dloss, cache):
    return ref.squared_hinge_backward(1.0, cache)


# --------------------------------------------------------------------------- MSE
def mse_forward_abs(pred, target):
    diff = pred - target
    return float(np.mean(np.abs(diff))), diff


def mse_backward_no_two(dloss, cache):
    return cache / cache.size * dloss


def mse_backward_sign(dloss, cache):
    return -2.0 * cache / cache.size * dloss


def mse_backward_per_row(dloss, cache):
    """Divides by the number of rows N instead of the number of entries N * D."""
    return 2.0 * cache / cache.shape[0] * dloss


def mse_backward_sum(dloss, cache):
    return 2.0 * cache * dloss


def mse_backward_no_dloss(dloss, cache):
    return ref.mse_backward(1.0, cache)


# --------------------------------------------------------------------------- L2 penalty
def l2_forward_with_bias(params, reg):
    loss = 0.5 * reg * sum(float(np.sum(v * v)) for v in params.values())
    return loss, (params, reg)


def l2_backward_with_bias(dloss, cache):
    params, reg = cache
    return {k: reg * v * dloss for k, v in params.items()}


def l2_backward_factor_two(dloss, cache):
    params, reg = cache
    return {k: (2 * reg * v * dloss if k.startswith("W") else np.zeros_like(v)) for k, v in params.items()}


def l2_backward_no_reg(dloss, cache):
    params, reg = cache
    return {k: (v * dloss if k.startswith("W") else np.zeros_like(v)) for k, v in params.items()}


def l2_backward_sign(dloss, cache):
    return {k: -v for k, v in ref.l2_penalty_backward(dloss, cache).items()}


def l2_backward_no_dloss(dloss, cache):
    return ref.l2_penalty_backward(1.0, cache)


def l2_backward_weights_only(dloss, cache):
    """Returns gradients for the weights and leaves the biases out of the dict."""
    return {k: v for k, v in ref.l2_penalty_backward(dloss, cache).items() if k.startswith("W")}


def l2_forward_no_half(params, reg):
    loss, cache = ref.l2_penalty_forward(params, reg)
    return 2 * loss, cache


# --------------------------------------------------------------------------- dropout
def do_forward_no_rescale(x, keep_prob, mode="train", seed=None):
    """Drops units but does not scale the kept ones up by 1 / keep_prob."""
    if mode == "test":
        return x.copy(), (None, mode)
    keep = np.random.default_rng(seed).random(x.shape) < keep_prob
    return x * keep, (keep.astype(float), mode)


def do_forward_rescale_at_test(x, keep_prob, mode="train", seed=None):
    """Inverted dropout in training, and (wrongly) scales by keep_prob at test time as well."""
    if mode == "test":
        return x * keep_prob, (None, mode)
    return ref.dropout_forward(x, keep_prob, mode, seed)


def do_forward_drops_at_test(x, keep_prob, mode="train", seed=None):
    """Ignores the mode: drops units at test time too."""
    return ref.dropout_forward(x, keep_prob, "train", seed)


def do_forward_drop_probability(x, keep_prob, mode="train", seed=None):
    """Reads keep_prob as the probability of dropping."""
    if mode == "test":
        return x.copy(), (None, mode)
    mask = (np.random.default_rng(seed).random(x.shape) < 1 - keep_prob) / keep_prob
    return x * mask, (mask, mode)


def do_backward_no_mask(dout, cache):
    return dout.copy()


def do_backward_new_mask(dout, cache):
    """Draws a fresh mask in the backward pass instead of reusing the forward's."""
    mask, mode = cache
    if mode == "test":
        return dout.copy()
    fresh = ref.dropout_mask(dout.shape, 1.0 / mask.max(), seed=None)
    return dout * fresh


def do_backward_unscaled(dout, cache):
    """Routes the gradient through the kept units but forgets their 1 / keep_prob."""
    mask, mode = cache
    return dout * (mask > 0) if mode == "train" else dout.copy()


def do_backward_no_dout(dout, cache):
    return ref.dropout_backward(np.ones_like(dout), cache)


def pair(check, forward=None, backward=None):
    """The reference pair of a check with one or both functions replaced."""
    stem = check.removeprefix("check_")
    return (forward or getattr(ref, stem + "_forward"), backward or getattr(ref, stem + "_backward"))


SM, SVM, SQH, MSE, L2, DO = ("check_softmax_cross_entropy", "check_multiclass_svm", "check_squared_hinge",
                             "check_mse", "check_l2_penalty", "check_dropout")

MUTANTS = [
    Mutant(SM, "exp of the raw scores (overflow near 1000)", pair(SM, forward=sm_forward_unshifted), "value"),
    Mutant(SM, "softmax along the wrong axis", pair(SM, forward=sm_forward_wrong_axis), "value"),
    Mutant(SM, "loss summed, not averaged", pair(SM, forward=sm_forward_sum), "scale"),
    Mutant(SM, "gradient missing 1/N", pair(SM, backward=sm_backward_no_mean), "scale"),
    Mutant(SM, "one-hot not subtracted", pair(SM, backward=sm_backward_no_onehot), "mismatch"),
    Mutant(SM, "flipped sign", pair(SM, backward=sm_backward_sign), "sign"),
    Mutant(SM, "dropped upstream gradient", pair(SM, backward=sm_backward_no_dloss), "upstream"),

    Mutant(SVM, "right class counted as its own competitor", pair(SVM, forward=svm_forward_counts_right_class),
           "value"),
    Mutant(SVM, "margin without the delta of 1", pair(SVM, forward=svm_forward_no_delta), "value"),
    Mutant(SVM, "gradient missing 1/N", pair(SVM, backward=svm_backward_no_mean), "scale"),
    Mutant(SVM, "violations counted along the wrong axis", pair(SVM, backward=svm_backward_wrong_axis),
           "mismatch"),
    Mutant(SVM, "right class never pushed up", pair(SVM, backward=svm_backward_no_push_down), "mismatch"),
    Mutant(SVM, "flipped sign", pair(SVM, backward=svm_backward_sign), "sign"),
    Mutant(SVM, "dropped upstream gradient", pair(SVM, backward=svm_backward_no_dloss), "upstream"),

    Mutant(SQH, "hinge, not squared", pair(SQH, forward=sqh_forward_not_squared), "value"),
    Mutant(SQH, "missing factor 2", pair(SQH, backward=sqh_backward_no_two), "scale"),
    Mutant(SQH, "hinge derivative (no chain through the square)", pair(SQH, backward=sqh_backward_hinge),
           "mismatch"),
    Mutant(SQH, "chain rule stops at the margin (no y)", pair(SQH, backward=sqh_backward_no_y), "mismatch"),
    Mutant(SQH, "gradient missing 1/N", pair(SQH, backward=sqh_backward_no_mean), "scale"),
    Mutant(SQH, "flipped sign", pair(SQH, backward=sqh_backward_sign), "sign"),
    Mutant(SQH, "dropped upstream gradient", pair(SQH, backward=sqh_backward_no_dloss), "upstream"),

    Mutant(MSE, "mean absolute error", pair(MSE, forward=mse_forward_abs), "value"),
    Mutant(MSE, "missing factor 2", pair(MSE, backward=mse_backward_no_two), "scale"),
    Mutant(MSE, "target - pred", pair(MSE, backward=mse_backward_sign), "sign"),
    Mutant(MSE, "divided by N rows, not all entries", pair(MSE, backward=mse_backward_per_row), "scale"),
    Mutant(MSE, "gradient of the sum, not the mean", pair(MSE, backward=mse_backward_sum), "scale"),
    Mutant(MSE, "dropped upstream gradient", pair(MSE, backward=mse_backward_no_dloss), "upstream"),

    Mutant(L2, "penalty includes the biases", pair(L2, forward=l2_forward_with_bias), "value"),
    Mutant(L2, "biases regularised in the gradient", pair(L2, backward=l2_backward_with_bias), "mismatch"),
    Mutant(L2, "factor 2 (2 reg W)", pair(L2, backward=l2_backward_factor_two), "scale"),
    Mutant(L2, "reg left out of the gradient", pair(L2, backward=l2_backward_no_reg), "scale"),
    Mutant(L2, "flipped sign", pair(L2, backward=l2_backward_sign), "sign"),
    Mutant(L2, "dropped upstream gradient", pair(L2, backward=l2_backward_no_dloss), "upstream"),
    Mutant(L2, "bias gradients missing from the dict", pair(L2, backward=l2_backward_weights_only), "shape"),
    Mutant(L2, "penalty without the 1/2", pair(L2, forward=l2_forward_no_half), "scale"),

    Mutant(DO, "kept units not rescaled", (do_forward_no_rescale, ref.dropout_backward), "scale"),
    Mutant(DO, "rescaled by keep_prob at test time", (do_forward_rescale_at_test, ref.dropout_backward), "scale"),
    Mutant(DO, "units dropped at test time", (do_forward_drops_at_test, ref.dropout_backward), "value"),
    Mutant(DO, "keep_prob read as the drop probability", (do_forward_drop_probability, ref.dropout_backward),
           "value"),
    Mutant(DO, "backward ignores the mask", (ref.dropout_forward, do_backward_no_mask), "mismatch"),
    Mutant(DO, "backward draws a new mask", (ref.dropout_forward, do_backward_new_mask), None),
    Mutant(DO, "backward forgets 1/keep_prob", (ref.dropout_forward, do_backward_unscaled), "scale"),
    Mutant(DO, "dropped upstream gradient", (ref.dropout_forward, do_backward_no_dout), "upstream"),
]
