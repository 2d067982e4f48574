"""Realistic wrong answers to the chapter 2 exercises (see solutions/mutants/__init__.py). Each one is
written out in full: the grading benchmark pastes them into notebooks as answers."""
import numpy as np

from solutions.mutants import Catalogue

wrong = MUTANTS = Catalogue(__name__)


# --------------------------------------------------------------------------- numerical_gradient
@wrong("numerical_gradient", "forward difference", "forward_difference")
def ng_forward_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        grad[i] = (f(x) - fx) / h
        x[i] = keep
    return grad


@wrong("numerical_gradient", "divides by h instead of 2h", "scale")
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


@wrong("numerical_gradient", "never restores x", "value")
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


@wrong("numerical_gradient", "f(x - h) - f(x + h)", "sign")
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


@wrong("numerical_gradient", "x_plus = x aliasing", "zero")
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


@wrong("numerical_gradient", "nudges every entry at once", "mismatch")
def ng_all_at_once(f, x, h=1e-5):
    """Nudges every entry at the same time."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        grad[i] = (f(x + h) - f(x - h)) / (2 * h)
    return grad


# --------------------------------------------------------------------------- numerical_gradient_array
@wrong("numerical_gradient_array", "ignores dout", "upstream")
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


@wrong("numerical_gradient_array", "forward difference", "forward_difference")
def nga_forward_difference(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    base = np.sum(f(x) * dout)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        grad[i] = (np.sum(f(x) * dout) - base) / h
        x[i] = keep
    return grad


@wrong("numerical_gradient_array", "never restores x", "value")
def nga_no_restore(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = np.sum(f(x) * dout)
        x[i] -= 2 * h
        down = np.sum(f(x) * dout)
        grad[i] = (up - down) / (2 * h)
    return grad


@wrong("numerical_gradient_array", "divides by h instead of 2h", "scale")
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


@wrong("numerical_gradient_array", "mean instead of sum", "scale")
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


@wrong("numerical_gradient_array", "keeps views of f's output", "zero", identity=True, seed=7)
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
@wrong("rel_error", "mean instead of max")
def re_mean(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


@wrong("rel_error", "no absolute value in the numerator")
def re_signed(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max((a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


@wrong("rel_error", "max(|a|, |b|) in the denominator")
def re_max_denominator(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(b)))))


@wrong("rel_error", "no floor in the denominator", kinds=('zeros', 'tiny'))
def re_no_floor(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


@wrong("rel_error", "returns the elementwise errors", "shape")
def re_elementwise(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))


@wrong("rel_error", "ratio of the maxima")
def re_ratio_of_maxima(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b))))


# --------------------------------------------------------------------------- reuse_backward
@wrong("reuse_backward", "only the multiply's pull on x", "mismatch")
def reuse_one_wire(dout, cache):
    """Counts only the multiply's pull on x, not the path through the add."""
    x, y = cache
    return (x + y) * dout, x * dout


@wrong("reuse_backward", "drops the upstream gradient", "upstream")
def reuse_no_upstream(dout, cache):
    x, y = cache
    return 2 * x + y, x.copy()


@wrong("reuse_backward", "flipped sign", "sign")
def reuse_sign(dout, cache):
    x, y = cache
    return -(2 * x + y) * dout, -x * dout


@wrong("reuse_backward", "factor 2 on dy", "scale")
def reuse_dy_doubled(dout, cache):
    x, y = cache
    return (2 * x + y) * dout, 2 * x * dout


@wrong("reuse_backward", "dx and dy swapped", "order")
def reuse_swapped(dout, cache):
    x, y = cache
    return x * dout, (2 * x + y) * dout


# --------------------------------------------------------------------------- tanh_layer_backward
@wrong("tanh_layer_backward", "forgot the tanh derivative", "mismatch")
def tanh_no_derivative(dout, cache):
    x, W, out = cache
    return dout @ W.T, x.T @ dout


@wrong("tanh_layer_backward", "1 - out instead of 1 - out**2", "mismatch")
def tanh_one_minus_out(dout, cache):
    x, W, out = cache
    dz = (1 - out) * dout
    return dz @ W.T, x.T @ dz


@wrong("tanh_layer_backward", "dW transposed", "transpose")
def tanh_transposed_dW(dout, cache):
    x, W, out = cache
    dz = (1 - out ** 2) * dout
    return dz @ W.T, dz.T @ x


@wrong("tanh_layer_backward", "drops the upstream gradient", "upstream")
def tanh_no_upstream(dout, cache):
    x, W, out = cache
    dz = 1 - out ** 2
    return dz @ W.T, x.T @ dz


@wrong("tanh_layer_backward", "flipped sign", "sign")
def tanh_sign(dout, cache):
    x, W, out = cache
    dz = (out ** 2 - 1) * dout
    return dz @ W.T, x.T @ dz


@wrong("tanh_layer_backward", "sigmoid's derivative", "mismatch")
def tanh_sigmoid_derivative(dout, cache):
    x, W, out = cache
    dz = out * (1 - out) * dout
    return dz @ W.T, x.T @ dz


# --------------------------------------------------------------------------- row_norm_backward
@wrong("row_norm_backward", "forgot to divide by the norm", "mismatch")
def norm_no_division(dout, cache):
    x, out = cache
    return (x * dout[:, None],)


@wrong("row_norm_backward", "kept the 2 of the square", "scale")
def norm_squared_derivative(dout, cache):
    """Keeps the 2 from the derivative of the square: 2x / norm."""
    x, out = cache
    return (2 * x / out[:, None] * dout[:, None],)


@wrong("row_norm_backward", "drops the upstream gradient", "upstream")
def norm_no_upstream(dout, cache):
    x, out = cache
    return (x / out[:, None],)


@wrong("row_norm_backward", "dout not broadcast over rows", "error")
def norm_no_broadcast(dout, cache):
    x, out = cache
    return (x / out * dout,)


@wrong("row_norm_backward", "divides by the squared norm", "mismatch")
def norm_divides_by_square(dout, cache):
    x, out = cache
    return (x / out[:, None] ** 2 * dout[:, None],)


@wrong("row_norm_backward", "flipped sign", "sign")
def norm_sign(dout, cache):
    x, out = cache
    return (-x / out[:, None] * dout[:, None],)




@wrong("tanh_layer_backward", "returns (dW, dx)", "order")
def tanh_swapped_outputs(dout, cache):
    x, W, out = cache
    dz = (1 - out ** 2) * dout
    return x.T @ dz, dz @ W.T


@wrong("tanh_layer_backward", "integer gradient arrays", "dtype")
def tanh_integer_arrays(dout, cache):
    x, W, out = cache
    dz = (1 - out ** 2) * dout
    dx, dW = np.zeros(x.shape, dtype=int), np.zeros(W.shape, dtype=int)
    dx[...] = dz @ W.T
    dW[...] = x.T @ dz
    return dx, dW
