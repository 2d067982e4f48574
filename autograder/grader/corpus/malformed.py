"""Submitted folders that hold no gradable notebook: each must end as one ``ungradable`` row
with a reason a person understands.

    MALFORMED = {name: what}
    write(name, folder, slug, good_bytes, source_path)
"""
import json
import os

MALFORMED = {
    "bad_json": "truncated JSON",
    "bad_utf8": "Latin-1 bytes",
    "nbformat_5": "nbformat 5",
    "nbformat_99": "nbformat 99",
    "empty_file": "0 bytes",
    "huge_file": "over 32 MiB",
    "json_array": "a JSON array, not a notebook",
    "deep_json": "JSON nested 100000 deep",
    "two_notebooks": "two notebooks, neither named right",
    "no_notebook": "no notebook at all",
    "symlink_to_source": "a symbolic link to the source notebook",
    "directory_named_ipynb": "a folder named like the notebook",
    "fifo_named_ipynb": "a FIFO named like the notebook",
}


def write(name, folder, slug, good, source_path):
    """Lay out case ``name`` in ``folder``; ``good`` is a correct notebook's bytes."""
    target = folder / f"{slug}.ipynb"
    if name == "bad_json":
        target.write_bytes(good[: len(good) // 2])
    elif name == "bad_utf8":
        target.write_bytes(good.replace(b"import", b"imp\xe9rt", 1))
    elif name in ("nbformat_5", "nbformat_99"):
        nb = json.loads(good)
        nb["nbformat"] = int(name.split("_")[1])
        target.write_text(json.dumps(nb))
    elif name == "empty_file":
        target.write_bytes(b"")
    elif name == "huge_file":
        nb = json.loads(good)
        nb["cells"][0].setdefault("metadata", {})["padding"] = "x" * (33 << 20)
        target.write_text(json.dumps(nb))
    elif name == "json_array":
        target.write_text("[1, 2, 3]")
    elif name == "deep_json":
        target.write_text("[" * 100000 + "]" * 100000)
    elif name == "two_notebooks":
        (folder / "draft.ipynb").write_bytes(good)
        (folder / "final.ipynb").write_bytes(good)
    elif name == "no_notebook":
        (folder / "notes.txt").write_text("I forgot to save the notebook\n")
    elif name == "symlink_to_source":
        os.symlink(source_path, target)
    elif name == "directory_named_ipynb":
        target.mkdir()
    elif name == "fifo_named_ipynb":
        os.mkfifo(target)
    else:
        raise KeyError(name)
