"""Catalogues of realistic wrong answers, one module per chapter (``MUTANTS``), written in one form:
``wrong(target, name, diagnosis=None, **params)`` registers the object it is applied to as a mutant
that replaces the graded object ``target`` (the check's other objects are the reference's):

    wrong = MUTANTS = Catalogue(__name__)

    @wrong("affine_forward", "missing bias", "value")      # replaces, what it is, what feedback names
    def affine_no_bias(x, W, b):
        return x @ W, (x, W, b)

    wrong("affine_backward", "every gradient negated", "sign")(negated(ref.affine_backward))

A tuple of targets replaces several objects at once (with a tuple of objects); ``params`` are the
check's parameters the mutant is graded with. The operators below make the mistakes that only
transform a reference's output. A function written out with ``def`` must stand alone (the grading
benchmark pastes it into a notebook as an answer): it uses only numpy and the notebook's own names.

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
    """The mutants of the chapter whose catalogue module is ``module`` (solutions.mutants.<slug>)."""

    def __init__(self, module):
        super().__init__()
        checks = checks_of(load(module.rsplit(".", 1)[-1])).values()
        self.owner = {}
        for c in checks:            # an object graded by two checks belongs to the first by default
            for f in c.functions:
                self.owner.setdefault(f, c.name)

    def __call__(self, target, name, diagnosis=None, *, check=None, **params):
        """``check``: the check that grades the mutant, when its target is graded by more than
        one (a node class whose forward and backward are graded apart)."""
        def register(obj):
            first = target if isinstance(target, str) else target[0]
            student = obj if isinstance(target, str) else dict(zip(target, obj))
            self.append(Mutant(check or self.owner[first], name, student, diagnosis, params, first))
            return obj
        return register


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


def scaled(fn, factor, only=None):
    """fn with every returned gradient (or only its ``only``-th output) multiplied by ``factor``."""
    if only is not None:
        return with_output(fn, only, lambda value, *args: factor * value)
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
    report = check.evaluate(*mutant.objects(check, ref), oracle=LiveOracle(ref), **mutant.params)
    return Outcome(slug, mutant.check, mutant.name, report.earned, report.points,
                   mutant.diagnosis, report.diagnoses)


def run_all():
    return [run_mutant(slug, m) for slug in SLUGS for m in catalogue(slug)]
