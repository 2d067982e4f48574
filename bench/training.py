"""Benchmark 2: training speed of the numpy reference MLP against the same net in PyTorch (CPU).

The reference is solutions.ch05_neural_nets_mlp with its DIGITS configuration (64-100-10, ReLU,
He initialisation, mini-batch SGD, L2 penalty on weights, softmax cross-entropy, digits split).
The PyTorch net is the same, written as people write it (nn.Sequential, F.cross_entropy,
torch.optim.SGD with weight decay on the weights only), and starts from the very same
initial weights and visits the examples in the same order, so the two runs follow the same
trajectory up to rounding. Each epoch does what train_mlp's epoch does: the SGD steps, the mean
batch loss, the accuracy on the training and the test set. Time per epoch: the best over
REPEATS full trainings of (training time / epochs), the frameworks interleaved. torch uses
as many threads as numpy's BLAS (threadpoolctl).
"""
from __future__ import annotations

import time

import numpy as np

from solutions import ch05_neural_nets_mlp as mlp

REPEATS, REPEATS_SMOKE = 3, 1
BUDGET_S = 60          # stop repeating (after the first round) once the timed trainings took this long
SMOKE_EPOCHS = 2


def blas_threads():
    """Threads numpy's BLAS uses (threadpoolctl), or 1 when none is found."""
    from threadpoolctl import threadpool_info
    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts) if counts else 1


def digits(cfg):
    return mlp.load_digits_split(cfg["test_size"], cfg["split_seed"])


def train_numpy(cfg, data):
    """One training run of the reference; returns (seconds, final test accuracy)."""
    X_train, y_train, X_test, y_test = data
    params = mlp.init_mlp(cfg["sizes"], cfg["scheme"], cfg["seed"])
    start = time.perf_counter()
    _, history = mlp.train_mlp(params, X_train, y_train, cfg["learning_rate"], cfg["batch_size"],
                               cfg["epochs"], cfg["reg"], cfg["seed"], "relu", X_test, y_test)
    return time.perf_counter() - start, history["test_acc"][-1]


def train_torch(cfg, data, dtype):
    """The same training in PyTorch; returns (seconds, final test accuracy)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    init = mlp.init_mlp(cfg["sizes"], cfg["scheme"], cfg["seed"])
    sizes = cfg["sizes"]
    layers = []
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        lin = nn.Linear(fan_in, fan_out, dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(init[f"W{l}"].T))
            lin.bias.copy_(torch.from_numpy(init[f"b{l}"]))
        layers += [lin, nn.ReLU()]
    net = nn.Sequential(*layers[:-1])
    weights = [m.weight for m in net if isinstance(m, nn.Linear)]
    biases = [m.bias for m in net if isinstance(m, nn.Linear)]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": cfg["reg"]},
                           {"params": biases, "weight_decay": 0.0}], lr=cfg["learning_rate"])
    X_train, y_train, X_test, y_test = (torch.from_numpy(a) for a in data)
    X_train, X_test = X_train.to(dtype), X_test.to(dtype)

    def accuracy(X, y):
        with torch.no_grad():
            return float((net(X).argmax(dim=1) == y).to(torch.float64).mean())

    rng = np.random.default_rng(cfg["seed"])
    n, bs = X_train.shape[0], cfg["batch_size"]
    start = time.perf_counter()
    for _ in range(cfg["epochs"]):
        order = torch.from_numpy(rng.permutation(n))
        losses = []
        for i in range(0, n, bs):
            batch = order[i:i + bs]
            loss = F.cross_entropy(net(X_train[batch]), y_train[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.detach())
        _ = float(torch.stack(losses).mean())
        _ = accuracy(X_train, y_train)
        test_acc = accuracy(X_test, y_test)
    return time.perf_counter() - start, test_acc


def run(smoke, work):
    res = {"rows": [], "values": {}, "reasons": {}, "notes": [], "commands": []}
    cfg = dict(mlp.DIGITS)
    if smoke:
        cfg["epochs"] = SMOKE_EPOCHS
    repeats = REPEATS_SMOKE if smoke else REPEATS
    data = digits(cfg)
    threads = blas_threads()
    runners = {"numpy float64": train_numpy}
    try:
        import torch

        def torch_runner(dtype, n_threads):
            def train(cfg, data):
                torch.set_num_threads(n_threads)
                return train_torch(cfg, data, dtype)
            return train
        runners["torch float64"] = torch_runner(torch.float64, threads)
        runners["torch float32"] = torch_runner(torch.float32, threads)
        if threads > 1:   # not a key: shows what the thread count costs on tiny matrices
            runners["torch float64, 1 thread"] = torch_runner(torch.float64, 1)
        torch_note = (f"torch {torch.__version__}, torch.set_num_threads({threads}) (numpy's BLAS uses {threads}); "
                      "one more row runs torch float64 with 1 thread, for comparison only.")
    except ImportError:
        torch_note = "torch is not installed: the PyTorch rows are skipped (pip install torch==2.13.0, a CPU build)."
        for key in ("mlp_time_ratio_vs_torch_f64", "mlp_time_ratio_vs_torch_f32"):
            res["reasons"][key] = "torch is not installed (pip install torch==2.13.0, a CPU build)"

    for train in runners.values():           # warm-up: imports, allocator, thread pools
        train({**cfg, "epochs": 1}, data)
    per_epoch = {name: [] for name in runners}
    accs = {}
    start = time.perf_counter()
    for i in range(repeats):
        if i and time.perf_counter() - start > BUDGET_S:
            break
        for name, train in runners.items():
            seconds, accs[name] = train(cfg, data)
            per_epoch[name].append(seconds / cfg["epochs"] * 1e3)
    ms = {name: min(v) for name, v in per_epoch.items()}   # the least disturbed run

    res["values"]["mlp_test_accuracy"] = round(accs["numpy float64"], 4)
    res["rows"].append((f"numpy reference, ms per epoch ({cfg['epochs']} epochs)", f"{ms['numpy float64']:.2f}",
                        f"test accuracy {accs['numpy float64']:.4f}"))
    for name, key in (("torch float64", "mlp_time_ratio_vs_torch_f64"),
                      ("torch float32", "mlp_time_ratio_vs_torch_f32"), ("torch float64, 1 thread", None)):
        if name in ms:
            ratio = ms["numpy float64"] / ms[name]
            if key:
                res["values"][key] = round(ratio, 3)
            res["rows"].append((f"time ratio numpy / {name}", f"{ratio:.2f}",
                                f"{name}: {ms[name]:.2f} ms per epoch, test accuracy {accs[name]:.4f}"))
    c = cfg
    res["notes"] += [
        f"Net {'-'.join(map(str, c['sizes']))} ReLU, {c['scheme']} initialisation, SGD lr {c['learning_rate']}, "
        f"batch {c['batch_size']}, {c['epochs']} epochs, L2 {c['reg']} on weights, seed {c['seed']}, "
        f"digits split {len(data[1])} train / {len(data[3])} test.",
        torch_note,
        f"Best of {len(per_epoch['numpy float64'])} trainings per framework (the machine is shared) after a one-epoch warm-up each; ms per epoch include "
        "the per-epoch training and test accuracy, as train_mlp computes them.",
    ]
    res["commands"].append("python bench/run.py --only training")
    return res
