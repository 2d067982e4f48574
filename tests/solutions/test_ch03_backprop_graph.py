"""Tests of the computational-graph engine of solutions/ch03_backprop_graph.py."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import check_gradient, rel_error
from solutions.ch03_backprop_graph import (
    MSE, Add, Input, Linear, Mul, Node, Sigmoid, forward_and_backward, sgd_update, to_circuit,
    topological_sort, total_gradient)


def anp_sigmoid(z):
    return 1.0 / (1.0 + anp.exp(-z))


def run(cost, feed):
    """Sort, forward and backward; returns (sorted graph, cost value)."""
    graph = topological_sort(feed)
    return graph, forward_and_backward(graph)


# --------------------------------------------------------------------------- the material's example
def test_two_by_two_example_reproduces_the_material():
    """Does cost = MSE(y, Sigmoid(Linear(X, W, b))) at the material's 2x2 inputs give its gradients
    for X, y (as a column), W and b?"""
    X, y, W, b = Input("X"), Input("y"), Input("W"), Input("b")
    cost = MSE(y, Sigmoid(Linear(X, W, b)))
    feed = {X: np.array([[-1.0, -2.0], [-1.0, -2.0]]), y: np.array([1.0, 2.0]).reshape(-1, 1),
            W: np.array([[2.0], [3.0]]), b: np.array([-3.0])}
    run(cost, feed)
    want = {
        X: [[-3.34017280e-05, -5.01025919e-05], [-6.68040138e-05, -1.00206021e-04]],
        y: [[0.9999833], [1.9999833]],
        W: [[5.01028709e-05], [1.00205742e-04]],
        b: [-5.01028709e-05],
    }
    for node, expected in want.items():
        got = node.gradients[node]
        assert got.shape == np.shape(expected), node.name
        np.testing.assert_allclose(got, expected, rtol=1e-6, err_msg=node.name)


def test_mse_value_from_the_material():
    """Does MSE of y = [1, 2, 3] and a = [4.5, 5, 10] give 23.4166666667?"""
    y, a = Input("y"), Input("a")
    cost = MSE(y, a)
    run(cost, {y: np.array([1.0, 2.0, 3.0]), a: np.array([4.5, 5.0, 10.0])})
    assert round(float(cost.value), 10) == 23.4166666667


# --------------------------------------------------------------------------- against autograd
def two_layer_graph():
    """cost = MSE(y, Linear(Sigmoid(Linear(X, W1, b1)), W2, b2)); returns (cost, inputs in order)."""
    X, y, W1, b1, W2, b2 = (Input(n) for n in ("X", "y", "W1", "b1", "W2", "b2"))
    cost = MSE(y, Linear(Sigmoid(Linear(X, W1, b1)), W2, b2))
    return cost, [X, y, W1, b1, W2, b2]


def two_layer_autograd(X, y, W1, b1, W2, b2):
    h = anp_sigmoid(anp.dot(X, W1) + b1)
    out = anp.dot(h, W2) + b2
    return anp.mean((anp.reshape(y, (-1, 1)) - anp.reshape(out, (-1, 1))) ** 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_graph_gradients_agree_with_autograd(seed):
    """Do the gradients of every Input of a two-layer graph agree with autograd (rel err <= 1e-9)?"""
    rng = np.random.default_rng(seed)
    n, d, h, m = 5, 3, 4, 2
    values = [rng.normal(size=s) for s in [(n, d), (n, m), (d, h), (h,), (h, m), (m,)]]
    cost, inputs = two_layer_graph()
    _, value = run(cost, dict(zip(inputs, values)))
    assert rel_error(value, two_layer_autograd(*values)) <= 1e-12
    for i, node in enumerate(inputs):
        want = grad(two_layer_autograd, i)(*values)
        assert rel_error(node.gradients[node], want) <= 1e-9, node.name


def test_graph_gradients_agree_with_central_differences():
    """Does the graph's gradient for W1 pass autograder.gradcheck (central differences) to 1e-6?"""
    rng = np.random.default_rng(3)
    values = [rng.normal(size=s) for s in [(4, 3), (4, 2), (3, 5), (5,), (5, 2), (2,)]]
    cost, inputs = two_layer_graph()
    run(cost, dict(zip(inputs, values)))

    def f(w1):
        c, ins = two_layer_graph()
        return run(c, dict(zip(ins, [values[0], values[1], w1, *values[3:]])))[1]
    result = check_gradient(f, values[2].copy(), inputs[2].gradients[inputs[2]])
    assert result.passed and result.max_rel_error <= 1e-6, result.message


