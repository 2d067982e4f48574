"""Tests of solutions/ch01_circuits.py: gates, circuits, the neuron and the three strategies."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from autograder.gradcheck import check_gradient, rel_error
from solutions import ch01_circuits as c1
from solutions.ch01_circuits import AddGate, MaxGate, MultiplyGate, Neuron, SigmoidGate, Unit

# Each gate with the same function written for autograd (np arrays of its inputs).
GATES = {
    "multiply": (MultiplyGate, lambda v: v[0] * v[1]),
    "add": (AddGate, lambda v: v[0] + v[1]),
    "max": (MaxGate, lambda v: anp.maximum(v[0], v[1])),
    "sigmoid": (SigmoidGate, lambda v: 1.0 / (1.0 + anp.exp(-v[0]))),
}


def arity(gate_cls):
    return 1 if gate_cls is SigmoidGate else 2


def gate_grads(gate_cls, values, dout, start=None):
    """Forward and backward through one gate; returns (out value, list of input grads)."""
    units = [Unit(v, 0.0 if start is None else s) for v, s in zip(values, start or values)]
    gate = gate_cls()
    out = gate.forward(*units)
    out.grad = dout
    gate.backward()
    return out.value, [u.grad for u in units]


def random_inputs(rng, n):
    """n floats; for max, far enough apart that no tie (kink) is crossed by a 1e-5 step."""
    while True:
        v = rng.normal(size=n) * 2
        if n == 1 or abs(v[0] - v[1]) > 1e-2:
            return v


# --------------------------------------------------------------------------- worked numbers
def test_multiply_worked_example():
    """Does x * y at (-2, 3) give -6 with gradients (3, -2), and one step of 0.01 give -5.87?"""
    out, (dx, dy) = gate_grads(MultiplyGate, [-2.0, 3.0], 1.0)
    assert out == -6.0 and (dx, dy) == (3.0, -2.0)
    x, y = c1.ascend([-2.0, 3.0], [dx, dy], 0.01)
    assert (round(x, 2), round(y, 2)) == (-1.97, 2.98)
    assert round(c1.multiply(x, y), 2) == -5.87


def test_add_multiply_worked_example():
    """Does (x + y) * z at (-2, 5, -4) give -12 with gradients (-4, -4, 3), and -11.59 after a step?"""
    x, y, z = Unit(-2.0), Unit(5.0), Unit(-4.0)
    circuit = c1.AddMultiplyCircuit()
    assert circuit.forward(x, y, z).value == -12.0
    circuit.backward()
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    c1.gradient_step([x, y, z], 0.01)
    assert [round(u.value, 2) for u in (x, y, z)] == [-2.04, 4.96, -3.97]
    out = circuit.forward(x, y, z).value
    assert round(circuit.q.value, 2) == 2.92
    assert round(out, 2) == -11.59 and out == c1.add_multiply(x.value, y.value, z.value)


def test_neuron_worked_example():
    """Does the neuron at a=1, b=2, c=-3, x=-1, y=3 output 0.8808 with gradients -0.105, 0.315,
    0.105, 0.105, 0.210, and output 0.8825 after one step of 0.01?"""
    units = [Unit(v) for v in (1.0, 2.0, -3.0, -1.0, 3.0)]
    neuron = Neuron()
    assert round(neuron.forward(*units).value, 4) == 0.8808
    neuron.backward()
    assert [round(u.grad, 3) for u in units] == [-0.105, 0.315, 0.105, 0.105, 0.210]
    c1.gradient_step(units, 0.01)
    after = neuron.forward(*units).value
    assert 0.8825 <= after < 0.8826  # 0.882550...: the material prints its first four decimals


def test_sigmoid_worked_example():
    """Does the sigmoid gate at 3 output 0.95 (to two decimals) with local gradient s * (1 - s)?"""
    out, (dz,) = gate_grads(SigmoidGate, [3.0], 1.0)
    assert round(out, 2) == 0.95
    assert dz == pytest.approx(out * (1 - out), rel=1e-15) and round(dz, 4) == 0.0452


def test_nudge_gradient_of_multiply():
    """Does strategy 2 (nudging by h = 1e-4) find (3, -2) for x * y at (-2, 3), within h?"""
    dx, dy = c1.nudge_gradient(c1.multiply, [-2.0, 3.0], h=1e-4)
    assert abs(dx - 3.0) < 1e-4 and abs(dy + 2.0) < 1e-4
    assert c1.multiply_gradient(-2.0, 3.0) == (3.0, -2.0)


def test_random_local_search_improves_and_is_seeded():
    """Does strategy 1 find a better output than -6 near (-2, 3), the same one for the same seed?"""
    bx, by, best = c1.random_local_search(c1.multiply, -2.0, 3.0, tweak_amount=0.01, tries=100, seed=0)
    assert best > -6.0 and best == c1.multiply(bx, by)
    assert abs(bx + 2.0) <= 0.01 and abs(by - 3.0) <= 0.01
    assert (bx, by, best) == c1.random_local_search(c1.multiply, -2.0, 3.0, seed=0)
    # the gradient step of the same size does better than the best of 100 random tries
    x, y = c1.ascend([-2.0, 3.0], c1.multiply_gradient(-2.0, 3.0), 0.01)
    assert c1.multiply(x, y) > best


# --------------------------------------------------------------------------- gates vs references
@pytest.mark.parametrize("name", GATES)
def test_gate_agrees_with_autograd(name):
    """Does each gate's backward agree with autograd (rel err <= 1e-9) for a random upstream gradient?"""
    gate_cls, fn = GATES[name]
    rng = np.random.default_rng(1)
    for _ in range(20):
        values = random_inputs(rng, arity(gate_cls))
        dout = rng.normal()
        out, grads = gate_grads(gate_cls, list(values), dout)
        assert rel_error(out, fn(values)) <= 1e-12
        want = grad(lambda v: fn(v) * dout)(values)
        assert rel_error(np.array(grads), want) <= 1e-9


