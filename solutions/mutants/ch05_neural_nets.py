"""Realistic wrong answers for the chapter 5 exercises; each must lose points (tests/test_mutants.py)."""
import numpy as np

from solutions.mutants import Mutant
from solutions import ch05_neural_nets as ref


def _sig(x):
    return np.exp(-np.logaddexp(0.0, -x))


# --------------------------------------------------------------------------- affine_forward
def affine_no_bias(x, W, b):
    return x @ W, (x, W, b)


def affine_minus_bias(x, W, b):
    return x @ W - b, (x, W, b)


def affine_transposed(x, W, b):
    return W.T @ x.T + b[:, None], (x, W, b)


def affine_bias_twice(x, W, b):
    return x @ W + 2 * b, (x, W, b)


def affine_bias_first_row(x, W, b):
    out = x @ W
    out[0] += b
    return out, (x, W, b)


def affine_w_transposed(x, W, b):
    return x @ W.T + b, (x, W, b)


# --------------------------------------------------------------------------- affine_backward
def affine_bw_dropped_upstream(dout, cache):
    return ref.affine_backward(np.ones_like(dout), cache)


def affine_bw_dW_transposed(dout, cache):
    dx, dW, db = ref.affine_backward(dout, cache)
    return dx, dW.T, db


def affine_bw_db_wrong_axis(dout, cache):
    dx, dW, _ = ref.affine_backward(dout, cache)
    return dx, dW, dout.sum(axis=1)


def affine_bw_dx_doubled(dout, cache):
    dx, dW, db = ref.affine_backward(dout, cache)
    return 2 * dx, dW, db


def affine_bw_sign(dout, cache):
    return tuple(-g for g in ref.affine_backward(dout, cache))


def affine_bw_db_mean(dout, cache):
    dx, dW, _ = ref.affine_backward(dout, cache)
    return dx, dW, dout.mean(axis=0)


# --------------------------------------------------------------------------- relu_forward
def relu_abs(x):
    return np.abs(x), x


def relu_min(x):
    return np.minimum(0.0, x), x


def relu_leaky(x):
    return np.where(x > 0, x, 0.01 * x), x


def relu_inverted(x):
    return x * (x < 0), x


def relu_in_place(x):
    np.maximum(x, 0.0, out=x)
    return x, x


def relu_mask_only(x):
    return (x > 0).astype(float), x


# --------------------------------------------------------------------------- relu_backward
def relu_bw_dropped_upstream(dout, cache):
    return (cache > 0).astype(float)


def relu_bw_mask_from_dout(dout, cache):
    return dout * (dout > 0)


def relu_bw_times_input(dout, cache):
    return dout * cache


def relu_bw_inverted(dout, cache):
    return dout * (cache <= 0)


def relu_bw_no_mask(dout, cache):
    return dout.copy()


def relu_bw_in_place(dout, cache):
    dout[cache <= 0] = 0.0
    return dout


# --------------------------------------------------------------------------- sigmoid_forward
def sigmoid_flipped_exponent(x):
    out = 1.0 / (1.0 + np.exp(x))
    return out, out


def sigmoid_naive_overflow(x):
    out = np.exp(x) / (1.0 + np.exp(x))
    return out, out


def sigmoid_tanh(x):
    out = np.tanh(x)
    return out, out


def sigmoid_tanh_form_wrong_scale(x):
    out = 0.5 * (1.0 + np.tanh(x))
    return out, out


def sigmoid_in_place(x):
    x[...] = _sig(x)
    return x, x


def sigmoid_no_one(x):
    out = 1.0 / np.exp(-x)
    return out, out


# --------------------------------------------------------------------------- sigmoid_backward
def sigmoid_bw_dropped_upstream(dout, cache):
    return cache * (1.0 - cache)


def sigmoid_bw_missing_factor(dout, cache):
    return dout * cache


def sigmoid_bw_cache_as_input(dout, cache):
    s = _sig(cache)
    return dout * s * (1.0 - s)


