"""Tests of autograder/checks/ch06_losses.py: losses, the L2 penalty and dropout, graded as pairs."""
import json
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import ch06_losses as C
from autograder.checks.base import LiveOracle, StoredOracle, checks_of
from autograder.checks.store import expected_table, render
from autograder.grader.notebook import source_tests
from solutions import ch06_losses as ref
from solutions.mutants.ch06_losses import MUTANTS

ROOT = Path(__file__).resolve().parents[3]
SLUG = "ch06_losses"
SOURCE = ROOT / "solutions" / SLUG / f"{SLUG}.ipynb"
CHECKS = checks_of(C)
ORACLE = LiveOracle(ref)


# keyword parameters (but seed and points) of each hidden grade cell, parsed as the grader does
HIDDEN = {t.call.check: {k: v for k, v in t.call.params.items() if k not in ("seed", "points")}
          for t in source_tests(SOURCE) if t.hidden}


def reference_objects(check):
    return [getattr(ref, name) for name in check.functions]


def stub(*args, **kwargs):
    raise NotImplementedError()


def test_every_graded_function_has_a_check_and_a_hidden_test():
    """Is there one check per graded pair, naming functions of the reference, each with a hidden test?"""
    assert set(CHECKS) == {"check_softmax_cross_entropy", "check_multiclass_svm", "check_squared_hinge",
                           "check_mse", "check_l2_penalty", "check_dropout"}
    assert set(HIDDEN) == set(CHECKS)
    for check in CHECKS.values():
        assert len(check.functions) == 2 and all(callable(getattr(ref, n)) for n in check.functions)


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize("seed", [None, 3, 2024, 77])
def test_reference_earns_full_marks(name, seed):
    """Does the reference earn every point on visible and hidden cases, whatever the seed?"""
    check = CHECKS[name]
    for params in ({}, HIDDEN[name]):
        report = check.evaluate(*reference_objects(check), seed=seed, oracle=ORACLE, **params)
        assert report.passed and report.earned == report.points, report.text()


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_stub_earns_zero(name):
    """Does an unimplemented pair earn nothing, saying it is not implemented?"""
    report = CHECKS[name].evaluate(stub, stub, oracle=ORACLE)
    assert report.earned == 0 and report.diagnoses == {"not_implemented"}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_upstream_gradients_are_random(name):
    """Is every case's upstream gradient random (never all ones), so a dropped dloss is caught?"""
    for case in CHECKS[name].cases(0, **HIDDEN[name]) + CHECKS[name].cases(0):
        up = case.inputs.get("dloss", case.inputs.get("dout"))
        assert not np.allclose(up, 1.0)


def test_inputs_stay_away_from_kinks():
    """Are the visible SVM and squared-hinge cases drawn with every margin at least 1e-3 from its kink,
    and does each hidden tie case put exactly one margin on it?"""
    for case in CHECKS["check_multiclass_svm"].cases(5) + CHECKS["check_multiclass_svm"].cases(5, **HIDDEN[
            "check_multiclass_svm"]):
        s, y = case.inputs["scores"], case.inputs["y"]
        m = s - s[np.arange(len(y)), y][:, None] + 1.0
        m[np.arange(len(y)), y] = 1.0
        assert np.sum(m == 0.0) == (1 if "tie" in case.inputs else 0)
        assert np.all((np.abs(m) > C.KINK_GAP) | (m == 0.0))
    for case in CHECKS["check_squared_hinge"].cases(5, **HIDDEN["check_squared_hinge"]):
        m = case.inputs["y"] * case.inputs["scores"]
        assert np.sum(m == 1.0) == (1 if "tie" in case.inputs else 0)


