"""Tests of book/figures.py: do the explanatory figures show what their captions say, computed
from their arguments (Kahn's order, softmax probabilities, array shapes, where the balls stop)?"""
import graphlib
import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

_PATH = Path(__file__).resolve().parents[2] / "book" / "figures.py"
_spec = importlib.util.spec_from_file_location("figures", _PATH)
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)

GRAPH = {"X": [], "W": [], "b": [], "y": [], "Linear": ["X", "W", "b"],
         "Sigmoid": ["Linear"], "MSE": ["y", "Sigmoid"]}


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + \
           [ax.get_title() for ax in fig.axes]


def test_kahn_order_is_a_topological_order():
    """Does the last step of kahn_order place every node after all of its inputs, as Python's
    graphlib (an independent topological sort) requires, with nothing left waiting?"""
    steps = figures.kahn_order(GRAPH)
    order, ready, waiting = steps[-1]
    assert sorted(order) == sorted(GRAPH) and ready == []
    place = {n: k for k, n in enumerate(order)}
    assert all(place[i] < place[n] for n, ins in GRAPH.items() for i in ins)
    assert set(order) == set(graphlib.TopologicalSorter(GRAPH).static_order())
    assert len(steps) == len(GRAPH) + 1
    assert steps[0][1] == ["X", "W", "b", "y"]


@pytest.mark.parametrize("graph, words", [
    ({"a": ["b"], "b": ["a"]}, ["cycle"]),
    ({"a": ["ghost"]}, ["'ghost'", "not a node"]),
])
def test_kahn_order_refuses_bad_graphs(graph, words):
    """Does a cycle or an unknown input raise a ValueError that says which?"""
    with pytest.raises(ValueError) as info:
        figures.kahn_order(graph)
    assert all(w in str(info.value) for w in words)


def test_kahn_steps_draws_one_panel_per_step():
    """Is there one titled panel per step, the last placing the cost node?"""
    fig = figures.kahn_steps(GRAPH, {n: (k % 3, k // 3) for k, n in enumerate(GRAPH)})
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0] == "start" and titles[-1] == "step 7: place MSE" and len(titles) == 8
    plt.close(fig)


def test_softmax_bars_are_the_softmax():
    """Are the bottom bars the softmax of the scores (checked against scipy) and labelled so?"""
    from scipy.special import softmax

    scores = np.array([3.2, 5.1, -1.7, 0.3])
    fig = figures.softmax_steps(scores)
    heights = [p.get_height() for p in fig.axes[-1].patches]
    np.testing.assert_allclose(heights, softmax(scores), rtol=1e-12)
    np.testing.assert_allclose([p.get_height() for p in fig.axes[1].patches], np.exp(scores))
    assert f"{softmax(scores)[1]:.3f}" in texts(fig)
    plt.close(fig)


def test_shapes_are_labelled():
    """Do the network diagram and the dW picture label every array with its shape?"""
    fig = figures.network_diagram((64, 100, 10), backward=True)
    labels = " ".join(texts(fig))
    for shape in ["(N, 64)", "(N, 100)", "(N, 10)", "W1: (64, 100)", "W2: (100, 10)", "dscores"]:
        assert shape in labels
    plt.close(fig)
    fig = figures.network_diagram((64, 30, 10), batch="m", backward=True, columns=True,
                                  grad_names=[None, "δ¹", "δ²"], activation="sigmoid")
    labels = " ".join(texts(fig))
    assert "(30, m)" in labels and "W1: (30, 64)" in labels and "δ²\n(10, m)" in labels
    assert "sigmoid" in labels and "ReLU" not in labels
    plt.close(fig)
    fig = figures.dimension_picture(N=5, D=3, M=2)
    labels = texts(fig)
    assert {"(3, 5)", "(5, 2)", "(3, 2)", "N = 5"} <= set(labels)
    plt.close(fig)


def test_balls_roll_into_different_valleys():
    """From starts above two valleys, does descent end at each valley's minimum (where the
    gradient vanishes), and does the figure label the lower one the global minimum?"""
    f = lambda w: (w[..., 0] ** 2 - 1) ** 2 + 0.3 * w[..., 0] + 0.8 * w[..., 1] ** 2
    g = lambda w: np.array([4 * w[0] * (w[0] ** 2 - 1) + 0.3, 1.6 * w[1]])
    fig, ends = figures.cost_landscape(f, g, [(0.35, 1.3), (-0.15, -1.3)], lr=0.05, steps=300)
    assert ends[0][0] > 0.5 and ends[1][0] < -0.5
    assert all(np.linalg.norm(g(e)) < 1e-6 for e in ends)
    labels = texts(fig)
    assert "global minimum" in labels and "local minimum" in labels
    plt.close(fig)
