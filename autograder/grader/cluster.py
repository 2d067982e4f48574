"""Grading on a Dask cluster: the worker check and the cluster runner.

    DaskRunner(address)                       a runner of batch.py (the local pool's contract):
        runner.run(jobs, setup, done)         one Dask task per submission; done(job, execution)
                                              in this process as each result arrives
    connect(address, timeout=30) -> distributed.Client
    check_workers(client, limits, require_cgroups) -> ({address: [what it lacks]}, {address: facts})
    worker_facts(limits, require_cgroups, kind) -> dict   (runs ON a worker, through client.run)

A worker runs only the sandbox (``submission.run_submission``) and hands back the Execution, plain
values; the grader process (this one) plans the cases, judges and saves each outcome as it
arrives (batch.py), so a rerun against the same cluster resumes. A task whose worker dies is
tried once more on another worker; a submission whose task kills a second worker is recorded
ungradable with that reason (while the batch runs, the scheduler's ``allowed-failures`` is 1,
and its ``worker-saturation`` 1.0 so that a worker holds only the tasks it is running and no
bystander is blamed; the scheduler's own values are put back when the batch ends). The task carries the submission folder's files, so workers need no shared
file system. Before any work is sent, every worker is asked what it has, and a worker
that lacks something is named with what it lacks:
  - the same ``autograder`` package as the grader (a digest of its source files: the probe and
    the checks must be the ones the plan was made with), and the same Python minor version;
  - bubblewrap, prlimit and (as root) setpriv, and a sandbox that passes its self-test there;
  - cgroups as locally (cgroup.Caps): what is not capped per sandbox is said for each worker,
    and is a problem with --require-cgroups.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]          # the autograder package


def package_digest(root=PACKAGE):
    """sha256 over the autograder package's .py files (relative path + bytes), sorted."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def worker_facts(limits=None, require_cgroups=False, kind="bwrap"):
    """What this machine offers the grader: runs on each worker (through ``client.run``)."""
    from autograder.grader.plan import ROOT
    from autograder.grader.sandbox import Limits, SandboxUnavailable, selftest
    facts = {"python": "%d.%d" % sys.version_info[:2], "digest": package_digest(),
             "package": str(PACKAGE), "problems": [], "uncapped": ""}
    try:
        sandbox = _sandbox(kind)
    except SandboxUnavailable as err:
        facts["problems"].append(str(err))
        return facts
    facts["uncapped"] = sandbox.caps.describe_missing()
    if require_cgroups and facts["uncapped"]:
        facts["problems"].append(f"--require-cgroups: not capped per sandbox as a whole: {facts['uncapped']}")
    if kind == "bwrap":
        forbidden = [p for p in (ROOT / "solutions", ROOT / "tests") if p.exists()]
        facts["problems"] += selftest(sandbox, limits or Limits(), forbidden)
    return facts


def _problems(facts, want_digest):
    """The list of what one worker lacks, from its facts (or the error it raised)."""
    if isinstance(facts, BaseException):
        name = type(facts).__name__
        if isinstance(facts, ImportError):
            return [f"the autograder package cannot be imported there ({name}: {facts})"]
        return [f"the check failed there ({name}: {facts})"]
    out = []
    mine = "%d.%d" % sys.version_info[:2]
    if facts["python"] != mine:
        out.append(f"Python {facts['python']}, the grader runs {mine}")
    if facts["digest"] != want_digest:
        out.append(f"a different autograder package ({facts['package']}): install the grader's version")
    out += facts["problems"]
    return out


def check_workers(client, limits=None, require_cgroups=False, kind="bwrap"):
    """{worker address: [problems]} for every worker that lacks something, and the facts of all.
    Raises ValueError when the cluster has no worker."""
    workers = sorted(client.scheduler_info(n_workers=-1)["workers"])
    if not workers:
        raise ValueError("the Dask cluster has no worker")
    answers = client.run(worker_facts, limits, require_cgroups, kind, workers=workers, on_error="return")
    want = package_digest()
    problems = {}
    for address in workers:
        found = _problems(answers.get(address, RuntimeError("no answer")), want)
        if found:
            problems[address] = found
    return problems, {a: f for a, f in answers.items() if isinstance(f, dict)}


def describe(problems):
    """One line per worker that lacks something."""
    return "\n".join(f"  worker {address}: " + "; ".join(found) for address, found in sorted(problems.items()))


def connect(address, timeout=30):
    """A Client on ``address`` (tcp://HOST:PORT); ValueError with the reason when unreachable."""
    from distributed import Client
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise ValueError(f"cannot reach the Dask scheduler at {address} ({err})") from None


# --------------------------------------------------------------------------- the runner
KILLED_TWICE = ("the grader's worker died twice while grading this submission (two Dask workers; "
                "the last was {last}); it is not tried again")
SCHEDULER_POLICY = {"allowed_failures": 1, "worker_saturation": 1.0}
IN_FLIGHT = 2                  # tasks handed to the scheduler per worker thread


def _scheduler_policy(dask_scheduler=None, allowed_failures=1, worker_saturation=1.0):
    """Runs on the scheduler: a task may be on at most two dying workers, and a worker is given
    only as many tasks as it has threads. Returns the previous values."""
    before = (dask_scheduler.allowed_failures, dask_scheduler.WORKER_SATURATION)
    dask_scheduler.allowed_failures = allowed_failures
    dask_scheduler.WORKER_SATURATION = worker_saturation
    return before


