"""Checks of chapter 5: affine, ReLU and sigmoid layers, a two-layer net's loss, its training loop.

Graded objects and their signatures (as in the notebook and in solutions/ch05_neural_nets.py):

    affine_forward(x, W, b) -> (out, cache)      x (N, D), W (D, M), b (M,), out (N, M), cache (x, W, b)
    affine_backward(dout, cache) -> (dx, dW, db)
    relu_forward(x) -> (out, cache)              cache x
    relu_backward(dout, cache) -> dx
    sigmoid_forward(x) -> (out, cache)           cache out
    sigmoid_backward(dout, cache) -> dx
    two_layer_loss(params, X, y, reg) -> (loss, grads)          params/grads: W1, b1, W2, b2
    train_two_layer(params, X, y, learning_rate, batch_size, epochs, reg, seed) -> params

The backward checks build the cache themselves, as the notebook states it, so each graded
function is judged on its own. Upstream gradients are random (never all ones). See base.py for
the four steps every check defines.
"""

import numpy as np

from autograder import gradcheck
from autograder.checks.base import (Case, Check, Finding, grad_findings, numeric_grads, scalar_finding,
                                    value_finding)
from autograder.datasets import digits_split

SLUG = "ch05_neural_nets"
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def _copies(*arrays):
    return [np.array(a, copy=True) for a in arrays]


def _unchanged(before, after):
    return all(np.array_equal(b, a) for b, a in zip(before, after))


def _modified(what, fn):
    return Finding(what, False, f"{fn} changed an array it was given; a layer must leave its inputs "
                                "as they were (compute into a new array).", "value")


def _away_from_zero(rng, shape, gap=1e-3, scale=1.0):
    """Normal entries with none closer than ``gap`` to 0 (the ReLU's kink)."""
    x = rng.normal(scale=scale, size=shape)
    x[np.abs(x) < gap] = np.copysign(gap, x[np.abs(x) < gap])
    return x


# --------------------------------------------------------------------------- affine
def _affine_inputs(rng, shape):
    n, d, m = shape
    return {"x": rng.normal(size=(n, d)), "W": rng.normal(size=(d, m)), "b": rng.normal(size=m)}


class AffineForward(Check):
    name = "check_affine_forward"
    slug = SLUG
    functions = ("affine_forward",)
    points = 1
    hints = {"value": "Each row of out is one example: its row of x times W, plus b."}

    def cases(self, seed, shapes=((4, 5, 3), (3, 4, 4))):
        rng = np.random.default_rng(seed)
        return [Case(f"N={n}, D={d}, M={m}", _affine_inputs(rng, (n, d, m))) for n, d, m in shapes]

    def run(self, inputs, affine_forward):
        args = [inputs["x"], inputs["W"], inputs["b"]]
        before = _copies(*args)
        out, _ = affine_forward(*args)
        return {"out": np.asarray(out, dtype=np.float64), "unchanged": _unchanged(before, args)}

    def expected(self, inputs, ref):
        return {"out": ref.affine_forward(inputs["x"], inputs["W"], inputs["b"])[0]}

    def judge(self, inputs, outputs, expected):
        if not outputs["unchanged"]:
            return [_modified("out", "affine_forward")]
        return [value_finding("out", outputs["out"], expected["out"])]


class AffineBackward(Check):
    name = "check_affine_backward"
    slug = SLUG
    functions = ("affine_backward",)
    points = 3
    hints = {"transpose": "Match the shapes: dW is (D, M) like W, and it pairs x (N, D) with dout (N, M).",
             "shape": "Every gradient has the shape of its variable: db is (M,), one entry per output.",
             "scale": "b is added to every row of out: how do the rows' gradients combine?"}

    def cases(self, seed, shapes=((4, 5, 3), (3, 4, 4))):
        rng = np.random.default_rng(seed)
        out = []
        for n, d, m in shapes:
            inputs = _affine_inputs(rng, (n, d, m))
            inputs["dout"] = rng.normal(size=(n, m))
            out.append(Case(f"N={n}, D={d}, M={m}", inputs))
        return out

    def run(self, inputs, affine_backward):
        dx, dW, db = affine_backward(inputs["dout"], (inputs["x"], inputs["W"], inputs["b"]))
        return {"dx": np.asarray(dx, dtype=np.float64), "dW": np.asarray(dW, dtype=np.float64),
                "db": np.asarray(db, dtype=np.float64)}

    def expected(self, inputs, ref):
        return numeric_grads(lambda x, W, b: ref.affine_forward(x, W, b)[0],
                             {k: inputs[k] for k in ("x", "W", "b")}, ["x", "W", "b"], inputs["dout"])

    def judge(self, inputs, outputs, expected):
        return grad_findings(outputs, expected, ["dx", "dW", "db"])


