"""n-gram counting, add-k smoothing, perplexity and sparsity (notebook 04)."""
import math

import numpy as np
import pytest

from course_utils import ngram
from course_utils.checks import ngram as ex04

BOS, EOS = 1, 2
TRAIN = [[3, 4, 5], [3, 4, 4, 5], [5, 3]]


def test_counts_follow_the_padded_sequences():
    model = ngram.NGramLM(2, vocab_size=6, bos=BOS, eos=EOS).fit(TRAIN)
    assert model.context_counts[(BOS,)] == 3
    assert model.next_counts[(3,)] == {4: 2, EOS: 1}
    assert sum(model.context_counts.values()) == sum(len(s) + 1 for s in TRAIN)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("k", [1.0, 0.1, 0.001])
def test_add_k_distributions_sum_to_one(n, k):
    model = ngram.NGramLM(n, vocab_size=6, bos=BOS, eos=EOS).fit(TRAIN)
    for context in [(3, 4), (BOS, BOS), (0, 0)]:  # seen, seen, never seen
        probs = model.next_word_probs(context, k)
        assert probs.sum() == pytest.approx(1.0)
        assert model.prob(context, 4, k) == pytest.approx(probs[4])
    assert model.prob((9, 9, 3, 4), 5, 0.1) == model.prob((3, 4)[-(n - 1):] if n > 1 else (), 5, 0.1)


def test_add_k_formula_by_hand():
    model = ngram.NGramLM(2, vocab_size=6, bos=BOS, eos=EOS).fit(TRAIN)
    # c(3, 4) = 2, c(3) = 3
    assert model.prob((3,), 4, k=0.5) == pytest.approx((2 + 0.5) / (3 + 0.5 * 6))
    assert model.prob((0,), 4, k=0.5) == pytest.approx(1 / 6)  # unseen context: uniform


def test_perplexity_of_a_uniform_guess_is_the_vocabulary_size():
    scores = ngram.perplexity(np.log(np.full(7, 1 / 6)))
    assert scores["perplexity"] == pytest.approx(6)
    assert scores["bits_per_token"] == pytest.approx(math.log2(6))
    assert scores["tokens"] == 7


def test_log_probs_score_every_word_and_the_end():
    model = ngram.NGramLM(2, vocab_size=6, bos=BOS, eos=EOS).fit(TRAIN)
    lp = model.log_probs([[3, 4]], k=0.5)
    expected = [model.prob((BOS,), 3, 0.5), model.prob((3,), 4, 0.5), model.prob((4,), EOS, 0.5)]
    assert np.allclose(lp, np.log(expected))


def test_unseen_share_grows_with_n_on_random_text():
    rng = np.random.default_rng(1)
    train = [list(rng.integers(3, 20, size=200)) for _ in range(3)]
    held = [list(rng.integers(3, 20, size=200))]
    shares = [ngram.unseen_share(train, held, n, BOS, EOS)["unseen_contexts"] for n in (1, 2, 3, 4)]
    assert shares[0] == 0.0 and shares == sorted(shares) and shares[-1] > 0.3


def test_sampling_uses_the_model_and_stops():
    model = ngram.NGramLM(2, vocab_size=6, bos=BOS, eos=EOS).fit([[3, 4, 5]] * 50)
    words = model.sample(np.random.default_rng(0), max_len=10, k=1e-6)
    assert words == [3, 4, 5]


def test_experiment_returns_numbers_for_the_widget():
    models = {n: ngram.NGramLM(n, 6, BOS, EOS).fit(TRAIN) for n in (1, 2)}
    res = ngram.ngram_experiment(models, [[3, 4, 5]], ["<unk>", "<s>", "</s>", "a", "b", "c"], 2, 0.1)
    assert res["perplexity"] > 1 and len(res["samples"]) == 3
    with pytest.raises(ValueError, match="n must be one of"):
        ngram.ngram_experiment(models, [[3]], ["x"] * 6, 3, 0.1)


def test_split_articles_holds_out_whole_documents():
    train, held = ngram.split_articles(list(range(10)), heldout_every=5)
    assert held == [4, 9] and len(train) == 8


def test_check_add_k(capsys):
    right = lambda c, k: (np.asarray(c) + k) / (np.sum(c) + k * len(c))  # noqa: E731
    assert ex04.check_add_k(right) is True
    assert ex04.check_add_k(lambda c, k: (np.asarray(c) + k) / np.sum(c)) is False
    assert "k * V" in capsys.readouterr().out
    assert ex04.check_add_k(lambda c, k: np.asarray(c) / np.sum(c)) is False
    assert "raw relative frequencies" in capsys.readouterr().out

    def stub(c, k):
        raise NotImplementedError
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        ex04.check_add_k(stub)


def test_check_perplexity(capsys):
    assert ex04.check_perplexity(lambda lp: np.exp(-np.mean(lp))) is True
    assert ex04.check_perplexity(lambda lp: np.exp(-np.sum(lp))) is False
    assert "MEAN" in capsys.readouterr().out
    assert ex04.check_perplexity(lambda lp: 2 ** (-np.mean(lp))) is False
    assert "use exp" in capsys.readouterr().out

    def stub(lp):
        raise NotImplementedError
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        ex04.check_perplexity(stub)
