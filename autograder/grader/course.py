"""Grading an nbgrader course directory in place: what ``nbgrader collect`` gathered goes through
the batch grader and comes back as nbgrader's own outputs.

    grade_course(course_dir, only=None, **batch_options) -> Batch
    course_directory(course_dir) -> nbgrader CourseDirectory   (the course's nbgrader configuration)

The layout is nbgrader's (folder names and the gradebook URL from the nbgrader configuration: the
jupyter config path, then COURSE_DIR/nbgrader_config.py):

    source/<slug>/<slug>.ipynb     read: grade cells, points, hidden tests (instructor's)
    release/<slug>/<slug>.ipynb    read: the released notebook
    submitted/<student>/<slug>/    read, never written: the notebook, timestamp.txt, submission_secret.txt
    autograded/<student>/<slug>/<slug>.ipynb   the submission as nbgrader leaves it, the grader's
                                   report in each grade cell (autograded.py)
    feedback/<student>/<slug>/<slug>.html      the feedback page; with timestamp.txt and
                                   submission_secret.txt, ``nbgrader release_feedback`` hands it back
    gradebook (CourseDirectory.db_url)         scores, flags, submission times
    autograder/                    the grader's own folder (OUT): grades.csv, logs, its secret

Grading is the batch grader's (``grade_batch``: sandbox, verdicts outside student code, one
outcome record per submission saved in autograder/outcomes/); the autograded notebooks, feedback
pages and gradebook are derived from those records. Only chapters of this course whose source
notebook is in the course directory are graded. Run by root,
everything written in the course directory is handed to the directory's owner, so that the
instructor's Formgrader can add manual grades and comments.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from autograder.grader import gradebook, outcomes
from autograder.grader.autograded import autograded_notebook
from autograder.grader.batch import grade_batch
from autograder.grader.notebook import Unreadable, read_bytes
from autograder.grader.plan import Assignment, course_assignments
from autograder.grader.report import feedback_html

OUT = "autograder"
MAX_NOTEBOOK_BYTES = 32 << 20
STAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]{8,15}( ?[A-Za-z0-9+:-]{1,6})?$")
SECRET = re.compile(r"^[0-9a-fA-F]{1,128}$")


def course_directory(course_dir):
    """nbgrader's CourseDirectory for ``course_dir``, configured as nbgrader would be from there."""
    from jupyter_core.paths import jupyter_config_path
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config, PyFileConfigLoader
    config = Config()
    for folder in [*reversed(jupyter_config_path()), str(course_dir)]:    # lowest priority first
        if os.path.isfile(os.path.join(folder, "nbgrader_config.py")):
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
    config.CourseDirectory.root = str(Path(course_dir).resolve())
    return CourseDirectory(config=config)


def _assignments(cd):
    """The course's chapters whose source notebook is in the course directory, by slug."""
    found = {}
    for slug, a in course_assignments().items():
        source = Path(cd.format_path(cd.source_directory, ".", slug)) / f"{slug}.ipynb"
        release = Path(cd.format_path(cd.release_directory, ".", slug)) / f"{slug}.ipynb"
        if source.is_file():
            found[slug] = Assignment(slug, source, a.check_module, a.reference_module,
                                     release if release.is_file() else a.release)
    return found


def _small_file(path, pattern):
    """The text of a small regular file (no link) if it matches ``pattern``, else None."""
    try:
        text = read_bytes(path, 256).decode("ascii").strip()
    except (Unreadable, UnicodeDecodeError):
        return None
    return text if pattern.match(text) else None


class _Writer:
    """Writes files atomically; run by root, hands them (and new folders) to ``owner``."""

    def __init__(self, owner):
        self.uid, self.gid = owner if os.geteuid() == 0 else (-1, -1)

    def folder(self, path):
        path = Path(path)
        missing = []
        while not path.exists():
            missing.append(path)
            path = path.parent
        for p in reversed(missing):
            p.mkdir(mode=0o755)
            self.own(p)

    def own(self, path):
        if self.uid != -1:
            os.chown(path, self.uid, self.gid, follow_symlinks=False)

    def write(self, path, text):
        path = Path(path)
        self.folder(path.parent)
        outcomes.atomic_write(path, text.encode("utf-8"), mode=0o644,
                              owner=(self.uid, self.gid) if self.uid != -1 else None)


def grade_course(course_dir, only=None, **options):
    """Grade COURSE_DIR/submitted into the course directory. ``options`` go to grade_batch
    (workers, limits, unsafe, progress, seeds, stream). Raises ValueError for a bad course."""
    course_dir = Path(course_dir)
    if not course_dir.is_dir():
        raise ValueError(f"{course_dir} is not a folder")
    cd = course_directory(course_dir)
    submitted = Path(cd.format_path(cd.submitted_directory, ".", ".")).resolve()
    if not submitted.is_dir():
        raise ValueError(f"{submitted} does not exist: nothing collected yet (nbgrader collect)")
    assignments = _assignments(cd)
    if not assignments:
        raise ValueError(f"no chapter of this course has its source notebook under "
                         f"{cd.format_path(cd.source_directory, '.', '*')}")
    st = course_dir.stat()
    writer = _Writer((st.st_uid, st.st_gid))
    out = course_dir / OUT
    writer.folder(out)
    batch = grade_batch(submitted, out, assignments, only=only, db_url=cd.db_url, **options)

    graded = {(o.student, o.slug) for o in batch.outcomes}
    stamps = {}
    for o in outcomes.load_all(out):
        if (o.student, o.slug) not in graded:
            continue
        if o.slug not in assignments or not o.student:
            continue
        src = submitted / o.student / o.slug
        timestamp = _small_file(src / "timestamp.txt", STAMP)
        secret = _small_file(src / "submission_secret.txt", SECRET)
        if timestamp:
            stamps[(o.student, o.slug)] = timestamp
        try:
            data = read_bytes(src / f"{o.slug}.ipynb", MAX_NOTEBOOK_BYTES)
        except Unreadable:
            data = None
        release = json.loads(Path(assignments[o.slug].release).read_text(encoding="utf-8"))
        nb = autograded_notebook(data, release, o)
        dest = Path(cd.format_path(cd.autograded_directory, o.student, o.slug))
        back = Path(cd.format_path(cd.feedback_directory, o.student, o.slug))
        writer.write(dest / f"{o.slug}.ipynb", json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        writer.write(back / f"{o.slug}.html", feedback_html(o))
        for folder in (dest, back):
            if timestamp:
                writer.write(folder / "timestamp.txt", timestamp)
            if secret:
                writer.write(folder / "submission_secret.txt", secret)
    if stamps and not batch.gradebook_error:
        gradebook.stamp(cd.db_url, stamps)
    hand_back(course_dir, cd)
    return batch


def hand_back(course_dir, cd):
    """Run by root: the grader's folder (OUT) and a SQLite gradebook handed to the owner of the
    course directory, so that the instructor's own tools (the Formgrader) can write to them."""
    st = Path(course_dir).stat()
    writer = _Writer((st.st_uid, st.st_gid))
    if writer.uid == -1:
        return
    for folder, dirs, files in os.walk(Path(course_dir) / OUT):
        writer.own(folder)
        for name in files:
            writer.own(os.path.join(folder, name))
    db = _sqlite_path(cd.db_url)
    if db is not None and db.exists():
        writer.own(db)


def _sqlite_path(url):
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None
