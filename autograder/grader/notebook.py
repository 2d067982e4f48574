"""Notebooks as the grader sees them: the trusted source's grade cells, a submission's code.

    source_tests(path) -> list[TestCell]     grade cells of an nbgrader source notebook, each
                                             with its one-line check call parsed by ``ast``
    parse_call(code) -> Call                 ``check_x(fn_a, fn_b, seed=3, shapes=[(1, 5)])``
    read_submission(path, max_bytes) -> list[Cell]   a submitted notebook, read defensively;
                                             raises Unreadable(reason) with a reason a person
                                             understands (not JSON, not UTF-8, nbformat 5, ...)
    split_code(cells, tests, released) -> (code, ignored)   the student's code cells to run, in
                                             order, and how many test cells were left out

A submission's own test cells are never run: every cell that claims (by nbgrader grade id or
cell id) or looks like (same text, or a lone call of a known check) a test cell is dropped, and
the tests run afterwards from the source. Nothing in a submission's metadata is trusted.
"""
from __future__ import annotations

import ast
import errno
import json
import os
import stat
from dataclasses import dataclass, field

from autograder.grader.limits import Limits

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"


class Unreadable(ValueError):
    """A submitted file that cannot be graded; ``str(err)`` is the reason shown to people."""


class PlanError(ValueError):
    """The instructor's side (source notebook, check module, reference) is not usable."""


@dataclass(frozen=True)
class Call:
    """A grade cell's check call: positional arguments name student objects (``Net`` or
    ``Net.backward``); keyword arguments are literals handed to ``cases`` (seed and points aside)."""
    check: str
    objects: tuple
    params: dict = field(default_factory=dict, hash=False)


@dataclass
class TestCell:
    grade_id: str
    points: float
    source: str
    call: Call
    hidden: bool
    cell_id: str = ""


@dataclass
class Cell:
    """A submitted cell, reduced to what the grader reads."""
    cell_type: str
    source: str
    grade_id: str = ""
    cell_id: str = ""


def _text(source):
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    raise Unreadable("a cell's source is neither text nor a list of lines")


def code_lines(source):
    """The lines of a test cell that are code: no blanks, comments or hidden-test markers."""
    return [line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]


def normalized(source):
    return "\n".join(line.strip() for line in source.splitlines() if line.strip())


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base and f"{base}.{node.attr}"
    return None


def parse_call(code):
    """Parse ``check_x(fn_a, fn_b, seed=.., points=.., shapes=..)``; raise ValueError otherwise."""
    try:
        tree = ast.parse(code, mode="exec")
    except SyntaxError as err:
        raise ValueError(f"not Python: {err.msg}") from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr) \
            or not isinstance(tree.body[0].value, ast.Call):
        raise ValueError("a test cell must hold exactly one call")
    call = tree.body[0].value
    if not isinstance(call.func, ast.Name):
        raise ValueError("the call must name a check directly")
    objects = []
    for arg in call.args:
        name = _dotted(arg)
        if not name:
            raise ValueError(f"positional arguments must be names, got {ast.unparse(arg)}")
        objects.append(name)
    params = {}
    for kw in call.keywords:
        if kw.arg is None:
            raise ValueError("**kwargs is not allowed in a test call")
        try:
            params[kw.arg] = ast.literal_eval(kw.value)
        except ValueError:
            raise ValueError(f"keyword {kw.arg} must be a literal, got {ast.unparse(kw.value)}") from None
    return Call(call.func.id, tuple(objects), params)


def _nbgrader(cell):
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def _trusted_code_cells(path):
    """[(source, nbgrader metadata, cell id)] of the code cells of an instructor's nbformat-4
    notebook, read as plain JSON (nbformat's schema validation takes a second to import)."""
    try:
        with open(path, encoding="utf-8") as fh:
            nb = json.load(fh)
    except (OSError, ValueError) as err:
        raise PlanError(f"{path} cannot be read as a notebook: {err}") from None
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        raise PlanError(f"{path} is not an nbformat 4 notebook")
    try:
        return [(_text(c.get("source", "")), _nbgrader(c), c.get("id", "")) for c in nb["cells"]
                if isinstance(c, dict) and c.get("cell_type") == "code"]
    except Unreadable as err:
        raise PlanError(f"{path}: {err}") from None


