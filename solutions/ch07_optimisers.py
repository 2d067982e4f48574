"""Update rules and learning-rate schedules.

Interface shared by every update rule (stated once, here):

    next_w, next_config = rule(w, dw, config=None)

    w       : float array of parameters, any shape S. Never modified: next_w is a new array.
    dw      : the gradient of the loss at w, shape S.
    config  : dict of hyperparameters ("learning_rate", "momentum", ...) and of the rule's state
              ("velocity", "cache", "m", "v", "t"). Missing hyperparameters take the defaults
              below; missing state starts at zero. Never modified either.
    returns : next_w (shape S) and a new dict holding the hyperparameters and the updated state,
              to pass back on the next call.

Every schedule is a function ``lr = schedule(lr0, t, ...)`` of the iteration count t = 0, 1, 2, ...
(a number or an integer array). Descent on test functions and surfaces is in
``solutions.ch07_optimisers_descent``.
"""
import numpy as np

DEFAULTS = {"learning_rate": 1e-2, "momentum": 0.9, "decay_rate": 0.99,
            "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}


def _start(config, w, *state):
    """A copy of config with defaults filled in and each named state array present (zeros)."""
    config = {**DEFAULTS, **(config or {})}
    for name in state:
        config[name] = np.zeros_like(w) if config.get(name) is None else np.asarray(config[name])
    return config


# --------------------------------------------------------------------------- update rules
def sgd(w, dw, config=None):
    """Plain (stochastic) gradient descent: w <- w - lr * dw."""
    config = _start(config, w)
    return w - config["learning_rate"] * dw, config


def sgd_momentum(w, dw, config=None):
    """Momentum: a velocity that remembers past gradients, decaying by ``momentum`` each step.

    velocity <- momentum * velocity - lr * dw;   w <- w + velocity
    """
    config = _start(config, w, "velocity")
    velocity = config["momentum"] * config["velocity"] - config["learning_rate"] * dw
    config["velocity"] = velocity
    return w + velocity, config


def nesterov(w, dw, config=None):
    """Nesterov momentum, written for the gradient at the current w (the "look-ahead" form).

    velocity <- momentum * velocity - lr * dw;   w <- w + momentum * velocity - lr * dw
    The step is the momentum step taken once more from where the velocity is about to carry w,
    plus the gradient step: equal to the classic form evaluated at the looked-ahead point.
    """
    config = _start(config, w, "velocity")
    mu, lr = config["momentum"], config["learning_rate"]
    velocity = mu * config["velocity"] - lr * dw
    config["velocity"] = velocity
    return w + mu * velocity - lr * dw, config


def adagrad(w, dw, config=None):
    """Adagrad: each coordinate's step is divided by the root of its summed squared gradients.

    cache <- cache + dw^2;   w <- w - lr * dw / (sqrt(cache) + epsilon)
    """
    config = _start(config, w, "cache")
    cache = config["cache"] + dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def rmsprop(w, dw, config=None):
    """RMSProp: like Adagrad with a leaky (exponentially decaying) average of squared gradients.

    cache <- decay_rate * cache + (1 - decay_rate) * dw^2;   w <- w - lr * dw / (sqrt(cache) + epsilon)
    """
    config = _start(config, w, "cache")
    rho = config["decay_rate"]
    cache = rho * config["cache"] + (1.0 - rho) * dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def adam(w, dw, config=None):
    """Adam: momentum on the gradient (m) and RMSProp on its square (v), both bias-corrected.

    t <- t + 1
    m <- beta1 * m + (1 - beta1) * dw          m_hat = m / (1 - beta1^t)
    v <- beta2 * v + (1 - beta2) * dw^2        v_hat = v / (1 - beta2^t)
    w <- w - lr * m_hat / (sqrt(v_hat) + epsilon)
    m and v start at zero, so early averages are too small; dividing by 1 - beta^t undoes that
    exactly (at t = 1, m_hat = dw and v_hat = dw^2, and the step is lr in size).
    """
    config = _start(config, w, "m", "v")
    b1, b2 = config["beta1"], config["beta2"]
    t = int(config.get("t", 0)) + 1
    m = b1 * config["m"] + (1.0 - b1) * dw
    v = b2 * config["v"] + (1.0 - b2) * dw * dw
    m_hat = m / (1.0 - b1 ** t)
    v_hat = v / (1.0 - b2 ** t)
    config.update(m=m, v=v, t=t)
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


RULES = {"SGD": sgd, "momentum": sgd_momentum, "Nesterov": nesterov,
         "Adagrad": adagrad, "RMSProp": rmsprop, "Adam": adam}


# --------------------------------------------------------------------------- schedules
def step_decay(lr0, t, drop=0.5, every=10):
    """Step annealing: lr0 * drop^(floor(t / every)): the rate falls by ``drop`` after every ``every`` steps."""
    return lr0 * drop ** (np.asarray(t) // every)


def exponential_decay(lr0, t, k=0.1):
    """Exponential decay: lr0 * exp(-k t)."""
    return lr0 * np.exp(-k * np.asarray(t, dtype=np.float64))


def inverse_time_decay(lr0, t, tau=10):
    """1/t decay: lr0 * tau / max(t, tau): constant for the first tau steps, then falling as 1/t."""
    return lr0 * tau / np.maximum(np.asarray(t, dtype=np.float64), tau)



# --------------------------------------------------------------------------- descent in one dimension
def descend_quartic(x0=6.0, step_size=0.01, precision=1e-5, max_steps=100_000):
    """Gradient descent on f(x) = x^4 - 3x^3 + 2, whose derivative is f'(x) = 4x^3 - 9x^2.

    From x0, repeat x <- x - step_size * f'(x) until one update moves x by no more than
    ``precision`` (that update counts, and its result is returned), or ``max_steps`` updates.
    Returns (x, steps): the last iterate (a float) and the number of updates made (an int).
    From x0 = 6 with step 0.01 the run stops next to the minimum 9/4.
    """
    x = float(x0)
    for steps in range(1, max_steps + 1):
        move = step_size * (4.0 * x ** 3 - 9.0 * x ** 2)
        x = x - move
        if not np.isfinite(x) or abs(move) <= precision:
            return x, steps
    return x, max_steps


def cosine_decay(lr0, t, total=100, floor=0.0):
    """Cosine annealing (ungraded; the book's worked schedule): from lr0
    at t = 0 down to ``floor`` at t = total along half a cosine wave, then
    ``floor``. t: a number or an integer array."""
    t = np.minimum(np.asarray(t, dtype=np.float64), total)
    return floor + 0.5 * (lr0 - floor) * (1.0 + np.cos(np.pi * t / total))
