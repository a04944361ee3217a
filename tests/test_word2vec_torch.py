"""PyTorch skip-gram and CBOW (notebook 03): shapes, sparse gradients, training lowers the loss."""
import copy

import numpy as np
import pytest
import torch

from course_utils.data import planted_corpus
from course_utils import word2vec as w2v, word2vec_torch as wt
from course_utils.data.text import Vocab


def test_loss_matches_the_numpy_reference():
    rng = np.random.default_rng(0)
    v, u_o, U_neg = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 2, 4))
    ref = w2v.negative_sampling_loss_and_grads(v, u_o, U_neg)[0]
    U_out = torch.tensor(np.concatenate([u_o[:, None], U_neg], axis=1))
    got = wt.negative_sampling_loss(torch.tensor(v), U_out).item() / 3  # a sum, the reference a mean
    assert got == pytest.approx(ref)


@pytest.mark.parametrize("Model", [wt.SkipGram, wt.CBOW])
def test_gradients_are_sparse_and_touch_only_the_batch_rows(Model):
    torch.manual_seed(0)
    model = Model(50, 8)
    torch.nn.init.normal_(model.out_embed.weight)
    inputs = torch.tensor([3, 4]) if Model is wt.SkipGram else torch.tensor([[3, 50], [4, 5]])
    loss = model(inputs, torch.tensor([[7, 8, 9], [10, 11, 12]]))
    loss.backward()
    assert model.in_embed.weight.grad.is_sparse and model.out_embed.weight.grad.is_sparse
    touched = set(model.out_embed.weight.grad.coalesce().indices()[0].tolist())
    assert touched == {7, 8, 9, 10, 11, 12}


def test_cbow_padding_row_stays_zero_and_is_not_averaged():
    model = wt.CBOW(10, 4)
    with torch.no_grad():
        model.in_embed.weight[1] = 1.0
    h_one = model.in_embed(torch.tensor([[1, 10]])).sum(1) / 1
    loss_pad = model(torch.tensor([[1, 10]]), torch.tensor([[2, 3]]))
    loss_alone = wt.negative_sampling_loss(h_one, model.out_embed(torch.tensor([[2, 3]])))
    assert loss_pad.item() == pytest.approx(loss_alone.item())
    assert model.vectors().shape == (10, 4)


@pytest.mark.parametrize("Model", [wt.SkipGram, wt.CBOW])
def test_sgd_step_is_the_update_autograd_and_sgd_give(Model):
    # float64 so only rounding separates the two; repeated rows and padding included on purpose
    torch.manual_seed(0)
    auto = Model(50, 8).double()
    with torch.no_grad():
        auto.in_embed.weight.normal_()
        auto.out_embed.weight.normal_()
        if Model is wt.CBOW:
            auto.in_embed.weight[auto.pad] = 0
    hand = copy.deepcopy(auto)
    inputs = (torch.tensor([3, 7, 3, 1]) if Model is wt.SkipGram
              else torch.tensor([[3, 4, 50, 50], [7, 8, 9, 1], [3, 3, 50, 2], [50, 50, 50, 4]]))
    targets = torch.tensor([[1, 2, 5], [6, 9, 1], [1, 1, 3], [4, 2, 2]])
    loss_auto = auto(inputs, targets)
    loss_auto.backward()
    torch.optim.SGD(auto.parameters(), lr=0.1).step()
    loss_hand = wt.sgd_step(hand, inputs, targets, 0.1)
    assert loss_hand.item() == pytest.approx(loss_auto.item(), rel=1e-12)
    for name in ("in_embed", "out_embed"):
        a, h = getattr(auto, name).weight, getattr(hand, name).weight
        assert torch.allclose(a, h, rtol=0, atol=1e-12), name
    if Model is wt.CBOW:
        assert torch.all(hand.in_embed.weight[hand.pad] == 0)


@pytest.mark.parametrize("Model", [wt.SkipGram, wt.CBOW])
def test_training_on_the_planted_corpus_lowers_the_loss(Model):
    sents = planted_corpus.planted_corpus(sentences_per_word=10)
    vocab = Vocab([t for s in sents for t in s])
    ids = w2v.encode_sentences(sents, vocab)
    model = Model(len(vocab), 16)
    hist = wt.train(model, ids, vocab.counts, epochs=4, window=3, batch_size=256, lr=0.05, sample=0,
                    progress=False)
    assert np.mean(hist["nats"][-5:]) < np.mean(hist["nats"][:5]) - 0.3
    assert hist["words"] == 4 * sum(map(len, ids)) and hist["words_per_s"] > 0
    assert wt.word_vectors(model).shape == (len(vocab), 16)


def test_make_examples_shapes():
    rng = np.random.default_rng(0)
    sents = [np.array([1, 2, 3, 4]), np.array([5, 6])]
    keep = np.ones(7)
    c, o = wt.make_examples(sents, keep, "skipgram", 2, rng)
    assert c.shape == o.shape and len(c) > 0
    ctx, centers = wt.make_examples(sents, keep, "cbow", 2, rng)
    assert ctx.shape == (6, 4) and centers.tolist() == [1, 2, 3, 4, 5, 6]
