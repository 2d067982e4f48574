"""Realistic wrong answers for the checks of chapter 3 (see solutions/mutants/__init__.py).

Expression mutants are (wrong backward, reference forward) pairs; node mutants subclass the
reference node and replace its backward; sort mutants are whole wrong sorts.
"""
from collections import deque

import numpy as np

from autograder.checks.base import Mutant
from solutions import ch03_backprop as ref

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


# --------------------------------------------------------------------------- nodes
class AddOverwrite(ref.Add):
    def backward(self):
        self.reset_gradients()
        for dout in self.upstream_gradients():
            for n in self.inbound_nodes:
                self.gradients[n] = dout


class AddOverwriteReused(ref.Add):
    def backward(self):
        self.reset_gradients()
        total = sum(self.upstream_gradients())
        for n in self.inbound_nodes:
            self.gradients[n] = total          # Add(x, x): x keeps one share


class AddNoUpstream(ref.Add):
    def backward(self):
        self.reset_gradients()
        for _ in self.upstream_gradients():
            for n in self.inbound_nodes:
                self.gradients[n] += np.ones_like(self.value)


class AddFirstOnly(ref.Add):
    def backward(self):
        self.reset_gradients()
        for dout in self.upstream_gradients():
            self.gradients[self.inbound_nodes[0]] += dout


class AddAveraged(ref.Add):
    def backward(self):
        self.reset_gradients()
        for dout in self.upstream_gradients():
            for n in self.inbound_nodes:
                self.gradients[n] += dout / len(self.inbound_nodes)


class AddSign(ref.Add):
    def backward(self):
        self.reset_gradients()
        for dout in self.upstream_gradients():
            for n in self.inbound_nodes:
                self.gradients[n] -= dout


class MulOverwrite(ref.Mul):
    def backward(self):
        a, b = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():
            self.gradients[a] = b.value * dout
            self.gradients[b] = a.value * dout


class MulOverwriteReused(ref.Mul):
    def backward(self):
        a, b = self.inbound_nodes
        dout = sum(self.upstream_gradients())
        self.gradients = {a: b.value * dout}
        self.gradients[b] = a.value * dout     # Mul(x, x): replaces the first share


class MulNoSwap(ref.Mul):
    def backward(self):
        a, b = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():
            self.gradients[a] += a.value * dout
            self.gradients[b] += b.value * dout


class MulNoUpstream(ref.Mul):
    def backward(self):
        a, b = self.inbound_nodes
        self.reset_gradients()
        for _ in self.upstream_gradients():
            self.gradients[a] += b.value
            self.gradients[b] += a.value


class MulSign(ref.Mul):
    def backward(self):
        a, b = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():
            self.gradients[a] -= b.value * dout
            self.gradients[b] -= a.value * dout


class _LinearVariant(ref.Linear):
    """Linear whose backward applies ``self.rule(X, W, dout) -> (dX, dW, db)`` per consumer."""
    assign = False

    def backward(self):
        X, W, b = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():
            for node, g in zip((X, W, b), self.rule(X.value, W.value, dout)):
                if self.assign:
                    self.gradients[node] = g
                else:
                    self.gradients[node] += g


class LinearBiasAxis(_LinearVariant):
    @staticmethod
    def rule(X, W, dout):
        return dout @ W.T, X.T @ dout, dout.sum(axis=1)


class LinearBiasTotal(_LinearVariant):
    @staticmethod
    def rule(X, W, dout):
        return dout @ W.T, X.T @ dout, dout.sum()


class LinearTransposedW(_LinearVariant):
    def backward(self):
        X, W, b = self.inbound_nodes
        dout = sum(self.upstream_gradients())
        self.gradients = {X: dout @ W.value.T, W: (X.value.T @ dout).T, b: dout.sum(axis=0)}


class LinearNoUpstream(_LinearVariant):
    @staticmethod
    def rule(X, W, dout):
        ones = np.ones_like(dout)
        return ones @ W.T, X.T @ ones, ones.sum(axis=0)


class LinearOverwrite(_LinearVariant):
    assign = True

    @staticmethod
    def rule(X, W, dout):
        return dout @ W.T, X.T @ dout, dout.sum(axis=0)


class LinearSignW(_LinearVariant):
    @staticmethod
    def rule(X, W, dout):
        return dout @ W.T, -(X.T @ dout), dout.sum(axis=0)


