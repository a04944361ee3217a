"""Plausible learner mistakes with the sequence modules (notebooks 05-13) get a clear message, at once.

Each row is ``(call, exception, message regex)``: a string where ids are expected, a misspelt
choice, a negative learning rate, NaN in a model's weights, a size that would take minutes or
gigabytes (refused before anything is allocated). No row returns a plausible number from NaN input.
"""
import numpy as np
import pytest
import torch

from course_utils import (adding, batching, cells, char_lm, classifiers, clipping, crf, encoder_decoder,
                          exposure, padding, rnn, sampling, spectra)
from course_utils.data import generated_tasks
from course_utils.data.text import Vocab

NAN = float("nan")
IDS = np.arange(200) % 5
NAN_WEIGHTS = r"model's parameter \S+ holds NaN or inf"
BAD_LR = r"lr must be a finite number > 0, got -0\.01"


def _nan(model):
    """``model`` with one weight set to NaN, as after a diverged training run."""
    with torch.no_grad():
        next(model.parameters()).view(-1)[0] = NAN
    return model


def _lm():
    torch.manual_seed(0)
    return rnn.RNNLM(5, embed_dim=4, hidden_size=6)


def _char_lm():
    torch.manual_seed(0)
    return char_lm.CharLM(5, 4, 6)


def _seq2seq():
    torch.manual_seed(0)
    return encoder_decoder.Seq2Seq(7, 4, 6)


def _classifier_data():
    data = [(["not", "good"], 0), (["good"], 1), (["not", "bad"], 1)]
    vocab = Vocab([w for s, _ in data for w in s], pad=True)
    return classifiers.SequenceClassifier(len(vocab), 4, 4), classifiers.encode_examples(data, vocab), vocab


def _W(entry=None):
    W = spectra.make_W_hh("gaussian", 4, 0.9)
    if entry is not None:
        W = W.copy()
        W[1, 2] = entry
    return W


