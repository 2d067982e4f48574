"""Checks of chapter 3: backward passes of compound expressions, and the graph engine.

Expression checks grade ``<name>_backward(dout, cache) -> (da, db, ...)`` and are called with the
backward and its (given) forward: ``check_divide_backward(divide_backward, divide_forward)``.
Node checks grade the ``backward`` method of a node class, ``check_linear_backward(Linear)``: the
node is wired to stand-in input nodes, run forward, given one or more consumers that each send
back a random upstream gradient, and run backward; its ``gradients`` are compared with numerical
gradients of the reference node's forward pass. ``check_topological_sort(topological_sort)``
sorts small graphs of stand-in nodes and judges the order, the fed values and cycle detection.

This module defines the expression checks; the node checks and the sort check are defined in
autograder/checks/ch03_backprop_graph.py and re-exported here, so that this module exposes every
check of the chapter:

    expressions   check_square_backward, check_divide_backward, check_max_backward,
                  check_neuron_backward, check_squared_chain_backward
    graph engine  check_add_backward, check_mul_backward, check_linear_backward,
                  check_sigmoid_backward, check_mse_backward, check_topological_sort

Diagnoses named by the chapter's checks besides those of autograder.gradcheck: ``overwrite``
(a gradient assigned where it should be added: it equals what only one consumer sent back, or
one share of an input read twice), ``tie`` (a wrong subgradient of max at a tie), and for the
sort ``missing``, ``order``, ``values``, ``cycle``.
"""
import numpy as np

from autograder.checks import ch03_backprop_graph as graph
from autograder.checks.base import Case, Check, Finding, grad_findings, numeric_grads
from autograder.checks.ch03_backprop_graph import SLUG, _is_share, _signed


# --------------------------------------------------------------------------- expression checks
class ExpressionBackward(Check):
    """Grades ``<expr>_backward(dout, cache)`` for one of the chapter's expressions.

    Parameters of ``cases``: shapes, a list of array shapes (one case each)."""
    slug = SLUG
    expr = ""                 # "divide"
    inputs = ()               # ("a", "b", "c", "d"): the forward's argument names
    default_shapes = ((3, 4),)

    @property
    def functions(self):
        return (f"{self.expr}_backward", f"{self.expr}_forward")

    @property
    def name(self):
        return f"check_{self.expr}_backward"

    def draw(self, rng, shape):
        """Inputs (name -> array of ``shape``) away from zero, kinks and poles."""
        return {n: _signed(rng, shape) for n in self.inputs}

    def cases(self, seed, shapes=None):
        rng = np.random.default_rng(seed)
        out = []
        for shape in (self.default_shapes if shapes is None else shapes):
            shape = tuple(shape)
            inputs = self.draw(rng, shape)
            inputs["dout"] = _signed(rng, shape)
            out.append(Case(f"shape {shape}", inputs))
        return out

    def run(self, inputs, backward, forward):
        _, cache = forward(*[inputs[n] for n in self.inputs])
        grads = backward(inputs["dout"], cache)
        if isinstance(grads, (tuple, list)):
            return {"grads": [np.asarray(g, dtype=np.float64) for g in grads], "bare": False}
        return {"grads": [np.asarray(grads, dtype=np.float64)], "bare": True}

    def expected(self, inputs, ref):
        forward = getattr(ref, f"{self.expr}_forward")
        return numeric_grads(lambda **kw: forward(**kw)[0], {n: inputs[n] for n in self.inputs},
                             list(self.inputs), inputs["dout"])

    def judge(self, inputs, outputs, expected):
        fn = self.functions[0]
        want = len(self.inputs)
        if outputs["bare"]:
            return [Finding("grads", False, f"{fn} returned a bare array; it must return a tuple with "
                            f"one gradient per input of the forward pass, "
                            f"({', '.join('d' + n for n in self.inputs)}{',' if want == 1 else ''}).",
                            "shape")]
        grads = outputs["grads"]
        if len(grads) != want:
            return [Finding("grads", False, f"{fn} returned {len(grads)} gradients; the forward pass "
                            f"has {want} inputs ({', '.join(self.inputs)}), so it must return {want}, "
                            "in that order.", "shape")]
        named = {"d" + n: g for n, g in zip(self.inputs, grads)}
        return grad_findings(named, expected, list(named))


class SquareBackward(ExpressionBackward):
    expr, inputs, points = "square", ("a",), 1
    hints = {"mismatch": "Each input of the multiply receives the other input times dout."}

    def judge(self, inputs, outputs, expected):
        found = super().judge(inputs, outputs, expected)
        f = found[0]
        if not f.passed and f.what == "da" and _is_share(outputs["grads"][0], expected["da"], 2):
            f.diagnosis = "overwrite"
            f.message = ("da is half the right gradient. The wire a enters the multiply twice; each "
                         "entry sends back its own share, and both must be added into da (+=), not "
                         "assigned one over the other. " + f.message)
        return found


