"""One plotting style for the whole course, and a few small drawing helpers.

Pure computation lives elsewhere; functions here take numbers and draw them.
"""
import matplotlib as mpl
import matplotlib.pyplot as plt

# One colour per recurring role, so "one-hot" or "LSTM" looks the same in every notebook.
COLORS = {
    "onehot": "#d1495b",
    "dense": "#00798c",
    "highlight": "#edae49",
    "neutral": "#6c757d",
    "rnn": "#d1495b",
    "lstm": "#00798c",
    "gru": "#30638e",
}

STYLE = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "font.size": 10,
    "axes.prop_cycle": mpl.cycler(color=["#00798c", "#d1495b", "#edae49", "#30638e", "#66a182", "#6c757d"]),
}


def use_course_style() -> None:
    """Apply the course style to every later figure (call once at the top of a notebook)."""
    mpl.rcParams.update(STYLE)


def label_axes(ax, title: str = "", xlabel: str = "", ylabel: str = "") -> None:
    """Set title and axis labels in one call."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def loss_curve(ax, losses, label: str = "training loss", every: int = 1, ylabel: str = "loss") -> None:
    """Plot a loss history (one value per step, or per ``every`` steps); ``ylabel`` names its unit."""
    steps = [i * every for i in range(len(losses))]
    ax.plot(steps, losses, label=label)
    label_axes(ax, "Loss while training", "step", ylabel)
    ax.legend()


def bar_compare(ax, labels, values, colors=None, title: str = "", ylabel: str = "", fmt: str = "{:.3f}") -> None:
    """A bar chart with each bar's value written on it."""
    bars = ax.bar(labels, values, color=colors)
    for bar, value in zip(bars, values):
        y = bar.get_height()
        ax.annotate(fmt.format(value), (bar.get_x() + bar.get_width() / 2, y),
                    ha="center", va="bottom" if y >= 0 else "top", fontsize=10)
    ax.axhline(0, color="black", lw=0.8)
    label_axes(ax, title, "", ylabel)


def show(fig=None) -> None:
    """Show a figure and close it, so figures do not pile up in memory.

    A figure made outside pyplot (a widget's ``live.LiveFigure``) is displayed as it is.
    """
    fig = fig or plt.gcf()
    if fig.canvas.manager is None:
        from IPython.display import display

        display(fig)
        return
    plt.show()
    plt.close(fig)


# ---------------------------------------------------------------- notebooks 07-08: gradient flow, clipping
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def pow10_label(value, _pos=None) -> str:
    """A tick label for a log10 value: 10 to the power k at whole k (plain text, no mathtext), nothing between."""
    return "10" + f"{value:.0f}".translate(_SUPERSCRIPT) if float(value).is_integer() else ""


def gradient_flow_figure(result: dict):
    """The gradient-flow widget's picture for one setting, as a figure (notebook 07): ``result`` comes
    from ``spectra.gradient_flow``; see ``pictures.GradientFlow``."""
    from course_utils.ui import pictures

    picture = pictures.GradientFlow()
    picture.draw(result)
    return picture.live.fig


