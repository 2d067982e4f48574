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
    hidden = [str(ROOT / "solutions"), str(ROOT / "tests"), str(tmp_path)]     # this checkout's
    assert all(os.path.isdir(p) for p in hidden)                               # they exist here
    probe = ("import os, socket, sys\nassert os.getuid() != 0\n"
             "assert sorted(os.listdir('/opt/grader')) == ['autograder']\n"
             f"assert [p for p in {hidden!r} if os.path.exists(p)] == []\n"
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


def _needs_cgroups(box):
    if not box.caps.active:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no writable cgroups on CI: {box.caps.describe_missing()}")
        pytest.skip(f"no writable cgroups here: {box.caps.describe_missing()}")


FORK = """\
import mmap, os, time
r, w = os.pipe()
kids = []
for i in range(3):
    pid = os.fork()
    if pid == 0:
        m = mmap.mmap(-1, 400 << 20)
        for off in range(0, 400 << 20, 4096):
            m[off] = 1
        os.write(w, b'x')
        time.sleep(60)
        os._exit(0)
    kids.append(pid)
os.set_blocking(r, False)
filled, dead, end = 0, set(), time.monotonic() + 12
while filled + len(dead) < 3 and time.monotonic() < end:   # each child full, or killed
    try:
        filled += len(os.read(r, 3))
    except BlockingIOError:
        pass
    dead |= {p for p in kids if p not in dead and os.waitpid(p, os.WNOHANG)[0]}
    time.sleep(0.05)
print('filled', filled, 'killed', len(dead))"""

SHM = """\
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
for i in range(3):
    sid = libc.shmget(0, 400 << 20, 0o1000 | 0o600)
    addr = libc.shmat(sid, None, 0)
    ctypes.memset(addr, 1, 400 << 20)
    libc.shmdt(ctypes.c_void_p(addr))"""

MEMFD = """\
import os
fds = [os.memfd_create(f'm{i}') for i in range(20)]
for fd in fds:
    os.posix_fallocate(fd, 0, 64 << 20)"""


@needs_bwrap
@pytest.mark.parametrize("attack", ["FORK", "SHM", "MEMFD"])
def test_memory_is_capped_for_the_sandbox_as_a_whole(tmp_path, attack):
    """Three forked children of 400 MiB, three 400 MiB SysV shared-memory segments, twenty
    64 MiB memfd files: each stays under the 1 GiB per-process limit but asks 1.2 GiB of the
    sandbox as a whole. Does the kernel's count of the most the sandbox held stay within the
    cap, and does the run end with the cell that asked too much stopped?"""
    box = Sandbox.detect()
    _needs_cgroups(box)
    cap = 1 << 30
    result, records = run_cells(box, tmp_path, [globals()[attack], "print('after')"], timeout=30, memory=cap)
    assert result.peak_memory is not None and result.peak_memory <= cap
    stopped = errors(records).get(0) is not None or result.returncode != 0 or "after" not in result.log.decode()
    assert stopped or attack == "FORK", (records, result.how_it_ended)
    if attack == "FORK":               # the parent goes on; a child was killed to keep the cap
        assert "killed 0" not in result.log.decode() and "filled" in result.log.decode(), result.log