class DivideBackward(ExpressionBackward):
    expr, inputs, points = "divide", ("a", "b", "c", "d"), 2
    hints = {"sign": "Check the sign of the local gradient of 1/x.",
             "mismatch": "Walk the intermediates x1 = a + b, x2 = c + d, x3 = 1/x2, out = x1 * x3 "
                         "backwards; the local gradient of 1/x at x is -1/x**2."}

    def draw(self, rng, shape):
        while True:
            v = super().draw(rng, shape)
            if np.min(np.abs(v["c"] + v["d"])) > 0.5:      # keep away from the pole c + d = 0
                return v


class NeuronBackward(ExpressionBackward):
    expr, inputs, points = "neuron", ("a", "b", "c", "x", "y"), 2
    hints = {"mismatch": "Scale dout by the sigmoid's local gradient out * (1 - out) first, then "
                         "let each multiply swap: a's gradient uses x, x's uses a."}

    def draw(self, rng, shape):
        return {n: _signed(rng, shape, hi=1.2) for n in self.inputs}   # keeps |a*x + b*y + c| <= 4.1


class SquaredChainBackward(ExpressionBackward):
    expr, inputs, points = "squared_chain", ("a", "b", "c", "d"), 2
    hints = {"scale": "x2 * x2 is a reused wire: both of its entries send back x2 * dout.",
             "mismatch": "Go through x1 = a*b + c, x2 = x1*d, out = x2*x2 in reverse order, one "
                         "intermediate at a time."}

    def draw(self, rng, shape):
        while True:
            v = super().draw(rng, shape)
            if np.min(np.abs(v["a"] * v["b"] + v["c"])) > 0.2:   # x1 away from zero
                return v


class MaxBackward(ExpressionBackward):
    """Parameters of ``cases``: layouts, a list of (shape, ties): ties=True makes some elements
    of a and b equal (a kink), where any split of dout between da and db that adds up to dout,
    with both parts of the same sign as dout, is accepted."""
    expr, inputs, points = "max", ("a", "b"), 2
    hints = {"mismatch": "The gradient goes to the input that was larger in the forward pass; "
                         "the other input gets zero."}

    def cases(self, seed, layouts=(((3, 4), False), ((8,), True))):
        rng = np.random.default_rng(seed)
        out = []
        for shape, ties in layouts:
            shape = tuple(shape)
            a = rng.normal(size=shape) * 1.5
            b = a + _signed(rng, shape, 0.2, 2.0)        # |a - b| >= 0.2: no kink in reach of h
            if ties:
                flat = b.reshape(-1)
                tied = rng.choice(flat.size, size=max(1, flat.size // 3), replace=False)
                flat[tied] = a.reshape(-1)[tied]
            out.append(Case(f"shape {shape}{', with ties' if ties else ''}",
                            {"a": a, "b": b, "dout": _signed(rng, shape)}))
        return out

    def judge(self, inputs, outputs, expected):
        tie = inputs["a"] == inputs["b"]
        found = super().judge(inputs, outputs, expected)
        if not tie.any() or found[0].what == "grads":
            return found
        da, db = outputs["grads"]
        if da.shape != tie.shape or db.shape != tie.shape:
            return found                                  # the shape findings say it all
        free = ~tie
        found = grad_findings({"da": da[free], "db": db[free]},
                              {k: v[free] for k, v in expected.items()}, ["da", "db"])
        for f in found:
            f.message = f.message.replace("is correct", "is correct away from ties")
        dout = inputs["dout"][tie]
        share_a, share_b = da[tie], db[tie]
        ok_sum = np.allclose(share_a + share_b, dout, rtol=1e-9, atol=1e-12)
        ok_sign = np.all(share_a * dout >= -1e-12) and np.all(share_b * dout >= -1e-12)
        if ok_sum and ok_sign:
            found.append(Finding("ties", True, "at ties, dout is shared out correctly.", "ok"))
        else:
            i = int(np.argmax(np.abs(share_a + share_b - dout) + (share_a * dout < 0) + (share_b * dout < 0)))
            found.append(Finding(
                "ties", False,
                f"where a == b, da + db should equal dout (a tie: the gradient goes to one of the "
                f"inputs, or is split between them); at one tie you give da = {share_a[i]:.6g}, "
                f"db = {share_b[i]:.6g} for dout = {dout[i]:.6g}. Decide ties with >= on one side "
                "only.", "tie"))
        return found


# --------------------------------------------------------------------------- instances
check_square_backward = SquareBackward()
check_divide_backward = DivideBackward()
check_max_backward = MaxBackward()
check_neuron_backward = NeuronBackward()
check_squared_chain_backward = SquaredChainBackward()
# the graph engine's checks, defined in ch03_backprop_graph.py and exposed here with the others
check_add_backward = graph.check_add_backward
check_mul_backward = graph.check_mul_backward
check_linear_backward = graph.check_linear_backward
check_sigmoid_backward = graph.check_sigmoid_backward
check_mse_backward = graph.check_mse_backward
check_topological_sort = graph.check_topological_sort
