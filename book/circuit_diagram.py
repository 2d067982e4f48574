"""Draw a circuit (a computational graph) with its forward values and backward gradients.

    draw_circuit(nodes, ax=None, title=None) -> matplotlib Axes

``nodes`` describes the graph, one dict per node (a circuit input or a gate):

    {"name":   "ax",          # unique identifier, used in other nodes' "inputs"
     "label":  "*",           # what is drawn in the node: an operator ("*", "+", "max", "σ")
                              # or, for a circuit input, the variable's name
     "value":  -1.0,          # forward value on the node's output wire (float, or None: not drawn)
     "grad":   0.105,         # gradient of the circuit's output on that wire (float, or None)
     "inputs": ["a", "x"]}    # names of the nodes whose outputs feed this one ([] for an input)

Layout: circuit inputs sit in column 0 (top to bottom in list order); every other node sits one
column to the right of its deepest input, at the height of the mean of its inputs. Each node's
value is written once in green above its output wire and its gradient in red below it. A node
that feeds several gates carries its numbers on the wire to the first of them; a node that feeds
none (the circuit's output) gets a short outgoing wire to carry them.

Raises ValueError for a repeated name, an input naming no node, or a cycle.
"""
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch

VALUE_COLOR = "#1a7f37"   # green: forward values
GRAD_COLOR = "#c62828"    # red: backward gradients
X_STEP, Y_STEP, RADIUS = 2.0, 1.2, 0.25
LABEL_AT = 0.4            # where along a wire its numbers sit (0: at the source, 1: at the target)


def _depths(nodes):
    by_name = {}
    for n in nodes:
        if n["name"] in by_name:
            raise ValueError(f"two nodes are named {n['name']!r}")
        by_name[n["name"]] = n
    for n in nodes:
        for i in n.get("inputs", []):
            if i not in by_name:
                raise ValueError(f"node {n['name']!r} has input {i!r}, which names no node "
                                 f"(known: {', '.join(by_name)})")
    depth, visiting = {}, set()

    def visit(name):
        if name in depth:
            return depth[name]
        if name in visiting:
            raise ValueError(f"the circuit has a cycle through {name!r}")
        visiting.add(name)
        ins = by_name[name].get("inputs", [])
        depth[name] = 1 + max(visit(i) for i in ins) if ins else 0
        visiting.discard(name)
        return depth[name]
    for n in nodes:
        visit(n["name"])
    return depth


def _positions(nodes, depth):
    """(x, y) of every node: x from depth, y from list order (inputs) or the mean of the inputs."""
    pos = {}
    for row, n in enumerate(m for m in nodes if depth[m["name"]] == 0):
        pos[n["name"]] = (0.0, -row * Y_STEP)
    for d in range(1, max(depth.values(), default=0) + 1):
        column = [n for n in nodes if depth[n["name"]] == d]
        wanted = [sum(pos[i][1] for i in n["inputs"]) / len(n["inputs"]) for n in column]
        order = sorted(range(len(column)), key=lambda k: -wanted[k])
        last = None
        for k in order:                      # top to bottom, keep at least Y_STEP apart
            y = wanted[k] if last is None else min(wanted[k], last - Y_STEP)
            pos[column[k]["name"]] = (d * X_STEP, y)
            last = y
    return pos


def _number(v):
    return f"{v:.4g}"


def draw_circuit(nodes, ax=None, title=None):
    """Draw ``nodes`` (see the module docstring) on ``ax`` (a new figure if None); return the Axes."""
    depth = _depths(nodes)
    pos = _positions(nodes, depth)
    if ax is None:
        n_cols = max(depth.values(), default=0) + 1
        n_rows = max(1, sum(1 for d in depth.values() if d == 0))
        _, ax = plt.subplots(figsize=(1.9 * n_cols + 1.6, 1.1 * n_rows + 0.9))
    consumers = {n["name"]: [] for n in nodes}
    for n in nodes:
        for i in n.get("inputs", []):
            consumers[i].append(n["name"])

    for n in nodes:                                   # wires
        x1, y1 = pos[n["name"]]
        for i in n.get("inputs", []):
            x0, y0 = pos[i]
            ax.annotate("", xy=(x1 - RADIUS, y1), xytext=(x0 + RADIUS, y0),
                        arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.3, shrinkA=0, shrinkB=0))
        if not consumers[n["name"]]:
            ax.annotate("", xy=(x1 + RADIUS + 1.1, y1), xytext=(x1 + RADIUS, y1),
                        arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.3, shrinkA=0, shrinkB=0))

    for n in nodes:                                   # nodes
        x, y = pos[n["name"]]
        if n.get("inputs"):
            ax.add_patch(Circle((x, y), RADIUS, facecolor="#e8eef7", edgecolor="0.25", lw=1.3, zorder=3))
        else:
            ax.add_patch(FancyBboxPatch((x - RADIUS, y - RADIUS * 0.8), 2 * RADIUS, 1.6 * RADIUS,
                                        boxstyle="round,pad=0.03", facecolor="#fdf6e3",
                                        edgecolor="0.25", lw=1.3, zorder=3))
        ax.text(x, y, n["label"], ha="center", va="center", zorder=4,
                fontsize=12 if len(n["label"]) <= 2 else 12 - 1.2 * len(n["label"]))

    for n in nodes:                                   # numbers on each node's output wire
        x0, y0 = pos[n["name"]]
        outs = consumers[n["name"]]
        if outs:
            x1, y1 = pos[outs[0]]
            x1 -= RADIUS
        else:
            x1, y1 = x0 + RADIUS + 1.1, y0
        xm = x0 + RADIUS + LABEL_AT * (x1 - x0 - RADIUS)
        ym = y0 + LABEL_AT * (y1 - y0)
        if n.get("value") is not None:
            ax.annotate(_number(n["value"]), (xm, ym), xytext=(0, 5), textcoords="offset points",
                        ha="center", va="bottom", color=VALUE_COLOR, fontsize=10,
                        fontweight="bold", gid=f"value:{n['name']}", zorder=5)
        if n.get("grad") is not None:
            ax.annotate(_number(n["grad"]), (xm, ym), xytext=(0, -5), textcoords="offset points",
                        ha="center", va="top", color=GRAD_COLOR, fontsize=10,
                        gid=f"grad:{n['name']}", zorder=5)

    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + RADIUS + 1.3)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax
