"""Run every benchmark, print one table, write bench/RESULTS.md and bench/results.json.

    python bench/run.py                  full sizes (a few minutes on 2 cores)
    python bench/run.py --smoke          tiny sizes, seconds per benchmark (what the smoke test runs);
                                         writes into bench/_work/smoke unless --out is given
    python bench/run.py --only training  one benchmark (repeatable; grading|training|book|gradcheck|machine|check)
    python bench/run.py --out DIR        write RESULTS.md and results.json into DIR

Contract of a benchmark module (one per benchmark, listed in BENCHMARKS below):

    run(smoke: bool, work: Path) -> dict with
        rows     : list of (measurement, ours, comparison) strings, every number measured in this run
        values   : {json key: number, bool or None}, for the keys the benchmark owns
        reasons  : {json key: why it is None}  (a skipped row)
        commands : list of shell commands it ran (written to RESULTS.md)
        notes    : list of sentences (set-up details: threads, sizes, definitions)

results.json holds exactly the keys of KEYS; a key is null only with a reason, which is printed
and written to RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

# The benchmarks, in order: (name, module in bench/, title, json keys it owns).
BENCHMARKS = [
    ("grading", "grading", "1. Grading throughput vs nbgrader autograde",
     ("grading_speedup_vs_nbgrader", "grading_scores_identical")),
    ("training", "training", "2. Training speed vs PyTorch CPU",
     ("mlp_time_ratio_vs_torch_f64", "mlp_time_ratio_vs_torch_f32", "mlp_test_accuracy")),
    ("book", "book", "3. Book build",
     ("book_build_cold_s", "book_build_cached_s")),
    ("gradcheck", "gradcheck_cost", "4. Gradient checking cost",
     ("gradcheck_full_s", "gradcheck_sparse_s")),
    ("machine", "machine", "5. Distance to the machine",
     ("mlp_fraction_of_matmul_peak",)),
    ("check", "check_latency", "6. The student's self-check",
     ("check_latency_ch01_s",)),
    ("grading_dask", "grading_dask", "7. Grading on a Dask cluster vs the local pool",
     ("grading_dask_vs_local",)),
]
KEYS = [key for *_, keys in BENCHMARKS for key in keys]


# --------------------------------------------------------------------------- the machine
def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(module):
    try:
        return importlib.import_module(module).__version__
    except Exception:  # noqa: BLE001 - a missing package is reported, not fatal
        return "not installed"


def machine():
    """Lines describing the machine and the software the numbers depend on."""
    from threadpoolctl import threadpool_info

    import numpy as np
    blas = [f"{p.get('internal_api')} {p.get('version')} ({p.get('threading_layer', '?')} threading, "
            f"{p.get('num_threads')} threads, {p.get('architecture', '?')}, "
            f"{Path(p.get('filepath', '')).name})"
            for p in threadpool_info() if p.get("user_api") == "blas"]
    return [
        f"CPU: {_cpu_model()}, {os.cpu_count()} logical cores",
        f"Memory: {_memory_gib()}",
        f"OS: {platform.platform()}",
        f"Python {platform.python_version()}, numpy {np.__version__}, torch {_version('torch')}, "
        f"nbgrader {_version('nbgrader')}, jupyter-book {_version('jupyter_book')}",
        f"BLAS (threadpoolctl): {'; '.join(blas) or 'none found'}",
    ]


# --------------------------------------------------------------------------- running
def run_one(name, module, smoke, work):
    """Run one benchmark; a crash becomes null values with the error as reason."""
    keys = next(k for n, _, _, k in BENCHMARKS if n == name)
    start = time.perf_counter()
    try:
        res = importlib.import_module(module).run(smoke=smoke, work=work)
    except Exception as err:  # noqa: BLE001 - one broken benchmark must not hide the others
        traceback.print_exc()
        res = {"rows": [], "values": {}, "reasons": {}, "commands": [], "notes": []}
        for key in keys:
            res["reasons"][key] = f"the benchmark raised {type(err).__name__}: {err}"
    res.setdefault("rows", []), res.setdefault("commands", []), res.setdefault("notes", [])
    res.setdefault("values", {}), res.setdefault("reasons", {})
    for key in keys:
        value = res["values"].get(key)
        res["values"][key] = value
        if value is None and not res["reasons"].get(key):
            res["reasons"][key] = "the benchmark produced no value"
    res["seconds"] = time.perf_counter() - start
    return res


def table(results):
    lines = ["| benchmark | measurement | ours | measured comparison |", "|---|---|---|---|"]
    for name, _, title, _ in BENCHMARKS:
        if name not in results:
            continue
        for row in results[name]["rows"]:
            cells = [title.split(" ", 1)[1], *row]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def markdown(results, values, reasons, argv, smoke, started):
    out = ["# Benchmark results", "",
           f"Measured {started} with `{' '.join(argv)}`" + (" (smoke sizes: not meaningful)" if smoke else "")
           + ". The machine is shared: numbers taken while other work runs are noisy; re-measure on a quiet machine.",
           "", table(results), "", "## results.json", "", "```json", json.dumps(values, indent=2), "```", ""]
    if reasons:
        out += ["## Skipped", ""] + [f"- `{k}`: null because {r}" for k, r in reasons.items()] + [""]
    out += ["## Machine", ""] + [f"- {line}" for line in machine()] + [""]
    for name, _, title, _ in BENCHMARKS:
        if name not in results:
            continue
        res = results[name]
        out += [f"## {title}", "", f"Took {res['seconds']:.1f} s.", ""]
        out += [f"- {note}" for note in res["notes"]]
        if res["commands"]:
            out += ["", "Commands:", "", "```bash"] + res["commands"] + ["```"]
        out.append("")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to prove every benchmark runs")
    parser.add_argument("--only", action="append", choices=[b[0] for b in BENCHMARKS])
    parser.add_argument("--out", type=Path, help="where RESULTS.md and results.json go "
                        "(default bench/, or bench/_work/smoke with --smoke, so a smoke run never "
                        "overwrites the measured results)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = HERE / "_work" / "smoke" if args.smoke else HERE
    argv_shown = ["python", "bench/run.py"] + (argv if argv is not None else sys.argv[1:])
    started = datetime.datetime.now().isoformat(timespec="seconds")

    work = Path(tempfile.mkdtemp(prefix="bench_"))
    results = {}
    try:
        for name, module, title, _ in BENCHMARKS:
            if args.only and name not in args.only:
                continue
            print(f"\n=== {title}{' (smoke)' if args.smoke else ''}", flush=True)
            results[name] = run_one(name, module, args.smoke, work / name)
            for key, reason in results[name]["reasons"].items():
                print(f"  skipped {key}: {reason}", flush=True)
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    values = {key: None for key in KEYS}
    reasons = {}
    for name, res in results.items():
        values.update({k: v for k, v in res["values"].items() if k in values})
        reasons.update({k: r for k, r in res["reasons"].items() if k in values and values[k] is None})
    for key in KEYS:
        if key not in reasons and values[key] is None:
            reasons[key] = "its benchmark was not run (--only)"

    print("\n" + table(results))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(values, indent=2) + "\n")
    (args.out / "RESULTS.md").write_text(markdown(results, values, reasons, argv_shown, args.smoke, started))
    print(f"\nwrote {args.out / 'RESULTS.md'} and {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
