"""Notebook 12 writes out the LSTM time loop with dropout on h_{t-1}; it must equal recurrent_dropout.lstm_layer."""
import pytest
import torch
from notebook_code import notebook_function
from torch import nn

from course_utils import recurrent_dropout

lstm_layer = notebook_function("12_sequence_tagging.ipynb", "lstm_layer", "recurrent_masks")


@pytest.mark.parametrize("mode", recurrent_dropout.MODES)
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("p", [0.0, 0.5])
def test_notebook_loop_equals_package_loop(mode, training, p):
    torch.manual_seed(0)
    cell, x = nn.LSTMCell(5, 7), torch.randn(4, 6, 5)
    torch.manual_seed(1)                  # the masks draw from the global generator
    mine = lstm_layer(cell, x, p, mode, training)
    torch.manual_seed(1)
    reference = recurrent_dropout.lstm_layer(cell, x, p, mode, training)
    assert torch.equal(mine, reference)
    if training and p > 0 and mode != "none":
        assert not torch.allclose(mine, lstm_layer(cell, x, 0.0, "none", training))
