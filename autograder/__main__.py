"""Command line of the course's autograder.

    python -m autograder check NOTEBOOK
        Run a notebook in your own environment and print its visible tests: test, points,
        message. Hidden tests are run by the grader only.

    python -m autograder grade SUBMISSIONS --out OUT [--assignment SLUG] [--workers N]
                               [--timeout SECONDS] [--db URL] [--seeds secret|notebook]
                               [--require-cgroups] [--unsafe-no-sandbox]
        Grade SUBMISSIONS/<student_id>/<slug>/<slug>.ipynb in a sandbox; write OUT/grades.csv,
        OUT/feedback/, and the nbgrader gradebook (OUT/gradebook.db unless --db). The tests draw
        their cases from seeds derived from a secret kept in OUT (default), or from the seeds in
        the grade cells (--seeds notebook: the cases, and so the scores, of nbgrader autograde).
        Each outcome is saved in OUT/outcomes/ as soon as it is known: a rerun after a crash
        grades only what is missing. Exit 0 when the batch completed (whatever the scores), 1
        when an assignment could not be prepared or the gradebook could not be written, 2 when
        the grader cannot run (bad arguments, no sandbox, OUT locked by another run or unusable).

    python -m autograder grade --course COURSE_DIR [--assignment SLUG] [options as above]
        Grade an nbgrader course directory in place: COURSE_DIR/submitted/ (what nbgrader
        collect gathers) into autograded/, feedback/ and the course's gradebook, so that the
        Formgrader, nbgrader generate_feedback, release_feedback and export work on the result;
        grades.csv and logs go to COURSE_DIR/autograder/.
"""
from __future__ import annotations

import argparse
import os
import sys

from autograder.grader.limits import Limits  # noqa: E402 - light: no numpy behind it

os.environ.setdefault("OPENBLAS_NUM_THREADS", Limits.BLAS_THREADS)   # before numpy: cores are shared


def course_assignments():
    from autograder.grader.plan import course_assignments as found
    return found()


def _check(args):
    from pathlib import Path

    from autograder.local import score_notebook, table
    path = Path(args.notebook)
    if not path.is_file():
        print(f"error: {path} is not a file", file=sys.stderr)
        return 2
    try:
        scores = score_notebook(path, timeout=args.timeout)
    except Exception as err:  # noqa: BLE001 - a broken notebook is reported, not a traceback
        print(f"error: could not run {path}: {type(err).__name__}: {err}", file=sys.stderr)
        return 2
    print(table(scores))
    return 0


def _grade(args, assignments=None):
    from autograder.grader.batch import grade_batch
    from autograder.grader.sandbox import Limits, SandboxUnavailable
    if args.workers < 1 or args.timeout <= 0:
        print("error: --workers must be at least 1 and --timeout positive", file=sys.stderr)
        return 2
    if (args.course is None) == (args.submissions is None) or (args.course and (args.out or args.db)):
        print("error: give SUBMISSIONS --out OUT, or --course COURSE_DIR (whose nbgrader "
              "configuration names the gradebook)", file=sys.stderr)
        return 2
    if args.course is None and args.out is None:
        print("error: --out is required with SUBMISSIONS", file=sys.stderr)
        return 2
    assignments = course_assignments() if assignments is None and not args.course else assignments
    try:
        if args.course:
            from autograder.grader.course import grade_course
            return grade_course(args.course, only=args.assignment, workers=args.workers,
                                limits=Limits(timeout=float(args.timeout)), unsafe=args.unsafe_no_sandbox,
                                progress=not args.no_progress, seeds=args.seeds,
                                require_cgroups=args.require_cgroups).exit_code
        batch = grade_batch(args.submissions, args.out, assignments, only=args.assignment,
                            workers=args.workers, limits=Limits(timeout=float(args.timeout)),
                            db_url=args.db, unsafe=args.unsafe_no_sandbox,
                            progress=not args.no_progress, seeds=args.seeds,
                            require_cgroups=args.require_cgroups)
    except SandboxUnavailable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return batch.exit_code


def parser():
    from autograder.grader.batch import DEFAULT_WORKERS
    from autograder.grader.plan import SEED_MODES
    ap = argparse.ArgumentParser(prog="python -m autograder", description="The course's autograder.")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="run a notebook here and print its visible tests")
    c.add_argument("notebook")
    c.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    g = sub.add_parser("grade", help="grade a folder of submissions in a sandbox")
    g.add_argument("submissions", nargs="?", help="SUBMISSIONS/<student_id>/<slug>/<notebook>.ipynb")
    g.add_argument("--out", help="folder for grades.csv, feedback/, the gradebook")
    g.add_argument("--course", metavar="COURSE_DIR",
                   help="grade an nbgrader course directory in place (instead of SUBMISSIONS --out)")
    g.add_argument("--assignment", help="grade only this assignment (slug)")
    g.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                   help="notebooks graded at once (default: the number of CPU cores; the grader's own "
                        "process mostly waits)")
    g.add_argument("--timeout", type=float, default=60.0, help="wall-clock seconds per notebook")
    g.add_argument("--db", help="gradebook SQLAlchemy URL (default sqlite:///OUT/gradebook.db)")
    g.add_argument("--seeds", choices=SEED_MODES, default=SEED_MODES[0],
                   help="draw test cases from seeds derived from a secret kept in OUT (default), or "
                        "from the seeds written in the grade cells, as nbgrader autograde does")
    g.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="run student code without bubblewrap (only for notebooks you trust)")
    g.add_argument("--require-cgroups", action="store_true",
                   help="refuse to grade unless memory, processes and CPU can be capped for each "
                        "sandbox as a whole (cgroups v2, or v1, writable here)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    return ap


def main(argv=None, assignments=None):
    args = parser().parse_args(argv)
    if args.command == "check":
        return _check(args)
    return _grade(args, assignments)


if __name__ == "__main__":
    sys.exit(main())
