"""The command line: `python -m autograder grade ...` and `python -m autograder check NOTEBOOK`."""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.grader import sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
from grader_helpers import DEMO, HAVE_BWRAP, demo_assignment, notebook, submit  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def demo_subs(tmp_path):
    subs = tmp_path / "subs"
    submit(subs, "ann", notebook("full"))
    submit(subs, "bob", notebook("stub"))
    return subs


@pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed")
def test_grade_writes_csv_feedback_and_the_gradebook_where_asked(tmp_path, capsys):
    """Does `grade` exit 0 and write grades.csv, feedback and the gradebook at --db, with a summary?"""
    out, db = tmp_path / "out", tmp_path / "elsewhere.db"
    code = main(["grade", str(demo_subs(tmp_path)), "--out", str(out), "--workers", "1", "--timeout", "30",
                 "--db", f"sqlite:///{db}", "--no-progress"], assignments={"demo": demo_assignment()})
    assert code == 0
    table = {r["student_id"]: r["score"] for r in csv.DictReader(open(out / "grades.csv"))}
    assert table == {"ann": "7", "bob": "0"}
    assert (out / "feedback" / "bob" / "demo" / "demo.html").exists()
    assert db.exists() and not (out / "gradebook.db").exists()
    err = capsys.readouterr().err
    assert "graded 2, ungradable 0" in err and "3.50 / 7" in err


@pytest.mark.parametrize("args", [
    ["--assignment", "ch99_nothing"],
    ["--workers", "0"],
])
def test_bad_arguments_exit_2(tmp_path, args, capsys):
    """Do bad arguments stop the grader with status 2 and a message?"""
    code = main(["grade", str(demo_subs(tmp_path)), "--out", str(tmp_path / "out"), "--no-progress", *args],
                assignments={"demo": demo_assignment()})
    assert code == 2 and "error:" in capsys.readouterr().err


def test_missing_submissions_folder_exits_2(tmp_path, capsys):
    """Is a SUBMISSIONS path that is not a folder refused with status 2?"""
    code = main(["grade", str(tmp_path / "none"), "--out", str(tmp_path / "out")], assignments={})
    assert code == 2 and "not a folder" in capsys.readouterr().err


def test_without_bwrap_refuses_unless_opted_out(tmp_path, monkeypatch, capsys):
    """Without bubblewrap, does `grade` refuse with status 2 and say why, and run with
    --unsafe-no-sandbox, warning?"""
    real_which = sandbox.shutil.which
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None if name == "bwrap" else real_which(name))
    subs = demo_subs(tmp_path)
    code = main(["grade", str(subs), "--out", str(tmp_path / "out"), "--no-progress"],
                assignments={"demo": demo_assignment()})
    err = capsys.readouterr().err
    assert code == 2 and "bubblewrap" in err and "--unsafe-no-sandbox" in err
    assert not (tmp_path / "out" / "grades.csv").exists()
    code = main(["grade", str(subs), "--out", str(tmp_path / "out"), "--no-progress", "--workers", "1",
                 "--unsafe-no-sandbox"], assignments={"demo": demo_assignment()})
    assert code == 0 and "WARNING: --unsafe-no-sandbox" in capsys.readouterr().err
    assert (tmp_path / "out" / "grades.csv").read_text().count("graded") == 2


def test_usage_errors_from_the_shell():
    """Run as a program, does a missing --out give status 2 and the usage?"""
    proc = subprocess.run([PY, "-m", "autograder", "grade", "somewhere"], capture_output=True, text=True, cwd="/")
    assert proc.returncode == 2 and "--out" in proc.stderr


