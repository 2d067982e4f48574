"""Realistic wrong answers for the graph-engine checks of chapter 3 (see solutions/mutants/).

Node mutants subclass the reference node and replace its backward; sort mutants are whole wrong
sorts. solutions/mutants/ch03_backprop.py, the chapter's catalogue, extends its MUTANTS with these.
"""
from collections import deque

import numpy as np

from solutions.mutants import Mutant
from solutions import ch03_backprop_graph as ref


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
MUTANTS = [
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
