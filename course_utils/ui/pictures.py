"""The widgets' pictures: each is built once on a ``LiveFigure`` and redrawn in place at every move.

A picture's ``__init__`` draws what stays (axes, labels, legend) and marks with ``animate`` what
moves (lines, bars, images, the texts that carry numbers); ``update(...)`` changes those artists and
calls ``show()``. Legends have a fixed place (never ``loc="best"``, which follows the data and so
would leave the saved frame out of date). Axis limits that follow the data are rounded (``_decade_limits``), so that small
moves keep the frame and only the data are drawn again (see ``live.LiveFigure``).
"""
import math

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from course_utils.ui import plots
from course_utils.ui.live import LiveFigure

COLORS = plots.COLORS


def _rounded_limits(low: float, high: float, step: float) -> tuple:
    """``(low, high)`` widened outwards to multiples of ``step`` (limits that move only in steps)."""
    return step * math.floor(low / step), step * math.ceil(high / step)


def _ladder(x: float) -> float:
    """The first of 0, 1, 2, 5, 10, 20, 50, ... at or above ``x >= 0``; for ``x < 0``, minus that of ``-x``."""
    if x < 0:
        return -_ladder(-x)
    if x == 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x * (1 - 1e-12))


def _ladder_limits(low: float, high: float) -> tuple:
    """``(low, high)`` widened outwards: away from 0 to rungs of ``_ladder`` (many settings share one
    frame), towards 0 to whole numbers."""
    return (-_ladder(-low) if low < 0 else math.floor(low)), (_ladder(high) if high > 0 else math.ceil(high))


def _decade_limits(values, floor: float = 1e-300) -> tuple:
    """Log-axis limits for the finite positive ``values``: powers of 10 whose exponents are ladder rungs."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > floor)]
    if not len(v):
        return 0.1, 10.0
    low, high = _ladder_limits(math.floor(math.log10(v.min())), math.ceil(math.log10(v.max())))
    return 10.0 ** low, 10.0 ** max(high, low + 1)


def _log_y(ax, numticks: int = 5) -> None:
    """A log-scaled y axis labelled 10ⁿ in plain text (mathtext labels cost several times more to draw)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(numticks=numticks))
    ax.yaxis.set_major_formatter(FuncFormatter(_pow10_of))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _pow10_of(value, _pos=None) -> str:
    exponent = math.log10(value) if value > 0 else math.nan
    return plots.pow10_label(round(exponent)) if abs(exponent - round(exponent)) < 1e-9 else ""


def _bar_texts(live: LiveFigure, ax, n: int) -> list:
    return [live.animate(ax.text(0, 0, "", ha="center", fontsize=10)) for _ in range(n)]


# ---------------------------------------------------------------- notebook 01
class WordPair:
    """One-hot cosine beside embedding cosine, as two bars with their values (the neighbour lists,
    which are text, are shown beside the picture in HTML: text is the slowest thing to draw)."""

    def __init__(self):
        self.live = LiveFigure((4, 3))
        ax = self.live.axes
        self.bars = ax.bar(["one-hot", "embedding"], [0.0, 0.0], color=[COLORS["onehot"], COLORS["dense"]])
        self.live.animate(*self.bars)
        self.values = _bar_texts(self.live, ax, 2)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_ylim(-1, 1.15)
        plots.label_axes(ax, " ", "", "cosine")
        self.title = self.live.animate(ax.title)
        self.live.fig.subplots_adjust(left=0.18, right=0.97, bottom=0.1, top=0.88)

    def update(self, result: dict, word_i: str, word_j: str) -> None:
        for bar, text, value in zip(self.bars, self.values, [result["onehot_cosine"], result["dense_cosine"]]):
            bar.set_height(value)
            text.set_position((bar.get_x() + bar.get_width() / 2, value))
            text.set_text(f"{value:.3f}")
            text.set_va("bottom" if value >= 0 else "top")
        self.title.set_text(f"cosine({word_i}, {word_j})")
        self.live.show()


