"""Skip-gram with negative sampling in numpy: pairs, subsampling, noise, loss and gradients.

Taught in notebook 02 (word2vec from scratch); the PyTorch models of notebook 03
(``word2vec_torch``) reuse the data side (pairs, subsampling, noise sampler).
The loss function here is the reference solution the exercise checker
compares against. Notation: ``v_c`` is the input ("center") vector of the
center word, ``u_o`` the output ("context") vector of the observed context
word, ``U_neg`` the output vectors of the ``K`` noise words.
"""
import time

import numpy as np

from course_utils.checks.arguments import finite_array, finite_number, int_ids, MAX_BYTES, positive_int, positive_ints



def _sentence_ids(ids) -> np.ndarray:
    return int_ids(ids, hint="one sentence of word ids")


def _counts(counts) -> np.ndarray:
    counts = finite_array("counts", counts, ndim=1, what="(vocab_size,)")
    if counts.size == 0 or np.any(counts < 0):
        raise ValueError(f"counts must be a non-empty array of counts >= 0 (vocab.counts), "
                         f"got {counts.size} entries, the smallest {counts.min() if counts.size else None}")
    return counts


# ---------------------------------------------------------------- training pairs

def effective_windows(n: int, window: int, shrink: bool = False, rng=None) -> np.ndarray:
    """The window used around each of ``n`` positions, shape ``(n,)``.

    ``shrink=False``: ``window`` everywhere. ``shrink=True``: word2vec's trick,
    a window drawn uniformly from ``1..window`` per position, so near words are
    used more often than far ones (distance ``d`` is used with probability
    ``(window - d + 1) / window``).
    """
    if not shrink:
        return np.full(n, window, dtype=np.int64)
    rng = np.random.default_rng(rng)
    return rng.integers(1, window + 1, size=n)


def skipgram_pairs(ids, window: int, shrink: bool = False, rng=None) -> np.ndarray:
    """All (center, context) pairs of one sentence, shape ``(n_pairs, 2)``.

    ids: word ids (or positions) of one sentence, shape ``(n,)``. Each word is
    paired with every word at most ``window`` positions away on either side
    (its effective window when ``shrink=True``). Pairs are ordered by center
    position, then by context position, as in the lecture's example.
    """
    ids = _sentence_ids(ids)
    window = positive_int("window", window)
    pairs = corpus_pairs(ids, np.zeros(len(ids), dtype=np.int64), window, shrink, rng, positions=True)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return ids[pairs[order]]


def corpus_pairs(ids, sentence_of, window: int, shrink: bool = False, rng=None,
                 positions: bool = False) -> np.ndarray:
    """Skip-gram pairs of a whole corpus at once, never across a sentence boundary.

    ids: all tokens, sentences concatenated, shape ``(n,)``; sentence_of: the
    sentence number of each token, shape ``(n,)``. Returns ``(n_pairs, 2)``
    (center, context) word ids, grouped by distance (shuffle before training),
    or token positions when ``positions=True``.
    """
    ids, sentence_of = _sentence_ids(ids), np.asarray(sentence_of)
    n = len(ids)
    win = effective_windows(n, window, shrink, rng)
    pos = np.arange(n)
    chunks = []
    for d in range(1, min(int(window), n - 1) + 1):     # no pair is farther apart than n - 1
        c = pos[:n - d][(win[:n - d] >= d) & (sentence_of[:n - d] == sentence_of[d:])]
        left = pos[d:][(win[d:] >= d) & (sentence_of[d:] == sentence_of[:n - d])]
        chunks.append(np.stack([c, c + d], axis=1))            # context to the right
        chunks.append(np.stack([left, left - d], axis=1))      # context to the left
    pairs = np.concatenate(chunks) if chunks else np.zeros((0, 2), dtype=np.int64)
    return pairs if positions else ids[pairs]


