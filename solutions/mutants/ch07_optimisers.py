"""Realistic wrong answers to the chapter 7 exercises; each must lose points (tests/test_mutants.py).

Each mutant follows the chapter's interface ``next_w, config = rule(w, dw, config)``.
"""
import numpy as np

from solutions.mutants import Mutant


def _get(config, name, w):
    value = config.get(name)
    return np.zeros_like(w) if value is None else value


# --------------------------------------------------------------------------- momentum
def mom_plus_gradient(w, dw, config):
    """Adds the gradient to the velocity instead of subtracting it: climbs."""
    config = dict(config)
    v = config["momentum"] * _get(config, "velocity", w) + config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def mom_forgets_velocity(w, dw, config):
    """Computes a velocity but never stores it, so every step is plain SGD."""
    v = config["momentum"] * _get(config, "velocity", w) - config["learning_rate"] * dw
    return w + v, dict(config)


def mom_decay_sign(w, dw, config):
    """-momentum * velocity: the velocity flips direction every step."""
    config = dict(config)
    v = -config["momentum"] * _get(config, "velocity", w) - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def mom_in_place(w, dw, config):
    config = dict(config)
    v = config["momentum"] * _get(config, "velocity", w) - config["learning_rate"] * dw
    config["velocity"] = v
    w += v
    return w, config


def mom_swapped_hyperparameters(w, dw, config):
    """Swaps the roles of momentum and learning_rate."""
    config = dict(config)
    v = config["learning_rate"] * _get(config, "velocity", w) - config["momentum"] * dw
    config["velocity"] = v
    return w + v, config


def mom_one_minus_mu(w, dw, config):
    """Damps the gradient by (1 - momentum), an exponential average instead of the stated velocity."""
    config = dict(config)
    mu = config["momentum"]
    v = mu * _get(config, "velocity", w) - (1 - mu) * config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


# --------------------------------------------------------------------------- Nesterov
def nes_plain_momentum(w, dw, config):
    config = dict(config)
    v = config["momentum"] * _get(config, "velocity", w) - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def nes_old_velocity(w, dw, config):
    """Looks ahead with the velocity of the previous step instead of the new one."""
    config = dict(config)
    mu, lr = config["momentum"], config["learning_rate"]
    old = _get(config, "velocity", w)
    config["velocity"] = mu * old - lr * dw
    return w + mu * old - lr * dw, config


def nes_sign(w, dw, config):
    config = dict(config)
    mu, lr = config["momentum"], config["learning_rate"]
    v = mu * _get(config, "velocity", w) + lr * dw
    config["velocity"] = v
    return w + mu * v + lr * dw, config


def nes_no_gradient_term(w, dw, config):
    """Steps by momentum * velocity only, dropping the extra gradient step."""
    config = dict(config)
    mu, lr = config["momentum"], config["learning_rate"]
    v = mu * _get(config, "velocity", w) - lr * dw
    config["velocity"] = v
    return w + mu * v, config


def nes_forgets_velocity(w, dw, config):
    mu, lr = config["momentum"], config["learning_rate"]
    v = mu * _get(config, "velocity", w) - lr * dw
    return w + mu * v - lr * dw, dict(config)


# --------------------------------------------------------------------------- Adagrad
def ada_no_sqrt(w, dw, config):
    config = dict(config)
    cache = _get(config, "cache", w) + dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (cache + config["epsilon"]), config


def ada_cache_not_summed(w, dw, config):
    """Keeps only the latest squared gradient, so every step is lr * sign(dw)."""
    config = dict(config)
    cache = dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def ada_cache_of_gradients(w, dw, config):
    """Sums |dw| instead of dw ** 2."""
    config = dict(config)
    cache = _get(config, "cache", w) + np.abs(dw)
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def ada_sign(w, dw, config):
    config = dict(config)
    cache = _get(config, "cache", w) + dw * dw
    config["cache"] = cache
    return w + config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def ada_in_place(w, dw, config):
    config = dict(config)
    cache = _get(config, "cache", w) + dw * dw
    config["cache"] = cache
    w -= config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    return w, config


# --------------------------------------------------------------------------- RMSProp
def rms_no_sqrt(w, dw, config):
    config = dict(config)
    rho = config["decay_rate"]
    cache = rho * _get(config, "cache", w) + (1 - rho) * dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (cache + config["epsilon"]), config


def rms_swapped_decay(w, dw, config):
    """Weights the new squared gradient by decay_rate and the old cache by 1 - decay_rate."""
    config = dict(config)
    rho = config["decay_rate"]
    cache = (1 - rho) * _get(config, "cache", w) + rho * dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def rms_adagrad_cache(w, dw, config):
    """Sums the squares like Adagrad: no decay."""
    config = dict(config)
    cache = _get(config, "cache", w) + dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def rms_sign(w, dw, config):
    config = dict(config)
    rho = config["decay_rate"]
    cache = rho * _get(config, "cache", w) + (1 - rho) * dw * dw
    config["cache"] = cache
    return w + config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def rms_forgets_cache(w, dw, config):
    rho = config["decay_rate"]
    cache = rho * _get(config, "cache", w) + (1 - rho) * dw * dw
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), dict(config)


