"""Realistic wrong answers for the chapter 5 exercises (see solutions/mutants/__init__.py)."""
from functools import partial

import numpy as np

from autograder.checks.families import sigmoid
from solutions import ch05_neural_nets as ref
from solutions.mutants import Catalogue, negated, with_output, without_upstream

wrong = MUTANTS = Catalogue(__name__)


# --------------------------------------------------------------------------- affine_forward
@wrong("affine_forward", "missing bias", "value")
def affine_no_bias(x, W, b):
    return x @ W, (x, W, b)


@wrong("affine_forward", "bias subtracted", "value")
def affine_minus_bias(x, W, b):
    return x @ W - b, (x, W, b)


@wrong("affine_forward", "output transposed", "shape")
def affine_transposed(x, W, b):
    return W.T @ x.T + b[:, None], (x, W, b)


@wrong("affine_forward", "bias added twice", "value")
def affine_bias_twice(x, W, b):
    return x @ W + 2 * b, (x, W, b)


@wrong("affine_forward", "bias added to the first row only", "value")
def affine_bias_first_row(x, W, b):
    out = x @ W
    out[0] += b
    return out, (x, W, b)


@wrong("affine_forward", "W transposed")
def affine_w_transposed(x, W, b):
    return x @ W.T + b, (x, W, b)


# --------------------------------------------------------------------------- affine_backward
AB = "affine_backward"
wrong(AB, "dropped upstream gradient", "upstream")(without_upstream(ref.affine_backward))
wrong(AB, "dW transposed", "transpose")(with_output(ref.affine_backward, 1, lambda dW, *args: dW.T))
wrong(AB, "db summed over the wrong axis", "shape")(
    with_output(ref.affine_backward, 2, lambda db, dout, cache: dout.sum(axis=1)))
wrong(AB, "dx off by a factor 2", "scale")(with_output(ref.affine_backward, 0, lambda dx, *args: 2 * dx))
wrong(AB, "every gradient negated", "sign")(negated(ref.affine_backward))
wrong(AB, "db averaged instead of summed", "scale")(
    with_output(ref.affine_backward, 2, lambda db, dout, cache: dout.mean(axis=0)))


# --------------------------------------------------------------------------- relu_forward
@wrong("relu_forward", "absolute value", "value")
def relu_abs(x):
    return np.abs(x), x


@wrong("relu_forward", "minimum instead of maximum", "value")
def relu_min(x):
    return np.minimum(0.0, x), x


@wrong("relu_forward", "leaky slope on negatives", "value")
def relu_leaky(x):
    return np.where(x > 0, x, 0.01 * x), x


@wrong("relu_forward", "mask inverted", "value")
def relu_inverted(x):
    return x * (x < 0), x


@wrong("relu_forward", "overwrites its input", "value")
def relu_in_place(x):
    np.maximum(x, 0.0, out=x)
    return x, x


@wrong("relu_forward", "returns the mask, not the values", "value")
def relu_mask_only(x):
    return (x > 0).astype(float), x


# --------------------------------------------------------------------------- relu_backward
@wrong("relu_backward", "dropped upstream gradient", "upstream")
def relu_bw_dropped_upstream(dout, cache):
    return (cache > 0).astype(float)


@wrong("relu_backward", "mask taken from the upstream gradient", "mismatch")
def relu_bw_mask_from_dout(dout, cache):
    return dout * (dout > 0)


@wrong("relu_backward", "multiplied by the input", "mismatch")
def relu_bw_times_input(dout, cache):
    return dout * cache


@wrong("relu_backward", "mask inverted", "mismatch")
def relu_bw_inverted(dout, cache):
    return dout * (cache <= 0)


@wrong("relu_backward", "no mask at all", "mismatch")
def relu_bw_no_mask(dout, cache):
    return dout.copy()


@wrong("relu_backward", "zeroes dout in place", "value")
def relu_bw_in_place(dout, cache):
    dout[cache <= 0] = 0.0
    return dout


