"""Loss functions, weight penalties and dropout, each written as a forward/backward pair.

Contract shared by every pair in this module (stated once, here):

    loss, cache = name_forward(inputs...)   # loss: a Python float, AVERAGED over the batch
    grads = name_backward(dloss, cache)     # dloss: float, the upstream gradient d(total)/d(loss)
                                            # grads: the gradient of each float input, in the order
                                            # of the forward's inputs; a bare array when there is
                                            # one, a tuple when there are several, a dict for a dict

Labels ``y`` and regression targets are data, not parameters: no gradient is returned for them.
Binary labels are -1 or +1 and the margin of an example is m = y * s; class labels are
integers 0..C-1. Dropout has an array output instead of a loss and follows the same pattern:
``out, cache = dropout_forward(x, ...)``, ``dx = dropout_backward(dout, cache)``.
No function modifies its inputs.
"""
import numpy as np

DELTA = 1.0  #: the margin the SVM losses ask the right answer to win by


# --------------------------------------------------------------------------- losses of the margin
def hinge(m):
    """Per-example hinge loss max(0, 1 - m) of margins m (any shape)."""
    return np.maximum(0.0, 1.0 - m)


def squared_hinge(m):
    """Per-example squared hinge loss max(0, 1 - m)^2."""
    return np.maximum(0.0, 1.0 - m) ** 2


def logistic(m):
    """Per-example logistic loss log(1 + exp(-m)), computed without overflow."""
    return np.logaddexp(0.0, -m)


def squared(m):
    """Per-example squared loss (1 - m)^2: least squares on +-1 targets, since (y - s)^2 = (1 - y s)^2."""
    return (1.0 - m) ** 2


def zero_one(m):
    """The 0-1 loss: 1 for a misclassified example (m <= 0), else 0. Not differentiable."""
    return (np.asarray(m) <= 0).astype(np.float64)


