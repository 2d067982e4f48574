"""Realistic wrong answers to the chapter 6 exercises (see solutions/mutants/__init__.py).

A graded object here is a forward/backward pair; a mutant replaces one of the two (or both), and
the check pairs it with the reference's other function.
"""
import numpy as np

from solutions import ch06_losses as ref
from solutions.mutants import Catalogue, negated, scaled, with_output, without_upstream

wrong = MUTANTS = Catalogue(__name__)
ROWS = np.arange


# --------------------------------------------------------------------------- softmax cross-entropy
def _softmax_forward(shift=True, axis=1):
    """The softmax loss, exponentiating raw scores (no shift: overflows near 1000) or normalising
    along the wrong axis."""
    def forward(scores, y):
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(scores - scores.max(axis=axis, keepdims=True) if shift else scores)
            probs = e / e.sum(axis=axis, keepdims=True)
            return float(-np.log(probs[ROWS(scores.shape[0]), y]).mean()), (probs, y)
    return forward


def _softmax_backward(onehot=True, mean=True):
    def backward(dloss, cache):
        probs, y = cache
        d = probs.copy()
        if onehot:
            d[ROWS(len(y)), y] -= 1.0
        return d * dloss / (len(y) if mean else 1)
    return backward


SM, SMB = "softmax_cross_entropy_forward", "softmax_cross_entropy_backward"
wrong(SM, "exp of the raw scores (overflow near 1000)", "value")(_softmax_forward(shift=False))
wrong(SM, "softmax along the wrong axis", "value")(_softmax_forward(axis=0))
wrong(SM, "loss summed, not averaged", "scale")(
    with_output(ref.softmax_cross_entropy_forward, 0, lambda loss, scores, y: loss * scores.shape[0]))
wrong(SMB, "gradient missing 1/N", "scale")(_softmax_backward(mean=False))
wrong(SMB, "one-hot not subtracted", "mismatch")(_softmax_backward(onehot=False))
wrong(SMB, "flipped sign", "sign")(negated(ref.softmax_cross_entropy_backward))
wrong(SMB, "dropped upstream gradient", "upstream")(without_upstream(ref.softmax_cross_entropy_backward))


# --------------------------------------------------------------------------- multiclass SVM
def _svm_forward(delta=1.0, right_class_competes=False):
    def forward(scores, y):
        n = scores.shape[0]
        margins = scores - scores[ROWS(n), y][:, None] + delta
        if not right_class_competes:
            margins[ROWS(n), y] = 0.0
        return float(np.maximum(0.0, margins).sum() / n), (margins, y)
    return forward


def svm_backward_wrong_axis(dloss, cache):
    """Counts the violations per class (axis 0) instead of per example (axis 1)."""
    margins, y = cache
    d = (margins > 0).astype(float) * dloss / margins.shape[0]
    out = d.copy()
    out[ROWS(len(y)), y] -= d.sum(axis=0)[y]
    return out


SVM, SVMB = "multiclass_svm_forward", "multiclass_svm_backward"
wrong(SVM, "right class counted as its own competitor", "value")(_svm_forward(right_class_competes=True))
wrong(SVM, "margin without the delta of 1", "value")(_svm_forward(delta=0.0))
wrong(SVMB, "gradient missing 1/N", "scale")(
    lambda dloss, cache: ref.multiclass_svm_backward(dloss, cache) * len(cache[1]))
wrong(SVMB, "violations counted along the wrong axis", "mismatch")(svm_backward_wrong_axis)
wrong(SVMB, "right class never pushed up", "mismatch")(   # pulls the violating classes down only
    lambda dloss, cache: (cache[0] > 0).astype(float) * dloss / len(cache[1]))
wrong(SVMB, "flipped sign", "sign")(negated(ref.multiclass_svm_backward))
wrong(SVMB, "dropped upstream gradient", "upstream")(without_upstream(ref.multiclass_svm_backward))

# --------------------------------------------------------------------------- squared hinge
SQH, SQHB = "squared_hinge_forward", "squared_hinge_backward"
wrong(SQH, "hinge, not squared", "value")(ref.hinge_forward)
wrong(SQHB, "missing factor 2", "scale")(scaled(ref.squared_hinge_backward, 0.5))
wrong(SQHB, "hinge derivative (no chain through the square)", "mismatch")(   # -1 inside the margin
    lambda dloss, cache: np.where(cache[0] < 1, -1.0, 0.0) * cache[1] * dloss / len(cache[1]))
wrong(SQHB, "chain rule stops at the margin (no y)", "mismatch")(   # forgets that the margin is y * s
    lambda dloss, cache: -2.0 * np.maximum(0.0, 1.0 - cache[0]) * dloss / len(cache[1]))
wrong(SQHB, "gradient missing 1/N", "scale")(
    lambda dloss, cache: ref.squared_hinge_backward(dloss, cache) * len(cache[1]))
