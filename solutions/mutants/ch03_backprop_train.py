"""Realistic wrong answers for chapter 3's forward passes, update step and training loop, registered
in the chapter's catalogue (solutions/mutants/ch03_backprop.py). The forward mutants subclass the
reference node; the others are whole functions written with the notebook's names.
"""
import numpy as np

from solutions.ch03_backprop_graph import (MSE, Input, Linear, Sigmoid, forward_and_backward,
                                           sgd_update, topological_sort)
from solutions.mutants.ch03_backprop import wrong

LF, SF = "check_linear_forward", "check_sigmoid_forward"


# --------------------------------------------------------------------------- Linear.forward
@wrong("Linear", "forward without the bias", "value", check=LF)
class LinearNoBias(Linear):
    def forward(self):
        X, W, b = self.inbound_nodes
        self.value = X.value @ W.value


@wrong("Linear", "forward subtracts the bias", "value", check=LF)
class LinearMinusBias(Linear):
    def forward(self):
        X, W, b = self.inbound_nodes
        self.value = X.value @ W.value - b.value


@wrong("Linear", "forward multiplies W by X (W @ X)", "error", check=LF)
class LinearWrongOrder(Linear):
    def forward(self):
        X, W, b = self.inbound_nodes
        self.value = W.value @ X.value + b.value


@wrong("Linear", "forward returns the value instead of storing it", "shape", check=LF)
class LinearReturns(Linear):
    def forward(self):
        X, W, b = self.inbound_nodes
        return X.value @ W.value + b.value


@wrong("Linear", "forward adds the sum of the bias to every entry", "value", check=LF)
class LinearBiasSummed(Linear):
    def forward(self):
        X, W, b = self.inbound_nodes
        self.value = np.dot(X.value, W.value) + b.value.sum()


# --------------------------------------------------------------------------- Sigmoid.forward
@wrong("Sigmoid", "forward without the minus sign", "value", check=SF)
class SigmoidNoMinus(Sigmoid):
    def forward(self):
        self.value = 1.0 / (1.0 + np.exp(self.inbound_nodes[0].value))


@wrong("Sigmoid", "forward is tanh", "value", check=SF)
class SigmoidTanh(Sigmoid):
    def forward(self):
        self.value = np.tanh(self.inbound_nodes[0].value)


@wrong("Sigmoid", "forward is a ReLU", "value", check=SF)
class SigmoidRelu(Sigmoid):
    def forward(self):
        self.value = np.maximum(0.0, self.inbound_nodes[0].value)


@wrong("Sigmoid", "forward forgets the 1 + in the denominator", "value", check=SF)
class SigmoidNoOne(Sigmoid):
    def forward(self):
        self.value = 1.0 / np.exp(-self.inbound_nodes[0].value)


@wrong("Sigmoid", "forward returns the value instead of storing it", "shape", check=SF)
class SigmoidReturns(Sigmoid):
    def forward(self):
        return 1.0 / (1.0 + np.exp(-self.inbound_nodes[0].value))


# --------------------------------------------------------------------------- sgd_update
@wrong("sgd_update", "climbs: adds the gradient", "sign")
def sgd_adds(trainables, learning_rate=1e-2):
    for t in trainables:
        t.value = t.value + learning_rate * t.gradients[t]


@wrong("sgd_update", "in place, as the original MiniFlow writes it (value -= ...)", "value")
def sgd_in_place(trainables, learning_rate=1e-2):
    for t in trainables:
        t.value -= learning_rate * t.gradients[t]


@wrong("sgd_update", "ignores learning_rate", "scale")
def sgd_fixed_rate(trainables, learning_rate=1e-2):
    for t in trainables:
        t.value = t.value - 0.01 * t.gradients[t]


@wrong("sgd_update", "returns after the first node", "zero")
def sgd_first_only(trainables, learning_rate=1e-2):
    for t in trainables:
        t.value = t.value - learning_rate * t.gradients[t]
        return


@wrong("sgd_update", "default rate 0.1", "scale", default_rate=True)
def sgd_default(trainables, learning_rate=0.1):
    for t in trainables:
        t.value = t.value - learning_rate * t.gradients[t]


@wrong("sgd_update", "returns new values, leaves the nodes", "zero")
def sgd_returns(trainables, learning_rate=1e-2):
    return [t.value - learning_rate * t.gradients[t] for t in trainables]


