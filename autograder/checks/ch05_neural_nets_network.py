"""Checks of chapter 5's Nielsen network and of the reading of its gradient (3Blue1Brown).

These checks belong to the chapter ``ch05_neural_nets`` (SLUG), whose check module re-exports them.
Graded objects and their interfaces (as in the notebook and in solutions/ch05_neural_nets_network.py,
whose docstring states the column-vector notation):

    Network(sizes)                     .weights [(n_l, n_{l-1})], .biases [(n_l, 1)], l = 1..L
        .backprop(x, y) -> (nabla_b, nabla_w)        x (n_0, 1), y (n_L, 1); C_x = 1/2 ||a^L - y||^2
        .update_mini_batch(mini_batch, eta)          [(x, y)], steps by -(eta / len(batch)) * sum
        .evaluate(test_data) -> int                  [(x, label)], right answers by argmax
        .SGD(training_data, epochs, mini_batch_size, eta, seed=0)
    rank_weights(nabla_w, k) -> [(i, j, m)] * k     the k largest |dC/dw|, largest first
    restarts(train, seeds) -> (costs (S,), best)      costs[s] = train(seeds[s]); best: seed of the least

check_network grades every method on its own case kind: backprop against central differences of
the cost on networks of several depths (the check sets the weights and biases itself, after
checking the shapes ``Network(sizes)`` draws), update_mini_batch by the step it takes, evaluate by
its count, and SGD end to end on the digits from a start the check sets: the judge measures the
test accuracy itself and compares the parameters with a reference run of the same protocol.
"""
import numpy as np
from threadpoolctl import threadpool_limits

from autograder.checks.base import Case, Check, Finding, grad_findings, param_grads, scalar_finding, value_finding
from autograder.checks.findings import reference_run_findings
from autograder.checks.families import sigmoid
from autograder.datasets import digits_split

SLUG = "ch05_neural_nets"     # these checks belong to chapter 5, whose module re-exports them


def digits_columns(n_train=None, test_size=360, seed=0):
    """The digits in Nielsen's form: training [(x (64, 1), y (10, 1) one-hot)], test [(x (64, 1),
    label int)], from autograder.datasets.digits_split (standardised with the training statistics);
    ``n_train`` keeps the first n_train training images."""
    X_train, y_train, X_test, y_test = digits_split(test_size, seed)
    if n_train:
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    training = [(x.reshape(-1, 1), np.eye(10)[:, [int(label)]]) for x, label in zip(X_train, y_train)]
    test = [(x.reshape(-1, 1), int(label)) for x, label in zip(X_test, y_test)]
    return training, test


def network_accuracy(weights, biases, test_data):
    """Share of (x, label) pairs whose largest output unit is the label (weights, biases as lists)."""
    X = np.hstack([x for x, _ in test_data])
    for W, b in zip(weights, biases):
        X = sigmoid(W @ X + b)
    return float(np.mean(np.argmax(X, axis=0) == np.array([label for _, label in test_data])))


def _layers(weights, biases, prefix=""):
    """The lists of a network's weights and biases by name: {prefix + "W1": weights[0], ..., prefix + "b1": ...}."""
    return {**{f"{prefix}W{l}": W for l, W in enumerate(weights, 1)},
            **{f"{prefix}b{l}": b for l, b in enumerate(biases, 1)}}


def _cost(params, x, y):
    """C_x = 1/2 ||a^L - y||^2 of the network whose parameters ``_layers`` names."""
    a = x
    for l in range(1, len(params) // 2 + 1):
        a = sigmoid(params[f"W{l}"] @ a + params[f"b{l}"])
    return 0.5 * float(np.sum((a - y) ** 2))


def _net(rng, sizes):
    """A case's network: its sizes, normal weights (n_out, n_in) and normal bias columns (n_out, 1)."""
    return {"sizes": list(sizes),
            "weights": [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])],
            "biases": [rng.normal(size=(n_out, 1)) for n_out in sizes[1:]]}


def blas_one_thread():
    """Small matrices train faster on one BLAS thread than on several competing for the cores."""
    return threadpool_limits(limits=1, user_api="blas")


