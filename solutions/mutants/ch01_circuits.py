"""Realistic wrong answers to the chapter 1 exercises (see solutions/mutants/__init__.py).

A gate mutant is the reference gate with one mistake, the kind a student makes: assigning instead
of adding, forgetting the pull from above, not swapping... ``gate`` makes those that only change how
the gate's right contributions reach its input wires.
"""
import math

from solutions.ch01_circuits import AddGate, MaxGate, MultiplyGate, Neuron, SigmoidGate, Unit
from solutions.mutants import Catalogue

wrong = MUTANTS = Catalogue(__name__)


def gate(cls, combine=lambda old, added: old + added, unit_pull=False):
    """The reference gate ``cls`` whose backward leaves on each input wire combine(its grad before,
    what the right backward adds) (``unit_pull``: as if the output's grad were 1)."""
    class Variant(cls):
        def backward(self):
            wires = list({id(w): w for w in (self.u0, getattr(self, "u1", self.u0))}.values())
            old, pull = [w.grad for w in wires], self.out.grad
            for w in wires:
                w.grad = 0.0
            self.out.grad = 1.0 if unit_pull else pull
            super().backward()
            self.out.grad = pull
            for w, before in zip(wires, old):
                w.grad = combine(before, w.grad)
    return Variant


def assigned(old, added):
    return added


def subtracted(old, added):
    return old - added


def times(k):
    return lambda old, added: old + k * added


for cls in (MultiplyGate, AddGate, MaxGate, SigmoidGate):
    wrong(cls.__name__, "assigns (=) instead of adding (+=)", "overwrite")(gate(cls, assigned))
    wrong(cls.__name__, "drops the upstream gradient", "upstream")(gate(cls, unit_pull=True))
    wrong(cls.__name__, "flipped sign", "sign")(gate(cls, subtracted))
wrong("MultiplyGate", "assigns, on a reused wire x * x", "overwrite", reuse=True, seed=11)(
    gate(MultiplyGate, assigned))
wrong("MultiplyGate", "factor of 2", "scale")(gate(MultiplyGate, times(2)))   # treats x * y like a square
wrong("AddGate", "splits the gradient in half", "scale")(gate(AddGate, times(0.5)))


# --------------------------------------------------------------------------- forward passes
@wrong("MultiplyGate", "forward adds", "value")
class MulForwardAdds(MultiplyGate):
    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(u0.value + u1.value)
        return self.out


@wrong("AddGate", "forward subtracts", "value")
class AddForwardSubtracts(AddGate):
    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(u0.value - u1.value)
        return self.out


@wrong("MaxGate", "forward takes the min", "value")
class MaxForwardMin(MaxGate):
    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(min(u0.value, u1.value))
        return self.out


@wrong("SigmoidGate", "forward without the minus sign", "value")
class SigForwardNoMinus(SigmoidGate):
    def forward(self, u0):
        self.u0 = u0
        self.out = Unit(1.0 / (1.0 + math.exp(u0.value)))
        return self.out


# --------------------------------------------------------------------------- backward passes
@wrong("MultiplyGate", "does not swap the inputs")
class MulNoSwap(MultiplyGate):
    def backward(self):
        self.u0.grad += self.u0.value * self.out.grad
        self.u1.grad += self.u1.value * self.out.grad


@wrong("AddGate", "only the first input gets the gradient", "zero")
class AddFirstOnly(AddGate):
    def backward(self):
        self.u0.grad += self.out.grad


@wrong("MaxGate", "passes the gradient to both inputs")
class MaxBoth(MaxGate):
    """Passes the gradient to both inputs, like an add gate."""
    def backward(self):
        self.u0.grad += self.out.grad
        self.u1.grad += self.out.grad


@wrong("MaxGate", "routes to the smaller input")
class MaxLoser(MaxGate):
    def backward(self):
        win = self.u0.value >= self.u1.value
        self.u0.grad += 0.0 if win else self.out.grad
        self.u1.grad += self.out.grad if win else 0.0


@wrong("MaxGate", "multiplies by the winner's value")
class MaxValueTimesGrad(MaxGate):
    """Multiplies by the winner's value, as if max were a product."""
    def backward(self):
        win = self.u0.value >= self.u1.value
        self.u0.grad += self.u0.value * self.out.grad if win else 0.0
        self.u1.grad += 0.0 if win else self.u1.value * self.out.grad


