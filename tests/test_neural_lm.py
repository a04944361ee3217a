"""The Bengio-2003-style neural LM (notebook 04)."""
import numpy as np
import pytest
import torch

from course_utils import neural_lm, ngram

BOS, EOS = 1, 2


def test_context_windows_match_the_ngram_positions():
    seqs = [[3, 4, 5], [6]]
    X, y = neural_lm.context_windows(seqs, 3, BOS, EOS)
    pairs = [c + (w,) for s in seqs for c, w in ngram.ngrams(s, 3, BOS, EOS)]
    assert [tuple(row) + (w,) for row, w in zip(X.tolist(), y.tolist())] == pairs
    assert X.shape == (6, 2) and X.dtype == np.int64


def test_forward_shapes_and_bad_input():
    model = neural_lm.NeuralLM(vocab_size=10, context=2, embed_dim=4, hidden=8)
    assert model(torch.zeros(5, 2, dtype=torch.long)).shape == (5, 10)
    with pytest.raises(ValueError, match=r"X must have shape \(batch, 2\)"):
        model(torch.zeros(5, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="context must be an int >= 1"):
        neural_lm.NeuralLM(10, 0)


@pytest.mark.parametrize("seed", [0, 1])
def test_learns_a_simple_language(seed):
    """After "3 5" or "4 5" comes 6, after "7 8" comes 9: perplexity falls from ~10 to below 2."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    seqs = []
    for _ in range(300):
        a = int(rng.choice([3, 4]))
        seqs.append([a, 5, 6] if rng.random() < 0.5 else [7, 8, 9])
    X, y = neural_lm.context_windows(seqs, 3, BOS, EOS)
    model = neural_lm.NeuralLM(10, 2, embed_dim=6, hidden=16)
    before = neural_lm.evaluate_neural_lm(model, X, y)["perplexity"]
    losses = neural_lm.train_neural_lm(model, X, y, epochs=15, batch_size=64, lr=1e-2, seed=seed,
                                       progress=False)["nats"]
    after = neural_lm.evaluate_neural_lm(model, X, y)
    assert losses[-1] < losses[0]
    assert before > 7 and after["perplexity"] < 2.0
    assert after["bits_per_token"] == pytest.approx(np.log2(after["perplexity"]))
