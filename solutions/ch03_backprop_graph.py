"""A small computational-graph engine: nodes, a topological sort, forward and backward passes.

Interface shared by every node (stated once, here):

    node.inbound_nodes   list of the nodes whose values this node reads, in argument order
                         (a node may appear twice: Mul(x, x))
    node.outbound_nodes  list of the nodes that read this one; each consumer appears ONCE,
                         even when it reads this node twice
    node.value           float64 array (or 0-d array) set by forward()
    node.gradients       dict {inbound node: d(cost)/d(its value)}, filled by backward();
                         an Input keeps its own gradient under gradients[self]
    node.forward()       computes node.value from the inbound nodes' values
    node.upstream_gradients()  the gradients d(output)/d(node.value) sent back by each consumer,
                         c.gradients[node] for c in outbound_nodes (shape of node.value); for
                         the graph's output, which no node reads, one array of ones
    node.backward()      resets self.gradients to zeros, then for every upstream gradient
                         ADDS (+=) its share into the gradient of each inbound node. Summing
                         over consumers is the chain rule for a value used in several places;
                         += also adds up both roles of a node that appears twice among the
                         inbound nodes.

The output of a graph is usually a cost (MSE), so its upstream gradient is 1.
The driver is: graph = topological_sort(feed_dict); forward_and_backward(graph);
sgd_update(trainables, learning_rate).
"""
from collections import deque

import numpy as np


def sigmoid(z):
    """1 / (1 + exp(-z)) elementwise, without overflow for large |z|. Shape of z."""
    z = np.asarray(z, dtype=np.float64)
    ez = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


# --------------------------------------------------------------------------- nodes
class Node:
    """Base class: wires the node into the graph; subclasses define forward
    and backward."""

    def __init__(self, inbound_nodes=(), name=None):
        self.inbound_nodes = list(inbound_nodes)
        self.outbound_nodes = []
        for n in self.inbound_nodes:
            if self not in n.outbound_nodes:      # once per input node
                n.outbound_nodes.append(self)
        self.value = None
        self.gradients = {}
        self.name = name or type(self).__name__

    def reset_gradients(self):
        """Start a backward pass: a zero gradient, shaped like its value, per
        inbound node."""
        self.gradients = {n: np.zeros_like(n.value, dtype=np.float64)
                          for n in self.inbound_nodes}

    def upstream_gradients(self):
        """One array per consumer: what it sent back for this node (shape of
        self.value). A node that nobody reads is the graph's output:
        d(output)/d(output) = ones."""
        if not self.outbound_nodes:
            return [np.ones_like(self.value, dtype=np.float64)]
        return [c.gradients[self] for c in self.outbound_nodes]

    def forward(self):
        raise NotImplementedError

    def backward(self):
        raise NotImplementedError

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"


class Input(Node):
    """A value fed from outside (data, a weight, a bias). topological_sort
    sets its value."""

    def __init__(self, name=None):
        super().__init__((), name)

    def forward(self):
        pass   # the value was set from the feed dict

    def backward(self):
        self.gradients = {self: np.zeros_like(self.value, dtype=np.float64)}
        for dout in self.upstream_gradients():
            self.gradients[self] += dout


class Add(Node):
    """value = sum of the inbound values (any number of nodes of one shape S)."""

    def __init__(self, *nodes, name=None):
        super().__init__(nodes, name)

    def forward(self):
        self.value = sum(n.value for n in self.inbound_nodes)

    def backward(self):
        self.reset_gradients()
        for dout in self.upstream_gradients():           # shape S, one per consumer
            for n in self.inbound_nodes:
                self.gradients[n] += dout                # add hands dout to every input


class Mul(Node):
    """value = a * b elementwise (a, b of one shape S)."""

    def __init__(self, a, b, name=None):
        super().__init__((a, b), name)

    def forward(self):
        a, b = self.inbound_nodes
        self.value = a.value * b.value

    def backward(self):
        a, b = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():           # shape S, one per consumer
            self.gradients[a] += b.value * dout          # multiply swaps its inputs
            self.gradients[b] += a.value * dout          # (a is b for Mul(x, x): both add up)


class Linear(Node):
    """value = X @ W + b with X (N, D), W (D, M), b (M,); value (N, M)."""

    def __init__(self, X, W, b, name=None):
        super().__init__((X, W, b), name)

    def forward(self):
        X, W, b = self.inbound_nodes
        self.value = X.value @ W.value + b.value

    def backward(self):
        X, W, b = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():           # (N, M) each
            self.gradients[X] += dout @ W.value.T        # (N, D)
            self.gradients[W] += X.value.T @ dout        # (D, M)
            self.gradients[b] += dout.sum(axis=0)        # (M,): row sums


class Sigmoid(Node):
    """value = sigmoid(z) elementwise, z of shape S."""

    def __init__(self, z, name=None):
        super().__init__((z,), name)

    def forward(self):
        self.value = sigmoid(self.inbound_nodes[0].value)

    def backward(self):
        (z,) = self.inbound_nodes
        self.reset_gradients()
        local = self.value * (1.0 - self.value)          # d sigmoid / dz, from the output
        for dout in self.upstream_gradients():           # shape S, one per consumer
            self.gradients[z] += local * dout


