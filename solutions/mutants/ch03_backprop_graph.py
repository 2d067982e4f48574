"""Realistic wrong answers for the graph-engine checks of chapter 3, registered in the chapter's
catalogue (solutions/mutants/ch03_backprop.py). Node mutants subclass the reference node; sort
mutants are whole wrong sorts.
"""
from collections import deque

import numpy as np

from solutions import ch03_backprop_graph as ref
from solutions.mutants.ch03_backprop import wrong


def variant(cls, upstream=None, grads=None, rule=None, assign=False):
    """A subclass of the reference node ``cls`` with one mistake:

    upstream(node, [dout per consumer]) -> what its backward takes from its consumers instead;
    grads(node, input, gradient)        -> each finished gradient, changed;
    rule(node, dout) -> one gradient per inbound node: a backward of the reference's form
                        (``assign``: = instead of += per consumer)."""
    class Variant(cls):
        def upstream_gradients(self):
            douts = super().upstream_gradients()
            return upstream(self, douts) if upstream else douts

        def backward(self):
            if rule is None:
                super().backward()
            else:
                self.reset_gradients()
                for dout in self.upstream_gradients():
                    for n, g in zip(self.inbound_nodes, rule(self, dout)):
                        if assign:
                            self.gradients[n] = g
                        else:
                            self.gradients[n] += g
            if grads:
                self.gradients = {n: grads(self, n, g) for n, g in self.gradients.items()}
    Variant.__name__ = cls.__name__
    return Variant


def ones(node, douts):
    return [np.ones_like(d) for d in douts]


def last(node, douts):
    return douts[-1:]


def negate(node, n, g):
    return -g


def scale(factor):
    return lambda node, n, g: factor(node) * g


# --------------------------------------------------------------------------- nodes
def _values(node):
    return [n.value for n in node.inbound_nodes]


def _linear(db):
    return lambda node, dout: (dout @ node.inbound_nodes[1].value.T, node.inbound_nodes[0].value.T @ dout, db(dout))


for cls, tag in ((ref.Add, "Add"), (ref.Mul, "Mul")):
    wrong(tag, "dropped upstream gradient", "upstream")(variant(cls, upstream=ones))
    wrong(tag, "flipped sign", "sign")(variant(cls, grads=negate))
wrong("Add", "overwrite instead of accumulate over consumers", "overwrite")(
    variant(ref.Add, rule=lambda node, dout: [dout] * len(node.inbound_nodes), assign=True))
wrong("Add", "overwrite on a reused input, Add(x, x)", "overwrite")(   # Add(x, x): x keeps one share
    variant(ref.Add, upstream=lambda node, douts: [sum(douts)],
            rule=lambda node, dout: [dout] * len(node.inbound_nodes), assign=True))
wrong("Add", "gradient only to the first input", "zero")(
    variant(ref.Add, rule=lambda node, dout: [dout] + [0.0] * (len(node.inbound_nodes) - 1)))
wrong("Add", "upstream gradient divided among the inputs", "scale")(
    variant(ref.Add, grads=scale(lambda node: 1 / len(node.inbound_nodes))))
wrong("Mul", "overwrite instead of accumulate over consumers", "overwrite")(
    variant(ref.Mul, rule=lambda node, dout: [_values(node)[1] * dout, _values(node)[0] * dout], assign=True))
wrong("Mul", "overwrite on a reused input, Mul(x, x)", "overwrite")(   # Mul(x, x): replaces the first share
    variant(ref.Mul, upstream=lambda node, douts: [sum(douts)],
            rule=lambda node, dout: [_values(node)[1] * dout, _values(node)[0] * dout], assign=True))
wrong("Mul", "only the first consumer's upstream gradient", "overwrite")(variant(ref.Mul, upstream=lambda n, d: d[:1]))
wrong("Linear", "only the first consumer's upstream gradient", "overwrite")(variant(ref.Linear, upstream=lambda n, d: d[:1]))
wrong("Mul", "multiply does not swap")(
    variant(ref.Mul, rule=lambda node, dout: [_values(node)[0] * dout, _values(node)[1] * dout]))

wrong("Linear", "bias gradient summed over the wrong axis", "error")(
    variant(ref.Linear, rule=_linear(lambda d: d.sum(axis=1))))
wrong("Linear", "bias gradient summed over everything")(variant(ref.Linear, rule=_linear(lambda d: d.sum())))
wrong("Linear", "dW transposed", "transpose")(
    variant(ref.Linear, grads=lambda node, n, g: g.T if n is node.inbound_nodes[1] else g))
wrong("Linear", "dropped upstream gradient", "upstream")(variant(ref.Linear, upstream=ones))
wrong("Linear", "overwrite instead of accumulate over consumers", "overwrite")(variant(ref.Linear, upstream=last))
wrong("Linear", "flipped sign of dW", "sign")(
    variant(ref.Linear, grads=lambda node, n, g: -g if n is node.inbound_nodes[1] else g))
