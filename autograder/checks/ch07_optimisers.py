"""Checks of chapter 7, optimisers.

Graded functions (the same names in the notebook and in solutions/ch07_optimisers.py), all but the
last behind the chapter's one interface ``next_w, config = rule(w, dw, config)``:

    sgd_momentum, nesterov, adagrad, rmsprop, adam      update rules; state kept in config
    step_decay(lr0, t, drop, every) -> lr               step annealing

An update rule is run for several steps from a random w with a sequence of random gradients,
starting from a config that holds the hyperparameters and no state, and feeding each returned
config into the next call. Every step w_t - w_(t-1) is compared with the reference rule's step (a
step does not depend on w itself, so one wrong step does not spoil the comparison of the next).
Gradient entries are drawn with sizes between 0.5 and 2, so where epsilon sits (inside or outside
the square root) changes a step by far less than the tolerance. A separate finding checks that
w is not modified in place.
"""
import numpy as np

from autograder import gradcheck
from autograder.checks.base import Case, Check, Finding, array_finding, value_finding
from autograder.checks.families import signed

STEP_TOL = gradcheck.LOOSE_TOLERANCE   #: relative tolerance on each step (see the module docstring)


class RuleCheck(Check):
    """Shared steps of the update-rule checks; an instance names the rule and its hyperparameters."""
    guard = ""            # w changed in place is a finding of its own ("w unchanged")
    hyper = {}            # hyperparameters handed to the rule in config
    step_hints = {}       # diagnosis -> hint added to a wrong step (never the answer)

    def cases(self, seed, shapes=((3, 4), (5,)), steps=3, config=None):
        rng = np.random.default_rng(seed)
        hyper = {**self.hyper, **(config or {})}
        text = ", ".join(f"{k}={v:g}" for k, v in hyper.items())
        return [Case(f"w of shape {tuple(s)}, {steps} steps, {text}",
                     {"w": rng.normal(size=s), "grads": [signed(rng, s) for _ in range(steps)],
                      "config": dict(hyper)}) for s in shapes]

    def call(self, inputs, rule):
        w, config = inputs["w"], dict(inputs["config"])
        path = [np.array(w, dtype=np.float64)]
        for dw in inputs["grads"]:
            next_w, config = rule(w, dw, config)
            path.append(next_w)
            w = np.array(next_w, dtype=np.float64)
        return {"path": path}

    def expected(self, inputs, ref):
        return self.call(inputs, getattr(ref, self.functions[0]))

    def judge(self, inputs, outputs, expected):
        got, want = outputs["path"], expected["path"]
        found = []
        for t in range(1, len(want)):
            what = f"step {t}"
            if t >= len(got):
                found.append(Finding(what, False, f"{what} is missing.", "shape"))
                continue
            if array_finding(f"next_w at {what}", got[t]):
                found.append(array_finding(f"next_w at {what}", got[t]))
                continue
            f = value_finding(what, got[t] - np.asarray(got[t - 1]), want[t] - want[t - 1], tol=STEP_TOL)
            if not f.passed:
                f.message = f"The change of w at {f.message}" + (
                    " The first step is right, so look at the state carried in config from one call to "
                    "the next." if t > 1 and found and found[0].passed else "")
                if f.diagnosis in self.step_hints:
                    f.message += " " + self.step_hints[f.diagnosis]
            found.append(f)
        in_place = not outputs["unchanged"]
        found.append(Finding("w unchanged", not in_place,
                             "w was changed in place: compute a new array (w - ..., not w -= ...)"
                             if in_place else "w itself was left unchanged.", "value" if in_place else "ok"))
        return found


class StepDecayCheck(Check):
    def cases(self, seed, settings=((0.1, 0.5, 10), (1.0, 0.3, 4))):
        rng = np.random.default_rng(seed)
        out = []
        for lr0, drop, every in settings:
            lr0 = float(lr0) * float(rng.uniform(0.5, 2.0))
            ts = list(range(0, 3 * every + 2))
            out.append(Case(f"lr0={lr0:.4g}, drop={drop:g}, every={every}, t = 0..{ts[-1]}",
                            {"lr0": lr0, "drop": float(drop), "every": int(every), "ts": ts}))
        return out

    def call(self, inputs, step_decay):
        return {"rates": [float(step_decay(inputs["lr0"], t, inputs["drop"], inputs["every"]))
                          for t in inputs["ts"]]}

    def expected(self, inputs, ref):
        return self.call(inputs, ref.step_decay)

    def judge(self, inputs, outputs, expected):
        f = value_finding("learning rates", np.array(outputs["rates"]), np.array(expected["rates"]))
        if not f.passed and f.diagnosis != "shape":
            got, want = np.array(outputs["rates"]), np.array(expected["rates"])
            bad = ~np.isclose(got, want, rtol=1e-6, atol=0)
            t = inputs["ts"][int(np.argmax(bad))] if bad.any() else inputs["ts"][0]
            f.message = (f"the rate at t = {t} is {got[t]:.6g}, expected {want[t]:.6g} "
                         f"({int(bad.sum())} of the {len(want)} rates for t = 0..{inputs['ts'][-1]} are wrong)."
                         + (f" Every rate is {got[t] / want[t]:.4g} times the right one."
                            if f.diagnosis == "scale" else ""))
        return [f]


check_sgd_momentum = RuleCheck("sgd_momentum", default_seed=701, hyper={"learning_rate": 0.1, "momentum": 0.9},
                               step_hints={
    "sign": "The velocity must move against the gradient, and w moves by the velocity.",
    "value": "Keep the velocity in config['velocity'] (zeros the first time) and start from it on the next call."})
check_nesterov = RuleCheck("nesterov", default_seed=702, hyper={"learning_rate": 0.1, "momentum": 0.9}, step_hints={
    "sign": "Both parts of the step move against the gradient.",
    "scale": "The step has two parts: momentum times the NEW velocity, and the plain gradient step.",
    "value": "Update the velocity first, keep it in config, and look ahead with the new one."})
check_adagrad = RuleCheck("adagrad", default_seed=703, hyper={"learning_rate": 0.1, "epsilon": 1e-8}, step_hints={
    "value": "The cache is the running sum of SQUARED gradients, kept in config; the step divides by its "
             "square root (plus epsilon)."})
check_rmsprop = RuleCheck("rmsprop", default_seed=704,
                          hyper={"learning_rate": 0.01, "decay_rate": 0.9, "epsilon": 1e-8}, step_hints={
    "value": "The cache is a leaky average of squared gradients, kept in config; the step divides by its "
             "square root (plus epsilon).",
    "scale": "Check which of the old cache and the new squared gradient gets decay_rate and which gets "
             "1 - decay_rate."})
check_adam = RuleCheck("adam", points=2, default_seed=705,
                       hyper={"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}, step_hints={
    "scale": "With bias correction the first step is learning_rate in size in every coordinate. Count t "
             "from 1 at the first call and keep it in config.",
    "value": "m averages dw with beta1, v averages dw**2 with beta2; keep m, v and t in config."})
check_step_decay = StepDecayCheck(
    "step_decay", default_seed=706,
    hints={"value": "The rate stays at lr0 for t = 0 .. every - 1, and is multiplied by drop once more "
                    "at each multiple of every.",
           "scale": "At t = 0 the rate is lr0 itself; it first drops at t = every."})