def sigmoid_bw_sign(dout, cache):
    return dout * cache * (cache - 1.0)


def sigmoid_bw_doubled(dout, cache):
    return 2.0 * dout * cache * (1.0 - cache)


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
    dh = da * ((da > 0) if mask_from == "da" else (h > 0))
    dW1 = dh.T @ X if transpose_dW1 else X.T @ dh
    db1 = dh.sum(axis=0)
    grads = {"W1": dW1 + reg_grad * reg * (W1.T if transpose_dW1 else W1), "b1": db1, "W2": dW2 + reg_grad * reg * W2, "b2": db2}
    if penalise_biases:
        grads["b1"] = db1 + reg * b1
        grads["b2"] = db2 + reg * b2
    return float(loss), grads


def net_no_reg_grad(params, X, y, reg=0.0):
    return _two_layer(params, X, y, reg, reg_grad=0.0)


def net_reg_grad_doubled(params, X, y, reg=0.0):
    return _two_layer(params, X, y, reg, reg_grad=2.0)


def net_mask_from_upstream(params, X, y, reg=0.0):
    return _two_layer(params, X, y, reg, mask_from="da")


def net_db2_wrong_axis(params, X, y, reg=0.0):
    return _two_layer(params, X, y, reg, db2_axis=1)


def net_dW1_transposed(params, X, y, reg=0.0):
    return _two_layer(params, X, y, reg, transpose_dW1=True)


def net_gradient_not_averaged(params, X, y, reg=0.0):
    return _two_layer(params, X, y, reg, per_example=True)


def net_biases_penalised(params, X, y, reg=0.0):
    return _two_layer(params, X, y, reg, penalise_biases=True)


def net_loss_without_penalty(params, X, y, reg=0.0):
    return _two_layer(params, X, y, reg, loss_penalty=False)


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


def train_one_epoch_short(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    return _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, epoch_count=lambda e: e - 1)


def train_ascends(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    return _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, sign=1.0)


def train_no_shuffle(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    return _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, shuffle=False)


def train_same_order_every_epoch(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    return _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, rng_per_epoch=True)


def train_weights_only(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    return _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, update=("W1", "W2"))


def train_in_place(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    return _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, copy=False)


def train_drops_last_batch(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    return _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, drop_last=True)


