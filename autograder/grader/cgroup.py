"""Caps on one sandbox as a whole, with cgroups: memory (with shared memory, memfd and tmpfs
files, which the kernel charges to the group), number of processes, and CPU (one core).

    Caps.detect(tag) -> Caps     v2 where it is mounted, writable and has the controllers,
                                 else v1 (memory, pids, cpu hierarchies), else nothing;
                                 ``caps.missing`` names what is not capped and why
    caps.group(name, limits) -> Group | None     a fresh cgroup holding the limits
    group.wrap(command) -> command   the command, started inside the group (a shell writes its
                                 own pid into the group's cgroup.procs, then execs it)
    group.close()                kill whatever is left in the group and remove it
    caps.close()                 remove this grader's parent group (at the end of a batch)
    sweep(folder)                groups left by graders that were killed (done by detect)

rlimits stay in place underneath: they cap each process, cgroups all of them together. Groups
live below the grader's own cgroup (read from /proc/self/cgroup), in a parent group named
after the grader's pid, so two batches never share one.
"""
from __future__ import annotations

import atexit
import os
import signal
import time
from dataclasses import dataclass, field

MOUNT = "/sys/fs/cgroup"
V1 = ("memory", "pids", "cpu")
WHAT = {"memory": "memory", "pids": "processes", "cpu": "CPU"}
CPU_PERIOD = 100_000             # microseconds; the quota is one period: one core


def _own_paths():
    """{controller or "": path of this process's cgroup} from /proc/self/cgroup."""
    out = {}
    try:
        with open("/proc/self/cgroup") as fh:
            for line in fh:
                _, names, path = line.rstrip("\n").split(":", 2)
                for name in (names.split(",") if names else [""]):
                    out[name] = path
    except OSError:
        pass
    return out


def _write(path, value):
    with open(path, "w") as fh:
        fh.write(str(value))


def _rmdir(path, tries=50):
    for _ in range(tries):
        try:
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(0.02)
    return False


@dataclass
class Group:
    version: int
    dirs: list                   # one directory per hierarchy (v1) or one (v2)

    def wrap(self, command):
        procs = [os.path.join(d, "cgroup.procs") for d in self.dirs]
        script = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
        return ["/bin/sh", "-c", script, "sh", *procs, "--", *command]

    def pids(self):
        found = set()
        for d in self.dirs:
            try:
                with open(os.path.join(d, "cgroup.procs")) as fh:
                    found |= {int(p) for p in fh.read().split()}
            except OSError:
                pass
        return found

    def peak_memory(self):
        """The most memory the group held at once, in bytes (None if unknown)."""
        for d in self.dirs:
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                try:
                    with open(os.path.join(d, name)) as fh:
                        return int(fh.read().split()[0])
                except (OSError, ValueError, IndexError):
                    continue
        return None

    def close(self):
        """Kill every process still in the group, then remove it."""
        for _ in range(20):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)
        for d in self.dirs:
            _rmdir(d)


