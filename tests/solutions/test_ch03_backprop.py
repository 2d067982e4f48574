"""Tests of the forward/backward pairs of solutions/ch03_backprop.py."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import check_gradient, rel_error
from solutions import ch03_backprop as bp

# Each pair with the same function written for autograd, and its number of inputs.
FUNCTIONS = {
    "mul_add": (lambda a, b, c: a * b + c, 3),
    "square": (lambda a: a * a, 1),
    "divide": (lambda a, b, c, d: (a + b) / (c + d), 4),
    "max": (lambda a, b: anp.maximum(a, b), 2),
    "relu": (lambda a: anp.maximum(a, 0.0), 1),
    "neuron": (lambda a, b, c, x, y: 1.0 / (1.0 + anp.exp(-(a * x + b * y + c))), 5),
    "squared_chain": (lambda a, b, c, d: ((a * b + c) * d) ** 2, 4),
}
SHAPE = (3, 4)


def random_inputs(name, rng):
    """Inputs away from kinks and poles: no ties in max, no relu input near 0, c + d not near 0."""
    n = FUNCTIONS[name][1]
    while True:
        v = [rng.normal(size=SHAPE) * 1.5 for _ in range(n)]
        if name == "max" and np.min(np.abs(v[0] - v[1])) < 1e-2:
            continue
        if name == "relu" and np.min(np.abs(v[0])) < 1e-2:
            continue
        if name == "divide" and np.min(np.abs(v[2] + v[3])) < 0.3:
            continue
        return v


def test_every_pair_is_tested():
    """Does this file cover every pair the module lists?"""
    assert set(FUNCTIONS) == set(bp.PAIRS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_pair_agrees_with_autograd(name):
    """Do the forward value and every gradient agree with autograd (rel err <= 1e-9)?"""
    fwd, bwd = bp.PAIRS[name]
    fn, n = FUNCTIONS[name]
    rng = np.random.default_rng(10)
    for _ in range(5):
        inputs = random_inputs(name, rng)
        dout = rng.normal(size=SHAPE)
        out, cache = fwd(*inputs)
        grads = bwd(dout, cache)
        assert isinstance(grads, tuple) and len(grads) == n
        assert rel_error(out, fn(*inputs)) <= 1e-12
        for i in range(n):
            want = grad(lambda *v: anp.sum(fn(*v) * dout), i)(*inputs)
            assert grads[i].shape == inputs[i].shape
            assert rel_error(grads[i], want) <= 1e-9, (name, i)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_pair_agrees_with_central_differences(name):
    """Does every gradient pass autograder.gradcheck (central differences) to 1e-6?"""
    fwd, bwd = bp.PAIRS[name]
    n = FUNCTIONS[name][1]
    rng = np.random.default_rng(11)
    inputs = random_inputs(name, rng)
    dout = rng.normal(size=SHAPE)
    grads = bwd(dout, fwd(*inputs)[1])
    for i in range(n):
        def f(z, i=i):
            return fwd(*inputs[:i], z, *inputs[i + 1:])[0]
        result = check_gradient(f, inputs[i].copy(), grads[i], dout=dout)
        assert result.passed and result.max_rel_error <= 1e-6, (name, i, result.message)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_pairs_accept_python_floats(name):
    """Do the pairs work on plain floats (shape ()), as in the chapter's worked examples?"""
    fwd, bwd = bp.PAIRS[name]
    fn, n = FUNCTIONS[name]
    v = [0.7, -1.3, 2.1, 0.4, -0.9][:n]
    out, cache = fwd(*v)
    grads = bwd(1.0, cache)
    assert np.shape(out) == () and rel_error(out, fn(*v)) <= 1e-12
    want = [grad(fn, i)(*v) for i in range(n)]
    assert rel_error(np.array(grads, dtype=float), np.array(want)) <= 1e-9


def test_forward_does_not_mutate_inputs():
    """Are the caller's arrays unchanged after a forward and a backward pass?"""
    rng = np.random.default_rng(12)
    for name, (fwd, bwd) in bp.PAIRS.items():
        inputs = random_inputs(name, rng)
        copies = [x.copy() for x in inputs]
        dout = rng.normal(size=SHAPE)
        dcopy = dout.copy()
        bwd(dout, fwd(*inputs)[1])
        assert all(np.array_equal(x, c) for x, c in zip(inputs, copies)) and np.array_equal(dout, dcopy)


def test_reused_wire_accumulates():
    """Does a * a give 2 * a * dout: both contributions of the reused wire added, not overwritten?"""
    a = np.array([-1.5, 0.0, 2.0])
    dout = np.array([0.7, 1.0, -2.0])
    (da,) = bp.square_backward(dout, bp.square_forward(a)[1])
    assert np.array_equal(da, 2 * a * dout)


def test_max_routes_gradient_and_breaks_ties_towards_a():
    """Does max send dout only to the larger input, and to a (a valid subgradient) on a tie?"""
    a = np.array([1.0, 4.0, 2.0])
    b = np.array([3.0, -1.0, 2.0])
    dout = np.array([0.5, -2.0, 1.5])
    da, db = bp.max_backward(dout, bp.max_forward(a, b)[1])
    assert np.array_equal(da, [0.0, -2.0, 1.5]) and np.array_equal(db, [0.5, 0.0, 0.0])
    assert np.array_equal(da + db, dout)


def test_relu_stops_gradient_at_and_below_zero():
    """Does relu pass dout where a > 0 and stop it where a <= 0?"""
    a = np.array([-2.0, 0.0, 3.0])
    (da,) = bp.relu_backward(np.array([1.0, 1.0, -4.0]), bp.relu_forward(a)[1])
    assert np.array_equal(da, [0.0, 0.0, -4.0])


def test_neuron_worked_example():
    """Does the neuron at a=1, b=2, c=-3, x=-1, y=3 give 0.8808 and gradients -0.105, 0.315,
    0.105, 0.105, 0.210 (the chapter 1 numbers) through the one-sweep backward?"""
    out, cache = bp.neuron_forward(1.0, 2.0, -3.0, -1.0, 3.0)
    da, db, dc, dx, dy = bp.neuron_backward(1.0, cache)
    assert round(float(out), 4) == 0.8808
    assert [round(float(g), 3) for g in (da, db, dc, dx, dy)] == [-0.105, 0.315, 0.105, 0.105, 0.210]


def test_sigmoid_is_stable_in_its_tails():
    """Does sigmoid stay finite without overflow warnings at +-1000 and equal 0.5 at 0?"""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = bp.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert np.array_equal(s, [0.0, 0.5, 1.0])