wrong(SQHB, "flipped sign", "sign")(negated(ref.squared_hinge_backward))
wrong(SQHB, "dropped upstream gradient", "upstream")(without_upstream(ref.squared_hinge_backward))

# --------------------------------------------------------------------------- MSE
wrong("mse_forward", "mean absolute error", "value")(
    lambda pred, target: (float(np.mean(np.abs(pred - target))), pred - target))
wrong("mse_backward", "missing factor 2", "scale")(lambda dloss, diff: diff / diff.size * dloss)
wrong("mse_backward", "target - pred", "sign")(negated(ref.mse_backward))
wrong("mse_backward", "divided by N rows, not all entries", "scale")(
    lambda dloss, diff: 2.0 * diff / diff.shape[0] * dloss)
wrong("mse_backward", "gradient of the sum, not the mean", "scale")(lambda dloss, diff: 2.0 * diff * dloss)
wrong("mse_backward", "dropped upstream gradient", "upstream")(without_upstream(ref.mse_backward))

# --------------------------------------------------------------------------- L2 penalty
L2, L2B = "l2_penalty_forward", "l2_penalty_backward"
wrong(L2, "penalty includes the biases", "value")(
    lambda params, reg: (0.5 * reg * sum(float(np.sum(v * v)) for v in params.values()), (params, reg)))
wrong(L2, "penalty without the 1/2", "scale")(scaled(ref.l2_penalty_forward, 2.0, only=0))
wrong(L2B, "biases regularised in the gradient", "mismatch")(
    lambda dloss, cache: {k: cache[1] * v * dloss for k, v in cache[0].items()})
wrong(L2B, "factor 2 (2 reg W)", "scale")(scaled(ref.l2_penalty_backward, 2.0))
wrong(L2B, "reg left out of the gradient", "scale")(
    lambda dloss, cache: {k: (v * dloss if k.startswith("W") else np.zeros_like(v)) for k, v in cache[0].items()})
wrong(L2B, "flipped sign", "sign")(negated(ref.l2_penalty_backward))
wrong(L2B, "dropped upstream gradient", "upstream")(without_upstream(ref.l2_penalty_backward))
wrong(L2B, "bias gradients missing from the dict", "shape")(   # returns the weights' gradients only
    lambda dloss, cache: {k: v for k, v in ref.l2_penalty_backward(dloss, cache).items() if k.startswith("W")})


# --------------------------------------------------------------------------- dropout
def _dropout(train_mask):
    """Dropout whose training mask is train_mask(x, keep_prob, seed); at test time out = x."""
    def forward(x, keep_prob, mode="train", seed=None):
        if mode == "test":
            return x.copy(), (None, mode)
        mask = train_mask(x, keep_prob, seed)
        return x * mask, (mask, mode)
    return forward


DO, DOB = "dropout_forward", "dropout_backward"
wrong(DO, "kept units not rescaled", "scale")(   # drops units but does not divide by keep_prob
    _dropout(lambda x, p, seed: (np.random.default_rng(seed).random(x.shape) < p).astype(float)))
wrong(DO, "rescaled by keep_prob at test time", "scale")(   # inverted dropout, scaled at test time as well
    lambda x, keep_prob, mode="train", seed=None:
    (x * keep_prob, (None, mode)) if mode == "test" else ref.dropout_forward(x, keep_prob, mode, seed))
wrong(DO, "units dropped at test time", "value")(   # ignores the mode
    lambda x, keep_prob, mode="train", seed=None: ref.dropout_forward(x, keep_prob, "train", seed))
wrong(DO, "keep_prob read as the drop probability", "value")(
    _dropout(lambda x, p, seed: (np.random.default_rng(seed).random(x.shape) < 1 - p) / p))
wrong(DOB, "backward ignores the mask", "mismatch")(lambda dout, cache: dout.copy())
wrong(DOB, "backward draws a new mask")(   # a fresh mask instead of the forward's
    lambda dout, cache: dout.copy() if cache[1] == "test"
    else dout * ref.dropout_mask(dout.shape, 1.0 / cache[0].max(), seed=None))
wrong(DOB, "backward forgets 1/keep_prob", "scale")(   # routes through the kept units, unscaled
    lambda dout, cache: dout * (cache[0] > 0) if cache[1] == "train" else dout.copy())
wrong(DOB, "dropped upstream gradient", "upstream")(without_upstream(ref.dropout_backward))



@wrong(DO, "drops units in place (x *= mask)", "value")
def dropout_in_place(x, keep_prob, mode="train", seed=None):
    if mode == "test":
        return x, (None, mode)
    mask = ref.dropout_mask(x.shape, keep_prob, seed)
    x *= mask                                # the caller's x is changed
    return x, (mask, mode)


@wrong("mse_forward", "subtracts the target in place", "value")
def mse_forward_in_place(pred, target):
    pred -= target                           # the caller's pred becomes the difference
    return float(np.mean(pred ** 2)), pred.copy()
