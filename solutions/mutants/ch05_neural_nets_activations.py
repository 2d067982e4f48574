"""Realistic wrong answers for chapter 5's CS224n activations, initialisations and preprocessing
(see solutions/mutants/__init__.py); solutions/mutants/ch05_neural_nets.py adds them to the
chapter's catalogue."""
import numpy as np

from solutions import ch05_neural_nets as ref
from solutions.mutants import Catalogue, negated, without_upstream

wrong = MUTANTS = Catalogue(__name__)


# --------------------------------------------------------------------------- leaky ReLU
@wrong("leaky_relu_forward", "plain ReLU (no leak)", "value")
def leaky_plain(x, alpha=0.01):
    return np.maximum(0.0, x), (x, alpha)


@wrong("leaky_relu_forward", "leak on the positive side", "value")
def leaky_wrong_side(x, alpha=0.01):
    return np.where(x > 0, alpha * x, x), (x, alpha)


@wrong("leaky_relu_forward", "maximum(alpha, x)", "value")
def leaky_max_alpha(x, alpha=0.01):
    return np.maximum(alpha, x), (x, alpha)


@wrong("leaky_relu_forward", "absolute value on the negative side", "value")
def leaky_abs(x, alpha=0.01):
    return np.where(x > 0, x, alpha * np.abs(x)), (x, alpha)


@wrong("leaky_relu_forward", "overwrites its input", "value")
def leaky_in_place(x, alpha=0.01):
    x[x < 0] *= alpha
    return x, (x, alpha)


LB = "leaky_relu_backward"
wrong(LB, "dropped upstream gradient", "upstream")(without_upstream(ref.leaky_relu_backward))
wrong(LB, "negated", "sign")(negated(ref.leaky_relu_backward))


@wrong(LB, "zero slope on the negative side", "mismatch")
def leaky_back_relu(dout, cache):
    x, alpha = cache
    return dout * (x > 0)


@wrong(LB, "slope alpha * x instead of alpha", "mismatch")
def leaky_back_alpha_x(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha * x)


@wrong(LB, "returns the forward's output", "mismatch")
def leaky_back_forward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, x, alpha * x)


# --------------------------------------------------------------------------- hard tanh
@wrong("hard_tanh_forward", "clipped to [0, 1]", "value")
def hard_tanh_01(x):
    return np.clip(x, 0.0, 1.0), x


@wrong("hard_tanh_forward", "smooth tanh", "value")
def hard_tanh_smooth(x):
    return np.tanh(x), x


@wrong("hard_tanh_forward", "only the upper side clipped", "value")
def hard_tanh_upper(x):
    return np.minimum(x, 1.0), x


@wrong("hard_tanh_forward", "sign(x) outside instead of the bound, zero inside", "value")
def hard_tanh_inverted(x):
    return np.where(np.abs(x) > 1, np.sign(x), 0.0), x


@wrong("hard_tanh_forward", "overwrites its input", "value")
def hard_tanh_in_place(x):
    np.clip(x, -1.0, 1.0, out=x)
    return x, x


HB = "hard_tanh_backward"
wrong(HB, "dropped upstream gradient", "upstream")(without_upstream(ref.hard_tanh_backward))
wrong(HB, "negated", "sign")(negated(ref.hard_tanh_backward))


@wrong(HB, "blocked below -1 only", "mismatch")
def hard_tanh_back_one_side(dout, cache):
    x = cache
    return dout * (x >= -1.0)


@wrong(HB, "mask inverted", "mismatch")
def hard_tanh_back_inverted(dout, cache):
    x = cache
    return dout * (np.abs(x) > 1.0)


@wrong(HB, "slope of tanh", "mismatch")
def hard_tanh_back_tanh(dout, cache):
    x = cache
    return dout * (1.0 - np.tanh(x) ** 2)


@wrong(HB, "blocked on the kink and next to it", None, at_kinks=True)
def hard_tanh_back_wide(dout, cache):
    x = cache
    return dout * (np.abs(x) < 1.0 - 1e-6)


# --------------------------------------------------------------------------- softsign
@wrong("softsign_forward", "no absolute value", "value")
def softsign_no_abs(x):
    return x / (1.0 + x), x


@wrong("softsign_forward", "squared denominator", "value")
def softsign_squared(x):
    return x / (1.0 + np.abs(x)) ** 2, x


@wrong("softsign_forward", "|x| in the numerator", "value")
def softsign_abs_top(x):
    return np.abs(x) / (1.0 + np.abs(x)), x


@wrong("softsign_forward", "missing the 1", "value")
def softsign_no_one(x):
    return x / np.abs(x), x


