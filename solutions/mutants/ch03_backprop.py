"""Realistic wrong answers for the checks of chapter 3 (see solutions/mutants/__init__.py).

Expression mutants are (wrong backward, reference forward) pairs. The node and sort mutants live
in solutions/mutants/ch03_backprop_graph.py; MUTANTS below extends this module's list with theirs,
so that it is the chapter's whole catalogue.
"""
import numpy as np

from solutions.mutants import Mutant
from solutions import ch03_backprop as ref
from solutions.mutants.ch03_backprop_graph import MUTANTS as GRAPH_MUTANTS

# --------------------------------------------------------------------------- a * a


def square_overwrite(dout, cache):
    (a,) = cache
    da = a * dout
    da = a * dout          # second branch assigned over the first
    return (da,)


def square_no_upstream(dout, cache):
    (a,) = cache
    return (2 * a,)


def square_sign(dout, cache):
    (a,) = cache
    return (-2 * a * dout,)


def square_uses_output(dout, cache):
    (a,) = cache
    return (2 * (a * a) * dout,)


def square_double_counted(dout, cache):
    (a,) = cache
    da = np.zeros_like(a)
    for _ in range(2):
        da += 2 * a * dout  # the derivative 2a added once per branch
    return (da,)


def square_bare_array(dout, cache):
    (a,) = cache
    return 2 * a * dout     # not a tuple


# --------------------------------------------------------------------------- (a + b) / (c + d)
def _divide(dout, cache, local, dx1_scale=True, order=None):
    x1, x2, x3 = cache
    dx1 = x3 * dout if dx1_scale else dout
    dx3 = x1 * dout
    dx2 = local(x2) * dx3
    grads = (dx1, dx1, dx2, dx2)
    return tuple(grads[i] for i in order) if order else grads


def divide_lost_minus(dout, cache):
    return _divide(dout, cache, lambda x2: 1.0 / (x2 * x2))


def divide_no_square(dout, cache):
    return _divide(dout, cache, lambda x2: -1.0 / x2)


def divide_no_upstream(dout, cache):
    return _divide(np.ones_like(dout), cache, lambda x2: -1.0 / (x2 * x2))


def divide_numerator_unscaled(dout, cache):
    return _divide(dout, cache, lambda x2: -1.0 / (x2 * x2), dx1_scale=False)


def divide_swapped_order(dout, cache):
    return _divide(dout, cache, lambda x2: -1.0 / (x2 * x2), order=(2, 3, 0, 1))


def divide_forgot_chain(dout, cache):
    x1, x2, x3 = cache
    dx1 = x3 * dout
    dx2 = -1.0 / (x2 * x2) * dout          # skipped dx3 = x1 * dout
    return dx1, dx1, dx2, dx2


# --------------------------------------------------------------------------- max(a, b)
def max_reversed(dout, cache):
    a, b = cache
    return np.where(a < b, dout, 0.0), np.where(a < b, 0.0, dout)


def max_to_both(dout, cache):
    return dout.copy(), dout.copy()


def max_no_upstream(dout, cache):
    a, b = cache
    return np.where(a >= b, 1.0, 0.0), np.where(a >= b, 0.0, 1.0)


def max_tie_to_both(dout, cache):
    a, b = cache
    return np.where(a >= b, dout, 0.0), np.where(b >= a, dout, 0.0)


def max_tie_to_none(dout, cache):
    a, b = cache
    return np.where(a > b, dout, 0.0), np.where(b > a, dout, 0.0)


def max_sign(dout, cache):
    da, db = ref.max_backward(dout, cache)
    return -da, -db


# --------------------------------------------------------------------------- sigmoid neuron
def neuron_derivative_of_input(dout, cache):
    a, b, x, y, out = cache
    q = a * x + b * y                       # (c is not in the cache; the mistake is z*(1-z))
    dq = q * (1 - q) * dout
    return x * dq, y * dq, dq, a * dq, b * dq


def neuron_no_swap(dout, cache):
    a, b, x, y, out = cache
    dq = out * (1 - out) * dout
    return a * dq, b * dq, dq, x * dq, y * dq


def neuron_no_upstream(dout, cache):
    return ref.neuron_backward(np.ones_like(dout), cache)


def neuron_no_sigmoid(dout, cache):
    a, b, x, y, out = cache
    dq = dout
    return x * dq, y * dq, dq, a * dq, b * dq


def neuron_sign(dout, cache):
    return tuple(-g for g in ref.neuron_backward(dout, cache))


def neuron_dc_zero(dout, cache):
    da, db, dc, dx, dy = ref.neuron_backward(dout, cache)
    return da, db, np.zeros_like(dc), dx, dy


