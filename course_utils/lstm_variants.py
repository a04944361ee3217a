"""LSTM variants as small changes of the LSTM step (notebook 09), and a layer that runs any such step.

Same layout and names as :mod:`course_utils.cells` (gates ``i, f, g, o`` stacked in ``W_ih (4H, input)``)::

    standard       c_t = f_t * c_{t-1} + i_t * g_t
    no forget      c_t =       c_{t-1} + i_t * g_t           f_t = 1: the original LSTM (1997)
    coupled        c_t = f_t * c_{t-1} + (1 - f_t) * g_t     i_t = 1 - f_t, like the GRU's z_t
    all three      h_t = o_t * tanh(c_t)

The variants keep the fused ``4H`` layout so that one set of weights runs every
step; the rows of the gate a variant ignores get no gradient (a real
implementation would drop them and save a quarter of the gate weights).
"""
import torch

from course_utils.cells import LSTMLayer, lstm_gates, lstm_step


def lstm_step_no_forget(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """An LSTM step without forget gate (``f_t = 1``). Shapes as :func:`cells.lstm_step`; returns ``(h_t, c_t)``."""
    i, _f, g, o = lstm_gates(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)
    c_t = c_prev + i * g
    return o * torch.tanh(c_t), c_t


def lstm_step_coupled(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """An LSTM step with coupled input and forget gates (``i_t = 1 - f_t``); returns ``(h_t, c_t)``."""
    _i, f, g, o = lstm_gates(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)
    c_t = f * c_prev + (1 - f) * g
    return o * torch.tanh(c_t), c_t


STEPS = {"lstm": lstm_step, "no forget": lstm_step_no_forget, "coupled": lstm_step_coupled}


class StepLSTM(LSTMLayer):
    """An LSTM layer that runs ``step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh) -> (h_t, c_t)`` at every step.

    With ``step=cells.lstm_step`` it equals :class:`cells.LSTMLayer` and
    ``nn.LSTM``; with a variant's step it is that variant. Weights, ``forward``,
    ``load_from`` and ``trace`` as in :class:`cells.LSTMLayer` (``trace`` records
    the gates the weights compute, also those the step ignores).
    """

    def __init__(self, step, input_size: int, hidden_size: int, forget_bias: float = 0.0):
        if not callable(step):
            raise TypeError(f"step must be a function like cells.lstm_step, got {type(step).__name__}")
        super().__init__(input_size, hidden_size, forget_bias=forget_bias)
        self.step = step

    def forward(self, x, state=None):
        h_t, c_t = self._start(x, state)
        outputs = []
        for x_t in x.unbind(1):
            h_t, c_t = self.step(x_t, h_t, c_t, self.W_ih, self.W_hh, self.b_ih, self.b_hh)
            outputs.append(h_t)
        return torch.stack(outputs, dim=1), (h_t, c_t)
