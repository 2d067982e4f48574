"""Tests of autograder/checks/store.py: when is a stored expected-values file out of date?"""
from autograder.checks.store import same


def test_last_bits_of_a_float_are_not_staleness():
    """Do values that differ only in their last bits (another CPU's BLAS) count as the same?"""
    a = {"k": {"__array__": [0.1 + 0.2, -0.0065818277551145690], "shape": [2], "kind": "f"}}
    b = {"k": {"__array__": [0.3, -0.0065818277551145865], "shape": [2], "kind": "f"}}
    assert same(a, b)


def test_a_changed_value_key_or_shape_is_stale():
    """Is a real change (a number off by 1e-6, a missing case, another shape or kind) caught?"""
    base = {"k": {"__array__": [1.0, 2.0], "shape": [2], "kind": "f"}}
    assert not same(base, {"k": {"__array__": [1.0, 2.000002], "shape": [2], "kind": "f"}})
    assert not same(base, {})
    assert not same(base, {"k": {"__array__": [1.0, 2.0], "shape": [2, 1], "kind": "f"}})
    assert not same(base, {"k": {"__array__": [1.0, 2.0], "shape": [2], "kind": "i"}})
    assert not same([True], [1])
