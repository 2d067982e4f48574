"""Checks of chapter 3, part three: forward passes of two nodes, the update step and a training
loop on the student's own engine (the objects of solutions/ch03_backprop_graph.py and
solutions/ch03_backprop_train.py).

    Linear, Sigmoid                        node classes; forward() sets self.value
    sgd_update(trainables, learning_rate)  each node's value moves by -learning_rate * gradients[node]
    train_graph(X, y, params, epochs, learning_rate) -> (params, costs)
        params {"W1": (D, H), "b1": (H,), "W2": (H, 1), "b2": (1,)}; costs (epochs,)

A forward is judged by the value it sets on stand-in input nodes. The update is judged on stand-in
trainables: the change of each value, and that the arrays it was fed are left as they were. The
training loop runs the student's classes through the student's function; its costs, epoch by
epoch, are compared with gradient descent whose gradients are central differences of the network's
cost written in plain numpy (independent of every engine), and on the course's starting weights
the cost it reaches must fall below ``TARGET``. These checks belong to chapter 3 (SLUG); its check
module re-exports them.
"""
import numpy as np

from autograder import gradcheck
from autograder.checks.base import Case, Check, Finding, value_finding
from autograder.checks.families import sigmoid
from autograder.checks.ch03_backprop_graph import NodeCheck, _signed, _Vertex, _wire
from autograder.datasets import wave, wave_start

SLUG = "ch03_backprop"
PARAMS = ("W1", "b1", "W2", "b2")
TARGET = 0.02            #: the cost the course's run must reach
COURSE_EPOCHS = 800      #: in this many epochs, at learning rate 0.5, from datasets.wave_start()


# --------------------------------------------------------------------------- forward passes
class NodeForward(NodeCheck):
    """Grades the forward method of a node class: the value it sets, against the reference node's.
    ``layout(rng, spec) -> (label, values, wiring)`` is declared with the instance, ``layouts`` the
    default specs. A changed input (written into, or given a new value) is its judge's own finding."""
    method = "forward"
    guard = ""

    def call(self, inputs, node_cls):
        node, sources = _wire(node_cls, inputs["values"], inputs["wiring"])
        value = None if node.value is None else np.asarray(node.value, dtype=np.float64)
        after = {n: np.asarray(s.value, dtype=np.float64) for n, s in sources.items()}
        return {"value": value, "inputs_after": after}

    def expected(self, inputs, ref):
        return {"value": _wire(getattr(ref, self.node), inputs["values"], inputs["wiring"])[0].value}

    def judge(self, inputs, outputs, expected):
        changed = [n for n, v in inputs["values"].items()
                   if not np.array_equal(np.asarray(v), outputs["inputs_after"][n])]
        if changed:
            return [Finding("inputs", False, f"{self.node}.forward changed the value of its input "
                            f"{', '.join(changed)}; compute a new array.", "value")]
        if outputs["value"] is None:
            return [Finding("value", False, f"{self.node}.forward left self.value as None: "
                            "store the result in self.value.", "shape")]
        return [value_finding("value", outputs["value"], expected["value"])]


def _linear_layout(rng, spec):
    n, d, m = spec
    values = {"X": _signed(rng, (n, d)), "W": _signed(rng, (d, m)), "b": _signed(rng, (m,))}
    return f"Linear with N={n}, D={d}, M={m}", values, ["X", "W", "b"]


def _sigmoid_layout(rng, spec):
    shape, spread = tuple(spec[0]), spec[1]
    return (f"Sigmoid of shape {shape}, inputs up to {spread:g} in size",
            {"z": _signed(rng, shape, 0.1, spread)}, ["z"])


# --------------------------------------------------------------------------- the update step
class SgdUpdate(Check):
    """Grades sgd_update(trainables, learning_rate) on stand-in nodes holding ``value`` and
    ``gradients[node]``. ``shapes``: the trainables' shapes; ``default_rate``: call without a rate.
    A changed fed array is judged here (its own finding, "fed arrays")."""
    guard = ""

    def cases(self, seed, shapes=((2, 3), (3,), (3, 1), (1,)), default_rate=False):
        rng = np.random.default_rng(seed)
        rate = None if default_rate else float(rng.uniform(0.05, 0.5))
        values = [rng.normal(size=s) for s in shapes]
        grads = [_signed(rng, tuple(s)) for s in shapes]
        text = "the default learning rate" if default_rate else f"learning_rate={rate:.4g}"
        return [Case(f"{len(shapes)} trainables of shapes {', '.join(str(tuple(s)) for s in shapes)}, {text}",
                     {"values": values, "grads": grads, "rate": rate})]

    def call(self, inputs, sgd_update):
        nodes = [_Vertex(f"t{k}", value=v) for k, v in enumerate(inputs["values"])]   # the very arrays fed
        for node, g in zip(nodes, inputs["grads"]):
            node.gradients = {node: np.array(g, dtype=np.float64)}
        sgd_update(nodes, *([] if inputs["rate"] is None else [inputs["rate"]]))
        return {"new": [np.asarray(n.value, dtype=np.float64) for n in nodes]}

    def expected(self, inputs, ref):
        rate = 1e-2 if inputs["rate"] is None else inputs["rate"]
        return {"change": [-rate * np.asarray(g) for g in inputs["grads"]]}

    def judge(self, inputs, outputs, expected):
        found = []
        for k, (before, new, want) in enumerate(zip(inputs["values"], outputs["new"], expected["change"])):
            f = value_finding(f"change of trainable {k}", np.asarray(new) - before, want)
            if f.diagnosis == "zero":
                f.message += " This node's value did not move: update every node of trainables."
            found.append(f)
        if not outputs["unchanged"]:
            found.append(Finding("fed arrays", False, "sgd_update wrote into the arrays the nodes were fed "
                                 "(value -= ...): the caller's data changed. Give each node a new array: "
                                 "node.value = node.value - ...", "value"))
        return found


