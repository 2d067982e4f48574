"""Store the expected values of every visible case, so checks work without solutions/.

    python -m autograder.checks.store            rewrite autograder/checks/expected/<slug>.json
    python -m autograder.checks.store --verify   exit 1 if a stored file is out of date

Visible cases are the ones a check draws with its default seed and no parameters; the
values come from the reference modules in solutions/ (LiveOracle). --verify compares numbers to
VERIFY_RTOL: a training run's last bits differ between CPUs (BLAS kernels sum in other orders),
while a stale file differs by far more.
"""
import argparse
import functools
import importlib
import json
import sys

from autograder.checks import SLUGS
from autograder.checks.base import EXPECTED_DIR, LiveOracle, case_key, checks_of, encode, load, same


def expected_table(slug):
    """{case_key: encoded expected values} for the visible cases of one chapter."""
    oracle = LiveOracle(importlib.import_module(f"solutions.{slug}"))
    table = {}
    for check in checks_of(load(slug)).values():
        for case in check.cases(check.default_seed):
            table[case_key(check.name, case.inputs)] = encode(oracle.expected(check, case.inputs))
    return table


VERIFY_RTOL = 1e-9
same = functools.partial(same, rtol=VERIFY_RTOL)   # do two JSON values agree, every number to VERIFY_RTOL?


def render(table):
    return json.dumps(table, sort_keys=True, indent=0) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verify", action="store_true", help="check instead of writing")
    args = ap.parse_args(argv)
    stale = []
    for slug in SLUGS:
        try:
            load(slug)
        except ModuleNotFoundError:
            continue
        path = EXPECTED_DIR / f"{slug}.json"
        text = render(expected_table(slug))
        if args.verify:
            if not path.exists() or not same(json.loads(path.read_text()), json.loads(text)):
                stale.append(slug)
        else:
            EXPECTED_DIR.mkdir(exist_ok=True)
            path.write_text(text)
            print(f"wrote {path}")
    if stale:
        print("out of date:", ", ".join(stale), "(run python -m autograder.checks.store)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