# ---------------------------------------------------------------- notebook 03
class Explorer:
    """A 2-D PCA of chosen words (the neighbour and analogy lists are shown beside it in HTML)."""

    def __init__(self):
        self.live = LiveFigure((5.5, 3.6))
        self.ax = self.live.axes
        self.points = self.live.animate(self.ax.scatter([], [], color=COLORS["dense"]))
        self.names = []
        plots.label_axes(self.ax, "2-D PCA of the chosen words", "PC 1", "PC 2")
        self.live.fig.subplots_adjust(left=0.14, right=0.97, bottom=0.13, top=0.9)

    def update(self, result: dict) -> None:
        xy = np.asarray(result["pca"], dtype=float).reshape(-1, 2)
        self.points.set_offsets(xy)
        self.live.forget(*self.names)
        self.names = [self.live.animate(self.ax.annotate(w, (x, y), fontsize=9, xytext=(3, 3),
                                                         textcoords="offset points"))
                      for (x, y), w in zip(xy, result["pca_words"])]
        if len(xy):
            pad = 0.15 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-6)
            self.ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + 2 * pad)  # room for the labels
            self.ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
        self.live.show()


# ---------------------------------------------------------------- notebook 05
class HeatStrip:
    """``h_1 .. h_t`` as rows of colour, one per word read; the rows not yet computed are blank."""

    def __init__(self):
        self.live = LiveFigure((8, 3))
        self.ax = self.live.axes
        self.image = self.live.animate(self.ax.imshow(np.zeros((1, 1)), cmap="RdBu_r", vmin=-1, vmax=1,
                                                      aspect="auto"))
        self.ax.set_xlabel("hidden unit")
        self.ax.grid(False)
        self.live.fig.colorbar(self.image, ax=self.ax, fraction=0.03, label="h_t value")
        self.title = self.live.animate(self.ax.title)
        self.words = None

    def update(self, states, words, t: int) -> None:
        T, H = states.shape
        if words != self.words:  # a new sentence: a taller or shorter strip, new row labels
            self.words = list(words)
            self.live.fig.set_size_inches(8, 0.45 * T + 1.2)
            self.ax.set_yticks(range(T), [f"t={i + 1}  {w}" for i, w in enumerate(words)])
            self.image.set_extent((-0.5, H - 0.5, T - 0.5, -0.5))
            self.ax.set_xlim(-0.5, H - 0.5)
            self.ax.set_ylim(T - 0.5, -0.5)
            longest = max(len(f"t={i + 1}  {w}") for i, w in enumerate(words))  # the widest row label
            height = 0.45 * T + 1.2
            self.live.fig.subplots_adjust(left=min(0.45, 0.03 + 0.0095 * longest), right=0.9,
                                          bottom=0.8 / height, top=1 - 0.4 / height)
        shown = np.full_like(states, np.nan)
        shown[:t] = states[:t]
        self.image.set_data(shown)
        self.title.set_text(("h_1" if t == 1 else f"h_1 .. h_{t}") + " (rows not yet computed are blank)")
        self.live.show()


# ---------------------------------------------------------------- notebook 06
class GradientReach:
    """``||dL_T/dh_t||`` against t on a log axis, one line per RNN."""

    def __init__(self, labels, max_length: int):
        self.live = LiveFigure((7, 3.2))
        ax = self.ax = self.live.axes
        self.lines = {label: self.live.animate(ax.plot([], [], marker="o", ms=3, label=label)[0]) for label in labels}
        _log_y(ax, numticks=8)
        ax.set_xlim(0.5, max_length + 0.5)  # the slider's whole range: the curve grows to the right with T
        plots.label_axes(ax, "How far back the last loss reaches", "t", "||dL_T / dh_t||")
        ax.legend(handles=list(self.lines.values()), loc="upper left", bbox_to_anchor=(1.01, 1.0))
        self.live.fig.subplots_adjust(left=0.13, right=0.78, bottom=0.15, top=0.9)

    def update(self, norms: dict) -> None:
        for label, values in norms.items():
            self.lines[label].set_data(np.arange(1, len(values) + 1), values)
        # whole decades around this T's norms, half a decade of room on top: the decades can be counted
        # ("how many steps back does it fall by 100?"); a new T that changes them redraws the frame
        shown = np.concatenate([np.asarray(v, float) for v in norms.values()])
        shown = shown[np.isfinite(shown) & (shown > 0)]
        if len(shown):
            self.ax.set_ylim(10.0 ** math.floor(math.log10(shown.min())), 10.0 ** (math.ceil(math.log10(shown.max())) + 0.5))
        self.live.show()


