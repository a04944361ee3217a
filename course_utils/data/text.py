"""Turning text into integer ids: a tokenizer and a vocabulary with ``<unk>``.

Taught in notebook 01 (one-hot vs embeddings) and used by every notebook that
reads words.
"""
import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from course_utils.checks.arguments import int_ids, positive_int

_WORD = r"[a-z0-9]+(?:'[a-z]+)?"
_WORD_OR_PUNCT = _WORD + r"|[^\sa-z0-9]"


def tokenize(text: str, lower: bool = True, keep_punct: bool = False) -> list[str]:
    """Split ``text`` into word tokens ("don't" stays one token).

    >>> tokenize("The quick brown fox, it's quick!")
    ['the', 'quick', 'brown', 'fox', "it's", 'quick']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if lower:
        text = text.lower()
    pattern = _WORD_OR_PUNCT if keep_punct else _WORD
    return re.findall(pattern, text, flags=0 if lower else re.IGNORECASE)


class Vocab:
    """Words <-> ids. Id 0 is ``<unk>`` (``<pad>`` with ``pad=True``, then ``<unk>`` is 1); the rest are sorted by count.

    ``Vocab(tokens, min_count=5, max_size=10_000)`` keeps the words seen at
    least ``min_count`` times, at most ``max_size`` of them (``<unk>``, the
    pad and the specials included). Ties in count are broken alphabetically,
    so the ids are the same on every machine.

    ``specials`` are extra words kept whatever their count, right after ``<unk>``
    (``specials=("<s>", "</s>")``; a single string is one special).

    ``pad=True`` (for padded batches, notebook 11) puts ``<pad>`` at id 0 and
    ``<unk>`` at id 1: a model can then freeze the pad's embedding at zero
    (``padding_idx=0``) and still learn a vector for unknown words.

    Attributes: ``itos`` (list, id -> word), ``stoi`` (dict, word -> id),
    ``unk_id``, ``pad_id`` (``None`` without ``pad``), ``counts`` (int array
    of shape ``(len(vocab),)``; ``counts[unk_id]`` is the number of corpus
    tokens that map to ``<unk>``, the pad's count is 0).
    """

    UNK = "<unk>"
    PAD = "<pad>"

    def __init__(self, tokens: Iterable[str], min_count: int = 1,
                 max_size: int | None = None, specials: Sequence[str] = (), pad: bool = False):
        if isinstance(tokens, str):
            raise TypeError("tokens must be an iterable of words, got a single str "
                            "(tokenize it first: Vocab(tokenize(text)))")
        min_count = positive_int("min_count", min_count)
        specials = (specials,) if isinstance(specials, str) else tuple(specials)
        fixed = [self.PAD] * bool(pad) + [self.UNK, *specials]
        if len(set(fixed)) != len(fixed):
            raise ValueError(f"specials must be distinct and leave out {', '.join(fixed[:1 + bool(pad)])} "
                             f"(the Vocab adds {'them' if pad else 'it'} itself), got {specials!r}")
        if max_size is not None and (not isinstance(max_size, int) or max_size <= len(fixed)):
            raise ValueError(f"max_size must be an int > {len(fixed)} (room for {'<pad>, ' * bool(pad)}<unk>, "
                             f"the specials and one word), got {max_size!r}")
        try:
            counter = Counter(tokens)
        except TypeError:
            raise TypeError("tokens must be an iterable of words (str), got something holding lists: "
                            "flatten sentences first ([w for s in sentences for w in s])") from None
        if not counter:
            raise ValueError("tokens is empty: a Vocab needs at least one token")
        kept = sorted((w for w, c in counter.items() if c >= min_count and w not in fixed),
                      key=lambda w: (-counter[w], w))
        if max_size is not None:
            kept = kept[: max_size - len(fixed)]
        self.itos = [*fixed, *kept]
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.unk_id = self.stoi[self.UNK]
        self.pad_id = self.stoi[self.PAD] if pad else None
        n_unk = sum(counter.values()) - sum(counter[w] for w in kept)
        self.counts = np.array([0] * bool(pad) + [n_unk] + [counter[s] for s in specials]
                               + [counter[w] for w in kept], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, word: str) -> bool:
        return word in self.stoi

    def __repr__(self) -> str:
        head = ", ".join(self.itos[self.unk_id + 1 : self.unk_id + 6])
        return f"Vocab(size={len(self)}, most frequent: {head}, ...)"

    def index(self, word: str) -> int:
        """The id of ``word``; a ``KeyError`` naming the word if it is not in the vocabulary."""
        try:
            return self.stoi[word]
        except KeyError:
            raise KeyError(f"word {word!r} is not in the vocabulary "
                           f"(size {len(self)}); encode() maps it to <unk>") from None

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """Ids of ``tokens`` (unknown words -> ``unk_id``), shape ``(len(tokens),)``."""
        if isinstance(tokens, str):
            raise TypeError("tokens must be a list of words, got a single str (tokenize it first: "
                            "vocab.encode(tokenize(text)))")
        try:
            return np.array([self.stoi.get(w, self.unk_id) for w in tokens], dtype=np.int64)
        except TypeError:
            raise TypeError("tokens must be a list of words (str), got something holding lists: "
                            "encode one sentence at a time ([vocab.encode(s) for s in sentences])") from None

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words of ``ids``; an ``IndexError`` for an id outside ``[0, len(vocab))``."""
        if isinstance(ids, str) or np.asarray(ids).dtype.kind in "US":
            int_ids(ids if isinstance(ids, str) else np.ravel(ids))  # text, not ids: says to encode it
        ids = np.asarray(ids).ravel()
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(f"ids must be integers, got dtype {ids.dtype}")
        bad = ids[(ids < 0) | (ids >= len(self))]
        if bad.size:
            raise IndexError(f"ids must be in [0, {len(self)}), got {int(bad[0])}")
        return [self.itos[i] for i in ids]
