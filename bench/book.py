"""Benchmark 3: how long the book takes to build, cold (executing every page) and cached.

Cold: `jupyter-book build book -W` into a fresh --path-output directory, so the execution
cache is empty and every page runs. Cached: the same command again into the same directory,
with nothing changed, so no page re-executes. Warnings are errors, as in CI; a failed build
is reported as null with its last lines as the reason.

The smoke run builds a one-page book with the course's _config.yml, to prove the commands work.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

TINY_PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# A one-page book

```{code-cell} ipython3
import numpy as np
np.arange(3) @ np.arange(3)
```
"""


def _tiny_book(work):
    book = work / "tiny_book"
    book.mkdir(parents=True)
    shutil.copy(ROOT / "book" / "_config.yml", book)
    shutil.copy(ROOT / "book" / "references.bib", book)  # the config names the bibliography
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (book / "intro.md").write_text(TINY_PAGE)
    return book


def _build(book, out, log):
    cmd = [str(BIN / "jupyter-book"), "build", str(book), "-W", "--path-output", str(out)]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log.write_text(proc.stdout + proc.stderr)
    return seconds, proc


def _why(proc):
    """The first warning or error of a failed build, without colour codes."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln).strip() for ln in (proc.stdout + proc.stderr).splitlines()]
    cause = next((ln for ln in lines if re.search(r"WARNING|ERROR|Error|Exception", ln)
                  and "error in building your book" not in ln), lines[-1] if lines else "")
    return f"the build failed (exit {proc.returncode}): {cause[:400]}"


def run(smoke, work):
    work.mkdir(parents=True, exist_ok=True)
    book = _tiny_book(work) if smoke else ROOT / "book"
    out = work / "build"
    shown = "book" if not smoke else "<one-page book>"
    res = {"rows": [], "values": {}, "reasons": {}, "notes": [],
           "commands": [f"jupyter-book build {shown} -W --path-output $(mktemp -d)   # cold",
                        f"jupyter-book build {shown} -W --path-output <same directory>   # cached"]}

    cold, proc = _build(book, out, work / "cold.log")
    if proc.returncode != 0:
        res["reasons"]["book_build_cold_s"] = _why(proc)
        res["reasons"]["book_build_cached_s"] = "the cold build failed"
        res["rows"].append(("cold build (s)", "failed", f"{cold:.1f} s until it failed"))
        return res
    cached, proc = _build(book, out, work / "cached.log")
    pages = len(list((out / "_build" / "jupyter_execute").glob("*.ipynb")))
    res["values"]["book_build_cold_s"] = round(cold, 2)
    res["rows"].append(("cold build, executing every page (s)", f"{cold:.1f}", f"{pages} pages executed"))
    if proc.returncode != 0:
        res["reasons"]["book_build_cached_s"] = _why(proc)
    else:
        res["values"]["book_build_cached_s"] = round(cached, 2)
        res["rows"].append(("cached rebuild, nothing changed (s)", f"{cached:.1f}",
                            f"{cold / cached:.1f}x faster than cold"))
    res["notes"].append(f"Built {'a one-page book (smoke)' if smoke else 'book/'} with warnings as errors; "
                        "the cached rebuild reuses the cold build's output directory and execution cache.")
    return res
