"""CS224n's activations, initialisations and preprocessing.

Layers follow the contract of ``solutions.ch05_neural_nets`` (``out, cache = name_forward(x)``,
``dx = name_backward(dout, cache)``; x any shape, dout shaped like out, inputs never modified):

    hard_tanh: out = -1 for x < -1, x for -1 <= x <= 1, 1 for x > 1      cache x
    softsign:  out = x / (1 + |x|), slope 1 / (1 + |x|)^2                 cache x

At the hard tanh's kinks (x = -1 and x = 1) this module lets the gradient pass (slope 1); the
checks accept either one-sided slope there. (Leaky ReLU is in ``solutions.ch05_neural_nets``.)

Initialisations draw a weight matrix W (fan_in, fan_out) from a generator ``rng`` they are given:

    xavier_init: uniform on [-r, r], r = sqrt(6 / (fan_in + fan_out)): variance 2 / (fan_in + fan_out)
    he_init:     normal with mean 0 and variance 2 / fan_in

Preprocessing is fitted on the training set only: ``preprocess(X_train, X_test)`` subtracts the
training mean of each feature and divides by its training standard deviation (plus ``eps``), for
both sets. X_train (N, D), X_test (T, D).
"""
import numpy as np


def hard_tanh_forward(x):
    """out = x clipped to [-1, 1], same shape as x. Returns (out, cache x)."""
    return np.clip(x, -1.0, 1.0), x


def hard_tanh_backward(dout, cache):
    """dx = dout where -1 <= x <= 1, 0 outside (shape of x)."""
    x = cache
    return dout * ((x >= -1.0) & (x <= 1.0))


def softsign_forward(x):
    """out = x / (1 + |x|), same shape as x. Returns (out, cache x)."""
    return x / (1.0 + np.abs(x)), x


def softsign_backward(dout, cache):
    """dx = dout / (1 + |x|)^2 (shape of x)."""
    x = cache
    return dout / (1.0 + np.abs(x)) ** 2


def xavier_init(fan_in, fan_out, rng):
    """W (fan_in, fan_out) uniform on +-sqrt(6 / (fan_in + fan_out)), drawn with rng.uniform."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he_init(fan_in, fan_out, rng):
    """W (fan_in, fan_out) normal with mean 0 and standard deviation sqrt(2 / fan_in), drawn with rng."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def preprocess(X_train, X_test, eps=1e-8):
    """Standardise each feature with the TRAINING statistics.

    X_train (N, D), X_test (T, D). Returns ((X_train - mean) / (std + eps), (X_test - mean) / (std + eps))
    with mean, std (D,) the per-feature mean and standard deviation of X_train."""
    mean = X_train.mean(axis=0)
    scale = X_train.std(axis=0) + eps
    return (X_train - mean) / scale, (X_test - mean) / scale
