"""Benchmark 1: grading throughput, our sandboxed batch grader against `nbgrader autograde`.

Both grade the same submissions, in nbgrader's submitted layout, in one run:
  - a temporary course directory holds solutions/<slug>/ (the source notebook) and the repository's
    nbgrader_config.py; `nbgrader db assignment add` and `nbgrader generate_assignment` prepare it;
  - each submission is the released notebook with its answer cells filled in: the instructor's
    solution (markers removed), and for most students one function replaced by a wrong version
    taken from the chapter's catalogue of realistic mistakes (solutions/mutants/<slug>.py), so
    scores vary;
  - nbgrader grades them all in one process (`nbgrader autograde <slug> --force`, its fastest
    mode);
  - ours: `python -m autograder grade submitted --out OUT --workers 2 --seeds notebook`, sandbox
    on; the grade cells' own seeds, so that both draw the same cases (the timed comparison);
  - the two run ROUNDS times each, alternating, ours first; the best time of each counts;
  - ours again with the default seeds (derived from a secret kept in OUT): its time, and how many
    students it scores as nbgrader does (a different draw of cases may catch a wrong answer
    more or less often, so partial credit may differ).
Scores: nbgrader's from its gradebook (nbgrader.api.Gradebook), ours from OUT/grades.csv; they
are "identical" when equal to 4 decimals for every student (nbgrader reads partial credit from
the printed score, which carries 6 significant digits).
"""
from __future__ import annotations

import ast
import csv
import inspect
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PREFERRED = ("ch05_neural_nets",)   # the full run grades this chapter when its notebook exists
SMOKE_PREFERRED = ("ch02_gradients",)   # short notebook whose wrong answers are plain functions
N_FULL, N_SMOKE = 21, 2
WORKERS = 2
ROUNDS = 2          # each grader runs this many times, alternating; the best time counts


# --------------------------------------------------------------------------- submissions
def chapters_with_notebooks():
    from autograder.checks import SLUGS
    return [s for s in SLUGS if (ROOT / "solutions" / s / f"{s}.ipynb").exists()]


def _strip_markers(source):
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def _defined_names(nb):
    names = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def wrong_versions(slug, answers, available):
    """[(description, target function, source of a wrong def named like the target)] from the
    mutant catalogue: single functions whose source stands alone in the notebook (it uses only
    names the notebook defines) and whose target is defined in an answer cell."""
    from autograder.checks.base import checks_of, load
    from solutions.mutants import catalogue
    checks = checks_of(load(slug))
    out = []
    for m in catalogue(slug):
        fn = m.student
        check = checks.get(m.check)
        if check is None or len(check.functions) != 1 or m.params or not inspect.isfunction(fn):
            continue
        target = check.functions[0]
        if not any(target in _function_names(src) for src in answers.values()):
            continue
        try:
            cv = inspect.getclosurevars(fn)
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError):
            continue
        if cv.nonlocals or not set(cv.globals) <= available or len(tree.body) != 1 \
                or not isinstance(tree.body[0], ast.FunctionDef):
            continue
        tree.body[0].name = target
        tree.body[0].decorator_list = []
        out.append((m.name, target, ast.unparse(tree)))
    # round-robin over the target functions, so the mistakes spread over the notebook
    by_target = {}
    for w in out:
        by_target.setdefault(w[1], []).append(w)
    queues = list(by_target.values())
    return [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]


def _function_names(src):
    try:
        return {n.name for n in ast.parse(src).body if isinstance(n, ast.FunctionDef)}
    except SyntaxError:
        return set()


def _replace_def(src, name, new_def):
    """``src`` with the top-level def ``name`` replaced by ``new_def``."""
    node = next(n for n in ast.parse(src).body if isinstance(n, ast.FunctionDef) and n.name == name)
    lines = src.splitlines()
    start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
    return "\n".join(lines[:start] + new_def.splitlines() + lines[node.end_lineno:])


