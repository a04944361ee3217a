"""Exposure bias, measured against a control that has none (notebook 10).

A model trained with teacher forcing only ever reads true text. Exposure bias is the claim that the
model is *hurt* when it reads its own output instead. Comparing free-running output with the one true
continuation cannot show that: two samples of the same random process part ways too, so even the
true process "fails" that test. The **splice test** here can tell:

1. take a prompt of true text and let it continue for ``K`` characters, once with the true text
   (``real``) and once with the model's own samples at temperature 1 (``own``);
2. after either, feed ``M`` true characters taken from an *unrelated* place in the text, and score
   the model on them with teacher forcing (bits per character).

Neither continuation has anything to do with the targets. For the true process, its own samples and
the true text are draws from the same distribution, so the difference (own minus true) is zero up to
noise; a model hurt by reading its own writing scores the targets worse after it. The difference is
harm minus any gain from a less confident context, so a zero excess rules out only a large harm.
:class:`BigramSource` is such a process, with exact probabilities, to run the same test on.
"""
import math

import numpy as np
import torch
from torch import nn

from course_utils.checks.arguments import finite_parameters, int_ids, positive_int

PROSE_CHARS = set(" .,;:'\"()-\n")


def looks_like_prose(text: str) -> bool:
    """True for a stretch of running English: at least 70% letters, only letters and ``PROSE_CHARS``,
    and no run of three spaces except the indentation after a line break."""
    letters = sum(ch.isalpha() for ch in text)
    plain = sum(ch.isalpha() or ch in PROSE_CHARS for ch in text)
    return letters >= 0.7 * len(text) and plain == len(text) and "   " not in text.replace("\n   ", "\n")


def prose_starts(text: str, n: int, before: int, after: int, rng, room: int = 0, tries: int = 200_000):
    """``n`` random positions ``s`` with ``text[s - before : s + after]`` prose and ``room`` more
    characters after that inside the text. Returns an int64 array ``(n,)``."""
    n = positive_int("n", n)
    lo, hi = before, len(text) - after - room
    if hi <= lo:
        raise ValueError(f"text of length {len(text)} is too short for windows of {before + after + room}")
    out = []
    for _ in range(tries):
        s = int(rng.integers(lo, hi))
        if looks_like_prose(text[s - before:s + after]):
            out.append(s)
            if len(out) == n:
                return np.array(out, dtype=np.int64)
    raise ValueError(f"found only {len(out)} prose windows of {before + after} characters in {tries} tries")


class BigramSource(nn.Module):
    """A character bigram process ``p(c_{t+1} | c_t)``, fitted by add-one counts; its probabilities are exact.

    Usable wherever a language model is: ``forward(ids (batch, time), state=None)`` returns
    ``(log p (batch, time, vocab), None)``. Used as its *own* model it is the true process, so it has
    no exposure bias: the control of the splice test.
    """

    def __init__(self, ids, vocab_size: int):
        super().__init__()
        ids = int_ids(ids)
        vocab_size = positive_int("vocab_size", vocab_size)
        counts = np.ones((vocab_size, vocab_size))
        np.add.at(counts, (ids[:-1], ids[1:]), 1.0)
        log_p = np.log(counts / counts.sum(axis=1, keepdims=True))
        self.log_p = nn.Parameter(torch.tensor(log_p, dtype=torch.float32), requires_grad=False)

    def forward(self, ids, state=None):
        return self.log_p[ids], None

    def sample(self, n: int, first: int, seed: int = 0) -> np.ndarray:
        """A text of ``n`` ids drawn from the process, starting after the id ``first``. Shape ``(n,)``."""
        rng = np.random.default_rng(seed)
        cdf = np.cumsum(np.exp(self.log_p.detach().double().numpy()), axis=1)
        u, out, c = rng.random(positive_int("n", n)), np.empty(n, dtype=np.int64), int(first)
        for t in range(n):
            c = min(int(np.searchsorted(cdf[c], u[t] * cdf[c, -1])), len(cdf) - 1)
            out[t] = c
        return out


