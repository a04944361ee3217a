"""The notebook 09 and 10 checkers accept right answers, diagnose wrong ones and survive stubs."""
import math

import numpy as np
import pytest
import torch

from course_utils import cells, sampling
from course_utils.checks import gates, sampling as sampling_checks


def _stub(*_args):
    raise NotImplementedError


def test_check_lstm_step(capsys):
    assert gates.check_lstm_step(cells.lstm_step)
    def swapped(x, h, c, W_ih, W_hh, b_ih, b_hh):
        i, f, g, o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
        c_t = torch.sigmoid(i) * c + torch.sigmoid(f) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c_t), c_t
    assert not gates.check_lstm_step(swapped)
    assert "swapped" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        gates.check_lstm_step(_stub)


def test_check_gru_step(capsys):
    assert gates.check_gru_step(cells.gru_step)
    def z_swapped(x, h, W_ih, W_hh, b_ih, b_hh):
        x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
        h_r, h_z, h_n = (h @ W_hh.T + b_hh).chunk(3, dim=1)
        r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
        return z * torch.tanh(x_n + r * h_n) + (1 - z) * h
    assert not gates.check_gru_step(z_swapped)
    assert "z_t is swapped" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        gates.check_gru_step(_stub)


def test_check_half_life(capsys):
    assert gates.check_half_life(lambda f: math.log(0.5) / math.log(f))
    assert not gates.check_half_life(lambda f: -math.log(0.5) / math.log(f))
    assert "sign" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        gates.check_half_life(_stub)


def test_check_softmax_with_temperature(capsys):
    assert sampling_checks.check_softmax_with_temperature(sampling.softmax_with_temperature)
    assert not sampling_checks.check_softmax_with_temperature(lambda z, T: sampling.softmax_with_temperature(z, 1 / T))
    assert "multiply" in capsys.readouterr().out
    naive = lambda z, T: np.exp(np.asarray(z) / T) / np.exp(np.asarray(z) / T).sum()
    assert not sampling_checks.check_softmax_with_temperature(naive)   # overflows on logits of 1000
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        sampling_checks.check_softmax_with_temperature(_stub)


def test_check_bits_per_char(capsys):
    assert sampling_checks.check_bits_per_char(lambda p: float(np.mean(-np.log2(p))))
    assert not sampling_checks.check_bits_per_char(lambda p: float(np.mean(-np.log(p))))
    assert "nats" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        sampling_checks.check_bits_per_char(_stub)
