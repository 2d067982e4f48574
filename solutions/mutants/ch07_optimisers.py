"""Realistic wrong answers to the chapter 7 exercises (see solutions/mutants/__init__.py).

Each mutant follows the chapter's interface ``next_w, config = rule(w, dw, config)``.
"""
from functools import partial

import numpy as np

from solutions.mutants import Catalogue

wrong = MUTANTS = Catalogue(__name__)


def rule(key, new_state, step, keep=True, in_place=False):
    """A rule that keeps one array config[key] (zeros at first): state = new_state(config, old
    state, dw), then w moves by step(config, state, dw). ``keep=False``: the state is never
    stored; ``in_place``: w itself is changed."""
    def update(w, dw, config):
        config = dict(config)
        old = config.get(key)
        state = new_state(config, np.zeros_like(w) if old is None else old, dw)
        if keep:
            config[key] = state
        if in_place:
            w += step(config, state, dw)
            return w, config
        return w + step(config, state, dw), config
    return update


# --------------------------------------------------------------------------- momentum and Nesterov
def velocity(mu=1.0, lr=-1.0):
    """new velocity = mu * momentum * v + lr * learning_rate * dw (right: mu = 1, lr = -1)."""
    return lambda c, v, dw: mu * c["momentum"] * v + lr * c["learning_rate"] * dw


def by_velocity(c, v, dw):
    return v


def nesterov_step(c, v, dw):
    return c["momentum"] * v - c["learning_rate"] * dw


M, N = "sgd_momentum", "nesterov"
wrong(M, "adds the gradient (wrong sign)", "sign")(rule("velocity", velocity(lr=1.0), by_velocity))
wrong(M, "velocity never stored", "value")(rule("velocity", velocity(), by_velocity, keep=False))
wrong(M, "decay with the wrong sign (-momentum * velocity)", "value")(rule("velocity", velocity(mu=-1.0), by_velocity))
wrong(M, "w updated in place", "value")(rule("velocity", velocity(), by_velocity, in_place=True))
wrong(M, "momentum and learning rate swapped", "scale")(
    rule("velocity", lambda c, v, dw: c["learning_rate"] * v - c["momentum"] * dw, by_velocity))
wrong(M, "gradient damped by 1 - momentum", "scale")(   # an exponential average, not the stated velocity
    rule("velocity", lambda c, v, dw: c["momentum"] * v - (1 - c["momentum"]) * c["learning_rate"] * dw, by_velocity))
wrong(N, "plain momentum, no look-ahead", "scale")(rule("velocity", velocity(), by_velocity))
wrong(N, "looks ahead with the old velocity", "value")(   # w + mu * old - lr * dw: the new velocity again
    rule("velocity", velocity(), by_velocity))
wrong(N, "wrong sign", "sign")(
    rule("velocity", velocity(lr=1.0), lambda c, v, dw: c["momentum"] * v + c["learning_rate"] * dw))
wrong(N, "gradient step left out", "scale")(rule("velocity", velocity(), lambda c, v, dw: c["momentum"] * v))
wrong(N, "velocity never stored", "value")(rule("velocity", velocity(), nesterov_step, keep=False))


# --------------------------------------------------------------------------- Adagrad and RMSProp
def scaled_step(sign=-1.0, sqrt=True):
    """w moves by sign * learning_rate * dw / (sqrt(cache) + epsilon) (``sqrt=False``: cache)."""
    return lambda c, cache, dw: sign * c["learning_rate"] * dw / ((np.sqrt(cache) if sqrt else cache) + c["epsilon"])


def summed(c, cache, dw):
    return cache + dw * dw


def leaky(c, cache, dw):
    return c["decay_rate"] * cache + (1 - c["decay_rate"]) * dw * dw


A, R = "adagrad", "rmsprop"
wrong(A, "no square root", "value")(rule("cache", summed, scaled_step(sqrt=False)))
wrong(A, "accumulates |dw| instead of dw**2", "value")(
    rule("cache", lambda c, cache, dw: cache + np.abs(dw), scaled_step()))
wrong(A, "wrong sign", "sign")(rule("cache", summed, scaled_step(sign=1.0)))
wrong(A, "w updated in place", "value")(rule("cache", summed, scaled_step(), in_place=True))
wrong(R, "no square root", "value")(rule("cache", leaky, scaled_step(sqrt=False)))
wrong(R, "decay weights swapped", "scale")(   # decay_rate on the new squared gradient, 1 - decay_rate on the cache
    rule("cache", lambda c, cache, dw: (1 - c["decay_rate"]) * cache + c["decay_rate"] * dw * dw, scaled_step()))
