"""The interactive experiments. Imported by notebooks only.

Each widget is a thin layer: a pure function (unit-tested elsewhere) computes
the numbers, a picture of ``pictures`` (built once, redrawn in place) shows them,
and the widget wires controls to both (``_live`` below).

Each widget checks its call's arguments first: a value its controls cannot show
(a starting value outside a slider, an option not in a menu) is refused with a
message naming the argument and the range. An error in the first drawing comes
from the call and is raised; a later one comes from a control and is shown in the
readout, with its traceback in the output area. Text typed into a box is never an
error: the readout says which words it could not read.
"""
import contextlib
import html
import traceback

import ipywidgets as W
import numpy as np
import torch

from course_utils import embeddings
from course_utils.checks.arguments import choice, finite_array, finite_number, finite_parameters, int_ids, positive_int
from course_utils.ui import pictures, plots

_SLIDER_RANGE = "the slider's range"  # the hint of a starting value a slider could not show


def _readout() -> W.HTML:
    """The one-line summary above a widget's output (the browser test and the sweep find it by its class)."""
    readout = W.HTML()
    readout.add_class("course-readout")
    return readout


def _errors() -> W.Output:
    """The area under a widget where a failed redraw prints its traceback (empty otherwise)."""
    return W.Output()


def _text_pane(height: str) -> W.HTML:
    """A scrolling box of text (sampled sentences, generated text), updated in place like a readout."""
    return W.HTML(layout=W.Layout(height=height, overflow="auto"))


def _pre(lines) -> str:
    return "<pre style='margin:0;white-space:pre-wrap'>" + html.escape("\n".join(lines)) + "</pre>"


def _live(controls, draw, readout: W.HTML, out: W.Output | None = None) -> None:
    """Run ``draw()`` now and whenever one of ``controls`` changes.

    ``draw`` sets ``readout.value`` and updates the widget's picture or text panes in place. If the first
    drawing fails, the call's arguments are at fault and the error is raised. If a later one fails, the
    error is shown in the readout and its traceback in ``out``, where the learner looks (not lost in a
    log); the next drawing that works clears it. (``draw`` runs outside ``out``: entering an Output area
    sends messages to the page at every move, for nothing when all goes well.)
    """
    showing_error = [False]

    def update(_change=None, first=False):
        try:
            draw()
        except Exception as err:
            if first:
                raise
            readout.value = f"<b>error:</b> {html.escape(type(err).__name__)}: {html.escape(str(err))}"
            with out if out is not None else contextlib.nullcontext():
                traceback.print_exc()
            showing_error[0] = True
        else:
            if showing_error[0] and out is not None:
                out.clear_output()
            showing_error[0] = False

    for control in controls:
        control.observe(update, names="value")
    update(first=True)


def _described(value) -> str:
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return f"{type(value).__name__} of shape {tuple(value.shape)}"
    name = type(value).__name__
    return f"{name} {value!r}" if len(repr(value)) <= 40 else f"an object of type {name}"