class NetworkCheck(Check):
    """Network: backprop (numerical), update_mini_batch (its step), evaluate (its count), SGD (digits)."""
    protocol = ("Follow the stated protocol: one generator rng = np.random.default_rng(seed) made before "
                "the first epoch, order = rng.permutation(n) at the start of every epoch, batches "
                "[training_data[i] for i in order[k:k + mini_batch_size]], one update_mini_batch per batch.")

    def cases(self, seed, depths=((3, 4, 2), (2, 5, 3, 2), (4, 3, 3, 3, 2)), batch=4, eta=0.7,
              evaluate=(4, 5, 3), digits=True, epochs=5, mini_batch_size=10, digits_eta=3.0, n_train=None,
              min_accuracy=0.93):
        rng = np.random.default_rng(seed)
        out = [Case(f"backprop, sizes {list(sizes)}", {"kind": "backprop", **_net(rng, sizes),
                    "x": rng.normal(size=(sizes[0], 1)), "y": rng.uniform(size=(sizes[-1], 1))}) for sizes in depths]
        if batch:
            sizes, net = depths[0], _net(rng, depths[0])
            pairs = [(rng.normal(size=(sizes[0], 1)), rng.uniform(size=(sizes[-1], 1))) for _ in range(batch)]
            out.append(Case(f"update_mini_batch, sizes {net['sizes']}, {batch} examples, eta {eta:g}",
                            {"kind": "update", **net, "mini_batch": pairs, "eta": eta}))
        if evaluate:
            net = _net(rng, evaluate)
            data = [(rng.normal(size=(evaluate[0], 1)), int(rng.integers(0, evaluate[-1]))) for _ in range(30)]
            out.append(Case(f"evaluate, sizes {net['sizes']}, 30 examples", {"kind": "evaluate", **net,
                            "test_data": data}))
        if digits:
            out.append(Case(f"SGD on the digits, [64, 30, 10], {n_train or 'all'} training images, "
                            f"{epochs} epochs, batches of {mini_batch_size}, eta {digits_eta:g}",
                            {"kind": "sgd", "sizes": [64, 30, 10], "epochs": epochs,
                             "mini_batch_size": mini_batch_size, "eta": digits_eta, "n_train": n_train,
                             "seed": seed, "min_accuracy": min_accuracy}))
        return out

    def prepare(self, inputs):
        if inputs["kind"] != "sgd":
            return inputs
        training, _ = digits_columns(inputs["n_train"])
        return {**inputs, **_net(np.random.default_rng(inputs["seed"]), inputs["sizes"]), "training_data": training}

    def call(self, args, Network):  # noqa: N803 (the graded object is a class)
        net = Network(list(args["sizes"]))
        drawn = {"drawn_w": [list(np.shape(W)) for W in net.weights],
                 "drawn_b": [list(np.shape(b)) for b in net.biases]}
        return {**drawn, **self._run(net, args)}

    @staticmethod
    def _run(net, args):
        """``net`` given the case's weights and biases, then run as its kind says: backprop's nabla_w and
        nabla_b, evaluate's count, or the weights and biases after update_mini_batch or SGD."""
        net.weights = [W.copy() for W in args["weights"]]
        net.biases = [b.copy() for b in args["biases"]]
        kind = args["kind"]
        if kind == "backprop":
            nabla_b, nabla_w = net.backprop(args["x"], args["y"])
            return {"nabla_w": [np.asarray(g, dtype=np.float64) for g in nabla_w],
                    "nabla_b": [np.asarray(g, dtype=np.float64) for g in nabla_b]}
        if kind == "evaluate":
            return {"correct": net.evaluate(args["test_data"])}
        if kind == "update":
            net.update_mini_batch(args["mini_batch"], args["eta"])
        else:
            with blas_one_thread():
                net.SGD(args["training_data"], args["epochs"], args["mini_batch_size"], args["eta"],
                        args["seed"])
        return {"weights": [np.asarray(W, dtype=np.float64) for W in net.weights],
                "biases": [np.asarray(b, dtype=np.float64) for b in net.biases]}

    def expected(self, inputs, ref):
        """backprop: central differences of the cost; update: the reference's step; evaluate: its count;
        SGD: the reference run's parameters and the test accuracy they reach."""
        kind = inputs["kind"]
        if kind == "backprop":
            return param_grads(lambda params: _cost(params, inputs["x"], inputs["y"]),
                               _layers(inputs["weights"], inputs["biases"]))
        args = self.prepare(inputs)
        out = self._run(ref.Network(list(inputs["sizes"])), args)
        if kind == "update":
            return {"dW": [W - W0 for W, W0 in zip(out["weights"], args["weights"])],
                    "db": [b - b0 for b, b0 in zip(out["biases"], args["biases"])]}
        if kind == "sgd":
            out["accuracy"] = network_accuracy(out["weights"], out["biases"], digits_columns()[1])
        return out

    def judge(self, inputs, outputs, expected):
        sizes = inputs["sizes"]
        want_w = [[n_out, n_in] for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        want_b = [[n_out, 1] for n_out in sizes[1:]]
        if outputs["drawn_w"] != want_w or outputs["drawn_b"] != want_b:
            return [Finding("Network(sizes)", False, f"Network({sizes}) drew weights of shapes {outputs['drawn_w']} "
                            f"and biases of shapes {outputs['drawn_b']}; expected {want_w} and {want_b}: "
                            "W^l is (n_l, n_(l-1)), b^l a column (n_l, 1).", "shape")]
        kind, L = inputs["kind"], len(sizes) - 1
        if kind == "backprop":
            if len(outputs["nabla_w"]) != L or len(outputs["nabla_b"]) != L:
                return [Finding("backprop", False, f"backprop returned {len(outputs['nabla_b'])} bias and "
                                        f"{len(outputs['nabla_w'])} weight gradients; the network has {L} layers, "
                                        "so it must return (nabla_b, nabla_w), two lists of that length.", "shape")]
            got = _layers(outputs["nabla_w"], outputs["nabla_b"], "d")
            return grad_findings(got, expected, list(got))       # dW1..dWL, then db1..dbL
        if kind == "evaluate":
            return [scalar_finding("evaluate", outputs["correct"], expected["correct"])]
        if kind == "update":
            steps = [(f"step of W{l + 1}", np.asarray(W) - W0, d) for l, (W, W0, d) in
                     enumerate(zip(outputs["weights"], inputs["weights"], expected["dW"]))]
            steps += [(f"step of b{l + 1}", np.asarray(b) - b0, d) for l, (b, b0, d) in
                      enumerate(zip(outputs["biases"], inputs["biases"], expected["db"]))]
            if len(steps) != 2 * L:
                return [Finding("update_mini_batch", False, "after update_mini_batch the network "
                                        f"does not hold {L} weight matrices and {L} bias columns.", "shape")]
            return [value_finding(what, got, want) for what, got, want in steps]
        return self._judge_sgd(inputs, outputs, expected)

    def _judge_sgd(self, inputs, outputs, expected):
        weights = [np.asarray(W, dtype=np.float64) for W in outputs["weights"]]
        biases = [np.asarray(b, dtype=np.float64) for b in outputs["biases"]]
        shapes_ok = ([W.shape for W in weights] == [np.shape(W) for W in expected["weights"]]
                     and [b.shape for b in biases] == [np.shape(b) for b in expected["biases"]])
        if not shapes_ok:
            return [Finding("SGD", False, "after SGD the network's weights and biases no longer have their "
                            "shapes.", "shape")]
        _, test = digits_columns()
        return reference_run_findings(
            weights + biases, list(expected["weights"]) + list(expected["biases"]),
            network_accuracy(weights, biases, test), len(test), inputs["min_accuracy"], expected["accuracy"],
            "Does every mini-batch move every parameter against its averaged gradient?", self.protocol)


# --------------------------------------------------------------------------- reading the gradient
class RankWeights(Check):
    """rank_weights on random gradient lists whose magnitudes are all distinct (no ties)."""

    def cases(self, seed, depths=((5, 4, 3), (3, 6, 4, 2)), k=6, signs=True):
        rng = np.random.default_rng(seed)
        out = []
        for sizes in depths:
            grads = [rng.permutation(np.arange(1, n_in * n_out + 1) * 0.001 + 0.0001 * l).reshape(n_out, n_in)
                     for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]
            scale = rng.uniform(0.5, 2.0)
            grads = [g * scale * (rng.choice([-1.0, 1.0], size=g.shape) if signs else 1.0) for g in grads]
            out.append(Case(f"sizes {list(sizes)}, k={k}" + (", mixed signs" if signs else ""),
                            {"nabla_w": grads, "k": k}))
        return out

    def call(self, inputs, rank_weights):
        ranked = rank_weights(inputs["nabla_w"], inputs["k"])
        return {"ranked": [[int(v) for v in entry] for entry in ranked]}

    def judge(self, inputs, outputs, expected):
        got, want = outputs["ranked"], expected["ranked"]
        if len(got) != len(want) or any(len(e) != 3 for e in got):
            return [Finding("ranked", False, f"returned {len(got)} entries; expected {len(want)} "
                                    "tuples (layer index, row, column).", "shape")]
        ok = got == want
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
        return [Finding("ranked", ok, "the ranking is right." if ok else
                                f"entry {first} is {tuple(got[first])}, expected {tuple(want[first])}.",
                                "ok" if ok else "value")]


def _valley_cost(seed):
    """A small training run with local minima: gradient descent from a start drawn from the seed on
    f(x) = x^4 - 3 x^2 + x (a shallow minimum near x = 1.13, a deep one near x = -1.30); returns f at
    the end."""
    x = float(np.random.default_rng(seed).uniform(-2.0, 2.0))
    for _ in range(200):
        x -= 0.01 * (4 * x ** 3 - 6 * x + 1)
    return x ** 4 - 3 * x ** 2 + x


class Restarts(Check):
    """restarts with a training function the check provides (one short run per seed, deterministic)."""

    def cases(self, seed, counts=(6, 3)):
        rng = np.random.default_rng(seed)
        return [Case(f"{n} seeds", {"seeds": [int(s) for s in rng.choice(1000, size=n, replace=False)]})
                for n in counts]

    def call(self, inputs, restarts):
        calls = []

        def train(seed):
            calls.append(int(seed))
            return _valley_cost(int(seed))
        costs, best = restarts(train, inputs["seeds"])
        return {"costs": np.asarray(costs, dtype=np.float64), "best": int(best), "calls": calls}

    def expected(self, inputs, ref):
        costs, best = ref.restarts(_valley_cost, list(inputs["seeds"]))
        return {"costs": costs, "best": int(best)}

    def judge(self, inputs, outputs, expected):
        ran, right = sorted(outputs["calls"]) == sorted(inputs["seeds"]), outputs["best"] == expected["best"]
        runs = Finding("runs", ran, f"train was called with seeds {outputs['calls']}; it must run once for each of "
                       f"{inputs['seeds']}.", "ok" if ran else "value")
        best = Finding("best", right, f"best is {outputs['best']}, expected the seed {expected['best']}: the seed "
                       "(not its position) whose run ended with the lowest cost.", "ok" if right else "value")
        return [runs, value_finding("costs", outputs["costs"], expected["costs"]), best]


check_network = NetworkCheck(
    "Network", points=6,
    hints={"scale": "A mini-batch step averages: each parameter moves by eta / len(mini_batch) times the "
                    "sum of its per-example gradients.",
           "mismatch": "Follow the delta recursion layer by layer: delta^L = (a^L - y) * sigmoid'(z^L), then "
                       "delta^l = (W^(l+1))^T delta^(l+1) * sigmoid'(z^l), with z^l the weighted input, not a^l.",
           "transpose": "dC/dW^l pairs delta^l (n_l, 1) with a^(l-1) (n_(l-1), 1): which one is transposed?"})
check_rank_weights = RankWeights(
    "rank_weights", points=2,
    hints={"value": "Rank by the size |dC/dw| over every layer at once, largest first; indices count from 0."})
check_restarts = Restarts("restarts", points=2)
