"""Finding the submissions: SUBMISSIONS/<student_id>/<slug>/<notebook>.ipynb (nbgrader's
submitted layout).

    discover(submissions, known, only=None) -> (tasks, rows)

Each (student, assignment) folder found becomes one Task; each layout problem (a folder for an
unknown assignment, a notebook outside its folder, a symbolic link, a student folder with no
assignment folder) one ungradable row. Names come from students: a name that is not valid
UTF-8 is shown with its odd bytes escaped (``j\\xf6rg``), see outcomes.clean.
"""
from __future__ import annotations

import hashlib
import os

from autograder.grader.outcomes import Outcome, clean


def _row(student, slug, reason, max_score=0.0):
    return Outcome(student, slug, "ungradable", 0.0, max_score, reason)


def _entries(path):
    try:
        return sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return None


def _holds_assignment(entry, known):
    try:
        return entry.is_dir(follow_symlinks=False) and any(
            e.name in known for e in os.scandir(entry.path))
    except OSError:
        return False


def discover(submissions, known, only=None, stream=None):
    """(tasks, rows for layout problems) under SUBMISSIONS. A student folder whose name starts
    with a dot is graded like any other when it holds a folder named like an assignment (a
    student id may start with a dot); otherwise it is taken for a tool's folder (.git,
    .ipynb_checkpoints) and skipped, with a warning on ``stream`` naming it."""
    from autograder.grader.submission import Task
    tasks, rows, skipped, seen = [], [], [], set()
    for student in _entries(submissions) or []:
        sid = clean(student.name)
        if sid in seen:             # two names that read the same once escaped: keep both apart
            raw = os.fsencode(student.name)
            sid = f"{sid}~{hashlib.sha256(raw).hexdigest()[:8]}"
        seen.add(sid)
        if student.name.startswith(".") and not _holds_assignment(student, known):
            skipped.append(sid)
            continue
        if student.is_symlink():
            rows.append(_row(sid, only or "", "the student's folder is a symbolic link"))
            continue
        if not student.is_dir():
            continue
        entries = _entries(student.path)
        if entries is None:
            rows.append(_row(sid, only or "", "the student's folder cannot be read"))
            continue
        found = False
        folders = {e.name for e in entries if e.is_dir(follow_symlinks=False)}
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            slug = clean(name)
            if entry.is_symlink():
                if only is None or name == only:
                    rows.append(_row(sid, slug, f"{slug} is a symbolic link, not a folder"))
                    found = True
                continue
            if entry.is_dir():
                if only is not None and name != only:
                    continue
                found = True
                if name in known:
                    tasks.append(Task(sid, name, entry.path))
                else:
                    rows.append(_row(sid, slug, f"unknown assignment {slug!r} (known: "
                                     f"{', '.join(sorted(known)) or 'none'})"))
            elif name.endswith(".ipynb"):
                base = name[:-len(".ipynb")]
                if base in known and base not in folders and (only is None or base == only):
                    found = True
                    rows.append(_row(sid, base, f"{slug} is not inside a folder named {base} "
                                     f"(expected {sid}/{base}/{slug})"))
        if not found and only is None:
            rows.append(_row(sid, "", "no assignment folder in the student's folder"))
    if skipped and stream is not None:
        print(f"WARNING: skipped folders whose name starts with a dot and that hold no assignment "
              f"folder: {', '.join(skipped)}", file=stream)
    return tasks, rows
