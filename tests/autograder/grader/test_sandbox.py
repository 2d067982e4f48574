"""The sandbox: what student code can see and do, and the limits around it."""
import json
import os
import time

import pytest

from autograder.grader import sandbox as sb
from autograder.grader.sandbox import Limits, Sandbox, SandboxUnavailable, selftest
from autograder.grader.plan import ROOT

from grader_helpers import needs_bwrap


def run_cells(box, tmp_path, cells, timeout=20.0, **limits):
    """Run code cells in the sandbox; return (RunResult, records)."""
    job_dir = tmp_path / "job"
    job_dir.mkdir()
    os.chmod(job_dir, 0o755)
    job = {"cells": cells, "tests": [], "timeout": timeout, "sys_path": box.sys_path(str(job_dir)),
           "launched": time.monotonic()}
    (job_dir / "job.json").write_text(json.dumps(job))
    os.chmod(job_dir / "job.json", 0o644)
    result = box.run(str(job_dir), Limits(timeout=timeout, **limits), uid=62090)
    records = [json.loads(line) for line in result.records.splitlines() if line.strip()]
    return result, records


def errors(records):
    return {r["i"]: r["error"] for r in records if r["t"] == "cell_end"}


def test_refuses_without_bwrap_and_says_why(monkeypatch):
    """Without bubblewrap, does the grader refuse, naming the package and the opt-out?"""
    monkeypatch.setattr(sb.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable) as err:
        Sandbox.detect()
    assert "bubblewrap" in str(err.value) and "--unsafe-no-sandbox" in str(err.value)
    assert Sandbox.detect(unsafe=True).kind == "none"


@needs_bwrap
def test_selftest_passes_and_hides_the_course():
    """Inside the sandbox, does `import autograder` work while solutions/, tests/, the network
    and writes to the grader's code are out of reach?"""
    box = Sandbox.detect()
    forbidden = [ROOT / "solutions", ROOT / "tests", ROOT / "nbgrader_config.py", ROOT / "book"]
    assert selftest(box, Limits(), forbidden) == []


@needs_bwrap
def test_what_student_code_sees(tmp_path):
    """Does student code run as an unprivileged user, see only its own folder and the grader's
    package, and fail to import solutions or reach the network?"""
    box = Sandbox.detect()
    probe = ("import os, socket, sys\nassert os.getuid() != 0\n"
             "assert sorted(os.listdir('/opt/grader')) == ['autograder']\n"
             "assert not os.path.exists('/work/main/solutions') and not os.path.exists('/work/main/tests')\n"
             "try:\n    import solutions\n    raise SystemExit('solutions importable')\nexcept ImportError:\n    pass\n"
             "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=1)\n    raise SystemExit('network')\n"
             "except OSError:\n    pass\n"
             "try:\n    open('/opt/grader/autograder/x', 'w')\n    raise SystemExit('writable')\nexcept OSError:\n    pass\n"
             "open('mine.txt', 'w').write('ok')\nimport autograder.checks.base")
    result, records = run_cells(box, tmp_path, [probe])
    assert errors(records) == {0: None}, result.log.decode()[-2000:]


@needs_bwrap
def test_resource_limits_hold(tmp_path):
    """Do the address-space, process and file-size limits stop a cell with an error the run
    survives?"""
    box = Sandbox.detect()
    cells = ["import numpy as np\nbig = np.ones(1 << 29)",                       # 4 GiB
             "import os\nkids = []\nwhile True:\n    kids.append(os.fork())\n    if kids[-1] == 0:\n"
             "        import time\n        time.sleep(60)",
             "open('/tmp/big', 'wb').write(b'0' * (80 << 20))",
             "import resource\nassert resource.getrlimit(resource.RLIMIT_AS)[0] == 2 << 30\n"
             "assert resource.getrlimit(resource.RLIMIT_NPROC)[0] == 256"]
    result, records = run_cells(box, tmp_path, cells, timeout=30)
    errs = errors(records)
    assert errs[0]["type"] == "MemoryError"
    assert errs[1]["type"] in ("BlockingIOError", "OSError", "Timeout"), errs[1]
    assert errs[2] is not None and errs[3] is None, errs
    assert {"t": "done"} in records


@needs_bwrap
def test_wall_clock_kills_the_whole_sandbox(tmp_path):
    """Is a run that ignores every signal killed at the wall clock, with nothing left running?"""
    box = Sandbox.detect()
    cell = ("import os, signal, time\nfor s in (signal.SIGALRM, signal.SIGTERM):\n    signal.signal(s, signal.SIG_IGN)\n"
            "if os.fork() == 0:\n    os.setsid()\nwhile True:\n    pass")
    start = time.monotonic()
    result, records = run_cells(box, tmp_path, [cell], timeout=4)
    assert result.timed_out and time.monotonic() - start < 15
    assert "stopped at the time limit" in result.how_it_ended
    time.sleep(0.5)
    leftovers = [p for p in os.listdir("/proc") if p.isdigit() and _uid(p) == 62090]
    assert leftovers == []


def _uid(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("Uid:"))
    except (OSError, StopIteration):
        return None


@needs_bwrap
def test_output_is_capped(tmp_path):
    """Is printed output cut at the cap while the run completes?"""
    box = Sandbox.detect()
    result, records = run_cells(box, tmp_path, ["print('y' * (3 << 20))"], output=1 << 20)
    assert result.log_truncated and len(result.log) == 1 << 20
    assert {"t": "done"} in records


def test_unsafe_mode_runs_without_bwrap(tmp_path):
    """With the opt-out, does the probe still run the cells (unconfined) and report?"""
    box = Sandbox.detect(unsafe=True)
    result, records = run_cells(box, tmp_path, ["x = 1 + 1", "1 / 0"])
    assert errors(records)[0] is None and errors(records)[1]["type"] == "ZeroDivisionError"
