"""Draw a circuit (a computational graph) with its forward values and backward gradients.

    draw_circuit(nodes, ax=None, title=None) -> matplotlib Axes

``nodes`` describes the graph, one dict per node (a circuit input or a gate):

    {"name":   "ax",          # unique identifier, used in other nodes' "inputs"
     "label":  "*",           # what is drawn in the node: an operator ("*", "+", "max", "σ")
                              # or, for a circuit input, the variable's name
     "value":  -1.0,          # forward value on the node's output wire (float, or None: not drawn)
     "grad":   0.105,         # gradient of the circuit's output on that wire (float, or None)
     "inputs": ["a", "x"],    # names of the nodes whose outputs feed this one ([] for an input)
     "wire":   "q",           # optional: the name of the output wire, drawn as "q = 3"
     "shape":  (2, 2)}        # optional, for an array-valued wire (value and grad None): its
                              # shape, drawn where the numbers would be ("2×2" above and below)

Layout: circuit inputs sit in column 0 (top to bottom in list order); every other node sits one
column to the right of its deepest input, at the height of the mean of its inputs. A wire leaves
its source horizontally and bends towards its target just before it, so each node's value
(green, above) and gradient (red, below) sit on a level stretch of its output wire, clear of
the slanted stretches. A node that feeds several gates carries its numbers once, on the wire to the
first of them; a node that feeds none (the circuit's output) gets a short outgoing wire.

Sizes: a new figure is sized from the layout so that it is at most MAX_WIDTH inches wide; text
is FONT_SIZE points (numbers) and LABEL_SIZE points (node labels), so that it stays readable
when the figure is shown at the width of a book page (672 pixels, 6.7 inches at 100 dpi).

Raises ValueError for a repeated name, an input naming no node, or a cycle.
"""
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch

VALUE_COLOR = "#1a7f37"   # green: forward values
GRAD_COLOR = "#c62828"    # red: backward gradients
X_STEP, Y_STEP, RADIUS = 2.6, 1.3, 0.3
BEND = 0.45               # horizontal run of a wire's slanted last stretch
OUT_WIRE = 1.2            # length of the output node's outgoing wire
FONT_SIZE, LABEL_SIZE = 13, 15
MAX_WIDTH = 6.6           # inches; the book's text column shows about 6.7 at 100 dpi
WIRE = dict(color="0.35", lw=1.4)


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


def _shape(shape):
    """(2, 2) -> "2×2", (3,) -> "3", () -> "scalar"."""
    return "×".join(str(d) for d in shape) or "scalar"


def _label_size(label):
    """Shrink labels longer than two characters so they fit in a node's circle."""
    return {1: LABEL_SIZE, 2: LABEL_SIZE - 2, 3: LABEL_SIZE - 3}.get(len(label), LABEL_SIZE - 5)


def _bend_x(x0, x1):
    """Where the wire from a node at x0 to a node at x1 stops running level."""
    return max(x0 + RADIUS, x1 - RADIUS - BEND)


def _wire(ax, x0, y0, x1, y1):
    """A wire from the right edge of (x0, y0) to the left edge of (x1, y1), with an arrowhead."""
    xb = _bend_x(x0, x1)
    if xb > x0 + RADIUS and y1 != y0:
        ax.plot([x0 + RADIUS, xb], [y0, y0], solid_capstyle="butt", zorder=1, **WIRE)
    else:
        xb = x0 + RADIUS
    ax.annotate("", xy=(x1 - RADIUS, y1), xytext=(xb, y0), zorder=1,
                arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, **WIRE))


def draw_circuit(nodes, ax=None, title=None):
    """Draw ``nodes`` (see the module docstring) on ``ax`` (a new figure if None); return the Axes."""
    depth = _depths(nodes)
    pos = _positions(nodes, depth)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    x_lim = (min(xs) - 0.55, max(xs) + RADIUS + OUT_WIRE + 0.2)
    y_lim = (min(ys) - 0.65, max(ys) + 0.65)
    if ax is None:
        width, height = x_lim[1] - x_lim[0], y_lim[1] - y_lim[0]
        inch = min(0.75, MAX_WIDTH / width)          # inches per unit of the layout
        _, ax = plt.subplots(figsize=(width * inch, height * inch + (0.45 if title else 0.1)),
                             layout="constrained")
    consumers = {n["name"]: [] for n in nodes}
    for n in nodes:
        for i in n.get("inputs", []):
            if n["name"] not in consumers[i]:
                consumers[i].append(n["name"])

    for n in nodes:                                   # wires
        x1, y1 = pos[n["name"]]
        for i in dict.fromkeys(n.get("inputs", [])):  # a node read twice gets one wire
            _wire(ax, *pos[i], x1, y1)
        if not consumers[n["name"]]:
            ax.annotate("", xy=(x1 + RADIUS + OUT_WIRE, y1), xytext=(x1 + RADIUS, y1), zorder=1,
                        arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, **WIRE))

    for n in nodes:                                   # nodes
        x, y = pos[n["name"]]
        if n.get("inputs"):
            ax.add_patch(Circle((x, y), RADIUS, facecolor="#e8eef7", edgecolor="0.25", lw=1.3,
                                zorder=3))
        else:
            ax.add_patch(FancyBboxPatch((x - RADIUS, y - RADIUS * 0.8), 2 * RADIUS, 1.6 * RADIUS,
                                        boxstyle="round,pad=0.03", facecolor="#fdf6e3",
                                        edgecolor="0.25", lw=1.3, zorder=3))
        ax.text(x, y, n["label"], ha="center", va="center", zorder=4,
                fontsize=_label_size(n["label"]))

    for n in nodes:                                   # numbers on each node's level stretch
        x0, y0 = pos[n["name"]]
        outs = consumers[n["name"]]
        if outs:
            x1, y1 = pos[outs[0]]
            end = _bend_x(x0, x1) if y1 != y0 else x1 - RADIUS
        else:
            end = x0 + RADIUS + OUT_WIRE
        xm = (x0 + RADIUS + end) / 2
        value, grad = n.get("value"), n.get("grad")
        if n.get("shape") is not None and value is None:
            value = _shape(n["shape"])
            if outs and grad is None:
                grad = value
        if value is not None:
            text = value if isinstance(value, str) else _number(value)
            if n.get("wire"):
                text = f"{n['wire']} = {text}"
            ax.annotate(text, (xm, y0), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", color=VALUE_COLOR, fontsize=FONT_SIZE,
                        fontweight="bold", gid=f"value:{n['name']}", zorder=5)
        if grad is not None:
            ax.annotate(grad if isinstance(grad, str) else _number(grad), (xm, y0), xytext=(0, -3), textcoords="offset points",
                        ha="center", va="top", color=GRAD_COLOR, fontsize=FONT_SIZE,
                        gid=f"grad:{n['name']}", zorder=5)

    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax
