"""word2vec in numpy: pairs, windows, subsampling, noise, loss and gradients (notebook 02)."""
import numpy as np
import pytest

from course_utils import gradients, word2vec as w2v


def test_pairs_of_the_lecture_sentence_with_window_2():
    words = "the quick brown fox jumps".split()
    pairs = [(words[a], words[b]) for a, b in w2v.skipgram_pairs(np.arange(5), 2)]
    assert pairs[:5] == [("the", "quick"), ("the", "brown"),
                         ("quick", "the"), ("quick", "brown"), ("quick", "fox")]
    assert len(pairs) == 14  # 2 + 3 + 4 + 3 + 2


@pytest.mark.parametrize("window", [1, 2, 3, 7])
def test_pair_count_matches_the_formula(window):
    n = 10
    expected = sum(min(window, i) + min(window, n - 1 - i) for i in range(n))
    assert len(w2v.skipgram_pairs(np.arange(n), window)) == expected


def test_shrunk_windows_use_near_words_more_often():
    pairs = w2v.skipgram_pairs(np.arange(20_000), 5, shrink=True, rng=0)
    dist = np.bincount(np.abs(pairs[:, 0] - pairs[:, 1]), minlength=6)[1:]
    assert np.all(np.diff(dist) < 0)                          # near > far
    assert dist[4] / dist[0] == pytest.approx(1 / 5, abs=0.02)  # P(use d) = (w - d + 1) / w


def test_corpus_pairs_never_cross_a_sentence_boundary():
    ids = np.arange(10)
    sentence_of = np.array([0] * 4 + [1] * 6)
    pairs = w2v.corpus_pairs(ids, sentence_of, 3)
    assert np.all(sentence_of[pairs[:, 0]] == sentence_of[pairs[:, 1]])
    both = np.concatenate([w2v.skipgram_pairs(ids[:4], 3), w2v.skipgram_pairs(ids[4:], 3)])
    assert sorted(map(tuple, pairs.tolist())) == sorted(map(tuple, both.tolist()))


def test_cbow_windows_pad_at_the_ends_and_between_sentences():
    ctx, centers = w2v.cbow_windows(np.array([5, 6, 7, 8]), 2, sentence_of=np.array([0, 0, 0, 1]))
    assert centers.tolist() == [5, 6, 7]  # 8 is alone in its sentence: no context, dropped
    assert ctx.tolist() == [[-1, -1, 6, 7], [-1, 5, 7, -1], [5, 6, -1, -1]]


def _cbow_windows_slowly(ids, window, win, sentence_of, pad=-1):
    """One position at a time, straight from the definition."""
    rows, centers = [], []
    for i in range(len(ids)):
        row = []
        for offset in [*range(-window, 0), *range(1, window + 1)]:
            j = i + offset
            inside = 0 <= j < len(ids) and abs(offset) <= win[i] and sentence_of[j] == sentence_of[i]
            row.append(ids[j] if inside else pad)
        if any(w != pad for w in row):
            rows.append(row)
            centers.append(ids[i])
    return rows, centers


def test_cbow_windows_match_the_definition_on_random_corpora():
    rng = np.random.default_rng(0)
    for trial in range(100):
        n, window = int(rng.integers(1, 40)), int(rng.integers(1, 5))
        ids, sentence_of = rng.integers(0, 9, n), np.sort(rng.integers(0, 4, n))
        win = w2v.effective_windows(n, window, shrink=True, rng=trial)
        ctx, centers = w2v.cbow_windows(ids, window, shrink=True, rng=trial, sentence_of=sentence_of)
        want_ctx, want_centers = _cbow_windows_slowly(ids, window, win, sentence_of)
        assert ctx.tolist() == want_ctx and centers.tolist() == want_centers


def test_keep_probabilities_follow_the_word2vec_formula():
    counts = np.array([0, 1000, 10, 1])
    keep = w2v.keep_probabilities(counts, sample=1e-2)
    f = 1000 / 1011
    assert keep[1] == pytest.approx((np.sqrt(f / 1e-2) + 1) * 1e-2 / f)
    assert keep[3] == 1.0 and keep[0] == 1.0
    assert np.all(w2v.keep_probabilities(counts, sample=0) == 1)


