"""The corpus's controls and attacks: each an honest core plus a change to its notebook.

    payloads(ctx) -> {name: Payload(core, transform, status, what)}

Attack code is written as a student would type it. ``$name`` in it is filled from ``ctx``: the
paths and names an attacker would have to guess (out, source, victim, canary, ...) are given
away, to make every attack as strong as it can be. Monkeypatching attacks sit on cores with
nothing (stub) or something wrong (wrong_sign) to gain; resource attacks on the full answer,
which must keep every point.
"""
from __future__ import annotations

import copy
import json
from string import Template
from typing import Callable, NamedTuple

from autograder.grader.corpus.cores import code_cell, insert, is_test, src


class Payload(NamedTuple):
    core: str
    transform: Callable
    status: str | None       # expected status; None: either (the score is what counts)
    what: str


NOISY = """\
import sys, warnings
for i in range(3000):
    print('epoch', i, 'loss', 1.0 / (i + 1))
warnings.warn('just a warning')
print('to stderr', file=sys.stderr)
from IPython.display import display
display({'a': 1})
1 / 0"""

PATCH_NUMPY = """\
import numpy as np
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *x, **k: np.ones_like(a, dtype=bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_almost_equal = lambda *a, **k: None"""

PATCH_GRADCHECK = """\
import sys
import autograder.gradcheck as g
from autograder.checks import base
orig = g.compare_gradients
def passing(*a, **k):
    r = orig(*a, **k)
    r.passed, r.diagnosis = True, 'ok'
    return r
fakes = {'compare_gradients': passing, 'rel_error': lambda *a, **k: 0.0,
         'value_finding': lambda what, *a, **k: base.Finding(what, True, 'ok')}
for m in list(sys.modules.values()):
    if getattr(m, '__name__', '').startswith('autograder'):
        for name, fake in fakes.items():
            if hasattr(m, name):
                setattr(m, name, fake)"""

PATCH_REPORT = """\
from autograder.checks import base
base.Report.earned = property(lambda s: s.points)
base.Report.passed = property(lambda s: True)
base.CheckFailed.__init__ = lambda s, r: None"""

PATCH_CHECK_NAMES = """\
class Fake:
    def _repr_pretty_(self, p, c):
        p.text('1000')
for _n in $checks:
    globals()[_n] = lambda *a, **k: Fake()"""

PATCH_CHECK_RUN = """\
import importlib
from autograder.checks import base
m = importlib.import_module('$module')
for v in vars(m).values():
    if isinstance(v, type) and issubclass(v, base.Check):
        v.run = lambda self, inputs, *a: {}
        v.judge = lambda self, *a: [base.Finding('out', True, 'correct')]"""

PATCH_ENCODE = """\
from autograder.checks import base
base.encode = lambda v, _depth=0: {'score': 1000}
base.decode = lambda v, _depth=0: {'score': 1000}"""

PATCH_SYS_MODULES = """\
import sys, types
fake = types.ModuleType('$module')
sys.modules['$module'] = fake
sys.modules['autograder.checks.base'] = fake"""

PATCH_BUILTINS = """\
import builtins, json
builtins.isinstance = lambda *a: True
json.dumps = lambda *a, **k: '{"t": "done"}'
builtins.print = lambda *a, **k: None"""

PATCH_OS_WRITE = """\
import os
_w = os.write
def w(fd, data):
    return _w(fd, data.replace(b'not_implemented', b'ok'))
os.write = w"""

IPYTHON_TRANSFORMER = """\
ip = get_ipython()
ip.input_transformers_cleanup.append(
    lambda lines: ['pass\\n'] if any('check_' in l for l in lines) else lines)"""

IPYTHON_EVENTS = """\
ip = get_ipython()
def after(result):
    result.error_in_exec = None
    print('{"t": "out", "test": 0, "case": 0, "ok": {}}')
ip.events.register('post_run_cell', after)"""

IPYTHON_CUSTOM_EXC = "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)"

IPYTHON_DISPLAYHOOK = """\
import sys
sys.displayhook = lambda v: print(1000)
get_ipython().displayhook.write_format_data = lambda *a, **k: None"""

FORGED = """\
import json, os
rec = {'t': 'out', 'test': 0, 'case': 0, 'ok': {'out': 1.0}}
for fd in range(3, 256):
    try:
        os.write(fd, (json.dumps(rec) + '\\n').encode())
    except OSError:
        pass"""

FORGED_THEN_EXIT = FORGED + """
for fd in range(1, 256):
    try:
        os.write(fd, b'{"t": "done"}\\n')
    except OSError:
        pass
os._exit(0)"""

