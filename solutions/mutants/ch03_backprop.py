"""Realistic wrong answers for the checks of chapter 3 (see solutions/mutants/__init__.py).

Expression mutants replace a backward (the check pairs it with the reference forward). The node
and sort mutants are registered by solutions/mutants/ch03_backprop_graph.py, imported below, into
this chapter's one catalogue.
"""
import numpy as np

from solutions import ch03_backprop as ref
from solutions.mutants import Catalogue, negated, with_output, without_upstream

wrong = MUTANTS = Catalogue(__name__)

# --------------------------------------------------------------------------- a * a
SQ = "square_backward"
wrong(SQ, "dropped upstream gradient", "upstream")(lambda dout, cache: (2 * cache[0],))
wrong(SQ, "flipped sign", "sign")(negated(ref.square_backward))
wrong(SQ, "derivative taken at the output instead of the input")(
    lambda dout, cache: (2 * (cache[0] * cache[0]) * dout,))
wrong(SQ, "2a added once per branch (factor 2 too large)", "scale")(   # 2a added once per branch
    lambda dout, cache: (2 * (2 * cache[0] * dout),))
wrong(SQ, "bare array instead of a tuple", "shape")(lambda dout, cache: 2 * cache[0] * dout)


@wrong(SQ, "overwrite instead of accumulate on the reused wire", "overwrite")
def square_overwrite(dout, cache):
    (a,) = cache
    da = a * dout
    da = a * dout          # second branch assigned over the first
    return (da,)


# --------------------------------------------------------------------------- (a + b) / (c + d)
def _divide(local, dx1_scale=True, order=(0, 1, 2, 3), chain=True):
    """divide_backward with the local gradient of 1/x2 ``local``; the other switches are mistakes."""
    def backward(dout, cache):
        x1, x2, x3 = cache
        dx1 = x3 * dout if dx1_scale else dout
        dx2 = local(x2) * (x1 * dout if chain else dout)
        return tuple((dx1, dx1, dx2, dx2)[i] for i in order)
    return backward


DIV, RIGHT = "divide_backward", (lambda x2: -1.0 / (x2 * x2))
wrong(DIV, "lost the minus of d(1/x)", "sign")(_divide(lambda x2: 1.0 / (x2 * x2)))
wrong(DIV, "local gradient -1/x instead of -1/x^2")(_divide(lambda x2: -1.0 / x2))
wrong(DIV, "dropped upstream gradient", "upstream")(without_upstream(_divide(RIGHT)))
wrong(DIV, "numerator gradient not multiplied by 1/(c+d)")(_divide(RIGHT, dx1_scale=False))
wrong(DIV, "gradients returned in the wrong order", "order")(_divide(RIGHT, order=(2, 3, 0, 1)))
wrong(DIV, "skipped the multiply by the numerator")(_divide(RIGHT, chain=False))

# --------------------------------------------------------------------------- max(a, b)
MAX = "max_backward"
wrong(MAX, "routes to the smaller input")(
    lambda dout, cache: (np.where(cache[0] < cache[1], dout, 0.0), np.where(cache[0] < cache[1], 0.0, dout)))
wrong(MAX, "both inputs get the gradient")(lambda dout, cache: (dout.copy(), dout.copy()))
wrong(MAX, "dropped upstream gradient", "upstream")(without_upstream(ref.max_backward))
wrong(MAX, "tie sends dout to both inputs", "tie")(
    lambda dout, cache: (np.where(cache[0] >= cache[1], dout, 0.0), np.where(cache[1] >= cache[0], dout, 0.0)))
wrong(MAX, "tie sends dout to neither input", "tie")(
    lambda dout, cache: (np.where(cache[0] > cache[1], dout, 0.0), np.where(cache[1] > cache[0], dout, 0.0)))
wrong(MAX, "flipped sign", "sign")(negated(ref.max_backward))


# --------------------------------------------------------------------------- sigmoid neuron
def _neuron(local, swap=True):
    """neuron_backward with the sigmoid's local gradient local(a, b, x, y, out); swap=False: a
    multiply that does not swap its inputs."""
    def backward(dout, cache):
        a, b, x, y, out = cache
        dq = local(a, b, x, y, out) * dout
        return (x * dq, y * dq, dq, a * dq, b * dq) if swap else (a * dq, b * dq, dq, x * dq, y * dq)
    return backward


NEU = "neuron_backward"
wrong(NEU, "sigmoid derivative of the input, z(1 - z)")(   # c is not in the cache; the mistake is z(1 - z)
    _neuron(lambda a, b, x, y, out: (a * x + b * y) * (1 - (a * x + b * y))))
wrong(NEU, "multiply does not swap")(_neuron(lambda a, b, x, y, out: out * (1 - out), swap=False))
wrong(NEU, "dropped upstream gradient", "upstream")(without_upstream(ref.neuron_backward))
wrong(NEU, "sigmoid's local gradient left out")(_neuron(lambda a, b, x, y, out: 1.0))
wrong(NEU, "flipped sign", "sign")(negated(ref.neuron_backward))
wrong(NEU, "gradients returned as (da, db, dx, dy, dc)", "order")(
    lambda dout, cache: tuple(ref.neuron_backward(dout, cache)[i] for i in (0, 1, 3, 4, 2)))
wrong(NEU, "dc left at zero", "zero")(with_output(ref.neuron_backward, 2, lambda dc, *args: np.zeros_like(dc)))


# --------------------------------------------------------------------------- ((a*b + c) * d)^2
def _chain(two=2, dd_from="x1", swap=True, dc_from="dx1"):
    """squared_chain_backward with its mistakes as switches."""
    def backward(dout, cache):
        a, b, d, x1, x2 = cache
        dx2 = two * x2 * dout
        dx1 = d * dx2
        da, db = (b * dx1, a * dx1) if swap else (a * dx1, b * dx1)
        return da, db, dx1 if dc_from == "dx1" else dx2, (x1 if dd_from == "x1" else x2) * dx2
    return backward


CH = "squared_chain_backward"
wrong(CH, "missing factor 2 of the square", "scale")(_chain(two=1))
wrong(CH, "dd uses x2 instead of x1")(_chain(dd_from="x2"))
wrong(CH, "dropped upstream gradient", "upstream")(without_upstream(ref.squared_chain_backward))
wrong(CH, "multiply does not swap")(_chain(swap=False))
wrong(CH, "flipped sign", "sign")(negated(ref.squared_chain_backward))
wrong(CH, "dc skips the factor d")(_chain(dc_from="dx2"))

from solutions.mutants import ch03_backprop_graph  # noqa: E402,F401 - registers the node and sort mutants
from solutions.mutants import ch03_backprop_train  # noqa: E402,F401 - forward, update and training mutants
