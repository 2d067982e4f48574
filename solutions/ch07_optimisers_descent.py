"""Descent with the update rules of ``solutions.ch07_optimisers``: a 1-D function, 2-D test
surfaces, and mini-batch SGD on a regression problem.

A surface is a function ``surface(p) -> (value, grad)`` of a point p of shape (2,) (or any
shape for the bowl), returning a float and an array shaped like p.
"""
import numpy as np

from solutions.ch06_losses import mse_backward, mse_forward
from solutions.ch07_optimisers import sgd


# --------------------------------------------------------------------------- one dimension
def quartic(x):
    """f(x) = x^4 - 3 x^3 + 2. Its derivative 4x^3 - 9x^2 = x^2 (4x - 9) vanishes at 0 and 9/4;
    x = 9/4 is the local (and global) minimum, x = 0 a flat inflection point."""
    return x ** 4 - 3 * x ** 3 + 2


def dquartic(x):
    """f'(x) = 4 x^3 - 9 x^2."""
    return 4 * x ** 3 - 9 * x ** 2


def descend_1d(df, x0, lr, precision=1e-5, max_steps=100_000):
    """Gradient descent x <- x - lr * df(x) until a step moves x by no more than ``precision``.

    Returns (x, path): the final x (float) and every iterate, x0 first (list of floats).
    Stops after max_steps, or as soon as x stops being finite (a diverging run).
    """
    x = np.float64(x0)
    path = [float(x)]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run ends at inf or nan
        for _ in range(max_steps):
            x_next = x - lr * df(x)
            path.append(float(x_next))
            if not np.isfinite(x_next) or abs(x_next - x) <= precision:
                return float(x_next), path
            x = x_next
    return float(x), path


# --------------------------------------------------------------------------- two dimensions
def elongated_bowl(p, a=1.0, b=25.0):
    """f(p) = (a p0^2 + b p1^2) / 2: a valley b/a times steeper across than along. Minimum 0 at the origin."""
    p = np.asarray(p, dtype=np.float64)
    scale = np.array([a, b])
    return float(0.5 * np.sum(scale * p * p)), scale * p


def rosenbrock(p):
    """f(x, y) = (1 - x)^2 + 100 (y - x^2)^2: a curved, flat-bottomed valley. Minimum 0 at (1, 1)."""
    x, y = float(p[0]), float(p[1])
    value = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
    return value, grad


def trajectory(rule, surface, start, steps, config=None):
    """Run ``rule`` for ``steps`` updates on ``surface`` from ``start``.

    Returns (path (steps + 1, D), losses (steps + 1,)): every point visited, the start first,
    and the surface's value there. A run whose values overflow stops early (shorter arrays).
    """
    w = np.array(start, dtype=np.float64)
    path, losses = [w.copy()], []
    for _ in range(steps):
        value, grad = surface(w)
        losses.append(value)
        if not np.isfinite(value) or np.abs(w).max() > 1e6:
            return np.array(path), np.array(losses)
        w, config = rule(w, grad, config)
        path.append(w.copy())
    losses.append(surface(w)[0])
    return np.array(path), np.array(losses)


# --------------------------------------------------------------------------- mini-batches
def minibatches(n, batch_size, rng):
    """Yield index arrays that split a fresh random permutation of range(n) into batches
    (the last one may be smaller)."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def fit_regression(X, t, *, batch_size, epochs, rule=sgd, config=None, seed=0):
    """Fit pred = X w by minimising the MSE with mini-batches drawn by ``minibatches``.

    X: (N, D), t: (N,). Returns (w (D,), losses): the full-data MSE before training and after
    every update (1 + updates entries), to show how noisy each kind of step is.
    """
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    losses = [mse_forward(X @ w, t)[0]]
    for _ in range(epochs):
        for idx in minibatches(X.shape[0], batch_size, rng):
            _, cache = mse_forward(X[idx] @ w, t[idx])
            dpred = mse_backward(1.0, cache)
            w, config = rule(w, X[idx].T @ dpred, config)
            losses.append(mse_forward(X @ w, t)[0])
    return w, np.array(losses)
