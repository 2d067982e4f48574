"""Tests of the graph-engine checks of chapter 3 (autograder/checks/ch03_backprop_graph.py).

What every check of every chapter must do (reference, stub, hidden cases, stored values) is
tested in tests/test_exercises.py and the mutants in tests/test_mutants.py; these tests ask about
the feedback of the node and sort checks."""
import numpy as np

from autograder.checks import ch03_backprop as chapter
from autograder.checks import ch03_backprop_graph as checks
from autograder.checks.base import LiveOracle, checks_of
from solutions import ch03_backprop as ref

ORACLE = LiveOracle(ref)
CHECKS = checks_of(checks)


def test_chapter_module_exposes_every_graph_check():
    """Does autograder.checks.ch03_backprop expose each node and sort check, as the same instance?"""
    assert CHECKS
    exposed = checks_of(chapter)
    for name, check in CHECKS.items():
        assert exposed.get(name) is check, name


def test_consumer_overwrite_is_named_overwrite():
    """Does a Linear node that keeps only the last consumer's gradient hear that it must sum over
    consumers, while the single-consumer case still earns its share?"""
    class LastOnly(ref.Linear):
        def backward(self):
            X, W, b = self.inbound_nodes
            dout = self.upstream_gradients()[-1]
            self.gradients = {X: dout @ W.value.T, W: X.value.T @ dout, b: dout.sum(axis=0)}
    report = CHECKS["check_linear_backward"].evaluate(LastOnly, oracle=ORACLE)
    assert report.diagnoses == {"overwrite"}
    assert 0 < report.earned < report.points
    assert "only the last of the 2 consumers" in report.text()


def test_sort_accepts_any_valid_order():
    """Is a topological order other than the reference's (depth-first, reversed post-order)
    accepted, on the visible cases and on every graph the check knows?"""
    def dfs_sort(feed_dict):
        post, seen = [], set()

        def visit(n, path):
            if n in path:
                raise ValueError("cycle")
            if n in seen:
                return
            for m in n.outbound_nodes:
                visit(m, path | {n})
            seen.add(n)
            post.append(n)
        for n in feed_dict:
            visit(n, frozenset())
            n.value = feed_dict[n]
        return post[::-1]
    check = CHECKS["check_topological_sort"]
    for params in ({}, {"graphs": sorted(checks.GRAPHS)}):
        report = check.evaluate(dfs_sort, oracle=ORACLE, **params)
        assert report.passed, report.text()


def test_node_checks_do_not_need_the_reference_classes():
    """Does a Linear written from scratch on duck-typed nodes (as in the notebook) pass?"""
    class Linear:
        def __init__(self, X, W, b):
            self.inbound_nodes = [X, W, b]
            self.outbound_nodes = []
            for n in self.inbound_nodes:
                n.outbound_nodes.append(self)

        def forward(self):
            X, W, b = self.inbound_nodes
            self.value = X.value @ W.value + b.value

        def backward(self):
            X, W, b = self.inbound_nodes
            self.gradients = {n: np.zeros_like(n.value) for n in self.inbound_nodes}
            for c in self.outbound_nodes:
                dout = c.gradients[self]
                self.gradients[X] += dout @ W.value.T
                self.gradients[W] += X.value.T @ dout
                self.gradients[b] += dout.sum(axis=0)
    assert CHECKS["check_linear_backward"].evaluate(Linear, oracle=ORACLE).passed


def test_reused_input_overwrite_is_named_in_node_checks():
    """Does a Mul that assigns each share (so Mul(x, x) keeps only one) hear 'overwrite' for the
    reused input, while the case with two different inputs passes?"""
    class Assigns(ref.Mul):
        def backward(self):
            a, b = self.inbound_nodes
            dout = sum(self.upstream_gradients())
            self.gradients = {a: b.value * dout}
            self.gradients[b] = a.value * dout
    report = CHECKS["check_mul_backward"].evaluate(Assigns, oracle=ORACLE)
    assert report.diagnoses == {"overwrite"} and report.earned == report.points / 2
    assert "reads x 2 times" in report.text()


def test_shape_error_in_a_node_backward_gets_a_hint():
    """When numpy raises on a wrong bias sum axis, does the feedback say which shapes to compare?"""
    class BiasAxis(ref.Linear):
        def backward(self):
            X, W, b = self.inbound_nodes
            self.reset_gradients()
            for dout in self.upstream_gradients():
                self.gradients[X] += dout @ W.value.T
                self.gradients[W] += X.value.T @ dout
                self.gradients[b] += dout.sum(axis=1)
    report = CHECKS["check_linear_backward"].evaluate(BiasAxis, oracle=ORACLE)
    assert report.earned == 0 and report.diagnoses == {"error"}
    assert "db like b (M,)" in report.text()