# --------------------------------------------------------------------------- sigmoid_forward
@wrong("sigmoid_forward", "exponent sign flipped", "value")
def sigmoid_flipped_exponent(x):
    out = 1.0 / (1.0 + np.exp(x))
    return out, out


@wrong("sigmoid_forward", "exp(x) / (1 + exp(x)) overflows", "value", extremes=True)
def sigmoid_naive_overflow(x):
    out = np.exp(x) / (1.0 + np.exp(x))
    return out, out


@wrong("sigmoid_forward", "tanh instead of the sigmoid", "value")
def sigmoid_tanh(x):
    out = np.tanh(x)
    return out, out


@wrong("sigmoid_forward", "tanh form without halving x", "value")
def sigmoid_tanh_form_wrong_scale(x):
    out = 0.5 * (1.0 + np.tanh(x))
    return out, out


@wrong("sigmoid_forward", "overwrites its input", "value")
def sigmoid_in_place(x):
    x[...] = sigmoid(x)
    return x, x


@wrong("sigmoid_forward", "forgets the 1 in the denominator", "value")
def sigmoid_no_one(x):
    out = 1.0 / np.exp(-x)
    return out, out


# --------------------------------------------------------------------------- sigmoid_backward
@wrong("sigmoid_backward", "dropped upstream gradient", "upstream")
def sigmoid_bw_dropped_upstream(dout, cache):
    return cache * (1.0 - cache)


@wrong("sigmoid_backward", "missing the (1 - s) factor", "mismatch")
def sigmoid_bw_missing_factor(dout, cache):
    return dout * cache


@wrong("sigmoid_backward", "cache taken for the input", "mismatch")
def sigmoid_bw_cache_as_input(dout, cache):
    s = sigmoid(cache)
    return dout * s * (1.0 - s)


@wrong("sigmoid_backward", "sign flipped", "sign")
def sigmoid_bw_sign(dout, cache):
    return dout * cache * (cache - 1.0)


@wrong("sigmoid_backward", "factor 2", "scale")
def sigmoid_bw_doubled(dout, cache):
    return 2.0 * dout * cache * (1.0 - cache)


@wrong("sigmoid_backward", "tanh's slope", "mismatch")
def sigmoid_bw_tanh_slope(dout, cache):
    return dout * (1.0 - cache ** 2)


# --------------------------------------------------------------------------- two_layer_loss
def _two_layer(params, X, y, reg, *, reg_grad=1.0, mask_from="h", db2_axis=0, transpose_dW1=False,
               per_example=False, penalise_biases=False, loss_penalty=True):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    h = X @ W1 + b1
    a = np.maximum(0.0, h)
    s = a @ W2 + b2
    shifted = s - s.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = X.shape[0]
    weights = [W1, W2] + ([b1, b2] if penalise_biases else [])
    loss = -np.mean(np.log(p[np.arange(n), y])) + (0.5 * reg * sum(np.sum(w * w) for w in weights)
                                                    if loss_penalty else 0.0)
    ds = p.copy()
    ds[np.arange(n), y] -= 1.0
    if not per_example:
        ds /= n
    dW2 = a.T @ ds
    db2 = ds.sum(axis=db2_axis)
    da = ds @ W2.T
    dh = da if mask_from is None else da * ((da > 0) if mask_from == "da" else (h > 0))
    dW1 = dh.T @ X if transpose_dW1 else X.T @ dh
    db1 = dh.sum(axis=0)
    grads = {"W1": dW1 + reg_grad * reg * (W1.T if transpose_dW1 else W1), "b1": db1,
             "W2": dW2 + reg_grad * reg * W2, "b2": db2}
    if penalise_biases:
        grads["b1"] = db1 + reg * b1
        grads["b2"] = db2 + reg * b2
    return float(loss), grads


