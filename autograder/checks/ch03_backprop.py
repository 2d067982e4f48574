"""Checks of chapter 3: backward passes of compound expressions, and the graph engine.

Expression checks (families.BackwardCheck) grade ``<name>_backward(dout, cache) -> (da, db, ...)`` and
are called with the backward and its (given) forward: ``check_divide_backward(divide_backward,
divide_forward)``. The node checks and the sort check are defined in ch03_backprop_graph.py and
re-exported here, so that this module exposes every check of the chapter:

    expressions   check_square_backward, check_divide_backward, check_max_backward,
                  check_neuron_backward, check_squared_chain_backward
    graph engine  check_add_backward, check_mul_backward, check_linear_backward,
                  check_sigmoid_backward, check_mse_backward, check_topological_sort

Diagnoses named besides those of autograder.gradcheck: ``overwrite`` (see ch03_backprop_graph.py),
and ``tie`` (a wrong subgradient of max at a tie).
"""
import numpy as np

from autograder.checks.base import Case, Finding, grad_findings
from autograder.checks.families import BackwardCheck, redraw
from autograder.checks.ch03_backprop_graph import (_is_share, _signed, check_add_backward,  # noqa: F401
                                                   check_linear_backward, check_mse_backward,
                                                   check_mul_backward, check_sigmoid_backward,
                                                   check_topological_sort)


# --------------------------------------------------------------------------- expression checks
class ExpressionBackward(BackwardCheck):
    """Grades ``<expr>_backward(dout, cache)`` for one of the chapter's expressions, with the cache
    of the forward handed in with it; it must return a tuple, one gradient per input (``wrt``).

    Parameters of ``cases``: shapes, a list of array shapes (one case each). Inputs are redrawn
    until ``away(values)`` holds (away from a pole or a kink), where declared."""
    tuple_only = True
    away = None

    def values(self, rng, shape):
        """Inputs (name -> array of ``shape``) away from zero, kinks and poles."""
        draw = lambda: {n: _signed(rng, shape) for n in self.wrt}   # noqa: E731
        return redraw(draw, self.away) if self.away else draw()

    def draw(self, rng, shape):
        return f"shape {shape}", {**self.values(rng, shape), "dout": _signed(rng, shape)}


class SquareBackward(ExpressionBackward):
    def judge(self, inputs, outputs, expected):
        found = super().judge(inputs, outputs, expected)
        f = found[0]
        if f.what == "da" and f.diagnosis == "scale" and _is_share(outputs["grads"][0], expected["da"], 2):
            f.diagnosis = "overwrite"
            f.message = ("da is half the right gradient. The wire a enters the multiply twice; each "
                         "entry sends back its own share, and both must be added into da (+=), not "
                         "assigned one over the other. " + f.message)
        return found


class MaxBackward(ExpressionBackward):
    """Parameters of ``cases``: layouts, a list of (shape, ties): ties=True makes some elements
    of a and b equal (a kink), where any split of dout between da and db that adds up to dout,
    with both parts of the same sign as dout, is accepted."""
    def cases(self, seed, layouts=(((3, 4), False), ((8,), True))):
        rng = np.random.default_rng(seed)
        return [Case(*self.draw(rng, tuple(shape), ties)) for shape, ties in layouts]

    def draw(self, rng, shape, ties=False):
        a = rng.normal(size=shape) * 1.5
        b = a + _signed(rng, shape, 0.2, 2.0)        # |a - b| >= 0.2: no kink in reach of h
        if ties:
            flat = b.reshape(-1)
            tied = rng.choice(flat.size, size=max(1, flat.size // 3), replace=False)
            flat[tied] = a.reshape(-1)[tied]
        return f"shape {shape}{', with ties' if ties else ''}", {"a": a, "b": b, "dout": _signed(rng, shape)}

    def judge(self, inputs, outputs, expected):
        tie = inputs["a"] == inputs["b"]
        found = super().judge(inputs, outputs, expected)
        if not tie.any() or found[0].what == "grads" or not outputs["unchanged"]:
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
check_square_backward = SquareBackward(
    "square_backward", "square_forward", wrt=("a",), points=1,
    hints={"mismatch": "Each input of the multiply receives the other input times dout."})
check_divide_backward = ExpressionBackward(
    "divide_backward", "divide_forward", wrt=("a", "b", "c", "d"), points=2,
    away=lambda v: np.min(np.abs(v["c"] + v["d"])) > 0.5,       # keep away from the pole c + d = 0
    hints={"sign": "Check the sign of the local gradient of 1/x.",
           "mismatch": "Walk the intermediates x1 = a + b, x2 = c + d, x3 = 1/x2, out = x1 * x3 "
                       "backwards; the local gradient of 1/x at x is -1/x**2."})
check_max_backward = MaxBackward(
    "max_backward", "max_forward", wrt=("a", "b"), points=2,
    hints={"mismatch": "The gradient goes to the input that was larger in the forward pass; "
                       "the other input gets zero."})
check_neuron_backward = ExpressionBackward(
    "neuron_backward", "neuron_forward", wrt=("a", "b", "c", "x", "y"), points=2,
    values=lambda rng, shape: {n: _signed(rng, shape, hi=1.2) for n in "abcxy"},   # |a*x + b*y + c| <= 4.1
    hints={"mismatch": "Scale dout by the sigmoid's local gradient out * (1 - out) first, then "
                       "let each multiply swap: a's gradient uses x, x's uses a."})
check_squared_chain_backward = ExpressionBackward(
    "squared_chain_backward", "squared_chain_forward", wrt=("a", "b", "c", "d"), points=2,
    away=lambda v: np.min(np.abs(v["a"] * v["b"] + v["c"])) > 0.2,   # x1 away from zero
    hints={"scale": "x2 * x2 is a reused wire: both of its entries send back x2 * dout.",
           "mismatch": "Go through x1 = a*b + c, x2 = x1*d, out = x2*x2 in reverse order, one "
                       "intermediate at a time."})

# Forward passes of two nodes, the update step and training on the engine: a part module.
from autograder.checks.ch03_backprop_train import (check_linear_forward, check_sgd_update,  # noqa: E402,F401
                                                   check_sigmoid_forward, check_train_graph)
