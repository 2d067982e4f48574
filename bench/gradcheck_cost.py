"""Benchmark 4: what a numerical gradient check of the chapter-5 net costs.

The net is the digits MLP (solutions.ch05_neural_nets_mlp, DIGITS sizes, He initialisation) on one
training batch of DIGITS' batch size. Each check computes the analytic gradient (mlp_loss) and
compares it with central differences (h = autograder.gradcheck.H) of the loss (forward only):
  - full:   every coordinate of every parameter, with autograder.gradcheck.numerical_gradient;
  - sparse: SPARSE coordinates drawn uniformly among all parameters (seeded), two loss
            evaluations each.
Both are reported in seconds and as a multiple of one forward/backward pass (mlp_loss on the
same batch, median of many), with the largest relative error found, so the check is a real one.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from autograder import gradcheck
from solutions import ch05_neural_nets_mlp as mlp
from solutions.ch05_neural_nets import l2_penalty, softmax_loss_forward

SPARSE = 20
SMOKE_SIZES = (64, 10, 10)


def setup(sizes):
    cfg = mlp.DIGITS
    X_train, y_train, _, _ = mlp.load_digits_split(cfg["test_size"], cfg["split_seed"])
    batch = np.random.default_rng(1).choice(len(y_train), cfg["batch_size"], replace=False)
    params = mlp.init_mlp(sizes, cfg["scheme"], cfg["seed"])
    return params, X_train[batch], y_train[batch], cfg["reg"]


def loss_only(params, X, y, reg):
    """The loss without its backward pass: what a numerical check evaluates."""
    scores, _ = mlp.mlp_forward(params, X)
    return softmax_loss_forward(scores, y)[0] + l2_penalty(params, reg)


def full_check(params, X, y, reg):
    """Returns the largest relative error over all coordinates."""
    _, grads = mlp.mlp_loss(params, X, y, reg)
    worst = 0.0
    for name, p in params.items():     # numerical_gradient perturbs p in place, and restores it
        numeric = gradcheck.numerical_gradient(lambda _: loss_only(params, X, y, reg), p)
        worst = max(worst, gradcheck.rel_error(grads[name], numeric))
    return worst


def sparse_check(params, X, y, reg, k, seed=0):
    """Central differences at k coordinates drawn uniformly among all parameters."""
    _, grads = mlp.mlp_loss(params, X, y, reg)
    names = list(params)
    sizes = np.array([params[n].size for n in names])
    rng = np.random.default_rng(seed)
    worst, h = 0.0, gradcheck.H
    for flat in rng.choice(sizes.sum(), size=k, replace=False):
        which = int(np.searchsorted(np.cumsum(sizes), flat, side="right"))
        p = params[names[which]]
        idx = np.unravel_index(int(flat - (sizes[:which].sum())), p.shape)
        old = p[idx]
        try:
            p[idx] = old + h
            plus = loss_only(params, X, y, reg)
            p[idx] = old - h
            minus = loss_only(params, X, y, reg)
        finally:
            p[idx] = old
        worst = max(worst, gradcheck.rel_error(grads[names[which]][idx], (plus - minus) / (2 * h)))
    return worst


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def run(smoke, work):
    sizes = SMOKE_SIZES if smoke else mlp.DIGITS["sizes"]
    params, X, y, reg = setup(sizes)
    n_params = sum(p.size for p in params.values())
    passes = []
    for _ in range(200 if not smoke else 20):
        passes.append(timed(mlp.mlp_loss, params, X, y, reg)[0])
    one_pass = statistics.median(passes)
    t_full, err_full = timed(full_check, params, X, y, reg)
    t_sparse, err_sparse = timed(sparse_check, params, X, y, reg, SPARSE)
    return {
        "values": {"gradcheck_full_s": round(t_full, 4), "gradcheck_sparse_s": round(t_sparse, 5)},
        "reasons": {},
        "rows": [
            ("one forward/backward pass (ms)", f"{one_pass * 1e3:.3f}", f"batch of {len(y)}, {n_params} parameters"),
            (f"full check, all {n_params} coordinates (s)", f"{t_full:.3f}",
             f"{t_full / one_pass:,.0f} passes; max rel. error {err_full:.1e}"),
            (f"sparse check, {SPARSE} random coordinates (s)", f"{t_sparse:.4f}",
             f"{t_sparse / one_pass:,.1f} passes; max rel. error {err_sparse:.1e}; "
             f"{t_full / t_sparse:,.0f}x cheaper than full"),
        ],
        "notes": [f"Net {'-'.join(map(str, sizes))}, He initialisation, L2 {reg}, one batch of {len(y)} "
                  f"training digits; h = {gradcheck.H}; a forward/backward pass is mlp_loss (median of "
                  f"{len(passes)}); each check includes its one analytic pass."],
        "commands": ["python bench/run.py --only gradcheck"],
    }
