import numpy as np
import pytest
import torch

from course_utils import embeddings as emb


def test_one_hot_matches_the_lecture_example():
    e = emb.one_hot([4], 10)[0]
    assert e.tolist() == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def test_lookup_equals_one_hot_matmul_exactly():
    rng = np.random.default_rng(0)
    E = rng.normal(size=(50, 8)).astype(np.float32)
    ids = rng.integers(0, 50, size=20)
    assert np.array_equal(emb.one_hot(ids, 50) @ E, E[ids])
    layer = torch.nn.Embedding(50, 8)
    layer.weight.data = torch.from_numpy(E)
    assert torch.equal(layer(torch.from_numpy(ids)), torch.from_numpy(emb.one_hot(ids, 50)) @ layer.weight)


def test_one_hot_cosines_are_zero_off_the_diagonal():
    S = emb.cosine_matrix(emb.one_hot(np.arange(6), 6))
    assert np.array_equal(S, np.eye(6))


def test_cosine_of_zero_row_is_zero_not_nan():
    S = emb.cosine_matrix(np.array([[0.0, 0.0], [1.0, 0.0]]))
    assert np.isfinite(S).all() and S[0, 1] == 0


def test_nearest_neighbours_finds_the_closest_rows():
    E = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
    nn = emb.nearest_neighbours(E, 0, k=2)
    assert [i for i, _ in nn] == [1, 2]
    assert nn[0][1] == pytest.approx(0.9 / np.hypot(0.9, 0.1))


def test_window_input_bytes_from_the_lecture():
    # a window of 10 one-hot words, vocabulary 100 000: a million numbers
    assert emb.window_input_bytes(10, 100_000, bytes_per_number=1) == 1_000_000
    assert emb.window_input_bytes(10, 100_000, dim=100, batch=2) == 2 * 10 * 100 * 4


def test_compare_pair_reports_both_cosines():
    E = np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0]])
    r = emb.compare_pair(E, 0, 1, k=1)
    assert r["onehot_cosine"] == 0.0 and r["dense_cosine"] > 0.99
    assert r["neighbours_i"][0][0] == 1
    assert emb.compare_pair(E, 2, 2, k=1)["onehot_cosine"] == pytest.approx(1.0)


def test_timing_returns_one_row_per_vocabulary_size():
    t = emb.time_onehot_vs_lookup([10, 100], dim=4, n_words=8, repeats=1)
    assert t["vocab_sizes"] == [10, 100] and len(t["matmul_s"]) == 2
    assert all(s > 0 for s in t["matmul_s"] + t["lookup_s"])
    assert t["onehot_bytes"] == [8 * 10 * 4, 8 * 100 * 4]