def cbow_windows(ids, window: int, shrink: bool = False, rng=None, pad: int = -1,
                 sentence_of=None):
    """CBOW examples: ``(contexts, centers)``.

    contexts: shape ``(n, 2 * window)``, the words around each position, left
    then right, with ``pad`` (a value that is no word id) where the (effective) window
    reaches past the sentence; centers: shape ``(n,)``. ``sentence_of`` (shape ``(n,)``, the
    sentence number of each token, sentences one after another) lets ``ids``
    hold many sentences; default: one sentence. Positions with no context word
    at all are dropped.
    """
    ids = _sentence_ids(ids)
    n = len(ids)
    sentence_of = np.zeros(n, dtype=np.int64) if sentence_of is None else np.asarray(sentence_of)
    win = effective_windows(n, window, shrink, rng)
    if n == 0:
        return np.zeros((0, 2 * window), dtype=np.int64), ids
    # Lay the sentences out with `window` pad slots before, between and after them:
    # then every window is a plain slice, and no slice reaches into another sentence.
    starts = np.r_[True, sentence_of[1:] != sentence_of[:-1]]
    where = np.arange(n) + window * np.cumsum(starts)              # position of each token
    padded = np.full(n + window * (int(starts.sum()) + 1), pad, dtype=np.int64)
    padded[where] = ids
    spans = np.lib.stride_tricks.sliding_window_view(padded, 2 * window + 1)[where - window]
    contexts = np.delete(spans, window, axis=1)                     # (n, 2 * window): left, then right
    distance = np.abs(np.r_[-window:0, 1:window + 1])
    contexts[distance > win[:, None]] = pad                         # beyond the effective window
    has_context = (contexts != pad).any(axis=1)
    return contexts[has_context], ids[has_context]


# ------------------------------------------------------- subsampling and noise

def keep_probabilities(counts, sample: float = 1e-3) -> np.ndarray:
    """Probability of keeping each word when frequent words are subsampled, shape ``(V,)``.

    With ``f = count / total``, word2vec's code (and gensim) keep a word with
    probability ``(sqrt(f / sample) + 1) * sample / f``, capped at 1; the
    paper wrote the simpler ``sqrt(sample / f)`` (discard ``1 - sqrt(t / f)``).
    Both keep rare words and throw away most copies of "the".
    ``sample=0`` switches subsampling off (all ones).
    """
    counts = _counts(counts)
    sample = finite_number("sample", sample, minimum=0, hint="0 turns subsampling off")
    if sample == 0:
        return np.ones_like(counts)
    f = counts / counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = (np.sqrt(f / sample) + 1) * sample / f
    return np.where(f > 0, np.minimum(keep, 1.0), 1.0)


def subsample(ids, keep_prob, rng=None) -> np.ndarray:
    """Drop each token ``w`` of ``ids`` with probability ``1 - keep_prob[w]``; shape ``(n_kept,)``."""
    ids = _sentence_ids(ids)
    keep_prob = np.asarray(keep_prob, dtype=np.float64)
    if ids.size and ids.max() >= len(keep_prob):
        raise ValueError(f"ids must be < len(keep_prob)={len(keep_prob)}, got {ids.max()}")
    rng = np.random.default_rng(rng)
    return ids[rng.random(len(ids)) < keep_prob[ids]]


def noise_distribution(counts, power: float = 0.75) -> np.ndarray:
    """The negative-sampling noise ``P_n(w) = count(w)^power / sum_w' count(w')^power``, shape ``(V,)``.

    ``power=1`` is the raw unigram; ``0.75`` (word2vec) flattens it, so rare
    words are drawn more often than their frequency and "the" less often.
    A word with count 0 (e.g. ``<unk>`` after it was removed) is never drawn.
    """
    counts = _counts(counts)
    if counts.sum() == 0:
        raise ValueError("counts are all 0: the noise distribution needs a positive sum")
    power = finite_number("power", power, minimum=0, hint="1 = unigram, 0.75 = word2vec")
    weights = np.where(counts > 0, counts ** power, 0.0)
    return weights / weights.sum()


class NoiseSampler:
    """Draws noise words from a distribution ``probs`` (shape ``(V,)``), many at once.

    Inverse-CDF sampling: one uniform number per draw and a binary search in
    the cumulative distribution (``np.searchsorted``); exact, no table to round.

    >>> sampler = NoiseSampler(noise_distribution(counts), seed=0)
    >>> sampler.sample((batch, K))   # int64 array of word ids
    """

    def __init__(self, probs, seed: int | None = 0):
        probs = np.asarray(probs, dtype=np.float64)
        if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isclose(probs.sum(), 1.0):
            raise ValueError("probs must be a 1-D array of non-negative numbers summing to 1")
        self.probs = probs
        self.cdf = np.cumsum(probs)
        self.cdf[-1] = 1.0  # no draw may fall past the end through rounding
        self.rng = np.random.default_rng(seed)

    def sample(self, shape) -> np.ndarray:
        """Word ids of the given shape, e.g. ``(batch, K)``."""
        u = self.rng.random(shape)     # vectorised: a million draws take a few milliseconds
        return np.searchsorted(self.cdf, u, side="right").astype(np.int64)


