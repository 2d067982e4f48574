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

The layer checks are families.ForwardCheck and families.BackwardCheck declared with this chapter's inputs
(relu_backward: families.KinkBackward, either one-sided slope accepted on the kink); the
backward checks build the cache themselves, as the notebook states it, so each graded function is judged
on its own. Upstream gradients are random (never all ones).
"""
import numpy as np

from autograder.checks.base import Case, Check, Finding, grad_findings, param_grads, scalar_finding
from autograder.checks.ch05_neural_nets_network import blas_one_thread
from autograder.checks.findings import reference_run_findings
from autograder.checks.families import BackwardCheck, ForwardCheck, KinkBackward, redraw, sigmoid
from autograder.datasets import digits_split

PARAM_NAMES = ("W1", "b1", "W2", "b2")


# --------------------------------------------------------------------------- case drawers
def _affine(rng, shape, dout=False):
    n, d, m = shape
    inputs = {"x": rng.normal(size=(n, d)), "W": rng.normal(size=(d, m)), "b": rng.normal(size=m)}
    if dout:
        inputs["dout"] = rng.normal(size=(n, m))
    return f"N={n}, D={d}, M={m}", inputs


def _relu(rng, shape, zeros=True):
    x = rng.normal(size=shape)
    if zeros:
        x.flat[::4] = 0.0                 # exact zeros: the kink, where relu is 0
    return f"x of shape {shape}", {"x": x}


def _relu_dout(rng, shape, kink=False):
    x = rng.normal(size=shape)              # none closer than 1e-3 to the kink, unless placed there
    x[np.abs(x) < 1e-3] = np.copysign(1e-3, x[np.abs(x) < 1e-3])
    label = f"x of shape {shape}"
    if kink:
        x.flat[::3] = rng.choice([0.0, 1e-7, -1e-7], size=x.flat[::3].shape)
        label += ", some entries at or next to 0"
    return label, {"x": x, "dout": rng.normal(size=shape)}


def _sigmoid(rng, shape, scale=3.0, extremes=False):
    x = rng.normal(scale=scale, size=shape)
    if extremes:
        x.flat[:4] = [-800.0, 800.0, -50.0, 50.0][:x.size]
    return f"x of shape {shape}" + (", with |x| up to 800" if extremes else ""), {"x": x}


def _sigmoid_dout(rng, shape, scale=2.0):
    x = np.clip(rng.normal(scale=scale, size=shape), -6.0, 6.0)
    return f"x of shape {shape}", {"x": x, "out": sigmoid(x), "dout": rng.normal(size=shape)}


# --------------------------------------------------------------------------- layers
check_affine_forward = ForwardCheck(
    "affine_forward", args=("x", "W", "b"), shapes=((4, 5, 3), (3, 4, 4)), draw=_affine,
    hints={"value": "Each row of out is one example: its row of x times W, plus b."})
check_affine_backward = BackwardCheck(
    "affine_backward", wrt=("x", "W", "b"), cache=lambda i: (i["x"], i["W"], i["b"]), points=3,
    shapes=((4, 5, 3), (3, 4, 4)), draw=lambda rng, shape: _affine(rng, shape, dout=True),
    hints={"transpose": "Match the shapes: dW is (D, M) like W, and it pairs x (N, D) with dout (N, M).",
           "shape": "Every gradient has the shape of its variable: dx (N, D) like x, dW (D, M) like W.",
           "db shape": "db has the shape of b, (M,): one entry per output, summed over the N examples.",
           "scale": "b is added to every row of out: how do the rows' gradients combine?"})
check_relu_forward = ForwardCheck("relu_forward", shapes=((4, 5), (2, 3, 2)), draw=_relu)
check_relu_backward = KinkBackward(
    "relu_backward", cache=lambda i: i["x"], draw=_relu_dout,
    hints={"mismatch": "The gradient passes where the unit was on in the forward pass and is "
                       "blocked where it was off; the cache holds the forward pass's input."})
check_sigmoid_forward = ForwardCheck(
    "sigmoid_forward", shapes=((4, 5), (6,)), draw=_sigmoid,
    hints={"value": "sigmoid(x) = 1 / (1 + exp(-x)); if the wrong values are at large |x|, look for an "
                    "exp that overflows."})
check_sigmoid_backward = BackwardCheck(
    "sigmoid_backward", cache=lambda i: i["out"], shapes=((4, 5), (6,)), draw=_sigmoid_dout,
    hints={"mismatch": "The cache holds the sigmoid's output s, not its input; write the slope with s."})


# --------------------------------------------------------------------------- the two-layer net
def _two_layer(rng, n, d, h, c, near_kink=False):
    """params (W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)), X (N, D), y (N,) with every hidden unit further from
    its kink than a central-difference step can move it; near_kink: the first example's units 2e-3 from it."""
    def draw():
        params = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
                  "W2": rng.normal(size=(h, c)), "b2": rng.normal(size=c)}
        X, y = rng.normal(size=(n, d)), rng.integers(0, c, size=n)
        if near_kink:
            params["b1"] = -X[0] @ params["W1"] + rng.choice([-2e-3, 2e-3], size=h)
        return {"params": params, "X": X, "y": y}
    return redraw(draw, lambda v: np.all(np.abs(v["X"] @ v["params"]["W1"] + v["params"]["b1"]) > 1e-3))


