"""Plausible learner mistakes with the widgets get a clear message, at once.

A widget refuses a call's argument that its controls cannot show (a starting value
outside a slider, an option not in a menu, arguments swapped, NaN in the vectors),
with a message naming the argument and the range: ``(call, exception, message regex)``
rows. Text typed into a box is never an error: the readout says what it could not read,
and so does a value the widget cuts short itself (``NOTES``).
"""
import numpy as np
import pytest
import torch

from course_utils import classifiers, encoder_decoder, ngram, rnn
from course_utils.char_lm import CharLM, CharVocab
from course_utils.data import generated_tasks
from course_utils.data.text import Vocab
from course_utils.ui import plots, widgets

ITOS = ["<unk>", "cat", "dog", "car"]
E = np.array([[0.0, 0.1], [1.0, 0.2], [0.9, 0.3], [-0.2, 1.0]])
SENTENCE = "the cat sat on the mat".split()
SLIDER = r"\(the slider's range\)"


@pytest.fixture(autouse=True)
def no_figures(monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plots, "show", plt.close)


def _nan_E():
    bad = E.copy()
    bad[2, 1] = np.nan
    return bad


def _nan(model):
    """``model`` with one weight set to NaN, as after a diverged training run."""
    with torch.no_grad():
        next(model.parameters()).view(-1)[0] = float("nan")
    return model


def _ngrams():
    models = {n: ngram.NGramLM(n, 6, 1, 2).fit([[3, 4, 5, 3, 4, 5], [5, 4, 3]]) for n in (1, 2, 3)}
    return models, [[3, 4, 5]], ["<unk>", "<s>", "</s>", "a", "b", "c"]


def _rnn_lm():
    torch.manual_seed(0)
    vocab = Vocab(SENTENCE)
    return rnn.RNNLM(len(vocab), embed_dim=4, hidden_size=6), vocab


def _bptt_cases():
    rng = np.random.default_rng(0)
    return {"random": (rnn.init_params(3, 4, 5, seed=0), rng.normal(size=(12, 3)), rng.integers(0, 5, 12))}


def _gate_data():
    trace = {name: np.full((12, 6), 0.5) for name in "fioc"}
    return [np.zeros((12, 2))], [trace]


def _char_lm(text="hello world"):
    torch.manual_seed(0)
    vocab = CharVocab(text)
    return CharLM(len(vocab), 4, 8), vocab


def _classifiers():
    torch.manual_seed(0)
    vocab = Vocab("the movie was not good bad".split())
    return {"last": classifiers.SequenceClassifier(len(vocab), 4, 3)}, vocab

def _taggers():
    torch.manual_seed(0)
    vocab = Vocab("anna smith flew to new york".split(), pad=True)
    return {"BiLSTM": classifiers.LSTMTagger(len(vocab), len(generated_tasks.TAGS), 4, 3, bidirectional=True)}, vocab



def _reverser(n_symbols=4):
    torch.manual_seed(0)
    return encoder_decoder.Seq2Seq(generated_tasks.N_SPECIALS + n_symbols, 8, 16)


