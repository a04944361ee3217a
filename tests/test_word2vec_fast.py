"""The compiled word2vec path (word2vec_fast) takes the readable path's steps and gives its vectors.

Every test here uses one shape per architecture (batches of 64 from the planted corpus, dim 16),
so the step compiles once per architecture and test process.
"""
import copy

import numpy as np
import pytest
import torch

from course_utils import word2vec as w2v, word2vec_fast as wf, word2vec_torch as wt
from course_utils.data import planted_corpus
from course_utils.data.text import Vocab

BATCH, DIM, WINDOW, K = 64, 16, 3, 5
ARCHITECTURE = {wt.SkipGram: "skipgram", wt.CBOW: "cbow"}


@pytest.fixture(scope="module")
def corpus():
    sents = planted_corpus.planted_corpus(sentences_per_word=4)
    vocab = Vocab([t for s in sents for t in s])
    return w2v.encode_sentences(sents, vocab), vocab.counts


def _model(Model, vocab_size):
    torch.manual_seed(0)
    return Model(vocab_size, DIM)


@pytest.mark.parametrize("Model", [wt.SkipGram, wt.CBOW])
def test_compiled_step_is_sgd_step(Model, corpus):
    # one batch with repeated rows (and CBOW padding), on tables that are not at their start values
    _, counts = corpus
    V = len(counts)
    hand = _model(Model, V)
    with torch.no_grad():
        hand.out_embed.weight.normal_(std=0.3)
    fast, start = copy.deepcopy(hand), copy.deepcopy(hand)
    rng = np.random.default_rng(0)
    targets = torch.from_numpy(rng.integers(1, V, size=(BATCH, 1 + K)))
    targets[1] = targets[0]
    if Model is wt.CBOW:
        inputs = torch.from_numpy(rng.integers(1, V, size=(BATCH, 2 * WINDOW)))
        inputs[::2, 3:] = hand.pad                       # windows cut short
        inputs[1] = inputs[0]
        extra = (hand.pad,)
    else:
        inputs = torch.from_numpy(rng.integers(1, V, size=BATCH))
        inputs[1] = inputs[0]
        extra = ()
    loss_hand = wt.sgd_step(hand, inputs, targets, 0.1)
    W_in, W_out = fast.in_embed.weight.detach(), fast.out_embed.weight.detach()
    loss_fast = wf.compiled_step(ARCHITECTURE[Model])(W_in, W_out, inputs, targets, torch.tensor(0.1), *extra)
    assert loss_fast.item() == pytest.approx(loss_hand.item(), rel=1e-5)
    for name in ("in_embed", "out_embed"):
        h, f = getattr(hand, name).weight, getattr(fast, name).weight
        assert not torch.equal(h, getattr(start, name).weight), name       # the step changed it
        assert torch.allclose(f, h, rtol=0, atol=1e-6), name
    if Model is wt.CBOW:
        assert torch.all(fast.in_embed.weight[fast.pad] == 0)


@pytest.mark.parametrize("Model", [wt.SkipGram, wt.CBOW])
def test_train_fast_gives_train_s_vectors_and_losses(Model, corpus):
    # the same seed: the same examples, noise and learning rates; the last batch of each epoch is shorter
    ids, counts = corpus
    readable, fast = _model(Model, len(counts)), _model(Model, len(counts))
    start = wt.word_vectors(readable).copy()
    kwargs = dict(epochs=2, window=WINDOW, negatives=K, batch_size=BATCH, lr=0.2, seed=3)
    torch.manual_seed(123)
    run_r = wt.train(readable, ids, counts, progress=False, **kwargs)
    global_state = torch.random.get_rng_state()
    run_f = wf.train_fast(fast, ids, counts, **kwargs)
    assert torch.equal(torch.random.get_rng_state(), global_state)      # the global generator is left alone
    assert len(run_f["nats"]) == len(run_r["nats"]) > 2
    assert np.allclose(run_f["nats"], run_r["nats"], rtol=0, atol=1e-4)
    E_r, E_f = wt.word_vectors(readable), wt.word_vectors(fast)
    moved = np.abs(E_r - start).max()
    assert moved > 0.01                                                 # training moved the vectors
    assert np.abs(E_f - E_r).max() < 0.01 * moved                      # ... and both paths alike
    assert np.allclose(fast.out_embed.weight.detach().numpy(), readable.out_embed.weight.detach().numpy(),
                       rtol=0, atol=1e-4)
    assert run_f["words"] == run_r["words"] and run_f["compile_seconds"] >= 0
    assert not fast.training


def test_a_different_seed_gives_different_vectors(corpus):
    # guards the equality test above against a path that ignores the seed
    ids, counts = corpus
    a, b = _model(wt.SkipGram, len(counts)), _model(wt.SkipGram, len(counts))
    kwargs = dict(epochs=1, window=WINDOW, negatives=K, batch_size=BATCH)
    wf.train_fast(a, ids, counts, seed=0, **kwargs)
    wf.train_fast(b, ids, counts, seed=1, **kwargs)
    assert not np.allclose(wt.word_vectors(a), wt.word_vectors(b), atol=1e-4)


def test_bad_arguments_get_train_s_messages(corpus):
    ids, counts = corpus
    model = _model(wt.SkipGram, len(counts))
    with pytest.raises(TypeError, match="model must be a SkipGram or CBOW"):
        wf.train_fast(torch.nn.Linear(2, 2), ids, counts)
    with pytest.raises(ValueError, match=r"window must be an int in \[1, \d+\] .*, got 0"):
        wf.train_fast(model, ids, counts, window=0)
    with pytest.raises(ValueError, match=r"negatives must be an int in \[1, \d+\] \(train_fast holds an epoch's "
                                         r"noise words for \d+ tokens in 2 GB\), got 1000000"):
        wf.train_fast(model, ids, counts, negatives=10**6)
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        wf.train_fast(model, ids, counts, lr=-1)


def test_cpp_compiler_names_the_compiler_or_none(monkeypatch):
    from torch._inductor import cpp_builder, exc

    assert wf.cpp_compiler()            # the compiled step's tests above ran, so there is one here

    def no_compiler():
        raise exc.InvalidCxxCompiler()

    monkeypatch.setattr(cpp_builder, "get_cpp_compiler", no_compiler)
    assert wf.cpp_compiler() is None
