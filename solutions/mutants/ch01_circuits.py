"""Realistic wrong answers to the chapter 1 exercises; each must lose points (tests/test_mutants.py).

Each mutant is a small subclass of a reference gate (or a function) with one mistake, the kind a
student makes: assigning instead of adding, forgetting the pull from above, not swapping...
"""
import math

from solutions.mutants import Mutant
from solutions.ch01_circuits import AddGate, MaxGate, MultiplyGate, Neuron, SigmoidGate, Unit


# --------------------------------------------------------------------------- multiply gate
class MulOverwrite(MultiplyGate):
    def backward(self):
        self.u0.grad = self.u1.value * self.out.grad
        self.u1.grad = self.u0.value * self.out.grad


class MulNoUpstream(MultiplyGate):
    def backward(self):
        self.u0.grad += self.u1.value
        self.u1.grad += self.u0.value


class MulNoSwap(MultiplyGate):
    def backward(self):
        self.u0.grad += self.u0.value * self.out.grad
        self.u1.grad += self.u1.value * self.out.grad


class MulSign(MultiplyGate):
    def backward(self):
        self.u0.grad -= self.u1.value * self.out.grad
        self.u1.grad -= self.u0.value * self.out.grad


class MulDoubled(MultiplyGate):
    """Treats x * y like a square: 2 * other * dout."""
    def backward(self):
        self.u0.grad += 2 * self.u1.value * self.out.grad
        self.u1.grad += 2 * self.u0.value * self.out.grad


class MulForwardAdds(MultiplyGate):
    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(u0.value + u1.value)
        return self.out


# --------------------------------------------------------------------------- add gate
class AddOverwrite(AddGate):
    def backward(self):
        self.u0.grad = self.out.grad
        self.u1.grad = self.out.grad


class AddNoUpstream(AddGate):
    def backward(self):
        self.u0.grad += 1.0
        self.u1.grad += 1.0


class AddSplits(AddGate):
    """Shares the gradient out between the inputs instead of copying it."""
    def backward(self):
        self.u0.grad += 0.5 * self.out.grad
        self.u1.grad += 0.5 * self.out.grad


class AddSign(AddGate):
    def backward(self):
        self.u0.grad -= self.out.grad
        self.u1.grad -= self.out.grad


class AddFirstOnly(AddGate):
    def backward(self):
        self.u0.grad += self.out.grad


class AddForwardSubtracts(AddGate):
    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(u0.value - u1.value)
        return self.out


# --------------------------------------------------------------------------- max gate
class MaxOverwrite(MaxGate):
    def backward(self):
        win = self.u0.value >= self.u1.value
        self.u0.grad = self.out.grad if win else 0.0
        self.u1.grad = 0.0 if win else self.out.grad


class MaxNoUpstream(MaxGate):
    def backward(self):
        win = self.u0.value >= self.u1.value
        self.u0.grad += 1.0 if win else 0.0
        self.u1.grad += 0.0 if win else 1.0


class MaxBoth(MaxGate):
    """Passes the gradient to both inputs, like an add gate."""
    def backward(self):
        self.u0.grad += self.out.grad
        self.u1.grad += self.out.grad


class MaxLoser(MaxGate):
    """Routes the gradient to the smaller input."""
    def backward(self):
        win = self.u0.value >= self.u1.value
        self.u0.grad += 0.0 if win else self.out.grad
        self.u1.grad += self.out.grad if win else 0.0


class MaxForwardMin(MaxGate):
    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(min(u0.value, u1.value))
        return self.out


class MaxValueTimesGrad(MaxGate):
    """Multiplies by the winner's value, as if max were a product."""
    def backward(self):
        win = self.u0.value >= self.u1.value
        self.u0.grad += self.u0.value * self.out.grad if win else 0.0
        self.u1.grad += 0.0 if win else self.u1.value * self.out.grad


# --------------------------------------------------------------------------- sigmoid gate
class SigOverwrite(SigmoidGate):
    def backward(self):
        s = self.out.value
        self.u0.grad = s * (1 - s) * self.out.grad


class SigNoUpstream(SigmoidGate):
    def backward(self):
        s = self.out.value
        self.u0.grad += s * (1 - s)


class SigOutputOnly(SigmoidGate):
    """Uses s instead of s * (1 - s)."""
    def backward(self):
        self.u0.grad += self.out.value * self.out.grad


class SigOfInput(SigmoidGate):
    """Plugs the input z into z * (1 - z) instead of the output s."""
    def backward(self):
        z = self.u0.value
        self.u0.grad += z * (1 - z) * self.out.grad


class SigSign(SigmoidGate):
    def backward(self):
        s = self.out.value
        self.u0.grad -= s * (1 - s) * self.out.grad


class SigForwardNoMinus(SigmoidGate):
    def forward(self, u0):
        self.u0 = u0
        self.out = Unit(1.0 / (1.0 + math.exp(u0.value)))
        return self.out


# --------------------------------------------------------------------------- neuron
class NeuronNoUpstream(Neuron):
    def backward(self, gradient_top=1.0):
        super().backward(1.0)


class NeuronForwardOrder(Neuron):
    """Runs the gates' backward in the order of the forward pass."""
    def backward(self, gradient_top=1.0):
        self.s.grad = gradient_top
        for gate in (self.mul_ax, self.mul_by, self.add_axpby, self.add_c, self.sig):
            gate.backward()


class NeuronResetsInputs(Neuron):
    """Zeroes the input wires' gradients before the backward pass."""
    def backward(self, gradient_top=1.0):
        for u in (self.a, self.b, self.c, self.x, self.y):
            u.grad = 0.0
        super().backward(gradient_top)