class MSE(Node):
    """value = mean((y - a)**2) over the m elements of y and a (any shapes
    with m elements each; both are read as (m, 1) columns); a scalar.
    Usually the graph's output (upstream gradient 1)."""

    def __init__(self, y, a, name=None):
        super().__init__((y, a), name)

    def forward(self):
        y, a = self.inbound_nodes
        self.diff = y.value.reshape(-1, 1) - a.value.reshape(-1, 1)  # (m, 1)
        self.m = self.diff.shape[0]
        self.value = np.mean(self.diff ** 2)

    def backward(self):
        y, a = self.inbound_nodes
        self.reset_gradients()
        for dout in self.upstream_gradients():           # scalars
            ddiff = (2.0 / self.m) * self.diff * dout     # (m, 1)
            # a gradient has its variable's shape
            self.gradients[y] += ddiff.reshape(y.value.shape)
            self.gradients[a] += -ddiff.reshape(a.value.shape)


# --------------------------------------------------------------------------- running a graph
def topological_sort(feed_dict):
    """Order the nodes reachable from the fed nodes so that each comes after
    all its inputs (Kahn's algorithm), and set every fed node's value.

    feed_dict : {Input node: array-like value}.
    Returns a list of nodes. Raises ValueError if a node needs an input that
    is neither fed nor computed from fed nodes, or if the graph has a cycle.
    """
    nodes, seen = [], set()
    stack = list(feed_dict)[::-1]                     # popped in feed order
    while stack:                                      # all downstream
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            nodes.append(n)
            stack.extend(n.outbound_nodes)
    for n in nodes:
        for m in n.inbound_nodes:
            if m not in seen:
                raise ValueError(
                    f"{n.name} needs {m.name}, which is neither in the feed "
                    "dict nor computed from nodes in it")
    # edges counted once per (input, consumer)
    in_degree = {n: 0 for n in nodes}
    for n in nodes:
        for m in n.outbound_nodes:
            in_degree[m] += 1
    ready = deque(n for n in nodes if in_degree[n] == 0)
    order = []
    while ready:
        n = ready.popleft()
        if n in feed_dict:
            n.value = np.asarray(feed_dict[n], dtype=np.float64)
        order.append(n)
        for m in n.outbound_nodes:
            in_degree[m] -= 1
            if in_degree[m] == 0:
                ready.append(m)
    if len(order) < len(nodes):
        stuck = ", ".join(sorted(n.name for n in nodes if in_degree[n] > 0))
        raise ValueError(f"the graph has a cycle: {stuck} can never have "
                         "all inputs ready")
    return order


def forward_and_backward(graph):
    """Run forward over the sorted ``graph`` (a list from topological_sort),
    then backward in reverse order. Returns the value of the last node (the
    cost)."""
    for n in graph:
        n.forward()
    for n in reversed(graph):
        n.backward()
    return graph[-1].value


def sgd_update(trainables, learning_rate=1e-2):
    """One gradient-descent step on each Input in ``trainables``:
    value -= rate * gradient. Rebinds ``value`` to a new array, so arrays the
    caller fed are left untouched."""
    for t in trainables:
        t.value = t.value - learning_rate * t.gradients[t]


# --------------------------------------------------------------------------- drawing
def total_gradient(node):
    """d(output)/d(node.value) after a backward pass: the sum of what the node's consumers sent
    back, or ones for the graph's output (a node nobody reads). Shape of node.value."""
    return sum(node.upstream_gradients())


_LABELS = {"Add": "+", "Mul": "*", "Sigmoid": "σ", "Linear": "lin", "MSE": "mse"}


def to_circuit(graph):
    """Describe a sorted graph for ``book/circuit_diagram.draw_circuit``.

    graph : list of nodes after topological_sort (and forward_and_backward, for numbers).
    Returns a list of dicts {"name", "label", "value", "grad", "inputs"}; value and grad are
    floats for single-number nodes, None for arrays or before the passes. A node reading one
    input twice (Mul(x, x)) gets one wire and the label "^2".
    """
    ids = {n: f"n{i}" for i, n in enumerate(graph)}
    out = []
    for n in graph:
        distinct = list(dict.fromkeys(n.inbound_nodes))
        label = n.name if isinstance(n, Input) else _LABELS.get(type(n).__name__, n.name)
        if isinstance(n, Mul) and len(distinct) == 1:
            label = "^2"
        value = grad = None
        if n.value is not None and np.size(n.value) == 1:
            value = float(np.asarray(n.value).item())
            ready = all(n in c.gradients for c in n.outbound_nodes) and (
                n.outbound_nodes or n.gradients)
            if ready:
                grad = float(np.asarray(total_gradient(n)).item())
        out.append({"name": ids[n], "label": label, "value": value, "grad": grad,
                    "inputs": [ids[m] for m in distinct]})
    return out