def source_tests(path):
    """The grade cells of a trusted source notebook, in order. Raises PlanError."""
    tests = []
    for source, meta, cell_id in _trusted_code_cells(path):
        if not meta.get("grade"):
            continue
        gid = meta.get("grade_id") or ""
        lines = code_lines(source)
        try:
            call = parse_call("\n".join(lines))
        except ValueError as err:
            raise PlanError(f"{path}: grade cell {gid!r}: {err}") from None
        tests.append(TestCell(gid, float(meta.get("points") or 0), source, call,
                              HIDDEN_BEGIN in source, cell_id))
    ids = [t.grade_id for t in tests]
    if not tests:
        raise PlanError(f"{path} has no grade cells")
    if len(set(ids)) != len(ids) or not all(ids):
        raise PlanError(f"{path}: grade ids must be present and unique, got {ids}")
    return tests


def release_test_sources(path):
    """Normalized sources of the released notebook's grade cells (to recognise copies)."""
    if not path or not os.path.exists(path):
        return set()
    return {normalized(source) for source, meta, _ in _trusted_code_cells(path) if meta.get("grade")}


# --------------------------------------------------------------------------- submissions
def _name(path):
    from autograder.grader.outcomes import clean
    return clean(os.path.basename(path))


def read_bytes(path, max_bytes):
    """Read a regular file without following a symbolic link; raise Unreadable."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise Unreadable(f"{_name(path)} is a symbolic link, not a notebook file") from None
        raise Unreadable(f"{_name(path)} cannot be opened ({err.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"{_name(path)} is not a regular file")
        if info.st_nlink != 1:
            raise Unreadable(f"{_name(path)} has {info.st_nlink} hard links (another name of the "
                             f"same file); submit a copy, not a link")
        if info.st_size == 0:
            raise Unreadable("the notebook file is empty (0 bytes)")
        if info.st_size > max_bytes:
            raise Unreadable(f"the notebook file is {info.st_size / 2**20:.1f} MiB; the limit is "
                             f"{max_bytes / 2**20:.0f} MiB (clear the outputs and submit again)")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise Unreadable(f"the notebook file is larger than {max_bytes / 2**20:.0f} MiB")
        return b"".join(chunks)
    finally:
        os.close(fd)


CONVERT = ("import sys, nbformat\n"
           "nb = nbformat.reads(sys.stdin.buffer.read().decode('utf-8'), as_version=4)\n"
           "sys.stdout.write(nbformat.writes(nb))\n")


def convert_v3(data, seconds=Limits.CONVERT_SECONDS, memory=Limits.CONVERT_MEMORY):
    """An nbformat 3 notebook (bytes) as nbformat 4 JSON data, converted by nbformat in a child
    process held to ``seconds`` of wall time and ``memory`` bytes of address space, so a huge
    or hostile old notebook costs the grader no more than that. Raises Unreadable."""
    import shutil
    import subprocess
    import sys
    prlimit = shutil.which("prlimit")
    command = ([prlimit, f"--as={memory}", f"--cpu={int(seconds) + 1}", "--"] if prlimit else []) \
        + [sys.executable, "-I", "-c", CONVERT]
    try:
        proc = subprocess.run(command, input=data, capture_output=True, timeout=seconds,
                              env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
    except subprocess.TimeoutExpired:
        raise Unreadable(f"the nbformat 3 notebook could not be converted within {seconds:g} s") from None
    if proc.returncode != 0:
        raise Unreadable("the nbformat 3 notebook could not be converted (open and save it again "
                         "in Jupyter)")
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise Unreadable("the nbformat 3 notebook could not be converted") from None


def parse_notebook(data):
    """Bytes of a notebook -> list[Cell]. Lenient about what nbformat's schema would reject
    (duplicate cell ids, odd metadata), strict about what makes the code unknowable."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Unreadable(f"the notebook is not UTF-8 text (byte 0x{data[err.start]:02x} at offset "
                         f"{err.start}); it may be corrupted") from None
    if not text.strip():
        raise Unreadable("the notebook file holds only white space")
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as err:
        raise Unreadable(f"the notebook is not valid JSON ({err.msg} at line {err.lineno}, "
                         f"column {err.colno}); it may have been edited by hand or truncated") from None
    except (RecursionError, ValueError) as err:
        raise Unreadable(f"the notebook is not valid JSON ({type(err).__name__})") from None
    if not isinstance(nb, dict):
        raise Unreadable("the file is JSON but not a notebook (no top-level object)")
    major = nb.get("nbformat")
    if major == 3:
        sheets = nb.get("worksheets")
        count = sum(len(w.get("cells", [])) for w in sheets if isinstance(w, dict)
                    and isinstance(w.get("cells"), list)) if isinstance(sheets, list) else 0
        if count > Limits.CELLS:
            raise Unreadable(f"the notebook has {count} cells; the limit is {Limits.CELLS}")
        nb = convert_v3(data)
        major = nb.get("nbformat") if isinstance(nb, dict) else None
    if not isinstance(major, int) or isinstance(major, bool):
        raise Unreadable("the file is JSON but not a notebook (no nbformat version)")
    if major != 4:
        raise Unreadable(f"the notebook uses nbformat {major}; the grader reads nbformat 4 "
                         f"(open and save it again in Jupyter)")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise Unreadable("the notebook has no list of cells")
    if len(cells) > Limits.CELLS:
        raise Unreadable(f"the notebook has {len(cells)} cells; the limit is {Limits.CELLS}")
    out, code_bytes = [], 0
    for raw in cells:
        if not isinstance(raw, dict) or not isinstance(raw.get("cell_type"), str):
            raise Unreadable("the notebook has a cell that is not a cell (no cell_type)")
        source = _text(raw.get("source", ""))
        meta = _nbgrader(raw)
        gid = meta.get("grade_id")
        cid = raw.get("id")
        if raw["cell_type"] == "code":
            code_bytes += len(source.encode("utf-8", "surrogatepass"))
        out.append(Cell(raw["cell_type"], source, gid if isinstance(gid, str) else "",
                        cid if isinstance(cid, str) else ""))
    if code_bytes > Limits.CODE_BYTES:
        raise Unreadable(f"the notebook holds {code_bytes / 2**20:.1f} MiB of code; the limit is "
                         f"{Limits.CODE_BYTES >> 20} MiB")
    return out


def read_submission(path, max_bytes, with_bytes=False):
    """The cells of a submitted notebook (and its bytes, ``with_bytes``); raise Unreadable."""
    data = read_bytes(path, max_bytes)
    cells = parse_notebook(data)
    return (cells, data) if with_bytes else cells


def is_test_cell(cell, tests, known_sources, check_names):
    """Does this submitted code cell claim to be, or look like, a test cell?"""
    ids = {t.grade_id for t in tests} | {t.cell_id for t in tests if t.cell_id}
    if cell.grade_id in ids or cell.cell_id in ids:
        return True
    norm = normalized(cell.source)
    if norm and norm in known_sources:
        return True
    lines = code_lines(cell.source)
    if lines:
        try:
            return parse_call("\n".join(lines)).check in check_names
        except ValueError:
            return False
    return False


def split_code(cells, tests, released_sources=(), check_names=()):
    """(code sources to run in order, number of test cells left out)."""
    known = {normalized(t.source) for t in tests} | set(released_sources)
    code, ignored = [], 0
    for cell in cells:
        if cell.cell_type != "code":
            continue
        if is_test_cell(cell, tests, known, set(check_names)):
            ignored += 1
        else:
            code.append(cell.source)
    return code, ignored
