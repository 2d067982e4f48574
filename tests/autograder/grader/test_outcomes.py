"""Outcome records: one JSON round trip, safe file names, atomic saves, safe text."""
import json
import os

import pytest

from autograder.grader import outcomes
from autograder.grader.outcomes import Outcome, clean, component, from_dict, key, load_all, save, to_dict


def sample(student="ann", slug="demo", **kw):
    tests = [{"grade_id": "test_a", "points": 2.0, "earned": 1.5, "hidden": False, "seconds": 0.25,
              "report": {"check": "check_a", "function": "a", "points": 2.0, "earned": 1.5, "passed": False,
                         "results": [{"label": "N=1", "weight": 1.0, "findings": [
                             {"what": "out", "passed": False, "message": "m", "diagnosis": "sign"}]}]}}]
    return Outcome(student, slug, "graded", 1.5, 2.0, "detail", tests, [[1, "ValueError", "x"]],
                   ["a note"], "log text", 1.25, ["x = 1"], "f" * 32, **kw)


def test_round_trip_is_exact(tmp_path):
    """Does an outcome come back from its saved file equal to what was saved, lone surrogates
    from an undecodable folder name included?"""
    o = sample(student="j\udcf6rg")
    assert from_dict(json.loads(json.dumps(to_dict(o)))) == o
    save(tmp_path, o)
    assert load_all(tmp_path) == [o]


def test_from_dict_refuses_what_is_not_a_record():
    """Is a dict without the required fields, or with an unknown status, a ValueError?"""
    with pytest.raises(ValueError, match="lacks"):
        from_dict({"student": "a"})
    with pytest.raises(ValueError, match="status"):
        from_dict({**to_dict(sample()), "status": "excellent"})


def test_keys_are_unique_short_and_safe():
    """Are keys distinct for distinct pairs (even when their readable parts agree), at most
    one path component of bounded length, and free of separators?"""
    pairs = [("ann", "demo"), ("ann--demo", ""), ("ann", "demo2"), ("a" * 300, "demo"), ("a" * 301, "demo"),
             ("x/../y", "demo"), ("j\udcf6rg", "demo"), ("j\\xf6rg", "demo"), (".carol", "demo"), (".", ".."), ("", "")]
    keys = [key(s, slug) for s, slug in pairs]
    assert len(set(keys)) == len(keys)
    assert all("/" not in k and len(k.encode()) <= 100 and not k.startswith(".") for k in keys)


def test_component_shortens_long_names_with_a_hash():
    """Is a name past the limit shortened to it, two long names sharing a prefix kept apart?"""
    a, b = component("x" * 250 + "a"), component("x" * 250 + "b")
    assert a != b and len(a.encode()) <= outcomes.MAX_NAME_BYTES and a.startswith("xxxx")
    assert component("short name") == "short name"


def test_clean_escapes_surrogates_and_control_characters():
    """Do lone surrogates and NULs become visible escapes, ordinary text (tabs, newlines,
    non-ASCII letters) untouched, and the result encodable as UTF-8?"""
    assert clean("caf\udce9\x00!\ud800") == "caf\\xe9\\x00!\\ud800"
    assert clean("naïve\tσ\n") == "naïve\tσ\n"
    clean("\udcff" * 3).encode("utf-8")


def test_load_all_skips_torn_and_foreign_files(tmp_path):
    """Are a half-written temporary file, a non-record JSON file and garbage skipped?"""
    save(tmp_path, sample("bob"))
    folder = tmp_path / outcomes.FOLDER
    (folder / ".x.json.123.tmp").write_text('{"student": ')
    (folder / "junk.json").write_text("[1, 2]")
    (folder / "torn.json").write_bytes(b'{"student": "c')
    assert [o.student for o in load_all(tmp_path)] == ["bob"]


def test_save_replaces_atomically(tmp_path, monkeypatch):
    """If writing a new version fails half-way, is the old record still there, whole, with no
    temporary file left?"""
    save(tmp_path, sample("ann"))
    real = os.fsync

    def broken(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(outcomes.os, "fsync", broken)
    with pytest.raises(OSError):
        save(tmp_path, Outcome("ann", "demo", "ungradable", 0, 2, "new"))
    monkeypatch.setattr(outcomes.os, "fsync", real)
    assert load_all(tmp_path) == [sample("ann")]
    assert os.listdir(tmp_path / outcomes.FOLDER) == [f"{key('ann', 'demo')}.json"]