wrong(R, "no decay (Adagrad's cache)", "scale")(rule("cache", summed, scaled_step()))
wrong(R, "wrong sign", "sign")(rule("cache", leaky, scaled_step(sign=1.0)))
wrong(R, "cache never stored", "value")(rule("cache", leaky, scaled_step(), keep=False))


@wrong("adagrad", "cache not accumulated", "value")
def ada_cache_not_summed(w, dw, config):
    """Keeps only the latest squared gradient, so every step is lr * sign(dw)."""
    config = dict(config)
    cache = dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


# --------------------------------------------------------------------------- Adam
def _adam(w, dw, config, *, correct=True, t_shift=0, beta_mixup=False, sign=-1.0, sqrt=True, in_place=False):
    config = dict(config)
    b1, b2, eps, lr = config["beta1"], config["beta2"], config["epsilon"], config["learning_rate"]
    t = config.get("t", 0) + 1
    m = b1 * config.get("m", 0.0) + (1 - b1) * dw
    v = (b1 if beta_mixup else b2) * config.get("v", 0.0) + (1 - b2) * dw * dw
    config.update(m=m, v=v, t=t)
    te = t + t_shift
    m_hat = m / (1 - b1 ** te) if correct else m
    v_hat = v / (1 - b2 ** te) if correct else v
    step = sign * lr * m_hat / ((np.sqrt(v_hat) if sqrt else v_hat) + eps)
    if in_place:
        w += step
        return w, config
    return w + step, config


D = "adam"
wrong(D, "no bias correction", "scale")(partial(_adam, correct=False))
wrong(D, "bias correction with t off by one", "scale")(partial(_adam, t_shift=1))   # counts the step twice
wrong(D, "v decayed with beta1", "value")(partial(_adam, beta_mixup=True))   # a misprint that mixes the betas
wrong(D, "wrong sign", "sign")(partial(_adam, sign=1.0))
wrong(D, "no square root of v", "value")(partial(_adam, sqrt=False))
wrong(D, "w updated in place", "value")(partial(_adam, in_place=True))


@wrong(D, "t never stored", "scale")
def adam_forgets_t(w, dw, config):
    """Never stores t, so the correction is that of the first step every time."""
    next_w, new = _adam(w, dw, config)
    new["t"] = config.get("t", 0)
    return next_w, new


