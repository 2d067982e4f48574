"""Does the built book print any graded answer, in full or in part?

The policy (README, book/intro.md): no graded function or class is printed in the book. The
graded answers are the solution cells of the instructor's notebooks, solutions/<slug>/<slug>.ipynb:
code cells whose nbgrader metadata says `solution: true`. The answer of such a cell is the code
between its `### BEGIN SOLUTION` and `### END SOLUTION` markers (the whole cell if it has none);
the code around the markers is handed out in the released notebook and is no secret.

The rule, applied to the HTML of every page of book/_toc.yml after a real build (the session
fixture `book_html`, tests/book/conftest.py), over the text of every `<pre>` element (code cells,
their outputs, hidden-input cells, literal includes, code blocks):

1. No *substantive line* of any answer appears in a code block. Lines are compared with all
   whitespace removed, and a statement wrapped over several lines (open bracket or backslash)
   counts as one line, on both sides, so a statement the book wraps differently is still found.
   A line of an answer is substantive unless it is blank, a comment, part of a docstring, a
   marker line, or only moves names around: parsed on its own, it holds nothing but names,
   attribute accesses, tuples and constants (`x, W, b = cache`, `return dx, dW, db`,
   `dout = self.out.grad`, `pass`, `for u in units:`, `while stack:`, `else:`, `return 0.0`).
   A line the released notebook, exercises/<slug>/<slug>.ipynb, already shows in its given code
   (`for dout in self.upstream_gradients():` of the given `Input` node) is public and not
   counted. A found line must stand whole in the book's statement, not glued to a longer name
   (`order.append(n)` is not found in `postorder.append(n)`). One line is enough to fail: many
   answers are one or two lines long.
2. No code block defines a graded name (`def affine_backward(`, `class MultiplyGate`), whatever
   its body: this catches a reference module's version of an answer written in other words.

Calling graded functions from the reference modules (`solutions/<slug>.py`) to produce the
numbers the book prints is allowed; printing their source is not.
"""
from __future__ import annotations

import ast
import io
import json
import re
import textwrap
import tokenize
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

# AST nodes a line may consist of and still only move names around (rule 1 above).
TRIVIAL_NODES = (ast.Module, ast.Expr, ast.Assign, ast.Return, ast.Pass, ast.Name, ast.Attribute,
                 ast.Tuple, ast.Starred, ast.Constant, ast.Load, ast.Store, ast.For, ast.If,
                 ast.While)
BARE_HEADERS = {"else:", "try:", "finally:", "except:"}


@dataclass(frozen=True)
class GradedCell:
    """One solution cell of an instructor's notebook: where it is, what it defines, its answer."""

    slug: str
    grade_id: str
    names: tuple[str, ...]  # top-level functions and classes the cell defines
    lines: tuple[str, ...]  # the substantive lines of its answer, as written


def answer_regions(source: str) -> list[str]:
    """The code between each BEGIN/END SOLUTION pair of a cell; the whole cell if it has none."""
    if BEGIN not in source:
        return [source]
    regions, inside, current = [], False, []
    for line in source.splitlines():
        if line.strip().startswith(BEGIN):
            inside, current = True, []
        elif line.strip().startswith(END):
            inside = False
            regions.append("\n".join(current))
        elif inside:
            current.append(line)
    return regions


def without_comments_and_docstrings(code: str) -> list[str]:
    """The lines of `code` with comments cut off and docstring lines blanked (same line count)."""
    lines = code.splitlines()
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                lines[row - 1] = lines[row - 1][:col]
    except (tokenize.TokenError, IndentationError):
        pass  # an answer region may end inside an open bracket; keep its lines whole
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return lines
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str):
            for row in range(first.lineno, first.end_lineno + 1):
                lines[row - 1] = ""
    return lines


def is_trivial(line: str) -> bool:
    """True if `line` (already without its comment) only moves names around: see rule 1."""
    text = line.strip()
    if not text or text in BARE_HEADERS:
        return True
    if text.endswith(":"):
        text = re.sub(r"^elif\b", "if", text) + " pass"
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    return all(isinstance(node, TRIVIAL_NODES) for node in ast.walk(tree))


