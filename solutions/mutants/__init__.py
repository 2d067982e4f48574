"""Catalogues of realistic wrong answers, one module per chapter, each written in one form:

    wrong = Catalogue("ch05_neural_nets")

    @wrong("affine_forward", "missing bias", "value")         # graded object it replaces, name,
    def affine_no_bias(x, W, b):                               # the diagnosis feedback must name
        return x @ W, (x, W, b)

    wrong.add("affine_backward", "every gradient negated", negated(ref.affine_backward), "sign")

A mutant replaces one graded object (or several: ``wrong.add({"f_forward": f, "f_backward": b}, ...)``);
the check's other objects are the reference's. The operators below make the mistakes that only
transform a reference's output. A decorated function must stand alone (the grading benchmark pastes
it into a notebook as an answer), so it uses only numpy and the notebook's own names.

    python -m solutions.mutants     prints, per graded function, how many mutants lose points

A mutant is killed when its check earns it fewer points than a right answer, and (where the
mutant names a diagnosis) the feedback names that diagnosis. tests/test_mutants.py asserts both.
"""
import importlib
from dataclasses import dataclass, field

import numpy as np

from autograder.checks import SLUGS
from autograder.checks.base import LiveOracle, checks_of, load


@dataclass
class Mutant:
    """A wrong answer for one check: ``student`` replaces the graded object ``target`` (or is a dict
    {graded name: object}); ``diagnosis`` is what the feedback must name (None: any)."""
    check: str
    name: str
    student: object
    diagnosis: str | None = None
    params: dict = field(default_factory=dict)
    target: str = ""

    def objects(self, check, ref):
        """The objects handed to ``check``: the reference's, with this mutant's replacements."""
        swap = self.student if isinstance(self.student, dict) else {self.target or check.functions[0]: self.student}
        return tuple(swap[f] if f in swap else getattr(ref, f) for f in check.functions)


class Catalogue(list):
    """The mutants of one chapter. ``catalogue(target, name, diagnosis, **params)`` decorates a wrong
    object; ``catalogue.add(target, name, obj, diagnosis, **params)`` adds one made by an operator."""

    def __init__(self, slug):
        super().__init__()
        self.owner = {f: c.name for c in checks_of(load(slug)).values() for f in c.functions}

    def __call__(self, target, name, diagnosis=None, **params):
        def add(obj):
            self.add(target, name, obj, diagnosis, **params)
            return obj
        return add

    def add(self, target, name, student, diagnosis=None, **params):
        first = target if isinstance(target, str) else next(iter(target))
        student = student if isinstance(target, str) else dict(zip(target, student))
        self.append(Mutant(self.owner[first], name, student, diagnosis, params, first))


# --------------------------------------------------------------------------- operators
def _map(out, f):
    if isinstance(out, tuple):
        return tuple(f(v) for v in out)
    if isinstance(out, dict):
        return {k: f(v) for k, v in out.items()}
    return f(out)


def negated(fn):
    """fn with every returned gradient negated (a flipped sign)."""
    return lambda *args: _map(fn(*args), lambda g: -g)


def scaled(fn, factor):
    """fn with every returned gradient multiplied by ``factor``."""
    return lambda *args: _map(fn(*args), lambda g: factor * g)


def without_upstream(fn):
    """A backward that ignores its upstream gradient: fn(ones like it, cache)."""
    return lambda dout, cache: fn(np.ones_like(dout) if np.ndim(dout) else 1.0, cache)


def with_output(fn, index, change):
    """fn with its ``index``-th returned value replaced by change(value, *args)."""
    def mutant(*args):
        out = list(fn(*args))
        out[index] = change(out[index], *args)
        return tuple(out)
    return mutant


# --------------------------------------------------------------------------- running them
@dataclass
class Outcome:
    slug: str
    check: str
    mutant: str
    earned: float
    points: float
    expected_diagnosis: str | None
    diagnoses: set

    @property
    def loses_points(self):
        return self.earned < self.points

    @property
    def diagnosis_named(self):
        return self.expected_diagnosis is None or self.expected_diagnosis in self.diagnoses

    @property
    def killed(self):
        return self.loses_points and self.diagnosis_named


def catalogue(slug):
    """The MUTANTS list of a chapter ([] when the chapter has none)."""
    try:
        return importlib.import_module(f"solutions.mutants.{slug}").MUTANTS
    except ModuleNotFoundError:
        return []


def run_mutant(slug, mutant):
    """Grade one mutant with the reference oracle; return its Outcome."""
    check = checks_of(load(slug))[mutant.check]
    ref = importlib.import_module(f"solutions.{slug}")
    objects = mutant.student if isinstance(mutant.student, tuple) else mutant.objects(check, ref)
    report = check.evaluate(*objects, oracle=LiveOracle(ref), **mutant.params)
    return Outcome(slug, mutant.check, mutant.name, report.earned, report.points,
                   mutant.diagnosis, report.diagnoses)


def run_all():
    return [run_mutant(slug, m) for slug in SLUGS for m in catalogue(slug)]
