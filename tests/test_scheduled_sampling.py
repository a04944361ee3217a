"""Scheduled sampling (notebook 10): the notebook's loop gives the package's numbers, and the mixing does what it says."""
import copy

import pytest
import torch

from course_utils import char_lm
from course_utils.scheduled_sampling import mix_own_samples, train_scheduled
from notebook_code import notebook_function

TEXT = "The for statement is used to iterate over the elements of a sequence. " * 6


@pytest.fixture(scope="module")
def data():
    vocab = char_lm.CharVocab(TEXT)
    return vocab, vocab.encode(TEXT)


def small_lm(vocab, seed=0):
    torch.manual_seed(seed)
    return char_lm.CharLM(len(vocab), 8, 16, cell="lstm")


@pytest.mark.parametrize("eps_max, clip", [(0.0, 1.0), (0.5, 1.0), (1.0, None)])
def test_notebook_train_scheduled_equals_the_package(data, eps_max, clip):
    ours_fn = notebook_function("10_char_lm_sampling.ipynb", "train_scheduled", "mix_own_samples")
    vocab, ids = data
    model = small_lm(vocab)
    reference = copy.deepcopy(model)
    ours = ours_fn(model, ids, 4, 10, 10, 0.02, eps_max, seed=3, clip=clip)
    theirs = train_scheduled(reference, ids, 4, 10, 10, 0.02, eps_max, seed=3, clip=clip, progress=False)
    assert ours == theirs and len(ours["bits"]) == 4
    assert not model.training and not reference.training
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        assert torch.equal(p, q), name


def test_eps_max_zero_is_teacher_forcing(data):
    vocab, ids = data
    model = small_lm(vocab)
    reference = copy.deepcopy(model)
    ours = train_scheduled(model, ids, 4, 10, 10, 0.02, 0.0, progress=False)
    theirs = char_lm.train_char_lm(reference, ids, steps=4, batch_size=10, window=10, lr=0.02, progress=False)
    assert ours == theirs


def test_mixing_keeps_the_first_input_and_replaces_at_rate_eps(data):
    vocab, ids = data
    model = small_lm(vocab).eval()
    x = torch.as_tensor(ids[:400]).reshape(8, 50)
    gen = torch.Generator().manual_seed(0)
    assert torch.equal(mix_own_samples(model, x, None, 0.0, gen), x)
    mixed = mix_own_samples(model, x, None, 0.3, gen)
    assert torch.equal(mixed[:, 0], x[:, 0]) and mixed.shape == x.shape
    changed = (mixed[:, 1:] != x[:, 1:]).float().mean().item()
    assert 0.1 < changed < 0.35        # at most eps; less where a draw happens to equal the true character


def test_mixing_draws_from_the_models_prediction(data):
    vocab, ids = data
    model = small_lm(vocab).eval()
    with torch.no_grad():
        model.fc.bias[:] = -50.0
        model.fc.bias[vocab.stoi["q"]] = 50.0      # the model always predicts "q"
    x = torch.as_tensor(ids[:60]).reshape(3, 20)
    mixed = mix_own_samples(model, x, None, 1.0, torch.Generator().manual_seed(0))
    assert (mixed[:, 1:] == vocab.stoi["q"]).all()


@pytest.mark.parametrize("kwargs, match", [({"eps_max": 1.5}, "eps_max"), ({"eps_max": -0.1}, "eps_max"),
                                           ({"steps": 10_000}, "one pass"), ({"lr": 0}, "lr")])
def test_bad_arguments(data, kwargs, match):
    vocab, ids = data
    args = {"steps": 2, "batch_size": 4, "window": 10, "lr": 0.01, "eps_max": 0.2, **kwargs}
    with pytest.raises(ValueError, match=match):
        train_scheduled(small_lm(vocab), ids, progress=False, **args)
