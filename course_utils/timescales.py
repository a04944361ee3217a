"""Recurrences with more than one time scale: leaky units and skip connections across time (notebook 08).

Notebook 08 writes the two steps out; these are their reference copies, used by
:class:`MultiScaleRNN`::

    leaky:  h_t = (1 - alpha) h_{t-1} + alpha tanh(W_ih x_t + W_hh h_{t-1} + b)
    skip:   h_t = tanh(W_ih x_t + W_hh h_{t-1} + W_skip h_{t-d} + b)      (h_{t-d} = 0 for t <= d)

``alpha = 1`` and ``W_skip = 0`` both give back the vanilla RNN.
"""
import copy

import numpy as np
import torch
from torch import nn

from course_utils.checks.arguments import choice, finite_array, finite_number, positive_int

KINDS = ("rnn", "leaky", "skip")


def leaky_step(x_t, h_prev, W_ih, W_hh, b, alpha):
    """One leaky-unit step: x_t ``(batch, input)``, h_prev ``(batch, H)`` -> h_t ``(batch, H)``."""
    return (1 - alpha) * h_prev + alpha * torch.tanh(x_t @ W_ih.T + h_prev @ W_hh.T + b)


def skip_step(x_t, h_prev, h_skip, W_ih, W_hh, W_skip, b):
    """One step that also reads h_skip = h_{t-d}, ``(batch, H)``: -> h_t ``(batch, H)``."""
    return torch.tanh(x_t @ W_ih.T + h_prev @ W_hh.T + h_skip @ W_skip.T + b)


class MultiScaleRNN(nn.Module):
    """A recurrent regressor for the adding problem: ``(batch, time, input)`` -> ``(batch,)``.

    ``kind``: ``"rnn"`` (vanilla tanh), ``"leaky"`` (leaky units with rate ``alpha``)
    or ``"skip"`` (an extra connection from ``h_{t-d}``). Every weight is drawn
    like ``nn.RNN``'s, uniform in ``+-1/sqrt(hidden_size)``, so the three kinds
    start from the same ``W_ih``, ``W_hh``, ``b`` under the same torch seed.
    The read-out is linear in ``h_T``. ``states(x)`` returns every ``h_t``.
    """

    def __init__(self, kind: str, input_size: int = 2, hidden_size: int = 32, alpha: float = 0.1, d: int = 10):
        super().__init__()
        self.kind = choice("kind", kind, KINDS)
        self.input_size, self.hidden_size = positive_int("input_size", input_size), positive_int("hidden_size", hidden_size)
        self.alpha = finite_number("alpha", alpha, maximum=1.0, above=0.0) if kind == "leaky" else 1.0
        self.d = positive_int("d", d, minimum=2, hint="d = 1 is the ordinary connection") if kind == "skip" else None
        bound = hidden_size ** -0.5
        uniform = lambda *shape: nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))
        self.W_ih, self.W_hh, self.b = uniform(hidden_size, input_size), uniform(hidden_size, hidden_size), uniform(hidden_size)
        if kind == "skip":
            self.W_skip = uniform(hidden_size, hidden_size)
        self.fc = nn.Linear(hidden_size, 1)

    def states(self, x, h0=None):
        """x ``(batch, time, input)`` -> the list of the T states ``h_t``, each ``(batch, H)``."""
        h = x.new_zeros(x.shape[0], self.hidden_size) if h0 is None else h0
        hs = []
        for t, x_t in enumerate(x.unbind(1)):
            if self.kind == "skip":
                h_skip = hs[t - self.d] if t >= self.d else torch.zeros_like(h)
                h = skip_step(x_t, h, h_skip, self.W_ih, self.W_hh, self.W_skip, self.b)
            else:
                h = leaky_step(x_t, h, self.W_ih, self.W_hh, self.b, self.alpha)
            hs.append(h)
        return hs

    def forward(self, x):
        return self.fc(self.states(x)[-1]).squeeze(1)


def gradient_reach(model: MultiScaleRNN, x) -> np.ndarray:
    """``||dh_T/dh_k||_2`` (spectral norm) for k = 1..T, in float64, on one sequence x ``(time, input)``.

    The derivative is the total one: for ``"skip"`` it adds the path through
    ``h_{k+d}`` to the one through ``h_{k+1}``. Computed on a float64 copy, so
    norms far below float32's ``1e-45`` stay exact. Entry ``k - 1`` is step k.
    """
    if not isinstance(model, MultiScaleRNN):
        raise TypeError(f"model must be a timescales.MultiScaleRNN, got {type(model).__name__}")
    x = torch.as_tensor(finite_array("x", x, ndim=2, what=f"(time, {model.input_size})"))
    if x.shape[1] != model.input_size:
        raise ValueError(f"x must have shape (time, {model.input_size}), got {tuple(x.shape)}")
    twin = copy.deepcopy(model).double()
    H = model.hidden_size
    # H identical copies of the sequence: copy j backpropagates unit j of h_T, so its gradient
    # with respect to h_k is row j of dh_T/dh_k, and one backward pass gives every row
    hs = twin.states(x[None].expand(H, -1, -1))
    grads = torch.autograd.grad(hs[-1].diagonal().sum(), hs)
    return np.array([torch.linalg.matrix_norm(g, ord=2).item() for g in grads])