# --------------------------------------------------------------------------- relu
class ReluForward(Check):
    name = "check_relu_forward"
    slug = SLUG
    functions = ("relu_forward",)
    points = 1

    def cases(self, seed, shapes=((4, 5), (2, 3, 2)), zeros=True):
        rng = np.random.default_rng(seed)
        out = []
        for shape in shapes:
            x = rng.normal(size=shape)
            if zeros:
                x.flat[::4] = 0.0                 # exact zeros: the kink, where relu is 0
            out.append(Case(f"x of shape {shape}", {"x": x}))
        return out

    def run(self, inputs, relu_forward):
        x = inputs["x"]
        before = _copies(x)
        out, _ = relu_forward(x)
        return {"out": np.asarray(out, dtype=np.float64), "unchanged": _unchanged(before, [x])}

    def expected(self, inputs, ref):
        return {"out": ref.relu_forward(inputs["x"])[0]}

    def judge(self, inputs, outputs, expected):
        if not outputs["unchanged"]:
            return [_modified("out", "relu_forward")]
        return [value_finding("out", outputs["out"], expected["out"])]


class ReluBackward(Check):
    """dx of relu against central differences. Where x is within 2h of the kink the numerical value
    is replaced by the one-sided derivative on x's side; at x = 0 exactly both sides are accepted."""
    name = "check_relu_backward"
    slug = SLUG
    functions = ("relu_backward",)
    points = 1
    hints = {"mismatch": "The gradient passes where the unit was on in the forward pass and is "
                         "blocked where it was off; the cache holds the forward pass's input."}

    def cases(self, seed, shapes=((4, 5), (3, 2, 2)), kink=False):
        rng = np.random.default_rng(seed)
        out = []
        for shape in shapes:
            x = _away_from_zero(rng, shape)
            label = f"x of shape {shape}"
            if kink:
                x.flat[::3] = rng.choice([0.0, 1e-7, -1e-7], size=x.flat[::3].shape)
                label += ", some entries at or next to 0"
            out.append(Case(label, {"x": x, "dout": rng.normal(size=shape)}))
        return out

    def run(self, inputs, relu_backward):
        dout, x = inputs["dout"], inputs["x"]
        before = _copies(dout, x)
        dx = relu_backward(dout, x)
        return {"dx": np.asarray(dx, dtype=np.float64), "unchanged": _unchanged(before, [dout, x])}

    def expected(self, inputs, ref):
        x, dout = inputs["x"], inputs["dout"]
        exp = numeric_grads(lambda x: ref.relu_forward(x)[0], {"x": x}, ["x"], dout)
        near = np.abs(x) < 2 * gradcheck.H
        f = lambda z: ref.relu_forward(z)[0]   # noqa: E731
        right = (f(x + gradcheck.H) - f(x)) / gradcheck.H      # elementwise one-sided slopes
        left = (f(x) - f(x - gradcheck.H)) / gradcheck.H
        side = np.where(x > 0, right, left)
        exp["dx"] = np.where(near, side * dout, exp["dx"])
        exp["dx_ones"] = np.where(near, side, exp["dx_ones"])
        exp["dx_other"] = np.where(x == 0, right * dout, exp["dx"])   # also accepted at x = 0
        return exp

    def judge(self, inputs, outputs, expected):
        if not outputs["unchanged"]:
            return [_modified("dx", "relu_backward")]
        got = np.asarray(outputs["dx"], dtype=np.float64)
        want = expected["dx"]
        if got.shape == want.shape:
            at_kink = (inputs["x"] == 0) & np.isclose(got, expected["dx_other"], rtol=1e-9, atol=0)
            want = np.where(at_kink, expected["dx_other"], want)
        return grad_findings({"dx": got}, {"dx": want, "dx_ones": expected["dx_ones"]}, ["dx"])


