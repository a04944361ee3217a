"""Argument checks the package shares, so that a bad argument fails early with a message naming it.

Every module calls these instead of keeping its own copy, so one kind of
mistake (``window=0``, ``hidden_size=True``, 2-D ids) reads the same everywhere.
"""
import numpy as np
import torch


def positive_int(name: str, value, minimum: int = 1, hint: str = "") -> int:
    """``value`` as a Python int, or a ValueError if it is not an int >= ``minimum``.

    Accepts Python and numpy integers, refuses bools. ``hint`` (optional) is
    put in parentheses after the bound: ``n must be an int >= 1 (1 = unigram), got 0``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        note = f" ({hint})" if hint else ""
        raise ValueError(f"{name} must be an int >= {minimum}{note}, got {value!r}")
    return int(value)


def positive_ints(**sizes) -> tuple[int, ...]:
    """:func:`positive_int` (minimum 1) on each keyword, in order; returns the values as Python ints."""
    return tuple(positive_int(name, value) for name, value in sizes.items())


def int_ids(ids, name: str = "ids", hint: str = "") -> np.ndarray:
    """A 1-D sequence of integer ids (list, array or tensor) as an int64 array of shape ``(n,)``.

    Empty is allowed. A wrong shape is a ValueError, a non-integer dtype a
    TypeError; ``hint`` (optional) is put in parentheses after "1-D".
    """
    if torch.is_tensor(ids):
        ids = ids.detach().cpu().numpy()
    ids = np.asarray(ids)
    if ids.ndim != 1:
        note = f" ({hint})" if hint else ""
        raise ValueError(f"{name} must be 1-D{note}, got shape {ids.shape}")
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"{name} must be integers, got dtype {ids.dtype}")
    return ids.astype(np.int64, copy=False)
