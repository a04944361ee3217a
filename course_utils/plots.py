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
