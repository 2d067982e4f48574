"""The contract every check follows.

A check grades one piece of student code (a function, or a class) on cases it
chooses itself. It is split in four steps so that the batch grader can run only
the second one inside its sandbox and decide everything else in its own process:

    cases(seed, **params)           trusted    -> list[Case]     inputs drawn from the seed
    run(inputs, *student)           UNTRUSTED  -> dict            calls the student's code
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

In a notebook a grade cell is one line, ``check_affine_backward(affine_backward)``:
the Check instance does all four steps in the kernel, returns a ``Report`` whose
plain-text form is the score (nbgrader reads it as partial credit) and whose HTML form
is the feedback table, and raises ``CheckFailed`` (an AssertionError) when it earns
nothing. Hidden grade cells call the same check with literal keyword parameters
(``shapes=[(1, 5)]``, ``seed=11``, ``points=2``) that ``cases`` understands.

A check module ``autograder/checks/<slug>.py`` defines subclasses of ``Check`` and
exposes one instance per graded object, named ``check_<function>``. The names in
``functions`` are the names of the graded objects in the notebook *and* in the
reference module, which must agree in signature.

Mutant catalogues (``solutions/mutants/<slug>.py``) list realistic wrong answers:
``MUTANTS = [Mutant("check_affine_backward", "dropped upstream gradient", fn, "upstream"), ...]``;
``python -m solutions.mutants`` prints how many are killed, and tests/test_mutants.py
proves each one loses points and, where a diagnosis is named, that feedback names it.
"""
from __future__ import annotations

import copy
import hashlib
import html
import importlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder import gradcheck
from autograder.grader.feedback import error_text, findings_table
from autograder.grader.limits import Limits

EXPECTED_DIR = Path(__file__).with_name("expected")
MAX_ELEMENTS, MAX_DEPTH = Limits.OUTPUT_ELEMENTS, Limits.OUTPUT_DEPTH    # a student's output


# --------------------------------------------------------------------------- values
def encode(value, _depth=0):
    """Turn a plain value (ndarray, number, str, bool, None, list, tuple, dict) into JSON data.

    Raises TypeError for anything else (objects, functions, generators).
    """
    if _depth > MAX_DEPTH:
        raise TypeError("nested too deeply")
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _float_out(float(value))
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind not in "biuf":
            raise TypeError(f"an array of {value.dtype} is not an array of numbers")
        if value.size > MAX_ELEMENTS:
            raise TypeError(f"an array of {value.size} elements is too large")
        flat = [_float_out(float(v)) for v in value.astype(np.float64).ravel()]
        return {"__array__": flat, "shape": list(value.shape), "kind": value.dtype.kind}
    if isinstance(value, (list, tuple)):
        return {"__tuple__": [encode(v, _depth + 1) for v in value]} if isinstance(value, tuple) \
            else [encode(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("dictionary keys must be strings")
        if "__array__" in value or "__tuple__" in value or "__float__" in value:
            raise TypeError("reserved key in a dictionary")
        return {k: encode(v, _depth + 1) for k, v in value.items()}
    raise TypeError(f"a value of type {type(value).__name__} is not plain data")


def decode(data, _depth=0):
    """Inverse of ``encode``. Validates strictly: raises ValueError on anything unexpected."""
    if _depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, _depth + 1) for v in data]
    if isinstance(data, dict):
        if set(data) == {"__float__"}:
            return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[data["__float__"]]
        if set(data) == {"__tuple__"}:
            return tuple(decode(v, _depth + 1) for v in data["__tuple__"])
        if set(data) == {"__array__", "shape", "kind"}:
            shape = data["shape"]
            if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
                raise ValueError("bad array shape")
            flat = [decode(v, _depth + 1) for v in data["__array__"]]
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in flat):
                raise ValueError("array elements must be numbers")
            if len(flat) != math.prod(shape) or len(flat) > MAX_ELEMENTS:
                raise ValueError("array size does not match its shape")
            arr = np.array(flat, dtype=np.float64).reshape(shape)
            kind = data["kind"]
            if kind not in ("b", "i", "u", "f"):
                raise ValueError("bad array kind")
            return arr.astype(bool) if kind == "b" else arr.astype(np.int64) if kind in "iu" else arr
        return {str(k): decode(v, _depth + 1) for k, v in data.items()}
    raise ValueError(f"unexpected JSON value of type {type(data).__name__}")


def _float_out(v):
    if math.isnan(v):
        return {"__float__": "nan"}
    if math.isinf(v):
        return {"__float__": "inf" if v > 0 else "-inf"}
    return v


def case_key(check_name, inputs):
    """Content address of a case: the check's name and a hash of its encoded inputs."""
    blob = json.dumps(encode(inputs), sort_keys=True, separators=(",", ":"))
    return f"{check_name}|{hashlib.sha256(blob.encode()).hexdigest()[:20]}"