def error_surface_figure(surface: dict, runs: dict, ax=None, annotate: bool = True):
    """The one-unit RNN's loss (log colour scale) with gradient-descent paths drawn on it.

    surface: from ``spectra.error_surface``; runs: ``{label: (result of clipping.descend, style dict)}``
    (a label starting with ``_`` stays out of the legend). Paths leaving the frame are cut at its edge,
    with an arrow saying where they went (``annotate``), else with a cross (notebook 08).
    """
    import numpy as np

    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 5.2))
    w, b = surface["w"], surface["b"]
    shown = ax.imshow(np.log10(surface["loss"] + 1e-8), extent=(w[0], w[-1], b[0], b[-1]), origin="lower",
                      aspect="auto", cmap="Greys", interpolation="bilinear")  # imshow: fast enough for a widget
    ax.figure.colorbar(shown, ax=ax, label=r"$\log_{10}$ loss")
    for i, (label, (run, style)) in enumerate(runs.items()):
        path = run["path"]
        inside = (path[:, 0] >= w[0]) & (path[:, 0] <= w[-1]) & (path[:, 1] >= b[0]) & (path[:, 1] <= b[-1])
        first_out = int(np.argmin(inside)) if not inside.all() else len(path)
        ax.plot(path[:first_out, 0], path[:first_out, 1], label=label, **style)
        ax.plot(*path[0], "o", color=style.get("color", "black"), ms=5)
        if first_out < len(path) and not annotate:
            ax.plot(*path[first_out - 1], "X", color=style.get("color", "black"), ms=11, mec="white", zorder=5)
        elif first_out < len(path):
            p, q = path[first_out - 1], path[first_out]
            ax.annotate(f"thrown to ({q[0]:.0f}, {q[1]:.0f})", xy=p, xytext=(p[0] + 1.0, p[1] + 1.2 + 0.45 * i),
                        color=style.get("color", "black"), fontsize=8,
                        arrowprops={"arrowstyle": "<-", "color": style.get("color", "black")})
    ax.set_xlim(w[0], w[-1])
    ax.set_ylim(b[0], b[-1])
    ax.grid(False)
    label_axes(ax, "One-unit RNN: loss surface and gradient descent", "w", "b")
    # a white frame keeps the labels readable on the dark surface
    ax.legend(fontsize=8, loc="lower left", frameon=True, facecolor="white", framealpha=0.9)
    return ax


def draw_unrolled_rnn(ax, words, show_outputs: bool = True) -> None:
    """Draw an RNN unrolled over ``words``: x_t -> h_t -> y_hat_t, with h_{t-1} -> h_t (notebook 05).

    Every horizontal arrow carries the same W_hh and every vertical one the
    same W_ih (and W_hy): parameter tying, drawn.
    """
    ax.axis("off")
    T = len(words)
    box = dict(boxstyle="round,pad=0.35", fc="white", lw=1.4)
    arrow = dict(arrowstyle="->", lw=1.2, color="black")
    ax.text(-0.9, 1, "h_0 = 0", ha="center", va="center", bbox={**box, "ec": COLORS["neutral"]})
    for t, word in enumerate(words, start=1):
        x = 1.6 * (t - 1) + 0.6
        ax.text(x, 0, f"x_{t}\n'{word}'", ha="center", va="center", bbox={**box, "ec": COLORS["dense"]})
        ax.text(x, 1, f"h_{t}", ha="center", va="center", bbox={**box, "ec": COLORS["rnn"]})
        ax.annotate("", (x, 0.8), (x, 0.25), arrowprops=arrow)
        ax.text(x + 0.08, 0.5, "W_ih", fontsize=8, color=COLORS["dense"])
        prev = x - 1.6 if t > 1 else -0.9
        ax.annotate("", (x - 0.3, 1), (prev + (0.3 if t > 1 else 0.55), 1), arrowprops=arrow)
        ax.text((x + prev) / 2 - 0.2, 1.1, "W_hh", fontsize=8, color=COLORS["rnn"])
        if show_outputs:
            ax.text(x, 2, f"ŷ_{t}", ha="center", va="center", bbox={**box, "ec": COLORS["highlight"]})
            ax.annotate("", (x, 1.8), (x, 1.2), arrowprops=arrow)
            ax.text(x + 0.08, 1.5, "W_hy", fontsize=8, color=COLORS["highlight"])
    ax.set_xlim(-1.5, 1.6 * T)
    ax.set_ylim(-0.5, 2.4 if show_outputs else 1.5)

# ---------------------------------------------------------------- notebooks 11-13 (sequence tasks, encoder-decoder)
def accuracy_by_length_curve(ax, by_length: dict, label: str = "", key: str = "exact", train_max: int | None = None) -> None:
    """Accuracy against source length from ``encoder_decoder.accuracy_by_length`` (notebook 13)."""
    lengths = sorted(by_length)
    ax.plot(lengths, [by_length[L][key] for L in lengths], "o-", label=label or key)
    if train_max is not None:
        ax.axvline(train_max + 0.5, ls=":", color=COLORS["neutral"], label="longest training input")
    ax.set_ylim(-0.02, 1.02)
    label_axes(ax, "Accuracy against input length", "input length n", "accuracy")

# ---------------------------------------------------------------- notebooks 09-10 (LSTM/GRU, char LM)

