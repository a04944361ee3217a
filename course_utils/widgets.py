"""The interactive experiments. Imported by notebooks only.

Each widget is a thin layer: a pure function (unit-tested elsewhere) computes
the numbers, a function in ``plots`` draws them, and the widget wires controls
to both. Errors in a callback are shown in the widget's output area.
"""
import html

import ipywidgets as W
import matplotlib.pyplot as plt

from . import embeddings, plots


def widgets_check() -> W.Widget:
    """A slider and a readout: if dragging the slider changes the text, widgets work."""
    slider = W.IntSlider(value=3, min=1, max=10, description="n")
    readout = W.HTML()
    readout.add_class("course-readout")

    def update(_change=None):
        n = slider.value
        readout.value = f"<b>n = {n}</b>, n&sup2; = {n * n} &nbsp; {'&#9632;' * n}"

    slider.observe(update, names="value")
    update()
    return W.VBox([slider, readout])


def _draw_pair(result: dict, word_i: str, word_j: str, itos) -> None:
    fig, (ax_bar, ax_txt) = plt.subplots(1, 2, figsize=(8, 3), gridspec_kw={"width_ratios": [1, 1.3]})
    plots.bar_compare(ax_bar, ["one-hot", "embedding"],
                      [result["onehot_cosine"], result["dense_cosine"]],
                      colors=[plots.COLORS["onehot"], plots.COLORS["dense"]],
                      title=f"cosine({word_i}, {word_j})", ylabel="cosine")
    ax_bar.set_ylim(-1, 1.15)
    ax_txt.axis("off")
    lines = [f"nearest to '{word_i}':"] + [f"   {itos[n]}  {c:.2f}" for n, c in result["neighbours_i"]]
    lines += ["", f"nearest to '{word_j}':"] + [f"   {itos[n]}  {c:.2f}" for n, c in result["neighbours_j"]]
    ax_txt.text(0, 1, "\n".join(lines), va="top", family="monospace", fontsize=9)
    plots.show(fig)


def word_pair_explorer(itos, E, word_i: str, word_j: str, choices=None) -> W.Widget:
    """Pick two words; see their one-hot cosine (always 0) beside their embedding cosine.

    itos: list of words (id -> word); E: embedding matrix ``(len(itos), d)``;
    choices: the words offered in the menus (default: all of ``itos``).
    """
    choices = list(choices or itos)
    for name, word in {"word_i": word_i, "word_j": word_j}.items():
        if word not in choices:
            raise ValueError(f"{name}={word!r} is not among the {len(choices)} words offered")
    stoi = {w: i for i, w in enumerate(itos)}
    pick_i = W.Dropdown(options=choices, value=word_i, description="word 1")
    pick_j = W.Dropdown(options=choices, value=word_j, description="word 2")
    readout = W.HTML()
    readout.add_class("course-readout")
    out = W.Output(layout=W.Layout(height="320px"))

    def update(_change=None):
        with out:
            out.clear_output(wait=True)
            a, b = pick_i.value, pick_j.value
            result = embeddings.compare_pair(E, stoi[a], stoi[b], k=min(5, len(itos) - 1))
            readout.value = (f"one-hot cosine <b>{result['onehot_cosine']:.3f}</b> &nbsp;|&nbsp; "
                             f"embedding cosine <b>{result['dense_cosine']:.3f}</b> "
                             f"({html.escape(a)} vs {html.escape(b)})")
            _draw_pair(result, a, b, itos)

    pick_i.observe(update, names="value")
    pick_j.observe(update, names="value")
    update()
    return W.VBox([W.HBox([pick_i, pick_j]), readout, out])