class LinearAveraged(_LinearVariant):
    @staticmethod
    def rule(X, W, dout):
        return dout @ W.T / X.shape[0], X.T @ dout / X.shape[0], dout.mean(axis=0)


class _SigmoidVariant(ref.Sigmoid):
    assign = False

    def backward(self):
        (z,) = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():
            g = self.rule(z.value, self.value, dout)
            if self.assign:
                self.gradients[z] = g
            else:
                self.gradients[z] += g


class SigmoidOfInput(_SigmoidVariant):
    @staticmethod
    def rule(z, s, dout):
        return z * (1 - z) * dout


class SigmoidNoUpstream(_SigmoidVariant):
    @staticmethod
    def rule(z, s, dout):
        return s * (1 - s)


class SigmoidSign(_SigmoidVariant):
    @staticmethod
    def rule(z, s, dout):
        return s * (s - 1) * dout


class SigmoidOverwrite(_SigmoidVariant):
    assign = True

    @staticmethod
    def rule(z, s, dout):
        return s * (1 - s) * dout


class SigmoidMissingFactor(_SigmoidVariant):
    @staticmethod
    def rule(z, s, dout):
        return s * dout


class _MSEVariant(ref.MSE):
    def backward(self):
        y, a = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():
            dy, da = self.rule(self.diff, self.m, dout)
            self.gradients[y] += np.reshape(dy, y.value.shape)
            self.gradients[a] += np.reshape(da, a.value.shape)


class MSESign(_MSEVariant):
    @staticmethod
    def rule(diff, m, dout):
        return -2 / m * diff * dout, 2 / m * diff * dout


class MSEMissingTwo(_MSEVariant):
    @staticmethod
    def rule(diff, m, dout):
        return diff / m * dout, -diff / m * dout


class MSESum(_MSEVariant):
    @staticmethod
    def rule(diff, m, dout):
        return 2 * diff * dout, -2 * diff * dout


class MSENoUpstream(_MSEVariant):
    @staticmethod
    def rule(diff, m, dout):
        return 2 / m * diff, -2 / m * diff


class MSENotReshaped(ref.MSE):
    def backward(self):
        y, a = self.inbound_nodes
        self.gradients = {}
        dout = sum(self.upstream_gradients())
        self.gradients[y] = 2 / self.m * self.diff * dout      # (m, 1), whatever y's shape
        self.gradients[a] = -2 / self.m * self.diff * dout


class MSEOverwrite(ref.MSE):
    def backward(self):
        y, a = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():
            self.gradients[y] = (2 / self.m * self.diff * dout).reshape(y.value.shape)
            self.gradients[a] = (-2 / self.m * self.diff * dout).reshape(a.value.shape)


# --------------------------------------------------------------------------- topological sort
def _set_values(feed_dict):
    for n, v in feed_dict.items():
        n.value = v


def sort_insertion_order(feed_dict):
    """The fed nodes in dict order, then every other node in the order it is discovered."""
    order = []
    queue = deque(feed_dict)
    while queue:
        n = queue.popleft()
        if n not in order:
            order.append(n)
            queue.extend(n.outbound_nodes)
    _set_values(feed_dict)
    return order


def sort_release_early(feed_dict):
    """Releases a consumer as soon as one of its inputs is placed."""
    order, seen = [], set()
    ready = deque(feed_dict)
    while ready:
        n = ready.popleft()
        if n in seen:
            continue
        seen.add(n)
        order.append(n)
        ready.extend(m for m in n.outbound_nodes if m not in seen)
    _set_values(feed_dict)
    return order


def _kahn(feed_dict, in_degree_of, check_cycle=True, set_values=True):
    nodes, seen, stack = [], set(), list(feed_dict)
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            nodes.append(n)
            stack.extend(n.outbound_nodes)
    in_degree = {n: in_degree_of(n) for n in nodes}
    ready = deque(n for n in nodes if in_degree[n] == 0)
    order = []
    while ready:
        n = ready.popleft()
        order.append(n)
        for m in n.outbound_nodes:
            in_degree[m] -= 1
            if in_degree[m] == 0:
                ready.append(m)
    if set_values:
        _set_values(feed_dict)
    if check_cycle and len(order) < len(nodes):
        raise ValueError("cycle")
    return order


def sort_counts_duplicate_inputs(feed_dict):
    return _kahn(feed_dict, lambda n: len(n.inbound_nodes))


def sort_counts_duplicates_no_cycle_check(feed_dict):
    return _kahn(feed_dict, lambda n: len(n.inbound_nodes), check_cycle=False)


