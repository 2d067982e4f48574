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

    def judge(self, inputs, outputs, expected):
        got, want = outputs["path"], expected["path"]
        found = []
        for t in range(1, len(want)):
            what = f"step {t}"
            if t >= len(got):
                found.append(Finding(what, False, f"{what} is missing.", "shape"))
                continue
            if not_array := array_finding(f"next_w at {what}", got[t]):
                found.append(not_array)
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


# --------------------------------------------------------------------------- schedules
#   step_decay(lr0, t, drop, every) -> lr      lr0 * drop ** (t // every)
#   exponential_decay(lr0, t, k) -> lr         lr0 * exp(-k t)
#   inverse_time_decay(lr0, t, tau) -> lr      lr0 * tau / max(t, tau)
class ScheduleCheck(Check):
    """Grades a schedule ``fn(lr0, t, *args)`` at every t of a case against the reference's rates;
    declared with ``settings`` (tuples (lr0, *args), lr0 scaled by a random factor from the seed),
    each made a case by ``case``. As declared here, a smooth schedule ``fn(lr0, t, rate)`` at
    t = 0 .. ``last``, the rate named ``rate`` in the label; a case's inputs: {lr0, rate, ts}."""
    rate = "k"
    last = 30
    settings = ((0.1, 0.1), (1.0, 0.5))
    args = ("rate",)      # the inputs handed to the schedule after t, in order

    def cases(self, seed, settings=None, **options):
        rng = np.random.default_rng(seed)
        return [self.case(float(lr0) * float(rng.uniform(0.5, 2.0)), *setting, **options)
                for lr0, *setting in (self.settings if settings is None else settings)]

    def case(self, lr0, rate, last=None):
        last = self.last if last is None else int(last)
        return Case(f"lr0={lr0:.4g}, {self.rate}={rate:g}, t = 0..{last}",
                    {"lr0": lr0, "rate": rate, "ts": list(range(last + 1))})

    def call(self, inputs, schedule):
        args = [inputs[name] for name in self.args]
        return {"rates": [float(schedule(inputs["lr0"], t, *args)) for t in inputs["ts"]]}

    def judge(self, inputs, outputs, expected):
        got, want = np.array(outputs["rates"], dtype=np.float64), np.array(expected["rates"])
        f = value_finding("learning rates", got, want)
        if not f.passed and f.diagnosis != "shape":
            bad = ~np.isclose(got, want, rtol=1e-6, atol=0)
            t = inputs["ts"][int(np.argmax(bad))] if bad.any() else inputs["ts"][0]
            f.message = (f"the rate at t = {t} is {got[t]:.6g}, expected {want[t]:.6g} "
                         f"({int(bad.sum())} of the {len(want)} rates for t = 0..{inputs['ts'][-1]} "
                         "are wrong)." + (f" Every rate is {got[t] / want[t]:.4g} times the right one."
                                          if f.diagnosis == "scale" else ""))
        return [f]


class StepDecayCheck(ScheduleCheck):
    """step_decay(lr0, t, drop, every) at t = 0 .. 3 every + 1; ``settings`` are (lr0, drop, every).
    A case's inputs: {lr0, drop, every, ts}."""
    settings = ((0.1, 0.5, 10), (1.0, 0.3, 4))
    args = ("drop", "every")

    def case(self, lr0, drop, every):
        ts = list(range(0, 3 * every + 2))
        return Case(f"lr0={lr0:.4g}, drop={drop:g}, every={every}, t = 0..{ts[-1]}",
                    {"lr0": lr0, "drop": float(drop), "every": int(every), "ts": ts})


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


# --------------------------------------------------------------------------- gradient descent
#   descend_quartic(x0, step_size, precision, max_steps) -> (x, steps)
class DescendQuartic(Check):
    """Grades descend_quartic(x0, step_size, precision, max_steps) -> (x, steps): where the run
    stops (next to 9/4, within ``NEAR``, and where the reference's run stops) and how many updates
    it made. ``settings``: (lo, hi, step_size, precision); x0 is lo when lo == hi, else drawn in
    [lo, hi] from the seed."""
    NEAR = 1e-3        #: the stated tolerance on |x - 9/4|
    max_steps = 20_000

    def cases(self, seed, settings=((6.0, 6.0, 0.01, 1e-5), (2.6, 4.5, 0.005, 1e-6))):
        rng = np.random.default_rng(seed)
        x0s = [float(lo) if lo == hi else round(float(rng.uniform(lo, hi)), 6) for lo, hi, _, _ in settings]
        return [Case(f"x0={x0:g}, step_size={step:g}, precision={precision:g}",
                     {"x0": x0, "step_size": float(step), "precision": float(precision), "max_steps": self.max_steps})
                for x0, (_, _, step, precision) in zip(x0s, settings)]

    def call(self, inputs, descend_quartic):
        with np.errstate(all="ignore"):
            x, steps = descend_quartic(inputs["x0"], inputs["step_size"], inputs["precision"],
                                       inputs["max_steps"])
        return {"x": float(x), "steps": steps if isinstance(steps, (int, np.integer)) else float(steps)}

    def judge(self, inputs, outputs, expected):
        x, steps = outputs["x"], outputs["steps"]
        gap = abs(x - 2.25) if np.isfinite(x) else np.inf
        near = gap <= self.NEAR and abs(x - expected["x"]) <= 1e-7 * max(1.0, abs(expected["x"]))
        if near:
            fx = Finding("x", True, f"the run stops at x = {x:.8g}, {gap:.1e} from 9/4.", "ok")
        elif gap <= self.NEAR:
            fx = Finding("x", False, f"the run stops at x = {x:.10g}, near 9/4 but not where the stated "
                         f"loop stops ({expected['x']:.10g}): return the iterate after the last update, "
                         "the one whose move was no more than precision.", "value")
        else:
            fx = Finding("x", False, f"the run stops at x = {x:.6g}, not within {self.NEAR:g} of the "
                         "minimum 9/4." + (" It went uphill: a descent step subtracts "
                                           "step_size * f'(x)." if not np.isfinite(x) or x > 6 else ""),
                         "sign" if not np.isfinite(x) or abs(x) > 10 else "value")
        ok = isinstance(steps, int) and steps == expected["steps"]
        fs = Finding("steps", ok, f"{steps} updates" + (" (right)." if ok else
                     f", expected {expected['steps']}: count every update, the last one (whose move "
                     "was no more than precision) included, and return the count as an int."),
                     "ok" if ok else "value")
        return [fx, fs]


check_exponential_decay = ScheduleCheck(
    "exponential_decay", default_seed=707,
    hints={"value": "The rate is lr0 times e to the power -k t: it starts at lr0 and shrinks by the same "
                    "factor e^(-k) at every step."})
check_inverse_time_decay = ScheduleCheck(
    "inverse_time_decay", default_seed=708, rate="tau", last=40,
    settings=((0.1, 10), (1.0, 3)),
    hints={"value": "The rate stays at lr0 while t <= tau, then falls like 1/t: lr0 * tau / t."})
check_descend_quartic = DescendQuartic(
    "descend_quartic", points=2, default_seed=709,
    hints={"value": "f'(x) = 4x^3 - 9x^2; stop after the first update that moves x by no more than precision."})