def train_divides_by_batch(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    return _train(params, X, y, learning_rate, batch_size, epochs, reg, seed, lr_scale=lambda m: 1.0 / m)


MUTANTS = [
    Mutant("check_affine_forward", "missing bias", affine_no_bias, "value"),
    Mutant("check_affine_forward", "bias subtracted", affine_minus_bias, "value"),
    Mutant("check_affine_forward", "output transposed", affine_transposed, "shape"),
    Mutant("check_affine_forward", "bias added twice", affine_bias_twice, "value"),
    Mutant("check_affine_forward", "bias added to the first row only", affine_bias_first_row, "value"),
    Mutant("check_affine_forward", "W transposed", affine_w_transposed, None),

    Mutant("check_affine_backward", "dropped upstream gradient", affine_bw_dropped_upstream, "upstream"),
    Mutant("check_affine_backward", "dW transposed", affine_bw_dW_transposed, "transpose"),
    Mutant("check_affine_backward", "db summed over the wrong axis", affine_bw_db_wrong_axis, "shape"),
    Mutant("check_affine_backward", "dx off by a factor 2", affine_bw_dx_doubled, "scale"),
    Mutant("check_affine_backward", "every gradient negated", affine_bw_sign, "sign"),
    Mutant("check_affine_backward", "db averaged instead of summed", affine_bw_db_mean, "scale"),

    Mutant("check_relu_forward", "absolute value", relu_abs, "value"),
    Mutant("check_relu_forward", "minimum instead of maximum", relu_min, "value"),
    Mutant("check_relu_forward", "leaky slope on negatives", relu_leaky, "value"),
    Mutant("check_relu_forward", "mask inverted", relu_inverted, "value"),
    Mutant("check_relu_forward", "overwrites its input", relu_in_place, "value"),
    Mutant("check_relu_forward", "returns the mask, not the values", relu_mask_only, "value"),

    Mutant("check_relu_backward", "dropped upstream gradient", relu_bw_dropped_upstream, "upstream"),
    Mutant("check_relu_backward", "mask taken from the upstream gradient", relu_bw_mask_from_dout, "mismatch"),
    Mutant("check_relu_backward", "multiplied by the input", relu_bw_times_input, "mismatch"),
    Mutant("check_relu_backward", "mask inverted", relu_bw_inverted, "mismatch"),
    Mutant("check_relu_backward", "no mask at all", relu_bw_no_mask, "mismatch"),
    Mutant("check_relu_backward", "zeroes dout in place", relu_bw_in_place, "value"),

    Mutant("check_sigmoid_forward", "exponent sign flipped", sigmoid_flipped_exponent, "value"),
    Mutant("check_sigmoid_forward", "exp(x) / (1 + exp(x)) overflows", sigmoid_naive_overflow, "value",
           params={"extremes": True}),
    Mutant("check_sigmoid_forward", "tanh instead of the sigmoid", sigmoid_tanh, "value"),
    Mutant("check_sigmoid_forward", "tanh form without halving x", sigmoid_tanh_form_wrong_scale, "value"),
    Mutant("check_sigmoid_forward", "overwrites its input", sigmoid_in_place, "value"),
    Mutant("check_sigmoid_forward", "forgets the 1 in the denominator", sigmoid_no_one, "value"),

    Mutant("check_sigmoid_backward", "dropped upstream gradient", sigmoid_bw_dropped_upstream, "upstream"),
    Mutant("check_sigmoid_backward", "missing the (1 - s) factor", sigmoid_bw_missing_factor, "mismatch"),
    Mutant("check_sigmoid_backward", "cache taken for the input", sigmoid_bw_cache_as_input, "mismatch"),
    Mutant("check_sigmoid_backward", "sign flipped", sigmoid_bw_sign, "sign"),
    Mutant("check_sigmoid_backward", "factor 2", sigmoid_bw_doubled, "scale"),
    Mutant("check_sigmoid_backward", "tanh's slope", sigmoid_bw_tanh_slope, "mismatch"),

    Mutant("check_two_layer_loss", "missing regularisation gradient", net_no_reg_grad, "mismatch"),
    Mutant("check_two_layer_loss", "regularisation gradient doubled", net_reg_grad_doubled, "mismatch"),
    Mutant("check_two_layer_loss", "relu mask from the upstream gradient", net_mask_from_upstream, "mismatch"),
    Mutant("check_two_layer_loss", "db2 summed over the wrong axis", net_db2_wrong_axis, "shape"),
    Mutant("check_two_layer_loss", "dW1 transposed", net_dW1_transposed, "transpose"),
    Mutant("check_two_layer_loss", "gradient not averaged over the batch", net_gradient_not_averaged, None),
    Mutant("check_two_layer_loss", "biases penalised", net_biases_penalised, None),
    Mutant("check_two_layer_loss", "loss without the penalty", net_loss_without_penalty, "value"),

    Mutant("check_train_two_layer", "off by one: one epoch too few", train_one_epoch_short, "value"),
    Mutant("check_train_two_layer", "steps up the gradient", train_ascends, "value"),
    Mutant("check_train_two_layer", "never shuffles", train_no_shuffle, "value"),
    Mutant("check_train_two_layer", "new generator every epoch", train_same_order_every_epoch, "value"),
    Mutant("check_train_two_layer", "biases never updated", train_weights_only, "value"),
    Mutant("check_train_two_layer", "trains the caller's params in place", train_in_place, "value"),
    Mutant("check_train_two_layer", "drops the last short batch", train_drops_last_batch, "value"),
    Mutant("check_train_two_layer", "learning rate divided by the batch size", train_divides_by_batch, "value"),
]