# --------------------------------------------------------------------------- ((a*b + c) * d)^2
def chain_missing_two(dout, cache):
    a, b, d, x1, x2 = cache
    dx2 = x2 * dout
    dx1 = d * dx2
    return b * dx1, a * dx1, dx1, x1 * dx2


def chain_dd_wrong_intermediate(dout, cache):
    a, b, d, x1, x2 = cache
    dx2 = 2 * x2 * dout
    dx1 = d * dx2
    return b * dx1, a * dx1, dx1, x2 * dx2


def chain_no_upstream(dout, cache):
    return ref.squared_chain_backward(np.ones_like(dout), cache)


def chain_no_swap(dout, cache):
    a, b, d, x1, x2 = cache
    dx2 = 2 * x2 * dout
    dx1 = d * dx2
    return a * dx1, b * dx1, dx1, x1 * dx2


def chain_sign(dout, cache):
    return tuple(-g for g in ref.squared_chain_backward(dout, cache))


def chain_dc_skips_d(dout, cache):
    a, b, d, x1, x2 = cache
    dx2 = 2 * x2 * dout
    dx1 = d * dx2
    return b * dx1, a * dx1, dx2, x1 * dx2


# --------------------------------------------------------------------------- catalogue
def _expr(check, name, backward, diagnosis, forward):
    return Mutant(check, name, (backward, forward), diagnosis)


SQ, DIV, MAX = "check_square_backward", "check_divide_backward", "check_max_backward"
NEU, CH = "check_neuron_backward", "check_squared_chain_backward"
f_sq, f_div, f_max = ref.square_forward, ref.divide_forward, ref.max_forward
f_neu, f_ch = ref.neuron_forward, ref.squared_chain_forward

MUTANTS = [
    _expr(SQ, "overwrite instead of accumulate on the reused wire", square_overwrite, "overwrite", f_sq),
    _expr(SQ, "dropped upstream gradient", square_no_upstream, "upstream", f_sq),
    _expr(SQ, "flipped sign", square_sign, "sign", f_sq),
    _expr(SQ, "derivative taken at the output instead of the input", square_uses_output, None, f_sq),
    _expr(SQ, "2a added once per branch (factor 2 too large)", square_double_counted, "scale", f_sq),
    _expr(SQ, "bare array instead of a tuple", square_bare_array, "shape", f_sq),

    _expr(DIV, "lost the minus of d(1/x)", divide_lost_minus, "sign", f_div),
    _expr(DIV, "local gradient -1/x instead of -1/x^2", divide_no_square, None, f_div),
    _expr(DIV, "dropped upstream gradient", divide_no_upstream, "upstream", f_div),
    _expr(DIV, "numerator gradient not multiplied by 1/(c+d)", divide_numerator_unscaled, None, f_div),
    _expr(DIV, "gradients returned in the wrong order", divide_swapped_order, None, f_div),
    _expr(DIV, "skipped the multiply by the numerator", divide_forgot_chain, None, f_div),

    _expr(MAX, "routes to the smaller input", max_reversed, None, f_max),
    _expr(MAX, "both inputs get the gradient", max_to_both, None, f_max),
    _expr(MAX, "dropped upstream gradient", max_no_upstream, "upstream", f_max),
    _expr(MAX, "tie sends dout to both inputs", max_tie_to_both, "tie", f_max),
    _expr(MAX, "tie sends dout to neither input", max_tie_to_none, "tie", f_max),
    _expr(MAX, "flipped sign", max_sign, "sign", f_max),

    _expr(NEU, "sigmoid derivative of the input, z(1 - z)", neuron_derivative_of_input, None, f_neu),
    _expr(NEU, "multiply does not swap", neuron_no_swap, None, f_neu),
    _expr(NEU, "dropped upstream gradient", neuron_no_upstream, "upstream", f_neu),
    _expr(NEU, "sigmoid's local gradient left out", neuron_no_sigmoid, None, f_neu),
    _expr(NEU, "flipped sign", neuron_sign, "sign", f_neu),
    _expr(NEU, "dc left at zero", neuron_dc_zero, "zero", f_neu),

    _expr(CH, "missing factor 2 of the square", chain_missing_two, "scale", f_ch),
    _expr(CH, "dd uses x2 instead of x1", chain_dd_wrong_intermediate, None, f_ch),
    _expr(CH, "dropped upstream gradient", chain_no_upstream, "upstream", f_ch),
    _expr(CH, "multiply does not swap", chain_no_swap, None, f_ch),
    _expr(CH, "flipped sign", chain_sign, "sign", f_ch),
    _expr(CH, "dc skips the factor d", chain_dc_skips_d, None, f_ch),
]
MUTANTS.extend(GRAPH_MUTANTS)      # the node and topological-sort mutants
