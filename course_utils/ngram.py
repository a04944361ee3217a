"""Counting language models: n-grams with add-k smoothing, perplexity, bits per token.

Taught in notebook 04 (language models). A model of order ``n`` predicts a
word from the ``n - 1`` words before it (the Markov assumption)::

    P(w | context) = (c(context, w) + k) / (c(context) + k |V|)

Sequences are lists (or 1-D arrays) of word ids from a
:class:`course_utils.data.text.Vocab`; each sequence is padded on the left with
``n - 1`` start ids and ends with one end id, so the first word has a context
and the model learns where sequences stop.
"""
import math
from collections import Counter, defaultdict

import numpy as np

from course_utils.checks.arguments import finite_number, id_sequences, positive_int


def _check_order(n) -> int:
    return positive_int("n", n, hint="1 = unigram, 2 = bigram, ...")


def _check_k(k) -> float:
    return finite_number("k", k, above=0, hint="add-k smoothing")


def padded(seq, n: int, bos: int, eos: int) -> list[int]:
    """``[bos] * (n - 1) + seq + [eos]``: every word, and the end, gets a full context."""
    return [bos] * (n - 1) + [int(w) for w in seq] + [eos]


def ngrams(seq, n: int, bos: int, eos: int):
    """Yield ``(context, word)`` pairs of a padded sequence; ``context`` is a tuple of ``n - 1`` ids."""
    ids = padded(seq, n, bos, eos)
    for t in range(n - 1, len(ids)):
        yield tuple(ids[t - n + 1:t]), ids[t]


class NGramLM:
    """An n-gram language model with add-k smoothing (notebook 04).

    ``NGramLM(n=2, vocab_size=len(vocab), bos=vocab.index("<s>"), eos=vocab.index("</s>"))``
    then ``.fit(train_sequences)``. The counts do not depend on ``k``, so one
    fitted model can be evaluated with any ``k`` (``model.prob(ctx, w, k=0.1)``).

    Attributes: ``context_counts`` (Counter: context tuple -> count) and
    ``next_counts`` (dict: context tuple -> Counter of next words).
    """

    def __init__(self, n: int, vocab_size: int, bos: int, eos: int):
        self.n = _check_order(n)
        vocab_size = positive_int("vocab_size", vocab_size, minimum=2)
        for name, value in {"bos": bos, "eos": eos}.items():
            positive_int(name, value, minimum=0, maximum=vocab_size - 1,
                         hint=f"an id, e.g. vocab.index('{'<s>' if name == 'bos' else '</s>'}')")
        self.vocab_size, self.bos, self.eos = int(vocab_size), int(bos), int(eos)
        self.context_counts: Counter = Counter()
        self.next_counts: dict = defaultdict(Counter)

    def fit(self, sequences) -> "NGramLM":
        """Count every ``(context, word)`` pair of the training sequences (lists of ids); returns ``self``."""
        for seq in id_sequences(sequences, "sequences", vocab_size=self.vocab_size, empty_ok=True):
            for context, word in ngrams(seq, self.n, self.bos, self.eos):
                self.context_counts[context] += 1
                self.next_counts[context][word] += 1
        if not self.context_counts:
            raise ValueError("sequences is empty: nothing to count")
        return self

    def _last_words(self, context) -> tuple:
        """The last ``n - 1`` ids of ``context`` as a tuple (the Markov assumption)."""
        if isinstance(context, str):
            raise ValueError(f"context must be word ids, got the string {context[:40]!r}: "
                             f"use vocab.encode(tokens)")
        context = tuple(int(w) for w in context)
        if len(context) < self.n - 1:
            raise ValueError(f"context must hold at least n - 1 = {self.n - 1} ids, got {len(context)}")
        return context[len(context) - (self.n - 1):]

    def prob(self, context, word: int, k: float = 1.0) -> float:
        """Add-k estimate of ``P(word | context)``; ``context`` holds the last ``n - 1`` ids."""
        k = _check_k(k)
        word = positive_int("word", word, minimum=0, maximum=self.vocab_size - 1, hint="an id")
        context = self._last_words(context)
        seen = self.next_counts.get(context)
        count = seen[word] if seen else 0
        return (count + k) / (self.context_counts.get(context, 0) + k * self.vocab_size)

    def next_word_probs(self, context, k: float = 1.0) -> np.ndarray:
        """The whole distribution ``P(. | context)``, shape ``(vocab_size,)``, summing to 1."""
        k = _check_k(k)
        context = self._last_words(context)
        probs = np.full(self.vocab_size, k)
        for word, count in self.next_counts.get(context, {}).items():
            probs[word] += count
        return probs / probs.sum()

    def log_probs(self, sequences, k: float = 1.0) -> np.ndarray:
        """Natural-log probability of every predicted token (words and each end id), shape ``(tokens,)``."""
        k = _check_k(k)
        out = []
        for seq in id_sequences(sequences, "sequences", vocab_size=self.vocab_size, empty_ok=True):
            for context, word in ngrams(seq, self.n, self.bos, self.eos):
                seen = self.next_counts.get(context)
                count = seen[word] if seen else 0
                out.append(math.log((count + k) / (self.context_counts.get(context, 0) + k * self.vocab_size)))
        return np.array(out)

    def sample(self, rng: np.random.Generator, max_len: int = 20, k: float = 1.0,
               allow_unk: bool = True) -> list[int]:
        """Draw one sequence of ids (without the start and end ids), at most ``max_len`` words.

        rng: a ``np.random.Generator`` (or a seed for one).
        """
        rng = np.random.default_rng(rng)
        max_len = positive_int("max_len", max_len, minimum=0)
        context = [self.bos] * (self.n - 1)
        words = []
        for _ in range(max_len):
            probs = self.next_word_probs(context, k)
            if not allow_unk:
                probs[0] = 0.0  # samples read better without <unk>; id 0 is <unk>
                probs /= probs.sum()
            word = int(rng.choice(self.vocab_size, p=probs))
            if word == self.eos:
                break
            words.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return words


