"""Generated long-range tasks: the adding problem and the copy-memory task (notebook 08).

Both are made from a seed, at any length, so every run sees the same data.
They are hard for a vanilla RNN because the answer depends on inputs that
lie many steps before the step where the answer is asked for.
"""
import math

import numpy as np
import torch

ADDING_BASELINE_MSE = 1 / 6  # Var(u_1 + u_2) for two independent U[0, 1] values


def _check_int(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return int(value)


def adding_problem(n: int, length: int, seed: int = 0):
    """The adding problem (Hochreiter & Schmidhuber 1997; the form of Le et al. 2015).

    Each sequence has ``length`` steps of two features: a value drawn from
    U[0, 1] and a marker that is 1 at exactly two steps, one in the first half
    and one in the second half. The target is the sum of the two marked values.

    Returns ``(x, y)``: float32 tensors of shapes ``(n, length, 2)`` and ``(n,)``.
    Always predicting 1 (the mean) gives MSE = 1/6 = 0.167
    (``ADDING_BASELINE_MSE``): the trivial baseline a model must beat.
    """
    n = _check_int("n", n, 1)
    length = _check_int("length", length, 2)
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=2).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y)


def copy_memory(n: int, delay: int, n_symbols: int = 8, n_copy: int = 10, seed: int = 0):
    """The copy-memory task (Hochreiter & Schmidhuber 1997; the form of Arjovsky et al. 2016).

    Input ids: ``n_copy`` symbols drawn from ``1..n_symbols``, then ``delay - 1``
    blanks (id 0), then the delimiter (id ``n_symbols + 1``), then ``n_copy``
    blanks. Target: blanks everywhere except the last ``n_copy`` steps, which
    must repeat the first ``n_copy`` symbols. Sequence length ``delay + 2 n_copy``.

    Returns ``(x, y)``: int64 tensors of shape ``(n, delay + 2 * n_copy)``;
    the vocabulary has ``n_symbols + 2`` ids. The memoryless baseline
    (blanks, then a uniform guess) has cross-entropy
    :func:`copy_memory_baseline`.
    """
    n = _check_int("n", n, 1)
    delay = _check_int("delay", delay, 1)
    n_symbols = _check_int("n_symbols", n_symbols, 1)
    n_copy = _check_int("n_copy", n_copy, 1)
    rng = np.random.default_rng(seed)
    symbols = rng.integers(1, n_symbols + 1, size=(n, n_copy))
    T = delay + 2 * n_copy
    x = np.zeros((n, T), dtype=np.int64)
    y = np.zeros((n, T), dtype=np.int64)
    x[:, :n_copy] = symbols
    x[:, n_copy + delay - 1] = n_symbols + 1
    y[:, -n_copy:] = symbols
    return torch.from_numpy(x), torch.from_numpy(y)


def copy_memory_baseline(delay: int, n_symbols: int = 8, n_copy: int = 10) -> float:
    """Cross-entropy per step (nats) of guessing blanks, then uniformly among the symbols."""
    delay = _check_int("delay", delay, 1)
    return n_copy * math.log(n_symbols) / (delay + 2 * n_copy)