ROWS = {
    # sampling (notebook 10)
    "generate: a string prompt": (
        lambda: sampling.generate(_lm(), "hello", 5), ValueError,
        r"prompt_ids must be a sequence of integer ids, got the string 'hello': turn text into ids first"),
    "generate: a long string prompt": (
        lambda: sampling.generate(_lm(), "hello world, this is a long prompt of many words", 5), ValueError,
        r"got the string 'hello world, this is a long prompt of\.\.\.': turn text into ids first"),
    "generate: one id, not a list": (
        lambda: sampling.generate(_lm(), 3, 5), ValueError,
        r"prompt_ids must be 1-D \(a sequence of ids\), got the single id 3; pass \[3\]"),
    "generate: method 'topk'": (
        lambda: sampling.generate(_lm(), [0], 3, method="topk"), ValueError,
        r"method must be one of 'greedy', 'temperature', 'top_k', got 'topk'"),
    "generate: NaN weights": (lambda: sampling.generate(_nan(_lm()), [0], 3, method="greedy"), ValueError, NAN_WEIGHTS),
    "generate: temperature 0": (
        lambda: sampling.generate(_lm(), [0], 3, temperature=0), ValueError, r"temperature must be a finite number > 0"),
    "generate: an id outside the vocabulary": (
        lambda: sampling.generate(_lm(), [9], 3), ValueError, r"prompt_ids must be ids in \[0, 5\) \(the model's vocab"),
    "generate: an empty prompt": (lambda: sampling.generate(_lm(), [], 3), ValueError, "at least one id"),
    "generate: a billion tokens": (
        lambda: sampling.generate(_lm(), [0], 10 ** 9), ValueError, r"n must be an int in \[1, 100000\]"),
    "generate: k = 0 for top_k": (
        lambda: sampling.generate(_lm(), [0], 3, method="top_k", k=0), ValueError, r"k must be an int >= 1"),
    "beam_search: beam_width 10**7": (
        lambda: sampling.beam_search(_lm(), [0], 5, beam_width=10 ** 7), ValueError,
        r"beam_width must be an int in \[1, 1000\] \(each of the n = 5 steps runs the model"),
    "beam_search: NaN weights": (lambda: sampling.beam_search(_nan(_lm()), [0], 3), ValueError, NAN_WEIGHTS),
    "continuation_log_prob: NaN weights": (
        lambda: sampling.continuation_log_prob(_nan(_lm()), [0], [1, 2]), ValueError, NAN_WEIGHTS),
    "continuation_log_prob: a string continuation": (
        lambda: sampling.continuation_log_prob(_lm(), [0], "ab"), ValueError,
        r"continuation_ids must be a sequence of integer ids, got the string"),
    "softmax_with_temperature: a negative T": (
        lambda: sampling.softmax_with_temperature([1.0, 2.0], -1), ValueError, r"temperature must be a finite number > 0"),
    # encoder-decoder (notebook 13)
    "beam_decode: beam_size 10**7": (
        lambda: encoder_decoder.beam_decode(_seq2seq(), [3, 4], beam_size=10 ** 7), ValueError,
        r"beam_size must be an int in \[1, 1000\]"),
    "beam_decode: a list of sources": (
        lambda: encoder_decoder.beam_decode(_seq2seq(), [[3, 4], [5]]), ValueError,
        r"source must be one sequence of ids, got a list of sequences"),
    "beam_decode: an id outside the vocabulary": (
        lambda: encoder_decoder.beam_decode(_seq2seq(), [3, 30]), ValueError, r"source must be ids in \[0, 7\)"),
    "greedy_decode: one source, not a list": (
        lambda: encoder_decoder.greedy_decode(_seq2seq(), [3, 4]), ValueError,
        r"sources must be a list of id sequences, got \[3, 4\]; for one sequence, pass \[source\]"),
    "greedy_decode: one source as a tensor": (
        lambda: encoder_decoder.greedy_decode(_seq2seq(), torch.tensor([3, 4])), ValueError,
        r"got Tensor of shape \(2,\); for one sequence, pass \[source\]"),
    "greedy_decode: a string": (
        lambda: encoder_decoder.greedy_decode(_seq2seq(), "c a b"), ValueError,
        r"sources must be a list of id sequences, got the string 'c a b': turn text into ids first "
        r"\(generated_tasks\.text_to_symbols\(text, n_symbols\)\)"),
    "greedy_decode: a list of strings": (
        lambda: encoder_decoder.greedy_decode(_seq2seq(), ["cab", "ba"]), ValueError,
        r"sources\[0\] must be a sequence of integer ids, got the string 'cab': .*text_to_symbols"),
    "greedy_decode: an empty source": (
        lambda: encoder_decoder.greedy_decode(_seq2seq(), [[3, 4], []]), ValueError,
        r"sources\[1\] must hold at least one id, got none"),
    "sequence_log_prob: a string source": (
        lambda: encoder_decoder.sequence_log_prob(_seq2seq(), "abc", [3]), ValueError,
        r"source must be a sequence of integer ids, got the string 'abc': .*generated_tasks\.text_to_symbols"),
    "train_seq2seq: ids past the model's vocabulary": (
        lambda: encoder_decoder.train_seq2seq(_seq2seq(), [([3, 4, 50], [50, 4, 3])], progress=False), ValueError,
        r"pairs\[0\]\[0\] must be ids in \[0, 7\) \(the model's vocabulary\), got 3\.\.50"),
    "train_seq2seq: one pair, not a list": (
        lambda: encoder_decoder.train_seq2seq(_seq2seq(), ([3, 4], [4, 3]), progress=False), ValueError,
        r"pairs must be a list of \(source ids, target ids\) pairs, got one pair; for one pair, pass \[pair\]"),
    "train_seq2seq: text pairs": (
        lambda: encoder_decoder.train_seq2seq(_seq2seq(), [("abc", "cba")], progress=False), ValueError,
        r"pairs\[0\]\[0\] must be a sequence of integer ids, got the string 'abc': .*text_to_symbols"),
    "greedy_decode: NaN weights": (
        lambda: encoder_decoder.greedy_decode(_nan(_seq2seq()), [[3, 4]]), ValueError, NAN_WEIGHTS),
    "greedy_decode: max_len 10**6": (
        lambda: encoder_decoder.greedy_decode(_seq2seq(), [[3]], max_len=10 ** 6), ValueError,
        r"max_len must be an int in \[1, 1000\]"),
    "sequence_log_prob: NaN weights": (
        lambda: encoder_decoder.sequence_log_prob(_nan(_seq2seq()), [3], [3]), ValueError, NAN_WEIGHTS),
    "train_seq2seq: negative lr": (
        lambda: encoder_decoder.train_seq2seq(_seq2seq(), [([3], [3])], lr=-0.01, progress=False), ValueError, BAD_LR),
    # RNN language model (notebooks 05-06)
    "train_rnn_lm: negative lr": (
        lambda: rnn.train_rnn_lm(_lm(), IDS, lr=-0.01, progress=False), ValueError, BAD_LR),
    "train_rnn_lm: negative clip": (
        lambda: rnn.train_rnn_lm(_lm(), IDS, clip=-1, progress=False), ValueError,
        r"clip must be a finite number > 0 \(None turns clipping off\)"),
    "evaluate_rnn_lm: NaN weights": (lambda: rnn.evaluate_rnn_lm(_nan(_lm()), IDS), ValueError, NAN_WEIGHTS),
    "evaluate_rnn_lm: text, not ids": (
        lambda: rnn.evaluate_rnn_lm(_lm(), "the cat sat"), ValueError,
        r"ids must be a sequence of integer ids, got the string 'the cat sat'"),
    "evaluate_rnn_lm: ids of another vocabulary": (
        lambda: rnn.evaluate_rnn_lm(_lm(), np.arange(100)), ValueError,
        r"ids must be ids in \[0, 5\) \(the model's vocabulary\), got 0\.\.99"),
    "num_windows: the ids instead of their number": (
        lambda: batching.num_windows(IDS, 4, 10), ValueError, r"n_ids must be an int >= 0 \(the number of ids, len\(ids\)\)"),
    "bptt_windows: a float batch_size": (
        lambda: list(batching.bptt_windows(IDS, 4.0, 10)), ValueError, r"batch_size must be an int >= 1, got 4\.0"),
    # character LM (notebook 10)
    "train_char_lm: negative lr": (
        lambda: char_lm.train_char_lm(_char_lm(), IDS, steps=2, lr=-0.01, progress=False), ValueError, BAD_LR),
    "train_char_lm: negative seconds": (
        lambda: char_lm.train_char_lm(_char_lm(), IDS, seconds=-1, progress=False), ValueError,
        r"seconds must be a finite number > 0"),
    "train_char_lm: a capitalised lr_schedule": (
        lambda: char_lm.train_char_lm(_char_lm(), IDS, steps=2, lr_schedule="Cosine", progress=False), ValueError,
        r"lr_schedule must be one of 'cosine', 'linear', got 'Cosine'"),
    "train_char_lm: warmup as a percentage": (
        lambda: char_lm.train_char_lm(_char_lm(), IDS, steps=2, lr_schedule="cosine", warmup=5, progress=False),
        ValueError, r"warmup must be a finite number >= 0 and <= 1 \(a fraction of the run\), got 5"),
    "bits_per_char: NaN weights": (lambda: char_lm.bits_per_char(_nan(_char_lm()), IDS), ValueError, NAN_WEIGHTS),
    "next_char_accuracy: NaN weights": (
        lambda: char_lm.next_char_accuracy(_nan(_char_lm()), IDS), ValueError, NAN_WEIGHTS),
    "CharLM: cell 'LSTM'": (
        lambda: char_lm.CharLM(5, cell="LSTM"), ValueError, r"cell must be one of 'lstm', 'gru', 'rnn', got 'LSTM'"),
    "CharVocab.encode: a list of characters": (
        lambda: char_lm.CharVocab("abc").encode(["a", "b"]), ValueError, r"text must be a string, got list"),
    # the adding problem (notebook 09)
    "train_adding: negative lr": (
        lambda: adding.train_adding(adding.AddingModel("rnn", 4), 6, steps=2, lr=-0.01, progress=False),
        ValueError, BAD_LR),
    "AddingModel: kind 'LSTM'": (
        lambda: adding.AddingModel("LSTM"), ValueError, r"kind must be one of 'rnn', 'lstm', 'gru', got 'LSTM'"),
    "adding_problem: 10**9 values": (
        lambda: generated_tasks.adding_problem(1000, 10 ** 6), ValueError,
        r"length must be an int in \[2, 50000\] \(n x length values take ~40 bytes each"),
    # classifiers (notebook 11)
    "train_model: negative lr": (
        lambda: classifiers.train_model(_classifier_data()[0], _classifier_data()[1], lr=-0.01, progress=False),
        ValueError, BAD_LR),
    "train_model: ids past the model's vocabulary": (
        lambda: classifiers.train_model(_classifier_data()[0], [([1, 2, 30], 1)], progress=False), ValueError,
        r"data\[0\]\[0\] must be ids in \[0, 5\) \(the model's vocabulary\), got 1\.\.30"),
    "train_model: a label that is a string": (
        lambda: classifiers.train_model(_classifier_data()[0], [([1, 2, 3], "pos")], progress=False), ValueError,
        r"data\[0\]\[1\] must be a class id \(an int, e\.g\. 1 = positive\), got 'pos'.*encode_examples"),
    "train_model: a label past n_classes": (
        lambda: classifiers.train_model(_classifier_data()[0], [([1, 2], 5)], progress=False), ValueError,
        r"data\[0\]\[1\] must be class ids in \[0, 2\) \(the model's outputs\), got 5"),
    "train_model: words, not ids": (
        lambda: classifiers.train_model(_classifier_data()[0], [(["good", "film"], 1)], progress=False), ValueError,
        r"data\[0\]\[0\] must be integer ids, got words 'good film'; encode them first \(for words, vocab\.encode\)"),
    "train_model: one example, not a list": (
        lambda: classifiers.train_model(_classifier_data()[0], ([1, 2], 1), progress=False), ValueError,
        r"data must be a list of \(ids, label\) examples, got one example; for one example, pass \[example\]"),
    "accuracy: NaN weights": (
        lambda: classifiers.accuracy(_nan(_classifier_data()[0]), _classifier_data()[1]), ValueError, NAN_WEIGHTS),
    "SequenceClassifier: pooling 'Mean'": (
        lambda: classifiers.SequenceClassifier(10, pooling="Mean"), ValueError,
        r"pooling must be one of 'last', 'mean', 'bi', got 'Mean'"),
    "encode_examples: a sentence, not its words": (
        lambda: classifiers.encode_examples([("good movie", 1)], _classifier_data()[2]), ValueError,
        r"got the string 'good movie': split it into words first"),
    "prefix_probabilities: a string": (
        lambda: classifiers.prefix_probabilities(_classifier_data()[0], "good"), ValueError,
        r"ids must be a sequence of integer ids, got the string 'good'"),
    "masked_cross_entropy: a 0/1 mask": (
        lambda: padding.masked_cross_entropy(torch.zeros(1, 2, 3), torch.zeros(1, 2, dtype=torch.long),
                                             torch.ones(1, 2, dtype=torch.long)),
        ValueError, r"mask must be a bool tensor"),
    "pad_sequences: strings": (
        lambda: padding.pad_sequences(["abc", "de"]), ValueError,
        r"seqs\[0\] must be a sequence of integer ids, got the string 'abc': turn text into ids first"),
    "pad_sequences: one sequence, not a list": (
        lambda: padding.pad_sequences([1, 2, 3]), ValueError,
        r"seqs must be a list of id sequences, got \[1, 2, 3\]; for one sequence, pass \[ids\]"),
    "pad_sequences: float ids": (
        lambda: padding.pad_sequences([[1.0, 2.0]]), TypeError, r"seqs\[0\] must be integers, got dtype float64"),
    # vanishing and exploding gradients (notebooks 07-08)
    "gradient_flow: T = 5000, n = 256": (
        lambda: spectra.gradient_flow(T=5000, n=256), ValueError,
        r"T = 5000 steps with n = 256 hidden units is too big: .* = 2\.44 GiB .* the limits are 2 GiB"),
    "gradient_flow: T = 5000, n = 2048": (
        lambda: spectra.gradient_flow(T=5000, n=2048), ValueError, r"= 156 GiB .* the limits are 2 GiB"),
    "gradient_flow: nonlinearity 'Tanh'": (
        lambda: spectra.gradient_flow(nonlinearity="Tanh"), ValueError,
        r"nonlinearity must be one of 'linear', 'tanh', 'sigmoid', 'relu', got 'Tanh'"),
    "gradient_flow: a float T": (lambda: spectra.gradient_flow(T=100.0), ValueError, r"T must be an int >= 1, got 100\.0"),
    "make_W_hh: kind 'Gaussian'": (
        lambda: spectra.make_W_hh("Gaussian", 8, 1.0), ValueError, r"kind must be one of 'gaussian', .*got 'Gaussian'"),
    "make_W_hh: arguments in gradient_flow's order": (
        lambda: spectra.make_W_hh("gaussian", 1.0, 64), ValueError,
        r"n must be an int in \[1, 2048\] \(.*; the order is make_W_hh\(kind, n, spectral_radius\)\), got 1\.0"),
    "make_W_hh: spectral radius 0": (
        lambda: spectra.make_W_hh("gaussian", 8, 0.0), ValueError, r"spectral_radius must be a finite number > 0"),
    "spectral_radius: NaN in W_hh": (
        lambda: spectra.spectral_radius(_W(NAN)), ValueError, r"W_hh holds 1 NaN or inf entries \(the first at row 1\)"),
    "largest_singular_value: not square": (
        lambda: spectra.largest_singular_value(np.ones((2, 3))), ValueError, r"W_hh must be a non-empty square matrix"),
    "matrix_power_norms: t_max 10**9": (
        lambda: spectra.matrix_power_norms(_W(), 10 ** 9), ValueError, r"t_max must be an int in \[0, 1000000\]"),
    "jacobian_norms: a of the wrong width": (
        lambda: spectra.jacobian_norms(_W(), np.zeros((10, 3)), "tanh"), ValueError, r"a must have shape \(T, 4\)"),
    "error_surface: a huge grid": (
        lambda: spectra.error_surface(num=10 ** 5), ValueError, r"num must be an int in \[2, 2000\]"),
    "clip_by_norm: NaN in g": (
        lambda: clipping.clip_by_norm([NAN, 1.0], 1.0), ValueError, r"g holds 1 NaN or inf entries"),
    "descend: negative lr": (
        lambda: clipping.descend(lambda t: (0.0, t), [1.0], -0.01, 3), ValueError, BAD_LR),
    "wall_experiment: clip 'Norm'": (
        lambda: clipping.wall_experiment("A", "Norm"), ValueError, r"clip must be one of 'norm', 'elementwise', got 'Norm'"),
    # LSTM and GRU cells (notebook 09)
    "make_layer: kind 'LSTM'": (
        lambda: cells.make_layer("LSTM", 3, 4), ValueError, r"kind must be one of 'rnn', 'lstm', 'gru', got 'LSTM'"),
    "state_jacobian_norms: kind and layer disagree": (
        lambda: cells.state_jacobian_norms("gru", cells.LSTMLayer(2, 3), torch.zeros(4, 2)), ValueError,
        r"layer must be a from-scratch gru layer"),
    "state_jacobian_norms: x of the wrong width": (
        lambda: cells.state_jacobian_norms("lstm", cells.LSTMLayer(2, 3), torch.zeros(4, 5)), ValueError,
        r"x must be a tensor of shape \(time, 2\), got \(4, 5\)"),
    "set_forget_bias: NaN": (
        lambda: cells.set_forget_bias(cells.LSTMLayer(2, 3), NAN), ValueError, r"value must be a finite number"),
    # generated tasks and exposure bias (notebooks 10-13)
    "symbols_to_text: text, not ids": (
        lambda: generated_tasks.symbols_to_text("abc"), ValueError, r"text_to_symbols turns letters into ids"),
    # the CRF tagger (notebook 12)
    "CRFTagger: crf_lr_factor 0": (
        lambda: crf.CRFTagger(10, 5, crf_lr_factor=0), ValueError, r"crf_lr_factor must be a finite number > 0"),
    "CRFTagger: no tags": (lambda: crf.CRFTagger(10, 0), ValueError, r"n_tags must be an int >= 1, got 0"),
    "predict: a CRF tagger with NaN weights": (
        lambda: classifiers.predict(_nan(crf.CRFTagger(10, 5)), [(np.array([1, 2]), np.array([0, 0]))]), ValueError,
        NAN_WEIGHTS),
    "train_model: a CRF tagger on tag ids outside its tags": (
        lambda: classifiers.train_model(crf.CRFTagger(10, 5), [(np.array([1, 2]), np.array([0, 7]))], progress=False),
        ValueError, r"data\[0\]\[1\] must be class ids in \[0, 5\)"),
    "continue_batch: a list of prompts": (
        lambda: exposure.continue_batch(_char_lm(), [[1, 2]], 3), ValueError,
        r"prompts must be a tensor of ids of shape \(batch, L\), got list"),
}


