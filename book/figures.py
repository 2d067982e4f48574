"""The book's explanatory figures, drawn from code (matplotlib only).

    use_vector_figures()                               -> None   (inline figures as SVG)
    network_diagram(sizes, batch="N", backward=False)  -> Figure  (ch05: layers with their shapes)
    dimension_picture(N, D, M)                         -> Figure  (ch05: dW = X^T · dout)
    kahn_steps(edges)                                  -> Figure  (ch03: Kahn's sort, step by step)
    softmax_steps(scores)                              -> Figure  (ch06: scores -> probabilities)
    cost_landscape(f, grad, starts, lr, steps)         -> Figure  (ch07: balls rolling downhill)
    kahn_order(edges)                                  -> list of (order, ready, remaining) per step

Every figure is at most FIGURE_WIDTH inches wide with text of at least FONT_SIZE points, so that
on a phone (a column of about 360 px) its smallest text is still about 10 px high. The numbers a
figure shows are computed here from its arguments; nothing is typed in.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

FIGURE_WIDTH = 5.2      # inches
FONT_SIZE = 13          # points, the smallest text of these figures
FORWARD = "#1a7f37"     # green, as the circuit diagrams' forward values
BACKWARD = "#c62828"    # red, as their gradients
NODE_FACE = "#e8eef7"


def use_vector_figures():
    """Make the notebook's inline figures SVG, so they stay sharp at any zoom or screen density."""
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg")
    plt.rcParams["svg.fonttype"] = "path"   # the text renders the same without the fonts


def _arrow(ax, start, end, color, lw=2.0, style="-|>", **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=16, color=color,
                                 lw=lw, shrinkA=0, shrinkB=0, **kw))


