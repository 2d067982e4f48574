"""Checks of chapter 2, numerical vs analytic gradients.

Graded functions (the same names in the notebook and in solutions/ch02_gradients.py):

    numerical_gradient(f, x, h=1e-5)              central differences of a scalar f; restores x
    numerical_gradient_array(f, x, dout, h=1e-5)  gradient of sum(f(x) * dout); restores x
    rel_error(a, b)                               max |a - b| / max(1e-8, |a| + |b|)
    reuse_backward(dout, cache)      -> (dx, dy)  out = (x + y) * x,   cache = (x, y)
    tanh_layer_backward(dout, cache) -> (dx, dW)  out = tanh(x @ W),   cache = (x, W, out)
    row_norm_backward(dout, cache)   -> (dx,)     out = |x_i| per row, cache = (x, out)

The numerical gradients are run on functions whose exact gradient is known, counting the calls
and checking that x comes back unchanged. The backward passes receive caches built here, exactly
as the given forward functions build them, and are compared with central differences of the
reference forward pass with a random upstream gradient.
"""
import numpy as np

from autograder import gradcheck
from autograder.checks.base import Case, Check, Finding, value_finding
from autograder.checks.families import BackwardCheck, signed

#: A student's central difference is compared with the exact gradient. On these smooth test
#: functions it lands near 1e-10, while a one-sided difference errs by about 1e-5, so this is
#: tighter than gradcheck.TOLERANCE (which must also absorb round-off on tiny entries).
CENTRAL_TOL = 1e-7


def numeric_method_findings(outputs, exact, n, name="x"):
    """Findings for a numerical-gradient method: the gradient, x restored, the number of calls."""
    res = gradcheck.compare_gradients(outputs["grad"], exact, name=name, tol=CENTRAL_TOL)
    msg, diagnosis = res.message, res.diagnosis
    if not res.passed and res.max_rel_error < 1e-2:      # close, but only as close as a one-sided difference
        diagnosis = "forward_difference"
        msg = (f"The gradient is close but not accurate enough: max relative error "
               f"{res.max_rel_error:.1e}, where central differences give about 1e-10 on this function. "
               "That is the error of a one-sided (forward) difference: use (f(x + h) - f(x - h)) / 2h.")
    found = [Finding("gradient", res.passed, msg, diagnosis)]
    restored = bool(outputs["unchanged"])
    found.append(Finding("x restored", restored,
                         "x is unchanged afterwards." if restored else
                         "x was changed: after nudging an entry, put its original value back "
                         "(a try/finally keeps it safe even if f raises).", "ok" if restored else "value"))
    calls = int(outputs["calls"])
    ok_calls = calls in (2 * n, 2 * n + 1)
    msg = (f"f was called {calls} times for {n} entries." if ok_calls else
           f"f was called {calls} times for {n} entries; central differences need two calls per "
           f"entry ({2 * n})." + (" One call per entry plus one is a forward difference."
                                  if calls == n + 1 else ""))
    found.append(Finding("calls of f", ok_calls, msg, "ok" if ok_calls else "value"))
    return found


# --------------------------------------------------------------------------- numerical gradients
class NumericalGradientCheck(Check):
    """numerical_gradient on f(x) = sum(w * exp(x)), whose gradient is w * exp(x). The method is
    handed f (``function``, its calls counted), x and the inputs named ``args``; that x comes back
    as it was is a finding of its own (x restored)."""
    guard = ""
    args = ("h",)

    def cases(self, seed, shapes=((3, 4), (5,)), h=1e-5):
        rng = np.random.default_rng(seed)
        return [Case(f"f(x) = sum(w * exp(x)), x of shape {tuple(s)}, h={h:g}",
                     {"x": rng.normal(scale=0.7, size=s), "w": signed(rng, tuple(s)), "h": h})
                for s in shapes]

    def function(self, inputs, z):
        return np.sum(inputs["w"] * np.exp(z))

    def call(self, inputs, method):
        calls = [0]

        def f(z):
            calls[0] += 1
            return self.function(inputs, z)
        return {"grad": method(f, inputs["x"], *[inputs[n] for n in self.args]), "calls": calls[0]}

    def expected(self, inputs, ref):
        return {"grad": inputs["w"] * np.exp(inputs["x"])}

    def judge(self, inputs, outputs, expected):
        return numeric_method_findings(outputs, expected["grad"], np.size(inputs["x"]))


