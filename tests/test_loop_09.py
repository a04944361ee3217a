"""Notebook 09 writes out the adding-problem training loop and two LSTM variant steps; they must give the package's numbers."""
import copy

import pytest
import torch

from course_utils import adding, lstm_variants
from notebook_code import notebook_function


@pytest.mark.parametrize("kind, clip", [("rnn", 1.0), ("lstm", 1.0), ("gru", None)])
def test_notebook_train_adding_equals_the_package(kind, clip):
    train_adding = notebook_function("09_lstm_gru.ipynb", "train_adding")
    torch.manual_seed(0)
    model = adding.AddingModel(kind, hidden_size=4)
    reference = copy.deepcopy(model)
    ours = train_adding(model, 6, steps=5, batch_size=8, lr=0.05, clip=clip, seed=3, eval_every=2)
    theirs = adding.train_adding(reference, 6, steps=5, batch_size=8, lr=0.05, clip=clip, seed=3, eval_every=2,
                                progress=False)
    assert ours == theirs
    assert ours["heldout_steps"] == [2, 4, 5]
    assert not model.training and not reference.training
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        assert torch.equal(p, q), name


@pytest.mark.parametrize("name", ["lstm_step_no_forget", "lstm_step_coupled"])
def test_notebook_lstm_variants_equal_the_package(name):
    ours = notebook_function("09_lstm_gru.ipynb", name)
    torch.manual_seed(0)
    D, H, B = 3, 4, 5
    args = (torch.randn(B, D), torch.randn(B, H), torch.randn(B, H), torch.randn(4 * H, D), torch.randn(4 * H, H),
            torch.randn(4 * H), torch.randn(4 * H))
    for mine, theirs in zip(ours(*args), getattr(lstm_variants, name)(*args)):
        assert torch.equal(mine, theirs)
