"""Notebook 11 writes out its training loop; it must train exactly like classifiers.train_model."""
import copy

import pytest
import torch
from notebook_code import notebook_function

from course_utils import classifiers
from course_utils.data import generated_tasks
from course_utils.data.text import Vocab

train_model = notebook_function("11_sequence_classification.ipynb", "train_model")


def _classifier():
    reviews = generated_tasks.negation_sentiment(40, seed=0)
    vocab = Vocab([w for tokens, _ in reviews for w in tokens], pad=True)
    torch.manual_seed(0)
    return classifiers.SequenceClassifier(len(vocab), 8, 8, pooling="mean"), classifiers.encode_examples(reviews, vocab)


def _tagger_with_dropout():
    sentences = generated_tasks.bio_tagging(30, seed=0)
    vocab = Vocab([w for tokens, _ in sentences for w in tokens], pad=True)
    tag_ids = {t: i for i, t in enumerate(generated_tasks.TAGS)}
    torch.manual_seed(0)
    model = classifiers.LSTMTagger(len(vocab), len(generated_tasks.TAGS), 8, 8, num_layers=2, dropout=0.5)
    return model, classifiers.encode_examples(sentences, vocab, tag_ids)


@pytest.mark.parametrize("make", [_classifier, _tagger_with_dropout])
def test_notebook_loop_equals_package_loop(make):
    model, data = make()
    twin = copy.deepcopy(model)
    settings = dict(epochs=2, batch_size=16, lr=1e-2, clip=0.5, seed=3)
    torch.manual_seed(1)                  # dropout draws from the global generator
    mine = train_model(model, data, **settings)
    torch.manual_seed(1)
    reference = classifiers.train_model(twin, data, progress=False, **settings)
    assert len(mine["nats"]) == 2 * -(-len(data) // 16)
    assert mine == reference
    assert not model.training and not twin.training
    for (name, p), q in zip(model.named_parameters(), twin.parameters()):
        assert torch.equal(p, q), name