def unigram_table(probs, size: int = 2_000_000) -> np.ndarray:
    """word2vec's noise table: word ``w`` fills about ``probs[w] * size`` slots, shape ``(size,)``.

    Drawing a noise word is then one random index into the table; the price
    is that probabilities are rounded to multiples of ``1 / size``. int32 ids.
    With the ~10 000-word vocabulary of notebook 03 the rarest word still gets
    about 55 slots of the default 2 million (rounding under 1%).
    """
    # one memory read per draw, and a 2-million-slot table stays in the CPU cache
    probs = np.asarray(probs, dtype=np.float64)
    edges = np.round(np.cumsum(probs) * size).astype(np.int64)
    return np.repeat(np.arange(len(probs), dtype=np.int32), np.diff(edges, prepend=0))


# ------------------------------------------------------------- loss functions

def sigmoid(x):
    """The logistic function ``s(x) = 1 / (1 + exp(-x))``, computed without overflow."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def negative_sampling_loss_and_grads(v_c, u_o, U_neg):
    """Negative-sampling loss of a batch and its gradients (the reference solution of notebook 02).

    For each example ``b``: ``J_b = -log s(u_o . v_c) - sum_k log s(-u_k . v_c)``;
    the loss is the mean over the batch.

    v_c: center vectors ``(B, d)``; u_o: context vectors ``(B, d)``;
    U_neg: noise-word vectors ``(B, K, d)``.
    Returns ``(loss, grad_v_c, grad_u_o, grad_U_neg)`` with the shapes of the inputs.
    """
    v_c, u_o, U_neg = (np.asarray(a, dtype=np.float64) for a in (v_c, u_o, U_neg))
    if v_c.ndim != 2 or u_o.shape != v_c.shape:
        raise ValueError(f"v_c and u_o must both have shape (batch, dim), got {v_c.shape} and {u_o.shape}")
    if U_neg.ndim != 3 or U_neg.shape[0] != v_c.shape[0] or U_neg.shape[2] != v_c.shape[1]:
        raise ValueError(f"U_neg must have shape (batch, K, dim) = ({v_c.shape[0]}, K, {v_c.shape[1]}), "
                         f"got {U_neg.shape}")
    B = len(v_c)
    s_pos = sigmoid(np.einsum("bd,bd->b", u_o, v_c))          # (B,)   s(u_o . v_c)
    s_neg = sigmoid(np.einsum("bkd,bd->bk", U_neg, v_c))      # (B, K) s(u_k . v_c)
    # log s(x) = -log(1 + exp(-x)), written so that large |x| cannot overflow
    loss = (np.logaddexp(0, -np.einsum("bd,bd->b", u_o, v_c))
            + np.logaddexp(0, np.einsum("bkd,bd->bk", U_neg, v_c)).sum(axis=1)).mean()
    grad_v_c = ((s_pos - 1)[:, None] * u_o + np.einsum("bk,bkd->bd", s_neg, U_neg)) / B
    grad_u_o = (s_pos - 1)[:, None] * v_c / B
    grad_U_neg = s_neg[:, :, None] * v_c[:, None, :] / B
    return float(loss), grad_v_c, grad_u_o, grad_U_neg


def softmax_loss_and_grads(v_c, o, U):
    """Skip-gram loss with a full softmax over the vocabulary, and its gradients.

    ``J = -log softmax(U v_c)_o = -u_o . v_c + log sum_w exp(u_w . v_c)``.
    v_c: ``(d,)``; o: the context word's id; U: all output vectors ``(V, d)``.
    Returns ``(loss, grad_v_c (d,), grad_U (V, d))``: every row of ``U`` gets a
    gradient, which is why one step costs O(|V| d).
    """
    v_c, U = np.asarray(v_c, dtype=np.float64), np.asarray(U, dtype=np.float64)
    if v_c.ndim != 1 or U.ndim != 2 or U.shape[1] != v_c.shape[0]:
        raise ValueError(f"v_c must be (d,) and U (V, d), got {v_c.shape} and {U.shape}")
    o = positive_int("o", o, minimum=0, maximum=len(U) - 1, hint="the context word's id, a row of U")
    scores = U @ v_c
    scores -= scores.max()
    y_hat = np.exp(scores) / np.exp(scores).sum()
    loss = -np.log(y_hat[o])
    delta = y_hat.copy()
    delta[o] -= 1                                              # y_hat - y
    return float(loss), U.T @ delta, np.outer(delta, v_c)


def time_softmax_vs_negative_sampling(vocab_sizes, dim: int = 100, K: int = 5,
                                      repeats: int = 7, seed: int = 0) -> dict:
    """Median seconds of one loss+gradient evaluation: full softmax vs negative sampling.

    Returns ``{"vocab_sizes": [...], "softmax_s": [...], "negative_s": [...]}``.
    The softmax time grows with |V|; the negative-sampling time does not.
    """
    if isinstance(vocab_sizes, (int, np.integer)):
        raise ValueError(f"vocab_sizes must be a list of sizes, got the single number {vocab_sizes}: "
                         f"write [{vocab_sizes}]")
    dim, K, repeats = positive_ints(dim=dim, K=K, repeats=repeats)
    most = MAX_BYTES // (3 * 8 * dim)  # U, its gradient and U @ v_c's temporaries: about 3 (V, dim) float64
    vocab_sizes = [positive_int("each vocabulary size", V, minimum=K + 1, maximum=most,
                                hint=f"a ({V}, {dim}) table and its gradient must fit in 2 GB") for V in vocab_sizes]
    rng = np.random.default_rng(seed)
    out = {"vocab_sizes": [], "softmax_s": [], "negative_s": []}
    for V in vocab_sizes:
        U = rng.normal(0, 0.1, size=(V, dim))
        v_c = rng.normal(0, 0.1, size=dim)
        t_sm, t_ns = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            softmax_loss_and_grads(v_c, 3, U)
            t1 = time.perf_counter()
            negs = rng.integers(0, V, size=K)
            negative_sampling_loss_and_grads(v_c[None], U[3][None], U[negs][None])
            t2 = time.perf_counter()
            t_sm.append(t1 - t0)
            t_ns.append(t2 - t1)
        out["vocab_sizes"].append(V)
        out["softmax_s"].append(float(np.median(t_sm)))
        out["negative_s"].append(float(np.median(t_ns)))
    return out


def pairs_for_display(words, window: int, center: int) -> dict:
    """What the pair-window widget of notebook 02 shows, as plain data.

    words: the sentence's tokens; center: the position of the center word.
    Returns ``{"center": word, "context_positions": [...], "pairs": [(center
    word, context word), ...], "n_pairs_sentence": total pairs in the sentence}``.
    """
    if isinstance(words, str):
        raise ValueError(f"words must be a list of tokens, got the string {words[:40]!r}: "
                         f"split it first (text.tokenize(sentence))")
    window = positive_int("window", window)
    center = positive_int("center", center, minimum=0, maximum=len(words) - 1,
                          hint="a position in words")
    positions = skipgram_pairs(np.arange(len(words)), window)
    mine = positions[positions[:, 0] == center, 1]
    return {"center": words[center],
            "context_positions": [int(p) for p in mine],
            "pairs": [(words[center], words[p]) for p in mine],
            "n_pairs_sentence": int(len(positions))}


def encode_sentences(sentences, vocab, max_len: int = 10_000) -> list[np.ndarray]:
    """Word ids of each sentence with out-of-vocabulary words removed, split into pieces of ``max_len``.

    sentences: lists of tokens (e.g. ``corpora.wikipedia_articles()``); vocab:
    a ``text.Vocab``. Rare words are dropped before windows are formed, as in
    word2vec and gensim (so the window reaches past them); gensim also cuts
    sentences at 10 000 words, hence ``max_len``. Returns 1-D int64 arrays.
    """
    max_len = positive_int("max_len", max_len)
    if isinstance(sentences, str):
        raise ValueError("sentences must be a list of sentences, each a list of tokens, got one string")
    out = []
    for tokens in sentences:
        if isinstance(tokens, str):
            raise ValueError(f"sentences must be a list of sentences, each a list of tokens, got the "
                             f"string {tokens[:40]!r} as a sentence (for one sentence, pass [tokens])")
        ids = vocab.encode(tokens)
        ids = ids[ids != 0]
        out.extend(ids[i:i + max_len] for i in range(0, len(ids), max_len))
    return [s for s in out if len(s) > 1]
