"""Grading on a Dask cluster: the worker check and the cluster runner.

    connect(address, timeout=30) -> distributed.Client
    check_workers(client, limits) -> {worker address: [what it lacks]}   ({} of problems: all sound)
    worker_facts(limits) -> dict              (runs ON a worker, through client.run)

A worker runs only the sandbox and hands back plain values; the grader process (this one) plans
the cases and judges. Before any work is sent, every worker is asked what it has, and a worker
that lacks something is named with what it lacks:
  - the same ``autograder`` package as the grader (a digest of its source files: the probe and
    the checks must be the ones the plan was made with), and the same Python minor version;
  - bubblewrap, prlimit and (as root) setpriv, and a sandbox that passes its self-test there;
  - cgroups, reported as they are locally: v2 mounted and writable, or v1 with writable memory
    and pids controllers (what is not capped is said, as the local grader says it).
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


def cgroup_situation():
    """(cgroup version usable for caps or None, sentence describing it)."""
    base = Path("/sys/fs/cgroup")
    if (base / "cgroup.controllers").exists():
        ok = os.access(base, os.W_OK)
        return ("v2" if ok else None), f"cgroup v2 at {base}" + ("" if ok else ", not writable")
    found = {c: base / c for c in ("memory", "pids") if (base / c).is_dir()}
    writable = [c for c, p in found.items() if os.access(p, os.W_OK)]
    if len(writable) == 2:
        return "v1", "cgroup v1 with writable memory and pids controllers"
    missing = sorted({"memory", "pids"} - set(writable))
    return None, "no writable cgroup " + " and ".join(missing) + " controller" + ("s" if len(missing) > 1 else "")


def worker_facts(limits=None):
    """What this machine offers the grader: runs on each worker (through ``client.run``)."""
    from autograder.grader.plan import ROOT
    from autograder.grader.sandbox import Limits, Sandbox, SandboxUnavailable, selftest
    facts = {"python": "%d.%d" % sys.version_info[:2], "digest": package_digest(),
             "package": str(PACKAGE), "problems": []}
    facts["cgroups"], facts["cgroup_note"] = cgroup_situation()
    try:
        sandbox = Sandbox.detect()
    except SandboxUnavailable as err:
        facts["problems"].append(str(err))
        return facts
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


def check_workers(client, limits=None, timeout=120):
    """{worker address: [problems]} for every worker that lacks something, and the facts of all.
    Raises ValueError when the cluster has no worker."""
    workers = sorted(client.scheduler_info(n_workers=-1)["workers"])
    if not workers:
        raise ValueError("the Dask cluster has no worker")
    answers = client.run(worker_facts, limits, workers=workers, on_error="return")
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