@wrong("SigmoidGate", "local gradient s instead of s(1 - s)", "mismatch")
class SigOutputOnly(SigmoidGate):
    def backward(self):
        self.u0.grad += self.out.value * self.out.grad


@wrong("SigmoidGate", "local gradient from the input z", "mismatch")
class SigOfInput(SigmoidGate):
    """Plugs the input z into z * (1 - z) instead of the output s."""
    def backward(self):
        z = self.u0.value
        self.u0.grad += z * (1 - z) * self.out.grad


# --------------------------------------------------------------------------- neuron
@wrong("Neuron", "ignores gradient_top", "upstream")
class NeuronNoUpstream(Neuron):
    def backward(self, gradient_top=1.0):
        super().backward(1.0)


@wrong("Neuron", "backward in forward order", "zero")
class NeuronForwardOrder(Neuron):
    """Runs the gates' backward in the order of the forward pass."""
    def backward(self, gradient_top=1.0):
        self.s.grad = gradient_top
        for g in (self.mul_ax, self.mul_by, self.add_axpby, self.add_c, self.sig):
            g.backward()


@wrong("Neuron", "resets the input gradients", "overwrite", start=True, seed=12)
class NeuronResetsInputs(Neuron):
    """Zeroes the input wires' gradients before the backward pass."""
    def backward(self, gradient_top=1.0):
        for u in (self.a, self.b, self.c, self.x, self.y):
            u.grad = 0.0
        super().backward(gradient_top)


@wrong("Neuron", "a times y and b times x")
class NeuronCrossWired(Neuron):
    def forward(self, a, b, c, x, y):
        return super().forward(a, b, c, y, x)


@wrong("Neuron", "forgets the bias c", "zero")
class NeuronNoBias(Neuron):
    """Forgets c in the forward pass (and so never pulls on it)."""
    def forward(self, a, b, c, x, y):
        out = super().forward(a, b, Unit(0.0), x, y)
        self.c = c
        return out


@wrong("Neuron", "sigmoid gate with local gradient s", "mismatch")
class NeuronBadSigmoid(Neuron):
    """Built on a sigmoid gate whose local gradient is s instead of s * (1 - s)."""
    def __init__(self):
        super().__init__()
        self.sig = SigOutputOnly()


# --------------------------------------------------------------------------- gradient step
@wrong("gradient_step", "descends instead of ascending", "sign")
def step_descends(units, step_size=0.01):
    for u in units:
        u.value -= step_size * u.grad


@wrong("gradient_step", "ignores the step size", "scale")
def step_ignores_size(units, step_size=0.01):
    for u in units:
        u.value += u.grad


@wrong("gradient_step", "steps by the value, not the gradient")
def step_uses_value(units, step_size=0.01):
    for u in units:
        u.value += step_size * u.value


@wrong("gradient_step", "returns after the first unit")
def step_first_only(units, step_size=0.01):
    for u in units:
        u.value += step_size * u.grad
        return


@wrong("gradient_step", "moves the gradient instead of the value", "zero")
def step_moves_grad(units, step_size=0.01):
    for u in units:
        u.grad += step_size * u.value


@wrong("gradient_step", "returns new units, leaves the given ones", "zero")
def step_new_units(units, step_size=0.01):
    """Builds new units instead of changing the given ones."""
    return [Unit(u.value + step_size * u.grad, u.grad) for u in units]


@wrong("gradient_step", "assigns the step instead of adding it")
def step_assigns(units, step_size=0.01):
    for u in units:
        u.value = step_size * u.grad


@wrong("gradient_step", "ignores the step_size argument", "scale")
def step_ignores_argument(units, step_size=0.01):
    for u in units:
        u.value += 0.01 * u.grad


@wrong("MultiplyGate", "forward returns a float instead of a Unit", "error")
class MulForwardFloat(MultiplyGate):
    def forward(self, u0, u1):
        self.u0, self.u1 = u0, u1
        self.out = Unit(u0.value * u1.value)
        return self.out.value


@wrong("Neuron", "forward returns the output's value, not the unit", "error")
class NeuronForwardFloat(Neuron):
    def forward(self, a, b, c, x, y):
        return super().forward(a, b, c, x, y).value
