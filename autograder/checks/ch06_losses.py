"""Checks of chapter 6, loss functions, the L2 penalty and dropout.

Each graded object is a forward/backward pair (the same names in the notebook and in
solutions/ch06_losses.py); the check calls the student's forward, hands its cache to the
student's backward with a random upstream gradient ``dloss`` (never 1), and grades:

    softmax_cross_entropy_forward(scores, y) -> (loss, cache)   backward(dloss, cache) -> dscores
    multiclass_svm_forward(scores, y)        -> (loss, cache)   backward(dloss, cache) -> dscores
    squared_hinge_forward(scores, y)         -> (loss, cache)   backward(dloss, cache) -> dscores
    mse_forward(pred, target)                -> (loss, cache)   backward(dloss, cache) -> dpred
    l2_penalty_forward(params, reg)          -> (loss, cache)   backward(dloss, cache) -> {name: grad}
    dropout_forward(x, keep_prob, mode, seed) -> (out, cache)   backward(dout, cache)  -> dx

The loss (or dropout's output) is compared with the reference; gradients are compared with
central differences of the reference forward pass. Inputs are drawn with every margin at least
1e-3 from a kink, except in the hidden "tie" cases, which put one margin exactly on the kink: there
the trusted gradient is the reference backward (tested against autograd), and either one-sided
convention for the SVM's tie is accepted.
"""
import numpy as np

from autograder import gradcheck
from autograder.checks.base import (Case, Check, Finding, array_finding, grad_findings, numeric_grads,
                                    param_grads, scalar_finding, value_finding)
from autograder.checks.families import redraw, signed

KINK_GAP = 1e-3   #: how far from a kink every random margin is drawn
UPSTREAM_HINT = "dloss is one number: every entry of the gradient is multiplied by it."


def upstream(rng):
    """A random upstream gradient for a scalar loss, never 1: sign and size both matter."""
    return float(signed(rng, None, 0.3, 2.5))


def loss_finding(what, got, want, overflow_hint=""):
    """scalar_finding for a loss, to gradcheck.TOLERANCE, with ``overflow_hint`` for an inf or nan."""
    return scalar_finding(what, got, want, gradcheck.TOLERANCE, *[overflow_hint] if overflow_hint else [])


def upstream_scaled(dloss, ones):
    """The trusted gradients for a scalar upstream gradient ``dloss``: {name: dloss * g, name + "_ones": g}
    for each {name: g} of ``ones`` (gradients of the loss itself; a g of None is left out)."""
    out = {}
    for name, g in ones.items():
        if g is not None:
            out[name], out[name + "_ones"] = dloss * g, g
    return out


def grad_findings_either(outputs, expected, name):
    """Grade gradient ``name``; where the case sits on a tie (expected has name + "_alt"), accept
    the gradient of either one-sided convention."""
    first = grad_findings(outputs, expected, [name])[0]
    if first.passed or name + "_alt" not in expected:
        return first
    alt = grad_findings(outputs, {name: expected[name + "_alt"],
                                  name + "_ones": expected.get(name + "_alt_ones")}, [name])[0]
    if alt.passed:
        alt.message += " (The tie was counted as a violation: also a valid choice.)"
        return alt
    first.message = ("One margin here is exactly on the kink, where either one-sided gradient is "
                     "accepted; yours matches neither. " + first.message)
    return first