# --------------------------------------------------------------------------- sigmoid
def _sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


class SigmoidForward(Check):
    name = "check_sigmoid_forward"
    slug = SLUG
    functions = ("sigmoid_forward",)
    points = 1
    hints = {"value": "sigmoid(x) = 1 / (1 + exp(-x)); if the wrong values are at large |x|, look for an "
                      "exp that overflows."}

    def cases(self, seed, shapes=((4, 5), (6,)), scale=3.0, extremes=False):
        rng = np.random.default_rng(seed)
        out = []
        for shape in shapes:
            x = rng.normal(scale=scale, size=shape)
            label = f"x of shape {shape}"
            if extremes:
                x.flat[:4] = [-800.0, 800.0, -50.0, 50.0][:x.size]
                label += ", with |x| up to 800"
            out.append(Case(label, {"x": x}))
        return out

    def run(self, inputs, sigmoid_forward):
        x = inputs["x"]
        before = _copies(x)
        with np.errstate(all="ignore"):
            out, _ = sigmoid_forward(x)
        return {"out": np.asarray(out, dtype=np.float64), "unchanged": _unchanged(before, [x])}

    def expected(self, inputs, ref):
        return {"out": ref.sigmoid_forward(inputs["x"])[0]}

    def judge(self, inputs, outputs, expected):
        if not outputs["unchanged"]:
            return [_modified("out", "sigmoid_forward")]
        return [value_finding("out", outputs["out"], expected["out"])]


class SigmoidBackward(Check):
    name = "check_sigmoid_backward"
    slug = SLUG
    functions = ("sigmoid_backward",)
    points = 1
    hints = {"mismatch": "The cache holds the sigmoid's output s, not its input; write the slope with s."}

    def cases(self, seed, shapes=((4, 5), (6,)), scale=2.0):
        rng = np.random.default_rng(seed)
        out = []
        for shape in shapes:
            x = np.clip(rng.normal(scale=scale, size=shape), -6.0, 6.0)
            out.append(Case(f"x of shape {shape}", {"x": x, "out": _sigmoid(x), "dout": rng.normal(size=shape)}))
        return out

    def run(self, inputs, sigmoid_backward):
        dout, cache = inputs["dout"], inputs["out"]
        before = _copies(dout, cache)
        dx = sigmoid_backward(dout, cache)
        return {"dx": np.asarray(dx, dtype=np.float64), "unchanged": _unchanged(before, [dout, cache])}

    def expected(self, inputs, ref):
        return numeric_grads(lambda x: ref.sigmoid_forward(x)[0], {"x": inputs["x"]}, ["x"], inputs["dout"])

    def judge(self, inputs, outputs, expected):
        if not outputs["unchanged"]:
            return [_modified("dx", "sigmoid_backward")]
        return grad_findings(outputs, expected, ["dx"])


