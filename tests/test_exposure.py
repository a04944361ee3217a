import numpy as np
import pytest
import torch

from course_utils.exposure import (BigramSource, continue_batch, looks_like_prose, prose_starts, splice_test,
                                   target_bits)

TEXT = ("The quick brown fox jumps over the lazy dog and then runs along the river bank. " * 40)
CHARS = sorted(set(TEXT))
IDS = np.array([CHARS.index(c) for c in TEXT])


def test_prose_filter():
    assert looks_like_prose("The object is returned unchanged, as a list.")
    assert not looks_like_prose("----------------------------------------")
    assert not looks_like_prose(">>> d = {'one': 1}")


def test_prose_starts_in_range():
    s = prose_starts(TEXT, 20, 5, 30, np.random.default_rng(0), room=10)
    assert s.shape == (20,) and s.min() >= 5 and s.max() + 30 + 10 <= len(TEXT)


def test_bigram_probabilities_and_sample():
    q = BigramSource(IDS, len(CHARS))
    p = q.log_p.exp()
    assert torch.allclose(p.sum(1), torch.ones(len(CHARS)), atol=1e-5)
    x = q.sample(500, IDS[0], seed=0)
    assert x.shape == (500,) and x.min() >= 0 and x.max() < len(CHARS)
    logits, state = q(torch.as_tensor(x[None, :10]))
    assert logits.shape == (1, 10, len(CHARS)) and state is None


def test_target_bits_matches_bigram():
    q = BigramSource(IDS, len(CHARS))
    prefix, y = torch.as_tensor(IDS[None, :5]), torch.as_tensor(IDS[None, 5:8])
    bits = target_bits(q, prefix, y)
    expect = [-q.log_p[a, b].item() / np.log(2) for a, b in zip(IDS[4:7], IDS[5:8])]
    assert np.allclose(bits[0], expect, atol=1e-5)


def test_continue_batch_shapes_and_greedy():
    q = BigramSource(IDS, len(CHARS))
    out = continue_batch(q, torch.as_tensor(IDS[None, :4]).repeat(3, 1), 6, greedy=True)
    assert out.shape == (3, 6) and (out == out[0]).all()


def test_splice_test_true_process_has_no_excess():
    q = BigramSource(IDS, len(CHARS))
    ids = q.sample(4000, IDS[0], seed=1)
    text = "".join(CHARS[i] for i in ids)
    r = splice_test(q, ids, text, n=200, seed=0)     # the true process, on its own text
    assert r["own"].shape == r["real"].shape == r["clean"].shape == (200, 20)
    assert abs((r["own"] - r["real"]).mean()) < 0.1


def test_prose_starts_says_when_there_is_no_prose():
    with pytest.raises(ValueError, match="prose"):
        prose_starts("-" * 500, 3, 0, 30, np.random.default_rng(0), tries=100)


def test_splice_test_refuses_mismatched_text():
    q = BigramSource(IDS, len(CHARS))
    with pytest.raises(ValueError, match="ids"):
        splice_test(q, IDS[:-1], TEXT)