# ---------------------------------------------------------------- notebook 07
class GradientFlow:
    """Left: ``log10 ||dh_T/dh_k||`` against k with the two predictions; right: the eigenvalues of
    ``W_hh`` with the unit circle and the circle of radius sigma_1. ``result``: ``spectra.gradient_flow``.

    Plain text, not mathtext, in every label: the frame is drawn again whenever T or the range changes.
    """

    OVERFLOW = [(38.53, "float32 overflows"), (308.25, "float64 overflows")]

    def __init__(self):
        live = self.live = LiveFigure((10.5, 3.9), ncols=2, gridspec_kw={"width_ratios": [1.6, 1]})
        ax, ax_eig = self.ax, self.ax_eig = live.axes
        self.measured = live.animate(ax.plot([], [], color=COLORS["rnn"], lw=2, label="measured ‖∂h_T/∂h_k‖")[0])
        self.eig_line = live.animate(ax.plot([], [], color=COLORS["neutral"], ls="--",
                                             label="eigenvalues: radius^(T−k)")[0])
        self.bound = live.animate(ax.plot([], [], color=COLORS["highlight"], ls=":", lw=2,
                                          label="bound (γ σ₁)^(T−k)")[0])
        self.zeros = live.animate(ax.plot([], [], "v", color="black", ms=4, label="exactly 0")[0])
        self.spans = [(live.animate(ax.axhspan(level, level + 1, color=COLORS["onehot"], alpha=0.12)),
                       live.animate(ax.text(0, level, f" {name}", va="bottom", fontsize=8, color=COLORS["onehot"])))
                      for level, name in self.OVERFLOW]
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))  # few labels: text is slow to draw
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.yaxis.set_major_formatter(FuncFormatter(plots.pow10_label))
        ax.set_xlabel("k (earlier steps to the left)")
        ax.set_ylabel("‖∂h_T/∂h_k‖₂ (log scale)")

        theta = np.linspace(0, 2 * np.pi, 200)
        self.circle = np.cos(theta), np.sin(theta)
        ax_eig.plot(*self.circle, color="black", lw=1, label="unit circle")
        self.sigma_circle = live.animate(ax_eig.plot([], [], color=COLORS["highlight"], lw=1, ls=":",
                                                     label="radius σ₁")[0])
        self.eigs = live.animate(ax_eig.scatter([], [], s=10, color=COLORS["dense"], label="eigenvalues", zorder=3))
        ax_eig.set_aspect("equal")
        ax_eig.xaxis.set_major_locator(MaxNLocator(nbins=3, symmetric=True))
        ax_eig.yaxis.set_major_locator(MaxNLocator(nbins=3, symmetric=True))
        ax_eig.set_xlabel("Re")
        ax_eig.set_ylabel("Im")
        ax_eig.legend(fontsize=7, loc="lower left", frameon=True, facecolor="white", framealpha=0.9)
        self.eig_title = live.animate(ax_eig.title)
        live.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.84, wspace=0.25)
        self._legend_for = None

    def _legend(self, linear: bool, zeros: bool) -> None:
        """The left legend, in a row above the axes where no curve goes, lists the lines shown."""
        if self._legend_for != (linear, zeros):
            handles = [self.measured] + ([self.eig_line] if linear else []) + [self.bound] + ([self.zeros] if zeros else [])
            self.ax.legend(handles=handles, fontsize=8, ncol=2, loc="lower left", bbox_to_anchor=(0, 1.01),
                           borderaxespad=0)
            self._legend_for = linear, zeros

    def update(self, result: dict) -> None:
        self.draw(result)
        self.live.show()

    def draw(self, result: dict) -> None:
        """Set every artist for ``result`` without sending a picture (the notebook's static figure)."""
        k, y, s = result["k"], result["log10_norm"], result["settings"]
        finite = np.isfinite(y)
        self.measured.set_data(k[finite], y[finite])
        linear = s["nonlinearity"] == "linear"
        self.eig_line.set_data(k, result["log10_eig_prediction"])
        self.eig_line.set_visible(linear)
        self.bound.set_data(k, result["log10_bound"])
        top = max(np.max(y[finite]) if finite.any() else 0.0, 1.0)
        bottom = min(np.min(y[finite]) if finite.any() else 0.0, -1.0)
        self.zeros.set_data(k[~finite], np.full((~finite).sum(), bottom - 1))
        self.zeros.set_visible(bool(np.any(~finite)))
        self._legend(linear, bool(np.any(~finite)))
        ylim = _ladder_limits(bottom - 2, top + 5)
        for (level, _name), (span, text) in zip(self.OVERFLOW, self.spans):
            span.set_visible(top > level)
            span.set_y(level)
            span.set_height(ylim[1] - level)
            text.set_visible(top > level)
            text.set_x(k[0])
        self.ax.set_xlim(k[0] - 0.02 * (k[-1] - k[0]), k[-1] + 0.02 * (k[-1] - k[0]))
        self.ax.set_ylim(*ylim)

        lam, sigma_1 = result["eigenvalues"], result["sigma_1"]
        self.sigma_circle.set_data(sigma_1 * self.circle[0], sigma_1 * self.circle[1])
        self.eigs.set_offsets(np.column_stack([lam.real, lam.imag]))
        lim = 1.1 * 2.0 ** math.ceil(math.log2(max(1.0, sigma_1)))  # doubles in steps, so the frame stays
        self.ax_eig.set_xlim(-lim, lim)
        self.ax_eig.set_ylim(-lim, lim)
        self.eig_title.set_text(f"spectral radius {result['spectral_radius']:.2f}, σ₁ = {sigma_1:.2f}")


