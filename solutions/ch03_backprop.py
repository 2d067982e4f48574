"""Backprop by hand: compound expressions as forward/backward pairs.

Interface shared by every pair in this module (stated once, here):

    out, cache = <name>_forward(a, b, ...)     # every input: a float64 array of one shape S
                                               # (a Python float works too: S = ())
    grads = <name>_backward(dout, cache)       # dout: upstream gradient dL/dout, shape S
                                               # grads: tuple (da, db, ...), one per forward
                                               # input, in the forward's order, each shape S

All operations are elementwise, so every gradient has the shape of its input.
Inside each backward, an intermediate ``x1`` of the forward pass has its gradient
``dx1`` (the derivative of the final loss with respect to ``x1``). When a value
feeds two places (the reused wire of ``square``), its gradient is the sum of what
comes back from both: written ``+=``.

The small computational-graph engine of the chapter lives in
``solutions/ch03_backprop_graph.py``; its public names are re-exported at the
bottom of this module so that ``solutions.ch03_backprop`` is the chapter's one
reference.
"""
import numpy as np

# The graph engine (defined in ch03_backprop_graph.py), re-exported; sigmoid is shared.
from solutions.ch03_backprop_graph import (  # noqa: F401
    MSE, Add, Input, Linear, Mul, Node, Sigmoid, forward_and_backward, sgd_update, sigmoid,
    to_circuit, topological_sort, total_gradient)


def _f64(x):
    return np.asarray(x, dtype=np.float64)


# --------------------------------------------------------------------------- a * b + c
def mul_add_forward(a, b, c):
    """out = a * b + c, computed as q = a * b, out = q + c. Shapes: all S."""
    a, b, c = _f64(a), _f64(b), _f64(c)
    q = a * b
    out = q + c
    return out, (a, b)


def mul_add_backward(dout, cache):
    """Returns (da, db, dc), each shape S. The add hands dout to q and c;
    the multiply swaps."""
    a, b = cache
    dq = 1.0 * dout
    dc = 1.0 * dout
    da = b * dq
    db = a * dq
    return da, db, dc


# --------------------------------------------------------------------------- a * a
def square_forward(a):
    """out = a * a: one wire a entering a multiply gate twice. Shape S."""
    a = _f64(a)
    return a * a, (a,)


def square_backward(dout, cache):
    """Returns (da,), shape S. Each of the two multiply inputs sends back
    (the other input) * dout; both arrive on the same wire a, so they add
    up: da = 2 * a * dout."""
    (a,) = cache
    da = np.zeros_like(a)
    da += a * dout      # through the first input of the multiply
    da += a * dout      # through the second: the same wire, accumulated
    return (da,)


# --------------------------------------------------------------------------- (a + b) / (c + d)
def divide_forward(a, b, c, d):
    """out = (a + b) / (c + d) as x1 = a + b, x2 = c + d, x3 = 1 / x2,
    out = x1 * x3. Shapes: all S; c + d must be nonzero."""
    a, b, c, d = _f64(a), _f64(b), _f64(c), _f64(d)
    x1 = a + b
    x2 = c + d
    x3 = 1.0 / x2
    out = x1 * x3
    return out, (x1, x2, x3)


def divide_backward(dout, cache):
    """Returns (da, db, dc, dd), each shape S. The local gradient of 1 / x2
    is -1 / x2**2."""
    x1, x2, x3 = cache
    dx1 = x3 * dout
    dx3 = x1 * dout
    dx2 = (-1.0 / (x2 * x2)) * dx3
    da = 1.0 * dx1
    db = 1.0 * dx1
    dc = 1.0 * dx2
    dd = 1.0 * dx2
    return da, db, dc, dd


# --------------------------------------------------------------------------- max(a, b), relu
def max_forward(a, b):
    """out = max(a, b) elementwise. Shapes: all S."""
    a, b = _f64(a), _f64(b)
    out = np.maximum(a, b)
    return out, (a, b)


def max_backward(dout, cache):
    """Returns (da, db), each shape S. The gradient is routed to the input
    that won the forward pass; on a tie (a == b) it goes to a, one valid
    choice of subgradient."""
    a, b = cache
    a_wins = a >= b
    da = np.where(a_wins, dout, 0.0)
    db = np.where(a_wins, 0.0, dout)
    return da, db


def relu_forward(a):
    """out = max(a, 0) elementwise. Shape S."""
    a = _f64(a)
    return np.maximum(a, 0.0), (a,)


def relu_backward(dout, cache):
    """Returns (da,), shape S: dout where a > 0, else 0 (at a == 0 the
    gradient is stopped)."""
    (a,) = cache
    da = np.where(a > 0, dout, 0.0)
    return (da,)


# --------------------------------------------------------------------------- sigmoid neuron
def neuron_forward(a, b, c, x, y):
    """out = sigmoid(a*x + b*y + c) as q = a*x + b*y + c, out = sigmoid(q). Shapes: all S."""
    a, b, c, x, y = (_f64(v) for v in (a, b, c, x, y))
    q = a * x + b * y + c
    out = sigmoid(q)
    return out, (a, b, x, y, out)


def neuron_backward(dout, cache):
    """Returns (da, db, dc, dx, dy), each shape S. The sigmoid's local
    gradient is out * (1 - out)."""
    a, b, x, y, out = cache
    dq = out * (1.0 - out) * dout
    da = x * dq
    dx = a * dq
    db = y * dq
    dy = b * dq
    dc = 1.0 * dq
    return da, db, dc, dx, dy


# --------------------------------------------------------------------------- ((a*b + c) * d)^2
def squared_chain_forward(a, b, c, d):
    """out = ((a*b + c) * d)**2 as x1 = a*b + c, x2 = x1 * d, out = x2 * x2.
    Shapes: all S."""
    a, b, c, d = (_f64(v) for v in (a, b, c, d))
    x1 = a * b + c
    x2 = x1 * d
    out = x2 * x2
    return out, (a, b, d, x1, x2)


def squared_chain_backward(dout, cache):
    """Returns (da, db, dc, dd), each shape S, walking the intermediates in
    reverse order."""
    a, b, d, x1, x2 = cache
    dx2 = 2.0 * x2 * dout       # x2 * x2: x2 * dout from each side
    dd = x1 * dx2
    dx1 = d * dx2
    da = b * dx1
    db = a * dx1
    dc = 1.0 * dx1
    return da, db, dc, dd


PAIRS = {
    "mul_add": (mul_add_forward, mul_add_backward),
    "square": (square_forward, square_backward),
    "divide": (divide_forward, divide_backward),
    "max": (max_forward, max_backward),
    "relu": (relu_forward, relu_backward),
    "neuron": (neuron_forward, neuron_backward),
    "squared_chain": (squared_chain_forward, squared_chain_backward),
}
"""Every forward/backward pair of this module, by name."""


# Training a network built from the engine's nodes: a part module.
from solutions.ch03_backprop_train import train_graph  # noqa: E402,F401