# ------------------------------------------------------------------------------ network diagram
def network_diagram(sizes=(64, 100, 10), batch="N", backward=False, names=None,
                    grad_names=None, columns=False, activation="ReLU"):
    """Layers as columns of neurons, each labelled with the shape of the array it holds for a batch.

    sizes    : neurons per layer, input first, e.g. (64, 100, 10).
    batch    : the symbol for the number of examples (rows of every activation array).
    backward : also draw the gradients flowing back (red): dscores, dh = (dscores W2^T) ⊙ relu',
               each with its shape, and the weight gradients dW = h^T · d(next).
    names    : the arrays' names, one per layer (default X, h1, h2, ..., scores).
    grad_names : the gradients' names, one per layer (default "d" + name); None hides one.
    activation : the hidden layers' activation, written under them (the output has none).
    columns  : examples are columns (the layer notation of chapter 5's recursion): an array of
               layer k is (n_k, batch) and W^k is (n_k, n_{k-1}); otherwise rows, (batch, n_k)
               and W_k (n_{k-1}, n_k).
    Returns the Figure. At most 7 neurons per column are drawn; the rest are elided with dots.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"a network needs at least two layers of at least one neuron: {sizes}")
    L = len(sizes)
    names = names or (["X"] + [f"h{k}" if L > 3 else "h" for k in range(1, L - 1)] + ["scores"])
    grad_names = grad_names or [f"d{n}" for n in names]
    shape = (lambda n: f"({n}, {batch})") if columns else (lambda n: f"({batch}, {n})")
    x_step = 3.0
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 4.6 if backward else 3.9))
    shown_max = 7
    tops = []
    for k, n in enumerate(sizes):
        shown = min(n, shown_max)
        ys = np.linspace(1, -1, shown) * (0.28 * (shown - 1)) / 1.0
        x = k * x_step
        for j, y in enumerate(ys):
            elided = n > shown_max and j == shown - 2
            if elided:
                ax.text(x, y, "⋮", ha="center", va="center", fontsize=FONT_SIZE + 2)
                continue
            ax.add_patch(plt.Circle((x, y), 0.17, facecolor=NODE_FACE, edgecolor="0.3", lw=1.2,
                                    zorder=3))
        tops.append(ys[0])
        if k:
            prev = min(sizes[k - 1], shown_max)
            for y0 in np.linspace(1, -1, prev) * 0.28 * (prev - 1):
                for y1 in ys:
                    ax.plot([x - x_step + 0.17, x - 0.17], [y0, y1], color="0.75", lw=0.5,
                            zorder=1)
    top = max(tops) + 0.45
    bottom = -max(tops) - 0.5
    for k, n in enumerate(sizes):
        x = k * x_step
        ax.text(x, top, f"{names[k]}\n{shape(n)}", ha="center", va="bottom",
                fontsize=FONT_SIZE, color=FORWARD if k else "black")
        if k:
            act = "" if k == L - 1 else activation
            xm = x - x_step / 2
            w = (n, sizes[k - 1]) if columns else (sizes[k - 1], n)
            ax.text(xm, bottom, f"W{k}: {w}\nb{k}: ({n},)", ha="center",
                    va="top", fontsize=FONT_SIZE, color="0.15")
            _arrow(ax, (xm - 0.6, top + 1.25), (xm + 0.6, top + 1.25), FORWARD)
            if act:
                ax.text(x, bottom - 0.95, act, ha="center", va="top", fontsize=FONT_SIZE,
                        style="italic", color="0.3")
    if backward:
        y_back = bottom - 1.75
        for k in range(L - 1, 0, -1):
            x = k * x_step
            _arrow(ax, (x - 0.25, y_back), (x - x_step + 0.25, y_back), BACKWARD, lw=2.4)
        for k in range(L):
            if grad_names[k]:
                ax.text(k * x_step, y_back - 0.2, f"{grad_names[k]}\n{shape(sizes[k])}",
                        ha="center", va="top", fontsize=FONT_SIZE, color=BACKWARD,
                        alpha=0.55 if k == 0 else 1.0)
        ax.set_ylim(y_back - 1.6, top + 1.6)
    else:
        ax.set_ylim(bottom - 1.9, top + 1.6)
    ax.set_xlim(-1.2, (L - 1) * x_step + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout(pad=0.2)
    return fig


# ---------------------------------------------------------------------------- dimension picture
def dimension_picture(N=4, D=3, M=2):
    """dW = X^T · dout drawn as rectangles whose sides are the arrays' dimensions.

    X is (N, D) and dout is (N, M), so the only product of the two with the shape (D, M) of W is
    X^T (D, N) times dout (N, M): the batch dimension N is the one summed over (shaded alike).
    Returns the Figure.
    """
    N, D, M = int(N), int(D), int(M)
    cell = 0.5
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.0))
    blocks = [("Xᵀ", D, N, "#fdf6e3"), ("dout", N, M, "#fde8e8"), ("dW", D, M, "#e8f4ea")]
    x = 0.0
    spots = []
    for k, (name, rows, cols, face) in enumerate(blocks):
        w, h = cols * cell, rows * cell
        for i in range(rows):
            for j in range(cols):
                ax.add_patch(Rectangle((x + j * cell, -i * cell - cell), cell, cell,
                                       facecolor=face, edgecolor="0.55", lw=0.8))
        ax.add_patch(Rectangle((x, -h), w, h, fill=False, edgecolor="0.15", lw=1.6))
        ax.text(x + w / 2, 0.25, name, ha="center", va="bottom", fontsize=FONT_SIZE + 1,
                fontweight="bold")
        ax.text(x + w / 2, -h - 0.2, f"({rows}, {cols})", ha="center", va="top",
                fontsize=FONT_SIZE)
        spots.append((x, w, h))
        x += w + (1.4 if k < 2 else 0)
    ax.text(spots[0][0] + spots[0][1] + 0.4, -spots[0][2] / 2, "·", ha="center", va="center",
            fontsize=FONT_SIZE + 8)
    ax.text(spots[1][0] + spots[1][1] + 0.7, -spots[0][2] / 2, "=", ha="center", va="center",
            fontsize=FONT_SIZE + 4)
    # the shared dimension N: columns of X^T, rows of dout
    xa, wa, ha = spots[0]
    xb, wb, hb = spots[1]
    ax.annotate("", xy=(xa + wa, -ha - 0.85), xytext=(xa, -ha - 0.85),
                arrowprops=dict(arrowstyle="<->", color=BACKWARD, lw=1.6))
    ax.text(xa + wa / 2, -ha - 0.95, f"N = {N}", ha="center", va="top", color=BACKWARD,
            fontsize=FONT_SIZE)
    ax.annotate("", xy=(xb - 0.2, -hb), xytext=(xb - 0.2, 0),
                arrowprops=dict(arrowstyle="<->", color=BACKWARD, lw=1.6))
    ax.text(xb - 0.3, -hb / 2, "N", ha="right", va="center", color=BACKWARD, fontsize=FONT_SIZE)
    ax.text(x / 2, -max(ha, hb) - 1.75, "the batch dimension N is summed over",
            ha="center", va="top", fontsize=FONT_SIZE, color=BACKWARD)
    ax.set_xlim(-0.6, x + 0.3)
    ax.set_ylim(-max(ha, hb) - 2.4, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout(pad=0.2)
    return fig


# --------------------------------------------------------------------------------- Kahn's sort
def kahn_order(edges):
    """Kahn's algorithm on a graph given as {node: [nodes it reads]}, one record per step.

    Returns a list of (order so far, ready nodes, {node: inputs not yet placed}) after each
    step; a step takes the first ready node (in the order the nodes are listed) and places it.
    Raises ValueError on a cycle or on an input that is not a node.
    """
    for node, ins in edges.items():
        for i in ins:
            if i not in edges:
                raise ValueError(f"{node!r} reads {i!r}, which is not a node of the graph")
    waiting = {n: set(ins) for n, ins in edges.items()}
    order, steps = [], []
    ready = [n for n in edges if not waiting[n]]
    steps.append((list(order), list(ready), {n: sorted(w) for n, w in waiting.items()}))
    while ready:
        n = ready.pop(0)
        order.append(n)
        for m in edges:
            if n in waiting[m] and m not in order:
                waiting[m].discard(n)
                if not waiting[m] and m not in ready:
                    ready.append(m)
        steps.append((list(order), list(ready), {k: sorted(w) for k, w in waiting.items()}))
    if len(order) < len(edges):
        raise ValueError(f"the graph has a cycle among {sorted(set(edges) - set(order))}")
    return steps


def kahn_steps(edges, positions):
    """Kahn's sort as a strip of small graphs, one per step.

    edges     : {node: [nodes it reads]}
    positions : {node: (x, y)} where each node is drawn
    In each panel, placed nodes are grey with their place in the order, ready nodes (all their
    inputs placed) are green, and the others are white with the count of inputs still missing.
    Returns the Figure.
    """
    steps = kahn_order(edges)
    n = len(steps)
    cols = 2
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(FIGURE_WIDTH, 2.05 * rows), squeeze=False)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= n:
            continue
        order, ready, waiting = steps[k]
        for node, ins in edges.items():
            for i in ins:
                (x0, y0), (x1, y1) = positions[i], positions[node]
                done = i in order
                ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                            arrowprops=dict(arrowstyle="-|>", color="0.8" if done else "0.3",
                                            lw=1.2, shrinkA=13, shrinkB=13,
                                            linestyle="--" if done else "-"))
        for node, (x, y) in positions.items():
            if node in order:
                face, edge, label = "0.85", "0.5", f"{node}\n{order.index(node) + 1}"
            elif node in ready:
                face, edge, label = "#c8ecd2", FORWARD, node
            else:
                face, edge, label = "white", "0.3", f"{node}\n({len(waiting[node])})"
            half = 0.2 + 0.085 * max(len(part) for part in label.split("\n"))
            ax.add_patch(FancyBboxPatch((x - half, y - 0.3), 2 * half, 0.6,
                                        boxstyle="round,pad=0.04", facecolor=face,
                                        edgecolor=edge, lw=1.4, zorder=3))
            ax.text(x, y, label, ha="center", va="center", fontsize=FONT_SIZE - 2, zorder=4,
                    linespacing=0.9)
        title = "start" if k == 0 else f"step {k}: place {order[-1]}"
        ax.set_title(title, fontsize=FONT_SIZE, pad=2)
        ax.text((min(xs) + max(xs)) / 2, min(ys) - 0.55,
                "ready: " + (", ".join(ready) if ready else "none"),
                ha="center", va="top", fontsize=FONT_SIZE - 1, color=FORWARD)
        ax.set_xlim(min(xs) - 0.5, max(xs) + 0.85)
        ax.set_ylim(min(ys) - 1.0, max(ys) + 0.45)
        ax.set_aspect("equal")
    fig.tight_layout(pad=0.3, h_pad=0.6)
    return fig


# ------------------------------------------------------------------------------------ softmax
def softmax_steps(scores, labels=None):
    """Three bar charts, top to bottom: the scores, their exponentials, and the probabilities
    exp(s) / sum(exp(s)), each bar labelled with its value. scores: (K,). Returns the Figure."""
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1 or s.size < 2:
        raise ValueError(f"scores must be a vector of at least two numbers, got shape {s.shape}")
    labels = labels or [f"class {k}" for k in range(s.size)]
    e = np.exp(s - s.max()) * np.exp(s.max())
    p = e / e.sum()
    fig, axes = plt.subplots(3, 1, figsize=(FIGURE_WIDTH, 6.4), sharex=True)
    rows = [("scores s", s, "#7a8699", ".2f"), ("exp(s)", e, "#b07d2b", ".2f"),
            (f"p = exp(s) / {e.sum():.2f}", p, FORWARD, ".3f")]
    for ax, (title, v, color, fmt) in zip(axes, rows):
        bars = ax.bar(range(s.size), v, color=color, width=0.6)
        ax.axhline(0, color="0.3", lw=0.8)
        span = max(v.max(), 0) - min(v.min(), 0)
        for b, val in zip(bars, v):
            ax.text(b.get_x() + b.get_width() / 2, val + (0.04 if val >= 0 else -0.04) * span,
                    format(val, fmt), ha="center", va="bottom" if val >= 0 else "top",
                    fontsize=FONT_SIZE)
        ax.set_ylim(min(v.min(), 0) - 0.3 * span * (v.min() < 0), max(v.max(), 0) + 0.3 * span)
        ax.set_title(title, fontsize=FONT_SIZE + 1, loc="left")
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    axes[-1].set_xticks(range(s.size), labels, fontsize=FONT_SIZE)
    fig.tight_layout(pad=0.3)
    return fig


# ----------------------------------------------------------------------------- cost landscape
def descend(grad, start, lr, steps):
    """Plain gradient descent from start: the (steps + 1, 2) array of the points visited."""
    path = [np.asarray(start, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.array(path)


def cost_landscape(f, grad, starts, lr=0.05, steps=60, box=(-2.2, 2.2, -1.6, 1.6)):
    """A cost over two weights, with balls rolled downhill by gradient descent.

    f, grad : the cost of a point (2,) and its gradient (2,); f vectorised over (..., 2)
    starts  : starting points (w1, w2), one ball each.
    Top: a slice of the cost along w1 at w2 = 0, with each ball rolled down it from its start's
    w1 (one dot per step); the lowest valley is labelled the global minimum, any other a local
    one. Bottom: the contour map over both weights, with each ball's full path.
    Returns (Figure, list of the final points of the two-weight descents).
    """
    x0, x1, y0, y1 = box
    gx, gy = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 120))
    gz = f(np.stack([gx, gy], axis=-1))
    colors = ["#d62728", "#ff7f0e", "#e377c2", "#17becf"]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(FIGURE_WIDTH, 8.0),
                                   gridspec_kw={"height_ratios": [1, 1.05]})
    line = np.linspace(x0, x1, 400)
    cut = f(np.stack([line, np.zeros_like(line)], axis=-1))
    ax1.plot(line, cut, color="0.2", lw=2)
    slice_grad = lambda w: np.array([grad(np.array([w[0], 0.0]))[0], 0.0])
    ends = []
    for k, start in enumerate(starts):
        c = colors[k % len(colors)]
        path = descend(slice_grad, (start[0], 0.0), lr, steps)[:, 0]
        vals = f(np.stack([path, np.zeros_like(path)], axis=-1))
        ax1.plot(path, vals, "o", color=c, ms=5, alpha=0.55)
        ax1.plot(path[0], vals[0], "o", color="white", mec=c, ms=11, mew=2)
        ax1.plot(path[-1], vals[-1], "o", color=c, mec="black", ms=13)
        ends.append((path[-1], vals[-1]))
    lowest = min(v for _, v in ends)
    for w, v in ends:
        name = "global minimum" if np.isclose(v, lowest) else "local minimum"
        ax1.annotate(name, (w, v), xytext=(0, -22), textcoords="offset points", ha="center",
                     va="top", fontsize=FONT_SIZE)
    span = cut.max() - cut.min()
    ax1.set_ylim(cut.min() - 0.1 * span, cut.min() + 0.3 * span)
    ax1.set_xlabel("w₁", fontsize=FONT_SIZE)
    ax1.set_ylabel("cost at w₂ = 0", fontsize=FONT_SIZE)
    ax1.tick_params(labelsize=FONT_SIZE - 2)
    ax1.set_title("a ball rolls downhill into the nearest valley", fontsize=FONT_SIZE + 1)
    for side in ("top", "right"):
        ax1.spines[side].set_visible(False)

    ax2.contourf(gx, gy, gz, levels=25, cmap="viridis", alpha=0.85)
    ax2.contour(gx, gy, gz, levels=25, colors="white", linewidths=0.4, alpha=0.6)
    finals = []
    for k, start in enumerate(starts):
        c = colors[k % len(colors)]
        path = descend(grad, start, lr, steps)
        ax2.plot(path[:, 0], path[:, 1], "o-", color=c, ms=3.5, lw=1.6)
        ax2.plot(*path[0], "o", color="white", mec=c, ms=9, mew=2)
        ax2.plot(*path[-1], "o", color=c, mec="black", ms=11)
        ax2.annotate(f"cost {f(path[-1]):.2f}", path[-1], xytext=(0, -14),
                     textcoords="offset points", ha="center", va="top",
                     fontsize=FONT_SIZE, color="white", fontweight="bold")
        finals.append(path[-1])
    ax2.set_xlabel("w₁", fontsize=FONT_SIZE)
    ax2.set_ylabel("w₂", fontsize=FONT_SIZE)
    ax2.tick_params(labelsize=FONT_SIZE - 2)
    ax2.set_title("over both weights, seen from above", fontsize=FONT_SIZE + 1)
    ax2.set_aspect("equal")
    fig.tight_layout(pad=0.4)
    return fig, finals