def test_check_prints_the_visible_tests(tmp_path):
    """Does `check` run a notebook in the student's environment and print test, points and message
    for each visible test, exiting 0 even when tests fail?"""
    env = {**os.environ, "PYTHONPATH": str(DEMO / "checks")}
    nb = tmp_path / "demo.ipynb"
    nb.write_text(json.dumps(notebook("stub")))
    proc = subprocess.run([PY, "-m", "autograder", "check", str(nb)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["test", "points", "message"]
    square = next(line for line in lines if line.startswith("test_square "))
    assert "0 / 1" in square and "not implemented" in square
    assert any(line.startswith("test_square_hidden") and "hidden tests" in line for line in lines)
    assert lines[-1].startswith("total") and lines[-1].endswith("0 / 4")   # 4 visible points


@pytest.mark.skipif(not HAVE_BWRAP or not (ROOT / "solutions" / "ch01_circuits" / "ch01_circuits.ipynb").exists(),
                    reason="needs bubblewrap and the ch01 source notebook")
def test_grade_a_real_chapter_from_the_shell(tmp_path):
    """Run as a program on the course's own chapters, does a correct ch01 notebook earn every point?"""
    subs = tmp_path / "subs" / "ann" / "ch01_circuits"
    subs.mkdir(parents=True)
    (subs / "ch01_circuits.ipynb").write_bytes(
        (ROOT / "solutions" / "ch01_circuits" / "ch01_circuits.ipynb").read_bytes())
    proc = subprocess.run([PY, "-m", "autograder", "grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"),
                           "--workers", "1", "--no-progress"], capture_output=True, text=True, cwd="/", timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = next(csv.DictReader(open(tmp_path / "out" / "grades.csv")))
    assert row["status"] == "graded" and row["score"] == row["max_score"]


def test_seeds_option_is_checked(tmp_path, capsys):
    """Is a --seeds value other than secret or notebook refused with exit code 2 and the choices?"""
    with pytest.raises(SystemExit) as stop:
        main(["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--seeds", "random"])
    assert stop.value.code == 2
    assert "secret" in capsys.readouterr().err


def _one_error_line(err):
    lines = [line for line in err.splitlines() if line.strip()]
    return len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err


def test_out_that_is_a_file_is_one_clear_line(tmp_path, capsys):
    """Is an OUT that is a file refused with status 2 and one line saying so?"""
    (tmp_path / "out").write_text("not a folder")
    code = main(["grade", str(demo_subs(tmp_path)), "--out", str(tmp_path / "out"), "--no-progress"],
                assignments={"demo": demo_assignment()})
    err = capsys.readouterr().err
    assert code == 2 and _one_error_line(err) and "is a file" in err


@pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed")
def test_corrupted_gradebook_is_one_clear_line(tmp_path, capsys):
    """Is a gradebook file that is not a database refused before grading, in one line?"""
    out = tmp_path / "out"
    out.mkdir()
    (out / "gradebook.db").write_bytes(b"this is not SQLite" * 100)
    code = main(["grade", str(demo_subs(tmp_path)), "--out", str(out), "--no-progress", "--workers", "1"],
                assignments={"demo": demo_assignment()})
    err = capsys.readouterr().err
    assert code == 2 and _one_error_line(err) and "gradebook" in err and "cannot be read" in err
    assert not (out / "grades.csv").exists()


def test_read_only_out_is_one_clear_line(tmp_path):
    """On a read-only mount (a private mount namespace, so nothing else sees it), is OUT refused
    with status 2 and one line naming the reason?"""
    out = tmp_path / "out"
    out.mkdir()
    subs = demo_subs(tmp_path)
    script = (f"mount -t tmpfs -o ro tmpfs {out} && exec {PY} -m autograder grade {subs} --out {out} "
              f"--no-progress --workers 1")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, cwd="/",
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert _one_error_line(proc.stderr) and "Read-only file system" in proc.stderr


@pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed")
def test_a_second_run_into_a_locked_out_refuses_at_once(tmp_path, capsys):
    """While another grader holds OUT, does a second run refuse at once, naming the holder?"""
    import time
    from autograder.grader.batch import lock_out
    out = tmp_path / "out"
    fd = lock_out(out)
    try:
        start = time.monotonic()
        code = main(["grade", str(demo_subs(tmp_path)), "--out", str(out), "--no-progress"],
                    assignments={"demo": demo_assignment()})
        err = capsys.readouterr().err
        assert code == 2 and _one_error_line(err) and f"pid {os.getpid()}" in err
        assert time.monotonic() - start < 10 and not (out / "grades.csv").exists()
    finally:
        os.close(fd)


@pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed")
def test_require_cgroups(tmp_path, monkeypatch, capsys):
    """Without writable cgroups, does `grade` say at start what is not capped, and refuse with
    --require-cgroups?"""
    from autograder.grader import cgroup
    monkeypatch.setattr(cgroup, "MOUNT", str(tmp_path / "no-cgroups"))
    args = ["grade", str(demo_subs(tmp_path)), "--no-progress", "--workers", "1"]
    code = main(args + ["--out", str(tmp_path / "a"), "--require-cgroups"], assignments={"demo": demo_assignment()})
    err = capsys.readouterr().err
    assert code == 2 and "--require-cgroups" in err and "memory" in err and "processes" in err
    code = main(args + ["--out", str(tmp_path / "b")], assignments={"demo": demo_assignment()})
    err = capsys.readouterr().err
    assert code == 0 and "NOTE: not capped per sandbox as a whole" in err and "CPU" in err