@torch.no_grad()
def continue_batch(model, prompts, n: int, greedy: bool = False, seed: int = 0) -> torch.Tensor:
    """Free running for a batch: feed ``prompts`` ``(batch, L)``, then ``n`` characters each drawn from
    the model at temperature 1 (or its argmax when ``greedy``) and fed back in. Returns ``(batch, n)``."""
    finite_parameters("model", model)
    if not torch.is_tensor(prompts) or prompts.dim() != 2 or prompts.is_floating_point():
        shown = tuple(prompts.shape) if torch.is_tensor(prompts) else type(prompts).__name__
        raise ValueError(f"prompts must be a tensor of ids of shape (batch, L), got {shown}")
    gen = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    logits, state = model(prompts)
    out = []
    for _ in range(positive_int("n", n)):
        z = logits[:, -1].float()
        nxt = z.argmax(-1, keepdim=True) if greedy else torch.multinomial(torch.softmax(z, -1), 1, generator=gen)
        out.append(nxt)
        logits, state = model(nxt, state)
    model.train(was_training)
    return torch.cat(out, dim=1)


@torch.no_grad()
def target_bits(model, prefixes, targets) -> np.ndarray:
    """Teacher-forced surprise of each target after its prefix: ``-log2 p(target_j | prefix, targets_<j)``.

    prefixes ``(batch, L)``, targets ``(batch, M)`` (id tensors); returns a numpy array ``(batch, M)``.
    """
    was_training = model.training
    model.eval()
    full = torch.cat([prefixes, targets], dim=1)
    logits, _ = model(full[:, :-1])
    log_p = torch.log_softmax(logits[:, prefixes.shape[1] - 1:].double(), dim=-1)
    model.train(was_training)
    return (-log_p.gather(-1, targets[..., None])[..., 0] / math.log(2)).numpy()


def splice_test(model, ids, text: str, n: int = 1000, prompt: int = 30, written: int = 30,
                targets: int = 20, seed: int = 0, writer=None) -> dict:
    """The splice test on ``n`` prompt/target pairs drawn from prose in ``text`` (``ids`` its encoding).

    Each prompt (``prompt`` true characters) is continued by ``written`` characters, true (``"real"``)
    or sampled from the model (``"own"``); then ``targets`` true characters from an unrelated prose
    position are scored. ``"clean"`` scores the same targets after their own true preceding text.
    ``writer`` (default: the model itself) is the model whose samples make the ``"own"`` continuation;
    another writer shows what reading text unlike its own does to the model.
    Returns a dict of arrays ``(n, targets)`` in bits, plus ``"own_text"``: the sampled continuations.
    """
    finite_parameters("model", model)
    if writer is not None:
        finite_parameters("writer", writer)
    ids = torch.as_tensor(int_ids(ids))
    if len(ids) != len(text):
        raise ValueError(f"ids ({len(ids)}) must encode text ({len(text)} characters)")
    rng = np.random.default_rng(seed)
    L, K, M = positive_int("prompt", prompt), positive_int("written", written), positive_int("targets", targets)
    r = prose_starts(text, n, 0, L, rng, room=K)                       # prompt: text[r : r + L]
    s = prose_starts(text[L + K - 20:], n, 20, M, rng) + L + K - 20    # targets: text[s : s + M]
    prompts = torch.stack([ids[i:i + L] for i in r])
    real = torch.stack([ids[i + L:i + L + K] for i in r])
    own = continue_batch(model if writer is None else writer, prompts, K, seed=seed)
    y = torch.stack([ids[i:i + M] for i in s])
    clean = torch.stack([ids[i - L - K:i] for i in s])
    return {"clean": target_bits(model, clean, y), "real": target_bits(model, torch.cat([prompts, real], 1), y),
            "own": target_bits(model, torch.cat([prompts, own], 1), y), "own_text": own.numpy()}