# ---------------------------------------------------------------- notebook 08
class WallClipping:
    """The one-unit RNN's error surface with one start's descent with and without clipping, and the losses."""

    def __init__(self, surface: dict):
        live = self.live = LiveFigure((10, 3.9), ncols=2, gridspec_kw={"width_ratios": [1.3, 1]})
        ax, ax_loss = self.ax, self.ax_loss = live.axes
        self.surface = surface
        w, b = surface["w"], surface["b"]
        shown = ax.imshow(np.log10(surface["loss"] + 1e-8), extent=(w[0], w[-1], b[0], b[-1]), origin="lower",
                          aspect="auto", cmap="Greys", interpolation="bilinear")
        live.fig.colorbar(shown, ax=ax, label="log₁₀ loss")
        styles = {"no clipping": {"color": COLORS["rnn"], "lw": 1.6},
                  "with clipping": {"color": COLORS["dense"], "lw": 1.6, "ls": "--"}}
        self.paths = {k: live.animate(ax.plot([], [], label=k, **st)[0]) for k, st in styles.items()}
        self.starts = {k: live.animate(ax.plot([], [], "o", color=st["color"], ms=5)[0]) for k, st in styles.items()}
        # solid in the loss panel: a dashed line that oscillates reads as hatching (the colour tells them apart)
        self.losses = {k: live.animate(ax_loss.plot([], [], label=k, color=st["color"], lw=1.2)[0])
                       for k, st in styles.items()}
        self.arrows = []
        ax.set_xlim(w[0], w[-1])
        ax.set_ylim(b[0], b[-1])
        ax.grid(False)
        plots.label_axes(ax, "One-unit RNN: loss surface and gradient descent", "w", "b")
        ax.legend(fontsize=8, loc="lower left", frameon=True, facecolor="white", framealpha=0.9)
        _log_y(ax_loss)
        plots.label_axes(ax_loss, " ", "step", "loss (log scale)")  # the surface's legend names both lines
        self.loss_title = live.animate(ax_loss.title)
        self.loss_title.set_fontsize(10)
        live.fig.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.92, wspace=0.25)

    def _cut_at_frame(self, path) -> int:
        w, b = self.surface["w"], self.surface["b"]
        inside = (path[:, 0] >= w[0]) & (path[:, 0] <= w[-1]) & (path[:, 1] >= b[0]) & (path[:, 1] <= b[-1])
        return int(np.argmin(inside)) if not inside.all() else len(path)

    def update(self, result: dict) -> None:
        s = result["settings"]
        self.live.forget(*self.arrows)
        self.arrows = []
        steps = 0
        for i, (key, run) in enumerate((("no clipping", result["plain"]), ("with clipping", result["clipped"]))):
            path, color = run["path"], self.paths[key].get_color()
            first_out = self._cut_at_frame(path)
            self.paths[key].set_data(path[:first_out, 0], path[:first_out, 1])
            self.starts[key].set_data([path[0, 0]], [path[0, 1]])
            if first_out < len(path):  # the path left the frame: say where it went
                p, q = path[first_out - 1], path[first_out]
                self.arrows.append(self.live.animate(self.ax.annotate(
                    f"thrown to ({q[0]:.0f}, {q[1]:.0f})", xy=p, xytext=(p[0] + 1.0, p[1] + 1.2 + 0.45 * i),
                    color=color, fontsize=8, arrowprops={"arrowstyle": "<-", "color": color})))
            self.losses[key].set_data(np.arange(len(run["loss"])), run["loss"])
            steps = max(steps, len(run["loss"]))
        self.ax_loss.set_xlim(-0.02 * steps, 1.02 * steps)
        low, high = _decade_limits(np.concatenate([result["plain"]["loss"], result["clipped"]["loss"]]))
        if not self.ax_loss.get_autoscaley_on():  # widen, never narrow: most moves then keep the frame
            low, high = min(low, self.ax_loss.get_ylim()[0]), max(high, self.ax_loss.get_ylim()[1])
        self.ax_loss.set_ylim(low, high)
        self.loss_title.set_text(f"Loss, learning rate {s['lr']:g}; {s['clip']} clipping at c = {s['threshold']:g}")
        self.live.show()


