"""Checks of chapter 4: the SVM's pull rule, its update, its cost with gradient, its training loop.

Graded objects and their signatures (as in the notebook and in solutions/ch04_svm.py):

    svm_pull(score, label) -> +1.0, -1.0 or 0.0
    svm_update(w, point, label, step_size, reg) -> new w (3,)         w = [a, b, c]
    svm_cost_forward(w, X, y, alpha) -> (cost, cache);  svm_cost_backward(dcost, cache) -> dw (3,)
    train_svm(X, y, order, w0, step_size, reg) -> w (3,)

See base.py for the four steps every check defines.
"""
import numpy as np

from autograder.checks.base import (Case, Check, Finding, array_finding, grad_findings, numeric_grads,
                                    scalar_finding, value_finding)
from autograder.checks.families import redraw
from autograder.checks.findings import training_findings
from autograder.datasets import SVM_COST_EXAMPLE, SVM_POINTS


def _count(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def _scores(w, X):
    return X @ w[:2] + w[2]


def _w_problem(w):
    """The Finding for a returned w that is not an array of 3 floats (a, b, c), else None."""
    wrong_shape = isinstance(w, np.ndarray) and w.shape != (3,)
    return array_finding("w", w) or (Finding("w", False, f"w has shape (3,), the returned one {w.shape}.", "shape")
                                     if wrong_shape else None)


# --------------------------------------------------------------------------- the pull rule
class SvmPull(Check):
    """svm_pull(score, label) on many (score, label) pairs."""

    def cases(self, seed, n=8, margin=True):
        rng = np.random.default_rng(seed)
        out = [Case(f"{text}, {_count(n, 'score')}",
                    {"scores": rng.uniform(-3.0, 3.0, size=n), "labels": np.full(n, label)})
               for label, text in ((1.0, "positive points"), (-1.0, "negative points"))]
        if margin:
            scores = np.array([1.0, -1.0, 1.0, -1.0, 1.0 - 1e-9, -1.0 + 1e-9, 1.0 + 1e-9, -1.0 - 1e-9])
            labels = np.array([1.0, -1.0, -1.0, 1.0, 1.0, -1.0, 1.0, -1.0])
            out.append(Case("scores on and next to the margin", {"scores": scores, "labels": labels}))
        return out

    def call(self, inputs, svm_pull):
        return {"pulls": np.array([float(svm_pull(float(s), float(l)))
                                   for s, l in zip(inputs["scores"], inputs["labels"])])}

    def judge(self, inputs, outputs, expected):
        got, want = np.asarray(outputs["pulls"], dtype=np.float64), expected["pulls"]
        if got.shape != want.shape:
            return [Finding("pull", False, f"expected {want.size} pulls, got {got.size}.", "shape")]
        bad = np.flatnonzero(got != want)
        if bad.size == 0:
            return [Finding("pull", True, "every pull is right.")]
        examples = "; ".join(f"score {inputs['scores'][i]:.10g} with label {inputs['labels'][i]:+.0f}: "
                             f"your pull {got[i]:g}, expected {want[i]:g}" for i in bad[:3])
        diagnosis = "sign" if np.array_equal(got, -want) and np.any(want) else "value"
        return [Finding("pull", False, f"{bad.size} of {want.size} pulls are wrong ({examples}).", diagnosis)]


# --------------------------------------------------------------------------- one update
class SvmUpdate(Check):
    """svm_update(w, point, label, step_size, reg): the change of w is compared with the reference's."""
    kinds_text = {"up": "a positive point pulled up", "down": "a negative point pulled down",
                  "none": "a point beyond the margin", "margin": "a point exactly on the margin"}

    def cases(self, seed, step_size=0.01, reg=0.1, kinds=("up", "down", "none")):
        rng = np.random.default_rng(seed)
        return [Case(f"{self.kinds_text[kind]} (step {step_size:g}, reg {reg:g})",
                     {**self.draw(rng, kind), "step_size": step_size, "reg": reg}) for kind in kinds]

    @staticmethod
    def draw(rng, kind):
        """{"w", "point", "label"}: a point pulled the way ``kind`` says (or not, for "none"), away from the
        margin; for "margin", exactly on it."""
        def draw():
            w, point = rng.normal(size=3), rng.normal(scale=1.5, size=2)
            label = float(rng.choice([-1.0, 1.0])) if kind == "margin" else (-1.0 if kind == "down" else 1.0)
            return w, point, label

        def fits(v):
            m = v[2] * float(_scores(v[0], v[1][None])[0])
            return kind == "margin" or (abs(m - 1.0) > 1e-3 and (m < 1.0) == (kind != "none"))
        w, point, label = redraw(draw, fits)
        if kind == "margin":          # quarters: the score is exactly +-1 in any order of operations
            w, point = rng.integers(-8, 9, size=3) / 4.0, rng.integers(-8, 9, size=2) / 4.0
            w[2] = label - (w[0] * point[0] + w[1] * point[1])
        return {"w": w, "point": point, "label": label}

    def call(self, inputs, svm_update):
        return {"w": svm_update(inputs["w"], inputs["point"], inputs["label"], inputs["step_size"], inputs["reg"])}

    def expected(self, inputs, ref):
        return {"change": np.asarray(super().expected(inputs, ref)["w"]) - inputs["w"]}

    def judge(self, inputs, outputs, expected):
        got = outputs["w"]
        return [_w_problem(got)
                or value_finding("change of (a, b, c)", got - inputs["w"], expected["change"], tol=1e-9)]


# --------------------------------------------------------------------------- the cost and its gradient
class SvmCost(Check):
    """svm_cost_forward / svm_cost_backward: the cost value and dw against central differences."""

    def cases(self, seed, sizes=(6,), alpha=0.1, worked=True, near_margin=False):
        rng = np.random.default_rng(seed)
        out = []
        if worked:
            out.append(Case("the worked example (total 1.815)",
                            {**{k: np.array(v) if isinstance(v, tuple) else v for k, v in SVM_COST_EXAMPLE.items()},
                             "dcost": float(rng.uniform(0.5, 2.0))}))
        for n in sizes:
            y = rng.choice([-1.0, 1.0], size=n)
            def draw():
                w, X = rng.normal(size=3), rng.normal(scale=1.5, size=(n, 2))
                if near_margin:               # margins 1 +- 2e-3: close to the kink, not across it
                    X[:, 0] += (1.0 + rng.choice([-2e-3, 2e-3], size=n) - y * _scores(w, X)) / (y * w[0])
                return w, X
            w, X = redraw(draw, lambda v: np.all(np.abs(y * _scores(*v) - 1.0) > 1e-3) and abs(v[0][0]) > 0.1)
            label = f"{_count(n, 'point')}, alpha {alpha:g}" + (", every margin near 1" if near_margin else "")
            out.append(Case(label, {"w": w, "X": X, "y": y, "alpha": alpha,
                                    "dcost": float(rng.uniform(0.5, 2.0))}))
        return out

    def call(self, inputs, svm_cost_forward, svm_cost_backward):
        cost, cache = svm_cost_forward(inputs["w"], inputs["X"], inputs["y"], inputs["alpha"])
        dw = svm_cost_backward(inputs["dcost"], cache)
        return {"cost": float(cost), "dw": dw}

    def expected(self, inputs, ref):
        def cost(w):
            return ref.svm_cost_forward(w, inputs["X"], inputs["y"], inputs["alpha"])[0]
        return {"cost": cost(inputs["w"].copy()), **numeric_grads(cost, {"w": inputs["w"]}, ["w"], inputs["dcost"])}

    def judge(self, inputs, outputs, expected):
        return [scalar_finding("cost", outputs["cost"], expected["cost"])] + grad_findings(outputs, expected, ["dw"])


# --------------------------------------------------------------------------- the training loop
def separable_points(rng, n):
    """n points in [-3, 3]^2 labelled by a random line, none closer to it than 0.3."""
    normal = rng.normal(size=2)
    normal /= np.linalg.norm(normal)
    offset = rng.uniform(-0.5, 0.5)
    X = np.empty((0, 2))
    while len(X) < n:
        cand = rng.uniform(-3.0, 3.0, size=(4 * n, 2))
        X = np.vstack([X, cand[np.abs(cand @ normal + offset) > 0.3]])
    X = X[:n]
    return X, np.where(X @ normal + offset > 0, 1.0, -1.0)


def accuracy(scores, y):
    """The share of the points whose score has the sign of their label (a score of 0 counts as -1)."""
    return float(np.mean(np.where(scores > 0, 1.0, -1.0) == y))


class TrainingCheck(Check):
    """Grades a training loop ``train(X, y, order, <start>, step_size, reg) -> parameters``, one update per
    entry of ``order`` in turn: its result against the reference run's (``loop_hint`` added when they
    differ) and the training accuracy of what it returns, computed here. The case: the six points
    (``data="six"``) or ``n`` separable ones, ``iterations`` updates. Declared with what differs from the
    SVM's w (3,), functions as plain functions:
        draw_start(rng, data)         the starting parameters, named ``start`` in the case's inputs
        read(got)                     the parameters as ``scores(params, X)`` takes them, or the Finding
                                      that says why ``got`` is not parameters
        returned(got), plain(params)  what ``call`` keeps of a result; the reference's result as stored
        key, what, classifies         the result's name in the outputs; its names in training_findings"""
    start, key, what, classifies = "w0", "w", "w", "the returned parameters classify"
    iterations, n = 400, 6
    scores, read = staticmethod(_scores), staticmethod(lambda w: _w_problem(w) or w)
    returned = plain = staticmethod(lambda got: got)

    @staticmethod
    def draw_start(rng, data):
        return np.array(SVM_POINTS["w0"]) if data == "six" else rng.normal(size=3)

    @staticmethod
    def flat(params):
        """The parameters as one vector (a dict's values in order)."""
        return np.concatenate([np.ravel(v) for v in params.values()]) if isinstance(params, dict) else params

    def cases(self, seed, iterations=None, data="six", n=None, step_size=0.01, reg=0.1):
        rng, n = np.random.default_rng(seed), self.n if n is None else n
        X, y = (np.array(SVM_POINTS["X"]), np.array(SVM_POINTS["y"])) if data == "six" else separable_points(rng, n)
        start = self.draw_start(rng, data)
        order = rng.integers(0, len(y), size=self.iterations if iterations is None else iterations)
        where = "the six points" if data == "six" else f"{n} separable points"
        return [Case(f"{where}, {_count(len(order), 'update')}", {"X": X, "y": y, "order": order, self.start: start,
                                                                   "step_size": float(step_size), "reg": float(reg)})]

    def call(self, inputs, train):
        args = [inputs[k] for k in ("X", "y", "order", self.start, "step_size", "reg")]
        return {self.key: self.returned(train(*args))}

    def expected(self, inputs, ref):
        new = super().expected(inputs, ref)[self.key]
        return {self.key: self.plain(new), "accuracy": accuracy(self.scores(self.read(new), inputs["X"]), inputs["y"])}

    def judge(self, inputs, outputs, expected):
        got = self.read(outputs[self.key])
        if isinstance(got, Finding):
            return [got]
        reached = accuracy(self.scores(got, inputs["X"]), inputs["y"])
        return training_findings(self.what, self.flat(got), self.flat(self.read(expected[self.key])),
                                 len(inputs["order"]), self.loop_hint, reached, expected["accuracy"], self.classifies)


check_svm_pull = SvmPull("svm_pull", hints={"sign": "The pull should point towards the side the label asks for."})
check_svm_update = SvmUpdate("svm_update", points=2, guard="case", parts={"svm_pull": check_svm_pull}, hints={
    "sign": "The parameters should move along the pull, not against it.",
    "scale": "Check where the step size enters the update.",
    "zero": "Your update leaves w where it was: every parameter must move by the step size times its total pull.",
    "value": "Recall which parameters have springs attached, and which way each spring pulls."})
check_svm_cost = SvmCost("svm_cost_forward", "svm_cost_backward", points=3, hints={
    "upstream": "svm_cost_backward receives dcost: every gradient it returns is scaled by it.",
    "mismatch": "Take it term by term: which points contribute to dw, and what does the penalty "
                "alpha * (a^2 + b^2) add to each of a, b and c?"})
check_train_svm = TrainingCheck(
    "train_svm", points=2, parts={"svm_update": check_svm_update},
    loop_hint="Your loop should make exactly one svm_update per entry of order, in turn, each starting "
              "from the result of the previous one.")
