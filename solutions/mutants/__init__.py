"""Catalogues of realistic wrong answers, one module per chapter: ``MUTANTS = [Mutant(...), ...]``.

    python -m solutions.mutants     prints, per graded function, how many mutants lose points

A mutant is killed when its check earns it fewer points than a right answer, and (where the
mutant names a diagnosis) the feedback names that diagnosis. tests/test_mutants.py asserts both.
"""
import importlib
from dataclasses import dataclass

from autograder.checks import SLUGS
from autograder.checks.base import LiveOracle, checks_of, load


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
    oracle = LiveOracle(importlib.import_module(f"solutions.{slug}"))
    report = check.evaluate(*mutant.objects, oracle=oracle, **mutant.params)
    return Outcome(slug, mutant.check, mutant.name, report.earned, report.points,
                   mutant.diagnosis, report.diagnoses)


def run_all():
    return [run_mutant(slug, m) for slug in SLUGS for m in catalogue(slug)]