# --------------------------------------------------------------------------- results
@dataclass
class Case:
    """One set of inputs. ``label`` is shown to the student (e.g. "N=3, D=4");
    ``weight`` is the case's share of the check's points."""
    label: str
    inputs: dict
    weight: float = 1.0


@dataclass
class Finding:
    """One verdict on one output of one case (``what``: "out", "dx", "accuracy", ...).

    diagnosis: a gradcheck diagnosis (ok, shape, zero, sign, scale, transpose, upstream,
    mismatch), or "value" (a wrong non-gradient value), "overwrite" (a backward assigned a
    gradient where it should add to it), "error" (the code raised), "not_implemented",
    "kink" (the case crossed a kink: not charged), "reference".
    """
    what: str
    passed: bool
    message: str
    diagnosis: str = "ok"


@dataclass
class CaseResult:
    label: str
    weight: float
    findings: list

    @property
    def fraction(self):
        if not self.findings:
            return 0.0
        return sum(f.passed for f in self.findings) / len(self.findings)


@dataclass
class Report:
    """What a check found. ``earned`` is points * weighted fraction of passed findings."""
    check: str
    function: str
    points: float
    results: list = field(default_factory=list)

    @property
    def earned(self):
        total = sum(r.weight for r in self.results)
        if total <= 0:
            return 0.0
        return round(self.points * sum(r.weight * r.fraction for r in self.results) / total, 4)

    @property
    def passed(self):
        return bool(self.results) and all(f.passed for r in self.results for f in r.findings)

    @property
    def diagnoses(self):
        return {f.diagnosis for r in self.results for f in r.findings if not f.passed}

    def problems(self):
        return [(r.label, f) for r in self.results for f in r.findings if not f.passed]

    def text(self):
        head = f"{self.function}: {self.earned:g} / {self.points:g} points"
        lines = [head]
        for label, f in self.problems():
            lines.append(f"  [{label}] {f.what} ({f.diagnosis.replace('_', ' ')}): {f.message}")
        if self.passed:
            lines.append("  all cases passed")
        return "\n".join(lines)

    def to_dict(self):
        return {"check": self.check, "function": self.function, "points": self.points,
                "earned": self.earned, "passed": self.passed,
                "results": [{"label": r.label, "weight": r.weight,
                             "findings": [vars(f) for f in r.findings]} for r in self.results]}

    # nbgrader reads text/plain as partial credit; people read the HTML table.
    def _repr_pretty_(self, p, cycle):
        p.text(f"{self.earned:g}")

    def _repr_html_(self):
        return (f"<div><b>{html.escape(self.function)}</b>: {self.earned:g} / {self.points:g} points"
                f"{findings_table(self.to_dict()['results'])}</div>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": f"{self.earned:g}", "text/html": self._repr_html_(),
                "application/vnd.circuits.report+json": self.to_dict()}

    def __str__(self):
        return self.text()


class CheckFailed(AssertionError):
    """Raised by a grade cell whose check earned nothing; carries the Report."""
    def __init__(self, report):
        super().__init__(report.text())
        self.report = report


class ReferenceMissing(LookupError):
    """The case's expected values need solutions/, which only the grader has."""


# --------------------------------------------------------------------------- oracles
class LiveOracle:
    """Expected values computed from the reference module (instructor side, grader)."""
    def __init__(self, module):
        self.module = module

    def expected(self, check, inputs):
        return check.expected(copy.deepcopy(inputs), self.module)


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


def default_oracle(slug):
    """The reference module if it can be imported, else the stored visible values."""
    try:
        return LiveOracle(importlib.import_module(f"solutions.{slug}"))
    except ImportError:
        return StoredOracle(slug)


# --------------------------------------------------------------------------- the check
class Check:
    """Base class; see the module docstring for the four steps a subclass defines."""
    name: str = ""            # "check_affine_backward"
    slug: str = ""            # "ch05_neural_nets"
    functions: tuple = ()     # ("affine_backward",): graded objects, in call order
    points: float = 1.0
    default_seed: int = 0
    hints: dict = {}          # diagnosis -> a hint specific to this function (never the answer)

    def cases(self, seed, **params):
        raise NotImplementedError

    def run(self, inputs, *student):
        raise NotImplementedError

    def expected(self, inputs, ref):
        raise NotImplementedError

    def judge(self, inputs, outputs, expected):
        raise NotImplementedError

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
        """Trusted: turn the outputs of ``run`` (a dict, or a Finding for an error) into a CaseResult."""
        if isinstance(outputs, Finding):
            return CaseResult(case.label, case.weight, [outputs])
        try:
            exp = oracle.expected(self, case.inputs)
        except ReferenceMissing as err:
            return CaseResult(case.label, 0.0, [Finding("reference", True, str(err), "reference")])
        try:
            findings = self.judge(copy.deepcopy(case.inputs), outputs, exp)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
            findings = [Finding("output", False, f"returned something of the wrong form ({err})", "shape")]
        for f in findings:
            if not f.passed and f.diagnosis in self.hints:
                f.message += " " + self.hints[f.diagnosis]
        return CaseResult(case.label, case.weight, findings)

    def __call__(self, *student, **kwargs):
        report = self.evaluate(*student, **kwargs)
        if report.earned <= 0:
            raise CheckFailed(report)
        return report

    def __repr__(self):
        return f"<check {self.name} ({self.points:g} points)>"


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