@pytest.mark.parametrize("name", ROWS)
def test_a_learner_mistake_gets_a_clear_message(name):
    call, error, message = ROWS[name]
    with pytest.raises(error, match=message):
        call()


# Measurements that read NaN give NaN, never a plausible number.
EXPLICIT_NAN = {
    "softmax_with_temperature": lambda: sampling.softmax_with_temperature([NAN, 1.0, 2.0]),
    "one_unit_loss_and_grad": lambda: spectra.one_unit_loss_and_grad(NAN, 0.0)[0],
    "rnn_forward": lambda: rnn.rnn_forward({**rnn.init_params(2, 3, 4), "W_hh": np.full((3, 3), NAN)},
                                           np.ones((1, 2, 2)))[0][:, 1:],
}


@pytest.mark.parametrize("name", EXPLICIT_NAN)
def test_nan_in_gives_nan_out(name):
    assert np.all(np.isnan(EXPLICIT_NAN[name]()))


def test_the_notebooks_largest_settings_are_allowed():
    # notebook 07 and its widget: n = 64, T up to 200; notebook 10's beam: width 5, 60 characters
    assert spectra.gradient_flow("orthogonal", 4.0, 200, "linear")["log10_norm"].shape == (201,)
    assert spectra.error_surface(num=241)["loss"].shape == (241, 241)
    assert len(sampling.beam_search(_lm(), [0], 60, beam_width=5)[0]) == 60
