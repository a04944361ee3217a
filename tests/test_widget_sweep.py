"""Widget sweep: every widget of ``course_utils.ui.widgets``, driven at its controls' extremes and at random points.

For each widget (one or two per notebook) the test builds it from small honest
inputs, reads the controls it really offers (slider min/max, menu options), and

- sets every control to each of its extremes, then, for each option of each
  mode menu, all sliders to their minima and all to their maxima, checking that
  no callback raises, that nothing prints a traceback or shows an error in the
  readout, that the figures draw (rasterized at the corners), and that neither
  the readout, nor the printed output, nor a figure's text shows a NaN or inf
  without a message saying why. (Headless, an ``Output`` area does not capture:
  what the widget would show there is printed, so the test reads stdout.)
- calls the widget's pure compute function at random points of those ranges
  (hypothesis, derandomized so CI is reproducible) and checks its numbers are
  finite wherever the widget shows them as numbers.

Extremes of free-text boxes are texts a learner may type: empty, blank,
unknown words, punctuation, other alphabets, a long text.
"""
import html
import math
import re

import ipywidgets as W
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_utils import (adding, cells, classifiers, clipping, encoder_decoder, evaluation, ngram, rnn, sampling,
                          spectra, word2vec)
from course_utils.data import generated_tasks, text
from course_utils.ui import plots, widgets
from course_utils.ui.live import LiveFigure
from course_utils.char_lm import CharLM, CharVocab


SWEEP = settings(max_examples=10, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow])
MAX_MENU = 6  # menus up to this long are modes (every option is tried); longer ones list data (ends tried)
# Texts a learner may type into a free-text box.
TYPED = ["", "   ", "zzz qqq", "!?,.", "Über café ñ", "the " * 60]

# "inf" is fine inside these messages, which say what happened; nowhere else.
_MESSAGES = re.compile(r"overflow: inf in float64 and float32|overflow: inf in float32")
_BARE = re.compile(r"(?<![\w.])[-+]?(nan|inf|infinity)(?!\w)", re.IGNORECASE)


def bare_nonfinite(shown: str) -> list:
    """NaN/inf tokens in a readout that no message explains."""
    return _BARE.findall(_MESSAGES.sub("", html.unescape(shown)))


def test_bare_nonfinite_tells_numbers_from_messages():
    assert bare_nonfinite("loss <b>nan</b>") and bare_nonfinite("ratio = inf") and bare_nonfinite("-inf")
    assert not bare_nonfinite("1e+45 (overflow: inf in float32); information, banana, infant")


# ---------------------------------------------------------------- driving a widget through its controls
_FIGURE_TEXTS = []  # the text of every figure drawn since the last assert_clean
# Rasterizing is most of a figure's cost; sweep_extremes does it for the built widget and the corners only
# (once a corner is set, not for the intermediate redraws on the way there).
_RASTERIZE = [True]
_LAST_FIGURE = [None]  # the picture (a LiveFigure) shown last


def _render_and_check(live) -> None:
    """Rasterize a widget's picture, and check that drawing it over the saved frame (what ``show`` does)
    gives the same pixels as over a frame drawn afresh: a frame change that ``frame_key`` missed would
    leave stale ticks or labels on screen."""
    blitted = live.render().copy()
    live.frame_changed()
    assert np.array_equal(blitted, live.render()), "the picture over the saved frame differs from a fresh one"


@pytest.fixture(autouse=True)
def render_figures(monkeypatch):
    """Draw every picture a widget shows (headless), so errors at render time are caught too."""
    shown = []
    _LAST_FIGURE[0] = None

    def show(live):
        if live.fig.dpi != 30:
            live.fig.set_dpi(30)  # the same drawing code at a fraction of the pixels
            live.frame_changed()
        if _RASTERIZE[0]:
            _render_and_check(live)
        shown.append(live)
        _LAST_FIGURE[0] = live
        _FIGURE_TEXTS.extend(t.get_text() for t in live.fig.findobj(matplotlib.text.Text) if t.get_visible())

    monkeypatch.setattr(LiveFigure, "show", show)
    yield shown
    plt.close("all")


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def controls(box) -> list:
    """The value controls of a widget box (sliders, menus, toggles, text boxes), in display order."""
    kinds = (W.IntSlider, W.FloatSlider, W.FloatLogSlider, W.Dropdown, W.ToggleButtons, W.Text)
    return [w for w in _walk(box) if isinstance(w, kinds)]