def _text(name: str, value) -> str:
    """The starting text of a text box, or a ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string (the text box's starting text), got {_described(value)}")
    return value


def _words(name: str, value, call: str = "") -> list:
    """A list of words (strings), or a ValueError; ``call`` reminds of the argument order."""
    ok = isinstance(value, (list, tuple, np.ndarray)) and all(isinstance(w, str) for w in value)
    if not ok:
        note = f"; the call is {call}" if call else ""
        raise ValueError(f"{name} must be a list of words, got {_described(value)}{note}")
    return list(value)


def _embedding_table(E, itos, call: str) -> list:
    """``itos`` as a list after checking it names every row of ``E`` ``(len(itos), d)``, all finite."""
    itos = _words("itos", itos, call)
    finite_array("E", E, ndim=2, what="(len(itos), d)")
    if len(E) != len(itos):
        raise ValueError(f"E has {len(E)} rows but itos has {len(itos)} words: both must come from one vocabulary")
    return itos


def _model_fits(name: str, model, size: int, what: str, fix: str = "use the vocabulary it was trained with") -> None:
    """A ValueError unless ``model`` is a torch model with finite weights whose embedding has ``size`` rows."""
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"{name} must be a trained torch model, got {_described(model)}")
    finite_parameters(name, model)
    rows = next((m.num_embeddings for m in model.modules() if isinstance(m, torch.nn.Embedding)), size)
    if rows != size:
        raise ValueError(f"{name} was built for {rows} tokens but {what}: {fix}")


def widgets_check() -> W.Widget:
    """A slider and a readout: if dragging the slider changes the text, widgets work."""
    slider = W.IntSlider(value=3, min=1, max=10, description="n")
    readout = _readout()

    def draw():
        n = slider.value
        readout.value = f"<b>n = {n}</b>, n&sup2; = {n * n} &nbsp; {'&#9632;' * n}"

    _live([slider], draw, readout)
    return W.VBox([slider, readout])


def word_pair_explorer(itos, E, word_i: str, word_j: str, choices=None) -> W.Widget:
    """Pick two words; see their one-hot cosine (always 0) beside their embedding cosine and neighbours.

    itos: list of words (id -> word); E: embedding matrix ``(len(itos), d)``;
    word_i, word_j: the starting words; choices: the words offered in the menus (default: all of ``itos``).
    """
    itos = _embedding_table(E, itos, "word_pair_explorer(itos, E, word_i, word_j)")
    if len(itos) < 2:
        raise ValueError(f"itos must hold at least 2 words, got {len(itos)}")
    offered = "itos" if choices is None else "choices"
    choices = _words("choices", itos if choices is None else choices)
    unknown = sorted(set(choices) - set(itos))
    if unknown:
        raise ValueError(f"choices must be words of itos; these are not: {', '.join(map(repr, unknown[:5]))}")
    for name, word in {"word_i": word_i, "word_j": word_j}.items():
        if word not in choices:
            raise ValueError(f"{name}={word!r} is not among the {len(choices)} words offered "
                             f"({offered})")
    stoi = {w: i for i, w in enumerate(itos)}
    pick_i = W.Dropdown(options=choices, value=word_i, description="word 1")
    pick_j = W.Dropdown(options=choices, value=word_j, description="word 2")
    readout, picture, lists, errors = _readout(), pictures.WordPair(), W.HTML(), _errors()

    def draw():
        a, b = pick_i.value, pick_j.value
        result = embeddings.compare_pair(E, stoi[a], stoi[b], k=min(5, len(itos) - 1))
        picture.update(result, a, b)
        lines = [f"nearest to '{a}':"] + [f"   {itos[n]}  {c:.2f}" for n, c in result["neighbours_i"]]
        lines += ["", f"nearest to '{b}':"] + [f"   {itos[n]}  {c:.2f}" for n, c in result["neighbours_j"]]
        lists.value = _pre(lines)
        readout.value = (f"one-hot cosine <b>{result['onehot_cosine']:.3f}</b> &nbsp;|&nbsp; "
                         f"embedding cosine <b>{result['dense_cosine']:.3f}</b> "
                         f"({html.escape(a)} vs {html.escape(b)})")

    _live([pick_i, pick_j], draw, readout, errors)
    return W.VBox([W.HBox([pick_i, pick_j]), readout, W.HBox([picture.live.image, lists]), errors])


# ---------------------------------------------------------------- notebooks 02 and 03 (word2vec)

def _pairs_html(words, info: dict) -> str:
    spans = []
    for i, w in enumerate(words):
        if i == info["center_position"]:
            style = f"background:{plots.COLORS['highlight']};font-weight:bold"
        elif i in info["context_positions"]:
            style = f"background:{plots.COLORS['dense']};color:white"
        else:
            style = "color:#6c757d"
        spans.append(f"<span style='{style};padding:1px 4px;border-radius:3px'>{html.escape(w)}</span>")
    pairs = ", ".join(f"({html.escape(a)}, {html.escape(b)})" for a, b in info["pairs"])
    return (" ".join(spans) + f"<br>pairs for <b>{html.escape(info['center'])}</b>: {pairs}"
            f"<br>{len(info['pairs'])} pairs for this word, <b>{info['n_pairs_sentence']}</b> "
            f"in the whole sentence")


def pair_window_explorer(words, window: int = 2, center: int = 2) -> W.Widget:
    """Slide the window and the center word; the context words and the skip-gram pairs light up.

    words: the sentence's tokens, a list of strings; window: context words on each side
    (1 to 6, and less than the sentence's length); center: the center word's position.
    """
    from course_utils import word2vec

    if isinstance(words, str):
        raise ValueError(f"words must be a list of tokens, got the string {words[:40]!r}: split it first "
                         f"(sentence.split())")
    words = _words("words", words)
    if not words:
        raise ValueError("words must hold at least one token, got an empty list")
    widest = max(1, min(6, len(words) - 1))
    positive_int("window", window, maximum=widest,
                 hint=f"{_SLIDER_RANGE} for a sentence of {len(words)} words")
    positive_int("center", center, minimum=0, maximum=len(words) - 1, hint="a position in the sentence")
    win = W.IntSlider(value=window, min=1, max=widest, description="window")
    pos = W.IntSlider(value=center, min=0, max=len(words) - 1, description="center at")
    readout = _readout()

    def draw():
        info = word2vec.pairs_for_display(words, win.value, pos.value)
        info["center_position"] = pos.value
        readout.value = _pairs_html(words, info)

    _live([win, pos], draw, readout)
    return W.VBox([W.HBox([win, pos]), readout])


def _ranked(title: str, ranked) -> list:
    """Lines of a ranked list ``[(word, cosine), ...]``, or of the message that replaces it."""
    if not isinstance(ranked, list):
        return [f"{title}:", f"  {ranked}"]
    return [f"{title}:"] + [f"  {w:<14} {c:.2f}" for w, c in ranked]


def embedding_explorer(E, itos, word: str = "france", analogy=("man", "king", "woman"),
                       words=("france", "paris", "germany", "berlin", "italy", "rome")) -> W.Widget:
    """Neighbours of a word, an ``a : b :: c : ?`` analogy, and a 2-D PCA of chosen words.

    E: word vectors ``(len(itos), d)``; itos: list of words (id -> word); word: a string;
    analogy: three words ``(a, b, c)``; words: a list of words for the PCA. Words that are
    not in ``itos`` (given or typed) are listed in the readout.
    """
    from course_utils import evaluation

    itos = _embedding_table(E, itos, "embedding_explorer(E, itos, word, analogy, words)")
    word = _text("word", word)
    analogy = _words("analogy", analogy)
    if len(analogy) != 3:
        raise ValueError(f"analogy must be three words (a, b, c) for 'a is to b as c is to ?', got {analogy}")
    if isinstance(words, str):
        raise ValueError(f"words must be a list of words, got the string {words[:40]!r}: write "
                         f"({', '.join(repr(w.strip()) for w in words.split(',')[:3])}, ...)")
    words = _words("words", words)
    known = set(itos)
    word_box = W.Text(value=word, description="word", continuous_update=False)
    a_box, b_box, c_box = (W.Text(value=v, description=d, continuous_update=False,
                                  layout=W.Layout(width="180px"))
                           for v, d in zip(analogy, ["a", "is to b", "as c"]))
    words_box = W.Text(value=", ".join(words), description="PCA words", continuous_update=False,
                       layout=W.Layout(width="600px"))
    readout, picture, lists, errors = _readout(), pictures.Explorer(), W.HTML(), _errors()

    def draw():
        r = evaluation.explore(E, itos, word_box.value, (a_box.value, b_box.value, c_box.value),
                               words_box.value.split(","))
        best = r["neighbours"][0][0] if isinstance(r["neighbours"], list) else "?"
        answer = r["analogy"][0][0] if isinstance(r["analogy"], list) else "?"
        typed = [box.value for box in (word_box, a_box, b_box, c_box)]
        missing = [w.strip() or "(an empty box)" for w in typed if w.strip().lower() not in known]
        missing = list(dict.fromkeys(missing + r["missing"]))
        picture.update(r)
        lists.value = _pre(_ranked("neighbours", r["neighbours"]) + [""] + _ranked("analogy", r["analogy"]))
        readout.value = (f"nearest to <b>{html.escape(word_box.value)}</b>: {html.escape(best)}"
                         f" &nbsp;|&nbsp; {html.escape(a_box.value)} : {html.escape(b_box.value)}"
                         f" :: {html.escape(c_box.value)} : <b>{html.escape(answer)}</b>"
                         + (f" &nbsp;|&nbsp; not in vocabulary: {html.escape(', '.join(missing))}"
                            if missing else ""))

    _live([word_box, a_box, b_box, c_box, words_box], draw, readout, errors)
    return W.VBox([word_box, W.HBox([a_box, b_box, c_box]), words_box, readout,
                   W.HBox([lists, picture.live.image]), errors])


# ---------------------------------------------------------------- notebooks 04-06 (language models, RNNs, BPTT)

def ngram_explorer(models: dict, heldout, itos, n: int = 2, k: float = 0.1, seed: int = 0) -> W.Widget:
    """Choose the order n and the smoothing k; see held-out perplexity and sampled sentences (notebook 04).

    models: ``{n: fitted ngram.NGramLM}``, one for each order from the smallest to the largest;
    heldout: list of id sequences; itos: id -> word, one per id of the models' vocabulary;
    n, k: the starting order and smoothing (k in [0.0001, 1]).
    """
    from course_utils import ngram

    if not isinstance(models, dict) or not models:
        raise ValueError(f"models must be a dict {{n: fitted NGramLM}}, got {_described(models)}")
    gaps = sorted(set(range(min(models), max(models) + 1)) - set(models))
    if gaps:
        raise ValueError(f"models must hold every order from {min(models)} to {max(models)} (the n slider "
                         f"offers each), missing {gaps}")
    if n not in models:
        raise ValueError(f"n={n!r} is not among the fitted orders {sorted(models)}")
    finite_number("k", k, minimum=1e-4, maximum=1, hint=_SLIDER_RANGE)
    if isinstance(heldout, str) or not hasattr(heldout, "__len__") or not len(heldout):
        raise ValueError(f"heldout must be a non-empty list of id sequences, got {_described(heldout)}")
    for i, seq in enumerate(heldout):
        int_ids(seq, f"heldout[{i}]", hint="one sequence of word ids per sentence")
    itos = _words("itos", itos)
    if len(itos) != models[n].vocab_size:
        raise ValueError(f"itos has {len(itos)} words but the models were fitted with "
                         f"vocab_size={models[n].vocab_size}")
    pick_n = W.IntSlider(value=n, min=min(models), max=max(models), description="n",
                         continuous_update=False)
    pick_k = W.FloatLogSlider(value=k, base=10, min=-4, max=0, step=0.25, description="k",
                              continuous_update=False, readout_format=".4f")
    readout, samples, errors = _readout(), _text_pane("110px"), _errors()

    def draw():
        result = ngram.ngram_experiment(models, heldout, itos, pick_n.value, pick_k.value, seed=seed)
        samples.value = _pre(f"sample {i}: {sentence}" for i, sentence in enumerate(result["samples"], start=1))
        readout.value = (f"n = {result['n']}, k = {result['k']:.4g}: held-out perplexity "
                         f"<b>{result['perplexity']:.1f}</b> ({result['bits_per_token']:.2f} bits per token)")

    _live([pick_n, pick_k], draw, readout, errors)
    return W.VBox([W.HBox([pick_n, pick_k]), readout, samples, errors])


def rnn_stepper(model, vocab, sentence: str) -> W.Widget:
    """Step through an unrolled RNN LM on a sentence and watch ``h_t`` as a heat strip (notebook 05).

    model: an ``rnn.RNNLM``; vocab: the ``text.Vocab`` it was trained with; sentence: the text
    to start with (editable in the widget; unknown words are marked ``(unk)``).
    """
    from course_utils import rnn, sampling
    from course_utils.data import text

    if not isinstance(model, rnn.RNNLM):
        raise ValueError(f"model must be an rnn.RNNLM, got {_described(model)}; the call is "
                         f"rnn_stepper(model, vocab, sentence)")
    if not isinstance(vocab, text.Vocab):
        raise ValueError(f"vocab must be a text.Vocab, got {_described(vocab)}")
    _model_fits("model", model, len(vocab), f"vocab has {len(vocab)} words")
    sentence = _text("sentence", sentence)
    params = model.numpy_params()
    box = W.Text(value=sentence, description="sentence", layout=W.Layout(width="60%"),
                 continuous_update=False)
    step = W.IntSlider(value=1, min=1, max=max(1, len(text.tokenize(sentence))), description="t")
    readout, picture, errors = _readout(), pictures.HeatStrip(), _errors()
    state = {}

    def read_sentence():
        """Run the RNN over the box's sentence once; moving the slider then only picks a step of it."""
        words = text.tokenize(box.value) or ["<unk>"]
        state["sentence"] = box.value
        state["words"] = [w if w in vocab else f"{w}(unk)" for w in words]
        state["h"] = rnn.hidden_states(params, model.embed_numpy(vocab.encode(words)))
        state["probs"] = sampling.softmax_with_temperature(state["h"] @ params["W_hy"].T + params["b_y"])

    def draw():
        if state.get("sentence") != box.value:
            read_sentence()
            t_before = step.value
            step.max = len(state["words"])
            if step.value != t_before:
                return  # a shorter sentence pulled t back, and the slider's own callback has drawn it
        t = step.value
        h_t, probs = state["h"][t - 1], state["probs"][t - 1]
        top = np.argsort(probs)[::-1][:3]
        guesses = ", ".join(f"{html.escape(vocab.itos[i])} {probs[i]:.2f}" for i in top)
        empty = "" if text.tokenize(state["sentence"]) else "no words in the box, so the RNN reads &lt;unk&gt;. "
        picture.update(state["h"], state["words"], t)
        readout.value = (f"{empty}t = {t}: read <b>{html.escape(state['words'][t - 1])}</b>; "
                         f"||h_t|| = <b>{np.linalg.norm(h_t):.3f}</b>; next word guesses: {guesses}")

    _live([box, step], draw, readout, errors)
    return W.VBox([box, step, readout, picture.live.image, errors])


def bptt_gradient_explorer(cases: dict, length: int = 20, max_length: int | None = None) -> W.Widget:
    """``||dL_T/dh_t||`` for each t, for several RNNs, with the sequence length T as a slider (notebook 06).

    cases: ``{label: (params, x, targets)}`` with params a dict of numpy weights, x ``(time, input)``,
    targets ``(time,)``; the first T steps are used. length: the starting T; max_length: the slider's
    end (default: the shortest sequence of ``cases``).
    """
    from course_utils import rnn

    if not isinstance(cases, dict) or not cases:
        raise ValueError(f"cases must be a dict {{label: (params, x, targets)}}, got {_described(cases)}")
    for label, case in cases.items():
        if not isinstance(case, (tuple, list)) or len(case) != 3 or not isinstance(case[0], dict):
            raise ValueError(f"cases[{label!r}] must be a tuple (params, x, targets), got {_described(case)}")
        for name, value in case[0].items():
            finite_array(f"cases[{label!r}] params[{name!r}]", value)
        finite_array(f"cases[{label!r}] x", case[1], ndim=2, what="(time, input)")
    shortest = min(len(x) for _p, x, _y in cases.values())
    if max_length is None:
        max_length = shortest
    positive_int("max_length", max_length, minimum=2, maximum=shortest,
                 hint="no longer than the shortest sequence in cases")
    positive_int("length", length, minimum=2, maximum=max_length, hint=_SLIDER_RANGE)
    slider = W.IntSlider(value=length, min=2, max=max_length, description="T", continuous_update=False)
    readout, picture, errors = _readout(), pictures.GradientReach(list(cases), max_length), _errors()

    def draw():
        T = slider.value
        norms = {label: rnn.last_step_gradient_norms(params, x[:T], targets[:T])
                 for label, (params, x, targets) in cases.items()}
        picture.update(norms)
        readout.value = f"T = {T}. " + " &nbsp;|&nbsp; ".join(
            f"{html.escape(label)}: ||dL_T/dh_1|| / ||dL_T/dh_T|| = <b>{n[0] / n[-1]:.2e}</b>"
            for label, n in norms.items())

    _live([slider], draw, readout, errors)
    return W.VBox([slider, readout, picture.live.image, errors])


# ---------------------------------------------------------------- notebooks 07-08: vanishing / exploding

def gradient_flow_summary(result: dict) -> str:
    """The readout line for one setting (plain text, also printed for the static output)."""
    from course_utils import spectra

    y, T = result["log10_norm"], result["settings"]["T"]
    if np.isneginf(y[0]):
        verdict = "exactly zero (ReLU units switched off)"
    elif y[0] > spectra.LOG10_FLOAT32_MAX:
        verdict = "EXPLODES past float32"
    elif y[0] > 1:
        verdict = "explodes"
    elif y[0] < -3:
        verdict = "vanishes"
    else:
        verdict = "stays of order 1"
    return (f"||dh_T/dh_0|| = {spectra.format_pow10(y[0])} over T = {T} steps: {verdict}. "
            f"spectral radius {result['spectral_radius']:.2f} -> radius^T = "
            f"{spectra.format_pow10(result['log10_eig_prediction'][0])}; "
            f"sigma_1 = {result['sigma_1']:.2f}, gamma = {result['gamma']:g} -> bound "
            f"{spectra.format_pow10(result['log10_bound'][0])}")


def gradient_flow_explorer(kind: str = "gaussian", spectral_radius: float = 1.0, T: int = 100,
                           nonlinearity: str = "tanh", n: int = 64, seed: int = 0) -> W.Widget:
    """``||dh_T/dh_k||`` against k beside the eigenvalues of W_hh, with menus and sliders (notebook 07).

    kind and nonlinearity: options of ``spectra.MATRIX_KINDS`` and ``spectra.NONLINEARITIES``;
    spectral_radius in [0.1, 4] and T in [5, 200], a multiple of 5: the sliders' starting values; n: the hidden size.
    """
    from course_utils import spectra

    choice("kind", kind, spectra.MATRIX_KINDS)
    choice("nonlinearity", nonlinearity, spectra.NONLINEARITIES)
    finite_number("spectral_radius", spectral_radius, minimum=0.1, maximum=4.0, hint=_SLIDER_RANGE)
    positive_int("T", T, minimum=5, maximum=200, hint=_SLIDER_RANGE)
    if T % 5:
        raise ValueError(f"T must be a multiple of 5 (the slider steps by 5), got {T}: try {5 * round(T / 5)}")
    style = {"description_width": "110px"}
    kind_w = W.Dropdown(options=list(spectra.MATRIX_KINDS), value=kind, description="W_hh kind", style=style)
    radius_w = W.FloatSlider(value=spectral_radius, min=0.1, max=4.0, step=0.05, description="spectral radius",
                             continuous_update=False, style=style, readout_format=".2f")
    T_w = W.IntSlider(value=T, min=5, max=200, step=5, description="T (steps)", continuous_update=False, style=style)
    nl_w = W.Dropdown(options=list(spectra.NONLINEARITIES), value=nonlinearity, description="nonlinearity",
                      style=style)
    readout, picture, errors = _readout(), pictures.GradientFlow(), _errors()

    def draw():
        result = spectra.gradient_flow(kind_w.value, radius_w.value, T_w.value, nl_w.value, n, seed=seed)
        picture.update(result)
        readout.value = "<b>" + html.escape(gradient_flow_summary(result)) + "</b>"

    _live([kind_w, radius_w, T_w, nl_w], draw, readout, errors)
    return W.VBox([W.HBox([kind_w, nl_w]), W.HBox([radius_w, T_w]), readout, picture.live.image, errors])


def wall_clipping_summary(result: dict) -> str:
    """The readout line of the clipping widget (plain text, also printed for the static output)."""
    s = result["settings"]
    return (f"largest update: {result['largest_update_plain']:.3g} without clipping, "
            f"{result['largest_update_clipped']:.3g} with {s['clip']} clipping "
            + (f"(lr x c = {s['lr'] * s['threshold']:.3g})" if s["clip"] == "norm" else  # each of 2 entries capped
               f"(at most lr x c x sqrt(2) = {s['lr'] * s['threshold'] * np.sqrt(2):.3g})")
            + f"; at the wall the unclipped loss went "
            f"{result['loss_before_jump']:.3g} -> {result['loss_after_jump']:.3g}; final loss "
            f"{result['final_loss_plain']:.2g} (no clipping) vs {result['final_loss_clipped']:.2g} (clipped)")


def wall_clipping_explorer(start: str = "A", clip: str = "norm", threshold: float = 5.0, lr: float = 0.02) -> W.Widget:
    """Gradient descent into the one-unit RNN's wall, with and without clipping, on its error surface (notebook 08).

    start: a key of ``clipping.WALL_STARTS``; clip: ``"norm"`` or ``"elementwise"``;
    threshold in [0.1, 100] and lr in [0.001, 0.1]: the sliders' starting values.
    """
    from course_utils import clipping, spectra

    choice("start", start, list(clipping.WALL_STARTS))
    choice("clip", clip, ["norm", "elementwise"])
    finite_number("threshold", threshold, minimum=0.1, maximum=100, hint=_SLIDER_RANGE)
    finite_number("lr", lr, minimum=1e-3, maximum=0.1, hint=_SLIDER_RANGE)
    surface = spectra.error_surface(w_range=(1.0, 13.0), b_range=(-7.0, 1.0), num=121)
    style = {"description_width": "110px"}
    start_w = W.Dropdown(options=list(clipping.WALL_STARTS), value=start, description="start", style=style)
    clip_w = W.Dropdown(options=["norm", "elementwise"], value=clip, description="clipping rule", style=style)
    c_w = W.FloatLogSlider(value=threshold, base=10, min=-1, max=2, step=0.1, description="threshold c",
                           continuous_update=False, style=style, readout_format=".2g")
    lr_w = W.FloatLogSlider(value=lr, base=10, min=-3, max=-1, step=0.1, description="learning rate",
                            continuous_update=False, style=style, readout_format=".2g")
    readout, picture, errors = _readout(), pictures.WallClipping(surface), _errors()

    def draw():
        result = clipping.wall_experiment(start_w.value, clip_w.value, c_w.value, lr_w.value)
        picture.update(result)
        readout.value = "<b>" + html.escape(wall_clipping_summary(result)) + "</b>"

    _live([start_w, clip_w, c_w, lr_w], draw, readout, errors)
    return W.VBox([W.HBox([start_w, clip_w]), W.HBox([c_w, lr_w]), readout, picture.live.image, errors])


# ---------------------------------------------------------------- notebook 09 (LSTM and GRU)

def _busiest_units(trace: dict, count: int = 4):
    """The ``count`` units whose cell state moves most over the sequence (how far it ends, how much it varies)."""
    moves = np.abs(trace["c"][-1] - trace["c"][0]) + trace["c"].std(axis=0)
    return np.argsort(moves)[::-1][:count]


def lstm_gate_explorer(sequences, traces, length: int = 40, f: float = 0.9, i: float = 0.5,
                       o: float = 1.0) -> W.Widget:
    """Watch the cell state: set constant gates yourself, or read a trained LSTM's real gates (notebook 09).

    sequences: list of adding-problem inputs ``(time, 2)`` (numpy); traces: for each, the
    dict returned by ``cells.LSTMLayer.trace``. Manual mode writes candidates g_t = +1 at
    t = 5 and -0.5 at t = length/2 into a cell of ``length`` steps (10 to 1000); f, i, o in [0, 1].
    """
    from course_utils import cells

    if len(sequences) != len(traces) or not len(sequences):
        raise ValueError(f"sequences and traces must be non-empty lists of the same length, "
                         f"got {len(sequences)} and {len(traces)}")
    for j, (x, trace) in enumerate(zip(sequences, traces)):
        if not isinstance(trace, dict) or not {"f", "i", "o", "c"} <= set(trace):
            raise ValueError(f"traces[{j}] must be the dict of cells.LSTMLayer.trace, got {_described(trace)}")
        if len(trace["c"]) != len(x):
            raise ValueError(f"traces[{j}] has {len(trace['c'])} steps but sequences[{j}] has {len(x)}")
    # 10: the second write (at length // 2) comes after the first (t = 5); 1000: a line per step.
    length = positive_int("length", length, minimum=10, maximum=1000, hint="steps of the manual cell")
    for name, value in {"f": f, "i": i, "o": o}.items():
        finite_number(name, value, minimum=0, maximum=1, hint="a gate value")
    mode = W.ToggleButtons(options=["set the gates", "trained LSTM"], value="set the gates", description="source")
    sliders = {name: W.FloatSlider(value=v, min=0.0, max=1.0, step=0.01, description=f"{name} gate")
               for name, v in (("f", f), ("i", i), ("o", o))}
    pick = W.IntSlider(value=0, min=0, max=len(sequences) - 1, description="sequence")
    readout, errors = _readout(), _errors()
    g = np.zeros(length)
    g[4], g[length // 2] = 1.0, -0.5
    manual = pictures.ManualGates(g)
    trained = {}  # one picture per sequence length, all sharing manual's image: made and drawn once now,
    for x, trace in zip(sequences, traces):  # so that the first switch of the toggle does not wait for it
        if len(x) not in trained:
            trained[len(x)] = pictures.TrainedGates(len(x), image=manual.live.image)
            trained[len(x)].draw(x, trace, _busiest_units(trace))
            trained[len(x)].live.render()

    def draw():
        for slider in sliders.values():  # the gate sliders act on the hand-set cell only
            slider.disabled = mode.value != "set the gates"
        if mode.value == "set the gates":
            fv, iv, ov = (sliders[n].value for n in "fio")
            result = cells.cell_state_with_fixed_gates(fv, iv, ov, g)
            manual.update(result, fv, iv, ov)
            readout.value = (f"f = {fv:.2f}, i = {iv:.2f}, o = {ov:.2f}: c_5 = <b>{result['c'][4]:.3f}</b>, "
                             f"c_{length} = <b>{result['c'][-1]:.3f}</b> "
                             f"(after {length - length // 2 - 1} more steps of forgetting)")
        else:
            x, trace = sequences[pick.value], traces[pick.value]
            marks = np.flatnonzero(x[:, 1] > 0)
            trained[len(x)].update(x, trace, _busiest_units(trace))
            readout.value = (f"sequence {pick.value}: target {x[marks, 0].sum():.3f}; mean forget gate (all units) "
                             f"<b>{trace['f'].mean():.3f}</b>; mean input gate at the marked steps "
                             f"<b>{trace['i'][marks].mean():.3f}</b> vs elsewhere "
                             f"{np.delete(trace['i'], marks, axis=0).mean():.3f}")

    _live([mode, pick, *sliders.values()], draw, readout, errors)
    return W.VBox([mode, W.HBox(list(sliders.values())), pick, readout, manual.live.image, errors])


def adding_showdown_explorer(results: dict, train, length: int, lengths) -> W.Widget:
    """Choose the sequence length T of the adding problem; train (or recall) RNN, LSTM and GRU and compare.

    results: ``{T: {kind: adding.train_adding(...) history}}`` already computed (it is filled in
    as new lengths are trained); train: ``train(T) -> {kind: result}``; length: the starting T,
    a key of ``results``; lengths: the T offered in the menu, a list of ints.
    """
    from course_utils.data import generated_tasks

    if not isinstance(results, dict):
        raise ValueError(f"results must be a dict {{T: {{kind: history}}}}, got {_described(results)}")
    if not callable(train):
        raise ValueError(f"train must be a function train(T) -> {{kind: history}}, got {_described(train)}")
    if isinstance(lengths, (str, int)) or not hasattr(lengths, "__iter__"):
        raise ValueError(f"lengths must be a list of sequence lengths T, got {_described(lengths)}")
    for T in lengths:
        positive_int("each of lengths", T)
    lengths = sorted(set(lengths) | {length})
    if length not in results:
        raise ValueError(f"length={length!r} must already be in results (keys {sorted(results)})")
    pick = W.Dropdown(options=lengths, value=length, description="T")
    readout, progress = _readout(), _errors()  # the training's progress bars, then (if any) a traceback
    picture = pictures.AddingCurves(list(results[length]), generated_tasks.ADDING_BASELINE_MSE)

    def draw():
        T = pick.value
        if T not in results:
            # the readout says so at once (the message leaves before the training starts)
            readout.value = (f"<b>retraining</b> {', '.join(k.upper() for k in results[length])} at T = {T} "
                             f"(progress below; the curves appear when all are trained)")
            with progress:  # the training's progress bars appear here
                results[T] = train(T)
            progress.clear_output()
        picture.update(results[T], T)
        readout.value = f"T = {T}: final held-out MSE " + " &nbsp;|&nbsp; ".join(
            f"{k.upper()} <b>{r['heldout_mse'][-1]:.4f}</b>" for k, r in results[T].items()) + \
            f" &nbsp;(baseline {generated_tasks.ADDING_BASELINE_MSE:.3f})"

    _live([pick], draw, readout, progress)
    note = W.HTML("<i>A T not trained yet is trained when you choose it: three models, each with a progress "
                  "bar; the picture changes when all three are done.</i>")
    return W.VBox([W.HBox([pick, note]), readout, picture.live.image, progress])


# ---------------------------------------------------------------- notebook 10 (char LM and sampling)

_BEAM_CHARS = 80  # beam search, the slowest method, writes at most this many characters


def _sampling_notes(prompt: str, method: str, n: int, vocab) -> str:
    """What the sampling readout adds: a beam cut short, an empty prompt, characters not in ``vocab``."""
    notes = []
    if method == "beam" and n > _BEAM_CHARS:
        notes.append(f"beam search writes the first {_BEAM_CHARS} of the n = {n} characters")
    if not prompt:
        notes.append("the prompt is empty, so the model starts from a space")
    unknown = "".join(sorted(set(prompt) - set(vocab.itos)))
    if unknown:
        notes.append(f"not in the vocabulary (read as unknown): {html.escape(repr(unknown))}")
    return "".join(f" &nbsp;|&nbsp; {note}" for note in notes)


def sampling_explorer(model, vocab, prompt: str, temperature: float = 1.0, n: int = 200) -> W.Widget:
    """The next-character distribution after a prompt, and text sampled from it (notebook 10).

    model: a character LM (``char_lm.CharLM``); vocab: its ``char_lm.CharVocab``; prompt: the
    starting text (characters not in ``vocab`` read as unknown); temperature in [0.1, 5];
    n: characters sampled (1 to 10000; beam search writes the first 80). Menus choose the
    method and its temperature or k.
    """
    from course_utils import sampling
    from course_utils.char_lm import CharVocab

    if not isinstance(vocab, CharVocab):
        raise ValueError(f"vocab must be a char_lm.CharVocab (characters), got {_described(vocab)}")
    _model_fits("model", model, len(vocab), f"vocab has {len(vocab)} characters")
    prompt = _text("prompt", prompt)
    finite_number("temperature", temperature, minimum=0.1, maximum=5.01, hint=_SLIDER_RANGE)  # the slider: 10**0.7
    # about 1 ms a character for the notebook's LSTM, sampled again at every change of a control
    positive_int("n", n, maximum=10_000, hint="characters sampled at every change")

    method = W.Dropdown(options=["temperature", "top_k", "greedy", "beam"], value="temperature", description="method")
    temp = W.FloatLogSlider(value=temperature, base=10, min=-1, max=0.7, step=0.05, description="T",
                            continuous_update=False, readout_format=".2f")
    # top-k cannot keep more tokens than the vocabulary has
    k = W.IntSlider(value=min(5, len(vocab)), min=1, max=min(20, len(vocab)), description="k (top-k)",
                    continuous_update=False)
    box = W.Text(value=prompt, description="prompt", layout=W.Layout(width="60%"), continuous_update=False)
    readout, picture, sample, errors = _readout(), pictures.NextCharacter(), _text_pane("150px"), _errors()

    def draw():
        # the distribution first (a few ms), then the text (about 0.5 ms a character): the picture and
        # the readout change at once, and the sample follows
        prompt = box.value or " "
        temp.disabled = method.value in ("greedy", "beam")  # they take the most likely character: no T
        k.disabled = method.value != "top_k"
        result = sampling.next_character(model, vocab, prompt, method.value, temp.value, k.value)
        picture.update(result["chars"], result["probs"], method.value)
        sample.value = "<i style='color:#6c757d'>writing a new sample...</i>"
        readout.value = (f"{method.value}, T = {temp.value:.2f}: next-character entropy "
                         f"<b>{result['entropy_bits']:.2f} bits</b>; most likely "
                         f"<b>{html.escape(repr(result['chars'][0]))}</b> ({result['probs'][0]:.2f})"
                         + _sampling_notes(box.value, method.value, n, vocab))
        text = sampling.continuation(model, vocab, prompt, method.value, temp.value, k.value,
                                     n=n if method.value != "beam" else min(n, _BEAM_CHARS))
        sample.value = _pre([box.value + text])

    _live([method, temp, k, box], draw, readout, errors)
    return W.VBox([W.HBox([method, temp, k]), box, readout, picture.live.image, sample, errors])


# ---------------------------------------------------------------- notebooks 11-13 (sequence tasks, encoder-decoder)

def sentiment_stepper(models: dict, vocab, sentence: str) -> W.Widget:
    """Type a review; see each classifier's P(positive) after every prefix of it (notebook 11).

    models: ``{name: trained classifiers model}``; vocab: the ``text.Vocab`` they were trained with;
    sentence: the review to start with (unknown words are listed in the readout).
    """
    from course_utils import classifiers
    from course_utils.data import text

    if not isinstance(models, dict) or not models:
        raise ValueError(f"models must be a dict {{name: trained classifier}} with at least one, "
                         f"got {_described(models)}")
    for name, model in models.items():
        _model_fits(f"models[{name!r}]", model, len(vocab), f"vocab has {len(vocab)} words")
    sentence = _text("sentence", sentence)
    box = W.Text(value=sentence, description="review", layout=W.Layout(width="70%"), continuous_update=False)
    pick = W.Dropdown(options=list(models), value=list(models)[0], description="model")
    readout, picture, errors = _readout(), pictures.PrefixBars(), _errors()

    def draw():
        words = text.tokenize(box.value, keep_punct=True)
        if not words:
            readout.value = "type a few words"
            return
        probs = classifiers.prefix_probabilities(models[pick.value], vocab.encode(words))[:, 1]
        unknown = [w for w in words if w not in vocab]
        picture.update(words, probs, title=f"{pick.value}: P(positive) after w_1..w_t")
        readout.value = (f"{html.escape(pick.value)}: P(positive) = <b>{probs[-1]:.3f}</b> "
                         f"({'positive' if probs[-1] >= 0.5 else 'negative'})"
                         + (f" &nbsp; unknown words: {html.escape(', '.join(unknown))}" if unknown else ""))

    _live([box, pick], draw, readout, errors)
    return W.VBox([W.HBox([box, pick]), readout, picture.live.image, errors])


def _ill_formed_at(tags) -> list:
    """Positions of the I-X tags that do not continue a B-X or I-X (an entity that never began)."""
    return [t for t, (prev, tag) in enumerate(zip(["O", *tags], tags))
            if tag.startswith("I-") and prev not in ("B-" + tag[2:], tag)]


def _tag_row_html(name: str, words, tags) -> str:
    bad = set(_ill_formed_at(tags))
    cells = "".join(
        f'<td style="padding:2px 6px;{"color:#c0392b;font-weight:bold" if t in bad else ""}">'
        f"{html.escape(w)}<br><small>{html.escape(tag)}{' &#10007;' if t in bad else ''}</small></td>"
        for t, (w, tag) in enumerate(zip(words, tags)))
    return f'<tr><th style="text-align:right;padding-right:8px">{html.escape(name)}</th>{cells}</tr>'


def tagging_explorer(models: dict, vocab, tags, sentence: str) -> W.Widget:
    """Type a sentence; see the B-I-O tags every tagger gives it, ill-formed I- tags in red (notebook 12).

    models: ``{name: trained tagger}`` (``classifiers.LSTMTagger`` or a CRF tagger, anything
    ``classifiers.predict`` decodes); vocab: the ``text.Vocab`` they were trained with; tags: the tag
    names in id order; sentence: the text to start with (unknown words are listed in the readout).
    """
    from course_utils import classifiers
    from course_utils.data import text

    if not isinstance(models, dict) or not models:
        raise ValueError(f"models must be a dict {{name: trained tagger}} with at least one, got {_described(models)}")
    tags = _words("tags", tags, "tagging_explorer(models, vocab, tags, sentence)")
    for name, model in models.items():
        _model_fits(f"models[{name!r}]", model, len(vocab), f"vocab has {len(vocab)} words")
    sentence = _text("sentence", sentence)
    box = W.Text(value=sentence, description="sentence", layout=W.Layout(width="70%"), continuous_update=False)
    # an HTML widget, not an Output area: the table is widget state, so no display message can go astray
    readout, table = _readout(), W.HTML()

    def draw():
        words = text.tokenize(box.value, keep_punct=True)
        if not words:
            readout.value, table.value = "type a sentence", ""
            return
        example = [(vocab.encode(words), np.zeros(len(words), dtype=np.int64))]
        rows, notes = [], []
        for name, model in models.items():
            predicted = [tags[i] for i in classifiers.predict(model, example)[0]]
            rows.append(_tag_row_html(name, words, predicted))
            bad = len(_ill_formed_at(predicted))
            entities = sorted(classifiers.bio_spans(predicted), key=lambda span: span[1])
            found = ", ".join(f"{kind} <i>{html.escape(' '.join(words[a:b]))}</i>" for kind, a, b in entities)
            notes.append(f"{html.escape(name)}: {found or 'no entity'}"
                         + (f" &nbsp;<b>{bad} ill-formed</b>" if bad else ""))
        unknown = [w for w in words if w not in vocab]
        readout.value = "<br>".join(notes) + (f"<br>unknown words: {html.escape(', '.join(unknown))}" if unknown else "")
        table.value = f"<table>{''.join(rows)}</table>"

    errors = _errors()
    _live([box], draw, readout, errors)
    return W.VBox([box, readout, table, errors])


def decoder_explorer(model, source: str, n_symbols: int, max_len: int = 30) -> W.Widget:
    """Type a letter sequence; compare the greedy and beam-search reversals of a seq2seq model (notebook 13).

    model: an ``encoder_decoder.Seq2Seq`` over ``n_symbols`` letters a, b, ...; source: the starting
    letters; max_len: the longest output decoded (1 to 1000).
    """
    from course_utils import encoder_decoder
    from course_utils.data import generated_tasks

    n_symbols = positive_int("n_symbols", n_symbols, maximum=26, hint="letters a..z")
    _model_fits("model", model, generated_tasks.N_SPECIALS + n_symbols,
                f"n_symbols={n_symbols} needs {generated_tasks.N_SPECIALS + n_symbols} (with the 3 specials)",
                fix="pass the n_symbols it was trained with")
    letters = f"letters a..{chr(ord('a') + n_symbols - 1)} (spaces optional)"
    try:
        generated_tasks.text_to_symbols(_text("source", source), n_symbols)
    except ValueError:
        raise ValueError(f"source must be {letters}, got {_described(source)}") from None
    # up to beam size x max_len decoder steps at every change; 1000 keeps the worst case to seconds
    positive_int("max_len", max_len, maximum=1000, hint="the longest output decoded")
    box = W.Text(value=source, description="input", continuous_update=False)
    beam = W.IntSlider(value=3, min=1, max=10, description="beam size", continuous_update=False)
    readout, target, errors = _readout(), W.HTML(), _errors()

    def draw():
        try:
            src = generated_tasks.text_to_symbols(box.value, n_symbols)
        except ValueError:
            typed = f"; {html.escape(repr(box.value[:40]))} has other characters" if box.value.strip() else ""
            readout.value, target.value = f"type {letters}{typed}", ""
            return
        rep = encoder_decoder.decode_report(model, src, target=src[::-1], beam_size=beam.value, max_len=max_len)
        mark = {True: "&#10004;", False: "&#10008;"}
        target.value = f"target: <b>{generated_tasks.symbols_to_text(src[::-1])}</b>"
        readout.value = (f"n = {len(src)}: greedy <b>{generated_tasks.symbols_to_text(rep['greedy'])}</b> "
                         f"{mark[rep['greedy_right']]} (log P {rep['greedy_logp']:.2f}) &nbsp;|&nbsp; "
                         f"beam {beam.value} <b>{generated_tasks.symbols_to_text(rep['beam'])}</b> "
                         f"{mark[rep['beam_right']]} (log P {rep['beam_logp']:.2f})")

    _live([box, beam], draw, readout, errors)
    return W.VBox([W.HBox([box, beam]), readout, target, errors])