def test_node_feeding_two_consumers_and_reused_input_accumulate():
    """With h = Sigmoid(Linear(X, W, b)) read by Add(h, Mul(h, h)) (h feeds two consumers, and Mul
    reads it twice), do the gradients sum over consumers and agree with autograd?"""
    rng = np.random.default_rng(4)
    X, W, b, y = Input("X"), Input("W"), Input("b"), Input("y")
    h = Sigmoid(Linear(X, W, b))
    sq = Mul(h, h)
    cost = MSE(y, Add(h, sq))
    assert h.outbound_nodes == [sq, cost.inbound_nodes[1]] and sq.inbound_nodes == [h, h]
    values = [rng.normal(size=s) for s in [(3, 2), (2, 2), (2,), (3, 2)]]
    run(cost, dict(zip([X, W, b, y], values)))

    def f(X, W, b, y):
        hh = anp_sigmoid(anp.dot(X, W) + b)
        return anp.mean((y - (hh + hh * hh)) ** 2)
    for i, node in enumerate([X, W, b, y]):
        assert rel_error(node.gradients[node], grad(f, i)(*values)) <= 1e-9, node.name
    # h's gradient is the sum of what Add and Mul sent back
    dh = total_gradient(h)
    np.testing.assert_allclose(dh, cost.inbound_nodes[1].gradients[h] + sq.gradients[h], rtol=1e-15)


def test_scalar_graph_reused_input():
    """For f = (x + y) * x at x=3, y=-2, is df/dx = 2x + y = 4 and df/dy = x = 3?"""
    x, y = Input("x"), Input("y")
    f = Mul(Add(x, y), x)
    run(f, {x: 3.0, y: -2.0})
    assert float(f.value) == 3.0
    assert float(x.gradients[x]) == 4.0 and float(y.gradients[y]) == 3.0


# --------------------------------------------------------------------------- topological sort
def random_dag(rng, n_inputs=3, n_ops=12):
    """A random graph of Add and Mul nodes over scalar inputs, built in random order."""
    inputs = [Input(f"i{k}") for k in range(n_inputs)]
    nodes = list(inputs)
    for k in range(n_ops):
        a, b = rng.choice(len(nodes), size=2)
        cls = Add if rng.random() < 0.5 else Mul
        nodes.append(cls(nodes[a], nodes[b], name=f"op{k}"))
    return inputs, nodes


@pytest.mark.parametrize("seed", range(5))
def test_sort_is_a_valid_order(seed):
    """Does every node downstream of the feed appear once, after all of its inbound nodes,
    with the fed values set?"""
    rng = np.random.default_rng(seed)
    inputs, nodes = random_dag(rng)
    feed = {n: float(rng.normal()) for n in reversed(inputs)}
    order = topological_sort(feed)
    assert len(order) == len(set(order)) == len(nodes)
    pos = {n: i for i, n in enumerate(order)}
    for n in nodes:
        assert all(pos[m] < pos[n] for m in n.inbound_nodes), n.name
    assert all(float(n.value) == v for n, v in feed.items())


def test_sort_releases_a_node_that_reads_one_input_twice():
    """Is Mul(x, x) emitted once, after x (its edge from x counted once)?"""
    x = Input("x")
    sq = Mul(x, x)
    assert x.outbound_nodes == [sq]
    assert topological_sort({x: 2.0}) == [x, sq]


def test_sort_detects_a_cycle():
    """Does a graph with a cycle raise a ValueError naming the nodes on it?"""
    x = Input("x")
    a = Add(x, name="A")
    b = Add(a, name="B")
    a.inbound_nodes.append(b)          # close the loop A -> B -> A by hand
    b.outbound_nodes.append(a)
    with pytest.raises(ValueError, match="cycle: A, B"):
        topological_sort({x: 1.0})


