"""Families of checks shared by the chapters, and the helpers that draw their inputs.

    DrawnCheck      cases drawn one per shape by a declared ``draw(rng, shape, **options)``
    ForwardCheck    ``<op>_forward(*args) -> (out, cache)``, judged by out
    BackwardCheck   ``<op>_backward(dout, cache) -> (d<input>, ...)``, judged against central
                    differences of the reference forward; names gradients in the wrong order
    KinkBackward    an elementwise activation's backward, one-sided slopes at its kinks
    signed, redraw  inputs away from zero, kinks and poles; around_kinks, inputs on and near kinks;
                    sigmoid, the one overflow-free sigmoid

A chapter declares an instance with what differs: ``BackwardCheck("relu_backward", cache=...,
draw=..., hints={...})``; base.py states the contract every check follows.
"""
import numpy as np

from autograder import gradcheck
from autograder.checks.base import Case, Check, Finding, array_finding, numeric_grads, value_finding


# --------------------------------------------------------------------------- drawing inputs
def signed(rng, size, lo=0.5, hi=2.0, magnitude_first=False):
    """Random numbers with magnitudes in [lo, hi] and random signs (size None: one float), away
    from zero so that round-off in central differences never decides a comparison.
    ``magnitude_first`` draws the magnitudes before the signs (the order some chapters' seeds use)."""
    if magnitude_first:
        return rng.uniform(lo, hi, size=size) * rng.choice([-1.0, 1.0], size=size)
    return rng.choice([-1.0, 1.0], size=size) * rng.uniform(lo, hi, size=size)


def sigmoid(x):
    """1 / (1 + exp(-x)) elementwise, written so that no exp overflows."""
    return np.exp(-np.logaddexp(0.0, -x))


