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


# ---------------------------------------------------------------- notebooks 04-06 (language models, RNNs, BPTT)
import numpy as np  # noqa: E402  (kept with the functions that need it)

def ngram_explorer(models: dict, heldout, itos, n: int = 2, k: float = 0.1, seed: int = 0) -> W.Widget:
    """Choose the order n and the smoothing k; see held-out perplexity and sampled sentences (notebook 04).

    models: ``{n: fitted ngram.NGramLM}``; heldout: list of id sequences; itos: id -> word.
    """
    from . import ngram

    if n not in models:
        raise ValueError(f"n={n!r} is not among the fitted orders {sorted(models)}")
    pick_n = W.IntSlider(value=n, min=min(models), max=max(models), description="n",
                         continuous_update=False)
    pick_k = W.FloatLogSlider(value=k, base=10, min=-4, max=0, step=0.25, description="k",
                              continuous_update=False, readout_format=".4f")
    readout = W.HTML()
    readout.add_class("course-readout")
    out = W.Output(layout=W.Layout(height="160px", overflow="auto"))

    def update(_change=None):
        with out:
            out.clear_output(wait=True)
            result = ngram.ngram_experiment(models, heldout, itos, pick_n.value, pick_k.value, seed=seed)
            readout.value = (f"n = {result['n']}, k = {result['k']:.4g}: held-out perplexity "
                             f"<b>{result['perplexity']:.1f}</b> ({result['bits_per_token']:.2f} bits per token)")
            for i, sentence in enumerate(result["samples"], start=1):
                print(f"sample {i}: {sentence}")

    pick_n.observe(update, names="value")
    pick_k.observe(update, names="value")
    update()
    return W.VBox([W.HBox([pick_n, pick_k]), readout, out])


def _draw_heat_strip(states, words, t: int) -> None:
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(words) + 1.2))
    shown = np.full_like(states, np.nan)
    shown[:t] = states[:t]
    image = ax.imshow(shown, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax.set_yticks(range(len(words)), [f"t={i + 1}  {w}" for i, w in enumerate(words)])
    ax.set_xlabel("hidden unit")
    ax.set_title(f"h_1 .. h_{t} (rows not yet computed are blank)")
    ax.grid(False)
    fig.colorbar(image, ax=ax, fraction=0.03, label="h_t value")
    plots.show(fig)


def rnn_stepper(model, vocab, sentence: str) -> W.Widget:
    """Step through an unrolled RNN LM on a sentence and watch ``h_t`` as a heat strip (notebook 05).

    model: an ``rnn.RNNLM``; vocab: a ``text.Vocab``; sentence: the text to start with
    (editable in the widget).
    """
    from . import rnn, text

    params = model.numpy_params()
    box = W.Text(value=sentence, description="sentence", layout=W.Layout(width="60%"),
                 continuous_update=False)
    step = W.IntSlider(value=1, min=1, max=max(1, len(text.tokenize(sentence))), description="t")
    readout = W.HTML()
    readout.add_class("course-readout")
    out = W.Output(layout=W.Layout(height="360px", overflow="auto"))
    state = {}

    def run_sentence(_change=None):
        words = text.tokenize(box.value) or ["<unk>"]
        ids = vocab.encode(words)
        state["words"] = [w if w in vocab else f"{w}(unk)" for w in words]
        state["h"] = rnn.hidden_states(params, model.embed_numpy(ids))
        state["probs"] = _softmax_rows(state["h"] @ params["W_hy"].T + params["b_y"])
        step.max = len(words)
        step.value = min(step.value, len(words))
        update()

    def update(_change=None):
        with out:
            out.clear_output(wait=True)
            t = step.value
            h_t, probs = state["h"][t - 1], state["probs"][t - 1]
            top = np.argsort(probs)[::-1][:3]
            guesses = ", ".join(f"{html.escape(vocab.itos[i])} {probs[i]:.2f}" for i in top)
            readout.value = (f"t = {t}: read <b>{html.escape(state['words'][t - 1])}</b>; "
                             f"||h_t|| = <b>{np.linalg.norm(h_t):.3f}</b>; next word guesses: {guesses}")
            _draw_heat_strip(state["h"], state["words"], t)

    box.observe(run_sentence, names="value")
    step.observe(update, names="value")
    run_sentence()
    return W.VBox([box, step, readout, out])


def _softmax_rows(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def gradient_flow_explorer(cases: dict, length: int = 20, max_length: int | None = None) -> W.Widget:
    """``||dL_T/dh_t||`` for each t, for several RNNs, with the sequence length T as a slider (notebook 06).

    cases: ``{label: (params, x, targets)}`` with x ``(time, input)``, targets
    ``(time,)``; the first T steps are used.
    """
    from . import rnn

    longest = min(len(x) for _p, x, _y in cases.values())
    max_length = min(max_length or longest, longest)
    if not 2 <= length <= max_length:
        raise ValueError(f"length must be in [2, {max_length}], got {length!r}")
    slider = W.IntSlider(value=length, min=2, max=max_length, description="T", continuous_update=False)
    readout = W.HTML()
    readout.add_class("course-readout")
    out = W.Output(layout=W.Layout(height="330px"))

    def update(_change=None):
        with out:
            out.clear_output(wait=True)
            T = slider.value
            fig, ax = plt.subplots(figsize=(7, 3.2))
            parts = []
            for label, (params, x, targets) in cases.items():
                norms = rnn.last_step_gradient_norms(params, x[:T], targets[:T])
                ax.semilogy(np.arange(1, T + 1), norms, marker="o", ms=3, label=label)
                parts.append(f"{html.escape(label)}: ||dL_T/dh_1|| / ||dL_T/dh_T|| = "
                             f"<b>{norms[0] / norms[-1]:.2e}</b>")
            readout.value = f"T = {T}. " + " &nbsp;|&nbsp; ".join(parts)
            plots.label_axes(ax, "How far back the last loss reaches", "t", "||dL_T / dh_t||")
            ax.legend()
            plots.show(fig)

    slider.observe(update, names="value")
    update()
    return W.VBox([slider, readout, out])
