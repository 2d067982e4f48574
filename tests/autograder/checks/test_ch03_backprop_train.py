"""Tests of autograder/checks/ch03_backprop_train.py: node forwards, sgd_update and train_graph."""
import autograd.numpy as anp
import numpy as np
from autograd import grad

from autograder.checks import ch03_backprop_train as C
from autograder.checks.base import LiveOracle
from autograder.datasets import wave, wave_start
from solutions import ch03_backprop as ref
from solutions import ch03_backprop_graph as G

ORACLE = LiveOracle(ref)


def test_numerical_descent_agrees_with_autograd():
    """Is the check's numerical descent, 20 epochs, the same as gradient descent with HIPS autograd?"""
    X, y = wave(12)
    start = wave_start(3, seed=5)

    def cost(theta):
        W1, b1, W2, b2 = theta[:3].reshape(1, 3), theta[3:6], theta[6:9].reshape(3, 1), theta[9]
        h = 1 / (1 + anp.exp(-(anp.dot(X, W1) + b1)))
        return anp.mean((y - (anp.dot(h, W2) + b2)) ** 2)
    theta = C._flat(start)
    costs = []
    for _ in range(20):
        costs.append(cost(theta))
        theta = theta - 0.4 * grad(cost)(theta)
    got_theta, got_costs = C.numerical_descent(X, y, start, 20, 0.4)
    assert np.allclose(got_costs, costs, rtol=1e-8) and np.allclose(got_theta, theta, rtol=1e-6, atol=1e-9)


def test_train_graph_with_another_float_order_earns_full_marks():
    """Does a right loop whose MSE node sums in another order (float noise only) earn full marks,
    visible and hidden, for several seeds?"""
    class MSE2(G.MSE):
        def forward(self):
            super().forward()
            self.value = float(np.sum(self.diff[::-1] ** 2) / self.m)

    def train(X, y, params, epochs=800, learning_rate=0.5):
        n = {k: G.Input(k) for k in ("X", "y", "W1", "b1", "W2", "b2")}
        MSE2(n["y"], G.Linear(G.Sigmoid(G.Linear(n["X"], n["W1"], n["b1"])), n["W2"], n["b2"]))
        graph = G.topological_sort({n["X"]: X, n["y"]: y, **{n[k]: params[k] for k in C.PARAMS}})
        costs = []
        for _ in range(epochs):
            costs.append(G.forward_and_backward(graph))
            G.sgd_update([n[k] for k in C.PARAMS], learning_rate)
        return {k: n[k].value for k in C.PARAMS}, costs
    for seed in (None, 3):
        for params in ({}, {"hidden": 4, "epochs": 300, "learning_rate": 0.3, "start": "random", "n": 20}):
            report = C.check_train_graph.evaluate(train, seed=seed, oracle=ORACLE, **params)
            assert report.passed, report.text()


def test_the_target_is_enforced_on_the_course_start_only():
    """Is the final-cost finding 'below TARGET' on the course's start, and 'the reference's cost'
    on a random start, and is the course's start really able to reach TARGET?"""
    course = C.check_train_graph.cases(0)[0].inputs
    randomised = C.check_train_graph.cases(0, start="random")[0].inputs
    assert course["target"] and not randomised["target"]
    theta, _ = C.numerical_descent(course["X"], course["y"], course["params"], course["epochs"], 0.5)
    assert C._cost(theta[None], course["X"], course["y"], 8)[0] < C.TARGET


def test_sgd_update_in_place_loses_the_fed_arrays_finding():
    """Does an in-place update, whose values are right, lose points for changing the fed arrays?"""
    def in_place(trainables, learning_rate=1e-2):
        for t in trainables:
            t.value -= learning_rate * t.gradients[t]
    report = C.check_sgd_update.evaluate(in_place, oracle=ORACLE)
    assert 0 < report.earned < report.points
    assert [f.what for _, f in report.problems()] == ["fed arrays"]


def test_forward_checks_grade_the_value_set():
    """Do the reference nodes pass the forward checks (visible and hidden layouts), and does a node
    whose forward leaves value as None get a shape finding?"""
    assert C.check_linear_forward.evaluate(ref.Linear, oracle=ORACLE, layouts=[(3, 1, 2), (2, 6, 7)]).passed
    assert C.check_sigmoid_forward.evaluate(ref.Sigmoid, oracle=ORACLE, layouts=[((2, 3), 40.0)]).passed

    class Lazy(ref.Sigmoid):
        def forward(self):
            pass
    report = C.check_sigmoid_forward.evaluate(Lazy, oracle=ORACLE)
    assert report.earned == 0 and report.diagnoses == {"shape"}


def test_a_forward_that_writes_into_its_input_is_told_once_without_the_value_hint():
    """Does a Sigmoid whose forward squashes its input node's array in place get one "inputs"
    finding per case, naming the input, and none of the hints meant for a wrong value?"""
    class SquashesInPlace(G.Sigmoid):
        def forward(self):
            z = self.inbound_nodes[0].value
            z *= -1.0
            np.exp(z, out=z)
            self.value = 1.0 / (1.0 + z)
    report = C.check_sigmoid_forward.evaluate(SquashesInPlace, oracle=ORACLE)
    failing = [f for _, f in report.problems()]
    assert [f.what for f in failing] == ["inputs"] * len(report.results) and report.earned == 0
    assert all("its input z" in f.message and "1 / (1 + exp" not in f.message for f in failing), report.text()
