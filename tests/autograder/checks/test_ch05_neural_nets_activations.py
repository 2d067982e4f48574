"""Tests of autograder/checks/ch05_neural_nets_activations.py: activations with kinks,
initialisations judged by statistics, preprocessing fitted on the training set."""
import numpy as np
import pytest

from autograder.checks import ch05_neural_nets as C
from autograder.checks.base import LiveOracle
from solutions import ch05_neural_nets as ref

ORACLE = LiveOracle(ref)


def grade(check, *student, **params):
    return check.evaluate(*student, oracle=ORACLE, **params)


@pytest.mark.parametrize("inclusive", [True, False])
def test_hard_tanh_backward_accepts_either_side_on_its_kinks(inclusive):
    """On x = -1 and x = 1 exactly, are both one-sided slopes accepted?"""
    def backward(dout, cache):
        inside = (np.abs(cache) <= 1.0) if inclusive else (np.abs(cache) < 1.0)
        return dout * inside
    report = grade(C.check_hard_tanh_backward, backward, at_kinks=True, seed=44)
    assert report.passed, report.text()
    x = np.concatenate([c.inputs["x"].ravel() for c in C.check_hard_tanh_backward.cases(44, at_kinks=True)])
    assert np.any(x == 1.0) and np.any(x == -1.0)
    assert np.any(np.isclose(np.abs(np.abs(x) - 1.0), 1e-7, rtol=1e-6, atol=0))


def test_hard_tanh_backward_refuses_the_wrong_side_next_to_a_kink():
    """Is a gradient blocked 1e-7 inside the interval (where the slope is 1) refused?"""
    def backward(dout, cache):
        return dout * (np.abs(cache) < 1.0 - 1e-6)
    report = grade(C.check_hard_tanh_backward, backward, at_kinks=True, seed=44)
    assert not report.passed


@pytest.mark.parametrize("convention", ["x > 0", "x >= 0"])
def test_leaky_relu_backward_accepts_either_slope_at_zero(convention):
    """At x = 0 exactly, are both the slope 1 and the slope alpha accepted?"""
    def backward(dout, cache):
        x, alpha = cache
        on = (x > 0) if convention == "x > 0" else (x >= 0)
        return dout * np.where(on, 1.0, alpha)
    assert grade(C.check_leaky_relu_backward, backward, at_kinks=True, seed=42).passed


@pytest.mark.parametrize("seed", [0, 1, 2, 77])
def test_right_initialisations_pass_for_several_seeds(seed):
    """Do the reference initialisations pass the statistical tests for several seeds, visible and hidden sizes?"""
    for check, fans in ((C.check_xavier_init, [(500, 40), (30, 700)]), (C.check_he_init, [(784, 30), (30, 600)])):
        assert grade(check, getattr(ref, check.functions[0]), seed=seed).passed
        assert grade(check, getattr(ref, check.functions[0]), seed=seed, fans=fans).passed


def test_a_normal_xavier_of_the_right_variance_fails_on_its_distribution():
    """Does a normal draw with Xavier's variance fail on the share within one standard deviation and the
    range, but pass the mean and the variance?"""
    def xavier(fan_in, fan_out, rng):
        return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))
    report = grade(C.check_xavier_init, xavier)
    assert {f.what for _, f in report.problems()} == {"distribution", "range"}


def test_an_initialisation_ignoring_its_generator_is_named():
    """Does drawing from np.random instead of the generator fail the 'generator' finding only?"""
    def he(fan_in, fan_out, rng):
        return np.random.default_rng().normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    report = grade(C.check_he_init, he)
    assert {f.what for _, f in report.problems()} == {"generator"} and "not np.random" in report.text()


def test_a_variance_off_by_a_factor_is_a_scale_error_with_the_factor():
    """Is He with variance 1 / fan_in named a scale error, half the target?"""
    def he(fan_in, fan_out, rng):
        return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
    report = grade(C.check_he_init, he)
    assert report.diagnoses == {"scale"} and "0.49" in report.text() and "times the target" in report.text()


@pytest.mark.parametrize("how, words", [("own", "its own mean"), ("pooled", "pooled")])
def test_preprocess_names_a_test_set_fitted_on_test_data(how, words):
    """Is a test set standardised with its own, or pooled, statistics caught and named, while the
    training output still passes?"""
    def preprocess(X_train, X_test, eps=1e-8):
        fit = X_test if how == "own" else np.vstack([X_train, X_test])
        train = (X_train - X_train.mean(0)) / (X_train.std(0) + eps)
        return train, (X_test - fit.mean(0)) / (fit.std(0) + eps)
    report = grade(C.check_preprocess, preprocess)
    assert {f.what for _, f in report.problems()} == {"X_test out"} and words in report.text()


def test_preprocess_that_changes_its_input_is_charged_once():
    """Does a right preprocess that standardises X_train in place lose the "inputs" finding once
    per case (not twice), keeping the credit for its right outputs?"""
    def in_place(X_train, X_test):
        train, test = ref.preprocess(X_train, X_test)
        X_train[...] = train
        return train, test
    report = grade(C.check_preprocess, in_place)
    failing = [f.what for _, f in report.problems()]
    assert failing == ["inputs"] * len(report.results), report.text()
    assert 0 < report.earned < C.check_preprocess.points
