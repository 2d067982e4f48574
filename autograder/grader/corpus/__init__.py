"""The adversarial corpus: submissions built from a released notebook that try to cheat or to
break the grader, and controls; each case knows what its honest core deserves.

    python -m autograder.grader.corpus [--slug SLUG] [--timeout 10] [--workers 2] [--keep DIR]
        builds the corpus, grades it in one batch, prints the table (case, expected, got) and
        exits 1 if any case differs.

    cores.py      honest cores (stub, full, partial, wrong) and their score the plain way
    attacks.py    controls and attacks: a core plus a change to its notebook
    malformed.py  files with no gradable notebook

An attack must score exactly what its core scores; a malformed file must be ungradable.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from autograder.grader.corpus.attacks import payloads
from autograder.grader.corpus.cores import SCORE_AS, cores, honest_score
from autograder.grader.corpus.malformed import MALFORMED, write
from autograder.grader.plan import ROOT, build_plan, import_from, load_secret


@dataclass
class CorpusCase:
    name: str
    kind: str                    # "control", "attack" or "malformed"
    core: str | None             # honest core; None for malformed files
    status: str | None           # expected status; None: either (the score is what counts)
    score: float = 0.0           # expected score
    what: str = ""


def _read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _module_file(module, paths):
    try:
        return str(Path(import_from(module, paths).__file__).resolve())
    except (ImportError, TypeError):
        return ""


def build(assignment, submissions, out):
    """Write the corpus under ``submissions`` (one student per case), for grading into ``out``
    (whose secret decides the cases). Returns (cases, canary file)."""
    submissions, out = Path(submissions), Path(out)
    slug = assignment.slug
    out.mkdir(parents=True, exist_ok=True)
    plan = build_plan(assignment, load_secret(out))
    honest = cores(_read(assignment.release), _read(assignment.source))
    canary = submissions.parent / "canary.txt"
    canary.parent.mkdir(parents=True, exist_ok=True)
    canary.write_text("must not change\n")
    ctx = {"slug": slug, "checks": sorted(plan.check_names), "module": assignment.check_module,
           "reference": assignment.reference_module, "out": str(out.resolve()), "root": str(ROOT),
           "source": str(Path(assignment.source).resolve()), "canary": str(canary.resolve()),
           "victim": str((submissions / "control_full" / slug / f"{slug}.ipynb").resolve()),
           "reference_file": _module_file(assignment.reference_module, assignment.reference_paths),
           "grader_file": str(Path(__file__).resolve().parents[1] / "__init__.py")}
    scores, cases = {}, []
    for name, p in payloads(ctx).items():
        folder = submissions / name / slug
        folder.mkdir(parents=True)
        (folder / f"{slug}.ipynb").write_text(json.dumps(p.transform(honest[p.core]), indent=1))
        scored = SCORE_AS.get(p.core, p.core)
        if scored not in scores:
            scores[scored] = honest_score(honest[scored], plan)
        kind = "control" if name.startswith("control_") else "attack"
        cases.append(CorpusCase(name, kind, p.core, p.status, scores[scored], p.what))
    renamed = submissions / "control_renamed" / slug          # a control under another file name
    renamed.mkdir(parents=True)
    shutil.copy(submissions / "control_full" / slug / f"{slug}.ipynb", renamed / "my_answers.ipynb")
    cases.append(CorpusCase("control_renamed", "control", "full", "graded", scores["full"],
                            "correct, saved under another name"))
    good = json.dumps(honest["full"]).encode()
    for name, what in MALFORMED.items():
        folder = submissions / name / slug
        folder.mkdir(parents=True)
        write(name, folder, slug, good, assignment.source)
        cases.append(CorpusCase(name, "malformed", None, "ungradable", 0.0, what))
    return cases, canary


def compare(cases, outcomes):
    """[(case, outcome or "missing", ok)] in case order."""
    got = {o.student: o for o in outcomes}
    rows = []
    for c in cases:
        o = got.get(c.name)
        ok = o is not None and abs(o.score - c.score) < 1e-6 and (c.status is None or o.status == c.status)
        rows.append((c, o if o is not None else "missing", ok))
    return rows


def table(rows):
    lines = [f"{'case':<28} {'kind':<9} {'expected':<18} {'got':<18} ok  what / detail"]
    for c, o, ok in rows:
        expected = f"{c.score:g} {c.status or 'any'}"
        got = o if isinstance(o, str) else f"{o.score:g} {o.status}"
        detail = c.what if ok or isinstance(o, str) else f"{c.what} -- {o.detail}"
        lines.append(f"{c.name:<28} {c.kind:<9} {expected:<18} {got:<18} {'ok' if ok else 'NO'}  {detail}")
    kinds = {k: sum(c.kind == k for c, *_ in rows) for k in ("control", "attack", "malformed")}
    lines.append(f"{sum(ok for *_, ok in rows)}/{len(rows)} cases as expected ({kinds['control']} controls, "
                 f"{kinds['attack']} attacks, {kinds['malformed']} malformed files)")
    return "\n".join(lines)
