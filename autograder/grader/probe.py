"""The code that runs INSIDE the sandbox, as a script: ``python -I -S -B probe.py JOB_DIR FD``.

It reads JOB_DIR/job.json (job.py's Job, written by the grader), runs the student's code cells in order in
one IPython shell (magics, display and top-level await behave as in a kernel, without a kernel
or sockets), then calls ``check.run(inputs, *objects)`` for every planned case and writes the
encoded outputs as JSON lines to file descriptor FD. It decides nothing: no expected values,
no verdicts, no scores are known here. Every line it writes is plain JSON data that the
grader validates; whatever student code does to this process can only change those values.

Records (one JSON object a line):
    {"t": "start"}                                    imports done, student code about to run
    {"t": "cell", "i": k} / {"t": "cell_end", "i": k, "error": null | {"type", "message"}}
    {"t": "case", "test": j, "case": c}               about to call the student's code
    {"t": "out", "test": j, "case": c, "ok": DATA, "s": SECONDS}   base.encode(check.run(...)),
                                                      and the wall time the case took
    {"t": "out", "test": j, "case": c, "error": {"kind", "type", "message"}}
                                                      kind: not_implemented, error, timeout,
                                                      missing, encode
    {"t": "done"}
    {"t": "fatal", "message": ...}                    the probe itself could not work

Time: counted from the grader's launch time; cells share the first part of the limit, cases
run until a later share (job.shares, from Limits), each through SIGALRM raising ``_Timeout`` in
student code (a case may use what is left but a reserve for each case after it). The grader's wall clock and rlimits stand behind that.
Between the cells and the tests, every other process of the sandbox is killed (fork bombs,
daemons). Forked copies of the student's process never write records (pid check).
"""
import json
import os
import shutil
import signal
import sys
import time


class _Timeout(BaseException):
    """Raised by SIGALRM inside student code; a BaseException so `except Exception` misses it."""


# The probe keeps its own references: student code may replace module attributes later.
_signal, _setitimer, _now, _getpid, _exit = signal.signal, signal.setitimer, time.monotonic, os.getpid, os._exit


_SANDBOXED = [False]     # job.sandboxed: inside bubblewrap's own pid namespace


def _alarm(signum, frame):
    """Time is up for the cell or case running: first stop every other process of the sandbox
    (a fork bomb's copies would otherwise starve this one of the CPU it needs to go on)."""
    if _SANDBOXED[0] and _getpid() <= 16:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    raise _Timeout()


def _arm(seconds):
    _signal(signal.SIGALRM, _alarm)
    _setitimer(signal.ITIMER_REAL, max(0.05, seconds))


def _disarm():
    _setitimer(signal.ITIMER_REAL, 0)


def _forget_errors():
    """Drop the last traceback IPython and sys keep: its frames may hold a lot of memory."""
    sys.last_type = sys.last_value = sys.last_traceback = None


class Out:
    """Writes records to the result descriptor, only from the process that started the probe."""
    def __init__(self, fd):
        self.fd, self.pid = fd, _getpid()
        self._write, self._dumps = os.write, json.dumps

    def __call__(self, record):
        if _getpid() != self.pid:         # a forked copy of the student's process: say nothing
            _exit(0)
        data = (self._dumps(record, separators=(",", ":"), allow_nan=False) + "\n").encode()
        view = memoryview(data)
        while view:
            n = self._write(self.fd, view)
            view = view[n:]


_LIMIT = [None]         # characters kept of a message: job.text, set when the job is read


def _short(text, limit=None):
    limit = limit or _LIMIT[0] or float("inf")
    try:
        text = str(text)
    except BaseException:  # noqa: BLE001 - a student's __str__ may raise anything
        text = "(message could not be shown)"
    return text if len(text) <= limit else text[:limit] + "..."


def _resolve(ns, dotted):
    head, *rest = dotted.split(".")
    if head not in ns:
        raise NameError(head)
    obj = ns[head]
    for attr in rest:
        obj = getattr(obj, attr)
    return obj


def _shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config
    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "nocolor"
    cfg.InteractiveShell.xmode = "Plain"
    return InteractiveShell.instance(config=cfg)


def _reap():
    """Kill every other process of the sandbox (a fork bomb's leftovers, daemons) before the
    tests, so they neither compete for the CPU nor write records. Only inside the sandbox's
    own pid namespace, where kill(-1) reaches nothing else: there the probe is one of the first
    processes (bwrap is pid 1); anywhere else it is not, and nothing is killed."""
    if _getpid() > 16:
        return
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        return
    end = _now() + 1.0
    while _now() < end:            # collect our own killed children (zombies count as processes)
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def run_cells(job, out, shell, deadline):
    skip = set(job.skip_cells)
    for k, source in enumerate(job.cells):
        if k in skip:
            continue
        out({"t": "cell", "i": k})
        error = None
        try:
            _arm(max(1.0, deadline - _now()))
            result = shell.run_cell(source, store_history=False)
            _disarm()
            exc = result.error_before_exec or result.error_in_exec
            if exc is not None:
                kind = "Timeout" if isinstance(exc, _Timeout) else type(exc).__name__
                msg = "the cell did not finish within its time limit" if kind == "Timeout" else _short(exc)
                error = {"type": _short(kind, 80), "message": msg}
            del result, exc
        except BaseException as exc:  # noqa: BLE001 - a timeout between statements lands here
            _disarm()
            error = {"type": _short(type(exc).__name__, 80), "message": _short(exc)}
        _forget_errors()
        out({"t": "cell_end", "i": k, "error": error})


