"""Mutation testing: does every realistic wrong answer in solutions/mutants lose points?"""
import pytest

from autograder.checks import SLUGS
from autograder.checks.base import checks_of, load
from solutions.mutants import catalogue, run_mutant

CASES = [(slug, m) for slug in SLUGS for m in catalogue(slug)]


def test_every_chapter_has_a_catalogue():
    """Does each chapter with checks ship at least five mutants per graded function?"""
    for slug in SLUGS:
        try:
            checks = checks_of(load(slug))
        except ModuleNotFoundError:
            pytest.fail(f"{slug} has no check module")
        counts = {name: 0 for name in checks}
        for m in catalogue(slug):
            assert m.check in checks, f"{slug}: mutant {m.name!r} names unknown check {m.check}"
            counts[m.check] += 1
        thin = {name: n for name, n in counts.items() if n < 5}
        assert not thin, f"{slug}: fewer than five mutants for {thin}"


@pytest.mark.parametrize("slug, mutant", CASES, ids=[f"{s}:{m.check}:{m.name}" for s, m in CASES])
def test_mutant_is_killed(slug, mutant):
    """Does this wrong answer lose points, with the feedback naming its mistake?"""
    o = run_mutant(slug, mutant)
    assert o.loses_points, f"{mutant.name} earned full marks ({o.earned:g}/{o.points:g})"
    assert o.diagnosis_named, (f"{mutant.name}: feedback named {sorted(o.diagnoses)}, "
                               f"expected {mutant.diagnosis}")
