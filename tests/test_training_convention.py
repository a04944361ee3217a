"""Every training function of the package follows one convention (CONTRIBUTING.md, "Training functions").

- the model comes first; the budget is ``steps``, ``epochs`` or ``seconds``; ``lr``, ``clip``
  (``None`` turns it off), ``seed`` where something is drawn at random, ``progress``, ``on_step``;
- the returned history holds the loss of every update under the name of its unit
  (``nats``, ``bits`` or ``mse``);
- ``on_step(step, history)`` is called after every update with step = 1, 2, ...;
- the model is left in eval mode, and neither torch's thread count nor its global random
  state is changed by the call.
"""
import inspect

import numpy as np
import pytest
import torch

from course_utils import adding, char_lm, classifiers, encoder_decoder, neural_lm, rnn, word2vec, word2vec_torch
from course_utils.data import generated_tasks, planted_corpus, text

UNITS = {"nats", "bits", "mse"}
SYNONYMS = {"callback", "log_every", "threads", "n_steps", "num_epochs", "clip_norm", "max_norm",
            "learning_rate", "verbose"}


def _neural_lm():
    X = np.array([[1, 2], [2, 3], [3, 4], [4, 1]] * 4)
    y = np.array([3, 4, 1, 2] * 4)
    return neural_lm.train_neural_lm, neural_lm.NeuralLM(5, 2, embed_dim=4, hidden=6), (X, y), \
        dict(epochs=1, batch_size=4), 4


def _rnn_lm():
    return rnn.train_rnn_lm, rnn.RNNLM(7, 4, 6), (np.arange(101) % 7,), dict(epochs=1, batch_size=2, window=10), 5


def _char_lm():
    return char_lm.train_char_lm, char_lm.CharLM(7, 4, 6), (np.arange(101) % 7,), \
        dict(steps=3, batch_size=2, window=10), 3


def _adding():
    return adding.train_adding, adding.AddingModel("lstm", hidden_size=4), (6,), dict(steps=3, batch_size=4), 3


def _classifier():
    data = [(np.array([1, 2, 3][: 1 + i % 3]), i % 2) for i in range(12)]
    return classifiers.train_model, classifiers.SequenceClassifier(5, 4, 6), (data,), dict(epochs=1, batch_size=4), 3


def _seq2seq():
    pairs = generated_tasks.reversal_pairs(12, 1, 3, n_symbols=4, seed=0)
    return encoder_decoder.train_seq2seq, encoder_decoder.Seq2Seq(4 + 3, 4, 6), (pairs,), dict(epochs=1, batch_size=4), 3


def _word2vec():
    sents = planted_corpus.planted_corpus(sentences_per_word=2)
    vocab = text.Vocab([t for s in sents for t in s])
    ids = word2vec.encode_sentences(sents, vocab)
    model = word2vec_torch.SkipGram(len(vocab), 4)
    return word2vec_torch.train, model, (ids, vocab.counts), dict(epochs=1, batch_size=2048, sample=0), None


CASES = {"neural_lm": _neural_lm, "rnn_lm": _rnn_lm, "char_lm": _char_lm, "adding": _adding,
         "classifier": _classifier, "seq2seq": _seq2seq, "word2vec": _word2vec}


@pytest.mark.parametrize("name", CASES)
def test_signature_follows_the_convention(name):
    train, *_ = CASES[name]()
    params = inspect.signature(train).parameters
    names = list(params)
    assert names[0] == "model", names
    assert {"steps", "epochs", "seconds"} & set(names), names
    assert {"lr", "progress", "on_step"} <= set(names), names
    assert not SYNONYMS & set(names), SYNONYMS & set(names)
    if name != "word2vec":   # word2vec's sparse SGD touches a few rows: there is no gradient norm to clip
        assert "clip" in names
    doc = inspect.getdoc(train)
    assert "notebook" in doc and "eval mode" in doc, doc
    # a seed parameter exactly where the docstring says something is drawn at random
    assert ("seed" in names) == ("no seed" not in doc), (names, doc)


@pytest.mark.parametrize("name", CASES)
def test_history_on_step_mode_and_global_state(name):
    torch.manual_seed(0)
    train, model, data, kwargs, updates = CASES[name]()
    seen = []
    threads = torch.get_num_threads()
    torch.set_num_threads(2 if threads != 2 else 1)
    expected_threads = torch.get_num_threads()
    rng_before = torch.get_rng_state()
    try:
        history = train(model, *data, progress=False, on_step=lambda step, h: seen.append((step, dict(h))), **kwargs)
        assert torch.get_num_threads() == expected_threads
    finally:
        torch.set_num_threads(threads)
    assert torch.equal(torch.get_rng_state(), rng_before), "the call changed torch's global random state"
    assert not model.training
    units = UNITS & set(history)
    assert len(units) == 1, history.keys()
    losses = history[units.pop()]
    assert all(isinstance(v, float) and np.isfinite(v) for v in losses)
    if updates is not None:
        assert len(losses) == updates
    assert [step for step, _ in seen] == list(range(1, len(losses) + 1))
    assert seen[-1][1].keys() == {k for k in history if isinstance(history[k], list)}


def test_clip_none_turns_clipping_off(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", lambda *a, **k: calls.append(a))
    train, model, data, kwargs, _ = _rnn_lm()
    train(model, *data, clip=None, progress=False, **kwargs)
    assert calls == []
    train(model, *data, clip=5.0, progress=False, **kwargs)
    assert len(calls) == 5