def substantive_lines(code: str) -> list[str]:
    """The statements of an answer that count under rule 1, one string per statement (a statement
    wrapped over several lines is joined into one), without indentation and comments."""
    lines = without_comments_and_docstrings(code)
    statements = [re.sub(r"\s+", " ", line).strip() for line in join_continued(lines)]
    return [line for line in statements if not is_trivial(line)]


def join_continued(lines: list[str]) -> list[str]:
    """`lines` with each statement continued by a backslash or an open bracket joined into one."""
    joined, current, depth = [], "", 0
    for line in lines:
        continued = line.rstrip().endswith("\\")
        current += " " + line.rstrip().rstrip("\\")
        depth += sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")
        if depth <= 0 and not continued:
            joined.append(current)
            current, depth = "", 0
    joined.append(current)
    return [line for line in joined if line.strip()]


def released_lines(slug: str) -> set[str]:
    """Every statement of the code cells of the released notebook, squeezed: what a student is
    handed anyway."""
    path = REPO / "exercises" / slug / f"{slug}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf8"))
    code = [line for cell in notebook["cells"] if cell["cell_type"] == "code"
            for line in "".join(cell["source"]).splitlines()]
    return {squeeze(line) for line in join_continued(code)}


def graded_cells(slug: str) -> list[GradedCell]:
    """Every solution cell of solutions/<slug>/<slug>.ipynb, with the substantive lines of its
    answer that the released notebook does not already show."""
    notebook = json.loads((REPO / "solutions" / slug / f"{slug}.ipynb").read_text(encoding="utf8"))
    public = released_lines(slug)
    cells = []
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("solution"):
            continue
        source = "".join(cell["source"])
        names = tuple(re.findall(r"^(?:def|class)\s+(\w+)", source, re.MULTILINE))
        lines = tuple(line for region in answer_regions(source)
                      for line in substantive_lines(region) if squeeze(line) not in public)
        cells.append(GradedCell(slug, meta.get("grade_id", "?"), names, lines))
    return cells


def squeeze(text: str) -> str:
    """`text` with all whitespace removed."""
    return re.sub(r"\s+", "", text)


def logical_lines(block: str) -> list[str]:
    """The statements of a code block, squeezed: a line continued by a backslash or an open
    bracket is joined to the next, so that a wrapped statement is one string."""
    return [squeeze(line) for line in join_continued(block.splitlines())]


def contains_statement(line: str, statement: str) -> bool:
    """True if squeezed `statement` occurs in squeezed `line` as a whole: not glued to a longer
    name on either side (`order.append(n)` is not in `postorder.append(n)`)."""
    start = line.find(statement)
    while start >= 0:
        before = line[start - 1] if start else ""
        end = start + len(statement)
        after = line[end] if end < len(line) else ""
        if not re.match(r"[\w.]", before) and not re.match(r"\w", after):
            return True
        start = line.find(statement, start + 1)
    return False


class PreText(HTMLParser):
    """The text of every <pre> element of one HTML page, one string per element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            if self._depth == 0:
                self.blocks.append("")
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "pre" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.blocks[-1] += data


def code_blocks(html: str) -> list[str]:
    """The text of each code block (<pre>) of a page."""
    parser = PreText()
    parser.feed(html)
    parser.close()
    return parser.blocks


def violations(blocks: list[str], cells: list[GradedCell]) -> list[str]:
    """What in `blocks` breaks rule 1 or 2, one sentence per finding."""
    found = []
    statements = [line for block in blocks for line in logical_lines(block)]
    for cell in cells:
        for name in cell.names:
            definition = re.compile(rf"^\s*(def|class)\s+{re.escape(name)}\b", re.MULTILINE)
            if any(definition.search(block) for block in blocks):
                found.append(f"{cell.slug}: defines graded `{name}` (cell {cell.grade_id})")
        for line in cell.lines:
            if any(contains_statement(text, squeeze(line)) for text in statements):
                found.append(f"{cell.slug}: prints `{line}` of the answer of cell {cell.grade_id}")
    return found


@pytest.fixture(scope="module")
def chapter_slugs() -> list[str]:
    """The chapters of book/_toc.yml (its numbered part; the reference pages have no exercises)."""
    from autograder.checks import SLUGS
    return list(SLUGS)


@pytest.fixture(scope="module")
def all_graded_cells(chapter_slugs) -> list[GradedCell]:
    """The solution cells of every chapter's instructor notebook."""
    return [cell for slug in chapter_slugs for cell in graded_cells(slug)]


