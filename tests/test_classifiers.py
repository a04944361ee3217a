"""Classifiers, tagger, training and B-I-O F1 of notebooks 11 and 12."""
import numpy as np
import pytest
import torch

from course_utils import classifiers as M
from course_utils.data import generated_tasks as T
from course_utils.data.text import Vocab


def test_bio_spans_by_hand():
    assert M.bio_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"]) == {
        ("PER", 0, 2), ("LOC", 3, 4), ("LOC", 4, 6)}
    assert M.bio_spans(["O", "I-LOC", "I-LOC", "I-PER"]) == {("LOC", 1, 3), ("PER", 3, 4)}
    assert M.bio_spans([]) == set()


@pytest.mark.parametrize("bad", [["B-"], ["X-PER"], ["b-per"], [3]])
def test_bio_spans_rejects_bad_tags(bad):
    with pytest.raises(ValueError, match="tags must be"):
        M.bio_spans(bad)


def test_entity_f1_counts_exact_matches_only():
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    assert M.entity_f1(gold, gold)["f1"] == 1.0
    half = M.entity_f1(gold, [["B-PER", "O", "O", "B-LOC"]])  # PER span cut short: wrong entity
    assert half["precision"] == 0.5 and half["recall"] == 0.5 and half["correct"] == 1
    assert M.entity_f1(gold, [["O"] * 4])["f1"] == 0.0
    with pytest.raises(ValueError, match="same number of sentences"):
        M.entity_f1(gold, [])
    with pytest.raises(ValueError, match="sentence 0"):
        M.entity_f1(gold, [["O"]])


@pytest.mark.parametrize("kwargs, match", [(dict(hidden_size=0), "hidden_size"),
                                           (dict(dropout=0.5), "num_layers >= 2"),
                                           (dict(num_layers=2, dropout=1.0), r"dropout must be in \[0, 1\)")])
def test_classifier_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        M.SequenceClassifier(10, **kwargs)


def test_shapes_of_every_model():
    ids, lengths = torch.tensor([[3, 4, 5], [6, 0, 0]]), torch.tensor([3, 1])
    for pooling in M.POOLINGS:
        assert M.SequenceClassifier(10, 4, 3, n_classes=3, pooling=pooling)(ids, lengths).shape == (2, 3)
    assert M.BagOfEmbeddings(10, 4)(ids, lengths).shape == (2, 2)
    assert M.LSTMTagger(10, 5, 4, 3)(ids, lengths).shape == (2, 3, 5)
    deep = M.LSTMTagger(10, 5, 4, 3, num_layers=2, dropout=0.3)
    assert deep.lstm.num_layers == 2 and deep.lstm.dropout == 0.3


def test_bag_of_embeddings_cannot_tell_word_orders_apart_but_an_lstm_can():
    torch.manual_seed(0)
    a, b = torch.tensor([[3, 4, 5]]), torch.tensor([[5, 3, 4]])
    n = torch.tensor([3])
    bag = M.BagOfEmbeddings(10, 4)
    assert torch.allclose(bag(a, n), bag(b, n))
    lstm = M.SequenceClassifier(10, 4, 3)
    assert not torch.allclose(lstm(a, n), lstm(b, n))


def test_training_learns_negation_where_the_bag_cannot():
    torch.manual_seed(0)
    train, test = T.negation_sentiment(1500, seed=0), T.negation_sentiment(300, seed=1)
    vocab = Vocab([w for s, _ in train for w in s], pad=True)
    tr, te = M.encode_examples(train, vocab), M.encode_examples(test, vocab)
    lstm = M.SequenceClassifier(len(vocab), 16, 24, pooling="bi")
    losses = M.train_model(lstm, tr, epochs=4, progress=False)["nats"]
    assert np.mean(losses[-10:]) < np.mean(losses[:10])
    bag = M.BagOfEmbeddings(len(vocab), 16)
    M.train_model(bag, tr, epochs=4, progress=False)
    assert M.accuracy(lstm, te) > 0.9 > 0.8 > M.accuracy(bag, te)


def test_tagger_trains_and_predicts_one_tag_per_token():
    torch.manual_seed(0)
    data = T.bio_tagging(400, seed=0)
    vocab = Vocab([w for s, _ in data for w in s], pad=True)
    tag_ids = {t: i for i, t in enumerate(T.TAGS)}
    enc = M.encode_examples(data, vocab, tag_ids)
    tagger = M.LSTMTagger(len(vocab), len(T.TAGS), 16, 16)
    M.train_model(tagger, enc, epochs=4, batch_size=16, progress=False)
    preds = M.predict(tagger, enc)
    assert [len(p) for p in preds] == [len(t) for t, _ in data]
    assert M.accuracy(tagger, enc) > 0.8
    with pytest.raises(ValueError, match="one per token"):
        M.encode_examples([(["a", "b"], ["O"])], vocab, tag_ids)


def test_prefix_probabilities_shape_and_last_row_matches_the_full_sentence():
    torch.manual_seed(0)
    model = M.SequenceClassifier(10, 4, 3, pooling="bi")
    probs = M.prefix_probabilities(model, [3, 4, 5, 6])
    assert probs.shape == (4, 2) and np.allclose(probs.sum(1), 1, atol=1e-6)
    full = torch.softmax(model(torch.tensor([[3, 4, 5, 6]]), torch.tensor([4])), -1)[0].detach().numpy()
    assert np.allclose(probs[-1], full, atol=1e-6)
    with pytest.raises(ValueError, match="at least one word id"):
        M.prefix_probabilities(model, [])


def test_pad_and_unk_have_different_ids_and_only_unk_learns():
    vocab = Vocab("the movie was good".split(), pad=True)
    assert (vocab.pad_id, vocab.unk_id) == (M.PAD_ID, 1)
    (ids, _), = M.encode_examples([("the movie was superb".split(), 1)], vocab)
    assert ids.tolist() == [vocab.index(w) for w in ("the", "movie", "was")] + [vocab.unk_id]
    torch.manual_seed(0)
    for model in (M.SequenceClassifier(len(vocab), 4, 3), M.BagOfEmbeddings(len(vocab), 4),
                  M.LSTMTagger(len(vocab), 2, 4, 3)):
        before = model.embed.weight.detach().clone()
        batch = torch.tensor([[*ids, M.PAD_ID]]), torch.tensor([len(ids)])
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        model(*batch).sum().backward()
        opt.step()
        after = model.embed.weight.detach()
        assert torch.all(before[M.PAD_ID] == 0) and torch.all(after[M.PAD_ID] == 0), type(model).__name__
        assert not torch.allclose(after[vocab.unk_id], before[vocab.unk_id]), type(model).__name__


def test_encode_examples_refuses_a_vocab_without_a_pad():
    with pytest.raises(ValueError, match=r"vocab must keep id 0 for the pad.*pad=True"):
        M.encode_examples([(["a"], 1)], Vocab(["a"]))
