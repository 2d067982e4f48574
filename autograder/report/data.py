"""Outcome records turned into the tables of the class report.

    assignments(outcomes) -> list[Assignment]     one per slug, sorted; everything the page shows

Records are read through ``getattr``/``dict.get`` with defaults: a test's ``seconds`` may be
absent, and a record written by an older grader still loads. Strings in the result (student
ids, slugs, messages, reasons) come from submissions: escape them wherever they are shown.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from autograder.report.mistakes import finding_costs, function_of, mistake_map, tests_of

_INDEX = re.compile(r"\((?:\s*\d+\s*,)*\s*\d*\s*\)")          # an index: (), (4,), (0, 2, 1)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass
class FunctionStats:
    function: str
    graded: int               # students graded on it
    full: int                 # of whom earned full marks
    points: float             # points it is worth (all its tests)
    lost: float               # points the class lost on it
    median_seconds: float | None = None    # None: no test recorded its time
    slowest: tuple | None = None           # (seconds, student)


@dataclass
class Message:
    function: str
    example: str              # the message as one student saw it
    students: int             # distinct students shown it (the numbers in it may vary)
    varies: bool


@dataclass
class Assignment:
    slug: str
    graded: list              # graded Outcomes, sorted by student
    ungradable: list          # ungradable Outcomes
    reasons: list             # [(reason, count)], most frequent first
    max_score: float
    cells: list               # [mistakes.Cell], most costly first
    functions: list           # [FunctionStats], most points lost first (the map's rows)
    diagnoses: list           # the map's columns, most points lost first
    messages: list            # the ten most shown [Message]

    @property
    def scores(self):
        return [float(o.score) for o in self.graded]

    @property
    def mean(self):
        return statistics.fmean(self.scores) if self.graded else None

    @property
    def median(self):
        return statistics.median(self.scores) if self.graded else None


def _reason(detail):
    return " ".join(str(detail).split()) or "(no reason given)"


def _seconds(test):
    s = test.get("seconds")
    return float(s) if isinstance(s, (int, float)) and not isinstance(s, bool) and s > 0 else None


def _functions(graded, cells):
    per = defaultdict(dict)        # function -> student -> [earned, points, seconds or None]
    for o in graded:
        for t in tests_of(o):
            row = per[function_of(t)].setdefault(o.student, [0.0, 0.0, None])
            row[0] += float(t.get("earned", 0) or 0)
            row[1] += float(t.get("points", 0) or 0)
            if _seconds(t) is not None:
                row[2] = (row[2] or 0.0) + _seconds(t)
    lost = defaultdict(float)
    for c in cells:
        lost[c.function] += c.points
    stats = []
    for fn, students in per.items():
        times = sorted((s, who) for who, (_, _, s) in students.items() if s is not None)
        stats.append(FunctionStats(
            fn, len(students), sum(1 for e, p, _ in students.values() if e >= p - 1e-9),
            max(p for _, p, _ in students.values()), round(lost[fn], 4),
            statistics.median(s for s, _ in times) if times else None,
            times[-1] if times else None))
    return sorted(stats, key=lambda s: (-s.lost, s.function))


def _messages(graded, n=10):
    """The n failure messages shown to the most students; numbers and indices are ignored when
    grouping."""
    seen, example, variants = defaultdict(set), {}, defaultdict(set)
    for o in graded:
        for t in tests_of(o):
            fn = function_of(t)
            for f, _ in finding_costs(t):
                text = " ".join(str(f.get("message", "")).split())
                key = (fn, _NUMBER.sub("#", _INDEX.sub("(#)", text)))
                seen[key].add(o.student)
                example.setdefault(key, text)
                variants[key].add(text)
    ranked = sorted(seen, key=lambda k: (-len(seen[k]), k))
    return [Message(k[0], example[k], len(seen[k]), len(variants[k]) > 1) for k in ranked[:n]]


def assignments(outcomes):
    """Per slug (sorted): the distributions, the mistake map, functions and messages."""
    by = defaultdict(list)
    for o in outcomes:
        by[str(getattr(o, "slug", "") or "")].append(o)
    out = []
    for slug in sorted(by):
        rows = sorted(by[slug], key=lambda o: str(o.student))
        graded = [o for o in rows if o.status == "graded"]
        bad = [o for o in rows if o.status != "graded"]
        cells = mistake_map(graded)
        cost = defaultdict(float)
        for c in cells:
            cost[c.diagnosis] += c.points
        out.append(Assignment(
            slug, graded, bad, Counter(_reason(o.detail) for o in bad).most_common(),
            max((float(o.max_score) for o in rows), default=0.0), cells, _functions(graded, cells),
            sorted(cost, key=lambda d: (-cost[d], d)), _messages(graded)))
    return out
