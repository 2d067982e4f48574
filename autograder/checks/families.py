"""Families of checks shared by the chapters, and the helpers that draw their inputs.

    DrawnCheck      cases drawn one per shape by a declared ``draw(rng, shape, **options)``
    ForwardCheck    ``<op>_forward(*args) -> (out, cache)``, judged by out
    BackwardCheck   ``<op>_backward(dout, cache) -> (d<input>, ...)``, judged against central
                    differences of the reference forward; names gradients in the wrong order
    signed, redraw  inputs away from zero, kinks and poles; sigmoid, the one overflow-free sigmoid

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
