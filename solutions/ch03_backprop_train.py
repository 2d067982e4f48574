"""Chapter 3, training a network built from the graph engine's own nodes (solutions/ch03_backprop_graph.py).

    params, costs = train_graph(X, y, params, epochs, learning_rate)
        X (N, D), y (N, 1); params {"W1": (D, H), "b1": (H,), "W2": (H, 1), "b2": (1,)};
        returns a new dict of that form and costs (epochs,), the cost before each update.

The network is cost = MSE(y, Linear(Sigmoid(Linear(X, W1, b1)), W2, b2)), trained by full-batch
gradient descent: each epoch is one forward_and_backward over the sorted graph, then one
sgd_update of the four parameter nodes. The given arrays are not modified.
"""
import numpy as np

from solutions.ch03_backprop_graph import MSE, Input, Linear, Sigmoid, forward_and_backward, sgd_update, topological_sort

PARAMS = ("W1", "b1", "W2", "b2")


def train_graph(X, y, params, epochs=800, learning_rate=0.5):
    """Train the two-layer regression network for ``epochs`` full-batch steps; see the module docstring."""
    X_in, y_in = Input("X"), Input("y")
    nodes = {k: Input(k) for k in PARAMS}
    hidden = Sigmoid(Linear(X_in, nodes["W1"], nodes["b1"]))
    MSE(y_in, Linear(hidden, nodes["W2"], nodes["b2"]))
    feed = {X_in: X, y_in: y, **{nodes[k]: params[k] for k in PARAMS}}
    graph = topological_sort(feed)          # sorted once: a later sort would feed the start again
    trainables = [nodes[k] for k in PARAMS]
    costs = []
    for _ in range(int(epochs)):
        costs.append(float(forward_and_backward(graph)))
        sgd_update(trainables, learning_rate)
    return {k: np.array(nodes[k].value, dtype=np.float64) for k in PARAMS}, np.array(costs)