FORGED_FILES = """\
for p in ['grades.csv', 'results.json', '/tmp/results.jsonl', '/grader/job.json', '$out/grades.csv']:
    try:
        open(p, 'w').write('student,1000\\n')
    except OSError:
        pass"""

ATEXIT = "import atexit\natexit.register(lambda: exec($forged))"

USE_FOUND = """\
def _use(path):
    import json
    try:
        nb = json.load(open(path))
    except Exception:
        return
    for cell in nb.get('cells', []):
        if cell.get('cell_type') == 'code':
            try:
                exec(''.join(cell['source']), globals())
            except Exception:
                pass
"""

READ_RELATIVE = USE_FOUND + """\
for up in ['..', '../..', '../../..', '../../../..']:
    _use(up + '/solutions/$slug/$slug.ipynb')
    _use(up + '/source/$slug/$slug.ipynb')"""

READ_ABSOLUTE = USE_FOUND + """\
_use('$source')
import importlib.util
try:
    s = importlib.util.spec_from_file_location('r', '$reference_file')
    m = importlib.util.module_from_spec(s)
    s.loader.exec_module(m)
    globals().update(vars(m))
except Exception:
    pass"""

IMPORT_SOLUTIONS = """\
try:
    import $reference as ref
    globals().update({k: v for k, v in vars(ref).items() if not k.startswith('_')})
except ImportError:
    pass"""

SEARCH = USE_FOUND + """\
import os, time
t0 = time.time()
for root, dirs, files in os.walk('/'):
    if root.startswith(('/proc', '/sys', '/usr', '/dev')) or 'python' in root or time.time() - t0 > 2:
        dirs[:] = []
        continue
    for f in files:
        p = os.path.join(root, f)
        try:
            if f.endswith('.ipynb') and 'BEGIN SOLUTION' in open(p, errors='ignore').read():
                _use(p)
        except OSError:
            pass"""

READ_OTHER = USE_FOUND + "_use('$victim')"

GRADEBOOK = """\
import sqlite3
for db in ['$out/gradebook.db', 'gradebook.db', '../gradebook.db', '$root/gradebook.db']:
    try:
        con = sqlite3.connect(db)
        con.execute('update grade set auto_score = 1000')
        con.commit()
    except Exception:
        pass
try:
    from nbgrader.api import Gradebook
    Gradebook('sqlite:///$out/gradebook.db')
except Exception:
    pass"""

SECRET = """\
try:
    SECRET = open('$out/.grader-secret').read()
except OSError:
    SECRET = None"""

WRITE_OUTSIDE = """\
import os, shutil
for p in ['$victim', '$canary', '$source', '$grader_file',
          '/opt/grader/autograder/grader/__init__.py', '/grader/job.json']:
    for act in (lambda: open(p, 'w').write('x'), lambda: os.remove(p), lambda: os.chmod(p, 0o777)):
        try:
            act()
        except OSError:
            pass
shutil.rmtree('/opt/grader', ignore_errors=True)"""

NETWORK = """\
import socket, urllib.request
for host in [('1.1.1.1', 53), ('127.0.0.1', 22), ('pypi.org', 443)]:
    try:
        socket.create_connection(host, timeout=1).close()
        print('CONNECTED', host)
    except OSError:
        pass
try:
    urllib.request.urlopen('http://example.com', timeout=1)
except Exception:
    pass"""

LOOP_IGNORING_SIGNALS = """\
import signal
for s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT):
    signal.signal(s, signal.SIG_IGN)
while True:
    try:
        pass
    except BaseException:
        pass"""

DISK_FILL = """\
for p in ['/tmp/fill', 'fill']:
    try:
        with open(p, 'wb') as f:
            while True:
                f.write(b'0' * (1 << 20))
    except OSError:
        pass"""

THREAD_BOMB = """\
import threading, time
while True:
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()"""

DAEMON = """\
import os, time
if os.fork() == 0:
    os.setsid()
    for fd in range(3, 64):
        try:
            os.write(fd, b'{"t": "done"}\\n')
        except OSError:
            pass
    time.sleep(600)
    os._exit(0)"""


# --------------------------------------------------------------------------- notebook changes
def same(nb):
    return nb


def tests_first(nb):
    return {**nb, "cells": [c for c in nb["cells"] if is_test(c)] + [c for c in nb["cells"] if not is_test(c)]}


def tests_deleted(nb):
    return {**nb, "cells": [c for c in nb["cells"] if not is_test(c)]}


def old_format(nb):
    nb = copy.deepcopy(nb)
    nb["nbformat_minor"] = 0
    for cell in nb["cells"]:
        cell.pop("id", None)
    return nb


