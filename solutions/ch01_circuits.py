"""Real-valued circuits: wires carry a value forward and a gradient backward.

Interface shared by every gate in this module (stated once, here):

    gate = SomeGate()
    out = gate.forward(u0, u1)   # or gate.forward(u0) for one-input gates; u0, u1 are Units.
                                 # Returns a new Unit holding the output value (grad 0.0) and
                                 # remembers its inputs and output for the backward pass.
    gate.backward()              # reads out.grad (the pull from above) and ADDS (+=) each input's
                                 # share into that input's .grad. Never assigns: a wire that feeds
                                 # several gates collects the sum of their pulls.

Every value here is a Python float (a scalar wire). The circuits' gradients are the
derivatives of the circuit output with respect to each input wire.

Also here: the three strategies for making a circuit's output larger (random local
search, numerical gradient, analytic gradient) on the one-gate circuit x * y.
"""
import math

import numpy as np


# --------------------------------------------------------------------------- wires
class Unit:
    """A wire: ``value`` (float) flows forward; ``grad`` (float) is the pull
    it receives backward."""

    def __init__(self, value, grad=0.0):
        self.value = float(value)
        self.grad = float(grad)

    def __repr__(self):
        return f"Unit(value={self.value:.6g}, grad={self.grad:.6g})"


# --------------------------------------------------------------------------- gates
class MultiplyGate:
    """out = u0 * u1. Backward swaps: du0 += u1 * dout, du1 += u0 * dout."""

    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(u0.value * u1.value)
        return self.out

    def backward(self):
        dout = self.out.grad
        self.u0.grad += self.u1.value * dout
        self.u1.grad += self.u0.value * dout


class AddGate:
    """out = u0 + u1. Backward distributes: each input receives dout unchanged."""

    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(u0.value + u1.value)
        return self.out

    def backward(self):
        dout = self.out.grad
        self.u0.grad += 1.0 * dout
        self.u1.grad += 1.0 * dout


class MaxGate:
    """out = max(u0, u1). Backward routes dout to the larger input only (to u0 on a tie)."""

    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(max(u0.value, u1.value))
        return self.out

    def backward(self):
        dout = self.out.grad
        u0_wins = self.u0.value >= self.u1.value
        self.u0.grad += (1.0 if u0_wins else 0.0) * dout
        self.u1.grad += (0.0 if u0_wins else 1.0) * dout


def sigmoid(z):
    """1 / (1 + exp(-z)) for a float z; never overflows."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


class SigmoidGate:
    """out = sigmoid(u0). Backward: du0 += s * (1 - s) * dout, with s the
    forward output."""

    def forward(self, u0):
        self.u0 = u0
        self.out = Unit(sigmoid(u0.value))
        return self.out

    def backward(self):
        s = self.out.value
        self.u0.grad += s * (1.0 - s) * self.out.grad


# --------------------------------------------------------------------------- circuits
def node(name, label, unit, inputs=()):
    """One entry of a circuit description for ``book/circuit_diagram.draw_circuit``."""
    return {"name": name, "label": label, "value": unit.value, "grad": unit.grad,
            "inputs": list(inputs)}


class AddMultiplyCircuit:
    """f(x, y, z) = (x + y) * z as two gates: q = x + y, f = q * z."""

    def __init__(self):
        self.add = AddGate()
        self.mul = MultiplyGate()

    def forward(self, x, y, z):
        """x, y, z: Units. Returns the output Unit f."""
        self.x, self.y, self.z = x, y, z
        self.q = self.add.forward(x, y)
        self.f = self.mul.forward(self.q, z)
        return self.f

    def backward(self, gradient_top=1.0):
        """Pull on f with ``gradient_top``; accumulate
        df/d(input) * gradient_top into x, y, z."""
        self.f.grad = gradient_top
        self.mul.backward()   # into q and z
        self.add.backward()   # into x and y

    def nodes(self):
        return [node("x", "x", self.x), node("y", "y", self.y), node("z", "z", self.z),
                node("q", "+", self.q, ["x", "y"]), node("f", "*", self.f, ["q", "z"])]


class Neuron:
    """The two-input neuron s = sigmoid(a*x + b*y + c) as five gates.

    Intermediates (all Units): ax = a*x, by = b*y, axpby = ax + by,
    z = axpby + c, s = sigmoid(z).
    """

    def __init__(self):
        self.mul_ax = MultiplyGate()
        self.mul_by = MultiplyGate()
        self.add_axpby = AddGate()
        self.add_c = AddGate()
        self.sig = SigmoidGate()

    def forward(self, a, b, c, x, y):
        """a, b, c, x, y: Units. Returns the output Unit s."""
        self.a, self.b, self.c, self.x, self.y = a, b, c, x, y
        self.ax = self.mul_ax.forward(a, x)
        self.by = self.mul_by.forward(b, y)
        self.axpby = self.add_axpby.forward(self.ax, self.by)
        self.z = self.add_c.forward(self.axpby, c)
        self.s = self.sig.forward(self.z)
        return self.s

    def backward(self, gradient_top=1.0):
        """Pull on s with ``gradient_top``; the gates run in the reverse
        order of the forward pass."""
        self.s.grad = gradient_top
        self.sig.backward()        # into z
        self.add_c.backward()      # into axpby and c
        self.add_axpby.backward()  # into ax and by
        self.mul_by.backward()     # into b and y
        self.mul_ax.backward()     # into a and x

    def nodes(self):
        return [node("a", "a", self.a), node("x", "x", self.x), node("b", "b", self.b),
                node("y", "y", self.y), node("c", "c", self.c),
                node("ax", "*", self.ax, ["a", "x"]), node("by", "*", self.by, ["b", "y"]),
                node("axpby", "+", self.axpby, ["ax", "by"]), node("z", "+", self.z, ["axpby", "c"]),
                node("s", "σ", self.s, ["z"])]


def neuron_value(a, b, c, x, y):
    """The neuron's output as one expression (floats in, float out), for checking the circuit."""
    return sigmoid(a * x + b * y + c)


