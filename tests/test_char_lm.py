"""The character LM learns, and bits per character mean what they say."""
import math

import numpy as np
import pytest
import torch

from course_utils import char_lm, rnn


def test_vocab_round_trip_and_unknown_characters():
    v = char_lm.CharVocab("hello world")
    assert v.decode(v.encode("hello")) == "hello"
    assert v.encode("hz")[1] == 0 and len(v) == 9
    with pytest.raises(ValueError, match="text must be a non-empty string"):
        char_lm.CharVocab("")


def test_split_text_by_position():
    train, held = char_lm.split_text("abcdefghij", 0.2)
    assert (train, held) == ("abcdefgh", "ij")
    with pytest.raises(ValueError, match="heldout_fraction must be in"):
        char_lm.split_text("abc", 1.0)


def test_untrained_model_is_near_uniform_and_training_beats_unigram():
    torch.manual_seed(0)
    text = "the cat sat on the mat. " * 80
    v = char_lm.CharVocab(text)
    ids = v.encode(text)
    model = char_lm.CharLM(len(v), embed_dim=8, hidden_size=32, cell="lstm")
    before = char_lm.bits_per_char(model, ids[:400], batch_size=2, window=50)
    assert abs(before - math.log2(len(v))) < 0.5
    losses = char_lm.train_char_lm(model, ids, steps=60, batch_size=4, window=24, lr=1e-2, progress=False)["bits"]
    assert len(losses) == 60
    after = char_lm.bits_per_char(model, ids[:400], batch_size=2, window=50)
    unigram = char_lm.unigram_bits_per_char(ids, ids[:400], len(v))
    # a repeated sentence is almost fully predictable from context, not from frequencies
    assert after < 0.5 * unigram
    assert char_lm.next_char_accuracy(model, ids[:400], batch_size=2, window=50) > 0.8


def test_train_loop_accepts_the_rnn_lm_and_a_time_budget():
    torch.manual_seed(0)
    ids = np.arange(200) % 7
    model = rnn.RNNLM(7, embed_dim=4, hidden_size=8)
    losses = char_lm.train_char_lm(model, ids, seconds=0.2, batch_size=2, window=10, progress=False)["bits"]
    assert len(losses) >= 1


def test_forget_bias_is_applied_and_cells_are_named():
    m = char_lm.CharLM(5, 4, 6, cell="lstm", forget_bias=2.0)
    assert torch.allclose((m.rnn.bias_ih_l0 + m.rnn.bias_hh_l0)[6:12], torch.full((6,), 2.0))


@pytest.mark.parametrize("kwargs, message", [
    ({}, "give steps or seconds"),
    ({"steps": 0}, "steps must be an int >= 1"),
    ({"steps": 3, "clip": 0}, "clip must be a finite number > 0"),
])
def test_train_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        char_lm.train_char_lm(char_lm.CharLM(5, 4, 6), np.arange(50) % 5, progress=False, **kwargs)
