"""The benchmarks at tiny sizes: do they all run and report every number, or say why not?

Timing targets are never asserted here: the numbers of a smoke run mean nothing.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["grading_speedup_vs_nbgrader", "grading_scores_identical", "mlp_time_ratio_vs_torch_f64",
        "mlp_time_ratio_vs_torch_f32", "mlp_test_accuracy", "book_build_cold_s", "book_build_cached_s",
        "gradcheck_full_s", "gradcheck_sparse_s", "mlp_fraction_of_matmul_peak", "check_latency_ch01_s",
        "grading_dask_vs_local"]
BOOLEAN_KEYS = {"grading_scores_identical"}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=540)
    return proc, out


def test_smoke_run_completes(smoke):
    """Does `python bench/run.py --smoke` exit 0 and print the table?"""
    proc, _ = smoke
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "| benchmark | measurement | ours | measured comparison |" in proc.stdout


def test_results_json_has_exactly_the_keys(smoke):
    """Does results.json hold exactly the documented keys, each a number, a boolean, or null?"""
    _, out = smoke
    values = json.loads((out / "results.json").read_text())
    assert list(values) == KEYS
    for key, value in values.items():
        if value is None:
            continue
        if key in BOOLEAN_KEYS:
            assert isinstance(value, bool), (key, value)
        else:
            assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
            assert value == value and abs(value) != float("inf"), (key, value)


def test_every_null_has_a_reason(smoke):
    """Is every skipped number explained, both on screen and in RESULTS.md?"""
    proc, out = smoke
    values = json.loads((out / "results.json").read_text())
    report = (out / "RESULTS.md").read_text()
    for key in (k for k, v in values.items() if v is None):
        line = next((ln for ln in report.splitlines() if ln.startswith(f"- `{key}`: null because ")), None)
        assert line and len(line) > len(f"- `{key}`: null because ") + 5, f"{key} is null without a reason"
        assert f"skipped {key}: " in proc.stdout, f"{key} skipped without saying so"


def test_no_benchmark_crashed(smoke):
    """Did every benchmark run its code to the end (a skip must be for a missing tool, not a crash)?"""
    _, out = smoke
    crashed = [ln for ln in (out / "RESULTS.md").read_text().splitlines() if "the benchmark raised" in ln]
    assert not crashed, crashed


def test_results_md_describes_the_machine(smoke):
    """Does RESULTS.md name the CPU, memory, versions, BLAS and the command?"""
    _, out = smoke
    report = (out / "RESULTS.md").read_text()
    for needle in ("CPU:", "Memory:", "numpy", "torch", "nbgrader", "BLAS (threadpoolctl)",
                   "python bench/run.py --smoke"):
        assert needle in report, needle


def test_grader_and_nbgrader_give_the_same_scores(smoke):
    """On the smoke submissions, does our grader (with the notebooks' seeds) give every student
    the score `nbgrader autograde` gives?"""
    _, out = smoke
    identical = json.loads((out / "results.json").read_text())["grading_scores_identical"]
    if identical is None:
        pytest.skip("the grading benchmark did not run here (RESULTS.md says why)")
    assert identical is True