def gradient_step(units, step_size=0.01):
    """One step of gradient ascent: each unit's value moves by step_size * its grad (in place).

    units: list of Units whose .grad holds d(output)/d(unit). Grads are left as they are.
    """
    for u in units:
        u.value += step_size * u.grad


# --------------------------------------------------------------------------- three strategies
def multiply(x, y):
    """The one-gate circuit x * y on floats."""
    return x * y


def add_multiply(x, y, z):
    """The two-gate circuit (x + y) * z on floats."""
    return (x + y) * z


def random_local_search(f, x, y, tweak_amount=0.01, tries=100, seed=0):
    """Strategy 1: try ``tries`` random nudges of (x, y), each coordinate within +-tweak_amount,
    and keep the one with the largest f. Returns (best_x, best_y, best_out), floats."""
    rng = np.random.default_rng(seed)
    best_x, best_y, best_out = x, y, -math.inf
    for _ in range(tries):
        x_try = x + tweak_amount * rng.uniform(-1.0, 1.0)
        y_try = y + tweak_amount * rng.uniform(-1.0, 1.0)
        out = f(x_try, y_try)
        if out > best_out:
            best_x, best_y, best_out = x_try, y_try, out
    return best_x, best_y, best_out


def nudge_gradient(f, inputs, h=1e-4):
    """Strategy 2: the derivative of f with respect to each input, by nudging it up by h.

    f: callable of len(inputs) floats returning a float. inputs: list of floats.
    Returns a list of floats: (f(.., input_i + h, ..) - f(inputs)) / h. Costs len(inputs) + 1 calls.
    """
    base = f(*inputs)
    derivatives = []
    for i in range(len(inputs)):
        nudged = list(inputs)
        nudged[i] += h
        derivatives.append((f(*nudged) - base) / h)
    return derivatives


def multiply_gradient(x, y):
    """Strategy 3: the analytic gradient of x * y, (d/dx, d/dy) = (y, x)."""
    return y, x


def ascend(inputs, grads, step_size=0.01):
    """Move each input by step_size times its derivative; returns the new list of floats."""
    return [v + step_size * g for v, g in zip(inputs, grads)]


# Training by hand (random local search on the neuron, a ReLU net trained by pulls) is in a part module.
from solutions.ch01_circuits_search import (neuron_random_search, relu_net_pull_step,  # noqa: E402,F401
                                            train_relu_net)
