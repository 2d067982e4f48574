"""Checks of chapter 1, part two: training by hand (the objects of solutions/ch01_circuits_search.py).

    neuron_random_search(params, x, y, steps, tweak_amount, rng) -> (best (3,), outputs (steps+1,))
    relu_net_pull_step(params, point, label, step_size, reg) -> new params
    train_relu_net(X, y, order, params, step_size, reg) -> new params
    params = {"W1": (3, 2), "b1": (3,), "w2": (3,), "b2": float}

Random search is judged on a random stream the check fixes (``np.random.default_rng(stream)``
handed in as ``rng``): the student's outputs step by step against the reference's on the same
stream, and whether the output rose. The pull step is judged against central differences of the
reference net's score: the change of each parameter must be step_size * (pull * d(score)/d(param)
- reg * param for the weights). The training loop is judged by its result after the given updates
and by the training accuracy of what it returns. These checks belong to chapter 1 (SLUG); its
check module re-exports them.
"""
import numpy as np

from autograder.checks.base import Case, Check, Finding, array_finding, param_grads, value_finding
from autograder.checks.ch04_svm import TrainingCheck, _count
from autograder.checks.families import redraw

SLUG = "ch01_circuits"
KEYS = ("W1", "b1", "w2", "b2")
SHAPES = {"W1": (3, 2), "b1": (3,), "w2": (3,), "b2": ()}


def _params(rng, scale=0.5):
    """Parameters drawn uniformly in [-scale, scale] (as the material starts a net)."""
    return {"W1": rng.uniform(-scale, scale, (3, 2)), "b1": rng.uniform(-scale, scale, 3),
            "w2": rng.uniform(-scale, scale, 3), "b2": float(rng.uniform(-scale, scale))}


def _as_params(got):
    """The student's params dict as float arrays of the stated shapes; raises ValueError."""
    if not isinstance(got, dict) or set(got) < set(KEYS):
        raise ValueError(f"expected a dict with the keys {', '.join(KEYS)}")
    out = {}
    for k in KEYS:
        arr = np.asarray(got[k], dtype=np.float64)
        if arr.shape != SHAPES[k]:
            raise ValueError(f"params['{k}'] has shape {arr.shape}, expected {SHAPES[k]}")
        out[k] = arr
    return out


def _read(fn, got):
    """``got`` as _as_params gives it, or the Finding that says why what ``fn`` returned is not params."""
    try:
        return _as_params(got)
    except ValueError as err:
        return Finding("params", False, f"{fn} returned {err}.", "shape")


def _kept(new):
    """What a check keeps of returned params: the dict's KEYS (anything else as it is)."""
    return {k: new[k] for k in KEYS if k in new} if isinstance(new, dict) else new


def _plain(params):
    """A params dict as the check hands it back (arrays, b2 a float)."""
    return {**_as_params(params), "b2": float(np.asarray(params["b2"]))}


def _scores(params, X):
    hidden = np.maximum(0.0, X @ params["W1"].T + params["b1"])
    return hidden @ params["w2"] + params["b2"]


# --------------------------------------------------------------------------- random search
class NeuronRandomSearch(Check):
    """Grades neuron_random_search on the worked neuron and on random ones, with the random stream
    fixed by the case. Changing the given parameters costs the case."""
    guard = "case"

    def cases(self, seed, settings=(("worked", 100, 0.01), ("random", 50, 0.05))):
        rng = np.random.default_rng(seed)
        out = []
        for start, steps, tweak in settings:
            if start == "worked":
                params, x, y = np.array([1.0, 2.0, -3.0]), -1.0, 3.0
                label = "the worked neuron a=1, b=2, c=-3 at x=-1, y=3"
            else:
                params, (x, y) = rng.uniform(-1.5, 1.5, size=3), rng.uniform(-2.0, 2.0, size=2)
                label = "a random neuron"
            out.append(Case(f"{label}, {_count(steps, 'step')} of size {tweak:g}",
                            {"params": params, "x": float(x), "y": float(y), "steps": int(steps),
                             "tweak_amount": float(tweak), "stream": int(rng.integers(2 ** 31))}))
        return out

    def call(self, inputs, search):
        rng = np.random.default_rng(inputs["stream"])
        best, outputs = search(inputs["params"], inputs["x"], inputs["y"], inputs["steps"],
                               inputs["tweak_amount"], rng)
        return {"best": best, "outputs": outputs}

    def judge(self, inputs, outputs, expected):
        wrong_form = array_finding("outputs", outputs["outputs"]) or array_finding("best", outputs["best"])
        if wrong_form:
            return [wrong_form]
        got, want = outputs["outputs"], expected["outputs"]
        steps = inputs["steps"]
        if got.shape != want.shape:
            return [Finding("outputs", False, f"outputs has shape {got.shape}; expected ({steps + 1},): "
                            "the starting output, then the best output after each step.", "shape")]
        # it must never fall, and rise whenever the reference's run rises on this stream
        rose = bool(np.all(np.diff(got) >= 0) and (got[-1] > got[0] or want[-1] == want[0]))
        fell = bool(got[-1] < got[0])
        improve = Finding("improvement", rose,
                          f"the output went from {got[0]:.6g} to {got[-1]:.6g}"
                          + (", never falling." if rose else
                             ": it fell. Keep a tweak only when it gives a LARGER output." if fell else
                             ": it must rise and never fall. Keep the best parameters so far, and tweak "
                             "those."), "ok" if rose else "sign" if fell else "value")
        traj = value_finding("outputs", got, want, tol=1e-9)
        if not traj.passed and traj.diagnosis == "value":
            t = int(np.argmax(~np.isclose(got, want, rtol=1e-9, atol=0)))
            traj.message = (f"the best output after step {t} is {got[t]:.10g}, expected {want[t]:.10g} on "
                            "the same random stream. Draw exactly one rng.uniform(-1.0, 1.0, size=3) per "
                            "step, scale it by tweak_amount, add it to the best (a, b, c) so far.")
        best = value_finding("best (a, b, c)", outputs["best"], expected["best"], tol=1e-9)
        return [improve, traj, best]


