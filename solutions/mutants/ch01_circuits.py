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


# --------------------------------------------------------------------------- random local search
import numpy as np  # noqa: E402  (the mutants below use numpy, as the notebook's section does)


def _neuron(p, x, y):
    return 1.0 / (1.0 + math.exp(-(p[0] * x + p[1] * y + p[2])))


@wrong("neuron_random_search", "keeps every tweak (a random walk)", "value")
def rs_keeps_all(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    best = np.array(params, dtype=float)
    outputs = [_neuron(best, x, y)]
    for _ in range(steps):
        best = best + tweak_amount * rng.uniform(-1.0, 1.0, size=3)
        outputs.append(_neuron(best, x, y))
    return best, np.array(outputs)


@wrong("neuron_random_search", "keeps the tweak when the output is smaller", "sign")
def rs_minimises(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    best = np.array(params, dtype=float)
    outputs = [_neuron(best, x, y)]
    for _ in range(steps):
        trial = best + tweak_amount * rng.uniform(-1.0, 1.0, size=3)
        out = _neuron(trial, x, y)
        if out < outputs[-1]:
            best = trial
            outputs.append(out)
        else:
            outputs.append(outputs[-1])
    return best, np.array(outputs)


@wrong("neuron_random_search", "tweaks the starting parameters every time", "value")
def rs_from_start(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    start = np.array(params, dtype=float)
    best, outputs = start, [_neuron(start, x, y)]
    for _ in range(steps):
        trial = start + tweak_amount * rng.uniform(-1.0, 1.0, size=3)
        out = _neuron(trial, x, y)
        if out > outputs[-1]:
            best = trial
        outputs.append(max(out, outputs[-1]))
    return best, np.array(outputs)


@wrong("neuron_random_search", "one draw per parameter (another stream)", "value")
def rs_three_draws(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    best = np.array(params, dtype=float)
    outputs = [_neuron(best, x, y)]
    for _ in range(steps):
        tweak = np.array([rng.uniform(-1.0, 1.0) for _ in range(3)])
        trial = best + tweak_amount * tweak[::-1]
        out = _neuron(trial, x, y)
        if out > outputs[-1]:
            best = trial
        outputs.append(max(out, outputs[-1]))
    return best, np.array(outputs)


@wrong("neuron_random_search", "tweaks only upwards (uniform(0, 1))", "value")
def rs_upwards(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    best = np.array(params, dtype=float)
    outputs = [_neuron(best, x, y)]
    for _ in range(steps):
        trial = best + tweak_amount * rng.uniform(0.0, 1.0, size=3)
        out = _neuron(trial, x, y)
        if out > outputs[-1]:
            best = trial
        outputs.append(max(out, outputs[-1]))
    return best, np.array(outputs)


@wrong("neuron_random_search", "changes params in place", "value")
def rs_in_place(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    outputs = [_neuron(params, x, y)]
    for _ in range(steps):
        tweak = tweak_amount * rng.uniform(-1.0, 1.0, size=3)
        out = _neuron(params + tweak, x, y)
        if out > outputs[-1]:
            params += tweak
        outputs.append(max(out, outputs[-1]))
    return params, np.array(outputs)


@wrong("neuron_random_search", "outputs without the starting output", "shape")
def rs_no_start(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    best = np.array(params, dtype=float)
    outputs, top = [], _neuron(best, x, y)
    for _ in range(steps):
        trial = best + tweak_amount * rng.uniform(-1.0, 1.0, size=3)
        out = _neuron(trial, x, y)
        if out > top:
            best, top = trial, out
        outputs.append(top)
    return best, np.array(outputs)


# --------------------------------------------------------------------------- the ReLU net, one pull
def _pull_step(params, point, label, step_size, reg, *, flip=1.0, gate=True, bias_springs=False,
               springs=True, step=None, gate_on_output=False):
    W1, b1, w2, b2 = params["W1"], params["b1"], params["w2"], params["b2"]
    pre = W1 @ point + b1
    hidden = np.maximum(0.0, pre)
    score = hidden @ w2 + b2
    pull = 1.0 if label > 0 and score < 1 else -1.0 if label < 0 and score > -1 else 0.0
    pull *= flip
    dw2, db2 = hidden * pull, pull
    dhidden = w2 * pull
    if gate:
        dhidden = dhidden * ((hidden if gate_on_output else pre) > 0)
    dW1, db1 = np.outer(dhidden, point), dhidden
    k = reg if springs else 0.0
    dW1, dw2 = dW1 - k * W1, dw2 - k * w2
    if bias_springs:
        db1, db2 = db1 - reg * b1, db2 - reg * b2
    s = step_size if step is None else step
    return {"W1": W1 + s * dW1, "b1": b1 + s * db1, "w2": w2 + s * dw2, "b2": b2 + s * db2}


def _variant(**kw):
    return lambda params, point, label, step_size, reg: _pull_step(params, point, label, step_size, reg, **kw)


P = "relu_net_pull_step"
wrong(P, "moves against the pull", "sign", kinds=("up", "down"))(_variant(flip=-1.0))
wrong(P, "no ReLU gate on the way back", "value", kinds=("dead",), seed=7)(_variant(gate=False))
wrong(P, "springs on the biases too", "value")(_variant(bias_springs=True))
wrong(P, "no springs", "zero", kinds=("none",))(_variant(springs=False))
wrong(P, "fixed step 0.01 whatever step_size", "scale", step_size=0.05)(_variant(step=0.01))


@wrong(P, "changes params in place", "value")
def pull_in_place(params, point, label, step_size, reg):
    new = _pull_step(params, point, label, step_size, reg)
    for k in new:
        if k != "b2":
            params[k] += new[k] - params[k]
    params["b2"] = new["b2"]
    return params


@wrong(P, "forgets the pull on w2 (only W1 learns)", "zero", kinds=("up", "down"))
def pull_no_w2(params, point, label, step_size, reg):
    new = _pull_step(params, point, label, step_size, 0.0)
    return {**new, "w2": params["w2"].copy(), "b2": params["b2"],
            "W1": new["W1"] - step_size * reg * params["W1"]}


# --------------------------------------------------------------------------- the ReLU net, training
T = "train_relu_net"


@wrong(T, "every update starts from the initial parameters", "value")
def train_from_start(X, y, order, params, step_size=0.01, reg=0.1):
    new = params
    for i in order:
        new = _pull_step(params, X[i], y[i], step_size, reg)
    return new


@wrong(T, "visits the points in turn instead of by order", "value")
def train_in_turn(X, y, order, params, step_size=0.01, reg=0.1):
    for t in range(len(order)):
        i = t % len(y)
        params = _pull_step(params, X[i], y[i], step_size, reg)
    return params


@wrong(T, "one update too few", "value")
def train_one_short(X, y, order, params, step_size=0.01, reg=0.1):
    for i in order[:-1]:
        params = _pull_step(params, X[i], y[i], step_size, reg)
    return params


@wrong(T, "pulls the wrong way", "value")
def train_against(X, y, order, params, step_size=0.01, reg=0.1):
    for i in order:
        params = _pull_step(params, X[i], y[i], step_size, reg, flip=-1.0)
    return params


@wrong(T, "no ReLU gate on the way back", "value")
def train_no_gate(X, y, order, params, step_size=0.01, reg=0.1):
    for i in order:
        params = _pull_step(params, X[i], y[i], step_size, reg, gate=False)
    return params


@wrong(T, "returns the starting parameters", "value")
def train_returns_start(X, y, order, params, step_size=0.01, reg=0.1):
    trained = params
    for i in order:
        trained = _pull_step(trained, X[i], y[i], step_size, reg)
    return params
