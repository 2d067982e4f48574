"""The contract every check follows. Its parts live beside it, each stating its interface at its top:
values.py (plain values as JSON), records.py (Case, Finding, Report, Score), findings.py (judging
helpers), families.py (shared families); every name a check module or notebook imports is here too.

A check grades one piece of student code (a function, or a class) on cases it
chooses itself. It is split in four steps so that the batch grader can run only
the second one inside its sandbox and decide everything else in its own process:

    cases(seed, **params)           trusted    -> list[Case]     inputs drawn from the seed
    run(inputs, *student)           UNTRUSTED  -> dict            calls the student's code (here:
                                                                  the subclass's prepare and call)
    expected(inputs, ref)           trusted    -> dict            what a right answer gives; ref is
                                                                  the reference module solutions.<slug>
    judge(inputs, outputs, expected) trusted   -> list[Finding]   compares; pure, no student code

``run`` must return plain values only (numbers, strings, booleans, None, numpy
arrays, and lists/dicts of those): they travel as JSON (``encode``/``decode``).
``expected`` computes numerical gradients of the *reference* forward pass with
``autograder.gradcheck``; its values for the visible cases (default parameters and
seed) are also stored in ``autograder/checks/expected/<slug>.json`` so that students
who only have ``exercises/`` and ``autograder/`` get the same verdicts
(``python -m autograder.checks.store`` rewrites that file; a test keeps it in sync).

In a notebook a grade cell is one line, ``check_affine_backward(affine_backward)``: the Check does
all four steps in the kernel, displays the ``Report`` and returns its ``Score`` (records.py: why the
cell's result is the bare number, and why a check that earns nothing returns 0 instead of raising).
Hidden grade cells call the same check with literal keyword parameters
(``shapes=[(1, 5)]``, ``seed=11``, ``points=2``) that ``cases`` understands.

A check module exposes one Check instance per graded object, declared with what differs
from its family (``BackwardCheck``, ``ForwardCheck`` in families.py, or a chapter's own):
``check_relu_backward = BackwardCheck("relu_backward", wrt=("x",), points=1)``. The names in
``functions`` are the names of the graded objects in the notebook *and* in the reference
module, which must agree in signature. A check's ``name`` is ``check_`` + its first function
(snake case, without ``_forward``) and its ``slug`` the chapter of the module declaring it.

Student code is called only inside ``run``: it snapshots what ``prepare`` hands the student, calls
the subclass's ``call``, and records in ``outputs["unchanged"]`` whether the student left those
inputs as they were (NaN-aware). Every check charges a changed input (``guard``): the whole case
where the output may be the input itself (a layer's forward or backward, an update), else one
failing finding "inputs" beside the others. Outputs that must be arrays are judged as returned
(``array_finding``: a numpy array of floats of the stated shape), never converted first.

Blame lands where the mistake is: a composite check (a neuron built of gates, a loss built of
layers, a training loop built of an update) grades the student's composite on its own terms, and
when it fails it first runs the visible cases of the parts it is built of (``parts``: graded name
-> the part's check, found beside the composite in the student's namespace) and names the parts
that fail their own test, instead of guessing at the composite's mistake. Each part's mistake
costs points in the part's own check; the composite loses points only for its own result.
"""
from __future__ import annotations

import copy
import importlib
import json
import re
import sys
from pathlib import Path

from autograder.grader.feedback import error_text
from autograder.checks.findings import (array_finding, explain_error, grad_findings,  # noqa: F401
                                        numeric_grads, param_grads, scalar_finding, value_finding)
from autograder.checks.records import (REPORT_MIME, Case, CaseResult, CheckFailed, Finding,  # noqa: F401
                                       Report, Score)
from autograder.checks.values import MAX_DEPTH, MAX_ELEMENTS, case_key, decode, encode, same  # noqa: F401

EXPECTED_DIR = Path(__file__).with_name("expected")


class ReferenceMissing(LookupError):
    """The case's expected values need solutions/, which only the grader has."""


# --------------------------------------------------------------------------- oracles
class LiveOracle:
    """Expected values computed from the reference module (instructor side, grader)."""
    def __init__(self, module):
        self.module = module

    def expected(self, check, inputs):
        exp = check.expected(copy.deepcopy(inputs), self.module)
        if check.parts:      # what each part's visible cases give (see "Blame" in the module docstring)
            exp["parts"] = {name: [self.expected(part, c.inputs) for c in part.cases(part.default_seed)]
                            for name, part in check.parts.items()}
        return exp


