"""Benchmark 5: how far one digits epoch of the numpy reference is from the machine's matmul speed.

FLOPs of one epoch, counting matrix products only (2 * rows * inner * cols each), as the reference
computes them (solutions.ch05_neural_nets_mlp.train_mlp with DIGITS):
  - each SGD step, per affine layer (fan_in, fan_out) and example: forward x W, backward
    dout W^T and x^T dout (mlp_backward computes dx for the first layer too): 6 * fan_in * fan_out;
  - the end of each epoch: a forward pass over the training and the test set (accuracies):
    2 * fan_in * fan_out per example and layer.
Bias adds, ReLU, softmax and the update are not counted (they are O(N * width), not O(N * width^2)).
Achieved GFLOP/s = epoch FLOPs / best epoch time of TRAININGS trainings (as in benchmark 2), compared with numpy's
float64 matmul of square matrices of side MATMUL_N (comparable to the net's 64 and 100 widths),
repeated, best of ROUNDS; a large product (LARGE_N) is shown for the machine's ceiling.
"""
from __future__ import annotations

import time

import numpy as np

import training
from solutions import ch05_neural_nets_mlp as mlp

MATMUL_N, LARGE_N = 128, 1024
ROUNDS = 10
TRAININGS = 3


def matmul_gflops(n, seconds_per_round=0.2, rounds=ROUNDS):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    out = np.empty((n, n))
    np.matmul(a, b, out=out)
    start = time.perf_counter()
    np.matmul(a, b, out=out)
    reps = max(1, int(seconds_per_round / max(time.perf_counter() - start, 1e-7)))
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=out)
        best = min(best, (time.perf_counter() - start) / reps)
    return 2 * n**3 / best / 1e9


def epoch_flops(sizes, n_train, n_test):
    layers = list(zip(sizes[:-1], sizes[1:]))
    step = sum(6 * n_train * i * o for i, o in layers)
    evaluate = sum(2 * (n_train + n_test) * i * o for i, o in layers)
    return step + evaluate


def run(smoke, work):
    cfg = dict(mlp.DIGITS)
    if smoke:
        cfg["epochs"] = training.SMOKE_EPOCHS
    data = training.digits(cfg)
    training.train_numpy({**cfg, "epochs": 1}, data)                       # warm-up
    times = [training.train_numpy(cfg, data)[0] / cfg["epochs"] for _ in range(1 if smoke else TRAININGS)]
    epoch_s = min(times)
    flops = epoch_flops(cfg["sizes"], len(data[1]), len(data[3]))
    achieved = flops / epoch_s / 1e9
    rounds = 2 if smoke else ROUNDS
    peak = matmul_gflops(MATMUL_N, 0.05 if smoke else 0.1, rounds)
    large = matmul_gflops(LARGE_N if not smoke else 256, 0.05 if smoke else 0.2, rounds)
    fraction = achieved / peak
    return {
        "values": {"mlp_fraction_of_matmul_peak": round(fraction, 4)},
        "reasons": {},
        "rows": [
            ("FLOPs of one digits epoch (matmuls)", f"{flops / 1e6:.1f} M",
             f"{epoch_s * 1e3:.2f} ms per epoch (best of {len(times)} trainings)"),
            ("achieved GFLOP/s in training", f"{achieved:.2f}",
             f"numpy matmul {MATMUL_N}x{MATMUL_N} float64: {peak:.1f} GFLOP/s"),
            ("fraction of matmul speed", f"{fraction:.3f}",
             f"{LARGE_N if not smoke else 256}x{LARGE_N if not smoke else 256} matmul: {large:.1f} GFLOP/s"),
        ],
        "notes": [f"FLOPs per epoch = SGD steps (6 * fan_in * fan_out per example and layer) + "
                  f"accuracy passes (2 * fan_in * fan_out per example and layer) over {len(data[1])} "
                  f"training and {len(data[3])} test digits; matmul speed is the best of {rounds} rounds "
                  "of repeated products with numpy's BLAS and its default threads."],
        "commands": ["python bench/run.py --only machine"],
    }
