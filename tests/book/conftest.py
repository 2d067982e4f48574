"""Shared fixture of the book tests: one cold build of the book per test run.

The build runs the way the README builds the book (`jupyter-book build book -W -n --keep-going`),
into a temporary folder, with an empty execution cache, so every page executes against the
reference modules as they are now, and any Sphinx warning makes the build fail.
test_build.py checks the build itself; test_browser.py opens the same pages in a browser.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "book"
BUILD_TIMEOUT_S = 540


@dataclass
class BookBuild:
    """The result of one `jupyter-book build`: where the HTML is and what the build said."""

    html: Path
    returncode: int
    log: str
    seconds: float

    def problems(self) -> list[str]:
        """The build's warnings, errors and tracebacks (ANSI colours removed)."""
        lines = re.sub(r"\x1b\[[0-9;]*m", "", self.log).splitlines()
        found = [line for line in lines
                 if re.search(r"WARNING|ERROR|Error|Exception|Traceback", line)
                 and "Kernel is running over TCP" not in line]
        return found or lines[-40:]


def jupyter_book_command() -> str:
    """The jupyter-book executable next to this Python, else the one on PATH."""
    beside = Path(sys.executable).with_name("jupyter-book")
    if beside.exists():
        return str(beside)
    found = shutil.which("jupyter-book")
    if found is None:
        pytest.fail("jupyter-book is not installed in this environment (see requirements.txt)")
    return found


def toc_files(toc_path: Path = BOOK / "_toc.yml") -> list[str]:
    """Every document named in the table of contents, root first, in reading order."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key))

    for key in ("parts", "chapters", "sections"):
        walk(toc.get(key))
    return [str(Path(f).with_suffix("")) for f in files]


@pytest.fixture(scope="session")
def toc_entries() -> list[str]:
    """The documents of book/_toc.yml, root first, in reading order."""
    return toc_files()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """artifacts/ at the top of the repository (git-ignored): screenshots and the build log."""
    path = REPO / "artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def book_build(tmp_path_factory) -> BookBuild:
    """Build the book once for the whole test session, cold, with warnings as errors."""
    out = tmp_path_factory.mktemp("book")
    command = [jupyter_book_command(), "build", str(BOOK), "-W", "-n", "--keep-going",
               "--path-output", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT_S)
    seconds = time.perf_counter() - start
    return BookBuild(html=out / "_build" / "html", returncode=done.returncode,
                     log=done.stdout + done.stderr, seconds=seconds)


@pytest.fixture(scope="session")
def book_html(book_build) -> Path:
    """The folder of the built HTML; fails the test if the build produced no pages at all."""
    if not (book_build.html / "index.html").exists():
        pytest.fail("the book did not build:\n" + "\n".join(book_build.problems()), pytrace=False)
    return book_build.html


# Pages opened in the browser besides the toc's: the search page (with a query, so the search
# index loads and runs) and the general index. index.html only redirects to the root page.
EXTRA_PAGES = ["search.html?q=gradient", "genindex.html"]


def pytest_generate_tests(metafunc):
    """One browser test per page: every toc entry, then the pages Sphinx adds."""
    if "book_page" in metafunc.fixturenames:
        pages = [f"{name}.html" for name in toc_files()] + EXTRA_PAGES
        metafunc.parametrize("book_page", pages, ids=[p.split(".html")[0] for p in pages])
