"""The class of the end-to-end test as real things on this machine: Linux accounts, the course
directory and exchange, and JupyterHub started from classroom/jupyterhub_config.py.

    requirements() -> list[str]        what is missing to run the class (root, tools, proxy)
    enterable(*paths)                  context manager: other users may pass through the folders
                                       above ``paths`` (this Python, this checkout) while it lasts
    Class(base)                        context manager: a group, an instructor and students with
                                       passwords and homes under ``base``, removed on exit (with
                                       every process they still run)
    cls.as_instructor(*cmd)            run a command as the instructor, with the environment
                                       JupyterHub gives the instructor's server
    Hub(cls, port)                     context manager: JupyterHub on 127.0.0.1:port, stopped on exit
"""
from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "classroom"
PROXY = CLASSROOM / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
COURSE_ID = "circuits"


def requirements():
    """Reasons the class cannot run here (empty when it can)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("the test must run as root (it creates Linux users)")
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "chpasswd", "bwrap"):
        if not shutil.which(tool):
            missing.append(f"{tool} is not installed")
    for tool in ("jupyterhub", "jupyterhub-singleuser", "nbgrader"):
        if not (BIN / tool).exists():
            missing.append(f"{tool} is not installed in {BIN} (pip install -r requirements.txt)")
    unreadable = [p for p in (Path(os.path.realpath(sys.executable)), ROOT) if not os.stat(p).st_mode & 0o005]
    if unreadable:
        missing.append(f"{unreadable[0]} cannot be read by other users: the students' servers run this "
                       "Python as their own users")
    if not os.access(PROXY, os.X_OK):
        missing.append(f"configurable-http-proxy is not installed in {PROXY.parent.parent} "
                       "(bash .ci/install runs npm ci there)")
    return missing


@contextlib.contextmanager
def enterable(*paths):
    """Let other users pass through (search, not list) every folder above ``paths`` while the class
    runs: the students' servers run this checkout's Python as their own users, and a checkout or a
    Python under /root is otherwise out of their reach. Every mode changed is restored."""
    changed = {}
    for path in paths:
        for folder in Path(path).parents:
            mode = stat.S_IMODE(os.stat(folder).st_mode)
            if not mode & 0o001 and folder not in changed:
                changed[folder] = mode
                os.chmod(folder, mode | 0o001)
    try:
        yield sorted(changed)
    finally:
        for folder, mode in changed.items():
            os.chmod(folder, mode)


def _run(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Class:
    """One instructor and some students as real local users, in a group of their own."""

    def __init__(self, base, students=("ada", "ben", "cy")):
        self.base = Path(base)
        tag = secrets.token_hex(2)
        self.group = f"cls{tag}"
        self.instructor = f"teach{tag}"
        self.students = [f"{s}{tag}" for s in students]
        self.passwords = {u: secrets.token_urlsafe(12) for u in [self.instructor, *self.students]}
        self.homes = self.base / "home"
        self.exchange = self.base / "exchange"
        self.state = self.base / "hub"
        self.course = self.homes / self.instructor / COURSE_ID
        self.created_users, self.created_group = [], False

    # ---------------------------------------------------------------- accounts
    def __enter__(self):
        try:
            self._create()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _create(self):
        os.chmod(self.base, 0o755)
        self.homes.mkdir(mode=0o755)
        _run("groupadd", self.group)
        self.created_group = True
        for user in [self.instructor, *self.students]:
            groups = [] if user == self.instructor else ["-G", self.group]
            _run("useradd", "-m", "-d", str(self.homes / user), "-s", "/bin/bash", *groups, user)
            self.created_users.append(user)
            _run("chpasswd", input=f"{user}:{self.passwords[user]}\n")
        os.chmod(self.homes / self.instructor, 0o700)     # the course (solutions, gradebook) is private
        # The exchange: anyone may create files (sticky, like /tmp); the course's folder in it
        # belongs to the instructor, so that no student can claim the course id first.
        self.exchange.mkdir()
        os.chmod(self.exchange, 0o1777)
        _run("install", "-d", "-o", self.instructor, "-m", "755", str(self.exchange / COURSE_ID))
        self.state.mkdir(mode=0o700)

    def uid(self, user):
        return pwd.getpwnam(user).pw_uid

    def __exit__(self, *exc):
        uids = set()
        for user in self.created_users:
            try:
                uids.add(self.uid(user))
            except KeyError:
                pass
        stop_processes_of(uids)
        for user in self.created_users:
            subprocess.run(["userdel", "-r", user], capture_output=True)
        if self.created_group:
            subprocess.run(["groupdel", self.group], capture_output=True)
        return False

    # ---------------------------------------------------------------- commands
    def environment(self):
        """What the hub sets for the instructor's server (classroom/jupyterhub_config.py)."""
        return {"CLASSROOM_COURSE_ID": COURSE_ID, "CLASSROOM_INSTRUCTOR": self.instructor,
                "CLASSROOM_GROUP": self.group, "CLASSROOM_COURSE_DIR": str(self.course),
                "CLASSROOM_EXCHANGE": str(self.exchange), "CLASSROOM_STATE": str(self.state)}

    def as_instructor(self, *cmd, cwd=None, timeout=600, sudo=False):
        """Run ``cmd`` as the instructor (as root with ``sudo``) in the course directory, with
        the instructor's nbgrader configuration; return the CompletedProcess (raises with the
        output when it fails)."""
        user = "root" if sudo else self.instructor
        home = "/root" if sudo else self.homes / self.instructor
        env = {"HOME": str(home), "USER": user, "LANG": "C.UTF-8",
               "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "PYTHONPATH": str(ROOT),
               "JUPYTER_CONFIG_PATH": f"{CLASSROOM / 'jupyter' / 'instructor'}:{CLASSROOM / 'jupyter'}",
               **self.environment()}
        who = {} if sudo else {"user": user, "group": user, "extra_groups": []}
        proc = subprocess.run(list(cmd), cwd=cwd or self.course, env=env, capture_output=True,
                              text=True, timeout=timeout, **who)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                               f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        return proc


def stop_processes_of(uids, grace=10.0):
    """Stop every process owned by these (test-made) uids, by pid: TERM, then KILL."""
    if not uids:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = _pids_of(uids)
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while pids and time.monotonic() < deadline:
            time.sleep(0.2)
            pids = _pids_of(uids)
        if not pids:
            return


def _pids_of(uids):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid in uids:
                    pids.append(int(entry))
            except FileNotFoundError:
                pass
    return pids


class Hub:
    """JupyterHub (and its configurable-http-proxy) on 127.0.0.1, as root, for ``cls``."""

    def __init__(self, cls, port, log):
        self.cls, self.port, self.log_path = cls, port, Path(log)
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None

    def __enter__(self):
        env = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/root",
               "PYTHONPATH": str(ROOT), "CLASSROOM_PORT": str(self.port), **self.cls.environment()}
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(CLASSROOM / "jupyterhub_config.py")],
                                     cwd=self.cls.state, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait(self, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                urllib.request.urlopen(f"{self.url}/hub/health", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer within {seconds} s:\n{self.tail()}")

    def tail(self, n=6000):
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-n:]

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()           # the hub stops the users' servers and its proxy
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        if self.proc:
            try:                            # anything left in its session (the proxy)
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()
        return False