class StoredOracle:
    """Expected values of the visible cases, stored with the checks (student side)."""
    def __init__(self, slug):
        path = EXPECTED_DIR / f"{slug}.json"
        self.table = json.loads(path.read_text()) if path.exists() else {}

    def expected(self, check, inputs):
        key = case_key(check.name, inputs)
        if key not in self.table:
            raise ReferenceMissing(
                "this case is checked by the grader, which has the reference solutions; "
                "the visible checks run with their default parameters")
        return decode(self.table[key])


class GivenOracle:
    """Expected values computed before (by the grader, or for a composite's parts)."""
    def __init__(self, values):
        self.values = values

    def expected(self, check, inputs):
        return self.values


def default_oracle(slug):
    """The reference module if it can be imported, else the stored visible values."""
    try:
        return LiveOracle(importlib.import_module(f"solutions.{slug}"))
    except ImportError:
        return StoredOracle(slug)


# --------------------------------------------------------------------------- the check
class Check:
    """Base class; see the module docstring for the four steps a subclass defines.

    An instance may be declared with what differs: ``Family("fn_name", points=2, hints={...})``."""
    functions: tuple = ()     # ("affine_backward",): graded objects, in call order
    points: float = 1.0
    default_seed: int = 0
    hints: dict = {}          # diagnosis (or "<output> <diagnosis>") -> a hint for this function, never the answer
    guard: str = "finding"    # what a changed input costs: "finding", "case", or "" (judged by the check)
    parts: dict = {}          # graded name -> check of a part a composite is built of

    def __init__(self, *functions, **declared):
        if functions:
            self.functions = functions
        self.module = sys._getframe(1).f_globals.get("__name__", "")   # where the instance is declared
        for key, value in declared.items():
            setattr(self, key, value)

    @property
    def name(self):
        """``check_`` + the first graded object in snake case (a forward graded with its backward:
        without ``_forward``)."""
        stem = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", self.functions[0]).lower()
        return "check_" + (stem.removesuffix("_forward") if len(self.functions) > 1 else stem)

    @property
    def slug(self):
        """The chapter: the declaring module's SLUG if it sets one, else the module's name."""
        return getattr(sys.modules.get(self.module), "SLUG", self.module.rsplit(".", 1)[-1])

    def cases(self, seed, **params):
        raise NotImplementedError

    def run(self, inputs, *student):
        """UNTRUSTED: the one place student code is called. ``call`` does the calling on what
        ``prepare`` builds; ``outputs["unchanged"]`` says whether that was left as it was."""
        args = self.prepare(inputs)
        before = copy.deepcopy(args)
        outputs = self.call(args, *student)
        outputs["unchanged"] = same(before, args)
        if self.parts:
            outputs["parts"] = self.run_parts(student[0])
        return outputs

    def run_parts(self, composite):
        """UNTRUSTED: the outputs of each part's visible cases, run on the student's own part (found
        in the namespace the composite was written in), as plain data; {"raised": ...} for a part
        that raised or returned something that is not plain data; parts not found are left out."""
        namespace = _namespace(composite)
        found = {}
        for name, part in self.parts.items():
            if namespace.get(name) is None:
                continue
            found[name] = []
            for case in part.cases(part.default_seed):
                try:
                    out = part.run(copy.deepcopy(case.inputs), namespace[name])
                    encode(out)
                except Exception as err:  # noqa: BLE001 - a failing part is what blame reports
                    out = {"raised": f"{type(err).__name__}: {err}"[:200]}
                found[name].append(out)
        return found

    def blame(self, outputs, expected):
        """Trusted: the parts (name, diagnoses) whose own visible cases fail, judged like their checks."""
        failing = []
        for name, runs in (outputs.get("parts") or {}).items():
            part, exps = self.parts[name], expected.get("parts", {}).get(name, [])
            bad = set()
            for case, run, exp in zip(part.cases(part.default_seed), runs, exps):
                out = Finding(name, False, str(run.get("raised")), "error") if "raised" in run else run
                bad |= {f.diagnosis for f in part.verdict(case, out, GivenOracle(exp)).findings if not f.passed}
            if bad:
                failing.append((name, sorted(bad)))
        return failing

    def prepare(self, inputs):
        """What the student's code is handed (default: the case's inputs)."""
        return inputs

    def call(self, inputs, *student):
        raise NotImplementedError

    def expected(self, inputs, ref):
        """Default: what the reference's own objects give, called the way ``call`` calls the student's."""
        return self.call(self.prepare(inputs), *[getattr(ref, f) for f in self.functions])

    def judge(self, inputs, outputs, expected):
        raise NotImplementedError

    def modified(self):
        """The Finding for a student who changed an array it was handed."""
        return Finding("inputs", False, f"{' or '.join(self.functions)} changed an array it was given; "
                       "leave your inputs as they were (compute into a new array).", "value")

    # -- driving the four steps in one process (notebook, tests, mutants) --
    def evaluate(self, *student, seed=None, points=None, oracle=None, **params):
        """Run all four steps here; return the Report (never raises for student errors)."""
        oracle = oracle or default_oracle(self.slug)
        seed = self.default_seed if seed is None else seed
        report = Report(self.name, ", ".join(self.functions), float(points or self.points))
        for case in self.cases(seed, **params):
            outputs = call_student(self, case.inputs, student)
            report.results.append(self.verdict(case, outputs, oracle))
        return report

    def verdict(self, case, outputs, oracle):
        """Trusted: turn the outputs of ``run`` (a dict, or a Finding for code that raised or returned no
        plain data, its numpy shape errors explained by ``explain_error``) into a CaseResult."""
        if isinstance(outputs, Finding):
            return CaseResult(case.label, case.weight, self.hinted([explain_error(outputs)]))
        try:
            exp = oracle.expected(self, case.inputs)
        except ReferenceMissing as err:
            return CaseResult(case.label, 0.0, [Finding("reference", True, str(err), "reference")])
        try:
            findings = self.judge(copy.deepcopy(case.inputs), outputs, exp)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
            findings = [Finding("output", False, f"returned something of the wrong form ({err})", "shape")]
        if self.guard and outputs.get("unchanged") is False:
            findings = [self.modified()] if self.guard == "case" else findings + [self.modified()]
        failing = self.blame(outputs, exp) if not all(f.passed for f in findings) else []
        for f in findings if failing else ():
            if not f.passed:
                f.message = ("; ".join(f"your {n} fails its own test ({', '.join(d)})" for n, d in failing)
                             + ": fix it first, this result is built on it. " + f.message)
                f.diagnosis = "part"
        return CaseResult(case.label, case.weight, self.hinted(findings))

    def hinted(self, findings):
        """``findings``, each failing one with this check's hint for its output and diagnosis (key
        "db shape"), else for its diagnosis ("shape"); a changed input ("inputs") gets none."""
        for f in findings:
            hint = None if f.passed or f.what == "inputs" else self.hints.get(f"{f.what} {f.diagnosis}",
                                                                                self.hints.get(f.diagnosis))
            f.message += " " + hint if hint else ""
        return findings

    def __call__(self, *student, **kwargs):
        """A grade cell: display the Report, return the Score (never raises for student errors)."""
        report = self.evaluate(*student, **kwargs)
        report.show()
        return Score(report)

    def __repr__(self):
        return f"<check {self.name} ({self.points:g} points)>"