def test_sort_names_a_missing_input():
    """Does a node whose input is not fed raise a ValueError naming that input?"""
    x, w = Input("x"), Input("w")
    Mul(x, w, name="prod")
    with pytest.raises(ValueError, match="prod needs w"):
        topological_sort({x: 1.0})


def test_sort_does_not_mutate_fed_arrays():
    """Is an array in the feed dict untouched by the sort, the passes and an SGD step?"""
    X, W, b, y = Input("X"), Input("W"), Input("b"), Input("y")
    cost = MSE(y, Linear(X, W, b))
    rng = np.random.default_rng(5)
    feed = {X: rng.normal(size=(3, 2)), W: rng.normal(size=(2, 1)), b: rng.normal(size=1),
            y: rng.normal(size=(3, 1))}
    copies = {k: v.copy() for k, v in feed.items()}
    run(cost, feed)
    sgd_update([W, b], 0.1)
    assert all(np.array_equal(feed[k], copies[k]) for k in feed)


# --------------------------------------------------------------------------- training and drawing
def test_sgd_lowers_the_cost():
    """Do steps of sgd_update on W and b lower the MSE of a linear fit, and is one step
    exactly value - rate * gradient?"""
    rng = np.random.default_rng(6)
    X, W, b, y = Input("X"), Input("W"), Input("b"), Input("y")
    MSE(y, Linear(X, W, b))          # the graph: each node registers with its inbound nodes
    x_val = rng.normal(size=(20, 3))
    y_val = x_val @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    feed = {X: x_val, W: np.zeros((3, 1)), b: np.zeros(1), y: y_val}
    graph = topological_sort(feed)
    first = forward_and_backward(graph)
    w_before, dw = W.value.copy(), W.gradients[W].copy()
    sgd_update([W, b], 0.1)
    np.testing.assert_array_equal(W.value, w_before - 0.1 * dw)
    for _ in range(200):
        last = forward_and_backward(graph)
        sgd_update([W, b], 0.1)
    assert last < 1e-3 * first


def test_to_circuit_describes_the_graph():
    """Does the adapter give draw_circuit one entry per node with values, total gradients and
    distinct inputs (one wire for Mul(x, x))?"""
    x, y = Input("x"), Input("y")
    s = Add(x, y)
    f = Mul(s, s)
    graph = topological_sort({x: 1.5, y: -0.5})
    before = to_circuit(graph)
    assert all(n["grad"] is None for n in before)
    forward_and_backward(graph)
    nodes = {n["label"]: n for n in to_circuit(graph)}
    assert set(nodes) == {"x", "y", "+", "^2"}
    assert nodes["^2"]["inputs"] == [nodes["+"]["name"]]
    assert nodes["^2"]["value"] == 1.0 and nodes["^2"]["grad"] == 1.0
    assert nodes["+"]["grad"] == 2.0 and nodes["x"]["grad"] == 2.0 and nodes["y"]["grad"] == 2.0
    assert sorted(nodes["+"]["inputs"]) == sorted([nodes["x"]["name"], nodes["y"]["name"]])
    assert f.value == 1.0


def test_base_node_has_no_default_passes():
    """Does a bare Node refuse to run forward or backward (subclasses must define them)?"""
    with pytest.raises(NotImplementedError):
        Node().forward()
    with pytest.raises(NotImplementedError):
        Node().backward()


def test_mse_inside_a_graph_passes_its_upstream_gradient_on():
    """When MSE is not the output (cost = k * MSE(y, a)), are its gradients k times the plain ones?"""
    rng = np.random.default_rng(7)
    y, a, k = Input("y"), Input("a"), Input("k")
    cost = Mul(MSE(y, a), k)
    yv, av = rng.normal(size=4), rng.normal(size=(4, 1))
    run(cost, {y: yv, a: av, k: np.array(-2.5)})
    plain = 2.0 / 4 * (yv - av.ravel())
    np.testing.assert_allclose(y.gradients[y], -2.5 * plain, rtol=1e-12)
    np.testing.assert_allclose(a.gradients[a], 2.5 * plain.reshape(4, 1), rtol=1e-12)
    assert float(k.gradients[k]) == pytest.approx(float(np.mean((yv - av.ravel()) ** 2)))
