"""Per-chapter checks; base.py states the contract. A chapter's module ``<slug>.py`` exposes one
``check_<function>`` per graded object; it may define some in a part module ``<slug>_<part>.py``
(setting ``SLUG``) and import them (chapters 1, 3 and 5 do). README.md, "Adding a chapter", has the rest."""
from pathlib import Path

import yaml

_TOC = Path(__file__).resolve().parents[2] / "book" / "_toc.yml"


def _slugs_from_toc():
    """Chapter slugs in book order, read from the book's table of contents (the only chapter list)."""
    toc = yaml.safe_load(_TOC.read_text())
    # The chapters are the numbered part of the book; the reference pages (notation, glossary,
    # sources) follow in a part of their own.
    chapters = toc.get("chapters") or [entry for part in toc.get("parts", [])
                                       if part.get("numbered") for entry in part["chapters"]]
    return tuple(entry["file"] for entry in chapters)


# Only the instructor's tools enumerate chapters (store, mutants, tests); a class handed exercises/
# and autograder/ loads a chapter's checks by its slug instead.
SLUGS = _slugs_from_toc() if _TOC.exists() else ()