# --------------------------------------------------------------------------- train_graph
def _network(X, y, params):
    nodes = {k: Input(k) for k in ("X", "y", "W1", "b1", "W2", "b2")}
    hidden = Sigmoid(Linear(nodes["X"], nodes["W1"], nodes["b1"]))
    MSE(nodes["y"], Linear(hidden, nodes["W2"], nodes["b2"]))
    feed = {nodes["X"]: X, nodes["y"]: y, **{nodes[k]: params[k] for k in ("W1", "b1", "W2", "b2")}}
    return nodes, feed


def _result(nodes, costs):
    return {k: nodes[k].value for k in ("W1", "b1", "W2", "b2")}, np.array(costs)


@wrong("train_graph", "sorts the graph again every epoch (the start is fed each time)", "value")
def tg_sorts_every_epoch(X, y, params, epochs=800, learning_rate=0.5):
    nodes, feed = _network(X, y, params)
    costs = []
    for _ in range(epochs):
        graph = topological_sort(feed)
        costs.append(forward_and_backward(graph))
        sgd_update([nodes[k] for k in ("W1", "b1", "W2", "b2")], learning_rate)
    return _result(nodes, costs)


@wrong("train_graph", "trains the weights but not the biases", "value")
def tg_no_biases(X, y, params, epochs=800, learning_rate=0.5):
    nodes, feed = _network(X, y, params)
    graph = topological_sort(feed)
    costs = []
    for _ in range(epochs):
        costs.append(forward_and_backward(graph))
        sgd_update([nodes["W1"], nodes["W2"]], learning_rate)
    return _result(nodes, costs)


@wrong("train_graph", "a sigmoid on the output too", "value")
def tg_sigmoid_output(X, y, params, epochs=800, learning_rate=0.5):
    nodes = {k: Input(k) for k in ("X", "y", "W1", "b1", "W2", "b2")}
    hidden = Sigmoid(Linear(nodes["X"], nodes["W1"], nodes["b1"]))
    MSE(nodes["y"], Sigmoid(Linear(hidden, nodes["W2"], nodes["b2"])))
    graph = topological_sort({nodes["X"]: X, nodes["y"]: y,
                              **{nodes[k]: params[k] for k in ("W1", "b1", "W2", "b2")}})
    costs = []
    for _ in range(epochs):
        costs.append(forward_and_backward(graph))
        sgd_update([nodes[k] for k in ("W1", "b1", "W2", "b2")], learning_rate)
    return _result(nodes, costs)


@wrong("train_graph", "records the cost after the update (one pass behind)", "value")
def tg_cost_late(X, y, params, epochs=800, learning_rate=0.5):
    nodes, feed = _network(X, y, params)
    graph = topological_sort(feed)
    costs = []
    for _ in range(epochs):
        forward_and_backward(graph)
        sgd_update([nodes[k] for k in ("W1", "b1", "W2", "b2")], learning_rate)
        costs.append(float(MSE_value(graph)))
    return _result(nodes, costs)


def MSE_value(graph):
    for n in graph:
        n.forward()
    return graph[-1].value


@wrong("train_graph", "never updates (forgets sgd_update)", "value")
def tg_no_update(X, y, params, epochs=800, learning_rate=0.5):
    nodes, feed = _network(X, y, params)
    graph = topological_sort(feed)
    costs = [forward_and_backward(graph) for _ in range(epochs)]
    return _result(nodes, costs)


@wrong("train_graph", "a fixed learning rate of 0.1", "value")
def tg_fixed_rate(X, y, params, epochs=800, learning_rate=0.5):
    nodes, feed = _network(X, y, params)
    graph = topological_sort(feed)
    costs = []
    for _ in range(epochs):
        costs.append(forward_and_backward(graph))
        sgd_update([nodes[k] for k in ("W1", "b1", "W2", "b2")], 0.1)
    return _result(nodes, costs)


@wrong("train_graph", "one epoch short", "shape")
def tg_one_short(X, y, params, epochs=800, learning_rate=0.5):
    nodes, feed = _network(X, y, params)
    graph = topological_sort(feed)
    costs = []
    for _ in range(epochs - 1):
        costs.append(forward_and_backward(graph))
        sgd_update([nodes[k] for k in ("W1", "b1", "W2", "b2")], learning_rate)
    return _result(nodes, costs)
