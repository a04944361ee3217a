"""The character LM learns, and bits per character mean what they say."""
import math

import numpy as np
import pytest
import torch

from course_utils import char_lm, rnn, training


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


@pytest.mark.parametrize("schedule, expected", [
    (None, lambda r: 1.0),
    ("cosine", lambda r: (1 + math.cos(math.pi * r)) / 2),
    ("linear", lambda r: 1 - r),
])
def test_scheduled_lr_follows_its_formula(schedule, expected):
    lr, warmup = 0.02, 0.1
    for progress in np.linspace(0, 1, 21):
        got = training.scheduled_lr(lr, progress, schedule, warmup)
        if schedule is not None and progress < warmup:
            want = lr * progress / warmup                       # the linear warm-up from 0
        else:
            want = lr * expected((progress - warmup) / (1 - warmup))
        assert got == pytest.approx(want, abs=1e-12), (schedule, progress)
    if schedule is not None:
        assert training.scheduled_lr(lr, warmup, schedule, warmup) == pytest.approx(lr)   # the peak
        assert training.scheduled_lr(lr, 1.0, schedule, warmup) == pytest.approx(0.0)     # nothing left at the end
        assert training.scheduled_lr(lr, 0.0, schedule, 0.0) == pytest.approx(lr)          # no warm-up


def _adam_loop(model, ids, lrs, batch_size=4, window=10, clip=1.0):
    """The loop train_char_lm runs, written out, with the learning rate lrs[i] at update i."""
    opt = torch.optim.Adam(model.parameters(), lr=lrs[0])
    state, windows = None, char_lm.batching.bptt_windows(ids, batch_size, window)
    for lr, (x, y) in zip(lrs, windows):
        opt.param_groups[0]["lr"] = lr
        state = char_lm.batching.detach_state(state)
        logits, state = model(x, state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
    return model


def _same_weights(a, b):
    return all(torch.allclose(p, q, atol=1e-6) for p, q in zip(a.parameters(), b.parameters()))


def test_the_default_keeps_a_constant_lr_and_a_schedule_sets_each_update():
    ids, steps, lr = np.arange(400) % 9, 6, 0.05

    def fresh():
        torch.manual_seed(0)
        return char_lm.CharLM(9, 4, 8)

    default = fresh()
    char_lm.train_char_lm(default, ids, steps=steps, batch_size=4, window=10, lr=lr, progress=False)
    assert _same_weights(default, _adam_loop(fresh(), ids, [lr] * steps))
    cosine = fresh()
    char_lm.train_char_lm(cosine, ids, steps=steps, batch_size=4, window=10, lr=lr, progress=False,
                          lr_schedule="cosine", warmup=0.2)
    lrs = [training.scheduled_lr(lr, i / steps, "cosine", 0.2) for i in range(steps)]
    assert _same_weights(cosine, _adam_loop(fresh(), ids, lrs))
    assert not _same_weights(cosine, default)


@pytest.mark.parametrize("kwargs, message", [
    ({"lr_schedule": "Cosine"}, r"lr_schedule must be one of 'cosine', 'linear', got 'Cosine'"),
    ({"lr_schedule": "cosine", "warmup": 1.5}, r"warmup must be a finite number >= 0 and <= 1"),
    ({"lr_schedule": "linear", "warmup": 1}, r"warmup must be a fraction of the run below 1"),
])
def test_train_rejects_a_bad_schedule(kwargs, message):
    with pytest.raises(ValueError, match=message):
        char_lm.train_char_lm(char_lm.CharLM(5, 4, 6), np.arange(50) % 5, steps=3, progress=False, **kwargs)