# ---------------------------------------------------------------- notebook 09
class ManualGates:
    """Candidates written into one cell, and its c_t and h_t under constant gates f, i, o."""

    def __init__(self, g, image=None):
        T = len(g)
        t = np.arange(1, T + 1)
        live = self.live = LiveFigure((7.5, 4.2), image=image, nrows=2, sharex=True,
                                      gridspec_kw={"height_ratios": [1, 2]})
        ax_g, ax_c = live.axes
        # vertical lines, not bars: at a thousand steps bars take seconds to draw
        ax_g.vlines(t, 0, g, color=COLORS["highlight"], lw=max(1.0, 240 / T))
        ax_g.set_ylabel("g_t")
        ax_g.set_ylim(-0.7, 1.2)
        self.g_title = live.animate(ax_g.title)
        self.c = live.animate(ax_c.plot(t, np.zeros(T), color=COLORS["lstm"], label="cell state c_t")[0])
        self.h = live.animate(ax_c.plot(t, np.zeros(T), color=COLORS["onehot"], ls="--", label="h_t = o tanh(c_t)")[0])
        ax_c.set_ylim(-0.6, 1.05)  # c_t = i f^k - 0.5 i after both writes: always inside [-0.5, 1]
        ax_c.set_xlim(0, T + 1)
        plots.label_axes(ax_c, "", "t", "value")
        ax_c.legend(loc="upper right")
        self.c_title = live.animate(ax_c.title)
        live.fig.subplots_adjust(left=0.1, right=0.97, bottom=0.11, top=0.93, hspace=0.3)

    def update(self, result: dict, f: float, i: float, o: float) -> None:
        self.g_title.set_text(f"candidates g_t written with input gate i = {i:.2f}")
        self.c.set_ydata(result["c"])
        self.h.set_ydata(result["h"])
        self.c_title.set_text(f"c_t = f c_(t-1) + i g_t with f = {f:.2f}; h_t with o = {o:.2f}")
        self.live.show()


