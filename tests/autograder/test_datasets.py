"""Tests of autograder/datasets.py: the digits read from scikit-learn's file without importing it."""
import subprocess
import sys

import numpy as np
import pytest

from autograder import datasets


def test_digits_are_scikit_learns():
    """Are the digits read from the installed file exactly what sklearn.datasets.load_digits gives?"""
    from sklearn.datasets import load_digits
    ref = load_digits()
    X, y = datasets.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.array_equal(X, ref.data) and np.array_equal(y, ref.target)


def test_loading_digits_does_not_import_scikit_learn():
    """Does a grading process that loads the digits stay clear of scikit-learn's slow import?"""
    code = ("import sys; from autograder.datasets import digits_split; digits_split(); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_fallback_when_the_file_is_missing(monkeypatch):
    """Without the data file where it is expected, does the loader fall back to load_digits?"""
    monkeypatch.setattr(datasets, "_digits_file", lambda: None)
    datasets._digits.cache_clear()
    try:
        X, y = datasets.digits()
        from sklearn.datasets import load_digits
        assert np.array_equal(X, load_digits().data)
    finally:
        datasets._digits.cache_clear()


@pytest.mark.parametrize("standardize", [True, False])
def test_split_partitions_all_digits(standardize):
    """Does the split use every digit exactly once, and is the training set centred (or in [0, 1])?"""
    X_tr, y_tr, X_te, y_te = datasets.digits_split(360, 0, standardize)
    assert X_tr.shape == (1437, 64) and X_te.shape == (360, 64)
    _, y = datasets.digits()
    assert np.array_equal(np.sort(np.concatenate([y_tr, y_te])), np.sort(y))
    if standardize:
        assert np.allclose(X_tr.mean(axis=0), 0.0, atol=1e-12)
    else:
        assert X_tr.min() >= 0.0 and X_tr.max() <= 1.0


def test_split_returns_fresh_writable_copies():
    """Can a caller write into the arrays it got without changing what the next caller gets?"""
    X_tr, _, _, _ = datasets.digits_split()
    X_tr[:] = 0.0
    assert np.any(datasets.digits_split()[0] != 0.0)


def test_wave_and_its_start_are_fresh_and_deterministic():
    """Are wave() and wave_start() the stated shapes, the same on every call, and fresh arrays
    (changing one does not change the next)?"""
    from autograder.datasets import wave, wave_start
    x, y = wave()
    assert x.shape == y.shape == (30, 1) and x[0, 0] == -2.0 and x[-1, 0] == 2.0
    assert np.array_equal(y, np.sin(1.5 * x))
    start = wave_start()
    assert {k: v.shape for k, v in start.items()} == {"W1": (1, 8), "b1": (8,), "W2": (8, 1), "b2": (1,)}
    x[:] = 0.0
    start["W1"][:] = 0.0
    assert wave()[0][0, 0] == -2.0 and np.any(wave_start()["W1"] != 0.0)
    assert all(np.array_equal(a, b) for a, b in zip(wave_start(4, 7).values(), wave_start(4, 7).values()))
