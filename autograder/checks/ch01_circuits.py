"""Checks of chapter 1, real-valued circuits: four gates, the neuron, one gradient step.

Graded objects (the same names in the notebook and in solutions/ch01_circuits.py):

    MultiplyGate, AddGate, MaxGate   classes; forward(u0, u1) -> Unit, backward() adds into u0.grad, u1.grad
    SigmoidGate                      class;   forward(u0) -> Unit,     backward() adds into u0.grad
    Neuron                           class;   forward(a, b, c, x, y) -> Unit, backward(gradient_top)
    gradient_step(units, step_size)  moves every unit's value by step_size * grad, in place

The checks make their own wires (``Wire``: a ``value`` and a ``grad``), so any Unit class works.
A gate's backward is judged by what it *adds* to each input wire: wires start with a gradient
already on them, so overwriting (``=``) instead of accumulating (``+=``) is caught and named
("overwrite"). Gradients are compared with central differences of the reference forward pass.
"""
import numpy as np

from autograder import gradcheck
from autograder.checks.base import Case, Check, Finding, value_finding
from autograder.checks.families import signed


class Wire:
    """The checks' own wire: value forward, grad backward."""

    def __init__(self, value, grad=0.0):
        self.value = float(value)
        self.grad = float(grad)


def accumulated_findings(final, start, expected, names, uses=1):
    """One Finding per input wire, judging what backward added to it.

    final, start : (K, W) arrays, the wires' .grad after and before backward (K trials, W wires).
    expected     : {"d": (K, W) true additions, "d_ones": (K, W) the same for a pull of 1}.
    names        : the W wire names, e.g. ["u0", "u1"].
    uses         : how many gate inputs each wire feeds (2 for x * x); assigning then keeps
                   only one use's share, 1/uses of the true addition.
    """
    final, start = np.asarray(final, dtype=np.float64), np.asarray(start, dtype=np.float64)
    want, ones = np.asarray(expected["d"]), np.asarray(expected["d_ones"])
    if final.shape != want.shape:
        return [Finding("grads", False, f"expected {want.shape[1]} input gradients per trial, "
                        f"got an array of shape {final.shape}.", "shape")]
    found = []
    for j, name in enumerate(names):
        added = final[:, j] - start[:, j]
        res = gradcheck.compare_gradients(added, want[:, j], numeric_ones=ones[:, j], name=name)
        replaced = any(gradcheck.rel_error(final[:, j], want[:, j] / share) <= gradcheck.TOLERANCE
                       for share in range(1, uses + 1))
        if not res.passed and np.any(start[:, j]) and replaced:
            found.append(Finding(
                "d" + name, False,
                f"{name}.grad already held a gradient and backward replaced it: after backward it "
                f"holds only a new contribution (e.g. {final[0, j]:.6g} where "
                f"{start[0, j]:.6g} + {want[0, j]:.6g} was expected). A wire that feeds several "
                "gates, or one gate twice, collects the sum of all their gradients: add with += "
                "instead of assigning.",
                "overwrite"))
        else:
            msg = res.message if res.passed else (
                f"{res.message} (The index is the trial; the values are what backward added to "
                f"{name}.grad.)")
            found.append(Finding("d" + name, res.passed, msg, res.diagnosis))
    return found


# --------------------------------------------------------------------------- gates
class GateCheck(Check):
    """Grades a gate class on K trials: fresh gate, wires with given values and starting grads,
    a random pull ``dout`` on the output, then backward. Declared with the gate's ``arity``, and
    optionally ``draw(rng, K)`` (K, arity) values away from any kink and ``draw_special(rng, K)``
    with its ``special_label`` (the hidden case)."""
    points = 2
    arity = 2
    default_seed = 101
    wire_names = ("u0", "u1")
    out_name = "out.value"
    draw_special = None

    def draw(self, rng, k):
        return rng.normal(scale=2.0, size=(k, self.arity))

    def cases(self, seed, trials=5, reuse=False, special=False):
        rng = np.random.default_rng(seed)

        def case(label, values, start, reuse_wire=False):     # the pulls are drawn after the wires
            return Case(label, {"values": values, "start": start, "dout": signed(rng, trials), "reuse": reuse_wire})
        if reuse:
            return [case("one wire on both inputs (like x * x), already holding a gradient",
                         rng.normal(scale=2.0, size=(trials, 1)), rng.normal(size=(trials, 1)), True)]
        if special and self.draw_special:
            return [case(self.special_label, self.draw_special(rng, trials),
                         rng.normal(size=(trials, self.arity)))]
        return [case(f"{trials} gates on fresh wires (grad 0)", self.draw(rng, trials),
                     np.zeros((trials, self.arity))),
                case(f"{trials} gates on wires already holding a gradient", self.draw(rng, trials),
                     rng.normal(size=(trials, self.arity)))]

    def call(self, inputs, gate_cls):
        outs, grads = [], []
        for k in range(len(inputs["dout"])):
            wires = [Wire(v, g) for v, g in zip(inputs["values"][k], inputs["start"][k])]
            gate = gate_cls()
            out = gate.forward(*(wires * self.arity if inputs.get("reuse") else wires))
            if not (hasattr(out, "value") and hasattr(out, "grad")):
                raise TypeError(f"forward returned {type(out).__name__}, not a Unit: return the output "
                                "unit (with .value and .grad), so that backward can read its grad")
            self.pull(gate, out, float(inputs["dout"][k]))
            outs.append(float(out.value))
            grads.append([float(w.grad) for w in wires])
        return {"out": np.array(outs), "grads": np.array(grads)}

    @staticmethod
    def pull(gate, out, dout):
        """Backward from the output unit pulled with ``dout``."""
        out.grad = dout
        gate.backward()

    def expected(self, inputs, ref):
        gate_cls = getattr(ref, self.functions[0])

        def value(vals):
            units = [ref.Unit(t) for t in vals]
            return gate_cls().forward(*(units * self.arity if inputs.get("reuse") else units)).value
        trials = [np.array(v, dtype=np.float64) for v in inputs["values"]]
        local = np.array([gradcheck.numerical_gradient(value, v) for v in trials])
        return {"out": np.array([value(v) for v in trials]), "d": local * np.asarray(inputs["dout"])[:, None],
                "d_ones": local}

    def judge(self, inputs, outputs, expected):
        names = ["u"] if inputs.get("reuse") else list(self.wire_names[:self.arity])
        return ([value_finding(self.out_name, outputs["out"], expected["out"])]
                + accumulated_findings(outputs["grads"], inputs["start"], expected, names,
                                       uses=self.arity if inputs.get("reuse") else 1))


