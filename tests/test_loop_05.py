"""Notebook 05 writes out the RNN LM's training loop; it must give the package's numbers."""
import copy

import pytest
import torch

from course_utils import batching, rnn
from course_utils.data import text, planted_corpus
from notebook_code import notebook_function


@pytest.mark.parametrize("clip", [5.0, 0.1, None])
def test_notebook_train_rnn_lm_equals_the_package(clip):
    train_rnn_lm = notebook_function("05_recurrent_networks.ipynb", "train_rnn_lm")
    sentences = planted_corpus.planted_corpus(sentences_per_word=1)
    vocab = text.Vocab([w for s in sentences for w in s])
    ids = vocab.encode([w for s in sentences[:30] for w in s])
    torch.manual_seed(0)
    model = rnn.RNNLM(len(vocab), 8, 12)
    reference = copy.deepcopy(model)
    # 2 epochs of several windows, the last one shorter: the state is carried, detached, reset each epoch
    ours = train_rnn_lm(model, ids, epochs=2, batch_size=3, window=15, lr=0.01, clip=clip)
    theirs = rnn.train_rnn_lm(reference, ids, epochs=2, batch_size=3, window=15, lr=0.01, clip=clip,
                              progress=False)
    assert len(ours["nats"]) == 2 * batching.num_windows(len(ids), 3, 15) >= 8
    assert ours == theirs
    assert not model.training and not reference.training
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        assert torch.equal(p, q), name