def test_subsampling_drops_frequent_words_at_the_planned_rate():
    keep = np.array([1.0, 0.25])
    ids = np.array([0, 1] * 20_000)
    kept = w2v.subsample(ids, keep, rng=0)
    assert (kept == 0).sum() == 20_000
    assert (kept == 1).sum() / 20_000 == pytest.approx(0.25, abs=0.01)


def test_noise_distribution_is_flatter_than_the_unigram():
    counts = np.array([0, 1000, 100, 10])
    p = w2v.noise_distribution(counts)
    unigram = counts / counts.sum()
    assert p[0] == 0 and p.sum() == pytest.approx(1)
    assert p[1] < unigram[1] and p[3] > unigram[3]
    assert p[1] / p[2] == pytest.approx(10 ** 0.75)


def test_sampler_and_table_draw_with_the_right_frequencies():
    p = w2v.noise_distribution(np.array([0, 50, 30, 20, 0, 5]))
    draws = w2v.NoiseSampler(p, seed=0).sample((100_000, 5))
    assert draws.shape == (100_000, 5)
    assert np.allclose(np.bincount(draws.ravel(), minlength=6) / draws.size, p, atol=0.003)
    table = w2v.unigram_table(p, size=100_000)
    assert np.allclose(np.bincount(table, minlength=6) / len(table), p, atol=1e-4)


def _case(seed, B=3, K=4, d=5):
    rng = np.random.default_rng(seed)
    return {"v_c": rng.normal(0, 0.5, (B, d)), "u_o": rng.normal(0, 0.5, (B, d)),
            "U_neg": rng.normal(0, 0.5, (B, K, d))}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_negative_sampling_gradients_pass_the_gradient_check(seed):
    P = _case(seed)
    _, g_v, g_o, g_n = w2v.negative_sampling_loss_and_grads(P["v_c"], P["u_o"], P["U_neg"])
    errors = gradients.gradient_check(
        lambda: w2v.negative_sampling_loss_and_grads(P["v_c"], P["u_o"], P["U_neg"])[0],
        P, {"v_c": g_v, "u_o": g_o, "U_neg": g_n}, eps=1e-5)
    assert max(errors.values()) < 1e-6, errors


def test_negative_sampling_loss_value_by_hand():
    v, u = np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]])
    U_neg = np.array([[[0.0, 3.0]]])  # orthogonal noise word: s(0) = 1/2
    loss = w2v.negative_sampling_loss_and_grads(v, u, U_neg)[0]
    assert loss == pytest.approx(-np.log(1 / (1 + np.exp(-2))) + np.log(2))


def test_softmax_gradients_pass_the_gradient_check():
    rng = np.random.default_rng(0)
    v_c, U = rng.normal(0, 0.5, 4), rng.normal(0, 0.5, (7, 4))
    _, g_v, g_U = w2v.softmax_loss_and_grads(v_c, 2, U)
    errors = gradients.gradient_check(lambda: w2v.softmax_loss_and_grads(v_c, 2, U)[0],
                                      {"v_c": v_c, "U": U}, {"v_c": g_v, "U": g_U}, eps=1e-5)
    assert max(errors.values()) < 1e-6


def test_timing_returns_one_row_per_vocabulary_size():
    out = w2v.time_softmax_vs_negative_sampling([100, 1000], dim=8, repeats=2)
    assert out["vocab_sizes"] == [100, 1000] and len(out["softmax_s"]) == 2
    assert all(t > 0 for t in out["softmax_s"] + out["negative_s"])


def test_pairs_for_display():
    info = w2v.pairs_for_display("the quick brown fox jumps".split(), 1, 0)
    assert info["pairs"] == [("the", "quick")] and info["n_pairs_sentence"] == 8


def test_encode_sentences_drops_unknown_words_and_splits_long_ones():
    from course_utils.data.text import Vocab
    vocab = Vocab("a b a b c".split())
    out = w2v.encode_sentences([["a", "zzz", "b", "a", "b", "c"]], vocab, max_len=3)
    assert [s.tolist() for s in out] == [[vocab.index("a"), vocab.index("b"), vocab.index("a")],
                                         [vocab.index("b"), vocab.index("c")]]


def test_window_longer_than_the_sentence():
    assert len(w2v.skipgram_pairs(np.array([7, 8, 9]), 5)) == 6
    assert len(w2v.skipgram_pairs(np.array([7]), 3)) == 0