class TrainedGates:
    """A trained LSTM on one adding-problem sequence: its inputs, mean gates, and its busiest cells."""

    def __init__(self, T: int, image=None, n_units: int = 4):
        t = self.t = np.arange(1, T + 1)
        live = self.live = LiveFigure((7.5, 5.6), image=image, nrows=3, sharex=True,
                                      gridspec_kw={"height_ratios": [1, 1.3, 1.6]})
        ax_x, ax_gates, ax_c = self.axes = live.axes
        self.bars = ax_x.bar(t, np.zeros(T), color="#cccccc")
        live.animate(*self.bars)
        ax_x.set_ylim(0, 1.05)
        plots.label_axes(ax_x, "input values (the two marked ones in yellow)", "", "value")
        self.gates = {name: live.animate(ax_gates.plot(t, np.zeros(T), ls=style, color=color, label=f"mean {name}_t")[0])
                      for name, style, color in (("f", "-", COLORS["lstm"]), ("i", "--", COLORS["rnn"]),
                                                 ("o", ":", COLORS["gru"]))}
        ax_gates.set_ylim(0, 1.4)  # gates are at most 1: the legend sits above them
        ax_gates.legend(ncol=3, fontsize=8, loc="upper center")
        self.gates_title = live.animate(ax_gates.title)
        ax_gates.set_ylabel("gate value")
        # greys: these are four units, not the gates above
        self.cells = [live.animate(ax_c.plot(t, np.zeros(T), lw=1.2, color=str(0.15 + 0.5 * j / max(1, n_units - 1)))[0])
                      for j in range(n_units)]
        self.marks = [live.animate(ax.axvline(0, color=COLORS["highlight"], lw=1)) for ax in (ax_gates, ax_c)
                      for _ in range(2)]
        plots.label_axes(ax_c, "cell state c_t of those units", "t", "c_t")
        live.fig.subplots_adjust(left=0.11, right=0.97, bottom=0.08, top=0.95, hspace=0.35)

    def update(self, x, trace: dict, units) -> None:
        self.draw(x, trace, units)
        self.live.show()

    def draw(self, x, trace: dict, units) -> None:
        """Set every artist for one sequence without sending a picture."""
        marks = np.flatnonzero(x[:, 1] > 0) + 1
        for k, bar in zip(self.t, self.bars):
            bar.set_height(x[k - 1, 0])
            bar.set_color(COLORS["highlight"] if k in marks else "#cccccc")
        for name, line in self.gates.items():
            line.set_ydata(trace[name][:, units].mean(axis=1))
        self.gates_title.set_text(f"gates of the {len(units)} units whose c_t moves most")
        ax_c = self.axes[2]
        for line, u in zip(self.cells, units):
            line.set_ydata(trace["c"][:, u])
        values = trace["c"][:, units]
        ax_c.set_ylim(*_rounded_limits(values.min() - 0.1, values.max() + 0.1, 0.5))
        for line, k in zip(self.marks, list(marks[:2]) * 2):
            line.set_xdata([k, k])


