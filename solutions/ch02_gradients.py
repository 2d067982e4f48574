"""Numerical gradients: how to compute them, how accurate they are, what they cost.

Interface shared by the numerical gradients here (stated once):

    grad = method(f, x, ..., h)   f is called on the float64 array x itself, which is perturbed
                                  in place one element at a time and restored before the method
                                  returns (even if f raises). grad has the shape of x.

    forward_difference(f, x, h)            (f(x + h e_i) - f(x)) / h            f scalar-valued
    numerical_gradient(f, x, h)            (f(x + h e_i) - f(x - h e_i)) / 2h   f scalar-valued
    numerical_gradient_array(f, x, dout, h)  d sum(f(x) * dout) / dx            f array-valued

The three expressions at the end follow the course's forward/backward contract:
``*_forward(...) -> (out, cache)`` and ``*_backward(dout, cache) -> grads`` (a tuple in the
order of the forward's inputs, each shaped like its input).
"""
import time

import numpy as np

EPS = np.finfo(np.float64).eps   # 2.2e-16: the spacing of float64 numbers near 1


# --------------------------------------------------------------------------- numerical gradients
def forward_difference(f, x, h=1e-5):
    """One-sided differences of scalar f at x (float64 array, any shape): N + 1 calls of f."""
    grad = np.zeros(x.shape)
    fx = float(f(x))
    for i in np.ndindex(x.shape):
        keep = x[i]
        try:
            x[i] = keep + h
            f_up = float(f(x))
        finally:
            x[i] = keep
        grad[i] = (f_up - fx) / h
    return grad


def numerical_gradient(f, x, h=1e-5):
    """Central differences of scalar f at x (float64 array, any shape):
    2N calls of f.

    Returns an array shaped like x whose entry i is
    (f(x + h e_i) - f(x - h e_i)) / (2h).
    """
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        try:
            x[i] = keep + h
            f_up = float(f(x))
            x[i] = keep - h
            f_down = float(f(x))
        finally:
            x[i] = keep
        grad[i] = (f_up - f_down) / (2 * h)
    return grad


def numerical_gradient_array(f, x, dout, h=1e-5):
    """Central-difference gradient of sum(f(x) * dout) for an array-valued f.

    x    : float64 array, shape S (perturbed and restored).
    dout : upstream gradient, shaped like f(x).
    Returns an array of shape S: entry i is
    sum((f(x + h e_i) - f(x - h e_i)) * dout) / (2h).
    """
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        try:
            x[i] = keep + h
            # a copy: f may return a view of x
            out_up = np.array(f(x), dtype=np.float64)
            x[i] = keep - h
            out_down = np.array(f(x), dtype=np.float64)
        finally:
            x[i] = keep
        grad[i] = np.sum((out_up - out_down) * dout) / (2 * h)
    return grad


