"""Encoder-decoder of notebook 13: teacher forcing, greedy and beam decoding, accuracy by length."""
import numpy as np
import pytest
import torch

from course_utils import padding
from course_utils import encoder_decoder as S
from course_utils.data import generated_tasks as T


def _model(seed=0, **kw):
    torch.manual_seed(seed)
    return S.Seq2Seq(T.N_SPECIALS + 5, **{"embed_dim": 8, "hidden_size": 16, **kw})


def test_teacher_forcing_batch_shifts_by_one():
    dec_in, dec_out = S.teacher_forcing_batch([[5, 6, 7], [8]])
    assert dec_in.tolist() == [[T.BOS, 5, 6, 7], [T.BOS, 8, T.PAD, T.PAD]]
    assert dec_out.tolist() == [[5, 6, 7, T.EOS], [8, T.EOS, T.PAD, T.PAD]]


def test_padded_seq2seq_batch_gives_the_same_loss_and_gradients_as_one_by_one():
    model = _model().double()
    pairs = [([3, 4, 5, 6], [6, 5, 4, 3]), ([7], [7]), ([4, 4], [4, 4])]

    def loss_and_grads(batch):
        model.zero_grad()
        src, src_len = padding.pad_sequences([s for s, _ in batch])
        dec_in, dec_out = S.teacher_forcing_batch([t for _, t in batch])
        mask = dec_out != T.PAD
        total = padding.masked_cross_entropy(model(src, src_len, dec_in), dec_out, mask) * mask.sum()
        total.backward()
        return total.item(), {n: p.grad.clone() for n, p in model.named_parameters()}

    loss, grads = loss_and_grads(pairs)
    single = [loss_and_grads([p]) for p in pairs]
    assert loss == pytest.approx(sum(s for s, _ in single), rel=1e-12)
    for name, g in grads.items():
        assert torch.allclose(g, sum(s[name] for _, s in single), atol=1e-12), name


def test_greedy_equals_beam_of_width_one_and_beam_never_scores_lower_on_these_cases():
    model = _model(1)
    sources = [[3, 4, 5], [6, 7], [5, 5, 5, 5, 3]]
    greedy = S.greedy_decode(model, sources, max_len=8)
    for src, g in zip(sources, greedy):
        tokens, score = S.beam_decode(model, src, beam_size=1, max_len=8)
        assert tokens == g
        wide, wide_score = S.beam_decode(model, src, beam_size=4, max_len=8)
        if len(g) < 8:  # greedy finished: its score is a full sequence score
            assert score == pytest.approx(S.sequence_log_prob(model, src, g), abs=1e-5)
            assert wide_score >= score - 1e-6
        if len(wide) < 8:  # finished with </s>: the score is log P(wide </s> | src)
            assert wide_score == pytest.approx(S.sequence_log_prob(model, src, wide), abs=1e-5)


def test_training_learns_to_reverse_short_sequences():
    torch.manual_seed(0)
    pairs = T.reversal_pairs(3000, 1, 5, n_symbols=5, seed=0)
    model = _model(0, hidden_size=48, embed_dim=16)
    losses = S.train_seq2seq(model, pairs, epochs=4, batch_size=64, lr=1e-2, progress=False)["nats"]
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    test = T.reversal_pairs(200, 1, 5, n_symbols=5, seed=1)
    out = S.greedy_decode(model, [s for s, _ in test], max_len=8)
    by_len = S.accuracy_by_length([s for s, _ in test], [t for _, t in test], out)
    assert by_len[1]["exact"] > 0.9 and by_len[3]["token"] > 0.7