def readout_of(box) -> W.HTML:
    (readout,) = [w for w in _walk(box) if isinstance(w, W.HTML) and "course-readout" in w._dom_classes]
    return readout


def extremes(control) -> list:
    """The values at the ends of a control's range: min and max, or every option, or typed texts."""
    if isinstance(control, W.FloatLogSlider):
        return [control.base ** control.min, control.base ** control.max]
    if isinstance(control, (W.IntSlider, W.FloatSlider)):
        return [control.min, control.max]
    if isinstance(control, (W.Dropdown, W.ToggleButtons)):  # a mode menu: all; a word menu: both ends
        options = list(control.options)
        return options if len(options) <= MAX_MENU else [options[0], options[-1]]
    return TYPED


def assert_clean(box, capsys, where: str) -> None:
    """No traceback printed, no error in the readout, no bare NaN/inf in the readout, the text panes,
    what was printed, or a figure."""
    out = capsys.readouterr().out
    shown = readout_of(box).value
    panes = "\n".join(w.value for w in _walk(box) if isinstance(w, W.HTML) and w is not readout_of(box))
    drawn = "\n".join(_FIGURE_TEXTS)
    _FIGURE_TEXTS.clear()
    assert "Traceback" not in out, f"{where}: a traceback was printed:\n{out[-2000:]}"
    assert "error" not in shown.lower(), f"{where}: the readout shows an error: {shown}"
    for part, text in (("readout", shown), ("text panes", panes), ("output area", out), ("figure", drawn)):
        assert not bare_nonfinite(text), f"{where}: the {part} shows a bare NaN/inf: {text[-2000:]}"


def sweep_extremes(box, capsys, name: str) -> int:
    """Set each control to each of its extremes, in turn; then, for every option of every short menu,
    all sliders to their minima and all to their maxima (so each option meets the far corners of the
    sliders; those menus are not also swept alone). Figures are built at every setting and rasterized
    at the corners.

    Returns the number of settings checked. Free-text boxes get their first text back for the corners.
    """
    sliders = [c for c in controls(box) if isinstance(c, (W.IntSlider, W.FloatSlider, W.FloatLogSlider))]
    menus = [c for c in controls(box) if isinstance(c, (W.Dropdown, W.ToggleButtons))
             and len(c.options) <= MAX_MENU] if sliders else []
    tried = 0
    assert_clean(box, capsys, f"{name} as built")
    _RASTERIZE[0] = False
    try:
        for control in controls(box):  # the controls before this one stay at their last extreme
            if control in menus:
                continue
            typed = control.value
            for value in extremes(control):
                control.value = value
                tried += 1
                assert_clean(box, capsys, f"{name}: {control.description}={value!r}")
            if isinstance(control, W.Text):
                control.value = typed
        for menu, option in [(m, o) for m in menus for o in extremes(m)] or [(None, None)]:
            for end in (0, -1):
                if menu:
                    menu.value = option
                for slider in sliders:
                    slider.value = extremes(slider)[end]
                if _LAST_FIGURE[0] is not None:  # the corner as the learner would see it
                    _render_and_check(_LAST_FIGURE[0])
                tried += 1
                where = ", ".join(f"{c.description}={c.value!r}" for c in controls(box) if not isinstance(c, W.Text))
                assert_clean(box, capsys, f"{name}: {where}")
    finally:
        _RASTERIZE[0] = True
    return tried


def slider_values(slider) -> st.SearchStrategy:
    """Values a slider can take (log sliders: uniform in the exponent, as the learner drags)."""
    if isinstance(slider, W.IntSlider):
        return st.integers(slider.min, slider.max)
    if isinstance(slider, W.FloatLogSlider):
        return st.floats(slider.min, slider.max).map(lambda e: slider.base ** e)
    return st.floats(slider.min, slider.max)


def _finite(*values) -> bool:
    return all(np.all(np.isfinite(np.asarray(v, dtype=np.float64))) for v in values)


# ---------------------------------------------------------------- notebook 00
def test_widgets_check_sweep(capsys):
    box = widgets.widgets_check()
    assert sweep_extremes(box, capsys, "widgets_check") == 4


# ---------------------------------------------------------------- notebook 01: word pairs
WORDS = ("january february march april monday tuesday cat dog car road france paris germany berlin "
         "italy rome spain madrid king queen man woman the of").split()