@dataclass
class Caps:
    version: int | None = None
    parents: dict = field(default_factory=dict)     # controller -> this grader's parent group
    missing: list = field(default_factory=list)     # [(what, why)]

    @classmethod
    def detect(cls, tag=None):
        tag = tag or f"autograder-{os.getpid()}"
        caps = cls._detect(tag)
        if caps.parents:
            atexit.register(caps.close)
        return caps

    @classmethod
    def _detect(cls, tag):
        own = _own_paths()
        why2 = cls._try_v2(own, tag)
        if isinstance(why2, Caps):
            return why2
        caps = cls(1)
        reasons = {}
        for ctrl in V1:
            root = os.path.join(MOUNT, ctrl)
            if not os.path.exists(os.path.join(root, "cgroup.procs")):
                reasons[ctrl] = f"no cgroup v1 {ctrl} hierarchy at {root} ({why2})"
                continue
            parent = os.path.join(root, own.get(ctrl, "/").lstrip("/"), tag)
            sweep(os.path.dirname(parent))
            try:
                os.makedirs(parent, exist_ok=True)
                caps.parents[ctrl] = parent
            except OSError as err:
                reasons[ctrl] = f"{root} is not writable ({err.strerror}; {why2})"
        caps.missing = [(WHAT[c], reasons[c]) for c in V1 if c in reasons]
        if not caps.parents:
            caps.version = None
        return caps

    @classmethod
    def _try_v2(cls, own, tag):
        """A v2 Caps if v2 is usable here, else the reason it is not (a string)."""
        root = MOUNT if os.path.exists(os.path.join(MOUNT, "cgroup.controllers")) else os.path.join(MOUNT, "unified")
        try:
            with open(os.path.join(root, "cgroup.controllers")) as fh:
                available = set(fh.read().split())
        except OSError:
            return "cgroup v2 is not mounted"
        if not {"memory", "pids", "cpu"} <= available:
            return f"cgroup v2 at {root} lacks the memory, pids or cpu controller"
        parent = os.path.join(root, own.get("", "/").lstrip("/"), tag)
        sweep(os.path.dirname(parent))
        try:
            os.makedirs(parent, exist_ok=True)
            _write(os.path.join(parent, "cgroup.subtree_control"), "+memory +pids +cpu")
        except OSError as err:
            _rmdir(parent, 1)
            return f"cgroup v2 at {root} is not writable here ({err.strerror})"
        return cls(2, {"": parent}, [])

    @property
    def active(self):
        return bool(self.parents)

    def describe_missing(self):
        return "; ".join(f"{what}: {why}" for what, why in self.missing)

    def group(self, name, limits):
        """A new group ``name`` with the limits of one sandbox, or None without cgroups."""
        if not self.parents:
            return None
        dirs = []
        try:
            if self.version == 2:
                d = os.path.join(self.parents[""], name)
                os.mkdir(d)
                dirs.append(d)
                _write(os.path.join(d, "memory.max"), limits.memory)
                if os.path.exists(os.path.join(d, "memory.swap.max")):
                    _write(os.path.join(d, "memory.swap.max"), 0)
                _write(os.path.join(d, "pids.max"), limits.nproc)
                _write(os.path.join(d, "cpu.max"), f"{CPU_PERIOD} {CPU_PERIOD}")
                return Group(2, dirs)
            for ctrl, parent in self.parents.items():
                d = os.path.join(parent, name)
                os.mkdir(d)
                dirs.append(d)
                if ctrl == "memory":
                    _write(os.path.join(d, "memory.limit_in_bytes"), limits.memory)
                    if _can_set(d, "memory.memsw.limit_in_bytes"):
                        _write(os.path.join(d, "memory.memsw.limit_in_bytes"), limits.memory)
                elif ctrl == "pids":
                    _write(os.path.join(d, "pids.max"), limits.nproc)
                elif ctrl == "cpu":
                    _write(os.path.join(d, "cpu.cfs_period_us"), CPU_PERIOD)
                    _write(os.path.join(d, "cpu.cfs_quota_us"), CPU_PERIOD)
            return Group(1, dirs)
        except OSError:
            Group(self.version, dirs).close()
            raise

    def close(self):
        for parent in self.parents.values():
            for entry in os.scandir(parent) if os.path.isdir(parent) else []:
                if entry.is_dir(follow_symlinks=False):
                    Group(self.version, [entry.path]).close()
            _rmdir(parent, 5)


def sweep(folder):
    """Remove the groups of graders that died without cleaning up (``autograder-<pid>`` whose
    process is gone), killing anything left in them. Graders starting together (Dask workers)
    sweep the same folder at once: a group another one removed first is passed over."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not name.startswith("autograder-") or not name[11:].isdigit() or os.path.exists(f"/proc/{name[11:]}"):
            continue
        try:
            children = list(os.scandir(entry.path)) if entry.is_dir(follow_symlinks=False) else []
        except OSError:
            continue
        for child in children:
            if child.is_dir(follow_symlinks=False):
                Group(0, [child.path]).close()
        _rmdir(entry.path, 5)


def _can_set(folder, name):
    return os.access(os.path.join(folder, name), os.W_OK)