def test_decay_lowers_the_learning_rate_to_zero_along_a_half_cosine(monkeypatch):
    seen = []
    step = torch.optim.Adam.step

    def spy(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", spy)
    pairs = T.reversal_pairs(40, 1, 3, n_symbols=4, seed=0)
    S.train_seq2seq(_model(), pairs, epochs=2, batch_size=10, lr=0.1, progress=False, decay=True)
    assert np.allclose(seen, [0.05 * (1 + np.cos(np.pi * k / 8)) for k in range(8)])
    seen.clear()
    S.train_seq2seq(_model(), pairs, epochs=2, batch_size=10, lr=0.1, progress=False)
    assert seen == [0.1] * 8


def test_on_step_sees_every_step_and_training_goes_on_in_train_mode(monkeypatch):
    model, steps, modes = _model(), [], []
    pairs = T.reversal_pairs(30, 1, 3, n_symbols=4, seed=0)
    forward = type(model).forward

    def spy(self, *args):
        modes.append(self.training)
        return forward(self, *args)

    def on_step(step, history):
        steps.append((step, len(history["nats"])))
        model.eval()   # e.g. decoding to measure accuracy

    monkeypatch.setattr(type(model), "forward", spy)
    S.train_seq2seq(model, pairs, epochs=2, batch_size=10, progress=False, on_step=on_step)
    assert steps == [(k, k) for k in range(1, 7)]
    assert modes == [True] * 6 and not model.training


def test_accuracy_by_length_by_hand():
    got = S.accuracy_by_length([[1], [1], [1, 2]], [[1], [1], [2, 1]], [[1], [2], [2]])
    assert got == {1: {"n": 2, "exact": 0.5, "token": 0.5}, 2: {"n": 1, "exact": 0.0, "token": 0.5}}
    with pytest.raises(ValueError, match="same length"):
        S.accuracy_by_length([[1]], [], [])


def test_bad_arguments_are_named():
    model = _model()
    with pytest.raises(ValueError, match="beam_size"):
        S.beam_decode(model, [3], beam_size=0)
    with pytest.raises(ValueError, match="max_len"):
        S.greedy_decode(model, [[3]], max_len=0)
    with pytest.raises(ValueError, match="vocab_size must leave room"):
        S.Seq2Seq(3)
    with pytest.raises(ValueError, match="epochs"):
        S.train_seq2seq(model, [([3], [3])], epochs=0)


def test_decode_report_marks_right_and_wrong():
    rep = S.decode_report(_model(), [3, 4], target=[4, 3], beam_size=2, max_len=5)
    assert set(rep) >= {"greedy", "beam", "greedy_logp", "beam_logp", "greedy_right", "beam_right"}
    assert rep["beam_logp"] <= 0 and isinstance(rep["beam_right"], bool)


class _MarkovDecoder(torch.nn.Module):
    """A hand-built 'seq2seq' model whose next token depends only on the previous one.

    Tokens: <pad> <s> </s> a b. After <s>: a. After a: </s> or b, half each.
    After b: </s> with probability 0.9. So "a" has log P = log 0.5 (2 scored
    tokens) and "a b" has log P = log 0.45 (3 scored tokens): the short one wins
    on the raw sum, the long one on the mean per token.
    """

    def __init__(self):
        super().__init__()
        probs = torch.full((5, 5), 1e-6)
        a, b = T.N_SPECIALS, T.N_SPECIALS + 1
        probs[T.BOS, a] = 1.0
        probs[a, T.EOS] = probs[a, b] = 0.5
        probs[b, T.EOS], probs[b, b] = 0.9, 0.1
        probs[T.EOS, T.EOS] = probs[T.PAD, T.EOS] = 1.0
        self.table = torch.nn.Parameter((probs / probs.sum(1, keepdim=True)).log(), requires_grad=False)

    def encode(self, src, src_lengths):
        return torch.zeros(1, len(src), 1)

    def decode_step(self, y_prev, h):
        return self.table[y_prev], h


def test_length_normalisation_lets_the_longer_output_win():
    model, a, b = _MarkovDecoder(), T.N_SPECIALS, T.N_SPECIALS + 1
    short, short_logp = S.beam_decode(model, [a], beam_size=2, max_len=6)
    assert short == [a] and short_logp == pytest.approx(np.log(0.5), abs=1e-4)
    long, long_logp = S.beam_decode(model, [a], beam_size=2, max_len=6, length_norm=1.0)
    assert long == [a, b] and long_logp == pytest.approx(np.log(0.5 * 0.9), abs=1e-4)  # the raw log-prob
    assert S.normalised_score(long_logp, 3, 1.0) > S.normalised_score(short_logp, 2, 1.0)
    assert S.beam_decode(model, [a], beam_size=2, max_len=6, length_norm=0) == (short, short_logp)


def test_length_normalisation_only_ever_picks_a_longer_output():
    model = _model(1)
    for src in ([3, 4, 5], [6, 7], [5, 5, 5, 5, 3], [7]):
        raw, raw_logp = S.beam_decode(model, src, beam_size=3, max_len=8)
        for alpha in (0.5, 1.0):
            norm, norm_logp = S.beam_decode(model, src, beam_size=3, max_len=8, length_norm=alpha)
            assert norm == raw or (len(norm) > len(raw) and norm_logp < raw_logp)


@pytest.mark.parametrize("bad", [-0.5, float("nan"), float("inf"), "1", True, None])
def test_length_norm_must_be_a_number_at_least_zero(bad):
    with pytest.raises(ValueError, match="length_norm must be a number >= 0"):
        S.beam_decode(_model(), [3], length_norm=bad)
