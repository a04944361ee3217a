"""Dropout on the recurrent connection (course_utils.recurrent_dropout, notebook 12)."""
import copy

import pytest
import torch
from torch import nn

from course_utils import classifiers, padding
from course_utils.recurrent_dropout import MODES, RecurrentDropoutTagger, lstm_layer, recurrent_masks, reverse_padded


def _cell(D=5, H=7, seed=0):
    torch.manual_seed(seed)
    return nn.LSTMCell(D, H)


def _torch_lstm(cell: nn.LSTMCell) -> nn.LSTM:
    lstm = nn.LSTM(cell.input_size, cell.hidden_size, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(lstm, name + "_l0").copy_(getattr(cell, name))
    return lstm


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("training", [True, False])
def test_with_p_zero_the_loop_equals_nn_lstm(mode, training):
    cell = _cell()
    x = torch.randn(3, 6, 5)
    expected, _ = _torch_lstm(cell)(x)
    torch.testing.assert_close(lstm_layer(cell, x, 0.0, mode, training), expected, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("mode", ["fresh", "same"])
def test_eval_mode_draws_no_mask(mode):
    cell, x = _cell(), torch.randn(3, 6, 5)
    state = torch.get_rng_state()
    out = lstm_layer(cell, x, 0.5, mode, training=False)
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(out, lstm_layer(cell, x, 0.0, "none", training=True))


@pytest.mark.parametrize("mode", ["fresh", "same"])
def test_train_mode_masks_h_prev_with_the_drawn_masks(mode):
    cell, x = _cell(), torch.randn(4, 6, 5)
    torch.manual_seed(3)
    masks = recurrent_masks(torch.zeros(4, 7), 6, 0.5, mode)
    h, c, hs = torch.zeros(4, 7), torch.zeros(4, 7), []
    for t in range(6):
        h, c = cell(x[:, t], (h * masks[t], c))
        hs.append(h)
    torch.manual_seed(3)
    out = lstm_layer(cell, x, 0.5, mode, training=True)
    assert torch.equal(out, torch.stack(hs, dim=1))
    assert not torch.allclose(out, lstm_layer(cell, x, 0.5, "none", training=True))


def test_the_same_mask_is_constant_over_time_and_differs_between_sequences():
    torch.manual_seed(0)
    masks = recurrent_masks(torch.zeros(8, 64), 5, 0.5, "same")
    assert len(masks) == 5
    assert all(torch.equal(m, masks[0]) for m in masks)
    assert set(masks[0].unique().tolist()) == {0.0, 2.0}
    rows = {tuple(row.tolist()) for row in masks[0]}
    assert len(rows) == 8


def test_fresh_masks_differ_from_step_to_step():
    torch.manual_seed(0)
    masks = recurrent_masks(torch.zeros(8, 64), 5, 0.5, "fresh")
    assert all(not torch.equal(a, b) for a, b in zip(masks, masks[1:]))
    assert all(set(m.unique().tolist()) == {0.0, 2.0} for m in masks)


@pytest.mark.parametrize("mode", MODES)
def test_no_mask_with_p_zero(mode):
    assert all(torch.equal(m, torch.ones(3, 4)) for m in recurrent_masks(torch.zeros(3, 4), 4, 0.0, mode))


@pytest.mark.parametrize("mode", ["fresh", "same"])
@pytest.mark.parametrize("p", [0.25, 0.75])
def test_inverted_scaling_keeps_the_expectation(mode, p):
    torch.manual_seed(1)
    masks = torch.stack(recurrent_masks(torch.zeros(4000, 50), 3, p, mode))
    kept = masks > 0
    assert torch.allclose(masks[kept], torch.tensor(1 / (1 - p)))
    assert abs(kept.float().mean().item() - (1 - p)) < 0.01
    assert abs(masks.mean().item() - 1.0) < 0.02


def test_reverse_padded_reverses_each_row_within_its_length():
    x = torch.tensor([[1, 2, 3, 4], [5, 6, 0, 0], [7, 0, 0, 0]])
    lengths = torch.tensor([4, 2, 1])
    assert reverse_padded(x, lengths).tolist() == [[4, 3, 2, 1], [6, 5, 0, 0], [7, 0, 0, 0]]
    x3 = torch.randn(3, 4, 2)
    assert torch.equal(reverse_padded(reverse_padded(x3, lengths), lengths), x3)


def _batch():
    data = [(torch.randint(2, 20, (n,)).numpy(), torch.zeros(n, dtype=torch.long).numpy()) for n in (6, 3, 1, 5)]
    return data, classifiers.collate(data)


@pytest.mark.parametrize("mode", MODES)
def test_tagger_with_p_zero_equals_a_torch_bilstm(mode):
    torch.manual_seed(0)
    tagger = RecurrentDropoutTagger(20, 5, 6, 7, p=0.0, mode=mode)
    lstm = nn.LSTM(6, 7, batch_first=True, bidirectional=True)
    with torch.no_grad():
        for suffix, cell in (("", tagger.forward_cell), ("_reverse", tagger.backward_cell)):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(lstm, f"{name}_l0{suffix}").copy_(getattr(cell, name))
    _, (ids, lengths, _) = _batch()
    outputs, _ = classifiers.run_lstm(lstm, tagger.embed(ids), lengths)
    real = padding.length_mask(lengths, ids.shape[1])
    torch.testing.assert_close(tagger(ids, lengths)[real], tagger.fc(outputs)[real], atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("mode", ["fresh", "same"])
def test_tagger_eval_mode_equals_no_dropout_and_pads_change_nothing(mode):
    torch.manual_seed(0)
    tagger = RecurrentDropoutTagger(20, 5, 6, 7, p=0.5, mode=mode)
    plain = RecurrentDropoutTagger(20, 5, 6, 7)
    plain.load_state_dict(tagger.state_dict())
    data, (ids, lengths, _) = _batch()
    tagger.eval()
    scores = tagger(ids, lengths)
    assert torch.equal(scores, plain.eval()(ids, lengths))
    for i, (row, _) in enumerate(data):
        alone = tagger(torch.as_tensor(row)[None], torch.tensor([len(row)]))[0]
        torch.testing.assert_close(alone, scores[i, : len(row)], atol=1e-6, rtol=1e-5)
    tagger.train()
    assert not torch.allclose(tagger(ids, lengths), tagger(ids, lengths))


def test_tagger_trains_with_the_course_loop():
    data, _ = _batch()
    torch.manual_seed(0)
    tagger = RecurrentDropoutTagger(20, 5, 6, 7, p=0.5, mode="same")
    before = copy.deepcopy(tagger.state_dict())
    history = classifiers.train_model(tagger, data, epochs=2, batch_size=2, progress=False)
    assert len(history["nats"]) == 4 and not tagger.training
    assert any(not torch.equal(before[k], v) for k, v in tagger.state_dict().items())


@pytest.mark.parametrize("kwargs, message", [
    (dict(mode="variational"), "mode must be one of 'none', 'fresh', 'same'"),
    (dict(p=1.0), "p must be in [0, 1)"),
    (dict(p=-0.1), "p must be a finite number >= 0"),
    (dict(p=float("nan")), "p must be a finite number"),
])
def test_tagger_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("[", r"\[").replace(")", r"\)")):
        RecurrentDropoutTagger(20, 5, **kwargs)
