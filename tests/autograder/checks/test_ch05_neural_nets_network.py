"""Tests of autograder/checks/ch05_neural_nets_network.py: Nielsen's Network, rank_weights, restarts."""
import numpy as np
import pytest

from autograder.checks import ch05_neural_nets as C
from autograder.checks.base import LiveOracle
from solutions import ch05_neural_nets as ref
from solutions import ch05_neural_nets_quadratic as q

ORACLE = LiveOracle(ref)


def grade(check, *student, **params):
    return check.evaluate(*student, oracle=ORACLE, **params)


class BatchedNetwork(ref.Network):
    """A right answer written differently: update_mini_batch stacks the batch into columns and
    uses the matrix form of the quadratic module."""
    def update_mini_batch(self, mini_batch, eta):
        X = np.hstack([x for x, _ in mini_batch])
        Y = np.hstack([y for _, y in mini_batch])
        self.weights, self.biases = q.update_mini_batch(self.weights, self.biases, X, Y, eta)


@pytest.mark.parametrize("seed", [0, 3])
def test_a_right_network_written_another_way_earns_full_marks(seed):
    """Does a network whose mini-batch step is computed in matrix form earn full marks?"""
    report = grade(C.check_network, BatchedNetwork, seed=seed)
    assert report.passed and report.earned == C.check_network.points, report.text()


def test_backprop_is_checked_at_several_depths():
    """Do the visible cases run backprop on networks of two, three and four layers, and SGD on the digits?"""
    cases = C.check_network.cases(0)
    depths = [len(c.inputs["sizes"]) - 1 for c in cases if c.inputs["kind"] == "backprop"]
    assert depths == [2, 3, 4]
    assert [c.inputs["sizes"] for c in cases if c.inputs["kind"] == "sgd"] == [[64, 30, 10]]


def test_an_unaveraged_step_is_named_a_scale_error_with_the_hint():
    """Is a step of eta times the summed gradient named a scale error, with eta / len(mini_batch) hinted?"""
    class Summed(ref.Network):
        def update_mini_batch(self, mini_batch, eta):
            super().update_mini_batch(mini_batch, eta * len(mini_batch))
    report = grade(C.check_network, Summed, digits=False)
    assert "scale" in report.diagnoses and "eta / len(mini_batch)" in report.text()
    assert "4 times the right value" in report.text()


def test_the_accuracy_is_measured_by_the_judge_from_the_returned_parameters():
    """Does a network that trains nothing (SGD returns at once) fail the digits case on accuracy and
    on the trajectory, while its other cases pass?"""
    class Lazy(ref.Network):
        def SGD(self, training_data, epochs, mini_batch_size, eta, seed=0):  # noqa: N802
            return None
    report = grade(C.check_network, Lazy)
    failing = {(label.split(",")[0], f.what) for label, f in report.problems()}
    assert failing == {("SGD on the digits", "test accuracy"), ("SGD on the digits", "parameters")}


def test_wrong_init_shapes_are_reported_before_anything_else():
    """Does Network(sizes) drawing W as (n_in, n_out) fail every case with the shapes named?"""
    class Transposed(ref.Network):
        def __init__(self, sizes, seed=0):
            super().__init__(sizes, seed)
            self.weights = [W.T for W in self.weights]
    report = grade(C.check_network, Transposed, digits=False)
    assert report.earned == 0 and report.diagnoses == {"shape"} and "(n_l, n_(l-1))" in report.text()


def test_hidden_digits_case_is_smaller():
    """Does the hidden cell's SGD case train on 600 images for 3 epochs, with a lower target?"""
    case = C.check_network.cases(50, epochs=3, n_train=600, min_accuracy=0.8, mini_batch_size=5)[-1]
    assert case.inputs["n_train"] == 600 and "600 training images" in case.label
    assert grade(C.check_network, ref.Network, seed=50, depths=[(2, 2)], batch=1, evaluate=None,
                 epochs=3, n_train=600, min_accuracy=0.8, mini_batch_size=5).passed


def test_rank_weights_case_magnitudes_are_distinct():
    """Are the magnitudes of every rank_weights case distinct, so the ranking has one right answer?"""
    for seed in range(5):
        for case in C.check_rank_weights.cases(seed) + C.check_rank_weights.cases(seed, depths=[(2, 2), (6, 4, 3, 2)]):
            sizes = np.concatenate([np.abs(g).ravel() for g in case.inputs["nabla_w"]])
            assert np.unique(sizes).size == sizes.size


def test_restarts_reports_the_seeds_train_was_called_with():
    """Does a loop that reuses one seed hear which seeds train was called with?"""
    def restarts(train, seeds):
        costs = np.array([train(seeds[0]) for _ in seeds])
        return costs, seeds[0]
    report = grade(C.check_restarts, restarts)
    assert not report.passed and "train was called with seeds" in report.text()


def test_restarts_cases_reach_both_valleys():
    """Do the visible seeds end in valleys of different depth (so the best seed is a real choice)?"""
    from autograder.checks.ch05_neural_nets_network import _valley_cost
    costs = [round(_valley_cost(s), 6) for s in C.check_restarts.cases(0)[0].inputs["seeds"]]
    assert len(set(costs)) == 2



def _rank_then_clear(nabla_w, k):
    ranked = ref.rank_weights(nabla_w, k)
    nabla_w[0].fill(0.0)
    return ranked


def _restarts_then_add_a_seed(train, seeds):
    result = ref.restarts(train, seeds)
    seeds.append(0)
    return result


@pytest.mark.parametrize("check, student", [(C.check_rank_weights, _rank_then_clear),
                                            (C.check_restarts, _restarts_then_add_a_seed)])
def test_a_right_answer_that_changes_its_input_loses_only_the_inputs_finding(check, student):
    """Does an answer that is right but writes into what it was handed get one "inputs" finding per
    case and credit for the rest (not a crash of its judge, reported as an output of the wrong form)?"""
    report = grade(check, student)
    failing = [f.what for _, f in report.problems()]
    assert failing == ["inputs"] * len(report.results), report.text()
    assert 0 < report.earned < check.points
