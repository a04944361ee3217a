"""Exercise checkers of notebooks 02 and 03: a right answer passes, wrong ones get a specific hint."""
import numpy as np
import pytest

from course_utils import evaluation, word2vec as w2v
from course_utils.checks import word2vec as chk


def _stub(*args):
    raise NotImplementedError


def _pairs_loop(ids, window):
    return np.array([(ids[i], ids[j]) for i in range(len(ids))
                     for j in range(max(0, i - window), min(len(ids), i + window + 1)) if j != i]).reshape(-1, 2)


def test_pairs_checker(capsys):
    assert chk.check_skipgram_pairs(_pairs_loop)
    self_pairs = lambda ids, w: np.array([(ids[i], ids[j]) for i in range(len(ids))
                                          for j in range(max(0, i - w), min(len(ids), i + w + 1))]).reshape(-1, 2)
    assert not chk.check_skipgram_pairs(self_pairs)
    assert "paired with itself" in capsys.readouterr().out
    right_only = lambda ids, w: np.array([(ids[i], ids[j]) for i in range(len(ids))
                                          for j in range(i + 1, min(len(ids), i + w + 1))]).reshape(-1, 2)
    assert not chk.check_skipgram_pairs(right_only)
    assert "BOTH sides" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        chk.check_skipgram_pairs(_stub)


def test_negative_sampling_checker(capsys):
    assert chk.check_negative_sampling(w2v.negative_sampling_loss_and_grads)

    def summed(v, u, U):
        loss, *grads = w2v.negative_sampling_loss_and_grads(v, u, U)
        return (loss * len(v), *[g * len(v) for g in grads])
    assert not chk.check_negative_sampling(summed)
    assert "mean over the batch" in capsys.readouterr().out

    def no_noise(v, u, U):
        loss, g_v, g_o, g_n = w2v.negative_sampling_loss_and_grads(v, u, U)
        return -np.log(w2v.sigmoid((u * v).sum(1))).mean(), g_v, g_o, g_n
    assert not chk.check_negative_sampling(no_noise)
    assert "noise term is missing" in capsys.readouterr().out

    def wrong_sign_grad(v, u, U):
        loss, g_v, g_o, g_n = w2v.negative_sampling_loss_and_grads(v, u, U)
        return loss, g_v, -g_o, g_n
    assert not chk.check_negative_sampling(wrong_sign_grad)
    assert "grad_u_o has the wrong sign" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        chk.check_negative_sampling(_stub)


def test_gradient_error_checker(capsys):
    assert chk.check_gradient_errors({"v_c": 1e-9, "u_o": 2e-9})
    assert not chk.check_gradient_errors({"v_c": 1e-9, "u_o": 0.3})
    assert "u_o has relative error" in capsys.readouterr().out
    assert not chk.check_gradient_errors(None)


def _three_cos_add(E, itos, a, b, c):
    return evaluation.solve_analogy(E, itos, a, b, c)[0][0]


def test_three_cos_add_checker(capsys):
    assert chk.check_three_cos_add(_three_cos_add)

    def no_exclusion(E, itos, a, b, c):
        U = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
        s = U @ (U[itos.index(b)] - U[itos.index(a)] + U[itos.index(c)])
        return itos[int(np.argmax(s))]
    assert not chk.check_three_cos_add(no_exclusion)
    assert "leave a, b and c" in capsys.readouterr().out

    def no_norm(E, itos, a, b, c):
        s = E @ (E[itos.index(b)] - E[itos.index(a)] + E[itos.index(c)])
        s[[itos.index(w) for w in (a, b, c)]] = -np.inf
        return itos[int(np.argmax(s))]
    assert not chk.check_three_cos_add(no_norm)
    assert "normalise" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        chk.check_three_cos_add(_stub)


def test_similarity_checker(capsys):
    right = lambda E, itos, pairs: (lambda r: (r["spearman"], r["oov_rate"]))(
        evaluation.similarity_spearman(E, itos, pairs))
    assert chk.check_similarity_spearman(right)
    count = lambda E, itos, pairs: (right(E, itos, pairs)[0], 2)
    assert not chk.check_similarity_spearman(count)
    assert "share of the pairs" in capsys.readouterr().out

    def pearson(E, itos, pairs):
        from scipy.stats import pearsonr
        U = E / np.linalg.norm(E, axis=1, keepdims=True)
        used = [(a, b, s) for a, b, s in pairs if a in itos and b in itos]
        cos = [U[itos.index(a)] @ U[itos.index(b)] for a, b, _ in used]
        return pearsonr(cos, [s for *_, s in used]).statistic, 1 - len(used) / len(pairs)
    assert not chk.check_similarity_spearman(pearson)
    assert "Pearson" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        chk.check_similarity_spearman(_stub)