@wrong("softsign_forward", "overwrites its input", "value")
def softsign_in_place(x):
    x /= 1.0 + np.abs(x)
    return x, x


SB = "softsign_backward"
wrong(SB, "dropped upstream gradient", "upstream")(without_upstream(ref.softsign_backward))
wrong(SB, "negated", "sign")(negated(ref.softsign_backward))


@wrong(SB, "denominator not squared", "mismatch")
def softsign_back_unsquared(dout, cache):
    x = cache
    return dout / (1.0 + np.abs(x))


@wrong(SB, "quotient rule without the |x| term", "mismatch")
def softsign_back_no_abs_term(dout, cache):
    x = cache
    return dout * (1.0 + np.abs(x) + x) / (1.0 + np.abs(x)) ** 2


@wrong(SB, "sign of x forgotten in d|x|/dx", "mismatch")
def softsign_back_no_sign(dout, cache):
    x = cache
    return dout * (1.0 + np.abs(x) - x) / (1.0 + np.abs(x)) ** 2


# --------------------------------------------------------------------------- initialisations
@wrong("xavier_init", "fan_in only in the limit", "scale")
def xavier_fan_in(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


@wrong("xavier_init", "limit sqrt(2 / (fan_in + fan_out)), the standard deviation", "scale")
def xavier_std_as_limit(fan_in, fan_out, rng):
    limit = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


@wrong("xavier_init", "normal instead of uniform", "value")
def xavier_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@wrong("xavier_init", "uniform on [0, 2r]", "value")
def xavier_positive(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(0.0, 2 * limit, size=(fan_in, fan_out))


@wrong("xavier_init", "global np.random instead of rng", "value")
def xavier_global(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-limit, limit, size=(fan_in, fan_out))


@wrong("xavier_init", "shape (fan_out, fan_in)", "shape")
def xavier_transposed(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in))


@wrong("he_init", "variance passed as the standard deviation", "scale")
def he_variance_as_std(fan_in, fan_out, rng):
    return rng.normal(0.0, 2.0 / fan_in, size=(fan_in, fan_out))


@wrong("he_init", "variance 1 / fan_in", "scale")
def he_half(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


@wrong("he_init", "fan_out instead of fan_in", "scale")
def he_fan_out(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_in, fan_out))


@wrong("he_init", "uniform of the right variance", "value")
def he_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


@wrong("he_init", "global np.random instead of rng", "value")
def he_global(fan_in, fan_out, rng):
    return np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)


@wrong("he_init", "mean 1", "value")
def he_mean_one(fan_in, fan_out, rng):
    return rng.normal(1.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


# --------------------------------------------------------------------------- preprocessing
@wrong("preprocess", "test set fitted on itself", "value")
def preprocess_own(X_train, X_test, eps=1e-8):
    return ((X_train - X_train.mean(0)) / (X_train.std(0) + eps),
            (X_test - X_test.mean(0)) / (X_test.std(0) + eps))


@wrong("preprocess", "statistics of train and test pooled", "value")
def preprocess_pooled(X_train, X_test, eps=1e-8):
    both = np.vstack([X_train, X_test])
    mean, scale = both.mean(0), both.std(0) + eps
    return (X_train - mean) / scale, (X_test - mean) / scale


@wrong("preprocess", "statistics over rows instead of columns", "value")
def preprocess_rows(X_train, X_test, eps=1e-8):
    return ((X_train - X_train.mean(1, keepdims=True)) / (X_train.std(1, keepdims=True) + eps),
            (X_test - X_test.mean(1, keepdims=True)) / (X_test.std(1, keepdims=True) + eps))


@wrong("preprocess", "mean subtracted, not divided by the standard deviation", "value")
def preprocess_no_scale(X_train, X_test, eps=1e-8):
    mean = X_train.mean(0)
    return X_train - mean, X_test - mean


@wrong("preprocess", "divided by the variance", "value")
def preprocess_variance(X_train, X_test, eps=1e-8):
    mean, scale = X_train.mean(0), X_train.var(0) + eps
    return (X_train - mean) / scale, (X_test - mean) / scale


@wrong("preprocess", "one mean over all features", "value")
def preprocess_global(X_train, X_test, eps=1e-8):
    mean, scale = X_train.mean(), X_train.std() + eps
    return (X_train - mean) / scale, (X_test - mean) / scale


@wrong("preprocess", "centres the training set in place", "value")
def preprocess_in_place(X_train, X_test, eps=1e-8):
    mean, scale = X_train.mean(0), X_train.std(0) + eps
    X_train -= mean
    X_train /= scale
    return X_train, (X_test - mean) / scale
