"""python -m autograder.grader.corpus: build the corpus, grade it in one batch, print the table."""
import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.grader.corpus import build, compare, table


def chapter(slug=None):
    """A chapter with a source and a released notebook (the first one unless ``slug``)."""
    from autograder.grader.plan import course_assignments
    found = {s: a for s, a in course_assignments().items() if a.release is not None}
    if slug:
        if slug not in found:
            raise SystemExit(f"no source and released notebook for {slug!r}")
        return found[slug]
    if not found:
        raise SystemExit("no chapter has both a source and a released notebook yet")
    return found[sorted(found)[0]]


def main(argv=None):
    from autograder.grader.batch import grade_batch
    from autograder.grader.sandbox import Limits
    ap = argparse.ArgumentParser(description="Grade the adversarial corpus and print its table.")
    ap.add_argument("--slug", help="chapter whose released notebook the corpus is built from")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per notebook (default 10)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", help="build in this folder and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)
    assignment = chapter(args.slug)
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="corpus-"))
    try:
        subs, out = base / "submissions", base / "out"
        cases, _ = build(assignment, subs, out)
        batch = grade_batch(subs, out, {assignment.slug: assignment}, workers=args.workers,
                            limits=Limits(timeout=args.timeout))
        rows = compare(cases, batch.outcomes)
        print(table(rows))
        return 0 if all(ok for *_, ok in rows) else 1
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
