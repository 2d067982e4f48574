"""Realistic wrong answers to the chapter 2 exercises; each must lose points (tests/test_mutants.py)."""
import numpy as np

from solutions.mutants import Mutant


# --------------------------------------------------------------------------- numerical_gradient
def ng_forward_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        grad[i] = (f(x) - fx) / h
        x[i] = keep
    return grad


def ng_divides_by_h(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        up = f(x)
        x[i] = keep - h
        down = f(x)
        x[i] = keep
        grad[i] = (up - down) / h
    return grad


def ng_no_restore(f, x, h=1e-5):
    """Moves the entry to x + h, then to (x + h) - 2h, and never puts it back."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = f(x)
        x[i] -= 2 * h
        down = f(x)
        grad[i] = (up - down) / (2 * h)
    return grad


def ng_reversed(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        up = f(x)
        x[i] = keep - h
        down = f(x)
        x[i] = keep
        grad[i] = (down - up) / (2 * h)
    return grad


def ng_aliased(f, x, h=1e-5):
    """'Copies' x by assignment, so both evaluations see the same array (restored each time)."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x_plus = x
        x_plus[i] = keep + h
        x_minus = x
        x_minus[i] = keep - h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
        x[i] = keep
    return grad


def ng_all_at_once(f, x, h=1e-5):
    """Nudges every entry at the same time."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        grad[i] = (f(x + h) - f(x - h)) / (2 * h)
    return grad


# --------------------------------------------------------------------------- numerical_gradient_array
def nga_ignores_dout(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        up = np.sum(f(x))
        x[i] = keep - h
        down = np.sum(f(x))
        x[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad


def nga_forward_difference(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    base = np.sum(f(x) * dout)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        grad[i] = (np.sum(f(x) * dout) - base) / h
        x[i] = keep
    return grad


def nga_no_restore(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = np.sum(f(x) * dout)
        x[i] -= 2 * h
        down = np.sum(f(x) * dout)
        grad[i] = (up - down) / (2 * h)
    return grad


def nga_divides_by_h(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        up = np.sum(f(x) * dout)
        x[i] = keep - h
        down = np.sum(f(x) * dout)
        x[i] = keep
        grad[i] = (up - down) / h
    return grad


def nga_mean(f, x, dout, h=1e-5):
    """Averages over the outputs instead of summing."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        up = np.mean(f(x) * dout)
        x[i] = keep - h
        down = np.mean(f(x) * dout)
        x[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad


def nga_keeps_views(f, x, dout, h=1e-5):
    """Keeps f's outputs without copying them: wrong when f returns a view of x."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        up = f(x)
        x[i] = keep - h
        down = f(x)
        x[i] = keep
        grad[i] = np.sum((up - down) * dout) / (2 * h)
    return grad


# --------------------------------------------------------------------------- rel_error
def re_mean(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def re_signed(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max((a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def re_max_denominator(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(b)))))


def re_no_floor(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


def re_elementwise(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))


def re_ratio_of_maxima(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b))))


# --------------------------------------------------------------------------- reuse_backward
def reuse_one_wire(dout, cache):
    """Counts only the multiply's pull on x, not the path through the add."""
    x, y = cache
    return (x + y) * dout, x * dout


def reuse_no_upstream(dout, cache):
    x, y = cache
    return 2 * x + y, x.copy()


def reuse_sign(dout, cache):
    x, y = cache
    return -(2 * x + y) * dout, -x * dout


def reuse_dy_doubled(dout, cache):
    x, y = cache
    return (2 * x + y) * dout, 2 * x * dout


def reuse_swapped(dout, cache):
    x, y = cache
    return x * dout, (2 * x + y) * dout


# --------------------------------------------------------------------------- tanh_layer_backward
def tanh_no_derivative(dout, cache):
    x, W, out = cache
    return dout @ W.T, x.T @ dout


def tanh_one_minus_out(dout, cache):
    x, W, out = cache
    dz = (1 - out) * dout
    return dz @ W.T, x.T @ dz


def tanh_transposed_dW(dout, cache):
    x, W, out = cache
    dz = (1 - out ** 2) * dout
    return dz @ W.T, dz.T @ x


def tanh_no_upstream(dout, cache):
    x, W, out = cache
    dz = 1 - out ** 2
    return dz @ W.T, x.T @ dz


def tanh_sign(dout, cache):
    x, W, out = cache
    dz = (out ** 2 - 1) * dout
    return dz @ W.T, x.T @ dz


def tanh_sigmoid_derivative(dout, cache):
    x, W, out = cache
    dz = out * (1 - out) * dout
    return dz @ W.T, x.T @ dz


# --------------------------------------------------------------------------- row_norm_backward
def norm_no_division(dout, cache):
    x, out = cache
    return (x * dout[:, None],)


def norm_squared_derivative(dout, cache):
    """Keeps the 2 from the derivative of the square: 2x / norm."""
    x, out = cache
    return (2 * x / out[:, None] * dout[:, None],)


def norm_no_upstream(dout, cache):
    x, out = cache
    return (x / out[:, None],)


def norm_no_broadcast(dout, cache):
    x, out = cache
    return (x / out * dout,)


def norm_divides_by_square(dout, cache):
    x, out = cache
    return (x / out[:, None] ** 2 * dout[:, None],)


def norm_sign(dout, cache):
    x, out = cache
    return (-x / out[:, None] * dout[:, None],)


NG, NGA, RE = "check_numerical_gradient", "check_numerical_gradient_array", "check_rel_error"
MUTANTS = [
    Mutant(NG, "forward difference", ng_forward_difference, "mismatch"),
    Mutant(NG, "divides by h instead of 2h", ng_divides_by_h, "scale"),
    Mutant(NG, "never restores x", ng_no_restore, "value"),
    Mutant(NG, "f(x - h) - f(x + h)", ng_reversed, "sign"),
    Mutant(NG, "x_plus = x aliasing", ng_aliased, "zero"),
    Mutant(NG, "nudges every entry at once", ng_all_at_once, "mismatch"),
    Mutant(NGA, "ignores dout", nga_ignores_dout, "upstream"),
    Mutant(NGA, "forward difference", nga_forward_difference, "mismatch"),
    Mutant(NGA, "never restores x", nga_no_restore, "value"),
    Mutant(NGA, "divides by h instead of 2h", nga_divides_by_h, "scale"),
    Mutant(NGA, "mean instead of sum", nga_mean, "scale"),
    Mutant(NGA, "keeps views of f's output", nga_keeps_views, "zero", {"identity": True, "seed": 7}),
    Mutant(RE, "mean instead of max", re_mean, None),
    Mutant(RE, "no absolute value in the numerator", re_signed, None),
    Mutant(RE, "max(|a|, |b|) in the denominator", re_max_denominator, None),
    Mutant(RE, "no floor in the denominator", re_no_floor, None, {"kinds": ("zeros", "tiny")}),
    Mutant(RE, "returns the elementwise errors", re_elementwise, "shape"),
    Mutant(RE, "ratio of the maxima", re_ratio_of_maxima, None),
    Mutant("check_reuse_backward", "only the multiply's pull on x", reuse_one_wire, "mismatch"),
    Mutant("check_reuse_backward", "drops the upstream gradient", reuse_no_upstream, "upstream"),
    Mutant("check_reuse_backward", "flipped sign", reuse_sign, "sign"),
    Mutant("check_reuse_backward", "factor 2 on dy", reuse_dy_doubled, "scale"),
    Mutant("check_reuse_backward", "dx and dy swapped", reuse_swapped, "mismatch"),
    Mutant("check_tanh_layer_backward", "forgot the tanh derivative", tanh_no_derivative, "mismatch"),
    Mutant("check_tanh_layer_backward", "1 - out instead of 1 - out**2", tanh_one_minus_out, "mismatch"),
    Mutant("check_tanh_layer_backward", "dW transposed", tanh_transposed_dW, "transpose"),
    Mutant("check_tanh_layer_backward", "drops the upstream gradient", tanh_no_upstream, "upstream"),
    Mutant("check_tanh_layer_backward", "flipped sign", tanh_sign, "sign"),
    Mutant("check_tanh_layer_backward", "sigmoid's derivative", tanh_sigmoid_derivative, "mismatch"),
    Mutant("check_row_norm_backward", "forgot to divide by the norm", norm_no_division, "mismatch"),
    Mutant("check_row_norm_backward", "kept the 2 of the square", norm_squared_derivative, "scale"),
    Mutant("check_row_norm_backward", "drops the upstream gradient", norm_no_upstream, "upstream"),
    Mutant("check_row_norm_backward", "dout not broadcast over rows", norm_no_broadcast, "error"),
    Mutant("check_row_norm_backward", "divides by the squared norm", norm_divides_by_square, "mismatch"),
    Mutant("check_row_norm_backward", "flipped sign", norm_sign, "sign"),
]
