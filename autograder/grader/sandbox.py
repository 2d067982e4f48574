"""Running the probe on one job: inside bubblewrap, under resource limits, with a wall clock.

    Limits (limits.py)            wall time, address space, processes, CPU, output caps
    Sandbox.detect(unsafe) -> Sandbox      raises SandboxUnavailable with the reason
    sandbox.run(job_dir, limits, uid) -> RunResult

What the sandboxed process sees (bwrap, all namespaces unshared, so no network):
    /usr, the /lib and /bin links, a few files of /etc     read-only
    the Python installation and the virtual environment    read-only, same paths
    /opt/grader/autograder                                 read-only: ONLY the autograder package
    /opt/grader/extra/<i>                                  read-only: extra check-module roots (tests)
    /grader                                                read-only: job.json + the submission's files
    /home/student (cwd), /tmp                              private tmpfs, 64 MiB each
Not visible: solutions/, the source notebooks, OUT (gradebook, secret, feedback), other
submissions, the rest of the file system. Python starts with -I -S: no site hooks, so the
editable install's finder (a .pth in site-packages mapping ``autograder`` and ``solutions`` to
the repository) is never loaded; the probe adds site-packages and /opt/grader to sys.path itself.

Limits: ``prlimit`` wraps bwrap and sets them before anything of the sandbox starts (address
space, processes, CPU seconds, file size, no core dumps); they are inherited down to student
code. With cgroups (cgroup.py) each run also starts inside a group of its own that caps all its
processes together (memory with shared memory and memfd, processes, one core); the kernel's
peak of that group is reported as ``RunResult.peak_memory``. A wrapper rather than a ``preexec_fn``, which is unsafe in a process with threads. The
wall clock is the grader's: at the limit the whole process group is killed, and bwrap's
--die-with-parent takes the sandbox's pid namespace down with it. Output is drained from the
pipes and kept up to its cap, so a flood can neither block the run nor fill the grader's memory.

Users: run by root, bwrap keeps the real user namespace (a user namespace made by root maps
only uid 0, and the kernel does not apply RLIMIT_NPROC to uid 0) and ``setpriv`` drops to an
unprivileged uid per worker, with no capabilities and no_new_privs. Run by anyone else, bwrap
unshares the user namespace too and the sandbox runs as that user (RLIMIT_NPROC then counts
all of that user's processes, which is why batch.py then wants a cgroup for processes or
--workers 1).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.grader.cgroup import Caps
from autograder.grader.limits import Limits

PROBE = Path(__file__).with_name("probe.py")
INSIDE_ROOT = "/opt/grader"
INSIDE_JOB = "/grader"
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group", "nsswitch.conf",
             "localtime", "alternatives")


class SandboxUnavailable(RuntimeError):
    """The grader cannot isolate student code here; the message says why."""


@dataclass
class RunResult:
    records: bytes
    records_overflow: bool
    log: bytes
    log_truncated: bool
    returncode: int | None
    timed_out: bool
    seconds: float
    peak_memory: int | None = None     # the most the whole sandbox held at once (with cgroups)

    @property
    def how_it_ended(self):
        if self.timed_out:
            return "was stopped at the time limit"
        rc = self.returncode
        if rc is not None and rc < 0:
            try:
                return f"was killed by {signal.Signals(-rc).name}"
            except ValueError:
                return f"was killed by signal {-rc}"
        if rc is not None and rc > 128 and rc - 128 < 65:   # bwrap reports a child's signal so
            try:
                return f"was killed by {signal.Signals(rc - 128).name}"
            except ValueError:
                pass
        return f"exited with status {rc}"


def _drain(stream, cap, sink):
    """Read a pipe to its end, keeping at most ``cap`` bytes."""
    kept, over = [], False
    size = 0
    try:
        while True:
            chunk = stream.read1(1 << 16) if hasattr(stream, "read1") else os.read(stream.fileno(), 1 << 16)
            if not chunk:
                break
            if size < cap:
                kept.append(chunk[:cap - size])
            if size + len(chunk) > cap:
                over = True
            size += len(chunk)
    except (OSError, ValueError):
        pass
    sink.extend([b"".join(kept), over])


def _python_paths():
    """Directories of the interpreter and its packages (bound read-only, same path)."""
    paths = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(os.path.realpath(sysconfig.get_paths()[key]))
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    keep = []
    for p in sorted(paths, key=len):
        if os.path.isdir(p) and not any(p == k or p.startswith(k + os.sep) for k in keep) \
                and not p.startswith("/usr/"):
            keep.append(p)
    return keep


def _parents(dests):
    """Directories to create (world-readable) above the mount points, outermost first."""
    out = set()
    for dest in dests:
        p = os.path.dirname(dest)
        while p not in ("/", "") and not (p == "/usr" or p.startswith("/usr/")):
            out.add(p)
            p = os.path.dirname(p)
    return sorted(out, key=lambda q: (q.count("/"), q))


def site_packages():
    return sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})


def _inside(path, roots):
    path = os.path.realpath(path)
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def masked_packages(roots):
    """Installed copies of ``solutions`` that a read-only bind would expose: hide them."""
    spec = importlib.util.find_spec("solutions")
    found = []
    for loc in list(getattr(spec, "submodule_search_locations", None) or []) + [getattr(spec, "origin", None)]:
        if loc and os.path.exists(loc) and _inside(loc, roots):
            found.append(os.path.realpath(loc))
    return found


class Sandbox:
    """How to start the probe. ``kind`` is "bwrap" or "none" (the --unsafe-no-sandbox path)."""

    def __init__(self, kind, bwrap=None, setpriv=None, prlimit=None, caps=None):
        self.kind, self.bwrap, self.setpriv, self.prlimit = kind, bwrap, setpriv, prlimit
        self.caps = caps or Caps()               # cgroups: caps on each run as a whole
        self.runs = 0
        self.package = str(Path(__file__).resolve().parents[1])   # the autograder package
        self.as_root = os.geteuid() == 0

    @classmethod
    def detect(cls, unsafe=False):
        prlimit = shutil.which("prlimit")
        if unsafe:
            return cls("none", prlimit=prlimit, caps=Caps.detect())
        bwrap = shutil.which("bwrap")
        if not bwrap:
            raise SandboxUnavailable(
                "bubblewrap (bwrap) is not installed, and the grader runs student code only inside "
                "it: without it a notebook could read solutions/ and the gradebook, or change them. "
                "Install it (Debian/Ubuntu: apt-get install bubblewrap), or pass --unsafe-no-sandbox "
                "to run the notebooks unconfined (only for notebooks you trust).")
        if not prlimit:
            raise SandboxUnavailable("prlimit (util-linux) is needed to set the resource limits")
        setpriv = shutil.which("setpriv")
        if os.geteuid() == 0 and not setpriv:
            raise SandboxUnavailable("running as root, setpriv (util-linux) is needed to drop to an "
                                     "unprivileged user inside the sandbox")
        return cls("bwrap", bwrap, setpriv, prlimit, Caps.detect())

    # ------------------------------------------------------------------ paths
    def binds(self):
        """(host path, sandbox path) of every read-only bind."""
        out = [(p, p) for p in _python_paths()]
        out.append((self.package, f"{INSIDE_ROOT}/autograder"))
        return out

    def exposed_roots(self, extra_paths=()):
        return [src for src, _ in self.binds()] + [os.path.realpath(p) for p in extra_paths]

    def sys_path(self, job_dir, extra_paths=()):
        """sys.path entries the probe adds, as seen from where it runs."""
        if self.kind == "bwrap":
            return [INSIDE_ROOT] + [f"{INSIDE_ROOT}/extra/{i}" for i in range(len(extra_paths))] \
                + site_packages()
        return [os.path.join(job_dir, "lib")] + [os.path.realpath(p) for p in extra_paths] + site_packages()

    def job_root(self, job_dir):
        return INSIDE_JOB if self.kind == "bwrap" else job_dir

    def prepare(self, job_dir):
        """Unsafe path only: give the job a lib/ holding just the autograder package."""
        if self.kind != "bwrap":
            lib = Path(job_dir) / "lib"
            lib.mkdir(exist_ok=True)
            if not (lib / "autograder").exists():
                os.symlink(self.package, lib / "autograder")

    # ------------------------------------------------------------------ command
    def command(self, job_dir, fd, limits, uid=None, extra_paths=()):
        python = [sys.executable, "-I", "-S", "-B"]
        rl = [self.prlimit, f"--as={limits.memory}", f"--nproc={limits.nproc}", f"--cpu={limits.cpu}",
              f"--fsize={limits.fsize}", "--core=0", "--"] if self.prlimit else []
        if self.kind != "bwrap":
            return rl + python + [str(PROBE), job_dir, str(fd)]
        cmd = [self.bwrap]
        if self.as_root:
            cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                    "--unshare-cgroup-try", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
                    "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
        else:
            cmd += ["--unshare-all"]
        cmd += ["--die-with-parent", "--new-session", "--hostname", "sandbox",
                "--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                cmd += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                cmd += ["--ro-bind", top, top]
        # The private /tmp comes first, so that binds below it (a checkout or a virtual
        # environment that lives under /tmp) are mounted on top of it, not hidden by it.
        cmd += ["--perms", "1777", "--size", str(limits.tmpfs), "--tmpfs", "/tmp"]
        binds = [(f"/etc/{name}", f"/etc/{name}") for name in ETC_FILES if os.path.exists(f"/etc/{name}")]
        binds += self.binds()
        binds += [(os.path.realpath(p), f"{INSIDE_ROOT}/extra/{i}") for i, p in enumerate(extra_paths)]
        for parent in _parents([dest for _, dest in binds] + [INSIDE_JOB, "/home/student"]):
            cmd += ["--perms", "0755", "--dir", parent]     # bwrap would make them 0700
        for src, dest in binds:
            cmd += ["--ro-bind", src, dest]
        for hidden in masked_packages([src for src, _ in self.binds()]):
            cmd += ["--tmpfs", hidden] if os.path.isdir(hidden) else ["--ro-bind", "/dev/null", hidden]
        cmd += ["--ro-bind", job_dir, INSIDE_JOB, "--proc", "/proc", "--dev", "/dev",
                "--perms", "1777", "--size", str(limits.tmpfs), "--tmpfs", "/home/student",
                "--chdir", "/home/student", "--"]
        if self.as_root:
            uid = limits.uid_base if uid is None else uid
            cmd += [self.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        return rl + cmd + python + [f"{INSIDE_ROOT}/autograder/grader/probe.py", INSIDE_JOB, str(fd)]

    def environment(self, job_dir):
        home = "/home/student" if self.kind == "bwrap" else os.path.join(job_dir, "home")
        tmp = "/tmp" if self.kind == "bwrap" else os.path.join(job_dir, "tmp")
        return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": tmp,
                "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MPLBACKEND": "Agg",
                "MPLCONFIGDIR": f"{tmp}/mpl", "IPYTHONDIR": f"{tmp}/ipython",
                **{f"{lib}_NUM_THREADS": Limits.BLAS_THREADS for lib in ("OPENBLAS", "OMP", "MKL")}}

    # ------------------------------------------------------------------ run
    def run(self, job_dir, limits, uid=None, extra_paths=()):
        """Run the probe on ``job_dir`` (which holds job.json) and collect what it wrote."""
        job_dir = os.path.realpath(job_dir)
        self.prepare(job_dir)
        cwd = "/" if self.kind == "bwrap" else os.path.join(job_dir, "home")
        if self.kind != "bwrap":
            for sub in ("home", "tmp"):
                os.makedirs(os.path.join(job_dir, sub), exist_ok=True)
        self.runs += 1
        group = self.caps.group(f"run-{os.getpid()}-{self.runs}", limits)
        try:
            return self._run(job_dir, limits, uid, extra_paths, cwd, group)
        finally:
            if group is not None:
                group.close()

    def _run(self, job_dir, limits, uid, extra_paths, cwd, group):
        r, w = os.pipe()
        command = self.command(job_dir, w, limits, uid, extra_paths)
        if group is not None:
            command = group.wrap(command)
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=(w,), cwd=cwd,
                env=self.environment(job_dir), process_group=0, close_fds=True)
        finally:
            os.close(w)
        results, log = [], []
        readers = [threading.Thread(target=_drain, args=(os.fdopen(r, "rb"), limits.results, results),
                                    daemon=True),
                   threading.Thread(target=_drain, args=(proc.stdout, limits.output, log), daemon=True)]
        for t in readers:
            t.start()
        timed_out = False
        try:
            proc.wait(timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)   # the whole group, whatever state it is in
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
        for t in readers:
            t.join(timeout=5)
        records, overflow = results if len(results) == 2 else (b"", True)
        log_bytes, truncated = log if len(log) == 2 else (b"", True)
        return RunResult(records, overflow, log_bytes, truncated, proc.returncode, timed_out,
                         time.monotonic() - start, group.peak_memory() if group else None)


def selftest(sandbox, limits, forbidden=(), extra_paths=(), uid=None):
    """Problems with this sandbox ([] when sound): can the probe import autograder, and is it
    kept from solutions, the ``forbidden`` paths, the network and its own code? A bwrap that
    cannot start (no user namespaces, seccomp) shows up here with bwrap's own message."""
    import json
    import tempfile

    from autograder.grader.job import Job
    job_dir = tempfile.mkdtemp(prefix="autograder-selftest-")
    try:
        os.chmod(job_dir, 0o755)
        Job(sandbox.sys_path(job_dir, extra_paths), selftest=True,
            forbidden=[os.path.realpath(p) for p in forbidden],
            grader_root=f"{INSIDE_ROOT}/autograder" if sandbox.kind == "bwrap"
            else os.path.join(job_dir, "lib", "autograder")).write(job_dir)
        result = sandbox.run(job_dir, Limits(timeout=max(30.0, limits.timeout)), uid, extra_paths)
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)
    facts = None
    for line in result.records.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and rec.get("t") == "selftest":
            facts = rec.get("facts")
    if not isinstance(facts, dict):
        text = result.log.decode("utf-8", "replace").strip() or result.how_it_ended
        return [f"the sandbox did not start: {text}"]
    problems = []
    if not facts.get("autograder"):
        problems.append("`import autograder` fails inside the sandbox")
    if facts.get("solutions"):
        problems.append("`import solutions` works inside the sandbox")
    if facts.get("visible"):
        problems.append(f"visible inside the sandbox: {', '.join(facts['visible'])}")
    if facts.get("network"):
        problems.append("the network is reachable from the sandbox")
    if facts.get("grader_writable"):
        problems.append("the autograder package is writable from the sandbox")
    if sandbox.kind == "bwrap" and facts.get("uid") == 0:
        problems.append("student code would run as root")
    return problems
