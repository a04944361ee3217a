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


def loss_curve(ax, losses, label: str = "training loss", every: int = 1) -> None:
    """Plot a loss history (one value per step, or per ``every`` steps)."""
    steps = [i * every for i in range(len(losses))]
    ax.plot(steps, losses, label=label)
    label_axes(ax, "Loss while training", "step", "loss")
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
    """Show a figure and close it, so figures do not pile up in memory."""
    fig = fig or plt.gcf()
    plt.show()
    plt.close(fig)


# ---------------------------------------------------------------- notebooks 08-09 (LSTM/GRU, char LM)

def kind_color(label: str) -> str:
    """The course colour of ``"rnn"``, ``"lstm"`` or ``"gru"`` found in a label (neutral otherwise)."""
    low = label.lower()
    for kind in ("lstm", "gru", "rnn"):
        if kind in low:
            return COLORS[kind]
    return COLORS["neutral"]


def adding_curves(ax, results: dict, baseline: float, length: int) -> None:
    """Held-out MSE vs training step for each model on the adding problem, with the trivial baseline."""
    for kind, res in results.items():
        ax.plot(res["steps"], res["mse"], marker="o", ms=3, color=kind_color(kind), label=kind.upper())
    ax.axhline(baseline, ls="--", color=COLORS["neutral"], label=f"always predict 1 (MSE {baseline:.3f})")
    ax.set_yscale("log")
    label_axes(ax, f"Adding problem, T = {length}", "training step", "held-out MSE (log scale)")
    ax.legend()


def gradient_flow(ax, norms: dict, title: str = "How much h_T depends on earlier states") -> None:
    """``||dh_T/dh_k||`` (or ``dc_T/dc_k``) against k on a log axis, one line per model."""
    for label, values in norms.items():
        T = len(values)
        ax.semilogy(range(1, T + 1), values, marker="o", ms=2, color=kind_color(label),
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
    """A loss plot that redraws in place while training runs, inside a fixed-size output area.

    ``live = LiveLoss("bits per char"); train(..., on_step=live.update); live.close(losses)``.
    """

    def __init__(self, ylabel: str = "loss", every: int = 100, smooth: int = 50):
        import ipywidgets as W
        from IPython.display import display

        self.ylabel, self.every, self.smooth = ylabel, every, smooth
        self.out = W.Output(layout=W.Layout(height="320px"))
        display(self.out)

    def update(self, step: int, losses, force: bool = False) -> None:
        if (step % self.every and not force) or not len(losses):
            return
        import numpy as np

        values = np.asarray(losses)
        w = min(self.smooth, len(values))
        smooth = np.convolve(values, np.ones(w) / w, mode="valid")
        with self.out:
            self.out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(7, 3))
            ax.plot(np.arange(w, len(values) + 1), smooth, color=COLORS["lstm"])
            label_axes(ax, f"training: update {step}", "update", f"{self.ylabel} (moving average of {w})")
            show(fig)

    def close(self, losses=None) -> None:
        """Draw the final curve."""
        if losses is not None:
            self.update(len(losses), losses, force=True)
