"""Tests of the chapter 3 checks (autograder/checks/ch03_backprop.py).

The tests shared by every check run here over the whole chapter, the graph-engine checks
included; the feedback of the node and sort checks is tested in test_ch03_backprop_graph.py."""
import numpy as np
import pytest

from autograder.checks import ch03_backprop as checks
from autograder.checks.base import CheckFailed, LiveOracle, StoredOracle, checks_of
from solutions import ch03_backprop as ref

SLUG = "ch03_backprop"
ORACLE = LiveOracle(ref)
CHECKS = checks_of(checks)

# The keyword parameters of the hidden grade cells of the source notebook.
HIDDEN = {
    "check_square_backward": dict(shapes=[(1,), (2, 5)], seed=11),
    "check_divide_backward": dict(shapes=[(7,)], seed=12),
    "check_max_backward": dict(layouts=[((1,), True), ((4, 4), True)], seed=13),
    "check_neuron_backward": dict(shapes=[(1,), (6,)], seed=14),
    "check_squared_chain_backward": dict(shapes=[(2, 2, 3)], seed=15),
    "check_add_backward": dict(layouts=[("xyz", (5,), 2), ("xxy", (1,), 3)], seed=16),
    "check_mul_backward": dict(layouts=[("xx", (4,), 2), ("yx", (1, 3), 1)], seed=17),
    "check_linear_backward": dict(layouts=[((1, 3, 2), 2), ((5, 4, 1), 3)], seed=18),
    "check_sigmoid_backward": dict(layouts=[((1,), 1), ((2, 5), 3)], seed=19),
    "check_mse_backward": dict(layouts=[((1,), (1, 1), 0), ((5, 1), (5,), 2)], seed=20),
    "check_topological_sort": dict(graphs=["chain", "wide"], seed=21),
}


def reference_objects(check):
    return [getattr(ref, name) for name in check.functions]


def stub(*args, **kwargs):
    raise NotImplementedError()


def test_every_graded_function_has_a_check_and_hidden_parameters():
    """Does the module expose the eleven graded checks the notebook uses, each with hidden cases?"""
    assert set(CHECKS) == set(HIDDEN)
    for name, check in CHECKS.items():
        assert check.name == name and check.slug == SLUG
        assert all(hasattr(ref, f) for f in check.functions), name


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_reference_earns_full_marks(name):
    """Does the reference earn every point on the visible cases (several seeds) and the hidden ones?"""
    check = CHECKS[name]
    for seed in (None, 1, 2, 3):
        report = check.evaluate(*reference_objects(check), seed=seed, oracle=ORACLE)
        assert report.passed and report.earned == report.points, report.text()
    report = check.evaluate(*reference_objects(check), oracle=ORACLE, **HIDDEN[name])
    assert report.passed and report.earned == report.points, report.text()


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_hidden_cases_differ_from_visible_ones(name):
    """Do the hidden parameters draw cases the visible checks do not show?"""
    check = CHECKS[name]
    visible = {c.label for c in check.cases(check.default_seed)}
    params = {k: v for k, v in HIDDEN[name].items() if k != "seed"}
    hidden = check.cases(HIDDEN[name]["seed"], **params)
    assert hidden and any(c.label not in visible for c in hidden)


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_stub_earns_zero_and_says_not_implemented(name):
    """Does an untouched stub earn nothing, raise CheckFailed in a grade cell, and say why?"""
    check = CHECKS[name]
    stubs = [stub for _ in check.functions]
    report = check.evaluate(*stubs, oracle=ORACLE)
    assert report.earned == 0 and report.diagnoses == {"not_implemented"}
    with pytest.raises(CheckFailed, match="not implemented"):
        check(*stubs, oracle=ORACLE)


def test_visible_checks_work_from_stored_values():
    """With only the stored expected values (no solutions/), does the reference pass every visible
    check and is a hidden case reported as needing the grader?"""
    stored = StoredOracle(SLUG)
    for check in CHECKS.values():
        report = check.evaluate(*reference_objects(check), oracle=stored)
        assert report.passed and report.earned == report.points, report.text()
    report = CHECKS["check_linear_backward"].evaluate(ref.Linear, oracle=stored,
                                                      **HIDDEN["check_linear_backward"])
    assert {f.diagnosis for r in report.results for f in r.findings} == {"reference"}


# --------------------------------------------------------------------------- feedback
def test_overwritten_reused_wire_is_named_with_a_hint():
    """Does da = a * dout for a * a get 'overwrite' (half the gradient) and a hint about adding both
    shares?"""
    def overwrite(dout, cache):
        (a,) = cache
        return (a * dout,)
    report = CHECKS["check_square_backward"].evaluate(overwrite, ref.square_forward, oracle=ORACLE)
    text = report.text()
    assert report.earned == 0 and report.diagnoses == {"overwrite"}
    assert "half" in text and "+=" in text


def test_max_accepts_any_valid_split_at_ties():
    """At a tie, is splitting dout half and half accepted as a subgradient, like all-to-a?"""
    def split(dout, cache):
        a, b = cache
        tie = a == b
        da = np.where(tie, 0.5 * dout, np.where(a > b, dout, 0.0))
        db = np.where(tie, 0.5 * dout, np.where(a > b, 0.0, dout))
        return da, db
    assert CHECKS["check_max_backward"].evaluate(split, ref.max_forward, oracle=ORACLE).passed


def test_wrong_number_of_gradients_is_explained():
    """Does a backward returning three gradients for a four-input forward say how many it needs?"""
    report = CHECKS["check_divide_backward"].evaluate(
        lambda dout, cache: ref.divide_backward(dout, cache)[:3], ref.divide_forward, oracle=ORACLE)
    assert report.earned == 0 and "must return 4" in report.text()