class PairCheck(Check):
    """A forward/backward pair: ``forward(*inputs[args]) -> (out, cache)``, then the student's
    ``backward(inputs[upstream], cache)``; outputs {out: the forward's first output, "d" + args[0]:
    the backward's result, as kept by ``gradient``}. As declared here, a loss of (scores, y): the
    loss is compared with the reference, dscores with central differences."""
    points = 2
    args = ("scores", "y")     # the forward's inputs; the first is the one differentiated
    upstream, out = "dloss", "loss"
    overflow_hint = ""

    def call(self, inputs, forward, backward):
        out, cache = forward(*[inputs[n] for n in self.args])
        return {self.out: out, "d" + self.args[0]: self.gradient(backward(inputs[self.upstream], cache))}

    def gradient(self, grad):
        """The backward's result as graded (plain data)."""
        return grad

    def numeric_at(self, inputs):
        """Where the numerical gradient is taken (the softmax shifts each row, see there)."""
        return np.array(inputs[self.args[0]], dtype=np.float64)

    def expected(self, inputs, ref):
        forward, backward = (getattr(ref, f) for f in self.functions)
        x, data, name = inputs[self.args[0]], inputs[self.args[1]], "d" + self.args[0]
        loss = forward(x, data)[0]
        if "tie" in inputs:     # the trusted gradient is the reference backward's (module docstring)
            ones = {name: backward(1.0, forward(x.copy(), data)[1]),
                    name + "_alt": self.tie_alternative(inputs, ref)}
        else:
            ones = {name: gradcheck.numerical_gradient(lambda z: forward(z, data)[0], self.numeric_at(inputs))}
        return {"loss": loss, **upstream_scaled(inputs["dloss"], ones)}

    def tie_alternative(self, inputs, ref):
        """The tie's other accepted gradient (for dloss = 1), or None."""
        return None

    def judge(self, inputs, outputs, expected):
        return [loss_finding("loss", outputs["loss"], expected["loss"], overflow_hint=self.overflow_hint),
                grad_findings_either(outputs, expected, "d" + self.args[0])]


def class_case(rng, n, c, offset=0.0, tie=False):
    """A case of scores (N, C) + offset and labels (N,) with every SVM margin s_j - s_y + 1 at least
    KINK_GAP from 0; with ``tie``, one margin of the first example exactly 0."""
    y, rows = rng.integers(0, c, size=n), np.arange(n)

    def away(s):
        m = s - s[rows, y][:, None] + 1.0
        m[rows, y] = 1.0
        return np.all(np.abs(m) > KINK_GAP)
    s, label, extra = redraw(lambda: rng.normal(size=(n, c)), away) + offset, f"N={n}, C={c}", {}
    if offset:
        label += f", scores near {offset:g}"
    if tie:
        j = (int(y[0]) + 1) % c
        s[0, y[0]], s[0, j] = 0.5, -0.5          # margin s_j - s_y + 1 exactly 0
        label, extra = label + ", one margin exactly at the kink", {"tie": [0, j]}
    return Case(label, {"scores": s, "y": y, "dloss": upstream(rng), **extra})


# --------------------------------------------------------------------------- softmax
class SoftmaxCrossEntropyCheck(PairCheck):
    overflow_hint = ("np.exp overflowed: subtract each row's maximum from the scores before "
                     "exponentiating (the probabilities do not change).")
    hints = {"scale": "The loss is the average over the N examples, so is its gradient.",
             "upstream": UPSTREAM_HINT,
             "value": "The loss is the mean over examples of -log p[i, y[i]], the softmax taken along "
                      "each row (axis=1)."}

    def cases(self, seed, shapes=((5, 4), (3, 7)), large_shapes=((4, 3),)):
        rng = np.random.default_rng(seed)
        return ([class_case(rng, n, c) for n, c in shapes]
                + [class_case(rng, n, c, offset=1000.0) for n, c in large_shapes])

    def numeric_at(self, inputs):
        # Adding a constant to a row changes neither the loss nor its gradient; differences of a loss
        # near zero are more accurate than differences of two numbers near 1000.
        s = np.array(inputs["scores"], dtype=np.float64)
        return s - s.max(axis=1, keepdims=True)