wrong("Linear", "divided by the batch size", "scale")(
    variant(ref.Linear, grads=scale(lambda node: 1 / node.inbound_nodes[0].value.shape[0])))

wrong("Sigmoid", "derivative taken at the input, z(1 - z)")(
    variant(ref.Sigmoid, rule=lambda node, dout: [_values(node)[0] * (1 - _values(node)[0]) * dout]))
wrong("Sigmoid", "dropped upstream gradient", "upstream")(variant(ref.Sigmoid, upstream=ones))
wrong("Sigmoid", "flipped sign", "sign")(variant(ref.Sigmoid, grads=negate))
wrong("Sigmoid", "overwrite instead of accumulate over consumers", "overwrite")(variant(ref.Sigmoid, upstream=last))
wrong("Sigmoid", "missing factor (1 - s)")(variant(ref.Sigmoid, rule=lambda node, dout: [node.value * dout]))

wrong("MSE", "y and a swapped (flipped sign)", "sign")(variant(ref.MSE, grads=negate))
wrong("MSE", "missing factor 2", "scale")(variant(ref.MSE, grads=scale(lambda node: 0.5)))
wrong("MSE", "sum instead of mean", "scale")(variant(ref.MSE, grads=scale(lambda node: node.m)))
wrong("MSE", "dropped upstream gradient", "upstream")(variant(ref.MSE, upstream=ones))
wrong("MSE", "gradient not reshaped to its input", "shape")(   # (m, 1), whatever y's shape
    variant(ref.MSE, upstream=lambda node, douts: [sum(douts)],
            rule=lambda node, dout: [2 / node.m * node.diff * dout, -2 / node.m * node.diff * dout], assign=True))
wrong("MSE", "overwrite instead of accumulate over consumers", "overwrite")(variant(ref.MSE, upstream=last))


# --------------------------------------------------------------------------- topological sort
def _set_values(feed_dict):
    for n, v in feed_dict.items():
        n.value = v


def _discovery(feed_dict, skip_placed=False):
    """The fed nodes in dict order, then every other node in the order it is discovered
    (``skip_placed``: a consumer is released as soon as one of its inputs is placed)."""
    order, queue = [], deque(feed_dict)
    while queue:
        n = queue.popleft()
        if n not in order:
            order.append(n)
            queue.extend(m for m in n.outbound_nodes if not (skip_placed and m in order))
    _set_values(feed_dict)
    return order


def _kahn(feed_dict, in_degree_of=lambda n: len(set(n.inbound_nodes)), check_cycle=True, set_values=True,
          on_cycle=ValueError):
    nodes, stack = [], list(feed_dict)
    while stack:
        n = stack.pop()
        if n not in nodes:
            nodes.append(n)
            stack.extend(n.outbound_nodes)
    in_degree = {n: in_degree_of(n) for n in nodes}
    ready, order = deque(n for n in nodes if in_degree[n] == 0), []
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
        raise on_cycle("cycle")
    return order


def sort_requeues(feed_dict):
    """Puts a node that is not ready back at the end of the queue: on a cycle it never stops. (Here
    it gives up after many rounds with MemoryError, the error the sandbox turns such a loop into.)"""
    nodes = _discovery(feed_dict)
    placed, queue, rounds = [], deque(nodes), 0
    while queue:
        n = queue.popleft()
        rounds += 1
        if rounds > 100 * len(nodes) ** 2:
            raise MemoryError
        if all(m in placed for m in n.inbound_nodes):
            placed.append(n)
        else:
            queue.append(n)
    return placed


TS = "topological_sort"
wrong(TS, "nodes in insertion (discovery) order", "order")(_discovery)
wrong(TS, "consumer released when its first input is placed", "order")(lambda feed: _discovery(feed, True))
wrong(TS, "in-degree counts a repeated input twice (false cycle error)", "error")(
    lambda feed: _kahn(feed, lambda n: len(n.inbound_nodes)))
wrong(TS, "in-degree counts a repeated input twice, no cycle check", "missing")(
    lambda feed: _kahn(feed, lambda n: len(n.inbound_nodes), check_cycle=False))
wrong(TS, "fed values not set", "values")(lambda feed: _kahn(feed, set_values=False))
wrong(TS, "no cycle detection", "cycle")(lambda feed: _kahn(feed, check_cycle=False))
wrong(TS, "KeyError on a cycle", "cycle")(   # looks up the leftover nodes where there are none
    lambda feed: _kahn(feed, on_cycle=KeyError))
wrong(TS, "never stops on a cycle", "cycle")(sort_requeues)
wrong(TS, "order reversed", "order")(lambda feed: ref.topological_sort(feed)[::-1])
wrong(TS, "only the fed nodes", "missing")(lambda feed: (_set_values(feed), list(feed))[1])
