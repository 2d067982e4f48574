"""The trusted half of grading an assignment, done once per batch in the grader's process.

    Assignment                 where a chapter's pieces live (source notebook, check module,
                               reference module); ``course_assignments()`` lists the course's
    load_secret(out) -> bytes  the secret kept in OUT (created on first use)
    build_plan(assignment, secret, seeds="secret") -> Plan

For every grade cell of the source notebook the plan holds the parsed call, the seed the run
uses, the cases (inputs as JSON data) and the expected values from the reference module
(``LiveOracle``). Student code never sees the plan except the inputs of its own cases.

Seeds (SEED_MODES): "secret", the default, derives each cell's seed from the secret, the
chapter, the grade id and the cell's own seed, so regrading into the same OUT draws the same
cases and nobody can know them in advance (not even from last year's source notebook);
"notebook" uses the seed written in the grade cell, the draws ``nbgrader autograde`` makes, so
that both give the same scores.
"""
from __future__ import annotations

import copy
import hashlib
import hmac
import importlib
import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.checks.base import LiveOracle, checks_of, decode, encode
from autograder.grader.notebook import PlanError, release_test_sources, source_tests

ROOT = Path(__file__).resolve().parents[2]
SECRET_FILE = ".grader-secret"


@dataclass(frozen=True)
class Assignment:
    slug: str
    source: Path                       # nbgrader source notebook (never inside the sandbox)
    check_module: str                  # dotted name, imported inside and outside the sandbox
    reference_module: str              # dotted name, imported by the grader only
    release: Path | None = None        # released notebook (its test cells are recognised too)
    check_paths: tuple = ()            # import roots of check_module (bound read-only inside)
    reference_paths: tuple = ()        # import roots of reference_module (grader side only)


def course_assignments(root=ROOT):
    """The course's chapters that have a source notebook, by slug."""
    from autograder.checks import SLUGS
    found = {}
    for slug in SLUGS:
        source = Path(root) / "solutions" / slug / f"{slug}.ipynb"
        if source.exists():
            release = Path(root) / "exercises" / slug / f"{slug}.ipynb"
            found[slug] = Assignment(slug, source, f"autograder.checks.{slug}", f"solutions.{slug}",
                                     release if release.exists() else None)
    return found


def import_from(module, paths=()):
    """Import a trusted module, with extra import roots if it lives outside the packages."""
    for p in reversed([str(p) for p in paths]):
        if p not in sys.path:
            sys.path.insert(0, p)
    return importlib.import_module(module)


def load_secret(out):
    """The secret of an OUT folder; created (0600) the first time."""
    path = Path(out) / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text().strip())


SEED_MODES = ("secret", "notebook")


def derive_seed(secret, slug, grade_id, declared):
    msg = f"{slug}\0{grade_id}\0{declared}".encode()
    return int.from_bytes(hmac.new(secret, msg, hashlib.sha256).digest()[:4], "big") & 0x7FFFFFFF


@dataclass
class PlannedCase:
    label: str
    weight: float
    inputs: object        # decoded inputs, exactly what the sandbox decodes
    data: object          # the same inputs as JSON data (base.encode)
    expected: object


@dataclass
class PlannedTest:
    grade_id: str
    points: float
    hidden: bool
    check: str            # name of the Check instance in the check module
    functions: tuple      # the check's own names of its graded objects
    objects: tuple        # names of the student's objects, from the call
    seed: int
    cases: list = field(default_factory=list)


@dataclass
class Plan:
    assignment: Assignment
    tests: list
    test_sources: list            # TestCell records, to recognise a submission's test cells
    released_sources: set
    check_names: set

    @property
    def digest(self):
        """A hash of everything the plan grades with (cases, expected values, points)."""
        return plan_digest(self)

    @property
    def max_score(self):
        return round(sum(t.points for t in self.tests), 4)

    def check_objects(self):
        """{name: Check} of the assignment's check module (trusted import)."""
        return checks_of(import_from(self.assignment.check_module, self.assignment.check_paths))


def plan_digest(plan):
    h = hashlib.sha256(plan.assignment.slug.encode())
    for t in plan.tests:
        h.update(json.dumps([t.grade_id, t.points, t.hidden, t.check, list(t.objects), t.seed,
                             [[c.label, c.weight, c.data, encode(c.expected)] for c in t.cases]],
                            sort_keys=True, default=repr).encode())
    return h.hexdigest()


def roundtrip(value):
    """``value`` as it looks after travelling as JSON: what both sides of the sandbox see."""
    data = json.loads(json.dumps(encode(value)))
    return decode(data), data


def build_plan(assignment, secret, seeds="secret"):
    """Everything trusted about grading one assignment. Raises PlanError."""
    if seeds not in SEED_MODES:
        raise ValueError(f"seeds must be one of {', '.join(SEED_MODES)}, got {seeds!r}")
    tests = source_tests(assignment.source)
    try:
        checks = checks_of(import_from(assignment.check_module, assignment.check_paths))
        ref = import_from(assignment.reference_module, assignment.reference_paths)
    except ImportError as err:
        raise PlanError(f"{assignment.slug}: cannot import {err.name}: {err}") from None
    oracle = LiveOracle(ref)
    planned = []
    for t in tests:
        check = checks.get(t.call.check)
        if check is None:
            raise PlanError(f"{assignment.slug}: grade cell {t.grade_id} calls {t.call.check}, "
                            f"which {assignment.check_module} does not define")
        params = dict(t.call.params)
        declared = params.pop("seed", check.default_seed)
        params.pop("points", None)
        seed = declared if seeds == "notebook" else derive_seed(secret, assignment.slug, t.grade_id, declared)
        pt = PlannedTest(t.grade_id, t.points, t.hidden, check.name, tuple(check.functions),
                         t.call.objects, seed)
        try:
            cases = check.cases(seed, **params)
        except Exception as err:  # noqa: BLE001
            raise PlanError(f"{assignment.slug}: {check.name}.cases failed for {t.grade_id}: "
                            f"{type(err).__name__}: {err}") from None
        for i, case in enumerate(cases):
            inputs, data = roundtrip(case.inputs)
            try:
                expected = oracle.expected(check, copy.deepcopy(inputs))
            except Exception as err:  # noqa: BLE001
                raise PlanError(f"{assignment.slug}: the reference failed on {t.grade_id} case {i} "
                                f"({case.label}): {type(err).__name__}: {err}") from None
            pt.cases.append(PlannedCase(case.label, float(case.weight), inputs, data, expected))
        planned.append(pt)
    return Plan(assignment, planned, tests, release_test_sources(assignment.release), set(checks))
