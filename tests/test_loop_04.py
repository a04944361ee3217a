"""Notebook 04 writes out the neural LM's training loop; it must give the package's numbers."""
import copy

import pytest
import torch

from course_utils import neural_lm
from course_utils.data import text, planted_corpus
from notebook_code import notebook_function


@pytest.mark.parametrize("clip, seed", [(None, 0), (0.5, 3)])
def test_notebook_train_neural_lm_equals_the_package(clip, seed):
    train_neural_lm = notebook_function("04_language_models.ipynb", "train_neural_lm")
    sentences = planted_corpus.planted_corpus(sentences_per_word=1)
    vocab = text.Vocab([w for s in sentences for w in s], specials=("<s>", "</s>"))
    X, y = neural_lm.context_windows([vocab.encode(s) for s in sentences[:40]], 3,
                                     vocab.index("<s>"), vocab.index("</s>"))
    torch.manual_seed(0)
    model = neural_lm.NeuralLM(len(vocab), 2, embed_dim=8, hidden=12)
    reference = copy.deepcopy(model)
    # 2 epochs of 4 batches (the last one shorter): the shuffle of each epoch, and a partial batch
    batch_size = -(-len(X) // 4)
    ours = train_neural_lm(model, X, y, epochs=2, batch_size=batch_size, lr=0.01, clip=clip, seed=seed)
    theirs = neural_lm.train_neural_lm(reference, X, y, epochs=2, batch_size=batch_size, lr=0.01, clip=clip,
                                       seed=seed, progress=False)
    assert len(ours["nats"]) == 8
    assert ours == theirs
    assert not model.training and not reference.training
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        assert torch.equal(p, q), name
