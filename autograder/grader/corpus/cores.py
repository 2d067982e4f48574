"""Honest cores: notebooks without tricks, built from the released and the source notebook, and
their score computed the plain way (no sandbox): the core's code cells run in this process and
``check.evaluate`` grades its objects on the very cases the grader draws (same secret).

    cores(release, source) -> {name: notebook}
    honest_score(notebook, plan) -> float
"""
from __future__ import annotations

import ast
import contextlib
import copy
import io

from autograder.checks.base import LiveOracle
from autograder.grader.plan import import_from

# A core that cannot run here (it never returns) scores as the core it equals in points:
# an answer that loops forever earns what a missing answer earns.
SCORE_AS = {"last_loops": "last_stub"}

NEGATED = '''def _negated(v):
    """-v for numbers, arrays and tuples of them; anything else unchanged."""
    if isinstance(v, tuple):
        return tuple(_negated(x) for x in v)
    try:
        return -v
    except TypeError:
        return v


'''


def meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def src(cell):
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def code_cell(source, cid):
    return {"cell_type": "code", "execution_count": None, "id": cid, "metadata": {},
            "outputs": [], "source": source}


def is_test(cell):
    return cell["cell_type"] == "code" and bool(meta(cell).get("grade"))


def insert(nb, where, *sources):
    """Put code cells at 'top' (after the first code cell), 'middle' or 'end'."""
    nb = copy.deepcopy(nb)
    code_idx = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    at = {"top": code_idx[0] + 1, "middle": code_idx[len(code_idx) // 2], "end": len(nb["cells"])}[where]
    for k, s in enumerate(sources):
        nb["cells"].insert(at + k, code_cell(s, f"extra-{where}-{k}"))
    return nb


def solution_ids(source_nb):
    return [meta(c).get("grade_id") for c in source_nb["cells"]
            if c["cell_type"] == "code" and meta(c).get("solution") and not meta(c).get("grade")]


def fill(release, source, ids):
    """The release with the source's solution cells ``ids`` put back (an honest answer)."""
    answers = {meta(c).get("grade_id"): src(c) for c in source["cells"]}
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        gid = meta(cell).get("grade_id")
        if gid in ids and not meta(cell).get("grade"):
            cell["source"] = answers[gid]
    return nb


class _Flip(ast.NodeTransformer):
    """A wrong answer: negate returned values, subtract what should be added."""
    def visit_Return(self, node):
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            node.value = ast.Call(ast.Name("_negated", ast.Load()), [node.value], [])
        return node

    def visit_AugAssign(self, node):
        if isinstance(node.op, ast.Add):
            node.op = ast.Sub()
        return node


def mutate(nb, gid, how):
    """The notebook with answer cell ``gid`` made wrong: "flip" (signs), "crash" (the stub raises
    ValueError) or "loop" (every function starts with an endless loop)."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if meta(cell).get("grade_id") != gid or meta(cell).get("grade"):
            continue
        tree = ast.parse(src(cell))
        if how == "flip":
            cell["source"] = NEGATED + ast.unparse(ast.fix_missing_locations(_Flip().visit(tree)))
        elif how == "crash":
            cell["source"] = src(cell).replace("raise NotImplementedError()", "raise ValueError('not finished')")
        elif how == "loop":
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    node.body.insert(0, ast.parse("while True:\n    pass").body[0])
            cell["source"] = ast.unparse(ast.fix_missing_locations(tree))
    return nb


def cores(release, source):
    """The honest cores, by name."""
    ids = solution_ids(source)
    half = max(1, len(ids) // 2)
    full = fill(release, source, ids)
    return {
        "stub": copy.deepcopy(release),
        "full": full,
        "partial": fill(release, source, ids[:half]),
        "partial2": fill(release, source, ids[half:]),
        "wrong_sign": mutate(full, ids[0], "flip"),
        "wrong_crash": mutate(fill(release, source, ids[1:]), ids[0], "crash"),
        "last_stub": fill(release, source, ids[:-1]),
        "last_loops": mutate(full, ids[-1], "loop"),
    }


def honest_score(nb, plan):
    """Score of an honest core, the plain way: run its code cells here, evaluate its objects."""
    a = plan.assignment
    checks = plan.check_objects()
    oracle = LiveOracle(import_from(a.reference_module, a.reference_paths))
    ns = {"__name__": "__main__"}
    total = 0.0
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or is_test(cell):
                continue
            try:
                exec(compile(src(cell), "<core>", "exec"), ns)   # noqa: S102 - trusted honest cores
            except Exception:  # noqa: BLE001 - nbgrader also runs on past a failing cell
                pass
        for pt, tc in zip(plan.tests, plan.test_sources):
            try:
                objs = [_resolve(ns, name) for name in pt.objects]
            except (KeyError, AttributeError):
                continue
            params = {k: v for k, v in tc.call.params.items() if k not in ("seed", "points")}
            total += checks[pt.check].evaluate(*objs, seed=pt.seed, points=pt.points, oracle=oracle,
                                               **params).earned
    return round(total, 4)


def _resolve(ns, dotted):
    head, *rest = dotted.split(".")
    obj = ns[head]
    for attr in rest:
        obj = getattr(obj, attr)
    return obj