class AddingCurves:
    """Held-out MSE against the training step for RNN, LSTM and GRU, and the trivial baseline."""

    def __init__(self, kinds, baseline: float):
        self.live = LiveFigure((7, 3.3))
        ax = self.ax = self.live.axes
        self.lines = {kind: self.live.animate(ax.plot([], [], marker="o", ms=3, color=plots.kind_color(kind),
                                                      label=kind.upper())[0]) for kind in kinds}
        base = ax.axhline(baseline, ls="--", color=COLORS["neutral"], label=f"always predict 1 (MSE {baseline:.3f})")
        _log_y(ax)
        plots.label_axes(ax, " ", "training step", "held-out MSE (log scale)")
        ax.legend(handles=[*self.lines.values(), base], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
        self.title = self.live.animate(ax.title)
        self.baseline = baseline
        self.live.fig.subplots_adjust(left=0.12, right=0.66, bottom=0.15, top=0.9)

    def update(self, results: dict, length: int) -> None:
        steps = []
        for kind, line in self.lines.items():
            history = results.get(kind, {"heldout_steps": [], "heldout_mse": []})
            line.set_data(history["heldout_steps"], history["heldout_mse"])
            steps.extend(history["heldout_steps"])
        values = np.concatenate([np.asarray(r["heldout_mse"], float) for r in results.values()] + [[self.baseline]])
        self.ax.set_ylim(*_decade_limits(values))
        self.ax.set_xlim(0, 1.03 * max(steps, default=1))
        self.title.set_text(f"Adding problem, T = {length}")
        self.live.show()


# ---------------------------------------------------------------- notebook 10
class NextCharacter:
    """The next-character distribution after the prompt: the ``top`` most likely characters.

    The characters are drawn under the bars as moving text, not as tick labels, so a new order of
    characters changes the data, not the frame.
    """

    def __init__(self, top: int = 12):
        self.live = LiveFigure((7.5, 2.8))
        ax = self.ax = self.live.axes
        self.bars = ax.bar(range(top), np.zeros(top), color=COLORS["lstm"])
        self.labels = [ax.text(j, -0.04, "", ha="center", va="top", transform=ax.get_xaxis_transform(),
                               clip_on=False) for j in range(top)]
        self.live.animate(*self.bars, *self.labels)
        ax.set_ylim(0, 1)
        ax.set_xlim(-0.6, top - 0.4)
        ax.set_xticks([])
        plots.label_axes(ax, " ", "", "probability")
        ax.set_xlabel("character", labelpad=16)
        self.title = self.live.animate(ax.title)
        self.live.fig.subplots_adjust(left=0.1, right=0.98, bottom=0.2, top=0.88)

    def update(self, chars, probs, method: str) -> None:
        for j, (bar, label) in enumerate(zip(self.bars, self.labels)):
            bar.set_height(probs[j] if j < len(probs) else 0.0)
            c = chars[j] if j < len(chars) and probs[j] > 0 else ""  # no label under a bar of probability 0
            label.set_text("␣" if c == " " else repr(c)[1:-1])  # a space gets a visible mark
        self.title.set_text(f"next character after the prompt ({method})")
        self.live.show()


# ---------------------------------------------------------------- notebook 11
class PrefixBars:
    """P(positive) after each prefix w_1..w_t, with the words under the bars.

    The words are drawn with the bars, not as tick labels, and the axis has room for a few more words than
    the review has: typing a word then changes the data, not the frame.
    """

    def __init__(self):
        self.live = LiveFigure((8, 2.8))
        ax = self.ax = self.live.axes
        ax.axhline(0.5, ls="--", color=COLORS["neutral"], lw=1)
        ax.set_ylim(0, 1)
        ax.set_xticks([])
        ax.set_ylabel("P(positive)")
        # the colour key, over the bars (animated, so it is drawn after them)
        self.live.animate(ax.text(0.995, 0.97, "teal: positive (≥ 0.5), red: negative", transform=ax.transAxes,
                                  ha="right", va="top", fontsize=8, color=COLORS["neutral"], zorder=5,
                                  bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85}))
        self.title = self.live.animate(ax.title)
        self.bars, self.labels, self.words = [], [], None
        self.live.fig.subplots_adjust(left=0.09, right=0.98, bottom=0.3, top=0.88)

    def update(self, words, p_positive, title: str) -> None:
        if words != self.words:  # a new review: one bar and one label per word
            self.words = list(words)
            self.live.forget(*self.bars, *self.labels)
            self.bars = list(self.ax.bar(range(len(words)), np.zeros(len(words))))
            self.labels = [self.ax.text(t, -0.04, w, rotation=45, ha="right", va="top", rotation_mode="anchor",
                                        transform=self.ax.get_xaxis_transform(), clip_on=False)
                           for t, w in enumerate(words)]
            self.live.animate(*self.bars, *self.labels)
            slots = 8
            while slots < len(words):  # 8, 12, 18, 27, ... places: the frame changes only now and then
                slots = slots * 3 // 2
            self.ax.set_xlim(-0.6, slots - 0.4)
        for bar, p in zip(self.bars, p_positive):
            bar.set_height(p)
            bar.set_color(COLORS["dense"] if p >= 0.5 else COLORS["onehot"])
        self.title.set_text(title)
        self.live.show()
