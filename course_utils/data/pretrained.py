"""Pre-trained word vectors: word2vec on the Wikipedia text, trained once and cached, copied into a model.

Notebook 11 starts a classifier's embedding table from them (lecture 004: ``W_xh`` can be
initialised with word2vec embeddings). :func:`wikipedia_vectors` trains with the package's
trainer (:func:`course_utils.word2vec_torch.train`, notebook 03) on
:func:`course_utils.data.corpora.wikipedia_articles` and caches the vectors and their words under
``data/cache/`` in a file whose name spells out the settings. Each setting is trained once per
clone, by whichever notebook asks first: no notebook depends on another having run. After
changing the trainer itself, delete the cached files (``data/cache/w2v_*.npz``).
"""
import os
import time

import numpy as np
import torch

from course_utils.data import corpora
from course_utils import word2vec, word2vec_torch
from course_utils.data.text import Vocab
from course_utils.checks.arguments import choice, finite_array, finite_number, positive_int, positive_ints

ARCHITECTURES = {"skipgram": word2vec_torch.SkipGram, "cbow": word2vec_torch.CBOW}


def cache_name(architecture: str, dim: int, epochs: int, min_count: int, window: int, negatives: int,
               lr: float, seed: int) -> str:
    """The cache file's name for these settings, e.g. ``w2v_enwiki_cbow_d32_e5_mc5_w5_k5_lr0.025_s0.npz``."""
    return (f"w2v_enwiki_{architecture}_d{dim}_e{epochs}_mc{min_count}_w{window}_k{negatives}"
            f"_lr{lr:g}_s{seed}.npz")


def wikipedia_vectors(architecture: str = "cbow", dim: int = 32, epochs: int = 5, min_count: int = 5,
                      window: int = 5, negatives: int = 5, lr: float = 0.025, seed: int = 0,
                      progress: bool = True) -> dict:
    """Word2vec vectors of the Wikipedia text, from the cache or trained now (then cached).

    architecture: ``"cbow"`` or ``"skipgram"``; the other settings are those of
    :func:`course_utils.word2vec_torch.train` (subsampling ``1e-3``, batches of 1 024) and the
    vocabulary's ``min_count``. Training neither reads nor moves the caller's random state, so a
    notebook sees the same numbers whether the vectors came from the cache or not.
    Returns ``{"vectors": (V, dim) float32 array, "words": V words (row i is words[i]; no
    <unk>), "path": the cache file, "seconds": training time, 0.0 when read from the cache}``.
    """
    choice("architecture", architecture, sorted(ARCHITECTURES))
    dim, epochs, min_count, window, negatives = positive_ints(
        dim=dim, epochs=epochs, min_count=min_count, window=window, negatives=negatives)
    seed = positive_int("seed", seed, minimum=0)
    finite_number("lr", lr, above=0)
    path = corpora.data_dir() / "cache" / cache_name(architecture, dim, epochs, min_count, window,
                                                      negatives, lr, seed)
    seconds = 0.0
    if not path.is_file():
        start = time.perf_counter()
        vectors, words = _train(architecture, dim, epochs, min_count, window, negatives, lr, seed, progress)
        seconds = time.perf_counter() - start
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        with open(tmp, "wb") as f:
            np.savez(f, vectors=vectors, words=np.array(words))
        tmp.replace(path)  # atomic: a half-written cache is never read
    with np.load(path) as cached:
        return {"vectors": cached["vectors"], "words": cached["words"].tolist(), "path": path,
                "seconds": seconds}


def _train(architecture, dim, epochs, min_count, window, negatives, lr, seed, progress):
    articles = corpora.wikipedia_articles()
    vocab = Vocab([t for article in articles for t in article], min_count=min_count)
    sentences = word2vec.encode_sentences(articles, vocab)
    with torch.random.fork_rng(devices=[]):  # the caller's torch random state is left as it was
        torch.manual_seed(seed)
        model = ARCHITECTURES[architecture](len(vocab), dim)
        word2vec_torch.train(model, sentences, vocab.counts, epochs=epochs, window=window,
                             negatives=negatives, lr=lr, seed=seed, progress=progress)
    vectors = word2vec_torch.word_vectors(model)
    # row 0 is <unk>: never trained (train() zeroes its count), so it is left out
    return vectors[1:].astype(np.float32), vocab.itos[1:]


def copy_into(embedding: torch.nn.Embedding, itos, vectors, words) -> np.ndarray:
    """Copy the pre-trained vector of every word of ``itos`` that ``words`` has into ``embedding``.

    embedding: ``(len(itos), dim)`` table, e.g. a classifier's ``embed``; itos: the model's
    words by id (``Vocab.itos``); vectors ``(V, dim)`` and words: from :func:`wikipedia_vectors`.
    Rows of words without a vector (``<pad>``, ``<unk>``, words the corpus lacks) keep their
    random start. Returns ``found``: bool array ``(len(itos),)``, True where a row was copied.
    """
    vectors = finite_array("vectors", vectors, ndim=2, what="(len(words), dim)")
    if len(vectors) != len(words):
        raise ValueError(f"vectors has {len(vectors)} rows but words has {len(words)} entries: "
                         f"pass both from one wikipedia_vectors() result")
    if embedding.weight.shape != (len(itos), vectors.shape[1]):
        raise ValueError(f"embedding must be ({len(itos)}, {vectors.shape[1]}) for {len(itos)} words of "
                         f"dimension {vectors.shape[1]}, got {tuple(embedding.weight.shape)}")
    row_of = {w: i for i, w in enumerate(words)}
    found = np.array([w in row_of for w in itos], dtype=bool)
    rows = [row_of[w] for w in itos if w in row_of]
    with torch.no_grad():
        embedding.weight[torch.from_numpy(np.flatnonzero(found))] = torch.as_tensor(
            vectors[rows], dtype=embedding.weight.dtype, device=embedding.weight.device)
    return found
