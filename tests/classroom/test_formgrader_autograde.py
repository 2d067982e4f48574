"""The Formgrader's Autograde button (nbgrader's autograde, as NbGraderAPI runs it) with the
instructor's configuration (classroom/jupyter/instructor/nbgrader_config.py): does it grade in
the sandbox (autograder/grader/nbgrader_execute.py) with the scores of grade --course, keep a
hostile notebook from the course and solutions, and refuse, having run nothing, without the
sandbox?"""
from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

import pytest

from autograder.grader import outcomes
from autograder.grader import sandbox as sb
from autograder.grader.course import course_directory, grade_course

from test_course import SLUG, _course

ROOT = Path(__file__).resolve().parents[2]
CONFIG = [ROOT / "classroom" / "jupyter" / "instructor", ROOT / "classroom" / "jupyter"]
REFUSAL = "Autograde grades only in the grader's sandbox"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A course (test_course._course) whose assignment nbgrader generated, as the README does."""
    course = _course(tmp_path_factory.mktemp("generated"))
    with pytest.MonkeyPatch.context() as mp:
        _configure(mp, course)
        result = _api(course).generate_assignment(SLUG, force=True)
    assert result["success"], result.get("log")
    return course


def _configure(mp, course):
    mp.setenv("JUPYTER_CONFIG_PATH", os.pathsep.join(map(str, CONFIG)))
    mp.setenv("CLASSROOM_COURSE_DIR", str(course))


def _api(course):
    """NbGraderAPI as the Formgrader makes it: the course directory and the instructor's config."""
    from nbgrader.apps.api import NbGraderAPI
    cd = course_directory(course)
    return NbGraderAPI(coursedir=cd, config=cd.config)


@pytest.fixture
def course(generated, tmp_path, monkeypatch):
    course = tmp_path / "course"
    shutil.copytree(generated, course)
    _configure(monkeypatch, course)
    return course


def _autograde(course, student):
    result = _api(course).autograde(SLUG, student)
    text = f"{result.get('log', '')}\n{result.get('error', '')}"
    if not result["success"] and REFUSAL in text:
        if os.environ.get("CI"):
            pytest.fail(f"the grader's sandbox is required in CI: {text[-2000:]}", pytrace=False)
        pytest.skip("no sandbox here")
    return result, text


def _scores(course, student):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook(SLUG, SLUG, student)
        return sub.score, {g.name: g.auto_score for g in sub.grades}


def _outcome(course, student):
    return {(o.student, o.slug): o for o in outcomes.load_all(course / "autograder")}[(student, SLUG)]


def test_button_grades_in_the_sandbox_with_the_scores_of_grade_course(course, tmp_path):
    """Autograde alice (the solution) and bob (the released stub) as the Formgrader does: does
    the gradebook hold full and zero, per grade cell the points of the outcome record the grader
    saved, and the totals grade --course gives the same submissions?"""
    config = (CONFIG[0] / "nbgrader_config.py").read_text()
    assert "nbgrader.preprocessors.Execute" not in config and "SandboxedGrade" in config
    other = _course(tmp_path / "other")            # the same submissions, graded by grade --course
    batch = grade_course(other, progress=False, workers=2)
    expected = {o.student: o.score for o in batch.outcomes}
    for student in ("alice", "bob"):
        result, text = _autograde(course, student)
        assert result["success"], text[-3000:]
        total, cells = _scores(course, student)
        record = _outcome(course, student)
        assert record.status == "graded" and total == pytest.approx(record.score)
        assert cells == pytest.approx({t["grade_id"]: t["earned"] for t in record.tests})
        assert total == pytest.approx(expected[student])
        nb = json.loads((course / "autograded" / student / SLUG / f"{SLUG}.ipynb").read_text())
        shown = [c["outputs"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
        assert shown and all(len(o) == 1 and "text/html" in o[0]["data"] for o in shown)
    assert expected["alice"] == record.max_score and expected["bob"] == 0


def _hostile(course, student, marker):
    """The released stub with a cell that tries to write into the course, /tmp and the checkout,
    and to run the reference module from solutions/ (which would earn full points)."""
    nb = json.loads((ROOT / "exercises" / SLUG / f"{SLUG}.ipynb").read_text())
    targets = [str(course / marker), f"/tmp/{marker}", str(ROOT / marker)]
    source = (f"TRIED = {{}}\nfor target in {targets!r}:\n"
              "    try:\n        open(target, 'w').write('x')\n        TRIED[target] = 'written'\n"
              "    except OSError as err:\n        TRIED[target] = type(err).__name__\n"
              f"try:\n    exec(open({str(ROOT / 'solutions' / f'{SLUG}.py')!r}).read(), globals())\n"
              "    TRIED['solutions'] = 'read'\nexcept OSError as err:\n"
              "    TRIED['solutions'] = type(err).__name__\nprint('TRIED', TRIED)\n")
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "hostile", "metadata": {},
                        "outputs": [], "source": source})
    folder = course / "submitted" / student / SLUG
    (folder / f"{SLUG}.ipynb").write_text(json.dumps(nb))
    return targets