class Tools:
    """What the tests need, imported and looked up before any student code runs."""
    def __init__(self, job):
        import importlib

        from autograder.checks.base import checks_of, decode, encode
        self.decode, self.encode = decode, encode
        modules = {m: checks_of(importlib.import_module(m)) for m in {t["module"] for t in job.tests}}
        self.checks = [modules[t["module"]][t["check"]] for t in job.tests]


def run_tests(job, out, ns, deadline, tools, reserve):
    skip = {tuple(x) for x in job.skip_cases}
    todo = [(j, c) for j, test in enumerate(job.tests) for c in range(len(test["cases"]))
            if (j, c) not in skip]
    for n, (j, c) in enumerate(todo):
        try:
            out({"t": "case", "test": j, "case": c})
            began = _now()
            record = run_case(job.tests[j], tools.checks[j], tools, ns, j, c,
                              deadline - reserve * (len(todo) - n - 1))
            record["s"] = round(_now() - began, 6)
            out(record)
        except BaseException as err:  # noqa: BLE001 - e.g. no memory left to write the record
            _disarm()
            _forget_errors()
            out({"t": "out", "test": j, "case": c,
                 "error": {"kind": "error", "type": type(err).__name__[:80], "message": ""}})


def run_case(test, check, tools, ns, j, c, deadline):
    """The record of one case: the encoded outputs of check.run, or why there are none."""
    record = {"t": "out", "test": j, "case": c}
    try:
        objects = [_resolve(ns, name) for name in test["objects"]]
    except BaseException as err:  # noqa: BLE001 - a missing name, or a raising __getattr__
        record["error"] = {"kind": "missing", "type": _short(type(err).__name__, 80), "message": _short(err)}
        return record
    try:
        _arm(max(1.0, deadline - _now()))
        raw = check.run(tools.decode(test["cases"][c]), *objects)
        try:
            record["ok"] = tools.encode(raw)
        except TypeError as err:
            record["error"] = {"kind": "encode", "type": "TypeError", "message": _short(err)}
        _disarm()
    except NotImplementedError:
        _disarm()
        record["error"] = {"kind": "not_implemented", "type": "NotImplementedError", "message": ""}
    except _Timeout:
        _disarm()
        record["error"] = {"kind": "timeout", "type": "Timeout", "message": ""}
    except BaseException as err:  # noqa: BLE001 - any student error is feedback
        _disarm()
        record["error"] = {"kind": "error", "type": _short(type(err).__name__, 80), "message": _short(err)}
    raw = objects = None
    _forget_errors()
    return record


def selftest(job, out):
    """Report what this sandbox can see and do (the grader checks it before a batch)."""
    import socket
    facts = {"uid": os.getuid()}
    try:
        import autograder.checks.base  # noqa: F401
        facts["autograder"] = True
    except Exception:  # noqa: BLE001
        facts["autograder"] = False
    try:
        import solutions  # noqa: F401
        facts["solutions"] = True
    except ImportError:
        facts["solutions"] = False
    facts["visible"] = [p for p in job.forbidden if os.path.exists(p)]
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=2).close()
        facts["network"] = True
    except OSError:
        facts["network"] = False
    try:
        with open(os.path.join(job.grader_root, "x"), "w"):
            pass
        facts["grader_writable"] = True
    except OSError:
        facts["grader_writable"] = False
    out({"t": "selftest", "facts": facts})
    out({"t": "done"})


def main(argv):
    job_dir, fd = argv[1], int(argv[2])
    now = time.monotonic()
    os.set_inheritable(fd, False)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, root)                  # the package this file is part of, to read the job
    from autograder.grader.job import Job
    job = Job.read(job_dir)
    sys.path.remove(root)
    sys.path[:0] = [p for p in job.sys_path if p not in sys.path]
    _LIMIT[0] = int(job.text)
    _SANDBOXED[0] = bool(job.sandboxed)
    out = Out(fd)
    if job.selftest:
        selftest(job, out)
        os._exit(0)
    limit = float(job.timeout)
    launched = job.launched      # the grader's clock (CLOCK_MONOTONIC is system-wide)
    t0 = launched if isinstance(launched, (int, float)) and now - limit < launched <= now else now
    try:
        tools = Tools(job)      # check modules imported before student code
        shell = _shell()
    except BaseException as err:  # noqa: BLE001
        out({"t": "fatal", "message": f"{type(err).__name__}: {_short(err)}"})
        os._exit(3)
    src = os.path.join(job_dir, "submission")
    if os.path.isdir(src):
        for name in os.listdir(src):
            try:
                shutil.copy(os.path.join(src, name), name)
            except OSError:
                pass
    ns = shell.user_ns
    out({"t": "start"})
    cells_share, tests_share, reserve = job.shares
    run_cells(job, out, shell, t0 + cells_share * limit)
    if job.sandboxed:
        _reap()
    run_tests(job, out, ns, t0 + tests_share * limit, tools, reserve)
    out({"t": "done"})
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001
        pass
    _exit(0)      # no atexit hooks, no finalizers: nothing of the student's runs after this


if __name__ == "__main__":
    main(sys.argv)
