"""Minibatches of variable-length sequences: padding, masks, a masked loss, bucketing (notebook 11).

A batch is a rectangle ``(batch, time)``: shorter sequences are filled with a
pad id up to the longest one, and a boolean mask ``(batch, time)`` says which
slots are real. Anything summed over time (a loss, a mean of states) must use
the mask, or the pads leak in. Sorting sequences by length before cutting
batches (bucketing) keeps the rectangles thin and the wasted steps few.
"""
import numpy as np
import torch
import torch.nn.functional as F

from course_utils.checks.arguments import id_sequences, positive_int


def _as_lengths(lengths) -> np.ndarray:
    arr = np.asarray(lengths.cpu() if hasattr(lengths, "cpu") else lengths)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"lengths must be a non-empty 1-d list of ints, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"lengths must be integers, got dtype {arr.dtype}")
    if arr.min() < 1:
        raise ValueError(f"lengths must all be >= 1, got {int(arr.min())}")
    return arr.astype(np.int64)


def pad_sequences(seqs, pad_id: int = 0, name: str = "seqs"):
    """Stack id sequences into ``ids (batch, time)`` padded with ``pad_id``, plus ``lengths (batch,)``.

    ``time`` is the longest length in ``seqs``. Both are int64 tensors. ``name``
    names ``seqs`` in an error message (a caller passes its own argument's name).
    """
    rows = id_sequences(seqs, name)
    lengths = np.array([len(r) for r in rows])
    ids = np.full((len(rows), lengths.max()), pad_id, dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
    return torch.from_numpy(ids), torch.from_numpy(lengths)


def length_mask(lengths, max_len: int | None = None) -> torch.Tensor:
    """Boolean mask ``(batch, max_len)``: ``mask[b, t]`` is True when ``t < lengths[b]``."""
    lens = torch.as_tensor(_as_lengths(lengths))
    max_len = int(lens.max()) if max_len is None else positive_int("max_len", max_len)
    if max_len < lens.max():
        raise ValueError(f"max_len must be >= the longest length {int(lens.max())}, got {max_len}")
    return torch.arange(max_len)[None, :] < lens[:, None]


def masked_cross_entropy(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the real tokens only.

    logits ``(batch, time, classes)``, targets ``(batch, time)`` ints, mask
    ``(batch, time)`` bool. Pads contribute nothing: the sum of the per-token
    losses where ``mask`` is True, divided by the number of True entries.
    """
    if logits.dim() != 3:
        raise ValueError(f"logits must have shape (batch, time, classes), got {tuple(logits.shape)}")
    if targets.shape != logits.shape[:2] or mask.shape != logits.shape[:2]:
        raise ValueError(f"targets {tuple(targets.shape)} and mask {tuple(mask.shape)} must both have "
                         f"shape (batch, time) = {tuple(logits.shape[:2])}")
    if mask.dtype != torch.bool:
        raise ValueError(f"mask must be a bool tensor (True at real tokens, e.g. from length_mask), got {mask.dtype}")
    if targets.is_floating_point():
        raise ValueError(f"targets must be integer class ids, got {targets.dtype}")
    if not mask.any():
        raise ValueError("mask has no True entry: there is no real token to average over")
    per_token = F.cross_entropy(logits.transpose(1, 2), targets.masked_fill(~mask, 0), reduction="none")
    return (per_token * mask).sum() / mask.sum()


def masked_mean(outputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``outputs (batch, time, hidden)`` over the real steps of each row -> ``(batch, hidden)``."""
    if outputs.dim() != 3 or mask.shape != outputs.shape[:2]:
        raise ValueError(f"outputs must be (batch, time, hidden) and mask (batch, time); "
                         f"got {tuple(outputs.shape)} and {tuple(mask.shape)}")
    m = mask.to(outputs.dtype).unsqueeze(-1)
    return (outputs * m).sum(dim=1) / m.sum(dim=1).clamp(min=1)


def make_batches(lengths, batch_size: int, bucket: bool = True, seed: int = 0) -> list[np.ndarray]:
    """Split example indices into batches; returns a list of index arrays.

    ``bucket=False``: shuffle, then cut into batches (lengths mixed at random).
    ``bucket=True``: shuffle, sort by length (stable, so equal lengths stay
    shuffled), cut into batches of similar length, then shuffle the order of
    the batches so training does not see short sequences first.
    """
    lens = _as_lengths(lengths)
    batch_size = positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(lens))
    if bucket:
        order = order[np.argsort(lens[order], kind="stable")]
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if bucket:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def wasted_fraction(lengths, batches) -> float:
    """Share of the padded slots ``sum over batches of (batch * longest)`` that are pads."""
    lens = _as_lengths(lengths)
    total = real = 0
    for b in batches:
        b = np.asarray(b)
        if b.size == 0:
            raise ValueError("batches must not contain an empty batch")
        total += b.size * lens[b].max()
        real += lens[b].sum()
    return float(1.0 - real / total)