class NeuronCrossWired(Neuron):
    """Multiplies a with y and b with x."""
    def forward(self, a, b, c, x, y):
        return super().forward(a, b, c, y, x)


class NeuronNoBias(Neuron):
    """Forgets c in the forward pass (and so never pulls on it)."""
    def forward(self, a, b, c, x, y):
        out = super().forward(a, b, Unit(0.0), x, y)
        self.c = c
        return out


class _SigmoidWithoutOneMinus(SigmoidGate):
    def backward(self):
        self.u0.grad += self.out.value * self.out.grad


class NeuronBadSigmoid(Neuron):
    """Built on a sigmoid gate whose local gradient is s instead of s * (1 - s)."""
    def __init__(self):
        super().__init__()
        self.sig = _SigmoidWithoutOneMinus()


# --------------------------------------------------------------------------- gradient step
def step_descends(units, step_size=0.01):
    for u in units:
        u.value -= step_size * u.grad


def step_ignores_size(units, step_size=0.01):
    for u in units:
        u.value += u.grad


def step_uses_value(units, step_size=0.01):
    for u in units:
        u.value += step_size * u.value


def step_first_only(units, step_size=0.01):
    for u in units:
        u.value += step_size * u.grad
        return


def step_moves_grad(units, step_size=0.01):
    for u in units:
        u.grad += step_size * u.value


def step_new_units(units, step_size=0.01):
    """Builds new units instead of changing the given ones."""
    return [Unit(u.value + step_size * u.grad, u.grad) for u in units]


def step_assigns(units, step_size=0.01):
    for u in units:
        u.value = step_size * u.grad


def step_ignores_argument(units, step_size=0.01):
    for u in units:
        u.value += 0.01 * u.grad


MUTANTS = [
    Mutant("check_multiply_gate", "assigns (=) instead of adding (+=)", MulOverwrite, "overwrite"),
    Mutant("check_multiply_gate", "drops the upstream gradient", MulNoUpstream, "upstream"),
    Mutant("check_multiply_gate", "does not swap the inputs", MulNoSwap, None),
    Mutant("check_multiply_gate", "flipped sign", MulSign, "sign"),
    Mutant("check_multiply_gate", "factor of 2", MulDoubled, "scale"),
    Mutant("check_multiply_gate", "forward adds", MulForwardAdds, "value"),
    Mutant("check_multiply_gate", "assigns, on a reused wire x * x", MulOverwrite, "overwrite",
           {"reuse": True, "seed": 11}),
    Mutant("check_add_gate", "assigns (=) instead of adding (+=)", AddOverwrite, "overwrite"),
    Mutant("check_add_gate", "drops the upstream gradient", AddNoUpstream, "upstream"),
    Mutant("check_add_gate", "splits the gradient in half", AddSplits, "scale"),
    Mutant("check_add_gate", "flipped sign", AddSign, "sign"),
    Mutant("check_add_gate", "only the first input gets the gradient", AddFirstOnly, "zero"),
    Mutant("check_add_gate", "forward subtracts", AddForwardSubtracts, "value"),
    Mutant("check_max_gate", "assigns (=) instead of adding (+=)", MaxOverwrite, "overwrite"),
    Mutant("check_max_gate", "drops the upstream gradient", MaxNoUpstream, "upstream"),
    Mutant("check_max_gate", "passes the gradient to both inputs", MaxBoth, None),
    Mutant("check_max_gate", "routes to the smaller input", MaxLoser, None),
    Mutant("check_max_gate", "forward takes the min", MaxForwardMin, "value"),
    Mutant("check_max_gate", "multiplies by the winner's value", MaxValueTimesGrad, None),
    Mutant("check_sigmoid_gate", "assigns (=) instead of adding (+=)", SigOverwrite, "overwrite"),
    Mutant("check_sigmoid_gate", "drops the upstream gradient", SigNoUpstream, "upstream"),
    Mutant("check_sigmoid_gate", "local gradient s instead of s(1 - s)", SigOutputOnly, "mismatch"),
    Mutant("check_sigmoid_gate", "local gradient from the input z", SigOfInput, "mismatch"),
    Mutant("check_sigmoid_gate", "flipped sign", SigSign, "sign"),
    Mutant("check_sigmoid_gate", "forward without the minus sign", SigForwardNoMinus, "value"),
    Mutant("check_neuron", "ignores gradient_top", NeuronNoUpstream, "upstream"),
    Mutant("check_neuron", "backward in forward order", NeuronForwardOrder, "zero"),
    Mutant("check_neuron", "resets the input gradients", NeuronResetsInputs, "overwrite",
           {"start": True, "seed": 12}),
    Mutant("check_neuron", "a times y and b times x", NeuronCrossWired, None),
    Mutant("check_neuron", "forgets the bias c", NeuronNoBias, "zero"),
    Mutant("check_neuron", "sigmoid gate with local gradient s", NeuronBadSigmoid, "mismatch"),
    Mutant("check_gradient_step", "descends instead of ascending", step_descends, "sign"),
    Mutant("check_gradient_step", "ignores the step size", step_ignores_size, "scale"),
    Mutant("check_gradient_step", "steps by the value, not the gradient", step_uses_value, None),
    Mutant("check_gradient_step", "returns after the first unit", step_first_only, None),
    Mutant("check_gradient_step", "moves the gradient instead of the value", step_moves_grad, "zero"),
    Mutant("check_gradient_step", "returns new units, leaves the given ones", step_new_units, "zero"),
    Mutant("check_gradient_step", "assigns the step instead of adding it", step_assigns, None),
    Mutant("check_gradient_step", "ignores the step_size argument", step_ignores_argument, "scale"),
]
