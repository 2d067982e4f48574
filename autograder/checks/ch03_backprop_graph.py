"""Checks of chapter 3, part two: the graph engine's nodes and its topological sort.

Node checks grade the ``backward`` method of a node class, ``check_linear_backward(Linear)``: the
node is wired to stand-in input nodes, run forward, given one or more consumers that each send
back a random upstream gradient, and run backward; its ``gradients`` are compared with numerical
gradients of the reference node's forward pass. ``check_topological_sort(topological_sort)``
sorts small graphs of stand-in nodes and judges the order, the fed values and cycle detection.

These checks belong to the chapter ``ch03_backprop`` (SLUG), whose module re-exports them next to
the expression checks. Diagnoses named here besides those of autograder.gradcheck: ``overwrite`` (a gradient assigned
where it should be added: it equals what only one consumer sent back, or one share of an input
read twice), and for the sort ``missing``, ``order``, ``values``, ``cycle``.
"""
from functools import partial

import numpy as np

from autograder import gradcheck
from autograder.checks.base import Case, Check, Finding, grad_findings, numeric_grads
from autograder.checks.families import signed

SLUG = "ch03_backprop"     # these checks belong to chapter 3, whose module re-exports them


# --------------------------------------------------------------------------- shared helpers
def _signed(rng, shape, lo=0.3, hi=1.5):
    """families.signed with this chapter's range and draw order (its seeds fix the cases)."""
    return signed(rng, shape, lo, hi, magnitude_first=True)


def _is_share(got, want, k):
    """True if ``got`` is 1/k of ``want`` (one of k equal contributions kept)."""
    got = np.asarray(got, dtype=np.float64)
    return got.shape == np.shape(want) and gradcheck.rel_error(got, want / k) <= gradcheck.DIAGNOSIS_TOL


# --------------------------------------------------------------------------- stand-in nodes
class _Vertex:
    """A stand-in node: a name, edges, a value; it registers itself with its inbound nodes."""

    def __init__(self, name, inbound=(), value=None):
        self.name = name
        self.inbound_nodes = list(inbound)
        self.outbound_nodes = []
        self.value = value
        self.gradients = {}
        for n in self.inbound_nodes:
            if self not in n.outbound_nodes:
                n.outbound_nodes.append(self)

    def __repr__(self):
        return f"<node {self.name}>"


def _wire(node_cls, values, wiring):
    """Build node_cls over stand-in sources and run its forward; returns (node, {name: source})."""
    sources = {n: _Vertex(n, value=np.asarray(v, dtype=np.float64)) for n, v in values.items()}
    node = node_cls(*[sources[w] for w in wiring])
    node.forward()
    return node, sources


# --------------------------------------------------------------------------- node checks
class NodeCheck(Check):
    """Grades one method (``method``) of the node class ``functions[0]`` of the graph engine, wired
    to stand-in input nodes; its name is ``check_<node>_<method>``.

    Parameters of ``cases``: layouts, a list of specs (default ``layouts``), one case each drawn by
    ``layout(rng, spec) -> (label, values {name: array}, wiring [names], ...)``, a plain function
    declared with the instance."""
    method = "backward"
    layouts = ()

    @property
    def node(self):
        return self.functions[0]

    @property
    def name(self):
        return f"check_{self.node.lower()}_{self.method}"

    def cases(self, seed, layouts=None):
        rng = np.random.default_rng(seed)
        return [self.case(rng, spec) for spec in (self.layouts if layouts is None else layouts)]

    def case(self, rng, spec):
        label, values, wiring = self.layout(rng, spec)
        return Case(label, {"values": values, "wiring": list(wiring)})


