"""The outcome record: one per (student, assignment), persisted as soon as it is known.

    Outcome                     what grading one submission found (the dataclass below)
    to_dict(o) -> dict          its one JSON form;  from_dict(d) -> Outcome (raises ValueError)
    key(student, slug) -> str   a file name for the pair: safe, unique, hashed when long
    save(out, o)                OUT/outcomes/<key>.json, atomically (tmp, fsync, rename)
    load_all(out) -> list       every saved record, sorted by (student, slug)
    clean(text) -> str          text from a submission, made safe to write anywhere

Every output (grades.csv, feedback, logs, gradebook, the class report) is derived from these
records, so a batch killed half-way keeps what it finished and a rerun grades only the rest.

``tests`` holds one entry per grade cell:
    {grade_id, points, earned, hidden, report, seconds}
where ``report`` is ``Report.to_dict()`` (results -> findings with what, passed, message,
diagnosis) and ``seconds`` the wall time the probe spent in that test's cases (0.0 if unknown).
``code`` is the student's code cells that were graded, each capped at MAX_CELL_CHARS.
``fingerprint`` identifies what was graded (submission, plan, limits): a rerun reuses a record
only when it matches.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

FOLDER = "outcomes"
MAX_CELL_CHARS = 20_000
MAX_NAME_BYTES = 120             # a path component longer than this is shortened with a hash
STATUSES = ("graded", "ungradable")


@dataclass
class Outcome:
    student: str
    slug: str
    status: str                 # "graded" or "ungradable"
    score: float
    max_score: float
    detail: str
    tests: list = field(default_factory=list)        # [{grade_id, points, earned, hidden, report, seconds}]
    cell_errors: list = field(default_factory=list)  # [[cell number, type, message]]
    notes: list = field(default_factory=list)
    log: str = ""
    seconds: float = 0.0
    code: list = field(default_factory=list)         # the graded code cells, each capped
    fingerprint: str = ""


# --------------------------------------------------------------------------- safe text
_ODD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _escape(match):
    ch = ord(match.group())
    if 0xDC80 <= ch <= 0xDCFF:          # a byte that was not UTF-8 (os.fsdecode's escape)
        return f"\\x{ch - 0xDC00:02x}"
    return f"\\x{ch:02x}" if ch < 0x100 else f"\\u{ch:04x}"


def clean(text):
    """``text`` with lone surrogates (the undecodable bytes of a file name, or a student's
    string) and control characters (NUL, ...) written as visible escapes (``caf\\xe9``), so
    that it can be written anywhere as UTF-8. Tabs and newlines stay."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _ODD.sub(_escape, text) if not text.isprintable() else text


def component(name, limit=MAX_NAME_BYTES):
    """A single path component for ``name``: clean, no separators, at most ``limit`` bytes
    (longer names keep a prefix and gain a hash of the whole)."""
    text = clean(name).replace("/", "%2F")
    if text in ("", ".", ".."):
        text = f"%{text}"
    if len(text.encode("utf-8")) <= limit:
        return text
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    prefix = text.encode("utf-8")[:limit - 17].decode("utf-8", "ignore")
    return f"{prefix}-{digest}"


def key(student, slug):
    """File name (without .json) of the record of (student, slug): readable where possible,
    unique always (a hash of the exact pair)."""
    raw = json.dumps([student, slug], ensure_ascii=True)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:12]
    return "r-" + component(f"{student}--{slug}", 80) + "-" + digest      # never a dot file


# --------------------------------------------------------------------------- JSON round trip
def to_dict(o):
    return asdict(o)


def from_dict(d):
    """An Outcome from its dict; ValueError if it is not one."""
    if not isinstance(d, dict):
        raise ValueError("an outcome record must be a JSON object")
    names = {f.name for f in fields(Outcome)}
    missing = {"student", "slug", "status", "score", "max_score", "detail"} - set(d)
    if missing:
        raise ValueError(f"an outcome record lacks {', '.join(sorted(missing))}")
    o = Outcome(**{k: v for k, v in d.items() if k in names})
    if o.status not in STATUSES or not isinstance(o.student, str) or not isinstance(o.slug, str):
        raise ValueError("an outcome record has a wrong status, student or slug")
    o.cell_errors = [list(e) for e in o.cell_errors]
    return o


def encode_record(o):
    """The bytes saved for ``o`` (ASCII JSON: lone surrogates survive as escapes)."""
    return json.dumps(to_dict(o), ensure_ascii=True, sort_keys=True, allow_nan=False).encode()


def atomic_write(path, data, owner=None, mode=None):
    """Write bytes to ``path`` atomically: a temporary file beside it, fsync, rename. ``mode``
    and ``owner`` (uid, gid), when given, are set before the file appears under its name."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if owner is not None:
            os.chown(tmp, *owner, follow_symlinks=False)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save(out, o):
    folder = Path(out) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / f"{key(o.student, o.slug)}.json", encode_record(o))


def remove(out, student, slug):
    try:
        os.unlink(Path(out) / FOLDER / f"{key(student, slug)}.json")
    except FileNotFoundError:
        pass


def load_all(out):
    """Every record saved in OUT, sorted by (student, slug). A file that is not a record (a
    torn temporary file, something else) is skipped."""
    folder = Path(out) / FOLDER
    found = []
    if not folder.is_dir():
        return found
    for entry in os.scandir(folder):
        if entry.name.startswith(".") or not entry.name.endswith(".json"):
            continue
        try:
            with open(entry.path, "rb") as fh:
                found.append(from_dict(json.loads(fh.read())))
        except (OSError, ValueError, TypeError):
            continue
    return sorted(found, key=lambda o: (o.student, o.slug))