# --------------------------------------------------------------------------- multiclass SVM
class MulticlassSvmCheck(PairCheck):
    hints = {"scale": "The loss is the average over the N examples, so is its gradient.",
             "upstream": UPSTREAM_HINT,
             "value": "Sum max(0, s_j - s_y + 1) over the wrong classes j only (the right class is "
                      "not its own competitor), then average over the examples.",
             "mismatch": "Each violated margin pulls its own score up and the right class's score down."}

    def cases(self, seed, shapes=((5, 4), (3, 6)), tie_shapes=()):
        rng = np.random.default_rng(seed)
        return ([class_case(rng, n, c) for n, c in shapes]
                + [class_case(rng, n, c, tie=True) for n, c in tie_shapes])

    def tie_alternative(self, inputs, ref):
        """The gradient when the tie counts as a violation: nudge the tied score up a hair (the
        SVM's gradient only depends on which margins are positive)."""
        s = np.array(inputs["scores"], dtype=np.float64)
        i, j = inputs["tie"]
        s[i, j] += 1e-9
        return ref.multiclass_svm_backward(1.0, ref.multiclass_svm_forward(s, inputs["y"])[1])


# --------------------------------------------------------------------------- squared hinge
class SquaredHingeCheck(PairCheck):
    hints = {"scale": "d/dm of max(0, 1 - m)^2 is -2 max(0, 1 - m); the loss is a mean over N.",
             "upstream": UPSTREAM_HINT,
             "mismatch": "The chain rule from the margin m = y * s to the score s multiplies by y."}

    def cases(self, seed, sizes=(6, 9), tie_sizes=()):
        rng = np.random.default_rng(seed)
        return [hinge_case(rng, n) for n in sizes] + [hinge_case(rng, n, tie=True) for n in tie_sizes]


def hinge_case(rng, n, tie=False):
    """A case of scores (N,) and labels of +-1 with every margin y * s at least KINK_GAP from 1, at
    least one on each side; with ``tie``, the first margin exactly 1."""
    def away(v):
        m = v[0] * v[1]
        return np.all(np.abs(1.0 - m) > KINK_GAP) and (n < 2 or (np.any(m < 1) and np.any(m > 1)))
    y, s = redraw(lambda: (rng.choice([-1.0, 1.0], size=n), rng.normal(scale=1.5, size=n)), away)
    if tie:
        s[0] = y[0]                                # margin y * s exactly 1
    return Case(f"N={n}" + (", one margin exactly 1" if tie else ""),
                {"scores": s, "y": y, "dloss": upstream(rng), **({"tie": [0]} if tie else {})})


# --------------------------------------------------------------------------- MSE
class MseCheck(PairCheck):
    args = ("pred", "target")
    hints = {"scale": "The MSE is a mean over every entry of the array (all N * D of them); "
                      "the square brings down a 2.",
             "sign": "diff = pred - target: the gradient points toward larger predictions when pred is "
                     "above target.",
             "upstream": UPSTREAM_HINT}

    def cases(self, seed, shapes=((5, 3), (4, 2))):
        rng = np.random.default_rng(seed)
        return [Case(f"pred of shape {tuple(s)}", {"pred": rng.normal(size=s), "target": rng.normal(size=s),
                                                   "dloss": upstream(rng)}) for s in shapes]