class TwoLayerLoss(Check):
    """two_layer_loss: the loss value and the four gradients against central differences."""

    def cases(self, seed, sizes=((5, 4, 6, 3),), reg=0.1, near_kink=False):
        rng = np.random.default_rng(seed)
        kink = ", units near their kink" if near_kink else ""
        return [Case(f"N={n}, D={d}, H={h}, C={c}, reg {reg:g}{kink}",
                     {**_two_layer(rng, n, d, h, c, near_kink), "reg": reg}) for n, d, h, c in sizes]

    def call(self, inputs, two_layer_loss):
        loss, grads = two_layer_loss(inputs["params"], inputs["X"], inputs["y"], inputs["reg"])
        return {"loss": float(loss), **{"d" + n: grads[n] for n in PARAM_NAMES}}

    def expected(self, inputs, ref):
        params, X, y, reg = inputs["params"], inputs["X"], inputs["y"], inputs["reg"]
        return {"loss": ref.two_layer_loss(params, X, y, reg)[0],
                **param_grads(lambda p: ref.two_layer_loss(p, X, y, reg)[0], params)}

    def judge(self, inputs, outputs, expected):
        return [scalar_finding("loss", outputs["loss"], expected["loss"])] + grad_findings(
            outputs, expected, ["d" + p for p in PARAM_NAMES])


# --------------------------------------------------------------------------- the training loop
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


class TrainTwoLayer(Check):
    """train_two_layer on the digits (autograder.datasets.digits_split). The judge computes the test
    accuracy of the returned parameters itself and compares them with a reference run from the same
    start, on the same visiting order."""
    protocol = ("Follow the stated protocol: one generator made once from seed, one permutation per epoch, "
                "batches order[k:k + batch_size], and W <- W - learning_rate * dW for every parameter after "
                "every batch, for every epoch.")
    HYPER = ("learning_rate", "batch_size", "epochs", "reg", "seed")

    def cases(self, seed, hidden=32, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4,
              n_train=None, min_accuracy=0.95):
        label = (f"digits, {n_train or 'all'} training images, H={hidden}, lr {learning_rate:g}, "
                 f"batch {batch_size}, {epochs} epoch{'s' if epochs != 1 else ''}")
        return [Case(label, {"hidden": hidden, "learning_rate": learning_rate, "batch_size": batch_size,
                             "epochs": epochs, "reg": reg, "n_train": n_train, "seed": seed,
                             "min_accuracy": min_accuracy})]

    def prepare(self, inputs):
        X, y, _, _ = digits_split()
        if inputs["n_train"]:
            X, y = X[:inputs["n_train"]], y[:inputs["n_train"]]
        return {"params": init_two_layer(X.shape[1], inputs["hidden"], 10, inputs["seed"]), "X": X, "y": y,
                "hyper": [inputs[k] for k in self.HYPER]}

    def call(self, args, train_two_layer):
        with blas_one_thread():
            trained = train_two_layer(args["params"], args["X"], args["y"], *args["hyper"])
        return {name: np.asarray(trained[name], dtype=np.float64) for name in PARAM_NAMES}

    def expected(self, inputs, ref):
        trained = super().expected(inputs, ref)
        return {**trained, "accuracy": two_layer_accuracy(trained, *digits_split()[2:])}

    def judge(self, inputs, outputs, expected):
        params = {name: np.asarray(outputs[name], dtype=np.float64) for name in PARAM_NAMES}
        for name in PARAM_NAMES:
            if params[name].shape != expected[name].shape:
                return [Finding(name, False, f"the returned {name} has shape {params[name].shape}, expected "
                                             f"{expected[name].shape}.", "shape")]
        _, _, X_test, y_test = digits_split()
        return reference_run_findings(
            [params[n] for n in PARAM_NAMES], [expected[n] for n in PARAM_NAMES],
            two_layer_accuracy(params, X_test, y_test), len(y_test), inputs["min_accuracy"], expected["accuracy"],
            "Does every parameter move against its gradient, after every batch, in every epoch?", self.protocol)


check_two_layer_loss = TwoLayerLoss(
    "two_layer_loss", points=5, parts={name: globals()["check_" + name] for name in (
        "affine_forward", "affine_backward", "relu_forward", "relu_backward")},
    hints={"mismatch": "Check the penalty's share (reg / 2 * sum(W^2) gives reg * W, biases get none), "
                       "then follow the backward pass layer by layer, every layer's backward in turn.",
           "scale": "Is the loss an average over the batch, and is its gradient divided the same way?",
           "shape": "Every gradient has the shape of its parameter."})
check_train_two_layer = TrainTwoLayer("train_two_layer", points=3, parts={"two_layer_loss": check_two_layer_loss})


# --------------------------------------------------------------------------- further graded parts
# Nielsen's network and the reading of its gradient; CS224n's activations, initialisations and
# preprocessing (defined in their part modules, which state their interfaces).
from autograder.checks.ch05_neural_nets_activations import (  # noqa: E402,F401
    check_hard_tanh_backward, check_hard_tanh_forward, check_he_init, check_leaky_relu_backward,
    check_leaky_relu_forward, check_preprocess, check_softsign_backward, check_softsign_forward,
    check_xavier_init)
from autograder.checks.ch05_neural_nets_network import (  # noqa: E402,F401
    check_network, check_rank_weights, check_restarts, digits_columns, network_accuracy)

load_digits_split = digits_split     # the notebook's name for the digits as rows (N, 64)
