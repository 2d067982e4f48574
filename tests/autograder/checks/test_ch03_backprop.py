"""Tests of the chapter 3 checks (autograder/checks/ch03_backprop.py): the feedback of the
expression checks; the node and sort checks' feedback is tested in test_ch03_backprop_graph.py,
and what every check must do in tests/test_exercises.py."""
import numpy as np

from autograder.checks import ch03_backprop as checks
from autograder.checks.base import LiveOracle, checks_of
from solutions import ch03_backprop as ref

ORACLE = LiveOracle(ref)
CHECKS = checks_of(checks)


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
