"""Grading on a real Dask cluster (a `dask scheduler` and `dask worker` processes on 127.0.0.1):
the worker check names what a worker lacks before any work is sent."""
import os
import shutil
import sys
from pathlib import Path

import pytest

if os.environ.get("CI") == "true":
    import distributed  # noqa: F401 - in CI a missing dask is a failure, not a skip
else:
    pytest.importorskip("distributed")

from autograder.grader import cluster

from dask_cluster import LocalCluster
from grader_helpers import needs_bwrap

pytestmark = [needs_bwrap, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    with LocalCluster(workers=2, log_dir=tmp_path_factory.mktemp("dask_logs")) as lc:
        yield lc


def test_sound_workers_pass_the_check(dask_cluster):
    """Do two workers of this machine (same package, bubblewrap, cgroups) pass with no problem,
    and report the same cgroup caps as the grader finds here?"""
    client = cluster.connect(dask_cluster.address)
    try:
        problems, facts = cluster.check_workers(client)
    finally:
        client.close()
    assert problems == {}
    assert len(facts) == 2
    from autograder.grader.sandbox import Sandbox
    here = Sandbox.detect()
    try:
        uncapped = here.caps.describe_missing()
    finally:
        here.caps.close()
    assert all(f["digest"] == cluster.package_digest() and f["uncapped"] == uncapped for f in facts.values())


def test_a_worker_lacking_something_is_named_with_what_it_lacks(tmp_path):
    """A worker without bubblewrap on its PATH, and one importing a different autograder package:
    does the check name each of them, and only them, with its own problem?"""
    alt = tmp_path / "alt"
    shutil.copytree(cluster.PACKAGE, alt / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    with open(alt / "autograder" / "grader" / "probe.py", "a") as fh:
        fh.write("\n# a different version\n")
    bin_only = str(Path(sys.executable).parent)             # no /usr/bin: no bwrap, no prlimit
    envs = [{"PATH": bin_only}, {"PYTHONPATH": str(alt)}]
    with LocalCluster(workers=2, worker_env=envs, log_dir=tmp_path) as lc:
        pids = lc.worker_pids()
        client = cluster.connect(lc.address)
        try:
            problems, _ = cluster.check_workers(client)
            paths = client.run(lambda: os.environ.get("PATH"))
        finally:
            client.close()
    assert sorted(problems) == sorted(pids)
    no_bwrap = next(a for a, p in paths.items() if p == bin_only)
    other = next(a for a in pids if a != no_bwrap)
    assert any("bubblewrap (bwrap) is not installed" in p for p in problems[no_bwrap])
    assert not any("different autograder" in p for p in problems[no_bwrap])
    assert any("different autograder package" in p and str(alt) in p for p in problems[other])
    assert not any("bubblewrap" in p for p in problems[other])
    text = cluster.describe(problems)
    assert no_bwrap in text and other in text


def test_an_unreachable_scheduler_is_a_clear_error():
    """Does connecting to a port where no scheduler listens end in a ValueError naming it?"""
    from dask_cluster import free_port
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler"):
        cluster.connect(address, timeout=3)


# --------------------------------------------------------------------------- grading on the cluster
# Chosen so that no case comes near a time limit: one that does (gradebook_write imports nbgrader
# in a cell) may be cut in one run and not in another, wherever it runs.
CASES = ("control_full", "control_stub", "control_partial", "control_partial2", "control_wrong_sign",
         "control_wrong_crash", "control_noisy", "control_renamed",
         "patch_gradcheck", "patch_os_write", "forged_records_fd", "forged_records_then_exit",
         "read_solutions_absolute", "import_solutions", "read_secret", "ipython_events",
         "write_outside", "network", "segfault", "kill_self", "exit_midway", "memory_bomb",
         "sys_exit", "output_flood", "tests_tampered_full", "metadata_points",
         "bad_json", "empty_file", "two_notebooks", "no_notebook", "symlink_to_source")
# A cell that writes 16 MiB of tiny records to every descriptor it can (the probe's records pipe
# among them): the worker that reads them back holds over 300 MiB while parsing.
RECORD_FLOOD = """\
import os
chunk = b'{"t":"a"}\\n' * 100000
for fd in range(3, 64):
    try:
        for _ in range(17):
            os.write(fd, chunk)
    except OSError:
        pass"""
CRASH_MEMORY_LIMIT = "500MiB"


def outputs(out):
    """Everything a batch leaves for people: grades.csv, the feedback pages, and the gradebook's
    score of every grade cell."""
    import sqlite3
    feedback = {str(p.relative_to(out)): p.read_text() for p in sorted((out / "feedback").rglob("*.html"))}
    with sqlite3.connect(out / "gradebook.db") as db:
        cells = db.execute(
            "SELECT sa.student_id, a.name, bc.name, g.auto_score FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
            "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
            "JOIN assignment a ON sa.assignment_id = a.id JOIN base_cell bc ON g.cell_id = bc.id "
            "ORDER BY 1, 2, 3").fetchall()
    return (out / "grades.csv").read_text(), feedback, cells


def scheduler_policy(address, new=None):
    """The scheduler's (allowed_failures, worker saturation); set to ``new`` after reading, if given."""
    client = cluster.connect(address)
    try:
        before = client.run_on_scheduler(
            lambda dask_scheduler: (dask_scheduler.allowed_failures, dask_scheduler.WORKER_SATURATION))
        if new is not None:
            client.run_on_scheduler(cluster._scheduler_policy, **dict(zip(cluster.SCHEDULER_POLICY, new)))
        return tuple(before)
    finally:
        client.close()


def rows_of(out):
    import csv
    import io
    return {r["student_id"]: r for r in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}


def same_secret(src, dest):
    from autograder.grader.plan import SECRET_FILE
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / SECRET_FILE, dest / SECRET_FILE)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The adversarial corpus of the first chapter (a selection of at least 20 submissions:
    honest, wrong, malicious, malformed), graded once by the local pool."""
    from autograder.grader.batch import grade_batch
    from corpus import build
    from corpus.__main__ import chapter
    from autograder.grader.sandbox import Limits
    base = tmp_path_factory.mktemp("corpus")
    assignment = chapter()
    subs, local = base / "submissions", base / "local"
    cases, _ = build(assignment, subs, local)
    for entry in list(subs.iterdir()):
        if entry.name not in CASES:
            entry.unlink() if entry.is_symlink() or not entry.is_dir() else shutil.rmtree(entry)
    assert len(list(subs.iterdir())) == len(CASES) >= 20
    limits = Limits(timeout=30)     # room enough that no case here meets it, however loaded the machine
    grade_batch(subs, local, {assignment.slug: assignment}, workers=2, limits=limits, progress=False)
    return {"assignment": assignment, "subs": subs, "local": local, "limits": limits, "base": base}


def grade_on(address, corpus, out, subs=None):
    """`python -m autograder grade SUBS --out OUT --scheduler ADDRESS`, with the local run's secret."""
    from autograder.__main__ import main
    a = corpus["assignment"]
    same_secret(corpus["local"], out)
    code = main(["grade", str(subs or corpus["subs"]), "--out", str(out), "--scheduler", address,
                 "--timeout", str(corpus["limits"].timeout), "--no-progress"], {a.slug: a})
    assert code == 0


def test_a_batch_on_the_cluster_equals_the_local_batch(dask_cluster, corpus):
    """Graded on two Dask workers with the same secret, does the corpus give exactly the local
    run's grades.csv, feedback pages and gradebook, and is the scheduler's own policy back after?"""
    out = corpus["base"] / "dask"
    started = scheduler_policy(dask_cluster.address)
    scheduler_policy(dask_cluster.address, (3, 1.1))          # distributed's defaults
    grade_on(dask_cluster.address, corpus, out)
    assert scheduler_policy(dask_cluster.address, started) == (3, 1.1)
    local = outputs(corpus["local"])
    got = outputs(out)
    assert len(rows_of(out)) == len(CASES)
    assert got[0] == local[0]
    assert got[1] == local[1]
    assert got[2] == local[2] and len(got[2]) > 0


def test_a_worker_killed_mid_batch_costs_nothing(dask_cluster, corpus):
    """A worker killed (SIGKILL, by its pid) while it grades: does the batch still end with
    exactly one row per submission, identical to the uninterrupted run?"""
    import signal
    import threading
    import time

    from distributed import Client
    out = corpus["base"] / "dask_killed"
    killed = {}

    def kill_one():
        with Client(dask_cluster.address, timeout=10, set_as_default=False) as client:
            pids = client.run(os.getpid)
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not killed:
                saved = len(list((out / "outcomes").glob("*.json"))) if (out / "outcomes").is_dir() else 0
                busy = [w for w, keys in client.processing().items() if keys] if saved >= 8 else []
                if busy:
                    killed["worker"], killed["tasks"] = busy[0], client.processing()[busy[0]]
                    os.kill(pids[busy[0]], signal.SIGKILL)
                time.sleep(0.2)

    killer = threading.Thread(target=kill_one, daemon=True)
    killer.start()
    grade_on(dask_cluster.address, corpus, out)
    killer.join(timeout=30)
    assert killed.get("tasks"), "no worker was busy after 8 outcomes: nothing was killed"
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == len(CASES) + 1
    got, local = rows_of(out), rows_of(corpus["local"])
    differ = sorted(k for k in local if got.get(k) != local[k])
    assert [got.get(k) for k in differ] == [local[k] for k in differ], killed
    assert outputs(out) == outputs(corpus["local"])


def test_a_submission_that_kills_its_worker_twice_is_ungradable(corpus, tmp_path):
    """A notebook whose results make the worker exceed its own memory limit (--memory-limit):
    is it one ungradable row saying its worker died twice, and are the others graded exactly as
    the local run graded them?"""
    import json
    from grader_helpers import with_cell
    a = corpus["assignment"]
    subs = tmp_path / "submissions"
    others = ("control_full", "control_partial", "control_wrong_sign")
    for name in others:
        shutil.copytree(corpus["subs"] / name, subs / name)
    full = json.loads((corpus["subs"] / "control_full" / a.slug / f"{a.slug}.ipynb").read_text())
    (subs / "flooder" / a.slug).mkdir(parents=True)
    (subs / "flooder" / a.slug / f"{a.slug}.ipynb").write_text(json.dumps(with_cell(full, RECORD_FLOOD)))
    out = tmp_path / "out"
    with LocalCluster(workers=2, memory_limit=CRASH_MEMORY_LIMIT, log_dir=tmp_path) as lc:
        grade_on(lc.address, corpus, out, subs)
    got, local = rows_of(out), rows_of(corpus["local"])
    assert sorted(got) == sorted(others + ("flooder",))
    assert got["flooder"]["status"] == "ungradable" and "died twice" in got["flooder"]["detail"]
    for name in others:
        assert got[name] == local[name]


def test_a_grader_killed_mid_batch_resumes_on_the_same_cluster(dask_cluster, corpus, tmp_path):
    """The grader's own process killed (SIGKILL) half-way: does running the same command again
    against the same cluster keep the outcomes already saved (untouched), grade the rest, and
    end with the local run's outputs, the progress bar showing the cluster's workers?"""
    import signal
    import subprocess
    import time
    out = tmp_path / "out"
    same_secret(corpus["local"], out)
    cmd = [sys.executable, "-m", "autograder", "grade", str(corpus["subs"]), "--out", str(out),
           "--scheduler", dask_cluster.address, "--timeout", str(corpus["limits"].timeout)]
    saved = out / "outcomes"
    with open(tmp_path / "first.log", "wb") as log:
        first = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and first.poll() is None:
                if saved.is_dir() and len(list(saved.glob("*.json"))) >= 12:
                    break
                time.sleep(0.1)
            first.send_signal(signal.SIGKILL)
        finally:
            first.kill()
            first.wait()
    import json
    found = list(saved.glob("*.json"))
    assert 12 <= len(found) < len(CASES), "the grader was not stopped half-way"
    # outcomes that came back from the cluster (an unreadable notebook is cheaply re-read instead)
    before = {p.name: p.stat().st_mtime_ns for p in found if json.loads(p.read_text())["status"] == "graded"}
    assert before
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "2 Dask workers" in second.stderr
    assert {n: m for n, m in ((p.name, p.stat().st_mtime_ns) for p in saved.glob("*.json")) if n in before} == before
    assert outputs(out) == outputs(corpus["local"])


def test_without_scheduler_dask_is_not_even_imported(tmp_path):
    """Grading without --scheduler: does the batch complete without importing dask or
    distributed (so no Dask process or client can start)?"""
    import subprocess
    script = (
        "import sys, json\n"
        "sys.path.insert(0, sys.argv[3])\n"
        "from grader_helpers import demo_assignment, notebook, submit\n"
        "from autograder.__main__ import main\n"
        "from pathlib import Path\n"
        "submit(Path(sys.argv[1]), 'ann', notebook('full'))\n"
        "code = main(['grade', sys.argv[1], '--out', sys.argv[2], '--workers', '1', '--no-progress'],\n"
        "            {'demo': demo_assignment()})\n"
        "print(json.dumps([code, sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))]))\n")
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "subs"), str(tmp_path / "out"),
                           str(fixtures)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    import json
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [0, []]
    assert "ann,demo,7,7,graded" in (tmp_path / "out" / "grades.csv").read_text()
