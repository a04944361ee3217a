"""Dropout on an LSTM's recurrent connection, with the time loop written out (notebook 12).

The mask multiplies the state ``h_{t-1}`` before it enters step ``t``, in one of three modes:

- ``"none"``: no dropout on the recurrent connection;
- ``"fresh"``: a new mask at every step;
- ``"same"``: one mask per sequence, reused at every step (*variational* dropout;
  Gal and Ghahramani, NeurIPS 2016, arXiv 1512.05287).

Kept units are scaled by ``1/(1-p)`` (inverted dropout), so the expected input of a
step is unchanged; in eval mode no mask is drawn. ``nn.LSTM`` cannot do this: its
``dropout`` acts only between stacked layers.
"""
import torch
from torch import nn

from course_utils.checks.arguments import choice, finite_number, positive_ints

MODES = ("none", "fresh", "same")


def recurrent_masks(h: torch.Tensor, T: int, p: float, mode: str) -> list:
    """``T`` masks shaped like ``h (batch, H)``, one per step: 0 or ``1/(1-p)`` per unit.

    ``"none"`` (or ``p = 0``): all ones; ``"fresh"``: drawn anew at every step;
    ``"same"``: one draw per sequence (row), the same tensor at every step.
    """
    keep = 1.0 - p
    if mode == "none" or p == 0:
        return [torch.ones_like(h)] * T
    if mode == "same":
        return [torch.bernoulli(torch.full_like(h, keep)) / keep] * T
    return [torch.bernoulli(torch.full_like(h, keep)) / keep for _ in range(T)]


def lstm_layer(cell: nn.LSTMCell, x: torch.Tensor, p: float, mode: str, training: bool) -> torch.Tensor:
    """Run ``cell`` over ``x (batch, time, input)`` from zero states -> ``h (batch, time, H)``.

    The reference copy of notebook 12's loop: ``h_{t-1}`` times the step's mask goes into step t.
    """
    h = x.new_zeros(x.shape[0], cell.hidden_size)
    c = torch.zeros_like(h)
    masks = recurrent_masks(h, x.shape[1], p, mode if training else "none")
    hs = []
    for t in range(x.shape[1]):
        h, c = cell(x[:, t], (h * masks[t], c))
        hs.append(h)
    return torch.stack(hs, dim=1)


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each row of ``x (batch, time, ...)`` within its own length; pads stay at the end.

    Applied twice it gives ``x`` back, so the backward LSTM reads each sentence from its
    last real word and its outputs return to their positions.
    """
    T = x.shape[1]
    t = torch.arange(T, device=x.device).expand(x.shape[0], T)
    n = lengths.to(x.device).unsqueeze(1)
    index = torch.where(t < n, n - 1 - t, t)
    return x.gather(1, index.view(*index.shape, *[1] * (x.dim() - 2)).expand_as(x))


class RecurrentDropoutTagger(nn.Module):
    """One tag per token: embed, a one-layer BiLSTM whose loop drops out ``h_{t-1}``, a linear layer.

    ``mode`` in :data:`MODES`, ``p`` the dropout probability of each unit of ``h_{t-1}``
    (each direction draws its own masks). Active in ``train()`` mode only.
    ``forward(ids (batch, time), lengths (batch,))`` -> tag scores ``(batch, time, n_tags)``.
    """

    def __init__(self, vocab_size: int, n_tags: int, embed_dim: int = 32, hidden_size: int = 32,
                 p: float = 0.0, mode: str = "none"):
        super().__init__()
        vocab_size, n_tags, embed_dim, hidden_size = positive_ints(
            vocab_size=vocab_size, n_tags=n_tags, embed_dim=embed_dim, hidden_size=hidden_size)
        self.mode = choice("mode", mode, MODES)
        self.p = finite_number("p", p, minimum=0.0)
        if self.p >= 1:
            raise ValueError(f"p must be in [0, 1), the probability of dropping a unit, got {p!r}")
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.forward_cell = nn.LSTMCell(embed_dim, hidden_size)
        self.backward_cell = nn.LSTMCell(embed_dim, hidden_size)
        self.fc = nn.Linear(2 * hidden_size, n_tags)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)
        h_fwd = lstm_layer(self.forward_cell, x, self.p, self.mode, self.training)
        h_bwd = reverse_padded(lstm_layer(self.backward_cell, reverse_padded(x, lengths), self.p, self.mode,
                                          self.training), lengths)
        return self.fc(torch.cat([h_fwd, h_bwd], dim=-1))
