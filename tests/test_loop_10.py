"""Notebook 10 writes out the char-LM training loop and the sampling loop; they must give the package's numbers."""
import copy

import pytest
import torch

from course_utils import char_lm, sampling
from course_utils.rnn import RNNLM
from notebook_code import notebook_function

TEXT = "The for statement is used to iterate over the elements of a sequence. " * 6


@pytest.fixture(scope="module")
def data():
    vocab = char_lm.CharVocab(TEXT)
    return vocab, vocab.encode(TEXT)


@pytest.mark.parametrize("cell, clip, schedule", [("lstm", 1.0, None), ("rnn", None, None), ("lstm", 1.0, "cosine"),
                                                  ("rnn", 1.0, "cosine")])
def test_notebook_train_char_lm_equals_the_package(data, cell, clip, schedule):
    train_char_lm = notebook_function("10_char_lm_sampling.ipynb", "train_char_lm")
    vocab, ids = data
    torch.manual_seed(0)
    model = char_lm.CharLM(len(vocab), 8, 16, cell="lstm") if cell == "lstm" else RNNLM(len(vocab), 8, 16)
    reference = copy.deepcopy(model)
    seen, seen_ref = [], []
    # 4 windows of 10 per pass over the text: 7 updates start a second pass (the state reset)
    ours = train_char_lm(model, ids, 7, 10, 10, 0.02, clip=clip, lr_schedule=schedule,
                         on_step=lambda s, h: seen.append((s, len(h["bits"]))))
    theirs = char_lm.train_char_lm(reference, ids, steps=7, batch_size=10, window=10, lr=0.02, clip=clip,
                                   progress=False, lr_schedule=schedule,
                                   on_step=lambda s, h: seen_ref.append((s, len(h["bits"]))))
    assert ours == theirs and len(ours["bits"]) == 7
    assert seen == seen_ref == [(s, s) for s in range(1, 8)]
    assert not model.training and not reference.training
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        assert torch.equal(p, q), name


@pytest.mark.parametrize("method, temperature, k", [("temperature", 1.0, 10), ("temperature", 0.6, 10),
                                                    ("temperature", 2.5, 10), ("top_k", 1.0, 3),
                                                    ("top_k", 1.7, 1), ("greedy", 1.0, 10)])
def test_notebook_generate_equals_the_package(data, method, temperature, k):
    generate = notebook_function("10_char_lm_sampling.ipynb", "generate")
    vocab, ids = data
    torch.manual_seed(1)
    model = char_lm.CharLM(len(vocab), 8, 16, cell="lstm")
    char_lm.train_char_lm(model, ids, steps=4, batch_size=4, window=20, lr=0.05, progress=False)
    prompt = vocab.encode("The for ")
    for seed in (0, 5):
        ours = generate(model, prompt, 40, method=method, temperature=temperature, k=k, seed=seed)
        theirs = sampling.generate(model, prompt, 40, method=method, temperature=temperature, k=k, seed=seed)
        assert ours == theirs
