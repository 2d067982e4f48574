"""Tests of autograder/checks/ch01_circuits_search.py: random search, the ReLU net's pull step and training."""
import math

import numpy as np

from autograder.checks import ch01_circuits_search as C
from autograder.checks.base import LiveOracle
from solutions import ch01_circuits_search as ref

ORACLE = LiveOracle(ref)


def search_with_gates(params, x, y, steps=100, tweak_amount=0.01, rng=None):
    """A right answer written otherwise: lists, math.exp, the comparison spelt out."""
    best = [float(v) for v in params]
    top = 1 / (1 + math.exp(-(best[0] * x + best[1] * y + best[2])))
    outs = [top]
    for _ in range(steps):
        d = rng.uniform(-1.0, 1.0, size=3) * tweak_amount
        trial = [best[i] + d[i] for i in range(3)]
        out = 1 / (1 + math.exp(-(trial[0] * x + trial[1] * y + trial[2])))
        if out > top:
            best, top = trial, out
        outs.append(top)
    return np.array(best), np.array(outs)


def test_a_right_answer_written_otherwise_earns_full_marks():
    """Does a search written with lists and math.exp earn full marks, visible and hidden, for several seeds?"""
    for seed in (None, 1, 5, 99):
        for params in ({}, {"settings": [("random", 1, 0.5), ("random", 30, 0.3)]}):
            report = C.check_neuron_random_search.evaluate(search_with_gates, seed=seed, oracle=ORACLE, **params)
            assert report.passed, report.text()


def test_the_global_random_stream_is_caught():
    """Does a search that draws from np.random instead of the rng it is handed lose points, naming
    the step where the outputs part?"""
    def global_stream(params, x, y, steps=100, tweak_amount=0.01, rng=None):
        return search_with_gates(params, x, y, steps, tweak_amount, np.random.default_rng(12345))
    report = C.check_neuron_random_search.evaluate(global_stream, oracle=ORACLE)
    assert report.earned < report.points
    assert any("same random stream" in f.message for _, f in report.problems())


def test_pull_step_cases_stay_off_kinks_and_margins():
    """Are the pull-step cases away from a unit's kink (|pre-activation| > 0.05) and from the margin,
    pulled the way their kind says, with a silent unit in the "dead" case?"""
    for seed in range(30):
        for case in C.check_relu_net_pull_step.cases(seed, kinds=("up", "down", "none", "dead")):
            p, point, label = case.inputs["params"], case.inputs["point"], case.inputs["label"]
            pre = p["W1"] @ point + p["b1"]
            margin = label * (np.maximum(0, pre) @ p["w2"] + p["b2"])
            assert np.min(np.abs(pre)) > 0.05 and abs(margin - 1) > 1e-3
            if "beyond" in case.label:
                assert margin > 1
            else:
                assert margin < 1
            if "does not fire" in case.label:
                assert np.any(pre < 0)


def test_pull_step_expected_change_is_numerical_and_right():
    """Does the numerically derived change agree with the reference step to 1e-8?"""
    for seed in range(5):
        for case in C.check_relu_net_pull_step.cases(seed, kinds=("up", "down", "dead")):
            i = case.inputs
            want = ORACLE.expected(C.check_relu_net_pull_step, i)["change"]
            new = ref.relu_net_pull_step(i["params"], i["point"], i["label"], i["step_size"], i["reg"])
            for k in C.KEYS:
                assert np.allclose(np.asarray(new[k]) - i["params"][k], want[k], rtol=1e-8, atol=1e-12)


def test_training_accuracy_is_judged_on_what_is_returned():
    """Does a loop that returns parameters classifying fewer points fail the accuracy finding even
    when told nothing else, and the visible case's reference reach 100%?"""
    exp = ORACLE.expected(C.check_train_relu_net, C.check_train_relu_net.cases(C.check_train_relu_net.default_seed)[0].inputs)
    assert exp["accuracy"] == 1.0

    def zeros(X, y, order, params, step_size=0.01, reg=0.1):
        return {"W1": np.zeros((3, 2)), "b1": np.zeros(3), "w2": np.zeros(3), "b2": 0.0}
    report = C.check_train_relu_net.evaluate(zeros, oracle=ORACLE)
    assert any(f.what == "training accuracy" for _, f in report.problems())


def test_a_wrong_form_is_a_shape_finding():
    """Does a pull step returning a list, or a dict missing a key, get a shape diagnosis, not a crash?"""
    for bad in (lambda *a: [1, 2, 3], lambda p, *a: {"W1": p["W1"]}):
        report = C.check_relu_net_pull_step.evaluate(bad, oracle=ORACLE)
        assert report.earned == 0 and "shape" in report.diagnoses
