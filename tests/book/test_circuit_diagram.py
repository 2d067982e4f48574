"""Tests of book/circuit_diagram.py, the one function that draws circuits with values and gradients."""
import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

_PATH = Path(__file__).resolve().parents[2] / "book" / "circuit_diagram.py"
_spec = importlib.util.spec_from_file_location("circuit_diagram", _PATH)
circuit_diagram = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(circuit_diagram)

NODES = [
    {"name": "x", "label": "x", "value": -2.0, "grad": -4.0, "inputs": []},
    {"name": "y", "label": "y", "value": 5.0, "grad": -4.0, "inputs": []},
    {"name": "z", "label": "z", "value": -4.0, "grad": 3.0, "inputs": []},
    {"name": "q", "label": "+", "value": 3.0, "grad": -4.0, "inputs": ["x", "y"]},
    {"name": "f", "label": "*", "value": -12.0, "grad": None, "inputs": ["q", "z"]},
]


def texts_by_kind(ax):
    kinds = {}
    for t in ax.texts:
        gid = t.get_gid()
        if gid:
            kind, name = gid.split(":")
            kinds.setdefault(kind, []).append((name, t))
    return kinds


def test_one_text_per_value_and_per_gradient():
    """Is every given value drawn once in green and every given gradient once in red (None skipped)?"""
    ax = circuit_diagram.draw_circuit(NODES, title="(x + y) * z")
    kinds = texts_by_kind(ax)
    assert sorted(n for n, _ in kinds["value"]) == ["f", "q", "x", "y", "z"]
    assert sorted(n for n, _ in kinds["grad"]) == ["q", "x", "y", "z"]
    for _, t in kinds["value"]:
        assert matplotlib.colors.same_color(t.get_color(), circuit_diagram.VALUE_COLOR)
    for _, t in kinds["grad"]:
        assert matplotlib.colors.same_color(t.get_color(), circuit_diagram.GRAD_COLOR)
    assert dict((n, t.get_text()) for n, t in kinds["value"])["f"] == "-12"
    assert ax.get_title() == "(x + y) * z"
    plt.close(ax.figure)


def test_reused_wire_numbers_drawn_once():
    """When a node feeds two gates (x in x*y + x), are its value and gradient still drawn once?"""
    nodes = [{"name": "x", "label": "x", "value": 2.0, "grad": -2.0, "inputs": []},
             {"name": "y", "label": "y", "value": -3.0, "grad": 2.0, "inputs": []},
             {"name": "m", "label": "*", "value": -6.0, "grad": 1.0, "inputs": ["x", "y"]},
             {"name": "f", "label": "+", "value": -4.0, "grad": 1.0, "inputs": ["m", "x"]}]
    fig, ax = plt.subplots()
    assert circuit_diagram.draw_circuit(nodes, ax=ax) is ax
    kinds = texts_by_kind(ax)
    assert [n for n, _ in kinds["value"]].count("x") == 1
    assert [n for n, _ in kinds["grad"]].count("x") == 1
    plt.close(fig)


def test_layout_goes_left_to_right_by_depth():
    """Does each node sit one column right of its deepest input?"""
    depth = circuit_diagram._depths(NODES)
    assert depth == {"x": 0, "y": 0, "z": 0, "q": 1, "f": 2}
    pos = circuit_diagram._positions(NODES, depth)
    assert pos["x"][0] < pos["q"][0] < pos["f"][0]


@pytest.mark.parametrize("nodes, words", [
    (NODES[:3] + [{"name": "q", "label": "+", "value": 1.0, "grad": 1.0, "inputs": ["x", "w"]}],
     ["'q'", "'w'", "names no node"]),
    (NODES + [dict(NODES[0])], ["two nodes", "'x'"]),
    ([{"name": "a", "label": "+", "value": 1.0, "grad": 1.0, "inputs": ["b"]},
      {"name": "b", "label": "+", "value": 1.0, "grad": 1.0, "inputs": ["a"]}], ["cycle"]),
])
def test_clear_errors(nodes, words):
    """Does a bad description (unknown input name, repeated name, cycle) raise a ValueError saying so?"""
    with pytest.raises(ValueError) as info:
        circuit_diagram.draw_circuit(nodes)
    for w in words:
        assert w in str(info.value)
    plt.close("all")


def test_wire_name_and_array_shape():
    """Is a named wire drawn as "q = 3", and an array-valued wire as its shape (value and gradient)?"""
    nodes = [dict(n) for n in NODES]
    nodes[3]["wire"] = "q"
    nodes[0].update(value=None, grad=None, shape=(2, 3))
    ax = circuit_diagram.draw_circuit(nodes)
    kinds = texts_by_kind(ax)
    values = dict((n, t.get_text()) for n, t in kinds["value"])
    grads = dict((n, t.get_text()) for n, t in kinds["grad"])
    assert values["q"] == "q = 3"
    assert values["x"] == "2×3" and grads["x"] == "2×3"
    plt.close(ax.figure)