@pytest.fixture(scope="module")
def embedding_table():
    rng = np.random.default_rng(0)
    itos = ["<unk>"] + WORDS
    E = rng.normal(size=(len(itos), 8))
    E[0] = 0.0  # an all-zero row (the <unk> of an untrained table): cosine must not become NaN
    return itos, E


def test_word_pair_explorer_sweep(embedding_table, capsys):
    itos, E = embedding_table
    box = widgets.word_pair_explorer(itos, E, "cat", "dog", choices=itos)
    assert sweep_extremes(box, capsys, "word_pair_explorer") == 2 * 2 + 2
    pick_i, pick_j = controls(box)
    pick_i.value = pick_j.value = "<unk>"  # the zero row against itself
    assert_clean(box, capsys, "word_pair_explorer: <unk> vs <unk>")


@SWEEP
@given(data=st.data())
def test_compare_pair_at_random_points(embedding_table, data):
    from course_utils import embeddings

    itos, E = embedding_table
    i, j = data.draw(st.integers(0, len(itos) - 1)), data.draw(st.integers(0, len(itos) - 1))
    r = embeddings.compare_pair(E, i, j, k=min(5, len(itos) - 1))
    assert r["onehot_cosine"] == (1.0 if i == j else 0.0)
    assert _finite(r["dense_cosine"], [c for _n, c in r["neighbours_i"] + r["neighbours_j"]])
    assert -1 - 1e-12 <= r["dense_cosine"] <= 1 + 1e-12


# ---------------------------------------------------------------- notebook 02: skip-gram pairs
SENTENCES = [["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"], ["alone"], ["two", "words"]]


@pytest.mark.parametrize("words", SENTENCES, ids=lambda w: f"{len(w)}-words")
def test_pair_window_explorer_sweep(words, capsys):
    box = widgets.pair_window_explorer(words, window=1, center=0)
    sweep_extremes(box, capsys, "pair_window_explorer")


@SWEEP
@given(data=st.data())
def test_pairs_for_display_at_random_points(data):
    words = data.draw(st.sampled_from(SENTENCES))
    box = widgets.pair_window_explorer(words, window=1, center=0)
    win, pos = controls(box)
    window, center = data.draw(slider_values(win)), data.draw(slider_values(pos))
    info = word2vec.pairs_for_display(words, window, center)
    expected = [p for p in range(len(words)) if 0 < abs(p - center) <= window]
    assert info["context_positions"] == expected and len(info["pairs"]) == len(expected)


# ---------------------------------------------------------------- notebook 03: embedding explorer
def test_embedding_explorer_sweep(embedding_table, capsys):
    itos, E = embedding_table
    box = widgets.embedding_explorer(E, itos, word="france", analogy=("paris", "france", "berlin"),
                                     words=("france", "paris", "germany", "berlin"))
    sweep_extremes(box, capsys, "embedding_explorer")
    word, a, b, c, pca_words = controls(box)
    a.value = b.value = c.value = "king"  # a degenerate analogy: b - a + c = c
    pca_words.value = "king, king, <unk>"  # duplicates and the zero row: a flat PCA
    assert_clean(box, capsys, "embedding_explorer: degenerate analogy and PCA")


@SWEEP
@given(word=st.sampled_from(WORDS + ["", "zzz"]), abc=st.lists(st.sampled_from(WORDS + ["zzz"]), min_size=3,
                                                               max_size=3),
       chosen=st.lists(st.sampled_from(WORDS + ["<unk>", "zzz"]), max_size=6))
def test_explore_at_random_points(embedding_table, word, abc, chosen):
    itos, E = embedding_table
    r = evaluation.explore(E, itos, word, tuple(abc), chosen)
    for part in ("neighbours", "analogy"):
        assert isinstance(r[part], str) or _finite([c for _w, c in r[part]])
    assert r["pca"].shape == (len(r["pca_words"]), 2) and _finite(r["pca"])


# ---------------------------------------------------------------- notebook 04: n-grams
@pytest.fixture(scope="module")
def ngram_setup():
    corpus = [s.split() for s in ["the cat sat on the mat", "the dog sat on the log", "a cat saw a dog",
                                  "the mat was on the log", "a dog and a cat sat"]]
    vocab = text.Vocab([w for s in corpus for w in s], specials=("<s>", "</s>"))
    bos, eos = vocab.stoi["<s>"], vocab.stoi["</s>"]
    train = [vocab.encode(s) for s in corpus[:4]]
    heldout = [vocab.encode(corpus[4]), vocab.encode(["the", "zebra", "sat"])]  # an unknown word too
    models = {n: ngram.NGramLM(n, len(vocab), bos, eos).fit(train) for n in (1, 2, 3, 4)}
    return models, heldout, vocab.itos