ROWS = {
    # notebook 01
    "word_pair_explorer: itos and E swapped": (
        lambda: widgets.word_pair_explorer(E, ITOS, "cat", "dog"), ValueError,
        r"itos must be a list of words, got ndarray of shape \(4, 2\); the call is word_pair_explorer\(itos, E"),
    "word_pair_explorer: a NaN row in E": (
        lambda: widgets.word_pair_explorer(ITOS, _nan_E(), "cat", "dog"), ValueError,
        r"E holds 1 NaN or inf entries \(the first at row 2\)"),
    "word_pair_explorer: E of another vocabulary": (
        lambda: widgets.word_pair_explorer(ITOS, E[:3], "cat", "dog"), ValueError,
        r"E has 3 rows but itos has 4 words"),
    "word_pair_explorer: a word not in the menu": (
        lambda: widgets.word_pair_explorer(ITOS, E, "cat", "zebra"), ValueError,
        r"word_j='zebra' is not among the 4 words offered \(itos\)"),
    # notebook 02
    "pair_window_explorer: the sentence as one string": (
        lambda: widgets.pair_window_explorer("the cat sat on the mat", window=2, center=3), ValueError,
        r"words must be a list of tokens, got the string 'the cat sat on the mat': split it first"),
    "pair_window_explorer: a window wider than the slider": (
        lambda: widgets.pair_window_explorer(SENTENCE, window=10, center=3), ValueError,
        r"window must be an int in \[1, 5\] \(the slider's range for a sentence of 6 words\), got 10"),
    "pair_window_explorer: center past the last word": (
        lambda: widgets.pair_window_explorer(SENTENCE, window=2, center=6), ValueError,
        r"center must be an int in \[0, 5\] \(a position in the sentence\), got 6"),
    # notebook 03
    "embedding_explorer: NaN rows in E": (
        lambda: widgets.embedding_explorer(_nan_E(), ITOS, "cat", ("cat", "dog", "car"), ("cat", "dog")),
        ValueError, r"E holds 1 NaN or inf entries \(the first at row 2\)"),
    "embedding_explorer: an analogy of two words": (
        lambda: widgets.embedding_explorer(E, ITOS, "cat", ("cat", "dog"), ("cat", "dog")), ValueError,
        r"analogy must be three words \(a, b, c\)"),
    "embedding_explorer: the PCA words as one string": (
        lambda: widgets.embedding_explorer(E, ITOS, "cat", ("cat", "dog", "car"), "cat, dog"), ValueError,
        r"words must be a list of words, got the string 'cat, dog': write \('cat', 'dog', \.\.\.\)"),
    # notebook 04
    "ngram_explorer: k = 0, below the slider": (
        lambda: widgets.ngram_explorer(*_ngrams(), n=2, k=0), ValueError,
        r"k must be a finite number >= 0\.0001 and <= 1 " + SLIDER + ", got 0"),
    "ngram_explorer: an order that was not fitted": (
        lambda: widgets.ngram_explorer(*_ngrams(), n=5, k=0.1), ValueError,
        r"n=5 is not among the fitted orders \[1, 2, 3\]"),
    "ngram_explorer: held-out words instead of ids": (
        lambda: widgets.ngram_explorer(_ngrams()[0], [["a", "b"]], _ngrams()[2], n=2, k=0.1), ValueError,
        r"heldout\[0\] must be integer ids, got words 'a b'; encode them first \(for words, vocab\.encode\)"),
    "ngram_explorer: a gap in the orders": (
        lambda: widgets.ngram_explorer({n: _ngrams()[0][n] for n in (1, 3)}, *_ngrams()[1:], n=1, k=0.1),
        ValueError, r"models must hold every order from 1 to 3 \(the n slider offers each\), missing \[2\]"),
    # notebook 05
    "rnn_stepper: model and vocab swapped": (
        lambda: widgets.rnn_stepper(_rnn_lm()[1], _rnn_lm()[0], "the cat"), ValueError,
        r"model must be an rnn\.RNNLM, got an object of type Vocab; the call is rnn_stepper\(model, vocab"),
    "rnn_stepper: NaN weights": (
        lambda: widgets.rnn_stepper(_nan(_rnn_lm()[0]), _rnn_lm()[1], "the cat"), ValueError,
        r"model's parameter embed\.weight holds NaN or inf"),
    "rnn_stepper: the vocabulary of another model": (
        lambda: widgets.rnn_stepper(_rnn_lm()[0], Vocab("a b c d e f g h i".split()), "a b"), ValueError,
        r"model was built for 6 tokens but vocab has 10 words: use the vocabulary it was trained with"),
    "rnn_stepper: the sentence as a list of words": (
        lambda: widgets.rnn_stepper(*_rnn_lm(), ["the", "cat"]), ValueError,
        r"sentence must be a string \(the text box's starting text\), got list \['the', 'cat'\]"),
    # notebook 06
    "bptt_gradient_explorer: length beyond the sequences": (
        lambda: widgets.bptt_gradient_explorer(_bptt_cases(), length=50), ValueError,
        r"length must be an int in \[2, 12\] " + SLIDER + ", got 50"),
    "bptt_gradient_explorer: max_length beyond the sequences": (
        lambda: widgets.bptt_gradient_explorer(_bptt_cases(), length=4, max_length=100), ValueError,
        r"max_length must be an int in \[2, 12\] \(no longer than the shortest sequence in cases\), got 100"),
    # notebooks 07-08
    "gradient_flow_explorer: T = 5000, past the slider": (
        lambda: widgets.gradient_flow_explorer(T=5000), ValueError,
        r"T must be an int in \[5, 200\] " + SLIDER + ", got 5000"),
    "gradient_flow_explorer: T between the slider's steps": (
        lambda: widgets.gradient_flow_explorer(T=7), ValueError,
        r"T must be a multiple of 5 \(the slider steps by 5\), got 7: try 5"),
    "gradient_flow_explorer: spectral radius 10": (
        lambda: widgets.gradient_flow_explorer(spectral_radius=10), ValueError,
        r"spectral_radius must be a finite number >= 0\.1 and <= 4 " + SLIDER + ", got 10"),
    "gradient_flow_explorer: 'ReLU' in capitals": (
        lambda: widgets.gradient_flow_explorer(nonlinearity="ReLU"), ValueError,
        r"nonlinearity must be one of 'linear', 'tanh', 'sigmoid', 'relu', got 'ReLU'"),
    "wall_clipping_explorer: lr past the slider": (
        lambda: widgets.wall_clipping_explorer(lr=0.5), ValueError,
        r"lr must be a finite number >= 0\.001 and <= 0\.1 " + SLIDER + r", got 0\.5"),
    "wall_clipping_explorer: no clipping asked for": (
        lambda: widgets.wall_clipping_explorer(clip="none"), ValueError,
        r"clip must be one of 'norm', 'elementwise', got 'none'"),
    # notebook 09
    "lstm_gate_explorer: a gate above 1": (
        lambda: widgets.lstm_gate_explorer(*_gate_data(), f=1.5), ValueError,
        r"f must be a finite number >= 0 and <= 1 \(a gate value\), got 1\.5"),
    "lstm_gate_explorer: too short a cell for both writes": (
        lambda: widgets.lstm_gate_explorer(*_gate_data(), length=3), ValueError,
        r"length must be an int in \[10, 1000\] \(steps of the manual cell\), got 3"),
    "adding_showdown_explorer: one length instead of a list": (
        lambda: widgets.adding_showdown_explorer({5: {}}, lambda T: {}, 5, lengths=200), ValueError,
        r"lengths must be a list of sequence lengths T, got int 200"),
    "adding_showdown_explorer: a starting length not trained": (
        lambda: widgets.adding_showdown_explorer({5: {}}, lambda T: {}, 10, lengths=[5, 10]), ValueError,
        r"length=10 must already be in results \(keys \[5\]\)"),
    # notebook 10
    "sampling_explorer: temperature 10, past the slider": (
        lambda: widgets.sampling_explorer(*_char_lm(), "hel", temperature=10), ValueError,
        r"temperature must be a finite number >= 0\.1 and <= 5\.01 " + SLIDER + ", got 10"),
    "sampling_explorer: temperature 0": (
        lambda: widgets.sampling_explorer(*_char_lm(), "hel", temperature=0), ValueError,
        r"temperature must be a finite number >= 0\.1 and <= 5\.01 " + SLIDER + ", got 0"),
    "sampling_explorer: a word vocabulary": (
        lambda: widgets.sampling_explorer(_char_lm()[0], _rnn_lm()[1], "hel"), ValueError,
        r"vocab must be a char_lm\.CharVocab \(characters\), got an object of type Vocab"),
    "sampling_explorer: a million characters at every change": (
        lambda: widgets.sampling_explorer(*_char_lm(), "hel", n=10 ** 6), ValueError,
        r"n must be an int in \[1, 10000\] \(characters sampled at every change\), got 1000000"),
    "sampling_explorer: NaN weights": (
        lambda: widgets.sampling_explorer(_nan(_char_lm()[0]), _char_lm()[1], "hel"), ValueError,
        r"model's parameter embed\.weight holds NaN or inf"),
    # notebook 11
    "sentiment_stepper: one model, not a dict": (
        lambda: widgets.sentiment_stepper(_classifiers()[0]["last"], _classifiers()[1], "the movie"), ValueError,
        r"models must be a dict \{name: trained classifier\} with at least one, got an object of type "
        r"SequenceClassifier"),
    "sentiment_stepper: NaN weights": (
        lambda: widgets.sentiment_stepper({"last": _nan(_classifiers()[0]["last"])}, _classifiers()[1], "good"),
        ValueError, r"models\['last'\]'s parameter embed\.weight holds NaN or inf"),
    # notebook 12
    "tagging_explorer: one model, not a dict": (
        lambda: widgets.tagging_explorer(_taggers()[0]["BiLSTM"], _taggers()[1], generated_tasks.TAGS, "anna"),
        ValueError, r"models must be a dict \{name: trained tagger\} with at least one, got an object of type LSTMTagger"),
    "tagging_explorer: vocab and tags swapped": (
        lambda: widgets.tagging_explorer(_taggers()[0], generated_tasks.TAGS, _taggers()[1], "anna"), ValueError,
        r"tags must be a list of words, got an object of type Vocab; the call is tagging_explorer\(models, vocab, tags, sentence\)"),
    "tagging_explorer: NaN weights": (
        lambda: widgets.tagging_explorer({"BiLSTM": _nan(_taggers()[0]["BiLSTM"])}, _taggers()[1], generated_tasks.TAGS,
                                         "anna"), ValueError, r"models\['BiLSTM'\]'s parameter embed\.weight holds NaN or inf"),
    # notebook 13
    "decoder_explorer: letters the model does not know": (
        lambda: widgets.decoder_explorer(_reverser(), "xyz", n_symbols=4), ValueError,
        r"source must be letters a\.\.d \(spaces optional\), got str 'xyz'"),
    "decoder_explorer: n_symbols of another model": (
        lambda: widgets.decoder_explorer(_reverser(), "abc", n_symbols=10), ValueError,
        r"model was built for 7 tokens but n_symbols=10 needs 13 .*: pass the n_symbols it was trained with"),
    "decoder_explorer: a huge max_len": (
        lambda: widgets.decoder_explorer(_reverser(), "abc", n_symbols=4, max_len=10 ** 6), ValueError,
        r"max_len must be an int in \[1, 1000\] \(the longest output decoded\), got 1000000"),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_a_bad_call_gets_a_clear_message(name):
    call, error, message = ROWS[name]
    with pytest.raises(error, match=message):
        call()


def _readout(box):
    (readout,) = [w for w in _walk(box) if "course-readout" in getattr(w, "_dom_classes", ())]
    return readout.value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _type(box, description, text):
    (control,) = [w for w in _walk(box) if getattr(w, "description", None) == description]
    control.value = text
    return _readout(box)


NOTES = {
    "embedding_explorer: a typed word not in the vocabulary": (
        lambda: _type(widgets.embedding_explorer(E, ITOS, "cat", ("cat", "dog", "car"), ("cat", "dog")),
                      "word", "zebra"),
        "not in vocabulary: zebra"),
    "rnn_stepper: an empty sentence": (
        lambda: _type(widgets.rnn_stepper(*_rnn_lm(), "the cat"), "sentence", ""),
        "no words in the box, so the RNN reads &lt;unk&gt;. t = 1"),
    "sampling_explorer: characters not in the vocabulary": (
        lambda: _type(widgets.sampling_explorer(*_char_lm(), "hel", n=5), "prompt", "hex"),
        "not in the vocabulary (read as unknown): &#x27;x&#x27;"),
    "sampling_explorer: beam search writes fewer characters than n": (
        lambda: _type(widgets.sampling_explorer(*_char_lm(), "hel", n=100), "method", "beam"),
        "beam search writes the first 80 of the n = 100 characters"),
    "sentiment_stepper: an empty review": (
        lambda: _type(widgets.sentiment_stepper(*_classifiers(), "the movie"), "review", "  "),
        "type a few words"),
    "tagging_explorer: an empty sentence": (
        lambda: _type(widgets.tagging_explorer(*_taggers(), generated_tasks.TAGS, "anna"), "sentence", " "),
        "type a sentence"),
    "decoder_explorer: a typo in the letters": (
        lambda: _type(widgets.decoder_explorer(_reverser(), "abc", n_symbols=4, max_len=6), "input", "abz"),
        "type letters a..d (spaces optional); &#x27;abz&#x27; has other characters"),
}


@pytest.mark.parametrize("name", list(NOTES))
def test_the_readout_says_what_it_could_not_read(name):
    shown, expected = NOTES[name]
    readout = shown()
    assert expected in readout and "error" not in readout.lower(), readout
