"""A linear-chain CRF output layer on a BiLSTM tagger (notebook 12; Lample et al., NAACL 2016).

The BiLSTM gives emission scores ``E (batch, time, K)``: ``E[b, t, j]`` scores tag j at step t.
The CRF adds LEARNED transition scores ``A (K, K)`` (``A[i, j]``: tag i followed by tag j) and
``start``, ``end`` ``(K,)``, and scores a whole tag sequence y_1..y_T:

    score(y) = start[y_1] + sum_t E[t, y_t] + sum_{t >= 2} A[y_{t-1}, y_t] + end[y_T],
    p(y | x) = exp(score(y)) / Z,   Z = the sum of exp(score) over all K^T tag sequences.

:func:`log_partition` computes log Z by the forward algorithm in O(T K^2) steps,
:func:`viterbi` the best sequence by the same recursion with max for logsumexp.
A padded batch carries ``mask (batch, time)``: True at the real steps, a prefix of each row.
The notebook writes both recursions out for one sentence; these are the batched reference copies.
"""
import torch
from torch import nn

from course_utils import classifiers, padding
from course_utils.checks.arguments import finite_number


def sequence_score(E: torch.Tensor, A: torch.Tensor, start: torch.Tensor, end: torch.Tensor,
                   y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """score(y) of each row: ``E (batch, time, K)``, tag ids ``y (batch, time)``, ``mask`` -> ``(batch,)``."""
    real = mask.to(E.dtype)
    emissions = E.gather(2, y.unsqueeze(2)).squeeze(2)           # E[t, y_t]
    transitions = A[y[:, :-1], y[:, 1:]]                         # A[y_{t-1}, y_t], t >= 2
    last = y.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)  # y_T of each row's own length T
    return start[y[:, 0]] + (emissions * real).sum(1) + (transitions * real[:, 1:]).sum(1) + end[last]


def log_partition(E: torch.Tensor, A: torch.Tensor, start: torch.Tensor, end: torch.Tensor,
                  mask: torch.Tensor) -> torch.Tensor:
    """log Z of each row ``(batch,)`` by the forward algorithm.

    alpha_1(j) = start[j] + E[1, j];  alpha_t(j) = E[t, j] + logsumexp_i(alpha_{t-1}(i) + A[i, j]);
    log Z = logsumexp_j(alpha_T(j) + end[j]). A padded step leaves alpha as it was.
    """
    alpha = start + E[:, 0]                                            # (batch, K)
    for t in range(1, E.shape[1]):
        step = E[:, t] + torch.logsumexp(alpha.unsqueeze(2) + A, dim=1)  # sum out the previous tag i
        alpha = torch.where(mask[:, t, None], step, alpha)
    return torch.logsumexp(alpha + end, dim=1)


def viterbi(E: torch.Tensor, A: torch.Tensor, start: torch.Tensor, end: torch.Tensor, mask: torch.Tensor):
    """The best tag sequence of each row: ``(paths, scores)``.

    paths: a list of int64 arrays, one ``(length,)`` per row; scores: their score(y), ``(batch,)``.
    The forward recursion with max for logsumexp; ``back[t][b, j]`` keeps the best previous tag
    of tag j at step t, and the path is read backwards from the best last tag.
    """
    batch, T, K = E.shape
    delta, back = start + E[:, 0], []
    stay = torch.arange(K, device=E.device).expand(batch, K)   # at a pad each tag points to itself
    for t in range(1, T):
        best, previous = (delta.unsqueeze(2) + A).max(dim=1)
        real = mask[:, t, None]
        delta = torch.where(real, E[:, t] + best, delta)
        back.append(torch.where(real, previous, stay))
    scores, y = (delta + end).max(dim=1)
    path = [y]
    for previous in reversed(back):
        y = previous.gather(1, y.unsqueeze(1)).squeeze(1)
        path.append(y)
    paths = torch.stack(path[::-1], dim=1).cpu().numpy()
    return [paths[b, :n] for b, n in enumerate(mask.sum(1).tolist())], scores


class CRF(nn.Module):
    """The CRF output layer: learned ``transitions (K, K)``, ``start (K,)`` and ``end (K,)``, zero at first."""

    def __init__(self, n_tags: int):
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(n_tags, n_tags))
        self.start = nn.Parameter(torch.zeros(n_tags))
        self.end = nn.Parameter(torch.zeros(n_tags))

    def nll(self, E: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """-log p(y | x) = log Z - score(y) of each row ``(batch,)``."""
        return (log_partition(E, self.transitions, self.start, self.end, mask)
                - sequence_score(E, self.transitions, self.start, self.end, y, mask))

    def decode(self, E: torch.Tensor, mask: torch.Tensor) -> list:
        """The Viterbi path of each row (an int64 array of its real length)."""
        return viterbi(E, self.transitions, self.start, self.end, mask)[0]


class CRFTagger(classifiers.LSTMTagger):
    """A BiLSTM-CRF (Lample et al., 2016): the :class:`classifiers.LSTMTagger`'s emission scores, a CRF on top.

    ``forward(ids (batch, time), lengths (batch,))`` -> emission scores ``E (batch, time, n_tags)``;
    ``loss`` is what ``classifiers.train_model`` minimises, ``decode`` what ``classifiers.predict`` returns.
    """

    def __init__(self, vocab_size: int, n_tags: int, embed_dim: int = 32, hidden_size: int = 32,
                 bidirectional: bool = True, num_layers: int = 1, dropout: float = 0.0, crf_lr_factor: float = 10.0):
        super().__init__(vocab_size, n_tags, embed_dim, hidden_size, bidirectional, num_layers, dropout)
        self.crf_lr_factor = finite_number("crf_lr_factor", crf_lr_factor, above=0)
        self.crf = CRF(n_tags)

    def parameter_groups(self, lr: float) -> list:
        """Adam's parameter groups: the CRF's scores learn ``crf_lr_factor`` times faster than the BiLSTM.

        Adam moves each parameter by about ``lr`` per update: a score of the BiLSTM's output layer
        sums dozens of weights that all move, a transition score is one number. At the same ``lr``
        the transitions stay near zero while the emissions fit the training tags.
        """
        crf = list(self.crf.parameters())
        rest = [p for p in self.parameters() if all(p is not q for q in crf)]
        return [{"params": rest}, {"params": crf, "lr": lr * self.crf_lr_factor}]

    def loss(self, ids: torch.Tensor, lengths: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """-log p(gold tags) summed over the batch, divided by its number of real tokens (nats per token)."""
        mask = padding.length_mask(lengths, ids.shape[1]).to(ids.device)
        return self.crf.nll(self(ids, lengths), y, mask).sum() / mask.sum()

    def decode(self, ids: torch.Tensor, lengths: torch.Tensor) -> list:
        """The Viterbi tag ids of each sentence, ``(length,)`` arrays."""
        return self.crf.decode(self(ids, lengths), padding.length_mask(lengths, ids.shape[1]).to(ids.device))
