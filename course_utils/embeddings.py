"""One-hot vectors vs a dense embedding table ``E`` (rows are words, ``C(w) = E[w]``).

Taught in notebook 01. The functions here are the reference solutions the
exercise checkers compare against, and the measurements behind its plots.
"""
import time

import numpy as np
import torch

from course_utils.checks.arguments import int_ids, positive_int, positive_ints


def _check_ids(ids, vocab_size: int) -> np.ndarray:
    vocab_size = positive_int("vocab_size", vocab_size)
    ids = int_ids(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"ids must be in [0, vocab_size={vocab_size}), "
                         f"got values from {ids.min()} to {ids.max()}")
    return ids


def one_hot(ids, vocab_size: int) -> np.ndarray:
    """One-hot rows: ``one_hot([4], 10)[0]`` is 1 at position 4 and 0 elsewhere.

    ids: ints of shape ``(n,)``; returns float32 of shape ``(n, vocab_size)``.
    """
    ids = _check_ids(ids, vocab_size)
    X = np.zeros((len(ids), vocab_size), dtype=np.float32)
    X[np.arange(len(ids)), ids] = 1.0
    return X


def cosine_matrix(X, Y=None) -> np.ndarray:
    """Cosine similarity of every row of ``X`` with every row of ``Y`` (default ``X``).

    X: ``(n, d)``, Y: ``(m, d)``; returns ``(n, m)``. An all-zero row has cosine 0
    with everything (instead of a division by zero).
    """
    X = np.asarray(X, dtype=np.float64)
    Y = X if Y is None else np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must be 2-D with the same number of columns, "
                         f"got shapes {X.shape} and {Y.shape}")
    def unit(A):
        norms = np.linalg.norm(A, axis=1, keepdims=True)
        return np.divide(A, norms, out=np.zeros_like(A), where=norms > 0)
    return unit(X) @ unit(Y).T


def nearest_neighbours(E, word_id: int, k: int = 5) -> list[tuple[int, float]]:
    """The ``k`` rows of ``E`` (shape ``(V, d)``) most cosine-similar to row ``word_id``.

    Returns ``[(id, cosine), ...]`` best first, the word itself left out.
    """
    E = np.asarray(E)
    if E.ndim != 2:
        raise ValueError(f"E must be 2-D (vocab_size, dim), got shape {E.shape}")
    _check_ids([word_id], len(E))
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < len(E):
        raise ValueError(f"k must be an int in [1, {len(E) - 1}], got {k!r}")
    sims = cosine_matrix(E[word_id : word_id + 1], E)[0]
    sims[word_id] = -np.inf
    best = np.argsort(-sims, kind="stable")[:k]
    return [(int(i), float(sims[i])) for i in best]


def window_input_bytes(window: int, vocab_size: int, dim: int | None = None,
                       batch: int = 1, bytes_per_number: int = 4) -> int:
    """Bytes to hold the input for ``batch`` windows of ``window`` words.

    One-hot (``dim=None``): ``batch * window * vocab_size`` numbers.
    Dense embeddings of size ``dim``: ``batch * window * dim`` numbers.
    """
    window, vocab_size, batch, bytes_per_number = positive_ints(
        window=window, vocab_size=vocab_size, batch=batch, bytes_per_number=bytes_per_number)
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1):
        raise ValueError(f"dim must be None (one-hot) or an int >= 1, got {dim!r}")
    width = vocab_size if dim is None else dim
    return int(batch) * int(window) * int(width) * int(bytes_per_number)


def time_onehot_vs_lookup(vocab_sizes, dim: int = 64, n_words: int = 256,
                          repeats: int = 5, seed: int = 0) -> dict:
    """Median seconds of ``one_hot(ids) @ E`` vs ``E[ids]`` for each vocabulary size.

    Returns ``{"vocab_sizes": [...], "matmul_s": [...], "lookup_s": [...],
    "onehot_bytes": [...]}``; the one-hot time includes building the one-hot
    matrix, as a model fed one-hot inputs would have to.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    gen = torch.Generator().manual_seed(seed)
    out = {"vocab_sizes": [], "matmul_s": [], "lookup_s": [], "onehot_bytes": []}
    for V in vocab_sizes:
        E = torch.randn(V, dim, generator=gen)
        ids = torch.randint(0, V, (n_words,), generator=gen)
        t_mm, t_lu = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            torch.nn.functional.one_hot(ids, V).float() @ E
            t1 = time.perf_counter()
            E[ids]
            t2 = time.perf_counter()
            t_mm.append(t1 - t0)
            t_lu.append(t2 - t1)
        out["vocab_sizes"].append(int(V))
        out["matmul_s"].append(float(np.median(t_mm)))
        out["lookup_s"].append(float(np.median(t_lu)))
        out["onehot_bytes"].append(window_input_bytes(1, int(V), batch=n_words))
    return out


def compare_pair(E, i: int, j: int, k: int = 5) -> dict:
    """What the word-pair widget of notebook 01 shows, as numbers.

    Returns the cosine of words ``i`` and ``j`` as one-hot vectors and as rows
    of ``E`` (shape ``(V, d)``), and each word's ``k`` nearest neighbours in ``E``.
    """
    E = np.asarray(E)
    ids = _check_ids([i, j], len(E))
    onehots = one_hot(ids, len(E))
    return {
        "onehot_cosine": float(cosine_matrix(onehots[:1], onehots[1:])[0, 0]),
        "dense_cosine": float(cosine_matrix(E[[i]], E[[j]])[0, 0]),
        "neighbours_i": nearest_neighbours(E, i, k),
        "neighbours_j": nearest_neighbours(E, j, k),
    }