wrong("two_layer_loss", "missing regularisation gradient", "mismatch")(partial(_two_layer, reg_grad=0.0))
wrong("two_layer_loss", "regularisation gradient doubled", "mismatch")(partial(_two_layer, reg_grad=2.0))
wrong("two_layer_loss", "relu mask from the upstream gradient", "mismatch")(partial(_two_layer, mask_from="da"))
wrong("two_layer_loss", "db2 summed over the wrong axis", "shape")(partial(_two_layer, db2_axis=1))
wrong("two_layer_loss", "dW1 transposed", "transpose")(partial(_two_layer, transpose_dW1=True))
wrong("two_layer_loss", "gradient not averaged over the batch")(partial(_two_layer, per_example=True))
wrong("two_layer_loss", "biases penalised")(partial(_two_layer, penalise_biases=True))
wrong("two_layer_loss", "loss without the penalty", "value")(partial(_two_layer, loss_penalty=False))
# --------------------------------------------------------------------------- train_two_layer
def _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, *, epoch_count=None, sign=-1.0,
           shuffle=True, rng_per_epoch=False, update=("W1", "b1", "W2", "b2"), copy=True,
           drop_last=False, lr_scale=1.0):
    params = {k: v.copy() for k, v in params.items()} if copy else params
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    for _ in range(epochs if epoch_count is None else epoch_count(epochs)):
        if rng_per_epoch:
            rng = np.random.default_rng(seed)
        order = rng.permutation(n) if shuffle else np.arange(n)
        stop = n - batch_size + 1 if drop_last else n
        for start in range(0, stop, batch_size):
            batch = order[start:start + batch_size]
            _, grads = ref.two_layer_loss(params, X[batch], y[batch], reg)
            for name in update:
                params[name] += sign * learning_rate * lr_scale(len(batch)) * grads[name] \
                    if callable(lr_scale) else sign * learning_rate * grads[name]
    return params


wrong("train_two_layer", "off by one: one epoch too few", "value")(partial(_train, epoch_count=lambda e: e - 1))
wrong("train_two_layer", "steps up the gradient", "value")(partial(_train, sign=1.0))
wrong("train_two_layer", "never shuffles", "value")(partial(_train, shuffle=False))
wrong("train_two_layer", "new generator every epoch", "value")(partial(_train, rng_per_epoch=True))
wrong("train_two_layer", "biases never updated", "value")(partial(_train, update=("W1", "W2")))
wrong("train_two_layer", "trains the caller's params in place", "value")(partial(_train, copy=False))
wrong("train_two_layer", "drops the last short batch", "value")(partial(_train, drop_last=True))
wrong("train_two_layer", "learning rate divided by the batch size", "value")(
    partial(_train, lr_scale=lambda m: 1.0 / m))


@wrong("affine_forward", "returns out.tolist()", "shape")
def affine_as_list(x, W, b):
    return (x @ W + b).tolist(), (x, W, b)


@wrong("affine_backward", "db = dout[0]")
def affine_bw_db_first_row(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout[0]


@wrong("affine_backward", "db keeps its dimension (keepdims=True)", "shape")
def affine_bw_db_keepdims(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True)


@wrong("affine_backward", "dx and dW swapped", "order")
def affine_bw_swapped(dout, cache):
    x, W, b = cache
    return x.T @ dout, dout @ W.T, dout.sum(axis=0)


@wrong("relu_backward", "integer gradient array", "dtype")
def relu_bw_integer(dout, cache):
    dx = np.zeros(cache.shape, dtype=int)
    dx[cache > 0] = dout[cache > 0]
    return dx


@wrong("relu_forward", "returns a list", "shape")
def relu_as_list(x):
    return np.maximum(0.0, x).tolist(), x


wrong("two_layer_loss", "skips relu_backward", "mismatch")(partial(_two_layer, mask_from=None))


# --------------------------------------------------------------------------- further graded parts
# The catalogues of the part modules (Nielsen's network and the gradient's reading; CS224n's
# activations, initialisations and preprocessing) belong to this chapter.
from solutions.mutants.ch05_neural_nets_activations import MUTANTS as _ACTIVATIONS  # noqa: E402
from solutions.mutants.ch05_neural_nets_network import MUTANTS as _NETWORK  # noqa: E402

MUTANTS.extend(_ACTIVATIONS + _NETWORK)
