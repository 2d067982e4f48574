"""Command line of the course's autograder.

    python -m autograder check NOTEBOOK [--case-timeout SECONDS] [--timeout SECONDS]
        Run a notebook in your own environment and print its visible tests: test, points,
        message, then one line per failing case. Each call into your code has its own time
        limit (--case-timeout, default 5 s), each code cell too (--timeout, default 30 s): a case
        that hangs or crashes is marked and the table still lists every test. Hidden tests are
        run by the grader only.

    python -m autograder grade SUBMISSIONS --out OUT [--assignment SLUG] [--workers N]
                               [--timeout SECONDS] [--db URL] [--seeds secret|notebook]
                               [--require-cgroups] [--unsafe-no-sandbox]
                               [--scheduler tcp://HOST:PORT]
        Grade SUBMISSIONS/<student_id>/<slug>/<slug>.ipynb in a sandbox; write OUT/grades.csv,
        OUT/feedback/, and the nbgrader gradebook (OUT/gradebook.db unless --db). The tests draw
        their cases from seeds derived from a secret kept in OUT (default), or from the seeds in
        the grade cells (--seeds notebook: the cases, and so the scores, of nbgrader autograde).
        Each outcome is saved in OUT/outcomes/ as soon as it is known: a rerun after a crash
        grades only what is missing. Exit 0 when the batch completed (whatever the scores), 1
        when an assignment could not be prepared or the gradebook could not be written, 2 when
        the grader cannot run (bad arguments, no sandbox, OUT locked by another run or unusable).
        --scheduler: the sandboxed runs go to that Dask cluster's workers, one task per
        submission (checked first: each worker must have this autograder and bubblewrap);
        reading, judging and saving stay in this process. See README "Grading on a cluster".

    python -m autograder report OUT
        Write the class report OUT/report/index.html (and mistakes.csv, similar.csv) from the
        outcome records saved in OUT/outcomes/; `grade` writes it too. Exit 2 without records.

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

    from autograder.local import check_notebook, render
    path = Path(args.notebook)
    if not path.is_file():
        print(f"error: {path} is not a file", file=sys.stderr)
        return 2
    if args.timeout <= 0 or args.case_timeout <= 0:
        print("error: --timeout and --case-timeout must be positive", file=sys.stderr)
        return 2
    try:
        checked = check_notebook(path, case_timeout=args.case_timeout, cell_timeout=args.timeout)
    except (ValueError, RuntimeError) as err:   # a broken notebook is reported, not a traceback
        print(f"error: could not run {path}: {err}", file=sys.stderr)
        return 2
    print(render(checked))
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
    runner = None
    if args.scheduler:                       # only then is Dask imported (and a client started)
        from autograder.grader.cluster import DaskRunner
        runner = DaskRunner(args.scheduler, require_cgroups=args.require_cgroups)
    try:
        if args.course:
            from autograder.grader.course import grade_course
            return grade_course(args.course, only=args.assignment, workers=args.workers,
                                limits=Limits(timeout=float(args.timeout)), unsafe=args.unsafe_no_sandbox,
                                progress=not args.no_progress, seeds=args.seeds,
                                require_cgroups=args.require_cgroups, runner=runner).exit_code
        batch = grade_batch(args.submissions, args.out, assignments, only=args.assignment,
                            workers=args.workers, limits=Limits(timeout=float(args.timeout)),
                            db_url=args.db, unsafe=args.unsafe_no_sandbox,
                            progress=not args.no_progress, seeds=args.seeds,
                            require_cgroups=args.require_cgroups, runner=runner)
    except SandboxUnavailable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return batch.exit_code


def _report(args, assignments=None):
    from autograder.grader.outcomes import load_all
    from autograder.report import write_report
    records = load_all(args.out)
    if not records:
        print(f"error: no outcome records in {args.out} (grade into it first)", file=sys.stderr)
        return 2
    assignments = course_assignments() if assignments is None else assignments
    try:
        print(write_report(args.out, records, releases={s: a.release for s, a in assignments.items()}))
    except OSError as err:
        print(f"error: the report could not be written: {err}", file=sys.stderr)
        return 2
    return 0


def parser():
    from autograder.grader.batch import DEFAULT_WORKERS
    from autograder.grader.plan import SEED_MODES
    ap = argparse.ArgumentParser(prog="python -m autograder", description="The course's autograder.")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="run a notebook here and print its visible tests")
    c.add_argument("notebook")
    from autograder.local import CASE_TIMEOUT, CELL_TIMEOUT
    c.add_argument("--timeout", type=float, default=CELL_TIMEOUT,
                   help=f"seconds per code cell (default {CELL_TIMEOUT:g})")
    c.add_argument("--case-timeout", type=float, default=CASE_TIMEOUT,
                   help=f"seconds per call into your code, per test case (default {CASE_TIMEOUT:g})")
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
    g.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="grade on the Dask cluster of this scheduler (--workers is then unused)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    r = sub.add_parser("report", help="write the class report from the outcome records in OUT")
    r.add_argument("out", help="the folder a batch was graded into")
    return ap


def main(argv=None, assignments=None):
    args = parser().parse_args(argv)
    if args.command == "check":
        return _check(args)
    if args.command == "report":
        return _report(args, assignments)
    return _grade(args, assignments)


if __name__ == "__main__":
    sys.exit(main())