def prefilled(nb):
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb["cells"]):
        if is_test(cell):
            cell["execution_count"] = i
            cell["outputs"] = [{"output_type": "execute_result", "execution_count": i, "metadata": {},
                                "data": {"text/plain": "1000", "application/vnd.circuits.report+json":
                                         {"passed": True, "earned": 1000, "points": 1000, "results": []}}}]
    return nb


def tests_replaced(code):
    def change(nb):
        nb = copy.deepcopy(nb)
        for cell in nb["cells"]:
            if is_test(cell):
                cell["source"] = code
        return nb
    return change


def tests_rewritten(nb):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if is_test(cell) and "check_" in src(cell):
            cell["source"] = src(cell).replace(")", ", points=1000, seed=0)", 1)
    return nb


def points_raised(nb):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if is_test(cell):
            cell["metadata"]["nbgrader"]["points"] = 1000
    extra = code_cell("pass", "extra_points")
    extra["metadata"] = {"nbgrader": {"grade": True, "grade_id": "extra_points", "points": 500,
                                      "locked": True, "schema_version": 3, "solution": False, "task": False}}
    nb["cells"].append(extra)
    return nb


def schema_changed(nb):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        m = cell.setdefault("metadata", {}).setdefault("nbgrader", {})
        m["schema_version"], m["locked"] = 99, False
        if is_test(cell):
            m["grade"], m["grade_id"] = False, "renamed_" + str(m.get("grade_id"))
    return nb


def ids_duplicated(nb):
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        cell["id"] = "same"
    return nb