class NodeBackward(NodeCheck):
    """Grades the backward method of one node class of the graph engine. Each layout spec is a tuple
    whose form its layout function states; its last element is always the number of consumers (0: the
    node is the graph's output). ``layout`` also returns the shape of the node's value."""

    def case(self, rng, spec):
        label, values, wiring, shape = self.layout(rng, spec)
        n_cons = spec[-1]
        douts = [_signed(rng, shape) for _ in range(n_cons)]
        label += f", {n_cons} consumer{'s' if n_cons != 1 else ''}" if n_cons else ", graph output"
        return Case(label, {"values": values, "wiring": list(wiring), "douts": douts})

    def call(self, inputs, node_cls):
        node, sources = _wire(node_cls, inputs["values"], inputs["wiring"])
        for k, d in enumerate(inputs["douts"]):     # consumers, each sending back its upstream gradient
            _Vertex(f"consumer{k}", [node]).gradients = {node: np.array(d, dtype=np.float64)}
        node.backward()
        return {"grads": {name: node.gradients.get(src) if isinstance(node.gradients, dict) else None
                          for name, src in sources.items()}}

    def expected(self, inputs, ref):
        values, wiring, douts = inputs["values"], inputs["wiring"], inputs["douts"]

        def forward(**vals):
            return _wire(getattr(ref, self.node), vals, wiring)[0].value
        total = sum(douts) if douts else np.ones(np.shape(forward(**values)))
        exp = numeric_grads(forward, values, list(values), total)
        for name in values:              # a dropped upstream gradient: every consumer sends ones
            exp[f"d{name}_ones"] = exp[f"d{name}_ones"] * max(1, len(douts))
        for tag, d in (("first", douts[0]), ("last", douts[-1])) if len(douts) > 1 else ():
            one = numeric_grads(forward, values, list(values), d)   # what a single consumer's gradient gives
            exp.update({f"d{name}_{tag}": one["d" + name] for name in values})
        return exp

    def judge(self, inputs, outputs, expected):
        found = []
        for name in inputs["values"]:
            got, key = outputs["grads"][name], "d" + name
            if got is None:
                found.append(Finding(key, False, f"{self.node}.backward left no entry for its input "
                                     f"{name} in self.gradients.", "missing"))
                continue
            f = grad_findings({key: got}, expected, [key])[0]
            found.append(f)
            if f.passed or np.shape(got) != np.shape(expected[key]):
                continue
            kept = [tag for tag in ("first", "last") if f"{key}_{tag}" in expected
                    and gradcheck.rel_error(got, expected[f"{key}_{tag}"]) <= gradcheck.DIAGNOSIS_TOL]
            reads = inputs["wiring"].count(name)
            if kept:
                f.message = (f"{key} equals the gradient sent back by only the {kept[0]} of the "
                             f"{len(inputs['douts'])} consumers of this node. A node's gradients are "
                             "the sum over all of its consumers: add (+=) the contribution of every "
                             "upstream gradient.")
            elif reads > 1 and _is_share(got, expected[key], reads):
                f.message = (f"{key} is 1/{reads} of the right gradient: this node reads {name} {reads} "
                             f"times, and each share must be added (+=) into self.gradients[{name}], "
                             "not assigned over the previous one.")
            else:
                continue
            f.diagnosis = "overwrite"
        return found


PAIRS = (("xy", (3, 4), 2), ("xx", (2, 3), 1))      # the default layouts of Add and Mul


def _elementwise_layout(node, rng, spec):
    """Add or Mul (``node``): (wiring letters, shape, consumers), e.g. ("xy", (3, 4), 2); "xx" reads x
    twice (Add(x, x), Mul(x, x)); Mul takes two letters."""
    wiring, shape, _ = spec
    shape = tuple(shape)
    values = {n: rng.normal(size=shape) for n in dict.fromkeys(wiring)}
    return f"{node}({', '.join(wiring)}) of shape {shape}", values, list(wiring), shape


def _linear_layout(rng, spec):
    """((N, D, M), consumers): X (N, D), W (D, M), b (M,)."""
    (n, d, m), _ = spec
    values = {"X": rng.normal(size=(n, d)), "W": rng.normal(size=(d, m)), "b": rng.normal(size=m)}
    return f"Linear with N={n}, D={d}, M={m}", values, ["X", "W", "b"], (n, m)


def _sigmoid_layout(rng, spec):
    """(shape, consumers)."""
    shape = tuple(spec[0])
    return f"Sigmoid of shape {shape}", {"z": rng.normal(size=shape) * 2}, ["z"], shape


def _mse_layout(rng, spec):
    """(shape of y, shape of a, consumers); y and a hold the same number of elements."""
    ys, as_ = tuple(spec[0]), tuple(spec[1])
    values = {"y": rng.normal(size=ys), "a": rng.normal(size=as_)}
    return f"MSE(y {ys}, a {as_})", values, ["y", "a"], ()


