"""Tests of the shared check families in autograder/checks/families.py."""
import types


from autograder.checks.base import LiveOracle
from autograder.checks.families import BackwardCheck

# out = x * y * z elementwise: three gradients of one shape, so any order of them fits.
REF = types.SimpleNamespace(triple_forward=lambda x, y, z: (x * y * z, (x, y, z)))
check = BackwardCheck("triple_backward", wrt=("x", "y", "z"), cache=lambda i: (i["x"], i["y"], i["z"]),
                      draw=lambda rng, shape: ("s", {n: rng.uniform(0.5, 2, shape) for n in ("x", "y", "z", "dout")}))


def right(dout, cache):
    x, y, z = cache
    return dout * y * z, dout * x * z, dout * x * y


def test_gradients_in_another_order_are_named_once():
    """Do right gradients returned as (dx, dz, dy) earn nothing for the case, with one 'order' finding
    that says which order came back, while the right order earns every point?"""
    assert check.evaluate(right, oracle=LiveOracle(REF)).passed

    def swapped(dout, cache):
        dx, dy, dz = right(dout, cache)
        return dx, dz, dy
    report = check.evaluate(swapped, oracle=LiveOracle(REF))
    assert report.earned == 0 and report.diagnoses == {"order"}
    assert [f.what for _, f in report.problems()] == ["grads"]
    assert "yours are (dx, dz, dy)" in report.text()


def test_wrong_gradients_are_not_an_order_mistake():
    """Is a backward whose gradients are wrong in another way (one negated after a swap) judged per
    gradient, not called an order mistake?"""
    def swapped_and_negated(dout, cache):
        dx, dy, dz = right(dout, cache)
        return dx, -dz, dy
    report = check.evaluate(swapped_and_negated, oracle=LiveOracle(REF))
    assert "order" not in report.diagnoses and 0 < report.earned < report.points
