"""The CRF of notebook 12 against brute force: every tag sequence of every short sentence, enumerated."""
import itertools

import numpy as np
import pytest
import torch

from course_utils import classifiers, crf, padding
from course_utils.data import generated_tasks
from course_utils.data.text import Vocab

K = 3


def _random_crf(T: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    E, A, start, end = (torch.randn(*shape, generator=g, dtype=torch.float64) * 2
                        for shape in [(T, K), (K, K), (K,), (K,)])
    return E, A, start, end


def _brute_force(E, A, start, end):
    """Every one of the K^T tag sequences and its score, by the definition."""
    paths = list(itertools.product(range(K), repeat=len(E)))
    scores = [float(start[y[0]] + sum(E[t, j] for t, j in enumerate(y))
                    + sum(A[i, j] for i, j in zip(y, y[1:])) + end[y[-1]]) for y in paths]
    return paths, np.array(scores)


def _one(E):
    return E[None], torch.ones(1, len(E), dtype=torch.bool)


@pytest.mark.parametrize("T", range(1, 7))
def test_forward_algorithm_and_viterbi_equal_brute_force(T):
    for seed in range(3):
        E, A, start, end = _random_crf(T, seed=10 * T + seed)
        paths, scores = _brute_force(E, A, start, end)
        batch, mask = _one(E)
        log_Z = crf.log_partition(batch, A, start, end, mask)
        assert log_Z.item() == pytest.approx(np.logaddexp.reduce(scores), abs=1e-9)
        best, best_score = crf.viterbi(batch, A, start, end, mask)
        assert tuple(best[0].tolist()) == paths[int(np.argmax(scores))]
        assert best_score.item() == pytest.approx(scores.max(), abs=1e-9)
        # score(y) of one sequence, by the package's sequence_score
        y = torch.tensor([paths[5 % len(paths)]])
        assert crf.sequence_score(batch, A, start, end, y, mask).item() == pytest.approx(scores[5 % len(paths)])


def test_a_padded_batch_gives_each_sentence_its_own_log_Z_and_path():
    lengths = [4, 1, 6, 3]
    _, A, start, end = _random_crf(1, seed=0)
    sentences = [_random_crf(T, seed=100 + T)[0] for T in lengths]
    E = torch.zeros(len(lengths), max(lengths), K, dtype=torch.float64)
    E += 50.0  # big scores at the pads: they must not leak into any result
    for b, e in enumerate(sentences):
        E[b, : len(e)] = e
    mask = padding.length_mask(lengths, max(lengths))
    log_Z = crf.log_partition(E, A, start, end, mask)
    paths, scores = crf.viterbi(E, A, start, end, mask)
    for b, e in enumerate(sentences):
        own = crf.log_partition(*_one(e)[:1], A, start, end, _one(e)[1])
        own_paths, own_scores = crf.viterbi(e[None], A, start, end, _one(e)[1])
        assert log_Z[b].item() == pytest.approx(own.item(), abs=1e-9)
        assert np.array_equal(paths[b], own_paths[0]) and len(paths[b]) == lengths[b]
        assert scores[b].item() == pytest.approx(own_scores.item(), abs=1e-9)


def test_nll_is_positive_with_finite_gradients_and_probabilities_sum_to_one():
    E, A, start, end = _random_crf(4, seed=7)
    layer = crf.CRF(K).double()
    with torch.no_grad():
        layer.transitions.copy_(A), layer.start.copy_(start), layer.end.copy_(end)
    E = E.clone().requires_grad_(True)
    paths, _ = _brute_force(E.detach(), A, start, end)
    mask = torch.ones(1, 4, dtype=torch.bool)
    nll = torch.stack([layer.nll(E[None], torch.tensor([y]), mask)[0] for y in paths])
    assert torch.exp(-nll).sum().item() == pytest.approx(1.0, abs=1e-9)  # p(y | x) sums to one over all y
    nll[0].backward()
    grads = [E.grad, layer.transitions.grad, layer.start.grad, layer.end.grad]
    assert nll.min().item() > 0 and all(torch.isfinite(g).all() and g.abs().sum() > 0 for g in grads)


def _tag_data(n=40):
    sentences = generated_tasks.bio_tagging(n, seed=0)
    vocab = Vocab([w for tokens, _ in sentences for w in tokens], pad=True)
    tag_ids = {t: i for i, t in enumerate(generated_tasks.TAGS)}
    return classifiers.encode_examples(sentences, vocab, tag_ids), len(vocab)


def test_train_model_and_predict_serve_a_crf_tagger():
    data, vocab_size = _tag_data()
    torch.manual_seed(0)
    model = crf.CRFTagger(vocab_size, len(generated_tasks.TAGS), 8, 8)
    history = classifiers.train_model(model, data, epochs=3, batch_size=16, progress=False)
    assert history["nats"][-1] < history["nats"][0] and all(np.isfinite(history["nats"]))
    preds = classifiers.predict(model, data)
    assert [len(p) for p in preds] == [len(ids) for ids, _ in data]
    ids, lengths, _ = classifiers.collate(data)
    with torch.no_grad():
        E = model(ids, lengths)
    mask = padding.length_mask(lengths, ids.shape[1])
    want, _ = crf.viterbi(E, model.crf.transitions, model.crf.start, model.crf.end, mask)
    assert all(np.array_equal(p, w) for p, w in zip(preds, want))  # predict returns the Viterbi paths
    assert 0.0 <= classifiers.accuracy(model, data) <= 1.0


def test_the_crf_scores_learn_faster_and_that_is_what_pushes_forbidden_transitions_down():
    """CRFTagger.parameter_groups: at Adam's lr the transitions barely move; ten times faster they separate."""
    sentences = generated_tasks.news_tagging(50, seed=0)
    vocab = Vocab([w for tokens, _ in sentences for w in tokens], pad=True)
    names = generated_tasks.NEWS_TAGS
    data = classifiers.encode_examples(sentences, vocab, {t: i for i, t in enumerate(names)})
    O_to_I = [names.index(t) for t in names if t.startswith("I-")]
    lowest = {}
    for factor in (1.0, 10.0):
        torch.manual_seed(0)
        model = crf.CRFTagger(len(vocab), len(names), 16, 16, crf_lr_factor=factor)
        groups = model.parameter_groups(0.01)
        assert [g.get("lr") for g in groups] == [None, pytest.approx(0.01 * factor)]
        assert sum(len(g["params"]) for g in groups) == len(list(model.parameters()))
        classifiers.train_model(model, data, epochs=6, batch_size=16, lr=1e-2, progress=False)
        lowest[factor] = model.crf.transitions[0, O_to_I].max().item()   # O -> I-X, never in the gold tags
    assert lowest[1.0] > -0.5 and lowest[10.0] < -1.0, lowest
