"""Tests of autograder/grader/cgroup.py that need no cgroup hierarchy (plain folders stand in)."""
import os

from autograder.grader import cgroup

DEAD = "autograder-4194304999"      # above any pid: its grader is gone


def test_sweep_passes_over_a_group_another_grader_removed_first(tmp_path, monkeypatch):
    """Two graders start together (two Dask workers) and sweep the same folder: when the other
    removes a dead grader's group between this one's listing and its look inside, does the sweep
    go on (and leave the living graders' groups) instead of failing with FileNotFoundError?"""
    stale, alive = tmp_path / DEAD, tmp_path / f"autograder-{os.getpid()}"
    (stale / "sandbox-1").mkdir(parents=True)
    alive.mkdir()
    real_scandir = os.scandir

    def other_grader_first(path):
        if os.fspath(path) == str(stale):              # the other sweeper wins the race
            os.rmdir(stale / "sandbox-1")
            os.rmdir(stale)
        return real_scandir(path)
    monkeypatch.setattr(cgroup.os, "scandir", other_grader_first)
    cgroup.sweep(str(tmp_path))
    assert not stale.exists() and alive.is_dir()


def test_sweep_removes_a_dead_graders_groups_only(tmp_path):
    """Does a sweep remove the group (and sandbox groups inside it) of a grader whose process is
    gone, and keep a living grader's group and folders of other names?"""
    (tmp_path / DEAD / "sandbox-1").mkdir(parents=True)
    (tmp_path / f"autograder-{os.getpid()}").mkdir()
    (tmp_path / "other").mkdir()
    cgroup.sweep(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"autograder-{os.getpid()}", "other"])
