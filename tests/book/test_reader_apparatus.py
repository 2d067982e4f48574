"""Does the built book keep its promises to a reader: numbers from the checker itself, no build
plumbing on show, an index, credits, questions, and each chapter's notebook to download?

Most tests read the HTML of the session's cold build (`book_html`, tests/book/conftest.py); the
source-level ones read book/*.md and book/references.bib.
"""
from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from autograder import gradcheck

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "book"


def chapter_slugs() -> list[str]:
    """The numbered chapters of book/_toc.yml, in order."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf8"))
    return [c["file"] for part in toc["parts"] if part.get("numbered") for c in part["chapters"]]


class Elements(HTMLParser):
    """Collects, for one page: the text inside elements whose class contains `wanted`, every
    <a> (href, class, text), the h2 headings in order, and every <img> src inside a <figure>."""

    def __init__(self, wanted: str = "cell_input"):
        super().__init__(convert_charrefs=True)
        self.wanted, self.blocks, self.links, self.h2, self.figure_images = wanted, [], [], [], []
        self._depth = 0          # nesting inside a wanted element
        self._in_a = None
        self._in_h2 = None
        self._in_figure = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if self._depth:
            self._depth += 1
        elif self.wanted in classes:
            self._depth = 1
            self.blocks.append("")
        if tag == "a":
            self._in_a = [attrs.get("href") or "", classes, ""]
        if tag == "h2":
            self._in_h2 = ""
        if tag == "figure":
            self._in_figure += 1
        if tag == "img" and self._in_figure:
            self.figure_images.append(attrs.get("src") or "")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
        if tag == "a" and self._in_a is not None:
            self.links.append(tuple(self._in_a))
            self._in_a = None
        if tag == "h2" and self._in_h2 is not None:
            self.h2.append(self._in_h2.strip().rstrip("#").strip())
            self._in_h2 = None
        if tag == "figure":
            self._in_figure -= 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag != "img":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._depth:
            self.blocks[-1] += data
        if self._in_a is not None:
            self._in_a[2] += data
        if self._in_h2 is not None:
            self._in_h2 += data


def parse(page: Path, wanted: str = "cell_input") -> Elements:
    found = Elements(wanted)
    found.feed(page.read_text(encoding="utf8"))
    return found


def test_no_rendered_code_cell_shows_glue(book_html):
    """Is every `glue(...)` call (build plumbing that hands numbers to the prose) in a removed
    cell, so that no code cell a reader can see or expand shows one?"""
    shown = []
    for slug in ["intro"] + chapter_slugs():
        for block in parse(book_html / f"{slug}.html").blocks:
            if "glue(" in block:
                shown.append(f"{slug}: {block.strip()[:80]!r}")
    assert not shown, "code cells showing glue():\n" + "\n".join(shown)


def power_of_ten(value: float) -> str:
    """The LaTeX of a power of ten as the table prints it, e.g. 1e-05 -> 10^{-5}."""
    return f"10^{{{round(math.log10(value))}}}"


def test_tolerance_table_and_checker_share_their_constants(book_html):
    """Does chapter 2's table of verdicts draw its "right" and "suspicious" bounds from
    autograder.gradcheck, the constants the checker itself uses, and does the checker's message
    printed on the same page name the same tolerance?"""
    html = (book_html / "ch02_gradients.html").read_text(encoding="utf8")
    table = re.search(r"<table.*?verdict.*?</table>", html, re.DOTALL)
    assert table, "chapter 2 has no table of verdicts"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.DOTALL)[1:]
    first_cells = [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", r, re.DOTALL)[0])
                   for r in rows]
    assert power_of_ten(gradcheck.TOLERANCE) in first_cells[0]
    assert power_of_ten(gradcheck.TOLERANCE) in first_cells[1]
    assert power_of_ten(gradcheck.LOOSE_TOLERANCE) in first_cells[1]
    assert f"a correct gradient gives below {gradcheck.TOLERANCE:.0e}" in html
    source = (BOOK / "ch02_gradients.md").read_text(encoding="utf8")
    assert "from autograder.gradcheck import" in source and "TOLERANCE" in source
    assert not re.search(r"^\| below \$", source, re.MULTILINE), "a hand-typed table of verdicts"


def glossary_terms() -> list[str]:
    """The terms of book/glossary.md's glossary directive (unindented lines inside it)."""
    text = (BOOK / "glossary.md").read_text(encoding="utf8")
    body = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return [line.strip() for line in body.splitlines() if line.strip() and not line[0].isspace()]


def test_index_lists_every_glossary_term(book_html):
    """Is the general index not empty, and does it list every term of the glossary?"""
    terms = glossary_terms()
    assert len(terms) >= 30, f"the glossary has only {len(terms)} terms"
    index = parse(book_html / "genindex.html")
    entries = {text.strip() for _, _, text in index.links}
    missing = [t for t in terms if t not in entries]
    assert not missing, f"glossary terms missing from the index: {missing}"


def test_every_chapter_ends_with_questions_sources_and_its_notebook(book_html):
    """Does every chapter end with Questions, Sources and an Exercise section, the last of which
    links to the chapter's notebook, served by the site and identical to exercises/<slug>/?"""
    for slug in chapter_slugs():
        page = parse(book_html / f"{slug}.html")
        titles = [re.sub(r"^[\d.]+\s*", "", h) for h in page.h2]  # "1.9. Questions" -> "Questions"
        assert titles[-3:] == ["Questions", "Sources", "Exercise"], f"{slug}: {page.h2[-4:]}"
        downloads = [href for href, classes, _ in page.links
                     if "download" in classes and href.endswith(f"/{slug}.ipynb")]
        assert downloads, f"{slug}: no download link to {slug}.ipynb"
        served = book_html / downloads[0]
        assert served.read_bytes() == (REPO / "exercises" / slug / f"{slug}.ipynb").read_bytes()


def test_every_bibliography_entry_is_cited_in_a_chapter():
    """Is every entry of book/references.bib cited by {cite} somewhere in the chapters or the
    pages around them (not only listed by the bibliography's :all:)?"""
    keys = re.findall(r"^@\w+\{([^,]+),", (BOOK / "references.bib").read_text(encoding="utf8"),
                      re.MULTILINE)
    assert keys
    cited = set()
    for md in BOOK.glob("*.md"):
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", md.read_text(encoding="utf8")):
            cited.update(k.strip() for k in group.split(","))
    assert not set(keys) - cited, f"never cited: {sorted(set(keys) - cited)}"
    assert not cited - set(keys), f"cited but not in references.bib: {sorted(cited - set(keys))}"


def test_every_figure_is_referenced_captioned_and_vector(book_html):
    """Is every named figure of the chapters referenced from the text with {numref}, and is
    every figure image of the built chapters an SVG (sharp at any screen density)?"""
    for slug in chapter_slugs():
        text = (BOOK / f"{slug}.md").read_text(encoding="utf8")
        names = re.findall(r"^\s+name: (fig-[\w-]+)", text, re.MULTILINE)
        unreferenced = [n for n in names if f"{{numref}}`{n}`" not in text]
        assert not unreferenced, f"{slug}: figures never referenced: {unreferenced}"
        images = parse(book_html / f"{slug}.html").figure_images
        assert len(images) >= len(names), f"{slug}: {len(images)} images for {len(names)} figures"
        raster = [src for src in images if not src.endswith(".svg")]
        assert not raster, f"{slug}: figures not in SVG: {raster}"
