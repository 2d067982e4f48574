"""Datasets that ship with installed packages: nothing is downloaded.

    digits() -> (X (1797, 64) float64 pixels 0..16, y (1797,) int64 labels 0..9)
    digits_split(test_size=360, seed=0, standardize=True) -> X_train, y_train, X_test, y_test
    wave(n=30) -> x (n, 1), y (n, 1)       generated here: y = sin(1.5 x) on [-2, 2] (chapter 3)
    wave_start(hidden=8, seed=3) -> {"W1": (1, H), "b1": (H,), "W2": (H, 1), "b2": (1,)}

The digits are scikit-learn's 8x8 handwritten digits. They are read from the file scikit-learn
installs (``sklearn/datasets/data/digits.csv.gz``) without importing scikit-learn, whose import
takes about a second: every graded notebook of chapter 5 and every grading worker loads them.
``sklearn.datasets.load_digits`` gives the same arrays (a test compares them) and is used when
the file is not where it is expected.
"""
import functools
import importlib.util
import os

import numpy as np


def _digits_file():
    spec = importlib.util.find_spec("sklearn")
    for folder in getattr(spec, "submodule_search_locations", None) or []:
        path = os.path.join(folder, "datasets", "data", "digits.csv.gz")
        if os.path.isfile(path):
            return path
    return None


@functools.lru_cache(maxsize=1)
def _digits():
    path = _digits_file()
    if path is None:
        from sklearn.datasets import load_digits
        data = load_digits()
        X, y = data.data.astype(np.float64), data.target.astype(np.int64)
    else:
        table = np.loadtxt(path, delimiter=",")          # (1797, 65): 64 pixels, then the label
        X, y = table[:, :-1], table[:, -1].astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def digits():
    """Fresh copies of the 1797 digits: X (1797, 64) float64 in 0..16, y (1797,) int64."""
    X, y = _digits()
    return X.copy(), y.copy()


@functools.lru_cache(maxsize=4)
def _split(test_size, seed, standardize):
    X, y = _digits()
    order = np.random.default_rng(seed).permutation(len(y))
    test, train = order[:test_size], order[test_size:]
    if standardize:
        mean, scale = X[train].mean(axis=0), X[train].std(axis=0) + 1.0
    else:
        mean, scale = 0.0, 16.0
    parts = ((X[train] - mean) / scale, y[train], (X[test] - mean) / scale, y[test])
    for a in parts:
        a.setflags(write=False)
    return parts


def digits_split(test_size=360, seed=0, standardize=True):
    """The digits shuffled by ``np.random.default_rng(seed).permutation``: the first ``test_size``
    images are the test set, the rest the training set. With ``standardize`` each pixel is centred
    on its training mean and divided by its training standard deviation plus 1 (so that pixels
    that hardly vary are not blown up), the test set using the training statistics; without, the
    pixels are divided by 16 into [0, 1].

    Returns fresh arrays X_train (N, 64), y_train (N,), X_test (T, 64), y_test (T,), N + T = 1797.
    """
    return tuple(a.copy() for a in _split(int(test_size), int(seed), bool(standardize)))


# The six points of chapter 4 (labels +1 / -1) with the start of training, and the worked
# example of its cost (total 1.815); solutions/ch04_svm.py and the chapter's checks read them here.
SVM_POINTS = {"X": ((1.2, 0.7), (-0.3, -0.5), (3.0, 0.1), (-0.1, -1.0), (-1.0, 1.1), (2.1, -3.0)),
              "y": (1.0, -1.0, 1.0, -1.0, -1.0, 1.0),
              "w0": (1.0, -2.0, -1.0)}
SVM_COST_EXAMPLE = {"w": (0.1, 0.2, 0.3), "X": ((1.2, 0.7), (-0.3, 0.5), (3.0, 2.5)), "y": (1.0, -1.0, 1.0),
                    "alpha": 0.1}


# Chapter 3's training exercise: a small regression set generated in code, and the starting
# weights of its network Linear -> Sigmoid -> Linear -> MSE (hidden units: the columns of W1).
def wave(n=30):
    """x (n, 1) evenly spaced in [-2, 2] and y (n, 1) = sin(1.5 x): fresh float64 arrays."""
    x = np.linspace(-2.0, 2.0, int(n)).reshape(-1, 1)
    return x, np.sin(1.5 * x)


def wave_start(hidden=8, seed=3):
    """Starting weights for ``wave``: {"W1": (1, H) normal, "b1": (H,) normal / 2,
    "W2": (H, 1) normal / sqrt(H), "b2": (1,) zeros}, drawn from ``np.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(1, hidden)), "b1": 0.5 * rng.normal(size=hidden),
            "W2": rng.normal(size=(hidden, 1)) / np.sqrt(hidden), "b2": np.zeros(1)}