# --------------------------------------------------------------------------- training on the engine
def _cost(theta, X, y, hidden):
    """Costs of the network for a batch of flat parameter vectors theta (K, P); (K,)."""
    d = X.shape[1]
    W1 = theta[:, :d * hidden].reshape(-1, d, hidden)
    b1 = theta[:, d * hidden:(d + 1) * hidden]
    W2 = theta[:, (d + 1) * hidden:(d + 2) * hidden]
    b2 = theta[:, -1]
    h = sigmoid(np.einsum("nd,kdh->knh", X, W1) + b1[:, None, :])
    out = np.einsum("knh,kh->kn", h, W2) + b2[:, None]
    return np.mean((y.reshape(1, -1) - out) ** 2, axis=1)


def _flat(params):
    return np.concatenate([np.ravel(params[k]) for k in PARAMS])


def numerical_descent(X, y, params, epochs, learning_rate, h=gradcheck.H):
    """Full-batch gradient descent on the network's cost with central-difference gradients.
    Returns (final flat parameters (P,), costs (epochs,))."""
    hidden = np.shape(params["b1"])[0]
    theta = _flat(params).astype(np.float64)
    steps = h * np.eye(theta.size)
    costs = []
    for _ in range(int(epochs)):
        both = _cost(np.vstack([theta[None], theta + steps, theta - steps]), X, y, hidden)
        costs.append(both[0])
        grad = (both[1:1 + theta.size] - both[1 + theta.size:]) / (2 * h)
        theta = theta - learning_rate * grad
    return theta, np.array(costs)


class TrainGraph(Check):
    """Grades train_graph. ``start``: "course" (datasets.wave_start(): the cost must fall below
    TARGET) or "random" (weights drawn from the seed). Changing the given arrays costs the case."""
    guard = "case"

    def cases(self, seed, n=30, hidden=8, epochs=COURSE_EPOCHS, learning_rate=0.5, start="course"):
        rng = np.random.default_rng(seed)
        X, y = wave(n)
        course = start == "course"
        params = wave_start(hidden) if course else wave_start(hidden, seed=int(rng.integers(2 ** 31)))
        origin = "the course's start" if course else "random start"
        return [Case(f"the wave ({n} points), {origin}, {hidden} hidden units, {epochs} epochs at learning "
                     f"rate {learning_rate:g}",
                     {"X": X, "y": y, "params": params, "epochs": int(epochs),
                      "learning_rate": float(learning_rate), "target": course})]

    def call(self, inputs, train_graph):
        params, costs = train_graph(inputs["X"], inputs["y"], inputs["params"], inputs["epochs"],
                                    inputs["learning_rate"])
        return {"params": {k: np.asarray(params[k], dtype=np.float64) for k in PARAMS if k in params},
                "costs": np.asarray(costs, dtype=np.float64)}

    def expected(self, inputs, ref):
        theta, costs = numerical_descent(inputs["X"], inputs["y"], inputs["params"], inputs["epochs"],
                                         inputs["learning_rate"])
        return {"theta": theta, "costs": costs}

    def judge(self, inputs, outputs, expected):
        X, y, hidden = inputs["X"], inputs["y"], np.shape(inputs["params"]["b1"])[0]
        theta = _flat(outputs["params"])
        if theta.shape != expected["theta"].shape:
            return [Finding("params", False, f"the returned parameters hold {theta.size} numbers, "
                            f"expected {expected['theta'].size} (W1, b1, W2, b2 of the given shapes).", "shape")]
        costs = value_finding("costs", outputs["costs"], expected["costs"], tol=gradcheck.LOOSE_TOLERANCE)
        if not costs.passed and costs.diagnosis != "shape":
            got, want = outputs["costs"], expected["costs"]
            t = int(np.argmax(~np.isclose(got, want, rtol=1e-4, atol=1e-12)))
            costs.message = (f"the cost before update {t} is {got[t]:.6g}, expected {want[t]:.6g}. Sort the "
                             "graph once, then per epoch: forward_and_backward, record the cost, "
                             "sgd_update of W1, b1, W2 and b2.")
        elif costs.diagnosis == "shape":
            costs.message += f" Record one cost per epoch ({inputs['epochs']}), before each update."
        final = float(_cost(theta[None], X, y, hidden)[0])
        want = float(_cost(expected["theta"][None], X, y, hidden)[0])
        ok = np.isfinite(final) and final <= (TARGET if inputs["target"] else want * (1 + 1e-4) + 1e-12)
        goal = f"below {TARGET:g}" if inputs["target"] else f"to the reference's {want:.4g}"
        reached = Finding("final cost", bool(ok), f"the returned parameters have cost {final:.4g}; it should "
                          f"come down {goal}.", "ok" if ok else "value")
        return [costs, reached]


check_linear_forward = NodeForward(
    "Linear", points=1, default_seed=31, layout=_linear_layout, layouts=((4, 3, 2), (1, 2, 5)),
    hints={"value": "Multiply the batch X (N, D) by W (D, M), then add b (M,) to every row."})
check_sigmoid_forward = NodeForward(
    "Sigmoid", points=1, default_seed=32, layout=_sigmoid_layout, layouts=(((3, 4), 3.0),),
    hints={"value": "The sigmoid is 1 / (1 + exp(-z)) elementwise, applied to the inbound node's value."})
check_sgd_update = SgdUpdate(
    "sgd_update", points=1, default_seed=33,
    hints={"sign": "Descent moves each value against its gradient.",
           "scale": "Each value moves by learning_rate times its gradient, gradients[node]."})
check_train_graph = TrainGraph("train_graph", points=3, default_seed=34)