# --------------------------------------------------------------------------- judging helpers
def grad_findings(outputs, expected, names, tol=None):
    """One Finding per gradient name (e.g. ["dx", "dw"]) using gradcheck.compare_gradients.

    outputs[name]            : the student's gradient.
    expected[name]           : the trusted numerical gradient.
    expected[name + "_ones"] : optional, the trusted gradient for an all-ones upstream gradient.
    """
    found = []
    for name in names:
        res = gradcheck.compare_gradients(outputs[name], expected[name],
                                          numeric_ones=expected.get(name + "_ones"),
                                          tol=tol, name=name[1:] if name.startswith("d") else name)
        found.append(Finding(name, res.passed, res.message, res.diagnosis))
    return found


def value_finding(what, got, want, tol=None):
    """A Finding for a non-gradient output (a forward value, a loss, updated weights)."""
    tol = gradcheck.TOLERANCE if tol is None else tol
    want = np.asarray(want, dtype=np.float64)
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return Finding(what, False, f"{what} should be numbers, got {type(got).__name__}.", "shape")
    if got_arr.shape != want.shape:
        return Finding(what, False, f"{what} has shape {got_arr.shape}, expected {want.shape}.", "shape")
    err = gradcheck.rel_error(got_arr, want) if got_arr.size else 0.0
    if np.all(np.isfinite(got_arr)) and err <= tol:
        return Finding(what, True, f"{what} is correct (relative error {err:.1e}).", "ok")
    finite = np.all(np.isfinite(got_arr))
    diag, factor = gradcheck.diagnose(got_arr, want) if want.size and finite else ("mismatch", None)
    gap = np.where(np.isfinite(got_arr), np.abs(got_arr - want), np.inf)
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), want.shape)) if want.size else ()
    msg = (f"{what} is wrong at index {idx}: got {float(got_arr[idx]):.6g}, expected {float(want[idx]):.6g} "
           f"(relative error {err:.1e}, tolerance {tol:.0e}).")
    if diag == "scale":
        msg += f" It is {factor:.4g} times the right value."
    diag = diag if diag in ("sign", "scale", "zero", "transpose") else "value"
    return Finding(what, False, msg, diag)


def scalar_finding(what, got, want, tol=1e-9):
    """A Finding for one number (a loss, a cost). Any wrong number is some multiple of the right one,
    so no scale diagnosis is named here; an exactly negated number is called a sign error."""
    try:
        got = float(got)
    except (TypeError, ValueError):
        return Finding(what, False, f"{what} should be a number, got {type(got).__name__}.", "shape")
    err = gradcheck.rel_error(got, want)
    if np.isfinite(got) and err <= tol:
        return Finding(what, True, f"{what} is correct (relative error {err:.1e}).", "ok")
    diagnosis = "sign" if want != 0 and gradcheck.rel_error(got, -want) <= tol else "value"
    return Finding(what, False, f"{what} is {got:.10g}, expected {want:.10g} (relative error {err:.1e}).",
                   diagnosis)


def numeric_grads(forward, inputs, wrt, dout):
    """Trusted numerical gradients of sum(forward(**inputs) * dout) for each name in ``wrt``.

    forward : callable(**arrays) -> array shaped like dout (usually a reference forward pass).
    inputs  : dict of float64 arrays; not modified.
    Returns {"d<name>": grad, "d<name>_ones": grad for an all-ones upstream gradient}.
    """
    out = {}
    ones = np.ones_like(np.asarray(dout, dtype=np.float64))
    for name in wrt:
        args = {k: (np.array(v, dtype=np.float64) if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}

        def f(z, name=name, args=args):
            return forward(**{**args, name: z})
        x = np.array(inputs[name], dtype=np.float64)
        out["d" + name] = gradcheck.numerical_gradient_array(f, x, dout)
        out["d" + name + "_ones"] = gradcheck.numerical_gradient_array(f, x, ones)
    return out


@dataclass
class Mutant:
    """A realistic wrong answer for one check. ``student`` is the object (or tuple of objects)
    passed to the check; ``diagnosis`` is what the feedback must name (None: any)."""
    check: str
    name: str
    student: object
    diagnosis: str | None = None
    params: dict = field(default_factory=dict)

    @property
    def objects(self):
        return self.student if isinstance(self.student, tuple) else (self.student,)


FRAMEWORK_READY = True