# --------------------------------------------------------------------------- the two-layer net
class TwoLayerLoss(Check):
    """two_layer_loss: the loss value and the four gradients against central differences."""
    name = "check_two_layer_loss"
    slug = SLUG
    functions = ("two_layer_loss",)
    points = 5
    hints = {"mismatch": "Check the penalty's share first (reg / 2 * sum(W^2) gives reg * W, biases get "
                         "none), then follow the backward pass layer by layer.",
             "scale": "Is the loss an average over the batch, and is its gradient divided the same way?",
             "shape": "Every gradient has the shape of its parameter."}

    def cases(self, seed, sizes=((5, 4, 6, 3),), reg=0.1, near_kink=False):
        rng = np.random.default_rng(seed)
        out = []
        for n, d, h, c in sizes:
            while True:
                params = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
                          "W2": rng.normal(size=(h, c)), "b2": rng.normal(size=c)}
                X, y = rng.normal(size=(n, d)), rng.integers(0, c, size=n)
                if near_kink:     # the first example's hidden units 2e-3 from switching
                    params["b1"] = -X[0] @ params["W1"] + rng.choice([-2e-3, 2e-3], size=h)
                pre = X @ params["W1"] + params["b1"]
                # away from the kink by more than any central-difference step can move it
                if np.all(np.abs(pre) > 1e-3):
                    break
            label = f"N={n}, D={d}, H={h}, C={c}, reg {reg:g}" + (", units near their kink" if near_kink else "")
            out.append(Case(label, {"params": params, "X": X, "y": y, "reg": reg}))
        return out

    def run(self, inputs, two_layer_loss):
        params, X, y = inputs["params"], inputs["X"], inputs["y"]
        before = _copies(*params.values(), X, y)
        loss, grads = two_layer_loss(params, X, y, inputs["reg"])
        out = {"loss": float(loss), "unchanged": _unchanged(before, [*params.values(), X, y])}
        for name in PARAM_NAMES:
            out["d" + name] = np.asarray(grads[name], dtype=np.float64)
        return out

    def expected(self, inputs, ref):
        params, X, y, reg = inputs["params"], inputs["X"], inputs["y"], inputs["reg"]
        exp = {"loss": ref.two_layer_loss(params, X, y, reg)[0]}
        for name in PARAM_NAMES:
            exp["d" + name] = gradcheck.numerical_gradient(
                lambda z, name=name: ref.two_layer_loss({**params, name: z}, X, y, reg)[0],
                np.array(params[name], dtype=np.float64))
        return exp

    def judge(self, inputs, outputs, expected):
        found = [scalar_finding("loss", outputs["loss"], expected["loss"])]
        found += grad_findings(outputs, expected, ["d" + n for n in PARAM_NAMES])
        if not outputs["unchanged"]:
            found.append(_modified("inputs", "two_layer_loss"))
        return found


# --------------------------------------------------------------------------- the training loop
def load_digits_split(test_size=360, seed=0):
    """scikit-learn's digits, shuffled by np.random.default_rng(seed).permutation; the first
    ``test_size`` images are the test set. Each pixel is centred on its training mean and divided by
    its training standard deviation plus 1. Returns fresh X_train (N, 64), y_train, X_test, y_test."""
    return digits_split(test_size, seed)