# --------------------------------------------------------------------------- topological sort
def _build(spec):
    """Vertices from a graph spec {"nodes": [[name, [inbound names]], ...], "extra": [[u, v]], "feed":
    {name: value}, "feed_order": [names]}; returns ({name: vertex}, the feed_dict in feed order)."""
    made = {}
    for name, inbound in spec["nodes"]:
        made[name] = _Vertex(name, [made[i] for i in inbound])
    for u, v in spec.get("extra", []):                  # edges that close a cycle
        made[v].inbound_nodes.append(made[u])
        made[u].outbound_nodes.append(made[v])
    return made, {made[n]: spec["feed"][n] for n in spec["feed_order"]}


GRAPHS = {
    # cost = MSE(y, Sigmoid(Linear(X, W, b))), fed in an order that is not topological downstream
    "linear_sigmoid_mse": {"nodes": [["X", []], ["W", []], ["b", []], ["y", []],
                                     ["lin", ["X", "W", "b"]], ["sig", ["lin"]], ["cost", ["y", "sig"]]],
                           "feed": ["y", "b", "W", "X"]},
    # h feeds two consumers, sq reads h twice, out joins paths of different lengths
    "shared": {"nodes": [["p", []], ["q", []], ["h", ["p", "q"]], ["v", ["h", "q"]],
                         ["sq", ["h", "h"]], ["u", ["sq", "p"]], ["out", ["u", "v", "q"]]],
               "feed": ["q", "p"]},
    "chain": {"nodes": [["x", []], ["n1", ["x"]], ["n2", ["n1"]], ["n3", ["n2", "x"]]],
              "feed": ["x"]},
    "cycle": {"nodes": [["x", []], ["A", ["x"]], ["B", ["A"]], ["C", ["B", "x"]]],
              "extra": [["B", "A"]], "feed": ["x"]},
    "wide": {"nodes": [["i1", []], ["i2", []], ["i3", []], ["s1", ["i3", "i1"]], ["s2", ["i2"]],
                       ["s3", ["s1", "s2", "s1"]], ["s4", ["i1", "s3"]], ["s5", ["s4", "s2"]]],
             "feed": ["i3", "i2", "i1"]},
}


READ_TWICE = ("a node that reads one input twice: it is listed once among that input's consumers, so "
              "count its in-degree once per distinct input")


def _verdict(what, problem, diagnosis, ok):
    """The Finding ``what``: failing with the message ``problem`` (and ``diagnosis``) if there is one,
    else passing with the message ``ok``."""
    return Finding(what, False, problem, diagnosis) if problem else Finding(what, True, ok, "ok")


