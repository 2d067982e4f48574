"""Tests of autograder/checks/ch07_optimisers.py: update rules behind one interface, and step annealing."""
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import ch07_optimisers as C
from autograder.checks.base import LiveOracle, checks_of
from autograder.grader.notebook import source_tests
from solutions import ch07_optimisers as ref
from solutions.mutants.ch07_optimisers import MUTANTS

ROOT = Path(__file__).resolve().parents[3]
SLUG = "ch07_optimisers"
SOURCE = ROOT / "solutions" / SLUG / f"{SLUG}.ipynb"
CHECKS = checks_of(C)
ORACLE = LiveOracle(ref)
RULE_CHECKS = sorted(n for n, c in CHECKS.items() if isinstance(c, C.RuleCheck))


# keyword parameters (but seed and points) of each hidden grade cell, parsed as the grader does
HIDDEN = {t.call.check: {k: v for k, v in t.call.params.items() if k not in ("seed", "points")}
          for t in source_tests(SOURCE) if t.hidden}


@pytest.mark.parametrize("name", RULE_CHECKS)
def test_several_steps_from_an_empty_state(name):
    """Does every rule case run at least three steps, starting from a config with hyperparameters only?"""
    for params in ({}, HIDDEN[name]):
        for case in CHECKS[name].cases(0, **params):
            assert len(case.inputs["grads"]) >= 3
            assert not {"velocity", "cache", "m", "v", "t"} & set(case.inputs["config"])
            assert min(np.abs(g).min() for g in case.inputs["grads"]) >= 0.5


def with_epsilon_inside(rule_name):
    """The reference rule with epsilon moved inside the square root: a variant that is fine."""
    def rule(w, dw, config):
        config = dict(config)
        eps = config.get("epsilon", 1e-8)
        if rule_name == "adam":
            b1, b2 = config["beta1"], config["beta2"]
            t = config.get("t", 0) + 1
            m = b1 * config.get("m", 0.0) + (1 - b1) * dw
            v = b2 * config.get("v", 0.0) + (1 - b2) * dw * dw
            config.update(m=m, v=v, t=t)
            return w - config["learning_rate"] * (m / (1 - b1 ** t)) / np.sqrt(v / (1 - b2 ** t) + eps), config
        rho = config.get("decay_rate", 1.0) if rule_name == "rmsprop" else 1.0
        cache = rho * config.get("cache", 0.0) + (1 - rho if rule_name == "rmsprop" else 1.0) * dw * dw
        config["cache"] = cache
        return w - config["learning_rate"] * dw / np.sqrt(cache + eps), config
    return rule


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_epsilon_inside_the_square_root_is_accepted(name):
    """Is sqrt(cache + eps) instead of sqrt(cache) + eps given full marks, visible and hidden?"""
    check = CHECKS[f"check_{name}"]
    for params in ({}, HIDDEN[check.name]):
        for seed in (None, 1, 2):
            report = check.evaluate(with_epsilon_inside(name), oracle=ORACLE, seed=seed, **params)
            assert report.passed, report.text()


def test_state_kept_outside_config_loses_points():
    """Does a momentum that keeps its velocity in a global instead of config lose points (its
    velocity leaks from one case into the next), although each step of the first case is right?"""
    store = {}

    def global_velocity(w, dw, config):
        v = store.get("v", 0.0) * config["momentum"] - config["learning_rate"] * dw
        store["v"] = v
        return w + v, dict(config)
    report = CHECKS["check_sgd_momentum"].evaluate(global_velocity, oracle=ORACLE)
    assert 0 < report.earned < report.points
    assert all(f.passed for f in report.results[0].findings)
    assert not all(f.passed for f in report.results[1].findings)


def test_adam_diagnoses_bias_correction():
    """Is Adam without bias correction told its first step is about 3.16 times too large?"""
    mutant = next(m for m in MUTANTS if m.name == "no bias correction")
    report = CHECKS["check_adam"].evaluate(*mutant.objects(CHECKS["check_adam"], ref), oracle=ORACLE)
    assert "3.162 times" in report.text() and "scale" in report.diagnoses


def test_in_place_update_costs_only_its_finding():
    """Is a rule that writes into w still credited for its steps, losing only the in-place finding?"""
    mutant = next(m for m in MUTANTS if m.check == "check_adagrad" and m.name == "w updated in place")
    report = CHECKS["check_adagrad"].evaluate(*mutant.objects(CHECKS["check_adagrad"], ref), oracle=ORACLE)
    assert {f.what for _, f in report.problems()} == {"w unchanged"}
    assert report.earned == pytest.approx(report.points * 3 / 4)


def test_step_decay_names_the_first_wrong_step():
    """Does an off-by-one schedule hear at which t its rate first goes wrong?"""
    mutant = next(m for m in MUTANTS if m.name.startswith("drops one step early"))
    report = CHECKS["check_step_decay"].evaluate(*mutant.objects(CHECKS["check_step_decay"], ref), oracle=ORACLE)
    assert "the rate at t = 9 is" in report.text() and "t = 3 is" in report.text()




# --------------------------------------------------------------------------- schedules and descent
def test_descent_written_otherwise_earns_full_marks():
    """Does a descent computing f'(x) as x^2 (4x - 9) (other rounding) earn full marks, visible
    and hidden, for several seeds?"""
    def descend(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
        x, n = x0, 0
        while n < max_steps:
            new = x - step_size * x * x * (4 * x - 9)
            n += 1
            if abs(new - x) <= precision:
                return new, n
            x = new
        return x, n
    check = CHECKS["check_descend_quartic"]
    for seed in (None, 1, 2, 3):
        for params in ({}, HIDDEN["check_descend_quartic"]):
            report = check.evaluate(descend, seed=seed, oracle=ORACLE, **params)
            assert report.passed, report.text()


def test_descent_steps_must_be_an_int():
    """Is a step count returned as a float (70.0) refused, while x is accepted?"""
    check = CHECKS["check_descend_quartic"]
    report = check.evaluate(lambda *a: (lambda r: (r[0], float(r[1])))(ref.descend_quartic(*a)), oracle=ORACLE)
    assert [f.what for _, f in report.problems()] == ["steps", "steps"]


def test_descent_cases_start_away_from_a_one_step_landing():
    """Do the drawn starts never land on 9/4 in one or two updates (as x0 = 5 with step 0.01 does),
    so that the step count says something?"""
    check = CHECKS["check_descend_quartic"]
    for seed in range(50):
        for params in ({}, HIDDEN["check_descend_quartic"]):
            for case in check.cases(seed, **params):
                i = case.inputs
                assert ref.descend_quartic(i["x0"], i["step_size"], i["precision"])[1] > 10
