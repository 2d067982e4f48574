"""The report's figures, drawn with matplotlib and written as SVG files beside the page.

    score_histogram(scores, max_score, path)            scores: list of floats
    mistake_heatmap(functions, diagnoses, counts, path) counts[i][j]: students of functions[i]
                                                        with diagnoses[j]

Text is 13 pt. The histogram is 4.6 inches wide (about 460 px): at a phone's width (about 360 px)
its text still shows at three quarters of its size, about 13 px. The heat map grows with its
columns and keeps its size on a phone (the page scrolls it sideways). Text is drawn
as paths (no font is loaded by the browser); only trusted names (function names from the
checks, diagnoses, numbers) are drawn: student strings never reach a figure.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

WIDTH = 4.6
STYLE = {"font.size": 13, "axes.titlesize": 13, "axes.labelsize": 13, "svg.fonttype": "path",
         "svg.hashsalt": "class-report", "axes.spines.top": False, "axes.spines.right": False}


def _save(fig, path):
    fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)


def _plain(text):
    """A label matplotlib draws literally (no mathtext)."""
    return str(text).replace("$", r"\$")


def score_histogram(scores, max_score, path):
    """Students per score band, from 0 to max_score; mean and median marked."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, 3.0))
        top = max(float(max_score), max(scores, default=0.0), 1e-9)
        bins = np.linspace(0.0, top, int(np.ceil(top)) + 1 if top <= 40 else 21)   # whole points
        ax.hist(scores, bins=bins, color="#4878a8", edgecolor="white")
        if scores:
            ax.axvline(float(np.mean(scores)), color="#c0392b", lw=2, label=f"mean {np.mean(scores):.2f}")
            ax.axvline(float(np.median(scores)), color="#222222", lw=2, ls="--",
                       label=f"median {np.median(scores):.2f}")
            ax.legend(frameon=False, loc="upper left")
        ax.set_xlim(0, top)
        ax.set_xlabel(f"score (out of {max_score:g})")
        ax.set_ylabel("students")
        ax.yaxis.get_major_locator().set_params(integer=True)
        _save(fig, path)


def mistake_heatmap(functions, diagnoses, counts, path):
    """Functions (rows) x diagnoses (columns), each cell coloured and labelled by its count."""
    data = np.asarray(counts, dtype=float).reshape(len(functions), len(diagnoses))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(diagnoses), 0.8 + 0.5 * len(functions)))
        ax.imshow(np.where(data > 0, data, np.nan), cmap="Reds", aspect="auto",
                  vmin=0, vmax=max(1.0, float(data.max(initial=0))))
        ax.set_xticks(range(len(diagnoses)), [_plain(d.replace("_", " ")) for d in diagnoses],
                      rotation=40, ha="right")
        ax.set_yticks(range(len(functions)), [_plain(f) for f in functions])
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        peak = data.max(initial=0)
        for i in range(len(functions)):
            for j in range(len(diagnoses)):
                if data[i, j] > 0:
                    ax.text(j, i, f"{int(data[i, j])}", ha="center", va="center",
                            color="white" if data[i, j] > 0.6 * peak else "black")
        ax.set_xticks(np.arange(-0.5, len(diagnoses)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(functions)), minor=True)
        ax.grid(which="minor", color="#dddddd", lw=1)
        ax.tick_params(which="minor", length=0)
        _save(fig, path)
