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


# ---------------------------------------------------------------- notebooks 10-11 (sequence tasks, encoder-decoder)
def prefix_probability_bars(ax, words, p_positive, title: str = "") -> None:
    """Bars of P(positive) after each prefix w_1..w_t, with the words under the bars (notebook 10)."""
    colors = [COLORS["dense"] if p >= 0.5 else COLORS["onehot"] for p in p_positive]
    ax.bar(range(len(words)), p_positive, color=colors)
    ax.axhline(0.5, ls="--", color=COLORS["neutral"], lw=1)
    ax.set_ylim(0, 1)
    ax.set_xticks(range(len(words)), words, rotation=45, ha="right")
    label_axes(ax, title or "Prediction after reading each prefix", "", "P(positive)")


def accuracy_by_length(ax, by_length: dict, label: str = "", key: str = "exact", train_max: int | None = None) -> None:
    """Accuracy against source length from ``seq2seq.accuracy_by_length`` (notebook 11)."""
    lengths = sorted(by_length)
    ax.plot(lengths, [by_length[L][key] for L in lengths], "o-", label=label or key)
    if train_max is not None:
        ax.axvline(train_max + 0.5, ls=":", color=COLORS["neutral"], label="longest training input")
    ax.set_ylim(-0.02, 1.02)
    label_axes(ax, "Accuracy against input length", "input length n", "accuracy")
