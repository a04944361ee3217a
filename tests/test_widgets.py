"""Widgets run headless: build them, change a control, see the shown value change."""
import numpy as np

from course_utils.ui import widgets


def test_widgets_check_reacts_to_the_slider():
    box = widgets.widgets_check()
    slider, readout = box.children
    before = readout.value
    slider.value = 7
    assert readout.value != before and "49" in readout.value


def test_a_callback_error_is_shown_in_the_readout_with_its_traceback(capsys):
    import ipywidgets as W

    slider, readout = W.IntSlider(value=1, min=0, max=3), widgets._readout()

    def draw():
        readout.value = f"1 / n = {1 / slider.value}"

    widgets._live([slider], draw, readout, widgets._errors())
    assert readout.value == "1 / n = 1.0"
    slider.value = 0
    assert readout.value == "<b>error:</b> ZeroDivisionError: division by zero"
    assert "Traceback" in capsys.readouterr().err  # headless, the output area does not capture
    slider.value = 2
    assert readout.value == "1 / n = 0.5"


def test_word_pair_explorer_updates_on_a_new_word():
    itos = ["<unk>", "cat", "dog", "car"]
    E = np.array([[0.0, 0.1], [1.0, 0.2], [0.9, 0.3], [-0.2, 1.0]])
    box = widgets.word_pair_explorer(itos, E, "cat", "dog")
    (pick_i, pick_j), readout, _out = box.children[0].children, box.children[1], box.children[2]
    before = readout.value
    assert "one-hot cosine <b>0.000</b>" in before
    pick_j.value = "car"
    assert readout.value != before and "car" in readout.value


def test_gradient_flow_explorer_updates_and_survives_the_extremes():
    box = widgets.gradient_flow_explorer(T=50)
    (kind, nl), (radius, T), readout = box.children[0].children, box.children[1].children, box.children[2]
    before = readout.value
    assert "vanishes" in before or "explodes" in before or "order 1" in before
    radius.value = 4.0
    T.value = 200
    nl.value = "linear"
    assert readout.value != before and "inf in float32" in readout.value
    radius.value, nl.value, kind.value = 0.1, "sigmoid", "nonnormal"
    assert "vanishes" in readout.value and "nan" not in readout.value.lower()
    nl.value = "relu"
    assert "error" not in readout.value


def test_wall_clipping_explorer_updates_on_a_new_threshold():
    box = widgets.wall_clipping_explorer()
    (start, clip), (c, lr), readout = box.children[0].children, box.children[1].children, box.children[2]
    before = readout.value
    assert "norm clipping" in before and "error" not in before
    c.value = 1.0
    assert readout.value != before and "(lr x c = 0.02)" in readout.value
    clip.value, start.value, lr.value = "elementwise", "C", 0.1
    assert "elementwise" in readout.value and "error" not in readout.value

# ----------------------------------------------------------------- notebooks 04-06

def test_ngram_explorer_updates_on_n_and_k():
    from course_utils import ngram
    train = [[3, 4, 5, 3, 4, 5], [5, 4, 3]]
    models = {n: ngram.NGramLM(n, 6, 1, 2).fit(train) for n in (1, 2, 3)}
    box = widgets.ngram_explorer(models, [[3, 4, 5]], ["<unk>", "<s>", "</s>", "a", "b", "c"], n=1, k=0.1)
    (pick_n, pick_k), readout = box.children[0].children, box.children[1]
    before = readout.value
    pick_n.value = 2
    assert readout.value != before and "n = 2" in readout.value
    before = readout.value
    pick_k.value = 1.0
    assert readout.value != before


def test_rnn_stepper_moves_through_the_sentence():
    import torch
    from course_utils import rnn
    from course_utils.data import text
    torch.manual_seed(0)
    vocab = text.Vocab("the small cat sat on the mat".split())
    model = rnn.RNNLM(len(vocab), embed_dim=4, hidden_size=6)
    box = widgets.rnn_stepper(model, vocab, "the small cat")
    sentence, step, readout = box.children[:3]
    before = readout.value
    step.value = 3
    assert readout.value != before and "cat" in readout.value
    sentence.value = "cat small"
    assert step.max == 2 and "small" in readout.value


def test_rnn_stepper_draws_once_when_a_shorter_sentence_pulls_t_back(monkeypatch):
    import torch
    from course_utils.ui.live import LiveFigure
    from course_utils import rnn
    from course_utils.data import text
    torch.manual_seed(0)
    vocab = text.Vocab("the small cat sat on the mat".split())
    box = widgets.rnn_stepper(rnn.RNNLM(len(vocab), embed_dim=4, hidden_size=6), vocab, "the small cat sat")
    sentence, step, readout = box.children[:3]
    step.value = 4
    drawn = []
    monkeypatch.setattr(LiveFigure, "show", lambda live: drawn.append(live))
    sentence.value = "the cat"
    assert step.value == 2 and readout.value.startswith("t = 2: read <b>cat</b>")
    assert len(drawn) == 1, f"{len(drawn)} figures drawn for one change"


def test_bptt_gradient_explorer_follows_the_length():
    from course_utils import rnn
    rng = np.random.default_rng(0)
    cases = {"random": (rnn.init_params(3, 4, 5, seed=0), rng.normal(size=(12, 3)), rng.integers(0, 5, 12))}
    box = widgets.bptt_gradient_explorer(cases, length=4)
    slider, readout = box.children[:2]
    before = readout.value
    slider.value = 10
    assert readout.value != before and "T = 10" in readout.value