def _max_draw(rng, k):
    v = rng.normal(scale=2.0, size=(k, 2))
    v[:, 1] += np.where(v[:, 1] >= v[:, 0], 0.1, -0.1)   # at least 0.1 apart: no tie
    return v


def _max_close(rng, k):
    v = rng.normal(scale=2.0, size=(k, 1))
    return np.hstack([v, v + signed(rng, (k, 1), 1e-3, 1e-2)])


check_multiply_gate = GateCheck(
    "MultiplyGate", hints={"mismatch": "For out = u0 * u1, each input's local gradient is the *other* input's value."})
check_add_gate = GateCheck(
    "AddGate", hints={"scale": "An add gate does not split its gradient: each input receives all of it."})
check_max_gate = GateCheck(
    "MaxGate", draw=_max_draw, draw_special=_max_close, special_label="inputs less than 0.01 apart (but not tied)",
    hints={"mismatch": "Only the input that won the max receives the gradient; the other gets 0."})
check_sigmoid_gate = GateCheck(
    "SigmoidGate", arity=1, special_label="large inputs (|z| between 4 and 10)",
    draw_special=lambda rng, k: signed(rng, (k, 1), 4.0, 10.0),
    hints={"mismatch": "The local gradient of the sigmoid is s * (1 - s), with s the gate's output."})


# --------------------------------------------------------------------------- the neuron
class NeuronCheck(GateCheck):
    """Grades Neuron: forward(a, b, c, x, y) -> output unit; backward(gradient_top) fills every
    input wire's grad with d(output)/d(input) * gradient_top (added to what it held)."""
    wire_names, arity, out_name = ("a", "b", "c", "x", "y"), 5, "output value"

    def cases(self, seed, trials=4, start=False):
        rng = np.random.default_rng(seed)
        drawn = {"values": rng.normal(scale=1.5, size=(trials, 5)),
                 "start": rng.normal(size=(trials, 5)) if start else np.zeros((trials, 5)),
                 "dout": signed(rng, trials, magnitude_first=True)}
        if start:
            return [Case(f"{trials} neurons on wires already holding a gradient", drawn)]
        return [Case("the worked example a=1, b=2, c=-3, x=-1, y=3, pulled with 1",
                     {"values": np.array([[1.0, 2.0, -3.0, -1.0, 3.0]]), "start": np.zeros((1, 5)),
                      "dout": np.array([1.0])}),
                Case(f"{trials} random neurons, random pulls", drawn, weight=2.0)]

    @staticmethod
    def pull(neuron, out, dout):
        neuron.backward(dout)


# --------------------------------------------------------------------------- one step
class GradientStepCheck(Check):
    """Grades gradient_step(units, step_size): each value moves by step_size * grad, in place."""

    def cases(self, seed, n=6, default_step=False):
        rng = np.random.default_rng(seed)
        inputs = {"values": rng.normal(size=n), "grads": rng.normal(size=n),
                  "step": None if default_step else float(rng.uniform(0.02, 0.2))}
        label = (f"{n} wires, default step size" if default_step
                 else f"{n} wires, step_size={inputs['step']:.4f}")
        return [Case(label, inputs)]

    def call(self, inputs, gradient_step):
        wires = [Wire(v, g) for v, g in zip(inputs["values"], inputs["grads"])]
        if inputs["step"] is None:
            gradient_step(wires)
        else:
            gradient_step(wires, inputs["step"])
        return {"values": np.array([float(w.value) for w in wires])}

    def judge(self, inputs, outputs, expected):
        before = np.asarray(inputs["values"], dtype=np.float64)
        got = np.asarray(outputs["values"], dtype=np.float64)
        if got.shape != before.shape:
            return [Finding("values", False, f"expected {before.size} values, got shape {got.shape}.",
                            "shape")]
        f = value_finding("change of each value", got - before, np.asarray(expected["values"]) - before)
        if f.diagnosis == "zero":
            f.message += " The values did not move: change each unit's .value in place."
        elif f.diagnosis == "sign":
            f.message += " The values moved downhill: gradient ascent adds step_size * grad."
        return [f]


check_neuron = NeuronCheck(
    "Neuron", points=3, default_seed=202,
    parts={"MultiplyGate": check_multiply_gate, "AddGate": check_add_gate, "SigmoidGate": check_sigmoid_gate},
    hints={"zero": "Run the gates' backward methods in the reverse order of the forward pass, "
                   "starting from the output's grad set to gradient_top.",
           "upstream": "Set the output unit's grad to gradient_top before the gates' backward."})
check_gradient_step = GradientStepCheck("gradient_step", default_seed=303)

# Training by hand: random search on the neuron, the ReLU net's pull step and training loop.
from autograder.checks.ch01_circuits_search import (check_neuron_random_search,  # noqa: E402,F401
                                                    check_relu_net_pull_step, check_train_relu_net)
