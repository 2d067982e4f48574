"""Similarity of the students' own code (copydetect): what is flagged, what is not, and why."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import report_answers as answers
import pytest
from report_helpers import SLUG

from autograder.report import similarity as sim

TEMPLATE = sim.release_code(SLUG)


def own(name):
    return sim.own_code(list(getattr(answers, name).values()), TEMPLATE)


@pytest.fixture(scope="module")
def pairs():
    codes = {name: own(name) for name in ("ORIGINAL", "COPY", "FIRST", "SECOND")}
    codes["RELEASE"] = sim.own_code(TEMPLATE, TEMPLATE)
    return {frozenset((p.a, p.b)): p for p in sim.similar_pairs(codes, TEMPLATE)}


def test_the_release_leaves_no_code_of_its_own():
    """Is a student's own code empty when they hand in the release untouched, and does it keep
    their answer lines but none of the template's (signatures, stubs, imports)?"""
    assert TEMPLATE, "exercises/ch02_gradients/ch02_gradients.ipynb has code cells"
    assert sim.own_code(TEMPLATE, TEMPLATE) == ""
    code = own("ORIGINAL")
    assert "f_up = float(f(x))" in code
    assert "def numerical_gradient(f, x, h=1e-5):" not in code and "NotImplementedError" not in code


def test_a_renamed_reordered_copy_is_flagged(pairs):
    """Is COPY (ORIGINAL with every local name changed, functions reversed and in one cell,
    comments added) flagged against ORIGINAL, with matching regions in both?"""
    p = pairs[frozenset(("ORIGINAL", "COPY"))]
    assert p.flagged, (p.matched, p.share_a, p.share_b)
    assert p.slices_a and p.slices_b
    copy_text = p.code_a if p.a == "COPY" else p.code_b
    copy_slices = p.slices_a if p.a == "COPY" else p.slices_b
    marked = "".join(copy_text[s:e] for s, e in copy_slices)
    assert "saved_value" in marked and "(plus - minus)" in marked


def test_independent_solutions_and_the_release_are_not_flagged(pairs):
    """Are two correct solutions written independently, and the untouched release, flagged with
    nobody, although every one of them is correct?"""
    for key, p in pairs.items():
        if key & {"FIRST", "SECOND", "RELEASE"}:
            assert not p.flagged, (sorted(key), p.matched, p.share_a, p.share_b)
    assert not any("RELEASE" in key for key in pairs)


def test_identical_short_answers_are_not_evidence():
    """Two students whose only own code is the same 3-line function share 100% of it, yet are not
    flagged: too little code matches. The same answers to the whole chapter are."""
    short = answers.ORIGINAL["rel_error"]
    (p,) = sim.similar_pairs({"a": sim.own_code([short], TEMPLATE), "b": sim.own_code([short], TEMPLATE)},
                             TEMPLATE)
    assert min(p.share_a, p.share_b) > 0.9 and p.matched < sim.MIN_MATCHED and not p.flagged
    (p,) = sim.similar_pairs({"a": own("ORIGINAL"), "b": own("ORIGINAL")}, TEMPLATE)
    assert p.flagged and p.matched >= sim.MIN_MATCHED


def test_groups_join_chains_of_flagged_pairs():
    """Do flagged pairs a-b and b-c make one group, an unflagged pair none?"""
    def pair(a, b, matched):
        return sim.Pair(a, b, matched, 1.0, 1.0, [], [], "", "")
    assert sim.groups([pair("a", "b", 500), pair("c", "b", 500), pair("d", "e", 10)]) == [["a", "b", "c"]]


def test_the_same_code_gives_the_same_pairs_in_every_process():
    """Are the matched amounts the same in two processes with different hash salts (so a pair
    near the threshold is not flagged on one run and not on the next)?"""
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import report_answers as answers; "
              "from autograder.report import similarity as s; t = s.release_code('ch02_gradients'); "
              "c = {n: s.own_code(list(getattr(answers, n).values()), t) for n in ('ORIGINAL', 'COPY', 'FIRST')}; "
              "print([(p.a, p.b, p.matched, p.slices_a) for p in s.similar_pairs(c, t)])")
    here = str(Path(__file__).resolve().parent)
    runs = {subprocess.run([sys.executable, "-c", script, here], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and "COPY" in runs.pop()