def build_submissions(course, slug, n, signed=False):
    """Write n submissions to course/submitted/<student>/<slug>/<slug>.ipynb. Returns
    ({student: what is wrong, '' for a full solution}, number of usable wrong versions).
    ``signed``: each first answer cell ends with a comment naming its student, so that no two
    submissions hold the same code (as in a real class; the grader draws cases per code)."""
    source = nbformat.read(course / "solutions" / slug / f"{slug}.ipynb", as_version=4)
    release = nbformat.read(course / "exercises" / slug / f"{slug}.ipynb", as_version=4)
    answers = {c.metadata.nbgrader["grade_id"]: _strip_markers(c.source) for c in source.cells
               if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    wrong = wrong_versions(slug, answers, _defined_names(source) | {"np"})
    plan = {}
    for i in range(n):
        student = f"student{i + 1:02d}"
        # one student in three hands in the full solution; the others one wrong function each
        mistake = None if (i % 3 == 0 or not wrong) else wrong[(i - i // 3 - 1) % len(wrong)]
        nb = nbformat.reads(nbformat.writes(release), as_version=4)
        sign = f"\n# {student}\n" if signed else ""
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in answers:
                cell.source, sign = answers[gid] + sign, ""
                if mistake and mistake[1] in _function_names(cell.source):
                    cell.source = _replace_def(cell.source, mistake[1], mistake[2])
                    mistake = (mistake[0], None, None)   # replace one function only
        dest = course / "submitted" / student / slug
        dest.mkdir(parents=True)
        nbformat.write(nb, dest / f"{slug}.ipynb")
        plan[student] = mistake[0] if mistake else ""
    return plan, len(wrong)


# --------------------------------------------------------------------------- running both
def _env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBGRADER")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"  # nbgrader calls alembic
    env["HOME"] = str(home)
    return env


def _run(cmd, cwd, env, log):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log.write_text(f"$ {' '.join(map(str, cmd))}\n{proc.stdout}\n{proc.stderr}")
    if proc.returncode != 0:
        tail = " / ".join([ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()][-3:])
        raise RuntimeError(f"`{' '.join(map(str, cmd[:3]))} ...` failed (exit {proc.returncode}): {tail[-400:]}")
    return seconds


def prepare_course(work, slug, env):
    course = work / "course"
    shutil.copytree(ROOT / "solutions" / slug, course / "solutions" / slug,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py", ".ipynb_checkpoints"))
    shutil.copy(ROOT / "nbgrader_config.py", course)
    _run([BIN / "nbgrader", "db", "assignment", "add", slug], course, env, work / "db_add.log")
    _run([BIN / "nbgrader", "generate_assignment", slug, "--force"], course, env, work / "generate.log")
    return course


def nbgrader_scores(course, slug, students):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s: (float(gb.find_submission(slug, s).score), float(gb.find_submission(slug, s).max_score))
                for s in students}


def cell_scores(db, slug, students):
    """{(student, grade id): score} of every grade cell in an nbgrader gradebook (a sqlite file)."""
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for s in students:
            for nb in gb.find_submission(slug, s).notebooks:
                out.update({(s, g.name): float(g.score) for g in nb.grades})
    return out


def our_scores(out):
    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r["student_id"]: (float(r["score"]) if r["score"] not in ("", None) else None,
                              float(r["max_score"]) if r["max_score"] else None, r["status"], r.get("detail", ""))
            for r in rows}


def run(smoke, work):
    work.mkdir(parents=True, exist_ok=True)
    res = {"rows": [], "values": {}, "reasons": {}, "notes": [], "commands": []}
    keys = ("grading_speedup_vs_nbgrader", "grading_scores_identical")
    available = chapters_with_notebooks()
    if not available:
        res["reasons"] = {k: "no chapter has a source notebook (solutions/<slug>/<slug>.ipynb) yet" for k in keys}
        return res
    if not (ROOT / "autograder" / "__main__.py").exists():
        res["reasons"] = {k: "the batch grader (python -m autograder grade) does not exist yet" for k in keys}
        return res
    if shutil.which("bwrap") is None:
        res["reasons"] = {k: "bubblewrap (bwrap) is not installed, and the benchmark grades with the sandbox on"
                          for k in keys}
        return res
    slug = next((s for s in (SMOKE_PREFERRED if smoke else PREFERRED) if s in available), available[0])
    n = N_SMOKE if smoke else N_FULL
    env = _env(work / "home")
    (work / "home").mkdir()

    course = prepare_course(work, slug, env)
    plan, n_wrong = build_submissions(course, slug, n)
    students = sorted(plan)
    out_secret = work / "ours_secret"

    def ours_cmd(dest, seeds):
        return [sys.executable, "-m", "autograder", "grade", str(course / "submitted"), "--out", str(dest),
                "--workers", str(WORKERS), "--seeds", seeds]
    # --force: every round grades every submission again (nbgrader skips graded ones otherwise)
    nbg_cmd = [str(BIN / "nbgrader"), "autograde", slug, "--force"]
    our_env = {**env, "HOME": os.environ.get("HOME", str(work / "home"))}
    # alternate rounds, ours first, so that any cold-cache penalty falls on our grader; each
    # round of ours writes a fresh OUT (a new gradebook), nbgrader regrades into its gradebook
    ours_times, nbg_times = [], []
    rounds = 1 if smoke else ROUNDS
    for r in range(rounds):
        out = work / f"ours{r}"
        ours_times.append(_run(ours_cmd(out, "notebook"), ROOT, our_env, work / f"ours{r}.log"))
        nbg_times.append(_run(nbg_cmd, course, env, work / f"nbgrader{r}.log"))
    t_ours, t_nbg = min(ours_times), min(nbg_times)
    t_secret = _run(ours_cmd(out_secret, "secret"), ROOT, our_env, work / "ours_secret.log")

    theirs = nbgrader_scores(course, slug, students)
    ours = our_scores(out)
    diffs, mismatched = [], []
    for s in students:
        mine = ours.get(s)
        if mine is None or mine[0] is None:
            mismatched.append(f"{s}: ours {mine[2] if mine else 'missing'} {mine[3] if mine else ''}")
            continue
        d = abs(mine[0] - theirs[s][0])
        diffs.append(d)
        if round(mine[0], 4) != round(theirs[s][0], 4) or mine[1] != theirs[s][1]:
            mismatched.append(f"{s} ({plan[s] or 'full solution'}): ours {mine[0]:g}/{mine[1]:g}, "
                              f"nbgrader {theirs[s][0]:g}/{theirs[s][1]:g}")
    identical = not mismatched
    secret = our_scores(out_secret)
    same_secret = sum(1 for s in students if secret.get(s, (None,))[0] is not None
                      and round(secret[s][0], 4) == round(theirs[s][0], 4))
    rate_ours, rate_nbg = n / t_ours * 60, n / t_nbg * 60
    speedup = rate_ours / rate_nbg
    distinct = sorted({round(v[0], 4) for v in theirs.values()})
    res["values"] = {"grading_speedup_vs_nbgrader": round(speedup, 3), "grading_scores_identical": identical}
    res["rows"] += [
        (f"grade {n} submissions of {slug} (s)", f"{t_ours:.1f}", f"nbgrader autograde: {t_nbg:.1f}"),
        ("notebooks per minute", f"{rate_ours:.1f}", f"nbgrader: {rate_nbg:.1f} ({speedup:.2f}x)"),
        ("scores identical per student", f"{identical}",
         f"largest difference {max(diffs, default=0):.2g}; {len(distinct)} distinct scores"),
        ("default seeds (secret): notebooks per minute", f"{n / t_secret * 60:.1f}",
         f"{n / t_secret * 60 / rate_nbg:.2f}x nbgrader; {same_secret} of {n} students scored as nbgrader does"),
    ]
    res["notes"] += [
        f"{n} submissions of {slug}: full solutions {sum(1 for p in plan.values() if not p)}, "
        f"one function replaced by a wrong version {sum(1 for p in plan.values() if p)} "
        f"({n_wrong} usable wrong versions in the catalogue); nbgrader's scores: "
        + ", ".join(f"{v:g}" for v in distinct) + f" of {theirs[students[0]][1]:g}.",
        f"Ours: {WORKERS} workers, each notebook in its own bubblewrap sandbox, writing grades.csv, "
        "feedback pages and a gradebook; nbgrader: one process, notebooks one after another, "
        "gradebook only (feedback is a separate command). Each time is one run of the whole command; "
        f"ours with the notebooks' seeds and nbgrader ran {rounds} time(s) each, alternating, ours first, "
        "and the best time of each counts (ours: " + ", ".join(f"{t:.1f}" for t in ours_times)
        + " s; nbgrader: " + ", ".join(f"{t:.1f}" for t in nbg_times) + " s); then ours once with "
        "the default secret seeds.",
    ]
    if (out / "gradebook.db").exists():   # which tests disagree, from both gradebooks
        a, b = cell_scores(course / "gradebook.db", slug, students), cell_scores(out / "gradebook.db", slug, students)
        differ = sorted(k for k in a if k not in b or round(a[k], 4) != round(b[k], 4))
        res["rows"].append(("grade cells with the same score", f"{len(a) - len(differ)} of {len(a)}",
                            f"differ: {len(differ)}"))
        if differ:
            res["notes"].append("Grade cells scored differently (nbgrader, ours): " + "; ".join(
                f"{s} {gid} ({a[(s, gid)]:g}, {b.get((s, gid), float('nan')):g})" for s, gid in differ))
    used = sorted({p for p in plan.values() if p})
    res["notes"].append("Wrong versions handed in: " + ("; ".join(used) if used else "none"))
    if mismatched:
        res["notes"].append("Scores that differ: " + "; ".join(mismatched))
    res["commands"] += [
        f"nbgrader db assignment add {slug} && nbgrader generate_assignment {slug} --force   # in a temp course",
        f"python -m autograder grade submitted --out OUT --workers {WORKERS} --seeds notebook   # timed, best of {rounds}",
        f"nbgrader autograde {slug} --force   # timed, in the course directory, best of {rounds}",
        f"python -m autograder grade submitted --out OUT2 --workers {WORKERS}   # timed, default seeds",
    ]
    return res