class TopologicalSort(Check):
    """Grades topological_sort(feed_dict) on small graphs of stand-in nodes. On a graph with a cycle
    only ValueError counts as reporting it: any other exception (a KeyError, a MemoryError or a
    timeout from a sort that never ends) fails the case.

    Parameters of ``cases``: graphs, a list of names of GRAPHS."""
    default_graphs = ("linear_sigmoid_mse", "shared", "cycle")

    def cases(self, seed, graphs=None):
        rng = np.random.default_rng(seed)
        out = []
        for g in (self.default_graphs if graphs is None else graphs):
            spec = GRAPHS[g]
            feed = {n: float(v) for n, v in zip(spec["feed"], rng.normal(size=len(spec["feed"])))}
            out.append(Case(f"graph '{g}'", {"nodes": spec["nodes"], "extra": spec.get("extra", []),
                                             "feed": feed, "feed_order": spec["feed"]}))
        return out

    def call(self, inputs, topological_sort):
        made, feed = _build(inputs)
        try:
            order = topological_sort(feed)
        except NotImplementedError:
            raise
        except Exception as err:  # noqa: BLE001 - raising ValueError is the right answer on a cycle
            return {"raised": f"{type(err).__name__}: {err}"[:200], "value_error": isinstance(err, ValueError),
                    "order": None, "values": None}
        names = [str(getattr(n, "name", repr(n))) for n in order]
        values = {n: (None if made[n].value is None else float(np.asarray(made[n].value).reshape(-1)[0]))
                  for n in inputs["feed"]}
        return {"raised": None, "order": names, "values": values}

    def expected(self, inputs, ref):
        made, feed = _build(inputs)
        try:
            order = ref.topological_sort(feed)
        except ValueError:
            return {"cycle": True, "nodes": sorted(made)}
        return {"cycle": False, "nodes": sorted(n.name for n in order)}

    def judge(self, inputs, outputs, expected):
        if expected["cycle"]:
            if outputs["raised"] and outputs["value_error"]:
                return [Finding("cycle", True, f"a cycle is reported ({outputs['raised'][:80]}).", "ok")]
            what = (f"raised {outputs['raised'][:80]}, which is not how a cycle is reported" if outputs["raised"]
                    else f"returned an order of {len(outputs['order'])} nodes")
            return [Finding("cycle", False, f"this graph has a cycle, but topological_sort {what}. When no "
                            "node is ready any more and some are left over, no order exists: raise "
                            "ValueError naming them (a sort that never ends is stopped and fails too).", "cycle")]
        if outputs["raised"]:
            msg = f"topological_sort raised {outputs['raised']} on a graph without a cycle."
            if any(len(set(ins)) < len(ins) for _, ins in inputs["nodes"]):
                msg += f" This graph has {READ_TWICE}."
            return [Finding("order", False, msg, "error")]
        order, want, inbound = outputs["order"], expected["nodes"], dict(inputs["nodes"])
        missing = sorted(set(want) - set(order))
        listed = [("missing", missing), ("listed more than once", sorted({n for n in order if order.count(n) > 1})),
                  ("unexpected", sorted(set(order) - set(want)))]
        wrong = [f"{what}: {', '.join(names)}" for what, names in listed if names]
        if any(len(set(inbound[m])) < len(inbound[m]) for m in missing):
            wrong.insert(1, READ_TWICE)
        nodes = ("the order should hold every node downstream of the fed nodes exactly once; "
                 + "; ".join(wrong) + ".") if wrong else None
        pos = {n: i for i, n in enumerate(order)}
        bad = [(i, n) for n in want for i in inbound[n] if not (i in pos and n in pos and pos[i] < pos[n])]
        late = (f"{bad[0][1]} must come after its input {bad[0][0]}, but "
                + ("it is missing." if not set(bad[0]) <= pos.keys() else "it comes first.")
                + " A node is ready only when all of its inbound nodes are in the order (its remaining "
                "in-degree is zero).") if bad else None
        unset = [n for n, v in inputs["feed"].items() if outputs["values"].get(n) != v]
        unfed = (f"the fed nodes {', '.join(unset)} do not hold their values from feed_dict after sorting: "
                 "set node.value = feed_dict[node] for every fed node.") if unset else None
        return [_verdict("nodes", nodes, "missing", "every node appears exactly once."),
                _verdict("order", late, "order", "every node comes after all of its inputs."),
                _verdict("values", unfed, "values", "fed values are set.")]


# --------------------------------------------------------------------------- instances
check_add_backward = NodeBackward(
    "Add", points=1, layout=partial(_elementwise_layout, "Add"), layouts=PAIRS,
    hints={"scale": "If the node reads one input twice (Add(x, x)), both contributions must be added into "
                    "that input's gradient with +=."})
check_mul_backward = NodeBackward(
    "Mul", points=2, layout=partial(_elementwise_layout, "Mul"), layouts=PAIRS,
    hints={"scale": "For Mul(x, x) the node reads x twice: each side sends back its own share and both must "
                    "be added into x's gradient with +=.",
           "mismatch": "A multiply swaps: the gradient of one input is the other input's value times the "
                       "upstream gradient."})
check_linear_backward = NodeBackward(
    "Linear", points=3, layout=_linear_layout, layouts=(((4, 3, 2), 2), ((2, 3, 3), 1)),
    hints={"error": "If numpy complains about shapes, compare the shape of each gradient with its variable: "
                    "dX like X (N, D), dW like W (D, M), db like b (M,)."})
check_sigmoid_backward = NodeBackward(
    "Sigmoid", points=1, layout=_sigmoid_layout, layouts=(((3, 4), 2),),
    hints={"mismatch": "The sigmoid's local gradient is s * (1 - s), where s is the node's own output "
                       "(self.value), not its input."})
check_mse_backward = NodeBackward(
    "MSE", points=2, layout=_mse_layout, layouts=(((4,), (4, 1), 0), ((3, 1), (3, 1), 2)),
    hints={"scale": "The derivative of the mean of m squares is 2/m times the difference.",
           "shape": "Reshape each gradient to the shape of its own input (y.value.shape, a.value.shape).",
           "upstream": "MSE is not always the last node: multiply by each upstream gradient."})
check_topological_sort = TopologicalSort("topological_sort", points=3)
