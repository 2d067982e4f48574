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
    and say what their cgroups offer?"""
    client = cluster.connect(dask_cluster.address)
    try:
        problems, facts = cluster.check_workers(client)
    finally:
        client.close()
    assert problems == {}
    assert len(facts) == 2
    assert all(f["digest"] == cluster.package_digest() and f["cgroup_note"] for f in facts.values())


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