def init_two_layer(input_size, hidden_size, output_size, seed=0):
    """He initialisation: W ~ normal(0, 2 / fan_in), biases zero. Returns {W1, b1, W2, b2}."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, np.sqrt(2.0 / input_size), size=(input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": rng.normal(0.0, np.sqrt(2.0 / hidden_size), size=(hidden_size, output_size)),
            "b2": np.zeros(output_size)}


def two_layer_accuracy(params, X, y):
    """Fraction of rows of X whose largest score (affine - relu - affine) is at the label."""
    scores = np.maximum(0.0, X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    return float(np.mean(np.argmax(scores, axis=1) == y))


def _blas_one_thread():
    """Small matrices train faster on one BLAS thread than on several competing for the cores."""
    try:
        from threadpoolctl import threadpool_limits
        return threadpool_limits(limits=1, user_api="blas")
    except ImportError:     # pragma: no cover - threadpoolctl ships with scikit-learn
        import contextlib
        return contextlib.nullcontext()


class TrainTwoLayer(Check):
    """train_two_layer on the digits. The judge computes the test accuracy of the returned parameters
    itself and compares them with a reference run from the same start, on the same visiting order."""
    name = "check_train_two_layer"
    slug = SLUG
    functions = ("train_two_layer",)
    points = 3
    protocol = ("Follow the stated protocol: one generator made once from seed, one permutation per epoch, "
                "batches order[k:k + batch_size], and W <- W - learning_rate * dW for every parameter after "
                "every batch, for every epoch.")

    def cases(self, seed, hidden=32, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4,
              n_train=None, min_accuracy=0.95):
        label = (f"digits, {n_train or 'all'} training images, H={hidden}, lr {learning_rate:g}, "
                 f"batch {batch_size}, {epochs} epoch{'s' if epochs != 1 else ''}")
        return [Case(label, {"hidden": hidden, "learning_rate": learning_rate, "batch_size": batch_size,
                             "epochs": epochs, "reg": reg, "n_train": n_train, "seed": seed,
                             "min_accuracy": min_accuracy})]

    @staticmethod
    def _setup(inputs):
        X, y, _, _ = load_digits_split()
        if inputs["n_train"]:
            X, y = X[:inputs["n_train"]], y[:inputs["n_train"]]
        return init_two_layer(X.shape[1], inputs["hidden"], 10, inputs["seed"]), X, y

    @staticmethod
    def _args(inputs):
        return (inputs["learning_rate"], inputs["batch_size"], inputs["epochs"], inputs["reg"], inputs["seed"])

    def run(self, inputs, train_two_layer):
        params, X, y = self._setup(inputs)
        before = _copies(*params.values(), X, y)
        with _blas_one_thread():
            trained = train_two_layer(params, X, y, *self._args(inputs))
        out = {name: np.asarray(trained[name], dtype=np.float64) for name in PARAM_NAMES}
        out["unchanged"] = _unchanged(before, [*params.values(), X, y])
        return out

    def expected(self, inputs, ref):
        params, X, y = self._setup(inputs)
        with _blas_one_thread():
            trained = ref.train_two_layer(params, X, y, *self._args(inputs))
        _, _, X_test, y_test = load_digits_split()
        exp = {name: np.asarray(trained[name]) for name in PARAM_NAMES}
        exp["accuracy"] = two_layer_accuracy(trained, X_test, y_test)
        return exp

    def judge(self, inputs, outputs, expected):
        params = {name: np.asarray(outputs[name], dtype=np.float64) for name in PARAM_NAMES}
        for name in PARAM_NAMES:
            if params[name].shape != expected[name].shape:
                return [Finding(name, False, f"the returned {name} has shape {params[name].shape}, expected "
                                             f"{expected[name].shape}.", "shape")]
        _, _, X_test, y_test = load_digits_split()
        acc = two_layer_accuracy(params, X_test, y_test)
        # the stated target, lowered only if a reference run from this start falls short of it
        target = min(inputs["min_accuracy"], expected["accuracy"] - 0.005)
        ok = acc >= target
        accuracy = Finding("test accuracy", ok,
                           f"your trained network classifies {acc:.1%} of the {len(y_test)} test digits; "
                           f"the target is {target:.1%}." + ("" if ok else
                           " Does every parameter move against its gradient, after every batch, in every epoch?"),
                           "ok" if ok else "value")
        if not outputs["unchanged"]:
            same = Finding("parameters", False, "train_two_layer changed the params (or data) it was given; "
                                                "train a copy and return it.", "value")
        else:
            worst = max(float(np.max(np.abs(params[n] - expected[n]))) / max(1e-12, float(np.max(np.abs(expected[n]))))
                        for n in PARAM_NAMES)
            ok = bool(np.isfinite(worst) and worst <= 1e-6)
            same = Finding("parameters", ok,
                           "the trained parameters match a reference run from the same start." if ok else
                           f"the trained parameters differ from a reference run from the same start "
                           f"(largest difference {worst:.1e} relative to the largest entry). " + self.protocol,
                           "ok" if ok else "value")
        return [accuracy, same]


check_affine_forward = AffineForward()
check_affine_backward = AffineBackward()
check_relu_forward = ReluForward()
check_relu_backward = ReluBackward()
check_sigmoid_forward = SigmoidForward()
check_sigmoid_backward = SigmoidBackward()
check_two_layer_loss = TwoLayerLoss()
check_train_two_layer = TrainTwoLayer()