def _namespace(obj):
    """The global namespace a function, or the methods of a class, were written in ({} if none)."""
    if hasattr(obj, "__globals__"):
        return obj.__globals__
    methods = vars(obj).values() if isinstance(obj, type) else ()
    return next((f.__globals__ for f in methods if hasattr(f, "__globals__")), {})


def call_student(check, inputs, student):
    """UNTRUSTED step: call ``check.run`` on a copy of the inputs; return decoded plain outputs
    or a Finding describing why there are none."""
    what = check.functions[0] if check.functions else "your code"
    try:
        raw = check.run(copy.deepcopy(inputs), *student)
    except NotImplementedError:
        return Finding(what, False, *error_text(what, "not_implemented"))
    except Exception as err:  # noqa: BLE001 - any student error is feedback, not a crash
        return Finding(what, False, *error_text(what, "error", type(err).__name__, str(err)))
    try:
        return decode(json.loads(json.dumps(encode(raw))))
    except (TypeError, ValueError) as err:
        return Finding(what, False, *error_text(what, "encode", message=str(err)))


def checks_of(module):
    """The Check instances a check module exposes, by name."""
    return {name: obj for name, obj in vars(module).items() if isinstance(obj, Check)}


def load(slug):
    """The check module of a chapter."""
    return importlib.import_module(f"autograder.checks.{slug}")
