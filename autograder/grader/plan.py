"""The trusted half of grading an assignment, done once per batch in the grader's process.

    Assignment                 where a chapter's pieces live (source notebook, check module,
                               reference module); ``course_assignments()`` lists the course's
    load_secret(out) -> bytes  the secret kept in OUT (created on first use)
    build_plan(assignment, secret, seeds="secret") -> Plan
    plan.for_submission(code) -> Plan    the cases one submission meets (see Seeds)

For every grade cell of the source notebook the plan holds the parsed call, the seed the run
uses, the cases (inputs as JSON data) and the expected values from the reference module
(``LiveOracle``). Student code never sees the plan except the inputs of its own cases.

Seeds (SEED_MODES): "secret", the default, derives each cell's seed from the secret, the
chapter, the grade id, the cell's own seed and the digest of the submission's code
(``plan.for_submission(code)``): nobody can know the cases in advance (not even from last
year's source notebook), regrading the same code draws the same cases, and a changed
resubmission meets new ones, so it cannot be tuned to the cases its feedback named;
"notebook" uses the seed written in the grade cell, the draws ``nbgrader autograde`` makes, so
that both give the same scores.
"""
from __future__ import annotations

import copy
import dataclasses
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


MIN_SECRET = 32      # bytes


class SecretError(ValueError):
    """OUT's secret is missing, short or unreadable; the message says which and what to do."""


def load_secret(out):
    """The secret of an OUT folder (at least MIN_SECRET bytes). Created the first time
    atomically: written whole to a temporary file, flushed to disk, then linked into place, so
    a crash or a full disk never leaves a short secret and two first runs agree on one."""
    path = Path(out) / SECRET_FILE
    if not os.path.lexists(path):
        tmp = Path(out) / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(MIN_SECRET) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)          # fails if another run linked its secret first
            except FileExistsError:
                pass
        except OSError as err:
            raise SecretError(f"the secret {path} cannot be created ({err.strerror})") from None
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd) as fh:
            text = fh.read(4096)
        secret = bytes.fromhex(text.strip())
    except (OSError, ValueError) as err:
        why = err.strerror if isinstance(err, OSError) else "not hexadecimal text"
        raise SecretError(f"the secret {path} cannot be read ({why}); restore it from a backup, or "
                          f"remove it to start a new one (the cases drawn will change)") from None
    if len(secret) < MIN_SECRET:
        raise SecretError(f"the secret {path} holds {len(secret)} bytes, fewer than {MIN_SECRET}; "
                          f"restore it from a backup, or remove it to start a new one (the cases "
                          f"drawn will change)")
    return secret


SEED_MODES = ("secret", "notebook")
DRAWS_KEPT = 256


def derive_seed(secret, slug, grade_id, declared, content=""):
    """The seed of one grade cell: an HMAC of the secret over the chapter, the grade id, the
    cell's declared seed and (for one submission) the digest of the code it grades."""
    msg = f"{slug}\0{grade_id}\0{declared}".encode() + (f"\0{content}".encode() if content else b"")
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
    secret: bytes = b""
    seeds: str = "secret"
    content: str = ""             # digest of the graded code this plan's cases were drawn for
    _checks: dict = field(default=None, repr=False, compare=False)
    _oracle: object = field(default=None, repr=False, compare=False)
    _drawn: dict = field(default_factory=dict, repr=False, compare=False)   # recent draws

    def for_submission(self, code):
        """The plan for one submission whose code cells are ``code``: with secret seeds, its
        cases are drawn from seeds that also depend on that code, so a changed resubmission
        meets new cases and the same code always the same ones; with notebook seeds, this plan.
        The last DRAWS_KEPT draws are kept (a submission's plan is needed to prepare and to judge)."""
        if self.seeds != "secret":
            return self
        content = content_digest(code)
        if content not in self._drawn:
            self.remember(content, _draw(self, content))
        return self._drawn[content]

    def remember(self, content, tests):
        """Keep ``tests`` as drawn for code whose digest is ``content`` (here, or by a preparing
        process: preparing.py), dropping the oldest draw beyond DRAWS_KEPT."""
        while len(self._drawn) >= DRAWS_KEPT:
            self._drawn.pop(next(iter(self._drawn)))
        self._drawn[content] = dataclasses.replace(self, tests=tests, content=content, _drawn={})

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


def content_digest(code):
    return hashlib.sha256(json.dumps(list(code), ensure_ascii=True).encode()).hexdigest()[:32]


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
    for t in tests:
        if t.call.check not in checks:
            raise PlanError(f"{assignment.slug}: grade cell {t.grade_id} calls {t.call.check}, "
                            f"which {assignment.check_module} does not define")
    plan = Plan(assignment, [], tests, release_test_sources(assignment.release), set(checks),
                secret, seeds, "", checks, LiveOracle(ref))
    plan.tests = _draw(plan, "")
    return plan


def _draw(plan, content):
    """The planned tests: every grade cell's cases and their expected values."""
    a = plan.assignment
    planned = []
    for t in plan.test_sources:
        check = plan._checks[t.call.check]
        params = dict(t.call.params)
        declared = params.pop("seed", check.default_seed)
        params.pop("points", None)
        seed = declared if plan.seeds == "notebook" else derive_seed(plan.secret, a.slug, t.grade_id,
                                                                    declared, content)
        pt = PlannedTest(t.grade_id, t.points, t.hidden, check.name, tuple(check.functions),
                         t.call.objects, seed)
        try:
            cases = check.cases(seed, **params)
        except Exception as err:  # noqa: BLE001
            raise PlanError(f"{a.slug}: {check.name}.cases failed for {t.grade_id}: "
                            f"{type(err).__name__}: {err}") from None
        for i, case in enumerate(cases):
            inputs, data = roundtrip(case.inputs)
            try:
                expected = plan._oracle.expected(check, copy.deepcopy(inputs))
            except Exception as err:  # noqa: BLE001
                raise PlanError(f"{a.slug}: the reference failed on {t.grade_id} case {i} "
                                f"({case.label}): {type(err).__name__}: {err}") from None
            pt.cases.append(PlannedCase(case.label, float(case.weight), inputs, data, expected))
        planned.append(pt)
    return planned