def test_svm_tie_accepts_either_convention():
    """At a margin of exactly 0, is a backward that counts the tie as a violation (>= 0) also given
    full marks, and one that does something else not?"""
    def counts_ties(dloss, cache):
        margins, y = cache
        n = len(y)
        d = (margins >= 0).astype(float) * dloss / n
        d[np.arange(n), y] = 0.0
        out = d.copy()
        out[np.arange(n), y] -= d.sum(axis=1)
        return out
    params = HIDDEN["check_multiclass_svm"]
    check = CHECKS["check_multiclass_svm"]
    report = check.evaluate(ref.multiclass_svm_forward, counts_ties, oracle=ORACLE, **params)
    assert report.passed, report.text()

    def tie_pulls_twice(dloss, cache):
        margins, y = cache
        d = ref.multiclass_svm_backward(dloss, cache)
        d[margins == 0] += 2 * dloss
        return d
    report = check.evaluate(ref.multiclass_svm_forward, tie_pulls_twice, oracle=ORACLE, **params)
    assert not report.passed and "kink" in report.text()


def test_overflow_is_explained():
    """Does a softmax that overflows at scores near 1000 get a message that says how to fix it?"""
    mutant = next(m for m in MUTANTS if m.name.startswith("exp of the raw scores"))
    report = CHECKS["check_softmax_cross_entropy"].evaluate(*mutant.objects, oracle=ORACLE)
    assert 0 < report.earned < report.points
    assert "maximum" in report.text() and "nan" in report.text()


def test_loss_factor_named_only_when_meaningful():
    """Is a loss that is a whole multiple of the right one called a scale error (a sum instead of a
    mean), and an unrelated wrong number just a wrong value?"""
    assert C.loss_finding("loss", 5 * 1.25, 1.25).diagnosis == "scale"
    assert C.loss_finding("loss", 1.25 / 2, 1.25).diagnosis == "scale"
    wrong = C.loss_finding("loss", 1.7, 1.25)
    assert wrong.diagnosis == "value" and "times" not in wrong.message
    assert C.loss_finding("loss", np.array([1.25]), 1.25).diagnosis == "shape"
    assert C.loss_finding("loss", 1.25 * (1 + 1e-9), 1.25).passed


def test_bias_penalty_is_explained():
    """Does penalising the biases cost the bias gradients, with a message saying biases are not penalised?"""
    mutant = next(m for m in MUTANTS if m.name == "biases regularised in the gradient")
    report = CHECKS["check_l2_penalty"].evaluate(*mutant.objects, oracle=ORACLE)
    failed = {f.what for _, f in report.problems()}
    assert failed == {"db1", "db2"} and "not penalised" in report.text()


def test_dropout_check_replays_the_mask():
    """Does the dropout check hold a student to the stated mask recipe, so that a right implementation
    with another generator loses the forward points?"""
    def other_rng(x, keep_prob, mode="train", seed=None):
        if mode == "test":
            return x.copy(), (None, mode)
        mask = (np.random.RandomState(seed).rand(*x.shape) < keep_prob) / keep_prob
        return x * mask, (mask, mode)
    report = CHECKS["check_dropout"].evaluate(other_rng, ref.dropout_backward, oracle=ORACLE)
    assert report.earned < report.points and "default_rng(seed)" in report.text()


def test_visible_checks_work_from_stored_values(tmp_path, monkeypatch):
    """With only stored expected values, does the reference earn full marks on visible cases, a stub
    zero, and a hidden case count as the grader's job?"""
    monkeypatch.setattr("autograder.checks.base.EXPECTED_DIR", tmp_path)
    (tmp_path / f"{SLUG}.json").write_text(render(expected_table(SLUG)))
    stored = StoredOracle(SLUG)
    for name, check in CHECKS.items():
        good = check.evaluate(*reference_objects(check), oracle=stored)
        assert good.passed and good.earned == good.points, good.text()
        assert check.evaluate(stub, stub, oracle=stored).earned == 0
        hidden = check.evaluate(*reference_objects(check), oracle=stored, seed=5, **HIDDEN[name])
        assert {f.diagnosis for r in hidden.results for f in r.findings} == {"reference"}
    assert json.loads((tmp_path / f"{SLUG}.json").read_text())