# --------------------------------------------------------------------------- Adam
def _adam(w, dw, config, *, correct=True, t_shift=0, beta_mixup=False, sign=-1.0, sqrt=True, in_place=False):
    config = dict(config)
    b1, b2, eps, lr = config["beta1"], config["beta2"], config["epsilon"], config["learning_rate"]
    t = config.get("t", 0) + 1
    m = b1 * _get(config, "m", w) + (1 - b1) * dw
    v = (b1 if beta_mixup else b2) * _get(config, "v", w) + (1 - b2) * dw * dw
    config.update(m=m, v=v, t=t)
    te = t + t_shift
    m_hat = m / (1 - b1 ** te) if correct else m
    v_hat = v / (1 - b2 ** te) if correct else v
    step = sign * lr * m_hat / ((np.sqrt(v_hat) if sqrt else v_hat) + eps)
    if in_place:
        w += step
        return w, config
    return w + step, config


def adam_no_bias_correction(w, dw, config):
    return _adam(w, dw, config, correct=False)


def adam_t_off_by_one(w, dw, config):
    """Corrects with t + 1 (counts the step before it happens and again when using it)."""
    return _adam(w, dw, config, t_shift=1)


def adam_beta_mixup(w, dw, config):
    """Decays v with beta1, as in a misprinted pseudo-code that mixes the two betas."""
    return _adam(w, dw, config, beta_mixup=True)


def adam_sign(w, dw, config):
    return _adam(w, dw, config, sign=1.0)


def adam_no_sqrt(w, dw, config):
    return _adam(w, dw, config, sqrt=False)


def adam_forgets_t(w, dw, config):
    """Never stores t, so the correction is that of the first step every time."""
    next_w, new = _adam(w, dw, config)
    new["t"] = config.get("t", 0)
    return next_w, new


def adam_in_place(w, dw, config):
    return _adam(w, dw, config, in_place=True)


# --------------------------------------------------------------------------- step_decay
def sd_off_by_one(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** ((t + 1) // every)


def sd_no_floor(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** (t / every)


def sd_extra_drop(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** (t // every + 1)


def sd_linear(lr0, t, drop=0.5, every=10):
    """Subtracts a fraction instead of multiplying."""
    return lr0 * (1 - (1 - drop) * (t // every))


def sd_modulo(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** (t % every)


def sd_rounds(lr0, t, drop=0.5, every=10):
    return lr0 * drop ** round(t / every)


M, N, A, R, D, S = ("check_sgd_momentum", "check_nesterov", "check_adagrad", "check_rmsprop", "check_adam",
                    "check_step_decay")

MUTANTS = [
    Mutant(M, "adds the gradient (wrong sign)", mom_plus_gradient, "sign"),
    Mutant(M, "velocity never stored", mom_forgets_velocity, "value"),
    Mutant(M, "decay with the wrong sign (-momentum * velocity)", mom_decay_sign, "value"),
    Mutant(M, "w updated in place", mom_in_place, "value"),
    Mutant(M, "momentum and learning rate swapped", mom_swapped_hyperparameters, "scale"),
    Mutant(M, "gradient damped by 1 - momentum", mom_one_minus_mu, "scale"),

    Mutant(N, "plain momentum, no look-ahead", nes_plain_momentum, "scale"),
    Mutant(N, "looks ahead with the old velocity", nes_old_velocity, "value"),
    Mutant(N, "wrong sign", nes_sign, "sign"),
    Mutant(N, "gradient step left out", nes_no_gradient_term, "scale"),
    Mutant(N, "velocity never stored", nes_forgets_velocity, "value"),

    Mutant(A, "no square root", ada_no_sqrt, "value"),
    Mutant(A, "cache not accumulated", ada_cache_not_summed, "value"),
    Mutant(A, "accumulates |dw| instead of dw**2", ada_cache_of_gradients, "value"),
    Mutant(A, "wrong sign", ada_sign, "sign"),
    Mutant(A, "w updated in place", ada_in_place, "value"),

    Mutant(R, "no square root", rms_no_sqrt, "value"),
    Mutant(R, "decay weights swapped", rms_swapped_decay, "scale"),
    Mutant(R, "no decay (Adagrad's cache)", rms_adagrad_cache, "scale"),
    Mutant(R, "wrong sign", rms_sign, "sign"),
    Mutant(R, "cache never stored", rms_forgets_cache, "value"),

    Mutant(D, "no bias correction", adam_no_bias_correction, "scale"),
    Mutant(D, "bias correction with t off by one", adam_t_off_by_one, "scale"),
    Mutant(D, "v decayed with beta1", adam_beta_mixup, "value"),
    Mutant(D, "wrong sign", adam_sign, "sign"),
    Mutant(D, "no square root of v", adam_no_sqrt, "value"),
    Mutant(D, "t never stored", adam_forgets_t, "scale"),
    Mutant(D, "w updated in place", adam_in_place, "value"),

    Mutant(S, "drops one step early ((t + 1) // every)", sd_off_by_one, "value"),
    Mutant(S, "no floor (smooth decay)", sd_no_floor, "value"),
    Mutant(S, "drops already at t = 0", sd_extra_drop, "scale"),
    Mutant(S, "linear instead of geometric", sd_linear, "value"),
    Mutant(S, "t % every instead of t // every", sd_modulo, "value"),
    Mutant(S, "rounds instead of flooring", sd_rounds, "value"),
]
