"""One-hot vectors vs a dense embedding table ``E`` (rows are words, ``C(w) = E[w]``).

Taught in notebook 01. The functions here are the reference solutions the
exercise checkers compare against, and the measurements behind its plots.
"""
import time

import numpy as np
import torch

from course_utils.checks.arguments import finite_array, int_ids, MAX_BYTES, positive_int, positive_ints


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
    n = max(len(int_ids(ids)), 1)
    positive_int("vocab_size", vocab_size, maximum=MAX_BYTES // (4 * n),  # 4 bytes per float32
                 hint=f"the one-hot rows of {n} ids, 4 bytes a number, must fit in 2 GB")
    ids = _check_ids(ids, vocab_size)
    X = np.zeros((len(ids), vocab_size), dtype=np.float32)
    X[np.arange(len(ids)), ids] = 1.0
    return X


def unit_rows(A: np.ndarray) -> np.ndarray:
    """Every row of ``A`` ``(n, d)`` scaled to length 1; an all-zero row stays zero."""
    norms = np.linalg.norm(A, axis=1, keepdims=True)
    return np.divide(A, norms, out=np.zeros_like(A), where=norms > 0)


def cosine_matrix(X, Y=None) -> np.ndarray:
    """Cosine similarity of every row of ``X`` with every row of ``Y`` (default ``X``).

    X: ``(n, d)``, Y: ``(m, d)``; returns ``(n, m)``. An all-zero row has cosine 0
    with everything (instead of a division by zero); a row with NaN or inf is an error.
    """
    X = finite_array("X", X, ndim=2, what="(n, dim)")
    Y = X if Y is None else finite_array("Y", Y, ndim=2, what="(m, dim)")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns, got shapes {X.shape} and {Y.shape}")
    return unit_rows(X) @ unit_rows(Y).T


def nearest_neighbours(E, word_id: int, k: int = 5) -> list[tuple[int, float]]:
    """The ``k`` rows of ``E`` (shape ``(V, d)``) most cosine-similar to row ``word_id``.

    Returns ``[(id, cosine), ...]`` best first, the word itself left out. A row
    with NaN or inf in ``E`` is an error (it would otherwise rank like any other).
    """
    E = finite_array("E", E, ndim=2, what="(vocab_size, dim)")
    word_id = positive_int("word_id", word_id, minimum=0, maximum=len(E) - 1,
                           hint="a row of E; for a word, pass vocab.index(word)")
    k = positive_int("k", k, maximum=len(E) - 1, hint="the word itself is left out")
    U = unit_rows(E)
    sims = (U[word_id : word_id + 1] @ U.T)[0]
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
    if dim is not None:
        dim = positive_int("dim", dim, hint="or None for one-hot")
    width = vocab_size if dim is None else dim
    return int(batch) * int(window) * int(width) * int(bytes_per_number)


def time_onehot_vs_lookup(vocab_sizes, dim: int = 64, n_words: int = 256,
                          repeats: int = 5, seed: int = 0) -> dict:
    """Median seconds of ``one_hot(ids) @ E`` vs ``E[ids]`` for each vocabulary size.

    Returns ``{"vocab_sizes": [...], "matmul_s": [...], "lookup_s": [...],
    "onehot_bytes": [...]}``; the one-hot time includes building the one-hot
    matrix, as a model fed one-hot inputs would have to.
    """
    if isinstance(vocab_sizes, (int, np.integer)):
        raise ValueError(f"vocab_sizes must be a list of sizes, got the single number {vocab_sizes}: "
                         f"write [{vocab_sizes}]")
    dim, n_words, repeats = positive_ints(dim=dim, n_words=n_words, repeats=repeats)
    # one_hot(ids, V) is int64, .float() copies it to float32, and E holds V * dim float32
    most = MAX_BYTES // (12 * n_words + 4 * dim)
    vocab_sizes = [positive_int("each vocabulary size", V, maximum=most,
                                hint=f"the one-hot matrices of {n_words} words must fit in 2 GB")
                   for V in vocab_sizes]
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
    E = finite_array("E", E, ndim=2, what="(vocab_size, dim)")
    ids = _check_ids([i, j], len(E))
    onehots = one_hot(ids, len(E))
    return {
        "onehot_cosine": float(cosine_matrix(onehots[:1], onehots[1:])[0, 0]),
        "dense_cosine": float(cosine_matrix(E[[i]], E[[j]])[0, 0]),
        "neighbours_i": nearest_neighbours(E, i, k),
        "neighbours_j": nearest_neighbours(E, j, k),
    }