def test_ngram_explorer_sweep(ngram_setup, capsys):
    models, heldout, itos = ngram_setup
    box = widgets.ngram_explorer(models, heldout, itos, n=2, k=0.1)
    sweep_extremes(box, capsys, "ngram_explorer")


@pytest.fixture(scope="module")
def ngram_controls(ngram_setup):
    return controls(widgets.ngram_explorer(*ngram_setup, n=2, k=0.1))


@SWEEP
@given(data=st.data())
def test_ngram_experiment_at_random_points(ngram_setup, ngram_controls, data):
    models, heldout, itos = ngram_setup
    pick_n, pick_k = ngram_controls
    n, k = data.draw(slider_values(pick_n)), data.draw(slider_values(pick_k))
    r = ngram.ngram_experiment(models, heldout, itos, n, k)
    assert _finite(r["perplexity"], r["bits_per_token"]) and r["perplexity"] >= 1
    assert len(r["samples"]) == 3


# ---------------------------------------------------------------- notebooks 05 and 06: RNN LMs
@pytest.fixture(scope="module")
def rnn_lm():
    torch.manual_seed(0)
    vocab = text.Vocab("the united states of america is a country in north america".split())
    return rnn.RNNLM(len(vocab), embed_dim=8, hidden_size=12), vocab


def test_rnn_stepper_sweep(rnn_lm, capsys):
    model, vocab = rnn_lm
    box = widgets.rnn_stepper(model, vocab, "the united states of america")
    sweep_extremes(box, capsys, "rnn_stepper")


@SWEEP
@given(words=st.lists(st.sampled_from(WORDS + ["america", "north"]), min_size=1, max_size=30))
def test_hidden_states_at_random_points(rnn_lm, words):
    model, vocab = rnn_lm
    params = model.numpy_params()
    h = rnn.hidden_states(params, model.embed_numpy(vocab.encode(words)))
    assert h.shape == (len(words), 12) and _finite(h) and np.all(np.abs(h) <= 1)


@pytest.fixture(scope="module")
def bptt_cases():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 30, size=41)
    cases = {}
    for label, scale in [("small weights", 0.5), ("large weights", 4.0)]:  # vanishing and exploding
        lm = rnn.RNNLM(30, embed_dim=8, hidden_size=16)
        with torch.no_grad():
            lm.rnn.weight_hh_l0.mul_(scale)
        cases[label] = (lm.numpy_params(), lm.embed_numpy(ids[:-1]), ids[1:])
    return cases


def test_bptt_gradient_explorer_sweep(bptt_cases, capsys):
    box = widgets.bptt_gradient_explorer(bptt_cases, length=20)
    sweep_extremes(box, capsys, "bptt_gradient_explorer")


@SWEEP
@given(T=st.integers(2, 40))
def test_last_step_gradient_norms_at_random_points(bptt_cases, T):
    for params, x, y in bptt_cases.values():
        norms = rnn.last_step_gradient_norms(params, x[:T], y[:T])
        assert norms.shape == (T,) and _finite(norms) and norms[-1] > 0  # the widget divides by it


# ---------------------------------------------------------------- notebooks 07-08: vanishing / exploding, clipping
def test_gradient_flow_explorer_sweep(capsys, render_figures):
    box = widgets.gradient_flow_explorer(T=50)
    tried = sweep_extremes(box, capsys, "gradient_flow_explorer")
    assert tried == (2 + 2) + (3 + 4) * 2 and len(render_figures) >= tried


@pytest.fixture(scope="module")
def gradient_flow_controls():
    return controls(widgets.gradient_flow_explorer(T=5))


@SWEEP
@given(data=st.data())
def test_gradient_flow_at_random_points(gradient_flow_controls, data):
    kind_w, nl_w, radius_w, T_w = gradient_flow_controls
    kind, nl = data.draw(st.sampled_from(kind_w.options)), data.draw(st.sampled_from(nl_w.options))
    radius, T = data.draw(slider_values(radius_w)), data.draw(slider_values(T_w))
    r = spectra.gradient_flow(kind, radius, T, nl)
    finite_or_zero = r["log10_norm"][~np.isneginf(r["log10_norm"])]
    assert _finite(finite_or_zero, r["log10_eig_prediction"], r["log10_bound"], r["sigma_1"])
    assert r["exact_zero"] == bool(np.isneginf(r["log10_norm"]).any())
    summary = widgets.gradient_flow_summary(r)
    assert not bare_nonfinite(summary), summary
    # a norm past float32 is shown, and said to overflow
    assert ("overflow" in summary) == (max(r["log10_norm"][0], r["log10_eig_prediction"][0],
                                           r["log10_bound"][0]) > spectra.LOG10_FLOAT32_MAX)