def sort_forgets_values(feed_dict):
    return _kahn(feed_dict, lambda n: len(set(n.inbound_nodes)), set_values=False)


def sort_no_cycle_check(feed_dict):
    return _kahn(feed_dict, lambda n: len(set(n.inbound_nodes)), check_cycle=False)


def sort_reversed(feed_dict):
    return ref.topological_sort(feed_dict)[::-1]


def sort_feed_only(feed_dict):
    _set_values(feed_dict)
    return list(feed_dict)


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

    Mutant("check_add_backward", "overwrite instead of accumulate over consumers", AddOverwrite, "overwrite"),
    Mutant("check_add_backward", "overwrite on a reused input, Add(x, x)", AddOverwriteReused, "overwrite"),
    Mutant("check_add_backward", "dropped upstream gradient", AddNoUpstream, "upstream"),
    Mutant("check_add_backward", "gradient only to the first input", AddFirstOnly, "zero"),
    Mutant("check_add_backward", "upstream gradient divided among the inputs", AddAveraged, "scale"),
    Mutant("check_add_backward", "flipped sign", AddSign, "sign"),

    Mutant("check_mul_backward", "overwrite instead of accumulate over consumers", MulOverwrite, "overwrite"),
    Mutant("check_mul_backward", "overwrite on a reused input, Mul(x, x)", MulOverwriteReused, "overwrite"),
    Mutant("check_mul_backward", "multiply does not swap", MulNoSwap, None),
    Mutant("check_mul_backward", "dropped upstream gradient", MulNoUpstream, "upstream"),
    Mutant("check_mul_backward", "flipped sign", MulSign, "sign"),

    Mutant("check_linear_backward", "bias gradient summed over the wrong axis", LinearBiasAxis, "error"),
    Mutant("check_linear_backward", "bias gradient summed over everything", LinearBiasTotal, None),
    Mutant("check_linear_backward", "dW transposed", LinearTransposedW, "transpose"),
    Mutant("check_linear_backward", "dropped upstream gradient", LinearNoUpstream, "upstream"),
    Mutant("check_linear_backward", "overwrite instead of accumulate over consumers", LinearOverwrite, "overwrite"),
    Mutant("check_linear_backward", "flipped sign of dW", LinearSignW, "sign"),
    Mutant("check_linear_backward", "divided by the batch size", LinearAveraged, "scale"),

    Mutant("check_sigmoid_backward", "derivative taken at the input, z(1 - z)", SigmoidOfInput, None),
    Mutant("check_sigmoid_backward", "dropped upstream gradient", SigmoidNoUpstream, "upstream"),
    Mutant("check_sigmoid_backward", "flipped sign", SigmoidSign, "sign"),
    Mutant("check_sigmoid_backward", "overwrite instead of accumulate over consumers", SigmoidOverwrite, "overwrite"),
    Mutant("check_sigmoid_backward", "missing factor (1 - s)", SigmoidMissingFactor, None),

    Mutant("check_mse_backward", "y and a swapped (flipped sign)", MSESign, "sign"),
    Mutant("check_mse_backward", "missing factor 2", MSEMissingTwo, "scale"),
    Mutant("check_mse_backward", "sum instead of mean", MSESum, "scale"),
    Mutant("check_mse_backward", "dropped upstream gradient", MSENoUpstream, "upstream"),
    Mutant("check_mse_backward", "gradient not reshaped to its input", MSENotReshaped, "shape"),
    Mutant("check_mse_backward", "overwrite instead of accumulate over consumers", MSEOverwrite, "overwrite"),

    Mutant("check_topological_sort", "nodes in insertion (discovery) order", sort_insertion_order, "order"),
    Mutant("check_topological_sort", "consumer released when its first input is placed",
           sort_release_early, "order"),
    Mutant("check_topological_sort", "in-degree counts a repeated input twice (false cycle error)",
           sort_counts_duplicate_inputs, "error"),
    Mutant("check_topological_sort", "in-degree counts a repeated input twice, no cycle check",
           sort_counts_duplicates_no_cycle_check, "missing"),
    Mutant("check_topological_sort", "fed values not set", sort_forgets_values, "values"),
    Mutant("check_topological_sort", "no cycle detection", sort_no_cycle_check, "cycle"),
    Mutant("check_topological_sort", "order reversed", sort_reversed, "order"),
    Mutant("check_topological_sort", "only the fed nodes", sort_feed_only, "missing"),
]