def kind_color(label: str) -> str:
    """The course colour of ``"rnn"``, ``"lstm"`` or ``"gru"`` found in a label (neutral otherwise)."""
    low = label.lower()
    for kind in ("lstm", "gru", "rnn"):
        if kind in low:
            return COLORS[kind]
    return COLORS["neutral"]


def adding_curves(ax, results: dict, baseline: float, length: int) -> None:
    """Held-out MSE vs training step for each model on the adding problem, with the trivial baseline.

    results: ``{kind: history}``, each history from ``adding.train_adding``.
    """
    for kind, res in results.items():
        ax.plot(res["heldout_steps"], res["heldout_mse"], marker="o", ms=3, color=kind_color(kind), label=kind.upper())
    ax.axhline(baseline, ls="--", color=COLORS["neutral"], label=f"always predict 1 (MSE {baseline:.3f})")
    ax.set_yscale("log")
    label_axes(ax, f"Adding problem, T = {length}", "training step", "held-out MSE (log scale)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)  # outside: the curves fill the axes


def jacobian_norm_curves(ax, norms: dict, title: str = "How much the last state depends on earlier states") -> None:
    """``||dh_T/dh_k||`` (or ``dc_T/dc_k``) against k on a log axis, one line per model.

    Colour by kind (from the label); dashed when the label names ``c_T``; hollow squares when it names a
    forget bias ``b_f`` (a second model of the same kind).
    """
    for label, values in norms.items():
        T = len(values)
        variant = "b_f" in label  # a second model of the same kind (another forget bias): hollow markers
        ax.semilogy(range(1, T + 1), values, marker="s" if variant else "o", ms=4 if variant else 2,
                    mfc="white" if variant else None, color=kind_color(label),
                    ls="--" if "c_T" in label else "-", label=label)
    label_axes(ax, title, "k", "spectral norm of the Jacobian")
    ax.legend(fontsize=8)


def temperature_bars(ax, chars, probs_by_T: dict) -> None:
    """Next-character probabilities under a few temperatures, side by side."""
    import numpy as np

    x = np.arange(len(chars))
    width = 0.8 / max(1, len(probs_by_T))
    for j, (T, p) in enumerate(probs_by_T.items()):
        ax.bar(x + j * width, p, width=width, label=f"T = {T:g}")
    ax.set_xticks(x + width * (len(probs_by_T) - 1) / 2, [repr(c)[1:-1] for c in chars])
    label_axes(ax, "softmax(z / T) for the next character", "character", "probability")
    ax.legend()


class LiveLoss:
    """A loss plot that redraws in place while training runs (one figure, its line updated; see ``live``).

    ``live = LiveLoss("bits"); history = train(..., on_step=live.update); live.close(history)``:
    ``key`` names the history's loss list (and its unit).
    """

    def __init__(self, key: str = "nats", every: int = 100, smooth: int = 50):
        from IPython.display import display

        from course_utils.ui.live import LiveFigure

        self.key, self.every, self.smooth = key, every, smooth
        self.live = LiveFigure((7, 3))
        ax = self.ax = self.live.axes
        self.line = self.live.animate(ax.plot([], [], color=COLORS["lstm"])[0])
        self.title = self.live.animate(ax.title)
        ax.set_xlabel("update")
        self.live.fig.subplots_adjust(left=0.1, right=0.97, bottom=0.16, top=0.9)
        display(self.live.image)

    def update(self, step: int, history: dict, force: bool = False) -> None:
        losses = history[self.key]
        if (step % self.every and not force) or not len(losses):
            return
        import numpy as np

        values = np.asarray(losses)
        w = min(self.smooth, len(values))
        smooth = np.convolve(values, np.ones(w) / w, mode="valid")
        self.line.set_data(np.arange(w, len(values) + 1), smooth)
        self.ax.set_xlim(0, max(len(values), 1))
        low, high = float(smooth.min()), float(smooth.max())
        pad = 0.05 * max(high - low, 1e-3)
        self.ax.set_ylim(low - pad, high + pad)
        self.ax.set_ylabel(f"loss, {self.key} (moving average of {w})")
        self.title.set_text(f"training: update {step}")
        self.live.show()

    def close(self, history: dict | None = None) -> None:
        """Draw the final curve."""
        if history is not None:
            self.update(len(history[self.key]), history, force=True)