def perplexity(log_probs) -> dict:
    """Cross-entropy, bits per token and perplexity from natural-log token probabilities.

    ``perplexity = exp(-mean log p) = 2 ** bits_per_token``. Returns
    ``{"tokens", "nats_per_token", "bits_per_token", "perplexity"}``. A token of
    probability 0 (log -inf) gives perplexity inf; a NaN gives NaN (never a number).
    """
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 1 or log_probs.size == 0:
        raise ValueError(f"log_probs must be a non-empty 1-D array, got shape {log_probs.shape}")
    if np.any(log_probs > 1e-12):
        raise ValueError("log_probs must be natural logs of probabilities (<= 0), got a positive value")
    nats = float(-log_probs.mean())
    return {"tokens": int(log_probs.size), "nats_per_token": nats,
            "bits_per_token": nats / math.log(2), "perplexity": math.exp(nats)}


def unseen_share(train_sequences, heldout_sequences, n: int, bos: int, eos: int) -> dict:
    """Share of held-out positions whose ``n - 1``-word context, or whole n-gram, never occurs in training.

    Returns ``{"n", "unseen_contexts", "unseen_ngrams"}`` (fractions of
    held-out positions, between 0 and 1). Sparsity made visible in notebook 04.
    """
    n = _check_order(n)
    seen_ctx, seen_gram = set(), set()
    for seq in id_sequences(train_sequences, "train_sequences", empty_ok=True):
        for context, word in ngrams(seq, n, bos, eos):
            seen_ctx.add(context)
            seen_gram.add(context + (word,))
    total = miss_ctx = miss_gram = 0
    for seq in id_sequences(heldout_sequences, "heldout_sequences", empty_ok=True):
        for context, word in ngrams(seq, n, bos, eos):
            total += 1
            miss_ctx += context not in seen_ctx
            miss_gram += (context + (word,)) not in seen_gram
    if total == 0:
        raise ValueError("heldout_sequences is empty")
    return {"n": n, "unseen_contexts": miss_ctx / total, "unseen_ngrams": miss_gram / total}


def split_articles(articles, heldout_every: int = 5):
    """Split a list of documents into train and held-out: every ``heldout_every``-th one is held out.

    Splitting by whole documents (not by tokens) keeps held-out text unseen.
    """
    heldout_every = positive_int("heldout_every", heldout_every, minimum=2)
    train = [a for i, a in enumerate(articles) if i % heldout_every != heldout_every - 1]
    heldout = [a for i, a in enumerate(articles) if i % heldout_every == heldout_every - 1]
    if not heldout:
        raise ValueError(f"too few articles ({len(articles)}) to hold out every {heldout_every}-th")
    return train, heldout


def ngram_experiment(models: dict, heldout_sequences, itos, n: int, k: float,
                     n_samples: int = 3, max_len: int = 15, seed: int = 0) -> dict:
    """The numbers behind notebook 04's widget: held-out perplexity and samples for one ``(n, k)``.

    models: ``{n: fitted NGramLM}`` (fit once, reuse for every ``k``);
    itos: id -> word. Returns ``{"n", "k", "perplexity", "bits_per_token", "samples"}``.
    """
    if n not in models:
        raise ValueError(f"n must be one of the fitted orders {sorted(models)}, got {n!r}")
    model = models[n]
    scores = perplexity(model.log_probs(heldout_sequences, k))
    rng = np.random.default_rng(seed)
    samples = [" ".join(itos[i] for i in model.sample(rng, max_len, k)) for _ in range(n_samples)]
    return {"n": n, "k": float(k), "perplexity": scores["perplexity"],
            "bits_per_token": scores["bits_per_token"], "samples": samples}