class NumericalGradientArrayCheck(NumericalGradientCheck):
    """numerical_gradient_array on f(x) = tanh(x) @ M (f(x) = x where M is None) with a random
    upstream gradient."""
    args = ("dout",)

    def cases(self, seed, shapes=((3, 4, 2),), identity=False):
        rng = np.random.default_rng(seed)
        out = [Case(f"f(x) = tanh(x) @ M, x of shape {(n, d)}, dout of shape {(n, k)}",
                    {"x": rng.normal(size=(n, d)), "M": rng.normal(size=(d, k)),
                     "dout": rng.normal(size=(n, k))}) for n, d, k in shapes]
        if identity:
            out.append(Case("f returns its input itself (out = x), x of shape (2, 3)",
                            {"x": rng.normal(size=(2, 3)), "M": None, "dout": rng.normal(size=(2, 3))}))
        return out

    def function(self, inputs, z):
        return z if inputs["M"] is None else np.tanh(z) @ inputs["M"]

    def expected(self, inputs, ref):
        x, m, dout = inputs["x"], inputs["M"], inputs["dout"]
        if m is None:
            return {"grad": dout, "grad_ones": np.ones_like(dout)}
        local = 1.0 - np.tanh(x) ** 2
        return {"grad": (dout @ m.T) * local, "grad_ones": (np.ones_like(dout) @ m.T) * local}

    def judge(self, inputs, outputs, expected):
        found = super().judge(inputs, outputs, expected)
        res = gradcheck.compare_gradients(outputs["grad"], expected["grad"],
                                          numeric_ones=expected["grad_ones"])
        if not found[0].passed and res.diagnosis == "upstream":
            found[0] = Finding("gradient", False, res.message, "upstream")
        if not found[0].passed and inputs["M"] is None and not np.any(outputs["grad"]):
            found[0].message += (" Here f returns x itself: keep a copy of f(x + h e_i) before you "
                                 "change x again (np.array(f(x)) or .copy()).")
        return found


class RelErrorCheck(Check):
    """rel_error on pairs of arrays and numbers with known answers."""
    PAIRS = {    # kind -> (label, (rng, a (3, 4) normal) -> (a, b))
        "close": ("two close arrays", lambda rng, a: (a, a * (1 + 1e-6 * rng.normal(size=a.shape)))),
        "larger": ("b larger than a everywhere", lambda rng, a: (a, a + rng.uniform(0.1, 0.5, size=a.shape))),
        "opposite": ("b = -a", lambda rng, a: (a, -a)),
        "numbers": ("two numbers (not arrays)", lambda rng, a: (float(rng.uniform(1, 3)), float(rng.uniform(1, 3)))),
        "zeros": ("equal arrays with zeros in them",
                  lambda rng, a: tuple(np.where(np.arange(3)[:, None] > 0, a, 0.0) for _ in "ab")),
        "tiny": ("tiny values (below 1e-8)", lambda rng, a: (a * 1e-12, a * 3e-12))}
    KINDS = tuple(PAIRS)

    def cases(self, seed, kinds=("close", "larger", "opposite", "numbers")):
        rng = np.random.default_rng(seed)
        return [Case(label, dict(zip("ab", pair(rng, rng.normal(size=(3, 4))))))
                for label, pair in (self.PAIRS[kind] for kind in kinds)]

    def call(self, inputs, rel_error):
        return {"value": rel_error(inputs["a"], inputs["b"])}

    def judge(self, inputs, outputs, expected):
        got = np.asarray(outputs["value"], dtype=np.float64)
        if got.shape == () and not np.isfinite(got):
            return [Finding("rel_error(a, b)", False,
                            f"rel_error(a, b) returned {float(got)}; expected {expected['value']:.6g}. "
                            "Where a and b are both zero the denominator must not be zero: "
                            "use max(1e-8, |a| + |b|).", "value")]
        f = value_finding("rel_error(a, b)", outputs["value"], expected["value"], tol=1e-9)
        if f.diagnosis == "shape":
            f.message += " rel_error returns one number: the largest relative difference."
        return [f]


# --------------------------------------------------------------------------- three backward passes
def _reuse(rng, shape):
    return f"x, y of shape {shape}", {"x": rng.normal(size=shape), "y": rng.normal(size=shape),
                                      "dout": rng.normal(size=shape)}


def _tanh_layer(rng, shape):
    n, d, m = shape
    return f"x of shape {(n, d)}, W of shape {(d, m)}", {
        "x": rng.normal(size=(n, d)), "W": rng.normal(size=(d, m)) / np.sqrt(d), "dout": rng.normal(size=(n, m))}


def _row_norm(rng, shape):
    return f"x of shape {shape}", {"x": rng.normal(size=shape), "dout": rng.normal(size=shape[0])}


check_numerical_gradient = NumericalGradientCheck("numerical_gradient", points=2, default_seed=211)
check_numerical_gradient_array = NumericalGradientArrayCheck(
    "numerical_gradient_array", points=2, default_seed=212,
    hints={"upstream": "Weight each output's change by dout before summing."})
check_rel_error = RelErrorCheck("rel_error", default_seed=213)
check_reuse_backward = BackwardCheck(
    "reuse_backward", wrt=("x", "y"), cache=lambda i: (i["x"], i["y"]), draw=_reuse, points=2,
    default_seed=221,
    hints={"mismatch": "x reaches the output along two wires (through the add and through the "
                       "multiply): its gradient is the sum of both."})
check_tanh_layer_backward = BackwardCheck(
    "tanh_layer_backward", wrt=("x", "W"), cache=lambda i: (i["x"], i["W"], np.tanh(i["x"] @ i["W"])),
    draw=_tanh_layer, shapes=((4, 3, 5),), points=2, default_seed=222,
    hints={"mismatch": "Go through tanh first (its local gradient is 1 - out**2, elementwise), "
                       "then through the matrix product."})
check_row_norm_backward = BackwardCheck(
    "row_norm_backward", cache=lambda i: (i["x"], np.sqrt(np.sum(i["x"] ** 2, axis=1))), draw=_row_norm,
    points=2, default_seed=223,
    hints={"shape": "dout has one entry per row: give it a trailing axis (dout[:, None]) to "
                    "broadcast it over the row."})