def around_kinks(rng, shape, kinks=(0.0,), scale=2.0, at_kinks=False, dout=True):
    """-> (label, {"x", "dout"}): x of ``shape`` at least 1e-3 from every kink (or, with at_kinks, every
    third entry exactly on a kink or 1e-7 either side, each kink on itself first), and a random
    upstream gradient ``dout`` of the same shape (left out with dout=False)."""
    x = rng.normal(scale=scale, size=shape)
    for k in kinks:
        close = np.abs(x - k) < 1e-3
        x[close] = k + np.copysign(1e-3, x[close] - k + 1e-300)
    label = f"x of shape {shape}"
    if at_kinks:
        n = x.flat[::3].size            # every kink exactly first, then 1e-7 to its right, then left
        x.flat[::3] = [kinks[i % len(kinks)] + (0.0, 1e-7, -1e-7)[(i // len(kinks)) % 3] for i in range(n)]
        label += ", some entries on or next to a kink"
    return label, ({"x": x, "dout": rng.normal(size=shape)} if dout else {"x": x})


def redraw(draw, accept):
    """``draw()`` again until ``accept`` takes the value: inputs away from kinks and poles."""
    while True:
        value = draw()
        if accept(value):
            return value


# --------------------------------------------------------------------------- families
class DrawnCheck(Check):
    """Cases drawn one per entry of ``shapes``: ``draw(rng, shape, **options) -> (label, inputs)``
    (a plain function, declared with the instance)."""
    shapes = ((3, 4),)

    def cases(self, seed, shapes=None, **options):
        rng = np.random.default_rng(seed)
        return [Case(*self.draw(rng, tuple(s), **options)) for s in (self.shapes if shapes is None else shapes)]


class ForwardCheck(DrawnCheck):
    """Grades ``<op>_forward(*args) -> (out, cache)`` by ``out`` (an array) against the reference's.
    A forward that changes an array it is given fails the case."""
    args = ("x",)
    guard = "case"

    def call(self, inputs, forward):
        with np.errstate(all="ignore"):
            out, _ = forward(*[inputs[n] for n in self.args])
        return {"out": out}

    def expected(self, inputs, ref):
        return {"out": getattr(ref, self.functions[0])(*[inputs[n] for n in self.args])[0]}

    def judge(self, inputs, outputs, expected):
        return [array_finding("out", outputs["out"]) or value_finding("out", outputs["out"], expected["out"])]


class BackwardCheck(DrawnCheck):
    """Grades ``<op>_backward(dout, cache) -> (d<wrt[0]>, ...)``: one gradient per input of the
    forward pass, each against central differences of the reference ``<op>_forward`` (first
    output) with the case's random upstream gradient ``inputs["dout"]``.

    wrt        the forward's inputs, in order (names in the case's inputs)
    cache      plain function inputs -> the cache handed to backward; None: the cache of the
               forward graded with the backward (``functions[1]``), called on the inputs
    tuple_only a bare array is refused (else one gradient may be returned bare)
    A backward that changes an array it is given fails the case; gradients returned in another
    order than ``wrt`` are named ("order")."""
    wrt = ("x",)
    cache = None
    tuple_only = False
    guard = "case"

    def call(self, inputs, backward, *forward):
        cache = self.cache(inputs) if self.cache else forward[0](*[inputs[n] for n in self.wrt])[1]
        grads = backward(inputs["dout"], cache)
        bare = not isinstance(grads, (tuple, list))
        return {"grads": [grads] if bare else list(grads), "bare": bare}

    def expected(self, inputs, ref):
        forward = getattr(ref, self.functions[0].replace("_backward", "_forward"))
        return numeric_grads(lambda **kw: forward(**kw)[0], {n: inputs[n] for n in self.wrt},
                             list(self.wrt), inputs["dout"])

    def judge(self, inputs, outputs, expected):
        fn, names = self.functions[0], ["d" + n for n in self.wrt]
        grads, want = outputs["grads"], len(names)
        if outputs["bare"] and self.tuple_only:
            return [Finding("grads", False, f"{fn} returned a bare array; it must return a tuple with "
                            f"one gradient per input of the forward pass, "
                            f"({', '.join(names)}{',' if want == 1 else ''}).", "shape")]
        if len(grads) != want:
            return [Finding("grads", False, f"{fn} returned {len(grads)} gradients; the forward pass "
                            f"has {want} inputs ({', '.join(self.wrt)}), so it must return {want}, "
                            "in that order.", "shape")]
        results = gradcheck.compare_gradient_sets(grads, [expected[n] for n in names], names=list(self.wrt),
                                                  numeric_ones=[expected.get(n + "_ones") for n in names])
        held = ["d" + r.details.get("holds", w) for r, w in zip(results, self.wrt)]
        if held != names:
            return [Finding("grads", False, f"{fn} returns the right gradients in the wrong order: return them "
                            f"as ({', '.join(names)}), one per input of the forward pass in its order; yours are "
                            f"({', '.join(held)}).", "order")]
        return [array_finding(n, g) or Finding(n, r.passed, r.message, r.diagnosis)
                for n, g, r in zip(names, grads, results)]


class KinkBackward(BackwardCheck):
    """An elementwise activation's ``dx`` against central differences, replaced within 2h of a kink
    (one of ``kinks``) by the one-sided slope on x's side; exactly on a kink either side's slope
    counts. ``fixed``: the forward's arguments after x. Cases: ``around_kinks`` unless a ``draw`` is
    declared."""
    kinks = (0.0,)
    fixed = ()
    shapes = ((4, 5), (3, 2, 2))

    def draw(self, rng, shape, at_kinks=False):
        return around_kinks(rng, shape, self.kinks, at_kinks=at_kinks)

    def expected(self, inputs, ref):
        forward = getattr(ref, self.functions[0].replace("_backward", "_forward"))
        x, dout, h = inputs["x"], inputs["dout"], gradcheck.H

        def f(x):
            return forward(x, *self.fixed)[0]
        exp = numeric_grads(f, {"x": x}, ["x"], dout)
        right, left = (f(x + h) - f(x)) / h, (f(x) - f(x - h)) / h
        nearest = np.array(self.kinks)[np.argmin(np.abs(x[..., None] - np.array(self.kinks)), axis=-1)]
        near, on = np.abs(x - nearest) < 2 * h, x == nearest
        side = np.where(x > nearest, right, left)
        exp["dx"] = np.where(near, side * dout, exp["dx"])
        exp["dx_ones"] = np.where(near, side, exp["dx_ones"])
        exp["dx_other"] = np.where(on, right * dout, exp["dx"])
        return exp

    def judge(self, inputs, outputs, expected):
        if len(outputs["grads"]) == 1:
            got, want = np.asarray(outputs["grads"][0]), expected["dx"]
            if got.shape == want.shape:
                other = np.isclose(got, expected["dx_other"], rtol=1e-9, atol=0)
                on_kink = np.isin(inputs["x"], self.kinks)
                expected = {**expected, "dx": np.where(on_kink & other, expected["dx_other"], want)}
        return super().judge(inputs, outputs, expected)