# --------------------------------------------------------------------------- step_decay
@wrong("step_decay", "drops one step early ((t + 1) // every)", "value")
def sd_off_by_one(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** ((t + 1) // every)


@wrong("step_decay", "no floor (smooth decay)", "value")
def sd_no_floor(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** (t / every)


@wrong("step_decay", "drops already at t = 0", "scale")
def sd_extra_drop(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** (t // every + 1)


@wrong("step_decay", "linear instead of geometric", "value")
def sd_linear(lr0, t, drop=0.5, every=10):
    """Subtracts a fraction instead of multiplying."""
    return lr0 * (1 - (1 - drop) * (t // every))


@wrong("step_decay", "t % every instead of t // every", "value")
def sd_modulo(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** (t % every)


@wrong("step_decay", "rounds instead of flooring", "value")
def sd_rounds(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** round(t / every)


wrong(M, "moves by the old velocity", "value")(   # w + v with v from the last call, then v is updated
    rule("velocity", velocity(), lambda c, v, dw: (v + c["learning_rate"] * dw) / c["momentum"]))
wrong(D, "t starts at 0", "value")(partial(_adam, t_shift=-1))   # bias correction divides by 1 - beta**0 = 0


@wrong("step_decay", "a loop that never ends when t is not a multiple of every", "error")
def sd_never_ends(lr0, t, drop=0.5, every=10):
    """Counts the drops by stepping t down to exactly 0. (Here it gives up after many rounds with
    TimeoutError, what a grader's time limit turns the endless loop into.)"""
    left, drops = t, 0
    while left != 0:
        left -= every
        drops += 1
        if drops > 10 ** 5:
            raise TimeoutError
    return lr0 * drop ** (drops - 1 if drops else 0)
wrong("adagrad", "returns next_w as a list", "shape")(
    lambda w, dw, config: (lambda next_w, c: (next_w.tolist(), c))(*rule("cache", summed, scaled_step())(w, dw, config)))


# --------------------------------------------------------------------------- smooth schedules
@wrong("exponential_decay", "grows: exp(+k t)", "value")
def ed_grows(lr0, t, k=0.1):
    return lr0 * np.exp(k * t)


@wrong("exponential_decay", "divides t by k: exp(-t / k)", "value")
def ed_divides(lr0, t, k=0.1):
    return lr0 * np.exp(-t / k)


@wrong("exponential_decay", "forgets lr0", "scale")
def ed_no_lr0(lr0, t, k=0.1):
    return np.exp(-k * t)


@wrong("exponential_decay", "subtracts k t (linear decay)", "value")
def ed_linear(lr0, t, k=0.1):
    return lr0 * (1 - k * t)


@wrong("exponential_decay", "multiplies by k instead of exponentiating", "value")
def ed_times_k(lr0, t, k=0.1):
    return lr0 * k ** t


@wrong("exponential_decay", "counts t from 1", "scale")
def ed_from_one(lr0, t, k=0.1):
    return lr0 * np.exp(-k * (t + 1))


@wrong("inverse_time_decay", "lr0 / (1 + t) whatever tau", "value")
def itd_plain(lr0, t, tau=10):
    return lr0 / (1 + t)


@wrong("inverse_time_decay", "no max: lr0 * tau / t", "value")
def itd_no_max(lr0, t, tau=10):
    return lr0 * tau / t if t else lr0 * tau


@wrong("inverse_time_decay", "min instead of max", "value")
def itd_min(lr0, t, tau=10):
    return lr0 * tau / min(max(t, 1), tau)


@wrong("inverse_time_decay", "forgets the factor tau", "scale")
def itd_no_tau(lr0, t, tau=10):
    return lr0 / max(t, tau)


@wrong("inverse_time_decay", "falls from t = 0: lr0 / (1 + t / tau)", "value")
def itd_smooth(lr0, t, tau=10):
    return lr0 / (1 + t / tau)


# --------------------------------------------------------------------------- descent on the quartic
@wrong("descend_quartic", "climbs: x + step_size * f'(x), on numpy floats", "sign")
def dq_ascent(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
    x = np.float64(x0)
    for steps in range(1, max_steps + 1):
        new = x + step_size * (4 * x ** 3 - 9 * x ** 2)
        if not np.isfinite(new) or abs(new - x) <= precision:
            return new, steps
        x = new
    return x, max_steps


@wrong("descend_quartic", "derivative 4x^3 - 3x^2 (power rule slip)", "value")
def dq_wrong_derivative(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
    x = x0
    for steps in range(1, max_steps + 1):
        new = x - step_size * (4 * x ** 3 - 3 * x ** 2)
        if abs(new - x) <= precision:
            return new, steps
        x = new
    return x, max_steps


@wrong("descend_quartic", "stops when |f'(x)| is small, not the step", "value")
def dq_gradient_stop(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
    x, steps = x0, 0
    while abs(4 * x ** 3 - 9 * x ** 2) > precision and steps < max_steps:
        x = x - step_size * (4 * x ** 3 - 9 * x ** 2)
        steps += 1
    return x, steps


@wrong("descend_quartic", "does not count the last update", "value")
def dq_off_by_one(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
    x, steps = x0, 0
    while True:
        new = x - step_size * (4 * x ** 3 - 9 * x ** 2)
        if abs(new - x) <= precision:
            return new, steps
        x = new
        steps += 1


@wrong("descend_quartic", "returns the iterate before the last update", "value")
def dq_old_x(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
    x = x0
    for steps in range(1, max_steps + 1):
        new = x - step_size * (4 * x ** 3 - 9 * x ** 2)
        if abs(new - x) <= precision:
            return x, steps
        x = new
    return x, max_steps


@wrong("descend_quartic", "ignores x0 (always starts at 6)", "value")
def dq_fixed_start(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
    x = 6.0
    for steps in range(1, max_steps + 1):
        new = x - step_size * (4 * x ** 3 - 9 * x ** 2)
        if abs(new - x) <= precision:
            return new, steps
        x = new
    return x, max_steps


@wrong("descend_quartic", "climbs: x + step_size * f'(x), on Python floats (OverflowError)", "error")
def dq_ascent_overflows(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
    x = x0
    for steps in range(1, max_steps + 1):
        new = x + step_size * (4 * x ** 3 - 9 * x ** 2)
        if abs(new - x) <= precision:
            return new, steps
        x = new
    return x, max_steps