@pytest.mark.parametrize("name", GATES)
def test_gate_agrees_with_central_differences(name):
    """Does each gate's backward agree with central differences (gradcheck) to 1e-6?"""
    gate_cls, _ = GATES[name]
    rng = np.random.default_rng(2)
    for _ in range(20):
        values = random_inputs(rng, arity(gate_cls))
        dout = np.array(rng.normal())
        _, grads = gate_grads(gate_cls, list(values), float(dout))

        def f(v, gate_cls=gate_cls):
            return np.array(gate_cls().forward(*[Unit(t) for t in v]).value)
        result = check_gradient(f, values.copy(), np.array(grads), dout=dout)
        assert result.passed and result.max_rel_error <= 1e-6, result.message


def test_max_routes_to_the_larger_input():
    """Does the max gate send the whole gradient to the larger input and nothing to the other?"""
    _, grads = gate_grads(MaxGate, [1.0, 4.0], 2.5)
    assert grads == [0.0, 2.5]
    _, grads = gate_grads(MaxGate, [4.0, 1.0], -2.5)
    assert grads == [-2.5, 0.0]


def test_neuron_agrees_with_autograd_and_central_differences():
    """On random inputs and a random pull, does the neuron circuit agree with autograd and gradcheck?"""
    rng = np.random.default_rng(3)

    def f(v):
        return 1.0 / (1.0 + anp.exp(-(v[0] * v[3] + v[1] * v[4] + v[2])))
    for _ in range(20):
        v = rng.normal(size=5) * 1.5
        dout = rng.normal()
        units = [Unit(t) for t in v]
        neuron = Neuron()
        out = neuron.forward(*units).value
        neuron.backward(dout)
        grads = np.array([u.grad for u in units])
        assert rel_error(out, f(v)) <= 1e-12
        assert rel_error(out, c1.neuron_value(*v)) <= 1e-12
        assert rel_error(grads, grad(lambda t: f(t) * dout)(v)) <= 1e-9
        result = check_gradient(lambda t: np.array(c1.neuron_value(*t)), v.copy(), grads, dout=np.array(dout))
        assert result.passed and result.max_rel_error <= 1e-6, result.message