# --------------------------------------------------------------------------- one pull step
class ReluNetPullStep(Check):
    """Grades relu_net_pull_step: the change of each parameter against step_size times (pull times
    the numerical gradient of the reference score, minus reg times the weight)."""
    guard = "case"
    kinds_text = {"up": "a positive point scoring below 1", "down": "a negative point scoring above -1",
                  "none": "a point beyond the margin (springs only)",
                  "dead": "a point for which one unit does not fire"}

    def cases(self, seed, kinds=("up", "down", "none"), step_size=0.01, reg=0.1):
        rng = np.random.default_rng(seed)
        return [Case(f"{self.kinds_text[kind]} (step {step_size:g}, reg {reg:g})",
                     {**self.draw(rng, kind), "step_size": float(step_size), "reg": float(reg)}) for kind in kinds]

    @staticmethod
    def draw(rng, kind):
        """{"params", "point", "label"}: a point pulled the way ``kind`` says, every unit's pre-activation
        away from its kink and the margin away from 1, at least one unit firing (not all three: "dead")."""
        def fits(v):
            params, point, label = v
            pre = params["W1"] @ point + params["b1"]
            m = label * float(np.maximum(0, pre) @ params["w2"] + params["b2"])
            fired = np.sum(pre > 0)
            return (np.min(np.abs(pre)) > 0.05 and abs(m - 1.0) > 1e-3
                    and (m < 1.0) == (kind != "none") and fired >= 1
                    and (kind != "dead" or fired < 3))
        v = redraw(lambda: (_params(rng, 1.0), rng.normal(scale=1.5, size=2), -1.0 if kind == "down" else 1.0), fits)
        return dict(zip(("params", "point", "label"), v))

    def call(self, inputs, step):
        return {"params": _kept(step(inputs["params"], inputs["point"], inputs["label"],
                                     inputs["step_size"], inputs["reg"]))}

    def expected(self, inputs, ref):
        p, point, label = _as_params(inputs["params"]), np.asarray(inputs["point"], dtype=np.float64), inputs["label"]

        def score(q):
            return float(np.maximum(0.0, q["W1"] @ point + q["b1"]) @ q["w2"] + q["b2"])
        s = score(p)
        pull = 1.0 if label > 0 and s < 1 else -1.0 if label < 0 and s > -1 else 0.0
        grad = param_grads(score, p)
        change = {k: inputs["step_size"] * (pull * grad["d" + k] - (inputs["reg"] * p[k] if k in ("W1", "w2") else 0.0))
                  for k in KEYS}
        return {"change": change, "pull": pull}

    def judge(self, inputs, outputs, expected):
        got, before = _read(self.functions[0], outputs["params"]), _as_params(inputs["params"])
        if isinstance(got, Finding):
            return [got]
        return [value_finding(f"change of {k}", got[k] - before[k], expected["change"][k], tol=1e-6) for k in KEYS]


check_neuron_random_search = NeuronRandomSearch("neuron_random_search", points=2, default_seed=404)
check_relu_net_pull_step = ReluNetPullStep(
    "relu_net_pull_step", points=2, default_seed=405,
    hints={"sign": "The pull is +1 for a positive point below the margin, -1 for a negative one above it; "
                   "each parameter moves ALONG its pull.",
           "scale": "Every parameter moves by step_size times its total pull.",
           "value": "Walk the pull back through the net: the score's pull reaches w2 through the units' "
                    "outputs, a unit's inputs only where it fired; springs (-reg * weight) act on W1 and "
                    "w2, never on the biases."})
check_train_relu_net = TrainingCheck(   # train_relu_net(X, y, order, params, step_size, reg) -> new params
    "train_relu_net", points=2, default_seed=406, guard="case", iterations=1000, n=8,
    start="params", draw_start=lambda rng, data: _params(rng), key="params", returned=_kept, plain=_plain,
    read=lambda got: _read("train_relu_net", got), scores=_scores, what="parameters",
    classifies="the returned net classifies",
    loop_hint="Make exactly one pull update per entry of order, in turn, each from the parameters the "
              "previous one returned.")