def test_hostile_submission_cannot_reach_the_course_or_solutions(course):
    """A notebook that writes files and runs solutions/' reference code, autograded through the
    button: are the files absent afterwards, and does it earn nothing (solutions/ unread)?"""
    marker = f"pwned-{secrets.token_hex(4)}"
    targets = _hostile(course, "bob", marker)
    result, text = _autograde(course, "bob")
    assert result["success"], text[-3000:]
    assert [t for t in targets if os.path.exists(t)] == []
    log = _outcome(course, "bob").log
    assert "TRIED" in log and "'solutions': 'read'" not in log
    assert _scores(course, "bob")[0] == 0


def test_without_the_sandbox_the_button_refuses_and_runs_nothing(course, monkeypatch):
    """With bubblewrap missing: does autograde fail with one line saying what is missing and what
    to run instead, without running the notebook (its files are not written) or scoring it?"""
    marker = f"pwned-{secrets.token_hex(4)}"
    targets = _hostile(course, "bob", marker)
    which = sb.shutil.which
    monkeypatch.setattr(sb.shutil, "which", lambda name, *a, **k: None if name == "bwrap"
                        else which(name, *a, **k))
    result = _api(course).autograde(SLUG, "bob")
    text = f"{result.get('log', '')}\n{result.get('error', '')}"
    assert not result["success"]
    line = next(line for line in text.splitlines() if REFUSAL in line)
    assert "bubblewrap" in line and "grade --course" in line and "--unsafe-no-sandbox" not in line
    assert [t for t in targets if os.path.exists(t)] == []
    assert not (course / "autograded" / "bob" / SLUG / f"{SLUG}.ipynb").exists()
    assert not (course / "autograder" / "outcomes").exists() or \
        "bob" not in {o.student for o in outcomes.load_all(course / "autograder")}


def test_run_by_root_the_records_stay_the_instructors(course):
    """`sudo nbgrader autograde` in a course directory that belongs to the instructor: are the
    grader's records and the gradebook handed back to the directory's owner, so that the
    instructor's own Formgrader can still write them?"""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("CI runs the classroom tests as root", pytrace=False)
        pytest.skip("only root can hand files to another user")
    owner = (54321, 54321)
    for folder, _, files in os.walk(course):
        os.chown(folder, *owner)
        for name in files:
            os.chown(os.path.join(folder, name), *owner)
    result, text = _autograde(course, "alice")
    assert result["success"], text[-3000:]
    records = [course / "autograder", *(course / "autograder").rglob("*"), course / "gradebook.db"]
    assert len(records) > 3
    others = {str(p): (p.stat().st_uid, p.stat().st_gid) for p in records}
    assert {p: ids for p, ids in others.items() if ids != owner} == {}