def rel_error(a, b):
    """Largest relative difference between two arrays of one shape (or two
    numbers):

        max_i |a_i - b_i| / max(1e-8, |a_i| + |b_i|)

    The floor 1e-8 keeps two entries that are both (nearly) zero from
    counting as different.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = np.maximum(1e-8, np.abs(a) + np.abs(b))
    return float(np.max(np.abs(a - b) / scale))


# --------------------------------------------------------------------------- error against h
def error_versus_h(f, dfdx, x0, hs=None):
    """Relative error of forward and central differences of a scalar function at x0, for each h.

    f, dfdx : float -> float, the function and its exact derivative.
    hs      : 1-D array of steps (default: 10^-15 ... 10^-1, 57 values).
    Returns (hs, err_forward, err_central), three arrays of shape (len(hs),).
    """
    hs = np.logspace(-15, -1, 57) if hs is None else np.asarray(hs, dtype=np.float64)
    exact = dfdx(x0)
    fwd = np.array([(f(x0 + h) - f(x0)) / h for h in hs])
    cen = np.array([(f(x0 + h) - f(x0 - h)) / (2 * h) for h in hs])
    return hs, np.abs(fwd - exact) / abs(exact), np.abs(cen - exact) / abs(exact)


def predicted_error(hs, kind, *, f0, d2=None, d3=None):
    """The error model behind the error-against-h curve (absolute error, arrays like hs).

    forward: truncation |f''| h / 2   + round-off  2 eps |f| / h
    central: truncation |f'''| h^2 / 6 + round-off  eps |f| / h
    f0, d2, d3: |f(x0)|, |f''(x0)|, |f'''(x0)|.
    """
    hs = np.asarray(hs, dtype=np.float64)
    if kind == "forward":
        return d2 * hs / 2, 2 * EPS * f0 / hs
    if kind == "central":
        return d3 * hs ** 2 / 6, EPS * f0 / hs
    raise ValueError(f"kind must be 'forward' or 'central', not {kind!r}")


def best_h(kind):
    """Rule-of-thumb step balancing truncation and round-off for a function of size ~1:
    sqrt(eps) ~ 1.5e-8 for forward differences, cbrt(eps) ~ 6e-6 for central differences."""
    return {"forward": EPS ** 0.5, "central": EPS ** (1 / 3)}[kind]


# --------------------------------------------------------------------------- cost
class CountingFunction:
    """Wrap f to count its calls: ``g = CountingFunction(f); g(x); g.calls``."""

    def __init__(self, f):
        self.f = f
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.f(*args, **kwargs)


def gradient_cost(n_params, n_rows=64, seed=0, repeat=3):
    """Measure the cost of one gradient of L(w) = sum(tanh(X @ w)) with w of n_params entries.

    Returns a dict: calls (forward passes made by the numerical gradient), seconds_forward (one
    forward pass), seconds_numeric, seconds_analytic (forward + backward), each the best of
    ``repeat`` runs, and rel_error between the two gradients.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_rows, n_params)) / np.sqrt(n_params)
    w = rng.normal(size=(n_params, 1))
    dout = np.ones((n_rows, 1))
    loss = CountingFunction(lambda v: np.sum(tanh_layer_forward(x, v)[0]))
    best = {"seconds_forward": np.inf, "seconds_numeric": np.inf, "seconds_analytic": np.inf}

    def timed(key, fn):
        start = time.perf_counter()
        result = fn()
        best[key] = min(best[key], time.perf_counter() - start)
        return result
    for _ in range(repeat):
        timed("seconds_forward", lambda: loss.f(w))
        loss.calls = 0
        numeric = timed("seconds_numeric", lambda: numerical_gradient(loss, w))
        calls = loss.calls
        _, analytic = timed("seconds_analytic",
                            lambda: tanh_layer_backward(dout, tanh_layer_forward(x, w)[1]))
    return {"calls": calls, **best, "rel_error": rel_error(analytic, numeric)}


# --------------------------------------------------------------------------- three expressions
def reuse_forward(x, y):
    """out = (x + y) * x, elementwise; x is used twice. x, y, out: shape S. cache = (x, y)."""
    return (x + y) * x, (x, y)


def reuse_backward(dout, cache):
    """dout: shape S. Returns (dx, dy), shape S each. x reaches out along two wires, so dx is
    the sum of both pulls: (x + y) * dout through the multiply, x * dout through the add."""
    x, y = cache
    s = x + y                  # the add gate's output
    ds = x * dout              # multiply gate, into s
    dx = s * dout + ds         # multiply gate into x, plus the add gate passing ds to x
    dy = ds                    # add gate passing ds to y
    return dx, dy


def tanh_layer_forward(x, W):
    """out = tanh(x @ W). x: (N, D), W: (D, M), out: (N, M). cache = (x, W, out)."""
    out = np.tanh(x @ W)
    return out, (x, W, out)


def tanh_layer_backward(dout, cache):
    """dout: (N, M). Returns (dx, dW) of shapes (N, D) and (D, M)."""
    x, W, out = cache
    dz = (1.0 - out ** 2) * dout   # through tanh: tanh'(z) = 1 - tanh(z)^2; z = x @ W, (N, M)
    dx = dz @ W.T
    dW = x.T @ dz
    return dx, dW


def row_norm_forward(x):
    """out = sqrt(sum over each row of x^2). x: (N, D), out: (N,). cache = (x, out)."""
    out = np.sqrt(np.sum(x ** 2, axis=1))
    return out, (x, out)


def row_norm_backward(dout, cache):
    """dout: (N,). Returns (dx,) with dx of shape (N, D): x_ij / out_i * dout_i."""
    x, out = cache
    dx = x / out[:, None] * dout[:, None]
    return (dx,)