# --------------------------------------------------------------------------- L2 penalty
class L2PenaltyCheck(PairCheck):
    args = ("params", "reg")
    hints = {"scale": "The penalty is reg / 2 * sum(W ** 2): its gradient is reg * W (times dloss).",
             "upstream": UPSTREAM_HINT}

    def cases(self, seed, layers=((4, 3, 2),), reg=0.3):
        rng = np.random.default_rng(seed)
        out = []
        for sizes in layers:
            params = {}
            for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
                params[f"W{k}"] = rng.normal(size=(fan_in, fan_out))
                params[f"b{k}"] = rng.normal(size=fan_out)
            label = ", ".join(f"{k} {v.shape}" for k, v in params.items())
            out.append(Case(f"{label}, reg={reg:g}", {"params": params, "reg": float(reg),
                                                      "dloss": upstream(rng)}))
        return out

    def gradient(self, grads):
        """A dict with its keys as text; anything else is handed to the judge as it is."""
        return {str(k): v for k, v in grads.items()} if isinstance(grads, dict) else grads

    def expected(self, inputs, ref):
        def penalty(params):
            return ref.l2_penalty_forward(params, inputs["reg"])[0]
        return {"loss": penalty(inputs["params"]),
                **upstream_scaled(inputs["dloss"], param_grads(penalty, inputs["params"]))}

    def judge(self, inputs, outputs, expected):
        found = [loss_finding("penalty", outputs["loss"], expected["loss"])]
        if found[0].diagnosis == "value" and any(not k.startswith("W") for k in inputs["params"]):
            found[0].message += " Only the weights (names starting with W) are penalised, not the biases."
        grads = outputs["dparams"]
        if not isinstance(grads, dict):
            return found + [Finding("grads", False, "l2_penalty_backward should return a dict "
                                    "{name: gradient} with the keys of params.", "shape")]
        for name in inputs["params"]:
            key = "d" + name
            if name not in grads:
                found.append(Finding(key, False, f"the returned dict has no entry {name!r}: return a "
                                     "gradient for every parameter (zeros where the penalty does not "
                                     "depend on it).", "shape"))
                continue
            f = grad_findings({key: grads[name]}, expected, [key])[0]
            if not f.passed and not name.startswith("W"):
                f.message = (f"d{name} should be all zeros: biases are not penalised, so the penalty "
                             f"does not depend on {name}. " + f.message)
            found.append(f)
        return found


# --------------------------------------------------------------------------- dropout
class DropoutCheck(PairCheck):
    hints = {"scale": "Inverted dropout divides the kept units by keep_prob during training, and does "
                      "nothing at all at test time.",
             "upstream": "dout has the shape of x: multiply it elementwise by the same mask.",
             "mismatch": "The gradient flows through the same mask as the forward pass (keep it in "
                         "the cache), scaled the same way."}
    args, upstream, out = ("x", "keep_prob", "mode", "seed"), "dout", "out"

    def cases(self, seed, shapes=((4, 5), (3, 8)), keep_probs=(0.6, 0.8), test_shapes=((4, 5),)):
        rng = np.random.default_rng(seed)
        plan = [(s, p, "train") for s, p in zip(shapes, keep_probs)] + [(s, 0.5, "test") for s in test_shapes]
        return [Case(f"{mode}, x of shape {tuple(shape)}, keep_prob={p:g}",
                     {"x": rng.normal(size=shape), "keep_prob": float(p), "mode": mode,
                      "seed": int(rng.integers(1000)), "dout": rng.normal(size=shape)}) for shape, p, mode in plan]

    def expected(self, inputs, ref):
        def f(x):
            return ref.dropout_forward(x, inputs["keep_prob"], inputs["mode"], inputs["seed"])[0]
        return {"out": f(inputs["x"].copy()), **numeric_grads(f, {"x": inputs["x"]}, ["x"], inputs["dout"])}

    def judge(self, inputs, outputs, expected):
        out = array_finding("out", outputs["out"]) or value_finding("out", outputs["out"], expected["out"])
        if not out.passed and inputs["mode"] == "test":
            out.message += " At test time nothing is dropped and nothing is rescaled: out = x."
        elif not out.passed and out.diagnosis == "value":
            out.message += (" Draw the mask as np.random.default_rng(seed).random(x.shape) < keep_prob "
                            "(True means kept).")
        return [out] + grad_findings(outputs, expected, ["dx"])


check_softmax_cross_entropy = SoftmaxCrossEntropyCheck(
    "softmax_cross_entropy_forward", "softmax_cross_entropy_backward", default_seed=601)
check_multiclass_svm = MulticlassSvmCheck("multiclass_svm_forward", "multiclass_svm_backward", default_seed=602)
check_squared_hinge = SquaredHingeCheck("squared_hinge_forward", "squared_hinge_backward", default_seed=603)
check_mse = MseCheck("mse_forward", "mse_backward", points=1, default_seed=604)
check_l2_penalty = L2PenaltyCheck("l2_penalty_forward", "l2_penalty_backward", points=1, default_seed=605)
check_dropout = DropoutCheck("dropout_forward", "dropout_backward", points=2, default_seed=606)