@pytest.mark.parametrize("extreme", [2, 1e6])
def test_gradient_flow_summary_explains_overflow_past_the_sliders(extreme):
    r = spectra.gradient_flow("orthogonal", 4.0, 200, "linear")
    r["log10_norm"] = r["log10_norm"] * extreme  # as if T were longer: past float32, then past float64
    summary = widgets.gradient_flow_summary(r)
    assert "EXPLODES" in summary and "overflow" in summary and not bare_nonfinite(summary)


def test_wall_clipping_explorer_sweep(capsys):
    box = widgets.wall_clipping_explorer()
    assert sweep_extremes(box, capsys, "wall_clipping_explorer") == (2 + 2) + (3 + 2) * 2


@pytest.fixture(scope="module")
def wall_controls():
    return controls(widgets.wall_clipping_explorer())


@SWEEP
@given(data=st.data())
def test_wall_experiment_at_random_points(wall_controls, data):
    start_w, clip_w, c_w, lr_w = wall_controls
    start, clip = data.draw(st.sampled_from(start_w.options)), data.draw(st.sampled_from(clip_w.options))
    c, lr = data.draw(slider_values(c_w)), data.draw(slider_values(lr_w))
    r = clipping.wall_experiment(start, clip, c, lr)
    shown = ["largest_update_plain", "largest_update_clipped", "loss_before_jump", "loss_after_jump",
             "final_loss_plain", "final_loss_clipped"]
    assert _finite(*(r[key] for key in shown))
    assert r["largest_update_clipped"] <= lr * c * (math.sqrt(2) if clip == "elementwise" else 1) + 1e-12
    assert not bare_nonfinite(widgets.wall_clipping_summary(r))


# ---------------------------------------------------------------- notebook 09: LSTM gates, adding problem
@pytest.fixture(scope="module")
def gate_traces():
    torch.manual_seed(0)
    layer = cells.LSTMLayer(2, 6)
    x, _y = generated_tasks.adding_problem(3, 30, seed=0)
    with torch.no_grad():
        return [s.numpy() for s in x], [layer.trace(s) for s in x]


def test_lstm_gate_explorer_sweep(gate_traces, capsys):
    sequences, traces = gate_traces
    box = widgets.lstm_gate_explorer(sequences, traces, length=40)
    sweep_extremes(box, capsys, "lstm_gate_explorer")
    mode = controls(box)[0]
    mode.value = "trained LSTM"  # the sequence slider at its ends in the other mode too
    for value in extremes(controls(box)[-1]):
        controls(box)[-1].value = value
        assert_clean(box, capsys, f"lstm_gate_explorer: trained LSTM, sequence {value}")


@SWEEP
@given(f=st.floats(0, 1), i=st.floats(0, 1), o=st.floats(0, 1), T=st.integers(1, 200))
def test_cell_state_with_fixed_gates_at_random_points(f, i, o, T):
    g = np.zeros(T)
    g[::7] = 1.0
    r = cells.cell_state_with_fixed_gates(f, i, o, g)
    assert _finite(r["c"], r["h"]) and np.all(np.abs(r["c"]) <= T * i + 1e-12)


def test_adding_showdown_explorer_sweep(capsys):
    def train(T):
        return {k: adding.train_adding(adding.AddingModel(k, hidden_size=4), T, steps=2, batch_size=8, eval_every=1,
                                      progress=False)
                for k in ("rnn", "lstm", "gru")}

    results = {5: train(5)}
    box = widgets.adding_showdown_explorer(results, train, 5, lengths=[5, 200])
    sweep_extremes(box, capsys, "adding_showdown_explorer")
    assert set(results) == {5, 200} and all(_finite(r["heldout_mse"][-1]) for r in results[200].values())


# ---------------------------------------------------------------- notebook 10: sampling
@pytest.fixture(scope="module")
def char_lm():
    torch.manual_seed(0)
    vocab = CharVocab("a small vocab")  # fewer characters than the top-k slider's default maximum
    return CharLM(len(vocab), 4, 8), vocab


