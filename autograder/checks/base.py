"""The contract every check follows.

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

In a notebook a grade cell is one line, ``check_affine_backward(affine_backward)``:
the Check instance does all four steps in the kernel, displays the ``Report`` (a display_data
output: the feedback table as text/plain for plain-text front ends, as text/html for
JupyterLab, and as JSON under ``REPORT_MIME``) and returns a ``Score``, the points earned as a
number. The cell's result (execute_result) is therefore the bare number, and that is what
nbgrader grades: its ``determine_grade`` skips display_data, reads the first execute_result's
text/plain through ``get_partial_grade`` (``float(text)``, kept when 0 <= it <= points) and
gives zero for an error output. A check that earns nothing returns 0 instead of raising, so
nbgrader still gives the cell zero while Run All goes on to the end of the notebook and every
later result stays visible. (A table in the execute_result's text/plain would not parse as a
number, and nbgrader gives such a cell full marks: the table must never be the cell's result.)
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
import hashlib
import html
import importlib
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder import gradcheck

EXPECTED_DIR = Path(__file__).with_name("expected")
MAX_ELEMENTS = 2_000_000   # largest array a student's output may hold
MAX_DEPTH = 20             # deepest nesting of lists/dicts accepted from a student's output


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
    "kink" (the case crossed a kink: not charged), "reference", "order" (right gradients in the
    wrong order), "dtype" (an array of integers), "part" (a part the code is built of fails its
    own test), or one a chapter names (its module docstring says which).
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

    # Displayed, a Report is its table (text/plain and text/html); the grade cell's *result* is a
    # Score, whose text/plain is the bare number nbgrader reads as partial credit.
    def _repr_pretty_(self, p, cycle):
        p.text(self.text())

    def _repr_html_(self):
        rows = "".join(
            f"<tr><td>{html.escape(r.label)}</td><td>{html.escape(f.what)}</td>"
            f"<td>{'pass' if f.passed else 'FAIL: ' + html.escape(f.diagnosis.replace('_', ' '))}</td>"
            f"<td>{html.escape(f.message)}</td></tr>"
            for r in self.results for f in r.findings)
        return (f"<div><b>{html.escape(self.function)}</b>: {self.earned:g} / {self.points:g} points"
                f"<table><tr><th>case</th><th>output</th><th>result</th><th>message</th></tr>{rows}</table></div>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text(), "text/html": self._repr_html_(), REPORT_MIME: self.to_dict()}

    def show(self):
        """Display the table as a display_data output, when running in IPython (a kernel)."""
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        if get_ipython() is not None:
            display(self)

    def __str__(self):
        return self.text()


REPORT_MIME = "application/vnd.circuits.report+json"


class Score(float):
    """What a grade cell returns: the points earned, a plain number (nbgrader's partial credit),
    with the Report attached as ``.report``."""
    def __new__(cls, report):
        score = super().__new__(cls, report.earned)
        score.report = report
        return score

    def __repr__(self):
        return f"{float(self):g}"

    def _repr_pretty_(self, p, cycle):
        p.text(repr(self))

    def require(self):
        """Raise CheckFailed when nothing was earned (for scripts); return the Score otherwise."""
        if float(self) <= 0:
            raise CheckFailed(self.report)
        return self


class CheckFailed(AssertionError):
    """Raised by ``Score.require()``, for a script that wants an exception when a check earned
    nothing. Grade cells never raise it (see the module docstring: Run All must reach the end)."""
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
    hints: dict = {}          # diagnosis -> a hint specific to this function (never the answer)
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
        raise NotImplementedError

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
        if self.guard and outputs.get("unchanged") is False:
            findings = [self.modified()] if self.guard == "case" else findings + [self.modified()]
        failing = self.blame(outputs, exp) if not all(f.passed for f in findings) else []
        for f in findings if failing else ():
            if not f.passed:
                f.message = ("; ".join(f"your {n} fails its own test ({', '.join(d)})" for n, d in failing)
                             + ": fix it first, this result is built on it. " + f.message)
                f.diagnosis = "part"
        for f in findings:
            if not f.passed and f.diagnosis in self.hints:
                f.message += " " + self.hints[f.diagnosis]
        return CaseResult(case.label, case.weight, findings)

    def __call__(self, *student, **kwargs):
        """A grade cell: display the Report, return the Score (never raises for student errors)."""
        report = self.evaluate(*student, **kwargs)
        report.show()
        return Score(report)

    def __repr__(self):
        return f"<check {self.name} ({self.points:g} points)>"


def same(a, b):
    """True when ``b`` equals ``a``: arrays (NaN equal to NaN), lists, tuples, dicts, numbers."""
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a is b or a == b or (a != a and b != b)


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
        return Finding(what, False, f"{what} is not implemented yet.", "not_implemented")
    except Exception as err:  # noqa: BLE001 - any student error is feedback, not a crash
        return Finding(what, False, f"{what} raised {type(err).__name__}: {err}", "error")
    try:
        return decode(json.loads(json.dumps(encode(raw))))
    except (TypeError, ValueError) as err:
        return Finding(what, False, f"{what} returned something that is not plain numbers ({err}).", "shape")


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


def array_finding(what, got, kinds="f"):
    """None when ``got`` is a numpy array whose dtype kind is in ``kinds`` (floats), else the Finding
    that says what it is instead (a list, a number, an array of integers...)."""
    if not isinstance(got, np.ndarray):
        return Finding(what, False, f"{what} should be a numpy array of floats, got {type(got).__name__} "
                       "(return arrays, not lists or numbers: no .tolist(), no float()).", "shape")
    if got.dtype.kind not in kinds:
        return Finding(what, False, f"{what} is an array of {got.dtype}; it should hold floats (an integer "
                       "array truncates every gradient: create it with a float dtype, e.g. np.zeros_like(x, "
                       "dtype=float)).", "dtype")
    return None


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


def param_grads(loss, params):
    """{"d<name>": numerical gradient of the scalar ``loss(params)`` with respect to params[name]}."""
    return {"d" + n: gradcheck.numerical_gradient(lambda z, n=n: loss({**params, n: z}),
                                                  np.array(params[n], dtype=np.float64)) for n in params}


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