def test_every_chapter_has_graded_answers_to_protect(all_graded_cells, chapter_slugs):
    """Does the rule see the answers at all? Every chapter has solution cells with substantive
    lines."""
    for slug in chapter_slugs:
        mine = [cell for cell in all_graded_cells if cell.slug == slug]
        assert mine, f"no solution cells found in solutions/{slug}/{slug}.ipynb"
        empty = [cell.grade_id for cell in mine if not cell.lines]
        assert not empty, f"{slug}: solution cells with no substantive line: {empty}"


def test_a_printed_answer_is_found(all_graded_cells):
    """Can the check fail? A page printing any one answer line, even re-indented and wrapped, or
    a definition of a graded name, is flagged; a page of calls into the reference modules is not."""
    for cell in all_graded_cells:
        line = cell.lines[len(cell.lines) // 2]
        wrapped = "x = 1\n    " + line.replace("(", "(\n        ", 1) + "\nprint(x)"
        assert violations([wrapped], [cell]), f"{cell.grade_id}: `{line}` went unnoticed"
        stub = f"class {cell.names[0]}:\n    pass" if cell.names[0][0].isupper() \
            else f"def {cell.names[0]}(*args):\n    return None"
        assert violations([stub], [cell]), f"{cell.grade_id}: a definition went unnoticed"
        call = f"out = c.{cell.names[0]}(x, y)\nprint(out)"
        assert not violations([call], [cell]), f"{cell.grade_id}: a mere call was flagged"
        glued = "post" + line if re.match(r"\w", line) else None
        if glued and not line.startswith(("if ", "for ", "return ", "while ", "raise ")):
            assert not violations([glued], [cell]), f"{cell.grade_id}: `{glued}` was flagged"


def test_trivial_lines_are_only_name_moves():
    """Is the line rule the one the docstring states?"""
    for line in ["x, W, b = cache", "return dx, dW, db", "dout = self.out.grad", "pass",
                 "for u in units:", "else:", "return 0.0", "", "self.u0, self.u1 = u0, u1"]:
        assert is_trivial(line), line
    for line in ["dx = dout @ W.T", "return lr0 * drop ** (t // every)",
                 "if label > 0 and score < 1:", "v = np.zeros_like(w)",
                 "for name, w in params.items()}", "x[i] = keep"]:
        assert not is_trivial(line), line


def test_no_graded_answer_is_printed(book_html, all_graded_cells, toc_entries):
    """Does any page of the built book print a graded answer (rule 1) or define a graded name
    (rule 2)?"""
    found = {}
    for page in toc_entries:
        html = (book_html / f"{page}.html").read_text(encoding="utf8")
        blocks = code_blocks(html)
        problems = violations(blocks, all_graded_cells)
        if problems:
            found[page] = problems
    report = "\n".join(f"{page}.html:\n  " + "\n  ".join(problems)
                       for page, problems in found.items())
    assert not found, "the book prints graded answers:\n" + report


def test_chapter_pages_have_code_blocks(book_html, chapter_slugs):
    """Is there anything for the rule to read? Every chapter page has code blocks."""
    for page in chapter_slugs:
        html = (book_html / f"{page}.html").read_text(encoding="utf8")
        assert code_blocks(html), f"{page}.html has no <pre> element"
