"""Tests of autograder/checks/ch01_circuits.py: the gate, neuron and step checks."""
import json

import numpy as np
import pytest

from autograder.checks import ch01_circuits as C
from autograder.checks.base import LiveOracle, StoredOracle, case_key, checks_of, decode
from autograder.checks.store import expected_table, render
from solutions import ch01_circuits as ref

SLUG = "ch01_circuits"
CHECKS = checks_of(C)
ORACLE = LiveOracle(ref)
# the keyword parameters of each check's hidden test in the source notebook
HIDDEN = {"check_multiply_gate": {"reuse": True}, "check_add_gate": {"reuse": True},
          "check_max_gate": {"special": True}, "check_sigmoid_gate": {"special": True},
          "check_neuron": {"start": True}, "check_gradient_step": {"default_step": True},
          "check_neuron_random_search": {"settings": [("random", 1, 0.5), ("random", 30, 0.3)]},
          "check_relu_net_pull_step": {"kinds": ["dead", "up", "down"], "step_size": 0.05, "reg": 0.3},
          "check_train_relu_net": {"data": "random", "n": 8, "iterations": 1500, "step_size": 0.02}}


def reference_objects(check):
    return [getattr(ref, name) for name in check.functions]


def test_cases_pull_with_random_gradients():
    """Are the visible random cases pulled with upstream gradients that are not all ones?"""
    for name in ("check_multiply_gate", "check_add_gate", "check_max_gate", "check_sigmoid_gate"):
        for case in CHECKS[name].cases(CHECKS[name].default_seed):
            assert not np.allclose(case.inputs["dout"], 1.0)
    random_case = CHECKS["check_neuron"].cases(CHECKS["check_neuron"].default_seed)[1]
    assert not np.allclose(random_case.inputs["dout"], 1.0)


def test_max_cases_avoid_ties():
    """Are the max gate's inputs at least 1e-3 apart, far beyond the numerical step?"""
    check = CHECKS["check_max_gate"]
    for params in ({}, {"special": True}):
        for seed in range(20):
            for case in check.cases(seed, **params):
                v = case.inputs["values"]
                assert np.all(np.abs(v[:, 0] - v[:, 1]) >= 1e-3)


def test_visible_checks_work_from_stored_values(tmp_path, monkeypatch):
    """With only stored expected values (no solutions/), does the reference earn full marks on the
    visible cases, while a hidden case is reported as needing the grader (and costs nothing)?"""
    table = json.loads(render(expected_table(SLUG)))
    monkeypatch.setattr("autograder.checks.base.EXPECTED_DIR", tmp_path)
    (tmp_path / f"{SLUG}.json").write_text(json.dumps(table))
    stored = StoredOracle(SLUG)
    for name, check in CHECKS.items():
        good = check.evaluate(*reference_objects(check), oracle=stored)
        assert good.passed and good.earned == good.points, good.text()
        hidden = check.evaluate(*reference_objects(check), oracle=stored, seed=5, **HIDDEN[name])
        assert {f.diagnosis for r in hidden.results for f in r.findings} == {"reference"}
    some = CHECKS["check_neuron"].cases(CHECKS["check_neuron"].default_seed)[0]
    assert decode(table[case_key("check_neuron", some.inputs)])["out"][0] == pytest.approx(0.8808, abs=5e-5)


def test_overwrite_is_named_with_a_hint():
    """Does a multiply gate that assigns its gradients get told to use +=, and keep the points of
    the cases it gets right (fresh wires)?"""
    class Assigns(ref.MultiplyGate):
        def backward(self):
            self.u0.grad = self.u1.value * self.out.grad
            self.u1.grad = self.u0.value * self.out.grad
    report = CHECKS["check_multiply_gate"].evaluate(Assigns, oracle=ORACLE)
    assert 0 < report.earned < report.points
    assert report.diagnoses == {"overwrite"} and "+=" in report.text()


def test_neuron_feedback_names_the_worked_example():
    """Does a neuron that ignores gradient_top pass the worked example but fail the random pulls
    with the dropped-upstream diagnosis?"""
    class Ignores(ref.Neuron):
        def backward(self, gradient_top=1.0):
            super().backward(1.0)
    report = CHECKS["check_neuron"].evaluate(Ignores, oracle=ORACLE)
    worked, rand = report.results
    assert worked.fraction == 1.0 and rand.fraction < 1.0
    assert report.diagnoses == {"upstream"}


def test_a_gate_returning_a_float_is_feedback_not_a_crash():
    """If forward returns a number instead of a Unit, is that an error finding worth nothing?"""
    class ReturnsFloat(ref.MultiplyGate):
        def forward(self, u0, u1):
            super().forward(u0, u1)
            return self.out.value
    report = CHECKS["check_multiply_gate"].evaluate(ReturnsFloat, oracle=ORACLE)
    assert report.earned == 0 and report.diagnoses == {"error"}


def test_neuron_blames_a_failing_gate():
    """Is a Neuron built on a SigmoidGate that drops out.grad told that its SigmoidGate fails its own
    test, instead of a hint about the neuron's backward?"""
    import inspect

    class SigmoidGate(ref.SigmoidGate):
        def backward(self):
            s = self.out.value
            self.u0.grad += s * (1 - s)

    ns = {**vars(ref), "SigmoidGate": SigmoidGate}
    exec(inspect.getsource(ref.Neuron), ns)
    report = C.check_neuron.evaluate(ns["Neuron"], oracle=ORACLE)
    assert report.earned < report.points and report.diagnoses == {"part"}
    assert "your SigmoidGate fails its own test (upstream)" in report.text()
    assert "gradient_top before" not in report.text()
