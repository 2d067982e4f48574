"""Pairs of submissions whose own code is unusually similar (winnowing fingerprints, copydetect).

    own_code(cells, template) -> str        a student's code cells less every line of the template
    notebook_code(path) -> list[str]        code cells of a notebook, read by the grader's reader
    release_code(slug) -> list[str] | None  code cells of exercises/<slug>/<slug>.ipynb
    similar_pairs(codes, template) -> list[Pair]   codes: {student: own code}; most matched first
    groups(pairs) -> list[list[str]]        students linked by flagged pairs, largest group first

Only what a student wrote counts: lines of the released notebook are removed first, and the
release's fingerprints are ignored as boilerplate. copydetect normalises the code (names become
V/F/O, strings S, white space and comments go), so renamed variables and reordered functions
still match. A pair is *flagged* when it shares at least MIN_MATCHED characters of normalised
code AND that is at least MIN_SHARE of one student's own code: two correct answers to a
three-line function are alike by necessity, so a high share of little code is not evidence.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.grader.notebook import read_submission

ROOT = Path(__file__).resolve().parents[2]
NOISE = 25          #: copydetect k: shorter runs of normalised characters never count as a match
GUARANTEE = 30      #: a shared run this long is always found (winnowing window = 30 - 25 + 1)
MIN_MATCHED = 200   #: normalised characters two submissions must share to be flagged (~20 lines)
MIN_SHARE = 0.5     #: ...and the share of one student's own normalised code they cover
MAX_BYTES = 32 << 20
MAX_OWN = 200_000   #: characters of a student's own code compared (the rest is ignored)


@dataclass
class Pair:
    a: str
    b: str
    matched: int            # normalised characters of a's code that b also has
    share_a: float          # matched share of a's own code (0..1)
    share_b: float
    slices_a: list          # [(start, end)] character ranges of a's own code that match
    slices_b: list
    code_a: str
    code_b: str

    @property
    def flagged(self):
        return self.matched >= MIN_MATCHED and max(self.share_a, self.share_b) >= MIN_SHARE


def _norm(line):
    return " ".join(line.split())


def own_code(cells, template):
    """The student's lines that are not lines of the template (compared without spacing), in
    order, blank lines and comments dropped; cells separated by a blank line."""
    known = {_norm(line) for cell in template for line in cell.splitlines()}
    kept = []
    for cell in cells:
        lines = [ln.rstrip() for ln in str(cell).splitlines()
                 if _norm(ln) and not _norm(ln).startswith("#") and _norm(ln) not in known]
        if lines:
            kept.append("\n".join(lines))
    return "\n\n".join(kept)


def notebook_code(path):
    """Code cells of a notebook (raises the reader's Unreadable)."""
    return [c.source for c in read_submission(str(path), MAX_BYTES) if c.cell_type == "code"]


def release_code(slug, root=ROOT):
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", slug or ""):
        return None
    path = Path(root) / "exercises" / slug / f"{slug}.ipynb"
    return notebook_code(path) if path.is_file() else None


def _stable_kgrams(string, k):
    """copydetect's k-gram hashes, but the same in every process (it uses Python's ``hash``,
    salted per process, so a pair near the threshold would be flagged on some runs only)."""
    return np.array([int.from_bytes(hashlib.blake2b(string[i:i + k].encode("utf-8", "surrogatepass"),
                                                    digest_size=8).digest(), "little", signed=True)
                     for i in range(len(string) - k + 1)], dtype=np.int64)


@contextlib.contextmanager
def _stable_hashes():
    import copydetect.utils as utils
    saved, utils.hashed_kgrams = utils.hashed_kgrams, _stable_kgrams
    try:
        yield
    finally:
        utils.hashed_kgrams = saved


def _fingerprint(code, boilerplate=None, window=GUARANTEE - NOISE + 1):
    from copydetect import CodeFingerprint
    return CodeFingerprint("code.py", NOISE, window, boilerplate=boilerplate, language="python",
                           fp=io.StringIO(code))


def _boilerplate(template):
    """Every k-gram hash of the template (as copydetect's own boilerplate does: window 1)."""
    hashes = _fingerprint("\n\n".join(template), window=1).hashes if template else ()
    return np.unique(np.fromiter(hashes, dtype=np.int64)) if hashes else None


def _ranges(slices):
    return [(int(s), int(e)) for s, e in zip(*slices)] if len(slices) and len(slices[0]) else []


def similar_pairs(codes, template=()):
    """Every pair of students that shares any matched code, the most matched first.
    codes: {student: own code}; template: the release's code cells (their fingerprints are
    boilerplate)."""
    from copydetect import compare_files
    with _stable_hashes():
        boiler = _boilerplate(template)
        prints = {s: _fingerprint(c[:MAX_OWN], boiler) for s, c in sorted(codes.items()) if c.strip()}
    names = sorted(prints)
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            matched, (sa, sb), (la, lb) = compare_files(prints[a], prints[b])
            if matched > 0:
                pairs.append(Pair(a, b, int(matched), min(1.0, float(sa)), min(1.0, float(sb)),
                                  _ranges(la), _ranges(lb),
                                  prints[a].raw_code, prints[b].raw_code))
    return sorted(pairs, key=lambda p: (-p.matched, p.a, p.b))


def groups(pairs):
    """Students linked by flagged pairs, as groups (sorted lists), the largest first."""
    parent = {}

    def root(s):
        parent.setdefault(s, s)
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for p in pairs:
        if p.flagged:
            parent[root(p.a)] = root(p.b)
    found = {}
    for s in parent:
        found.setdefault(root(s), []).append(s)
    return sorted((sorted(g) for g in found.values()), key=lambda g: (-len(g), g))
