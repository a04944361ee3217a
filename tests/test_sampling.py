"""Sampling methods do what they claim on a model whose answer we know."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from course_utils import sampling


class FixedLM(nn.Module):
    """Next-token logits depend only on the current token: a known Markov chain."""

    def __init__(self, table):
        super().__init__()
        self.table = nn.Parameter(torch.log(torch.tensor(table, dtype=torch.float64)))

    def forward(self, ids, state=None):
        return self.table[ids], state if state is not None else torch.zeros(1, ids.shape[0], 1)


# From 0: to 1 (0.6) or 2 (0.4). From 1: anywhere (1/3). From 2: surely to 2.
# Greedy picks 0 -> 1 -> (tie) ..., total prob 0.6 * 1/3 = 0.2; beam finds 0 -> 2 -> 2, prob 0.4.
TABLE = [[0.0 + 1e-9, 0.6, 0.4], [1 / 3, 1 / 3, 1 / 3], [1e-9, 1e-9, 1.0]]


def test_temperature_sharpens_and_flattens():
    z = np.array([2.0, 1.0, 0.0])
    p1, cold, hot = (sampling.softmax_with_temperature(z, T) for T in (1.0, 0.1, 10.0))
    assert np.isclose(p1.sum(), 1) and np.allclose(p1, np.exp(z) / np.exp(z).sum())
    assert cold[0] > 0.99 and hot.max() - hot.min() < 0.1


def test_top_k_keeps_only_k_tokens():
    z = np.array([3.0, 1.0, 2.0, 0.0])
    p = sampling.top_k_probs(z, 2)
    assert np.count_nonzero(p) == 2 and p[0] > p[2] > 0 and np.isclose(p.sum(), 1)
    with pytest.raises(ValueError, match=r"k must be an int in \[1, 4\]"):
        sampling.top_k_probs(z, 5)


def test_greedy_and_sampling_follow_the_chain():
    model = FixedLM(TABLE)
    assert sampling.generate(model, [2], 5, method="greedy") == [2] * 5
    draws = sampling.generate(model, [0], 1, method="temperature", seed=1)
    assert draws[0] in (1, 2)
    firsts = [sampling.generate(model, [0], 1, seed=s)[0] for s in range(300)]
    assert abs(np.mean(np.array(firsts) == 1) - 0.6) < 0.1
    with pytest.raises(ValueError, match=r"n must be an int in \[1, 100000\]"):
        sampling.generate(model, [0], 0)


def test_beam_search_finds_the_more_probable_continuation():
    model = FixedLM(TABLE)
    greedy = sampling.generate(model, [0], 2, method="greedy")
    beam, log_p = sampling.beam_search(model, [0], 2, beam_width=2)
    assert greedy[0] == 1 and beam == [2, 2]
    assert np.isclose(log_p, math.log(0.4))
    assert np.isclose(sampling.continuation_log_prob(model, [0], beam), log_p)
    assert sampling.continuation_log_prob(model, [0], greedy) < log_p
    width_one, _ = sampling.beam_search(model, [0], 2, beam_width=1)
    assert width_one[0] == 1
    with pytest.raises(ValueError, match=r"beam_width must be an int in \[1, 1000\]"):
        sampling.beam_search(model, [0], 2, beam_width=0)


def test_distinct_ngrams_detect_loops():
    assert sampling.distinct_ngram_fraction("abcabcabcabcabc", 3) < 0.3
    assert sampling.distinct_ngram_fraction("the quick brown fox", 3) == 1.0
    with pytest.raises(ValueError, match="shorter than n"):
        sampling.distinct_ngram_fraction("ab", 3)