def sigmoid(z):
    """1 / (1 + exp(-z)) elementwise, without overflow for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


# --------------------------------------------------------------------------- binary losses
def hinge_forward(scores, y):
    """Binary hinge loss. scores: (N,), y: (N,) of -1/+1. loss = mean(max(0, 1 - y * s))."""
    margins = y * scores                                   # (N,)
    loss = float(np.mean(hinge(margins)))
    return loss, (margins, y)


def hinge_backward(dloss, cache):
    """Returns dscores (N,). Examples beyond the margin (m > 1, or m = 1 exactly) pull nothing."""
    margins, y = cache
    dmargins = np.where(margins < 1.0, -1.0, 0.0) * dloss / margins.shape[0]
    dscores = dmargins * y
    return dscores


def squared_hinge_forward(scores, y):
    """Binary squared hinge loss. scores: (N,), y: (N,) of -1/+1. loss = mean(max(0, 1 - y s)^2)."""
    margins = y * scores                                   # (N,)
    loss = float(np.mean(squared_hinge(margins)))
    return loss, (margins, y)


def squared_hinge_backward(dloss, cache):
    """Returns dscores (N,): -2 max(0, 1 - m) y / N, times dloss."""
    margins, y = cache
    dmargins = -2.0 * np.maximum(0.0, 1.0 - margins) * dloss / margins.shape[0]
    dscores = dmargins * y
    return dscores


def logistic_forward(scores, y):
    """Binary logistic loss. scores: (N,), y: (N,) of -1/+1. loss = mean(log(1 + exp(-y s)))."""
    margins = y * scores
    loss = float(np.mean(logistic(margins)))
    return loss, (margins, y)


def logistic_backward(dloss, cache):
    """Returns dscores (N,): -sigmoid(-m) y / N, times dloss."""
    margins, y = cache
    dmargins = -sigmoid(-margins) * dloss / margins.shape[0]
    dscores = dmargins * y
    return dscores


# --------------------------------------------------------------------------- multiclass losses
def multiclass_svm_forward(scores, y):
    """Multiclass SVM loss. scores: (N, C), y: (N,) ints.

    L_i = sum over j != y_i of max(0, s_ij - s_i,y_i + DELTA); loss = mean over i of L_i.
    """
    n = scores.shape[0]
    rows = np.arange(n)
    correct = scores[rows, y][:, None]                     # (N, 1)
    margins = scores - correct + DELTA                     # (N, C)
    margins[rows, y] = 0.0                                 # the right class competes with no one
    loss = float(np.maximum(0.0, margins).sum() / n)
    return loss, (margins, y)


def multiclass_svm_backward(dloss, cache):
    """Returns dscores (N, C). A margin of exactly 0 counts as met (subgradient 0)."""
    margins, y = cache
    n = margins.shape[0]
    dmargins = (margins > 0).astype(np.float64) * dloss / n   # (N, C)
    dscores = dmargins.copy()
    dscores[np.arange(n), y] -= dmargins.sum(axis=1)         # each violation also pushes s_y down
    return dscores


def softmax_cross_entropy_forward(scores, y):
    """Softmax cross-entropy. scores: (N, C), y: (N,) ints. loss = mean over i of -log p_i,y_i.

    Subtracting each row's maximum leaves the probabilities unchanged and keeps exp() finite.
    """
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)   # (N, C), every entry <= 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_probs[np.arange(n), y].mean())
    return loss, (np.exp(log_probs), y)


def softmax_cross_entropy_backward(dloss, cache):
    """Returns dscores (N, C) = (probs - onehot(y)) / N, times dloss."""
    probs, y = cache
    n = probs.shape[0]
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1.0
    return dscores * dloss / n


def mse_forward(pred, target):
    """Mean squared error. pred, target: arrays of one shape S. loss = mean over all entries of (pred - target)^2."""
    diff = pred - target
    loss = float(np.mean(diff ** 2))
    return loss, diff


def mse_backward(dloss, cache):
    """Returns dpred, shape S: 2 (pred - target) / (number of entries), times dloss."""
    diff = cache
    ddiff = 2.0 * diff / diff.size * dloss
    return ddiff


def max_margin_forward(s, s_c):
    """The max-margin objective for (true, corrupted) score pairs. s, s_c: (N,).

    loss = mean(max(0, 1 + s_c - s)): the true window must outscore the corrupted one by 1.
    """
    margins = 1.0 + s_c - s
    loss = float(np.mean(np.maximum(0.0, margins)))
    return loss, margins


def max_margin_backward(dloss, cache):
    """Returns (ds, ds_c), each (N,)."""
    margins = cache
    dmargins = (margins > 0).astype(np.float64) * dloss / margins.shape[0]
    return -dmargins, dmargins.copy()


# --------------------------------------------------------------------------- penalties
def is_weight(name):
    """Penalties apply to weights (names starting with 'W': W, W1, W2, ...) and never to biases."""
    return name.startswith("W")


def l2_penalty_forward(params, reg):
    """L2 penalty. params: dict name -> array; reg: float. loss = reg / 2 * sum of W^2 over weights.

    The 1/2 makes the gradient reg * W: a spring pulling each weight toward zero.
    """
    loss = 0.5 * reg * sum(float(np.sum(w * w)) for name, w in params.items() if is_weight(name))
    return float(loss), (params, reg)


def l2_penalty_backward(dloss, cache):
    """Returns a dict shaped like params: reg * W * dloss for weights, zeros for biases."""
    params, reg = cache
    return {name: (reg * w * dloss if is_weight(name) else np.zeros_like(w))
            for name, w in params.items()}


def l1_penalty_forward(params, reg):
    """L1 penalty. params: dict name -> array; reg: float. loss = reg * sum of |W| over weights."""
    loss = reg * sum(float(np.sum(np.abs(w))) for name, w in params.items() if is_weight(name))
    return float(loss), (params, reg)


def l1_penalty_backward(dloss, cache):
    """Returns a dict shaped like params: reg * sign(W) * dloss for weights (0 at W = 0), zeros for biases."""
    params, reg = cache
    return {name: (reg * np.sign(w) * dloss if is_weight(name) else np.zeros_like(w))
            for name, w in params.items()}


# --------------------------------------------------------------------------- dropout
def dropout_mask(shape, keep_prob, seed=None):
    """The inverted-dropout mask: each entry is 1/keep_prob with probability keep_prob, else 0.

    Drawn as ``np.random.default_rng(seed).random(shape) < keep_prob``, so one seed gives one mask.
    """
    keep = np.random.default_rng(seed).random(shape) < keep_prob
    return keep / keep_prob


def dropout_forward(x, keep_prob, mode="train", seed=None):
    """Inverted dropout. x: any shape; 0 < keep_prob <= 1; mode "train" or "test".

    train: out = x * mask, the mask of ``dropout_mask`` (kept units are scaled up by 1/keep_prob
           so that E[out] = x); test: out = x, nothing dropped and nothing rescaled.
    Returns (out, cache), out shaped like x.
    """
    if not 0.0 < keep_prob <= 1.0:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob}")
    if mode == "train":
        mask = dropout_mask(x.shape, keep_prob, seed)
        return x * mask, (mask, mode)
    if mode == "test":
        return x.copy(), (None, mode)
    raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")


def dropout_backward(dout, cache):
    """Returns dx, shaped like dout: the gradient flows only through the units the forward kept."""
    mask, mode = cache
    return dout * mask if mode == "train" else dout.copy()


# --------------------------------------------------------------------------- fitting
def fit_linear(X, y, forward, backward, *, lr=0.1, steps=2000, reg=0.0):
    """Fit scores s = X w + b by full-batch gradient descent on a binary loss pair.

    X: (N, D); y: (N,) of -1/+1 (or real targets for mse); forward/backward: a pair of this module
    taking (scores, y). An L2 penalty reg / 2 * |w|^2 is added (the bias is not penalised).
    Returns (w (D,), b float, losses (steps,) of the data loss plus penalty).
    """
    w = np.zeros(X.shape[1])
    b = 0.0
    losses = np.empty(steps)
    for step in range(steps):
        scores = X @ w + b
        data_loss, cache = forward(scores, y)
        penalty, pcache = l2_penalty_forward({"W": w, "b": np.array(b)}, reg)
        losses[step] = data_loss + penalty
        dscores = backward(1.0, cache)
        dpenalty = l2_penalty_backward(1.0, pcache)
        dw = X.T @ dscores + dpenalty["W"]
        db = float(dscores.sum())
        w = w - lr * dw
        b = b - lr * db
    return w, b, losses
