"""Per-chapter checks. One module per chapter slug; base.py states the contract."""
from pathlib import Path

import yaml

_TOC = Path(__file__).resolve().parents[2] / "book" / "_toc.yml"


def _slugs_from_toc():
    """Chapter slugs in book order, read from the book's table of contents (the only chapter list)."""
    toc = yaml.safe_load(_TOC.read_text())
    return tuple(entry["file"] for entry in toc["chapters"])


# Without book/ (a class gets exercises/ and autograder/ only), the check modules present.
SLUGS = _slugs_from_toc() if _TOC.exists() else tuple(
    sorted(p.stem for p in Path(__file__).parent.glob("ch[0-9]*.py")))