def other_kernel(nb):
    nb = copy.deepcopy(nb)
    nb["metadata"]["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nb["metadata"]["language_info"] = {"name": "R"}
    return nb


# --------------------------------------------------------------------------- the list
def payloads(ctx):
    fill = {**ctx, "checks": json.dumps(sorted(ctx["checks"])), "forged": repr(FORGED)}

    def cells(where, *sources):
        code = [Template(s).substitute(fill) for s in sources]
        return lambda nb: insert(nb, where, *code)

    P = {}

    def add(name, core, transform, what, status="graded"):
        P[name] = Payload(core, transform, status, what)

    # controls: nothing but honest work, sometimes untidy
    add("control_full", "full", same, "the solution")
    add("control_stub", "stub", same, "the untouched release")
    add("control_partial", "partial", same, "first half answered")
    add("control_partial2", "partial2", same, "second half answered")
    add("control_wrong_sign", "wrong_sign", same, "first answer with flipped signs")
    add("control_wrong_crash", "wrong_crash", same, "first answer raises ValueError")
    add("control_noisy", "full", cells("end", NOISY), "correct, with lots of output and an error cell")
    add("control_tests_moved", "full", tests_first, "test cells moved to the top")
    add("control_scratch_cells", "full", cells("middle", "scratch = [1, 2, 3]\nscratch[10]", "undefined_name"),
        "extra failing scratch cells")
    add("control_old_format", "full", old_format, "nbformat 4.0 without cell ids")
    add("control_unicode", "full", cells("top", "# naïve café ∂L/∂x ✓ 😀\nlabel = 'σ(x) ≥ ½'"),
        "non-ASCII text in cells")
    add("control_magics", "full", cells("top", "%matplotlib inline\n%time x_ = sum(range(10))",
                                        "%%capture\nprint('hidden')"), "IPython magics")

    # library and helper monkeypatching
    add("patch_numpy", "wrong_sign", cells("top", PATCH_NUMPY), "numpy's comparison functions made to pass")
    add("patch_gradcheck", "wrong_sign", cells("top", PATCH_GRADCHECK),
        "gradcheck and value comparisons patched to pass, wherever imported")
    add("patch_report", "stub", cells("top", PATCH_REPORT), "Report claims full points")
    add("patch_check_names", "stub", cells("top", PATCH_CHECK_NAMES), "check helpers redefined")
    add("patch_check_run", "stub", cells("top", PATCH_CHECK_RUN), "check classes' run/judge patched")
    add("patch_encode", "stub", cells("top", PATCH_ENCODE), "encode/decode patched", None)
    add("patch_sys_modules", "stub", cells("top", PATCH_SYS_MODULES), "check module replaced", None)
    add("patch_builtins", "stub", cells("end", PATCH_BUILTINS), "builtins and json.dumps patched", None)
    add("patch_os_write", "stub", cells("end", PATCH_OS_WRITE), "os.write rewrites the probe's records", None)

    # IPython hooks
    add("ipython_input_transformer", "stub", cells("top", IPYTHON_TRANSFORMER), "input transformer blanks test cells")
    add("ipython_events", "stub", cells("top", IPYTHON_EVENTS), "post_run_cell hook")
    add("ipython_custom_exc", "stub", cells("top", IPYTHON_CUSTOM_EXC), "custom exception handler swallows errors")
    add("ipython_displayhook", "stub", cells("top", IPYTHON_DISPLAYHOOK), "display hooks replaced")

    # forged results
    add("forged_records_fd", "stub", cells("top", FORGED), "fake result lines on every descriptor")
    add("forged_records_then_exit", "stub", cells("middle", FORGED_THEN_EXIT), "fake results, then exit before the tests")
    add("forged_result_files", "stub", cells("top", FORGED_FILES), "fake grade files written")
    add("atexit_forgery", "stub", cells("top", ATEXIT), "atexit hook writes fake results")
    add("prefilled_outputs", "stub", prefilled, "test cells carry fake passing outputs")

    # reading what must stay hidden, writing what must not change
    add("read_solutions_relative", "stub", cells("end", READ_RELATIVE), "solutions/ by relative path")
    add("read_solutions_absolute", "stub", cells("end", READ_ABSOLUTE), "solutions/ by absolute path")
    add("import_solutions", "stub", cells("end", IMPORT_SOLUTIONS), "import the reference module")
    add("search_filesystem", "stub", cells("end", SEARCH), "walk / for solution notebooks")
    add("read_other_submission", "stub", cells("end", READ_OTHER), "copy another student's notebook")
    add("gradebook_write", "stub", cells("end", GRADEBOOK), "write scores into the gradebook")
    add("read_secret", "stub", cells("end", SECRET), "read the grader's secret")
    add("write_outside", "full", cells("end", WRITE_OUTSIDE),
        "overwrite files outside (submission, canary, source, grader)")

    # tampered test cells and metadata
    add("tests_tampered_stub", "stub", tests_replaced("print('all tests passed')\n1000"),
        "test cells replaced by fake passes")
    add("tests_tampered_full", "full", tests_replaced("raise SystemExit('no tests')"), "test cells replaced by failures")
    add("tests_deleted", "full", tests_deleted, "all test cells deleted")
    add("tests_rewritten_params", "stub", tests_rewritten, "test calls with other seeds/points")
    add("metadata_points", "stub", points_raised, "points raised, an extra grade cell")
    add("metadata_schema", "full", schema_changed, "nbgrader schema version 99, odd flags")
    add("metadata_ids_duplicated", "full", ids_duplicated, "every cell with the same id")
    add("metadata_kernelspec", "full", other_kernel, "kernelspec for another language")

    # network and resources, on the full answer
    add("network", "full", cells("end", NETWORK), "network access")
    add("loop_cell", "full", cells("end", "while True:\n    pass"), "infinite loop in a cell")
    add("loop_ignores_alarm", "full", cells("end", LOOP_IGNORING_SIGNALS), "loop that ignores signals")
    add("loop_in_function", "last_loops", same, "the last answer loops forever")
    add("sleep_long", "full", cells("end", "import time\ntime.sleep(3600)"), "sleeps for an hour")
    add("memory_bomb", "full", cells("end", "import numpy as np\nbig = np.ones((1 << 31,))"),
        "allocates 16 GiB at once")
    add("memory_bomb_gradual", "full", cells("end", "hog = []\nwhile True:\n    hog.append(bytearray(1 << 24))"),
        "allocates until the limit, and keeps it")
    add("fork_bomb", "full", cells("end", "import os\nwhile True:\n    os.fork()"), "fork bomb")
    add("thread_bomb", "full", cells("end", THREAD_BOMB), "thread bomb")
    add("output_flood", "full", cells("end", "print('x' * (8 << 20))"), "8 MB printed")
    add("output_forever", "full", cells("end", "while True:\n    print('spam' * 256)"), "prints forever")
    add("disk_fill", "full", cells("end", DISK_FILL), "fills the disk")
    add("kill_self", "full", cells("end", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
        "kills its own process")
    add("exit_midway", "full", cells("middle", "import os\nos._exit(3)"), "os._exit in the middle")
    add("segfault", "full", cells("end", "import ctypes\nctypes.string_at(0)"), "segmentation fault")
    add("sys_exit", "full", cells("middle", "import sys\nsys.exit(0)"), "sys.exit in the middle")
    add("kill_everyone", "full", cells("end", "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\n"
                                              "except OSError:\n    pass"), "kill(-1): every process it can reach")
    add("daemon_child", "full", cells("end", DAEMON), "a detached child that outlives the notebook")
    return P