def folder_files(folder):
    """({name: bytes} of what run_submission would copy from ``folder``, whether it skipped any):
    read here, so the worker needs no access to the submissions."""
    import tempfile
    from autograder.grader.submission import copy_folder
    with tempfile.TemporaryDirectory(prefix="autograder-ship-") as tmp:
        skipped = copy_folder(folder, os.path.join(tmp, "f"))
        files = {e.name: Path(e.path).read_bytes() for e in os.scandir(os.path.join(tmp, "f"))}
    return files, bool(skipped)


_LOCAL = {}


def _uid(setup):
    """A uid no other sandbox of this machine uses at the same time: one per worker thread of
    each worker process, above the local pool's range."""
    import threading
    with _LOCAL.setdefault("lock", threading.Lock()):
        slots = _LOCAL.setdefault("slots", {})
        slot = slots.setdefault(threading.get_ident(), len(slots))
    return setup.uid(1000 + (os.getpid() % 100000) * 8 + slot % 8)


def _sandbox(kind):
    """This worker's own sandbox (its own bwrap and package paths), detected once."""
    from autograder.grader.sandbox import Sandbox
    key = ("sandbox", kind)
    if key not in _LOCAL:
        _LOCAL[key] = Sandbox.detect(unsafe=(kind != "bwrap"))
    return _LOCAL[key]


def remote_run(job, files, setup, grader_package):
    """The Dask task (on a worker): write the shipped files, run the job in this worker's
    sandbox, return the Execution. Check roots inside the grader's autograder package are
    mapped to this worker's copy of it."""
    import dataclasses
    import shutil
    import tempfile
    from autograder.grader.submission import Execution, run_submission
    work = tempfile.mkdtemp(prefix="autograder-task-")
    try:
        os.chmod(work, 0o755)
        folder = os.path.join(work, "submission")
        os.mkdir(folder)
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        paths = [str(PACKAGE / os.path.relpath(p, grader_package))
                 if (p + os.sep).startswith(grader_package + os.sep) else p for p in job.check_paths]
        job = dataclasses.replace(job, folder=folder, check_paths=paths)
        sandbox = _sandbox(setup.sandbox.kind)
        return run_submission(job, sandbox, setup.limits, _uid(setup), work)
    except Exception as err:  # noqa: BLE001 - the batch goes on; the reason is kept
        return Execution(error=f"internal grader error on a Dask worker: {type(err).__name__}: {err}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


class DaskRunner:
    """Runs the batch's jobs on the Dask cluster whose scheduler is at ``address``; same contract
    as batch.LocalPool. ``progress``, when set (a tqdm bar), shows the cluster's worker count."""

    def __init__(self, address, timeout=30, require_cgroups=False, stream=None):
        self.address, self.timeout, self.require_cgroups = address, timeout, require_cgroups
        self.stream = stream or sys.stderr
        self.progress = None

    def run(self, jobs, setup, done):
        from distributed import as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        from autograder.grader.sandbox import SandboxUnavailable
        from autograder.grader.submission import Execution
        client = connect(self.address, self.timeout)
        before = None
        try:
            problems, facts = check_workers(client, setup.limits, self.require_cgroups, setup.sandbox.kind)
            if problems:
                raise SandboxUnavailable("Dask workers that cannot grade:\n" + describe(problems))
            uncapped = {a: f["uncapped"] for a, f in facts.items() if f["uncapped"]}
            if uncapped:
                print("NOTE: not capped per sandbox as a whole on these Dask workers (each process "
                      "still has its own limits):\n" + describe({a: [t] for a, t in uncapped.items()}),
                      file=self.stream)
            before = client.run_on_scheduler(_scheduler_policy, **SCHEDULER_POLICY)
            source, running, pending = iter(jobs), {}, as_completed(loop=client.loop)
            while True:
                room = max(1, IN_FLIGHT * self._threads(client)) - len(running)
                for job in (next(source, None) for _ in range(room)):
                    if job is None:
                        break
                    files, skipped = folder_files(job.folder)
                    fut = client.submit(remote_run, job, files, setup, str(PACKAGE), pure=False,
                                        key=_task_key(job))
                    running[fut] = (job, skipped)
                    pending.add(fut)
                if not running:
                    return
                fut = next(pending)
                job, skipped = running.pop(fut)
                try:
                    execution = fut.result()
                    execution.copy_skipped = execution.copy_skipped or skipped
                except KilledWorker as err:
                    execution = Execution(error=KILLED_TWICE.format(last=_last_worker(err)))
                except FutureCancelledError as err:
                    raise RuntimeError(f"the Dask scheduler cancelled a task ({err}); graded "
                                       "outcomes are saved: run the same command again to resume") from None
                fut.release()
                done(job, execution)
        finally:
            if before is not None:          # the scheduler's own policy back, for its other users
                try:
                    client.run_on_scheduler(_scheduler_policy, **dict(zip(SCHEDULER_POLICY, before)))
                except Exception as err:  # noqa: BLE001 - the batch's outcome matters more; say it
                    print(f"NOTE: could not restore the scheduler's allowed-failures and worker-saturation "
                          f"({err}); they are {SCHEDULER_POLICY}", file=self.stream)
            client.close()

    def _threads(self, client):
        threads = client.nthreads()                 # {worker address: threads}
        if self.progress is not None:
            self.progress.set_postfix_str(f"{len(threads)} Dask workers", refresh=False)
        return sum(threads.values())


def _task_key(job):
    """A Dask key for one job: hashed names (a student's folder name is hostile) + a random tail."""
    name = hashlib.sha256(f"{job.student}\0{job.slug}".encode("utf-8", "surrogateescape")).hexdigest()
    return f"grade-{name[:16]}-{os.urandom(6).hex()}"


def _last_worker(err):
    last = getattr(err, "last_worker", None)
    return getattr(last, "address", None) or "unknown"
