"""Checks of chapter 5's CS224n activations, initialisations and preprocessing.

These checks belong to the chapter ``ch05_neural_nets`` (SLUG), whose check module re-exports them.
Graded objects (as in the notebook and in solutions/ch05_neural_nets_activations.py, which states
the formulas):

    leaky_relu_forward(x, alpha=0.01) -> (out, (x, alpha))   leaky_relu_backward(dout, cache) -> dx
    hard_tanh_forward(x) -> (out, x)                          hard_tanh_backward(dout, cache) -> dx
    softsign_forward(x) -> (out, x)                           softsign_backward(dout, cache) -> dx
    xavier_init(fan_in, fan_out, rng) -> W (fan_in, fan_out)
    he_init(fan_in, fan_out, rng) -> W (fan_in, fan_out)
    preprocess(X_train, X_test, eps=1e-8) -> (X_train', X_test')   X_train (N, D), X_test (T, D)

Backward passes are checked against central differences, except next to a kink, where the
one-sided slope on the input's side is the right value, and exactly on a kink, where either
one-sided slope is accepted. An initialisation is checked by the statistics of what it draws from
a generator the check seeds (mean, variance, the share within one standard deviation, the range)
and by drawing twice from equal generators (it must use the generator it is handed).
"""
import numpy as np

from autograder.checks.base import Case, Check, Finding, value_finding
from autograder.checks.families import DrawnCheck, ForwardCheck, KinkBackward, around_kinks

SLUG = "ch05_neural_nets"     # these checks belong to chapter 5, whose module re-exports them


# --------------------------------------------------------------------------- activations
def _forward_draw(kinks):
    """A ForwardCheck's draw: ``around_kinks`` these kinks, without an upstream gradient."""
    return lambda rng, shape, at_kinks=False: around_kinks(rng, shape, kinks, at_kinks=at_kinks, dout=False)


check_leaky_relu_forward = ForwardCheck(
    "leaky_relu_forward", shapes=((4, 5), (2, 3, 2)), draw=_forward_draw((0.0,)),
    hints={"value": "For x > 0 the output is x; for x <= 0 it is alpha * x, with alpha = 0.01 by default."})
check_leaky_relu_backward = KinkBackward(
    "leaky_relu_backward", cache=lambda i: (i["x"], 0.01), fixed=(0.01,),
    hints={"mismatch": "The slope is 1 where x > 0 and alpha elsewhere; the cache is (x, alpha)."})
check_hard_tanh_forward = ForwardCheck(
    "hard_tanh_forward", shapes=((4, 5), (7,)), draw=_forward_draw((-1.0, 1.0)),
    hints={"value": "Between -1 and 1 the output is x; beyond, it is held at -1 or 1."})
check_hard_tanh_backward = KinkBackward(
    "hard_tanh_backward", cache=lambda i: i["x"], kinks=(-1.0, 1.0),
    hints={"mismatch": "The gradient passes where -1 < x < 1 and is blocked where the output is held."})
check_softsign_forward = ForwardCheck(
    "softsign_forward", shapes=((4, 5), (7,)), draw=_forward_draw((0.0,)),
    hints={"value": "softsign(x) = x / (1 + |x|): the absolute value is in the denominator only."})
check_softsign_backward = KinkBackward(
    "softsign_backward", cache=lambda i: i["x"],
    hints={"mismatch": "Differentiate x / (1 + |x|) as a quotient, on each side of 0; the result is even in x."})