def test_sampling_explorer_sweep(char_lm, capsys):
    model, vocab = char_lm
    box = widgets.sampling_explorer(model, vocab, "a sm", temperature=1.0, n=30)
    sweep_extremes(box, capsys, "sampling_explorer")


@pytest.fixture(scope="module")
def sampling_controls(char_lm):
    return controls(widgets.sampling_explorer(*char_lm, "a", n=5))


@SWEEP
@given(data=st.data())
def test_sampling_experiment_at_random_points(char_lm, sampling_controls, data):
    model, vocab = char_lm
    method_w, temp_w, k_w, _box = sampling_controls
    method, T, k = (data.draw(st.sampled_from(method_w.options)), data.draw(slider_values(temp_w)),
                    data.draw(slider_values(k_w)))
    prompt = data.draw(st.text(alphabet="a smlvocbXé", min_size=1, max_size=8))
    r = sampling.sampling_experiment(model, vocab, prompt, method, T, k, n=10)
    assert _finite(r["probs"], r["entropy_bits"]) and 0 <= r["entropy_bits"] <= math.log2(len(vocab)) + 1e-9
    assert len(r["text"]) == 10


# ---------------------------------------------------------------- notebook 11: sentiment
@pytest.fixture(scope="module")
def trained_classifiers():
    torch.manual_seed(0)
    vocab = text.Vocab("the movie was not bad at all good great awful , .".split())
    return {p: classifiers.SequenceClassifier(len(vocab), 4, 3, pooling=p) for p in classifiers.POOLINGS}, vocab


def test_sentiment_stepper_sweep(trained_classifiers, capsys):
    models, vocab = trained_classifiers
    box = widgets.sentiment_stepper(models, vocab, "the movie was not bad at all")
    sweep_extremes(box, capsys, "sentiment_stepper")


@SWEEP
@given(words=st.lists(st.sampled_from("the movie was not bad at all zzz , .".split()), min_size=1, max_size=40))
def test_prefix_probabilities_at_random_points(trained_classifiers, words):
    models, vocab = trained_classifiers
    for model in models.values():
        p = classifiers.prefix_probabilities(model, vocab.encode(words))
        assert p.shape == (len(words), 2) and _finite(p) and np.allclose(p.sum(axis=1), 1, atol=1e-5)



# ---------------------------------------------------------------- notebook 12: tagging
def test_tagging_explorer_sweep(capsys):
    from course_utils.data import generated_tasks
    torch.manual_seed(0)
    vocab = text.Vocab("anna smith flew to new york".split(), pad=True)
    models = {name: classifiers.LSTMTagger(len(vocab), len(generated_tasks.TAGS), 4, 3, bidirectional=bi)
              for name, bi in [("left-to-right", False), ("BiLSTM", True)]}
    box = widgets.tagging_explorer(models, vocab, generated_tasks.TAGS, "anna smith flew to new york")
    sweep_extremes(box, capsys, "tagging_explorer")

# ---------------------------------------------------------------- notebook 13: decoding
@pytest.fixture(scope="module")
def reverser():
    torch.manual_seed(0)
    return encoder_decoder.Seq2Seq(generated_tasks.N_SPECIALS + 4, 8, 16)


def test_decoder_explorer_sweep(reverser, capsys):
    box = widgets.decoder_explorer(reverser, "abc", n_symbols=4, max_len=9)
    sweep_extremes(box, capsys, "decoder_explorer")


@SWEEP
@given(letters=st.text(alphabet="abcd", min_size=1, max_size=12), beam=st.integers(1, 10))
def test_decode_report_at_random_points(reverser, letters, beam):
    src = generated_tasks.text_to_symbols(letters, 4)
    r = encoder_decoder.decode_report(reverser, src, target=src[::-1], beam_size=beam, max_len=9)
    assert _finite(r["greedy_logp"], r["beam_logp"]) and r["greedy_logp"] <= 0 and r["beam_logp"] <= 0
    assert len(r["greedy"]) <= 9 and len(r["beam"]) <= 9


# ---------------------------------------------------------------- every widget is swept
def test_every_widget_is_swept():
    import inspect

    made = {name for name, f in inspect.getmembers(widgets, inspect.isfunction)
            if f.__module__ == widgets.__name__ and not name.startswith("_")
            and inspect.signature(f).return_annotation is W.Widget}
    source = open(__file__, encoding="utf-8").read()
    unswept = sorted(name for name in made if f"widgets.{name}(" not in source)
    assert not unswept, f"widgets with no sweep: {unswept}"