def test_sigmoid_does_not_overflow():
    """Does sigmoid stay finite and exact in its tails (no overflow warning at -1000)?"""
    with np.errstate(all="raise"):
        assert c1.sigmoid(-1000.0) == 0.0 and c1.sigmoid(1000.0) == 1.0
    assert c1.sigmoid(0.0) == 0.5


# --------------------------------------------------------------------------- accumulation
def test_reused_wire_in_one_gate_accumulates():
    """Does x * x give 2x * dout and x + x give 2 * dout on the one wire x?"""
    x = Unit(-1.5)
    gate = MultiplyGate()
    out = gate.forward(x, x)
    out.grad = 0.7
    gate.backward()
    assert x.grad == pytest.approx(2 * -1.5 * 0.7, rel=1e-15)
    x = Unit(-1.5)
    gate = AddGate()
    gate.forward(x, x).grad = 0.7
    gate.backward()
    assert x.grad == pytest.approx(1.4, rel=1e-15)


def test_unit_feeding_two_gates_accumulates():
    """In f = x*y + max(x, z), does x collect the pulls of both gates it feeds (autograd agrees)?"""
    x, y, z = Unit(2.0), Unit(-3.0), Unit(0.5)
    mul, mx, add = MultiplyGate(), MaxGate(), AddGate()
    f = add.forward(mul.forward(x, y), mx.forward(x, z))
    f.grad = 1.3
    for gate in (add, mx, mul):
        gate.backward()
    want = grad(lambda v: (v[0] * v[1] + anp.maximum(v[0], v[2])) * 1.3)(np.array([2.0, -3.0, 0.5]))
    assert rel_error(np.array([x.grad, y.grad, z.grad]), want) <= 1e-12
    assert x.grad == pytest.approx((-3.0 + 1.0) * 1.3)


def test_backward_adds_to_existing_gradients():
    """Does a gate add into a wire's gradient rather than overwrite it (twice backward doubles)?"""
    for gate_cls, _ in GATES.values():
        values = [0.3, -1.2][:arity(gate_cls)]
        _, once = gate_grads(gate_cls, values, 0.9)
        _, started = gate_grads(gate_cls, values, 0.9, start=[5.0, -7.0][:arity(gate_cls)])
        assert started == pytest.approx([g + s for g, s in zip(once, [5.0, -7.0])])
        units = [Unit(v) for v in values]
        gate = gate_cls()
        gate.forward(*units).grad = 0.9
        gate.backward()
        gate.backward()
        assert [u.grad for u in units] == pytest.approx([2 * g for g in once])


def test_gradient_step_moves_values_only():
    """Does gradient_step move each value by step * grad and leave the grads alone?"""
    units = [Unit(1.0, 2.0), Unit(-1.0, -0.5)]
    c1.gradient_step(units, 0.1)
    assert [u.value for u in units] == pytest.approx([1.2, -1.05])
    assert [u.grad for u in units] == [2.0, -0.5]


def test_circuit_descriptions_are_drawable():
    """Do the circuits describe themselves as nodes whose inputs name earlier nodes, carrying the
    wires' current values and gradients?"""
    neuron = Neuron()
    neuron.forward(*[Unit(v) for v in (1.0, 2.0, -3.0, -1.0, 3.0)])
    neuron.backward()
    circuit = c1.AddMultiplyCircuit()
    circuit.forward(Unit(-2.0), Unit(5.0), Unit(-4.0))
    circuit.backward()
    for nodes, out in ((neuron.nodes(), neuron.s), (circuit.nodes(), circuit.f)):
        seen = set()
        for n in nodes:
            assert set(n) == {"name", "label", "value", "grad", "inputs"}
            assert all(i in seen for i in n["inputs"])
            seen.add(n["name"])
        assert nodes[-1]["value"] == out.value and nodes[-1]["grad"] == 1.0
    assert [n["grad"] for n in circuit.nodes()[:3]] == [-4.0, -4.0, 3.0]