# --------------------------------------------------------------------------- initialisations
class InitCheck(Check):
    """An initialisation judged by the statistics of a large draw from a seeded generator.

    ``variance(fan_in, fan_out)`` is the variance the scheme must give; ``uniform`` says whether the
    draw is uniform on +-sqrt(3 variance) (else normal). Tolerances: the mean within 5 standard
    errors of 0, the variance within 5% of its target, the share within one standard deviation of
    0 within 0.02 of its law's (0.577 uniform, 0.683 normal), a uniform draw inside its bounds."""
    uniform = False

    def cases(self, seed, fans=((200, 150), (100, 150))):
        return [Case(f"fan_in={a}, fan_out={b}", {"fan_in": a, "fan_out": b, "seed": int(seed) + i})
                for i, (a, b) in enumerate(fans)]

    def call(self, inputs, init):
        draws = [init(inputs["fan_in"], inputs["fan_out"], np.random.default_rng(inputs["seed"])) for _ in range(2)]
        return {"W": np.asarray(draws[0], dtype=np.float64), "W_again": np.asarray(draws[1], dtype=np.float64)}

    def expected(self, inputs, ref):
        return {"variance": float(self.variance(inputs["fan_in"], inputs["fan_out"]))}

    def judge(self, inputs, outputs, expected):
        W, shape = outputs["W"], (inputs["fan_in"], inputs["fan_out"])
        if W.shape != shape:
            return [Finding("W", False, f"W has shape {W.shape}, expected (fan_in, fan_out) = {shape}.", "shape")]
        if not np.all(np.isfinite(W)):
            return [Finding("W", False, "W holds nan or inf.", "value")]
        var, got_var, law = expected["variance"], float(W.var()), (0.5774 if self.uniform else 0.6827)
        share, bound = float(np.mean(np.abs(W) <= np.sqrt(got_var))), np.sqrt(3 * var)
        tests = [   # (what, passed, message when it fails, diagnosis when it fails)
            ("generator", np.array_equal(W, outputs["W_again"]), "two equal generators gave different weights: "
             "draw with the rng you are handed (rng.normal, rng.uniform), not np.random.", "value"),
            ("mean", abs(W.mean()) <= 5 * np.sqrt(var / W.size), f"the mean of W is {W.mean():.4g}; it should be 0 "
             f"(within {5 * np.sqrt(var / W.size):.2g}).", "value"),
            ("variance", abs(got_var / var - 1) <= 0.05, f"the variance of W is {got_var:.4g}, expected {var:.4g} "
             "(within 5%)." + (f" It is {got_var / var:.3g} times the target." if got_var > 0 else ""), "scale"),
            ("distribution", abs(share - law) <= 0.02, f"{share:.3f} of the weights lie within one standard "
             f"deviation of 0; a {'uniform' if self.uniform else 'normal'} draw puts {law:.3f} there.", "value")]
        if self.uniform:
            tests.append(("range", np.max(np.abs(W)) <= bound, f"the largest |W| is {np.max(np.abs(W)):.4g}; a "
                          f"uniform draw of this variance stays within {bound:.4g}.", "value"))
        return [Finding(what, True, f"{what} is right.", "ok") if ok else Finding(what, False, message, diagnosis)
                for what, ok, message, diagnosis in tests]


check_xavier_init = InitCheck(
    "xavier_init", uniform=True, variance=lambda a, b: 2.0 / (a + b), points=2,
    hints={"scale": "Xavier's variance is 2 / (fan_in + fan_out), and a uniform law on [-r, r] has "
                    "variance r^2 / 3."})
check_he_init = InitCheck(
    "he_init", uniform=False, variance=lambda a, b: 2.0 / a, points=2,
    hints={"scale": "He's variance is 2 / fan_in; rng.normal takes a standard deviation, not a variance."})


# --------------------------------------------------------------------------- preprocessing
def _train_test(rng, shape, shift=3.0):
    """Training (N, D) and test (T, D) sets whose features differ in spread and mean; the test set
    1.5 times as spread and shifted by ``shift``."""
    n, d, t = shape
    spread = rng.uniform(0.5, 4.0, size=d)
    X_train = rng.normal(size=(n, d)) * spread + rng.normal(scale=5.0, size=d)
    X_test = rng.normal(size=(t, d)) * spread * 1.5 + X_train.mean(axis=0) + shift
    return f"N={n}, T={t}, D={d}, test set shifted by {shift:g}", {"X_train": X_train, "X_test": X_test}


class Preprocess(DrawnCheck):
    """preprocess: both outputs against the reference; a test set standardised with its own (or the
    pooled) statistics is named as such. Cases: one per (N, D, T) of ``shapes``."""

    def call(self, inputs, preprocess):
        train, test = preprocess(inputs["X_train"], inputs["X_test"])
        return {"train": np.asarray(train, dtype=np.float64), "test": np.asarray(test, dtype=np.float64)}

    def expected(self, inputs, ref):
        T, both = inputs["X_test"], np.vstack([inputs["X_train"], inputs["X_test"]])
        return {**super().expected(inputs, ref), "test_own": (T - T.mean(0)) / (T.std(0) + 1e-8),
                "test_pooled": (T - both.mean(0)) / (both.std(0) + 1e-8)}

    def judge(self, inputs, outputs, expected):
        found = [value_finding("X_train out", outputs["train"], expected["train"])]
        test = value_finding("X_test out", outputs["test"], expected["test"])
        got = outputs["test"]
        for key, how in (("test_own", "its own mean and standard deviation"),
                         ("test_pooled", "statistics of training and test data pooled")):
            if not test.passed and got.shape == expected[key].shape and np.allclose(got, expected[key], rtol=1e-6):
                test.message = (f"the test set was standardised with {how}: fit the mean and the standard "
                                "deviation on the training set only, and apply those to both sets.")
        return found + [test]


check_preprocess = Preprocess(
    "preprocess", points=2, shapes=((40, 5, 12),), draw=_train_test,
    hints={"value": "Per feature (column): subtract the training mean, divide by the training standard "
                    "deviation plus eps."})