# ----------------------------------------------------------------- notebooks 11-13

def test_sentiment_stepper_updates_on_a_new_sentence_and_model():
    import torch
    from course_utils import classifiers
    from course_utils.data import text
    torch.manual_seed(0)
    vocab = text.Vocab("the movie was not good bad".split())
    models = {"last": classifiers.SequenceClassifier(len(vocab), 4, 3),
              "bi": classifiers.SequenceClassifier(len(vocab), 4, 3, pooling="bi")}
    box = widgets.sentiment_stepper(models, vocab, "the movie was good")
    (text_box, pick), readout = box.children[0].children, box.children[1]
    before = readout.value
    assert "P(positive)" in before
    text_box.value = "the movie was not bad at all"
    assert readout.value != before and "unknown words: at, all" in readout.value
    before = readout.value
    pick.value = "bi"
    assert readout.value != before and "bi:" in readout.value


def test_tagging_explorer_marks_ill_formed_tags_and_updates_on_a_new_sentence():
    import torch
    from course_utils import classifiers
    from course_utils.data import generated_tasks, text
    torch.manual_seed(0)
    vocab = text.Vocab("anna smith flew to new york".split(), pad=True)
    model = classifiers.LSTMTagger(len(vocab), len(generated_tasks.TAGS), 4, 3)
    with torch.no_grad():          # every token scores I-LOC highest: ill-formed from the first word
        model.fc.bias.copy_(torch.tensor([0.0, 0.0, 0.0, 0.0, 50.0]))
    box = widgets.tagging_explorer({"always I-LOC": model}, vocab, generated_tasks.TAGS, "anna smith")
    text_box, readout = box.children[0], box.children[1]
    assert readout.value == "always I-LOC: LOC <i>anna smith</i> &nbsp;<b>1 ill-formed</b>"
    text_box.value = "anna smith flew to lisbon"
    assert readout.value.startswith("always I-LOC: LOC <i>anna smith flew to lisbon</i> &nbsp;<b>1 ill-formed</b>")
    assert "unknown words: lisbon" in readout.value
    assert widgets._ill_formed_at(["I-PER", "O", "B-LOC", "I-LOC", "I-PER", "B-PER", "I-PER"]) == [0, 4]


def test_decoder_explorer_updates_and_says_what_to_type():
    import torch
    from course_utils import encoder_decoder
    from course_utils.data import generated_tasks
    torch.manual_seed(0)
    model = encoder_decoder.Seq2Seq(generated_tasks.N_SPECIALS + 4, 8, 16)
    box = widgets.decoder_explorer(model, "abc", n_symbols=4, max_len=6)
    (text_box, beam), readout, out = box.children[0].children, box.children[1], box.children[2]
    before = readout.value
    assert "greedy" in before and "n = 3" in before
    text_box.value = "dcba"
    assert readout.value != before and "n = 4" in readout.value
    before = readout.value
    text_box.value = "xyz"  # not a..d: the readout says what to type
    assert readout.value == "type letters a..d (spaces optional); &#x27;xyz&#x27; has other characters"

# ----------------------------------------------------------------- notebooks 09-10

def test_lstm_gate_explorer_reacts_to_gates_and_mode():
    import torch
    from course_utils import cells
    from course_utils.data import generated_tasks
    layer = cells.LSTMLayer(2, 6)
    x, _y = generated_tasks.adding_problem(2, 12, seed=0)
    box = widgets.lstm_gate_explorer([s.numpy() for s in x], [layer.trace(s) for s in x], length=20)
    mode, sliders, pick, readout = box.children[0], box.children[1].children, box.children[2], box.children[3]
    before = readout.value
    sliders[0].value = 0.5
    assert readout.value != before and "f = 0.50" in readout.value
    mode.value = "trained LSTM"
    shown = readout.value
    assert "mean forget gate" in shown
    pick.value = 1
    assert readout.value != shown


def test_adding_showdown_explorer_says_it_retrains_then_shows_the_new_length():
    from course_utils import adding
    seen_while_training = []

    def train(T):
        if seen_while_training is not None and T == 6:
            seen_while_training.append(readout.value)  # what the learner sees while the models train
        return {k: adding.train_adding(adding.AddingModel(k), T, steps=3, eval_every=1, progress=False)
                for k in ("rnn", "lstm")}

    results = {5: train(5)}
    box = widgets.adding_showdown_explorer(results, train, 5, lengths=[5, 6])
    pick, readout = box.children[0].children[0], box.children[1]
    before = readout.value
    pick.value = 6
    assert seen_while_training == ["<b>retraining</b> RNN, LSTM at T = 6 (progress below; the curves appear "
                                   "when all are trained)"]
    assert 6 in results and readout.value != before and "T = 6" in readout.value


def test_sampling_explorer_reacts_to_temperature():
    import torch
    from course_utils.char_lm import CharLM, CharVocab
    torch.manual_seed(0)
    vocab = CharVocab("hello world")
    model = CharLM(len(vocab), 4, 8)
    box = widgets.sampling_explorer(model, vocab, "hel", temperature=1.0, n=20)
    (method, temp, _k), readout = box.children[0].children, box.children[2]
    before = readout.value
    temp.value = 0.1
    assert readout.value != before and "T = 0.10" in readout.value
    method.value = "beam"
    assert "beam" in readout.value
