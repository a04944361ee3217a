"""Skip-gram and CBOW with negative sampling in PyTorch, and their training loop.

Taught in notebook 03 (word2vec at scale). Both models keep two tables, as in
notebook 02: ``in_embed`` holds the input ("center") vectors ``v_w`` and
``out_embed`` the output ("context") vectors ``u_w``. Both are
``nn.Embedding(sparse=True)``: a batch touches a few hundred rows out of
thousands, so the gradient is a sparse tensor and plain SGD only updates those
rows, as word2vec's C code does.

The models' ``forward`` gives the loss, and autograd its gradient. The
training loop does not call it: ``sgd_step`` applies the gradients derived by
hand in notebook 02 directly to the touched rows: the same update (a test
checks it against autograd), with no graph, sparse gradient or optimiser state
built for each batch.
"""
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils import word2vec
from course_utils.checks.arguments import (finite_array, finite_number, finite_parameters, int_ids, MAX_BYTES,
                                          positive_int, positive_ints)



def _init_like_word2vec(in_embed: nn.Embedding, out_embed: nn.Embedding, dim: int) -> None:
    # word2vec's start: small random input vectors, zero output vectors.
    nn.init.uniform_(in_embed.weight, -0.5 / dim, 0.5 / dim)
    nn.init.zeros_(out_embed.weight)


def negative_sampling_loss(v, U_out) -> torch.Tensor:
    """Summed negative-sampling loss; column 0 of ``U_out`` is the true word, the rest are noise.

    v: ``(batch, dim)`` (a center vector ``v_c``, or CBOW's context mean ``h``);
    U_out: ``(batch, 1 + K, dim)``. Returns
    ``sum_b [-log s(u_o . v) - sum_k log s(-u_k . v)]``.
    """
    # one dot product per row; on the CPU this beats bmm on tiny (1 + K) x dim matrices
    scores = torch.linalg.vecdot(U_out, v.unsqueeze(1))            # (batch, 1 + K)
    signs = torch.ones_like(scores)
    signs[:, 1:] = -1                                               # noise words: s(-u_k . v)
    return -F.logsigmoid(signs * scores).sum()


class SkipGram(nn.Module):
    """Skip-gram: the center word's ``v_c`` scores its context word against ``K`` noise words."""

    def __init__(self, vocab_size: int, dim: int):
        super().__init__()
        vocab_size, dim = positive_ints(vocab_size=vocab_size, dim=dim)
        self.in_embed = nn.Embedding(vocab_size, dim, sparse=True)
        self.out_embed = nn.Embedding(vocab_size, dim, sparse=True)
        _init_like_word2vec(self.in_embed, self.out_embed, dim)

    def forward(self, centers, targets) -> torch.Tensor:
        """centers: ``(batch,)`` ids; targets: ``(batch, 1 + K)`` ids (context word, then noise words)."""
        return negative_sampling_loss(self.in_embed(centers), self.out_embed(targets))


class CBOW(nn.Module):
    """CBOW: the mean ``h`` of the context words' ``v_w`` scores the center word against noise words.

    As in word2vec, each context word receives the full gradient of ``h``
    (not 1/n of it): with the plain mean, the input vectors of CBOW learn
    several times more slowly than skip-gram's.

    Contexts are padded with id ``vocab_size`` (an extra all-zero row that is
    never trained), so windows cut by a sentence end or shrunk at random fit
    in one tensor.
    """

    def __init__(self, vocab_size: int, dim: int):
        super().__init__()
        vocab_size, dim = positive_ints(vocab_size=vocab_size, dim=dim)
        self.pad = vocab_size
        self.in_embed = nn.Embedding(vocab_size + 1, dim, sparse=True, padding_idx=vocab_size)
        self.out_embed = nn.Embedding(vocab_size, dim, sparse=True)
        _init_like_word2vec(self.in_embed, self.out_embed, dim)
        with torch.no_grad():
            self.in_embed.weight[self.pad].zero_()

    def forward(self, contexts, targets) -> torch.Tensor:
        """contexts: ``(batch, 2 * window)`` ids, padded; targets: ``(batch, 1 + K)`` (center, then noise)."""
        n_words = (contexts != self.pad).sum(dim=1, keepdim=True).clamp(min=1)
        h_sum = self.in_embed(contexts).sum(dim=1)                     # (batch, dim)
        # h has the value of the mean, but its gradient reaches every context word unscaled
        # (not divided by n_words), as in word2vec's code and gensim (cbow_mean=1)
        h = h_sum + (h_sum / n_words - h_sum).detach()
        return negative_sampling_loss(h, self.out_embed(targets))

    def vectors(self) -> np.ndarray:
        """The input vectors without the padding row, ``(vocab_size, dim)``."""
        return self.in_embed.weight[: self.pad].detach().cpu().numpy()


def word_vectors(model) -> np.ndarray:
    """The word vectors a trained model gives (its input table ``v_w``), ``(vocab_size, dim)``."""
    if isinstance(model, CBOW):
        return model.vectors()
    return model.in_embed.weight.detach().cpu().numpy()


def _negative_sampling_update(v, targets, out_weight, lr: float):
    """One SGD step on the output rows for inputs ``v``; returns ``(loss, step_v)``.

    v: ``(batch, dim)`` (``v_c`` or CBOW's ``h``); targets: ``(batch, 1 + K)`` ids, the
    true word first. With ``s_k = u_k . v``, notebook 02's gradients are
    ``dJ/du_k = (sigma(s_k) - y_k) v`` and ``dJ/dv = sum_k (sigma(s_k) - y_k) u_k`` with
    ``y = (1, 0, ..., 0)``. ``u_k`` is updated in place; ``step_v = -lr dJ/dv`` (computed with
    the rows before the update) is returned for the caller to add to the input table.
    """
    batch, dim = v.shape
    rows = targets.reshape(-1)
    U = out_weight.index_select(0, rows).view(batch, -1, dim)     # (batch, 1 + K, dim)
    scores = torch.linalg.vecdot(U, v.unsqueeze(1))                 # (batch, 1 + K)
    loss = F.softplus(-scores[:, 0]).sum() + F.softplus(scores[:, 1:]).sum()
    g = torch.sigmoid(scores)
    g[:, 0] -= 1                                                    # sigma(s_k) - y_k
    g *= -lr                                                        # from here on: steps, not gradients
    # sum_k g_k u_k without writing a (batch, 1 + K, dim) product: a weighted bag of rows
    step_v = F.embedding_bag(targets, out_weight, per_sample_weights=g, mode="sum")
    step_U = g.unsqueeze(2) * v.unsqueeze(1)                        # (batch, 1 + K, dim)
    # scatter_add_ (not index_add_): the same sums, several times faster on the CPU here
    out_weight.scatter_add_(0, rows.unsqueeze(1).expand(-1, dim), step_U.view(-1, dim))
    return loss, step_v


@torch.no_grad()
def sgd_step(model, inputs, targets, lr: float) -> torch.Tensor:
    """One SGD step of ``model`` on a batch, with the hand-derived gradients; returns the summed loss.

    Skip-gram: inputs are center ids ``(batch,)``; CBOW: padded contexts ``(batch, 2 * window)``.
    targets: ``(batch, 1 + K)``. Gives the same update as ``model(inputs, targets).backward()``
    followed by ``torch.optim.SGD(lr)``, duplicated rows in a batch included (their updates add up).
    """
    # detached views share the weights' storage; torch then skips autograd bookkeeping entirely
    W_in, W_out = model.in_embed.weight.detach(), model.out_embed.weight.detach()
    dim = W_in.shape[1]
    if isinstance(model, CBOW):
        real = inputs != model.pad                                   # (batch, 2 * window)
        window_of, slot = real.nonzero(as_tuple=True)
        words = inputs[window_of, slot]            # the context words without padding, window by window
        n_words = real.sum(dim=1)                                    # (batch,)
        # h: the mean of each window's rows; embedding_bag sums them without a (batch, 2 * window, dim) copy
        h_sum = F.embedding_bag(words, W_in, n_words.cumsum(0) - n_words, mode="sum")
        loss, step_h = _negative_sampling_update(h_sum / n_words.clamp(min=1).unsqueeze(1), targets, W_out, lr)
        # every context word gets the whole step of h (word2vec's convention, see CBOW)
        W_in.scatter_add_(0, words.unsqueeze(1).expand(-1, dim), step_h.index_select(0, window_of))
    else:
        loss, step_v = _negative_sampling_update(W_in.index_select(0, inputs), targets, W_out, lr)
        W_in.scatter_add_(0, inputs.unsqueeze(1).expand(-1, dim), step_v)
    return loss


def make_examples(sentences, keep_prob, architecture: str, window: int, rng, pad: int = -1):
    """One epoch of training examples: subsample, then pairs (skip-gram) or windows (CBOW).

    sentences: list of 1-D id arrays (no ``<unk>``); keep_prob: ``(V,)`` from
    ``word2vec.keep_probabilities``. Returns ``(inputs, outputs)``: skip-gram
    ``(centers (n,), contexts (n,))``, CBOW ``(contexts (n, 2 * window), centers (n,))``
    with ``pad`` as padding.
    """
    kept = [word2vec.subsample(s, keep_prob, rng) for s in sentences]
    ids = np.concatenate(kept)
    sentence_of = np.repeat(np.arange(len(kept)), [len(s) for s in kept])
    if architecture == "skipgram":
        pairs = word2vec.corpus_pairs(ids, sentence_of, window, shrink=True, rng=rng)
        return pairs[:, 0], pairs[:, 1]
    return word2vec.cbow_windows(ids, window, shrink=True, rng=rng, pad=pad, sentence_of=sentence_of)


def _check_sentences(sentences, vocab_size: int) -> int:
    """The number of tokens in ``sentences``, after checking they are 1-D id arrays below ``vocab_size``."""
    one = isinstance(sentences, str) or (len(sentences) and np.ndim(sentences[0]) == 0
                                         and not isinstance(sentences[0], str))
    if one:
        raise ValueError(f"sentences must be a list of 1-D id arrays (word2vec.encode_sentences), "
                         f"got {'a string' if isinstance(sentences, str) else 'one sentence'}: for one "
                         f"sentence, pass [ids]")
    if len(sentences) == 0:
        raise ValueError("sentences is empty: nothing to train on")
    n_words = 0
    for i, ids in enumerate(sentences):
        ids = int_ids(ids, f"sentences[{i}]", hint="one sentence of word ids")
        if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
            raise ValueError(f"sentences[{i}] holds word id {ids.max() if ids.max() >= vocab_size else ids.min()}, "
                             f"but the model's vocabulary has ids 0 to {vocab_size - 1}")
        n_words += len(ids)
    return n_words


def _checked_training_arguments(model, sentences, counts, epochs, window, negatives, sample, lr, min_lr,
                                batch_size):
    """:func:`train`'s arguments checked; returns ``(architecture, epochs, window, negatives, batch_size, lr,
    counts)`` with ``counts`` as float64 and ``<unk>``'s count set to 0."""
    architecture = {SkipGram: "skipgram", CBOW: "cbow"}.get(type(model))
    if architecture is None:
        raise TypeError(f"model must be a SkipGram or CBOW, got {type(model).__name__}")
    epochs, negatives, batch_size = positive_ints(epochs=epochs, negatives=negatives, batch_size=batch_size)
    lr = finite_number("lr", lr, above=0)
    finite_number("min_lr", min_lr, minimum=0, maximum=lr, hint="the rate falls from lr to min_lr")
    finite_number("sample", sample, minimum=0, hint="0 turns subsampling off")
    finite_parameters("model", model)
    finite_array("counts", counts, ndim=1, what="(vocab_size,)")
    tokens = _check_sentences(sentences, model.out_embed.num_embeddings)
    # an epoch's examples: up to 2 * window context ids of 8 bytes per token, held about twice over
    window = positive_int("window", window, maximum=max(1, MAX_BYTES // (32 * max(tokens, 1))),
                          hint=f"the examples of {tokens} tokens must fit in 2 GB")
    counts = np.asarray(counts, dtype=np.float64).copy()
    counts[0] = 0                       # <unk> is neither trained nor drawn as noise
    if len(counts) != model.out_embed.num_embeddings:
        raise ValueError(f"counts has {len(counts)} entries but the model's vocabulary has "
                         f"{model.out_embed.num_embeddings}")
    return architecture, epochs, window, negatives, batch_size, lr, counts


def train(model, sentences, counts, epochs: int = 5, window: int = 5, negatives: int = 5,
          sample: float = 1e-3, lr: float = 0.025, min_lr: float = 1e-4, batch_size: int = 1024,
          seed: int = 0, progress: bool = True, on_step=None) -> dict:
    """Train ``model`` (a :class:`SkipGram` or :class:`CBOW`) with SGD, as word2vec does (notebook 03).

    sentences: list of 1-D id arrays with ``<unk>`` (id 0) removed; counts:
    word counts ``(V,)`` (``Vocab.counts``). Every epoch draws new subsampled
    text and new shrunk windows; noise words are drawn from unigram^0.75
    (``word2vec.unigram_table``); ``seed`` drives all of these draws. The
    learning rate falls linearly from ``lr`` to ``min_lr``. The update is
    word2vec's sparse SGD on the rows a batch touches, so there is no gradient
    norm to clip. ``on_step(step, history)`` is called after every update.
    Threads follow the caller's setting (``config.set_threads``). Returns
    ``{"nats": [mean loss per example of every update], "seconds": ...,
    "words": corpus tokens seen (epochs x corpus length), "words_per_s": ...}``. The model is left in eval mode.
    """
    from tqdm.auto import tqdm

    architecture, epochs, window, negatives, batch_size, lr, counts = _checked_training_arguments(
        model, sentences, counts, epochs, window, negatives, sample, lr, min_lr, batch_size)
    rng = np.random.default_rng(seed)
    device = model.out_embed.weight.device
    gen = torch.Generator(device=device).manual_seed(seed)   # the noise draws, leaving torch's global generator alone
    keep_prob = word2vec.keep_probabilities(counts, sample)
    noise_table = torch.from_numpy(word2vec.unigram_table(word2vec.noise_distribution(counts))).to(device)
    n_words = sum(len(s) for s in sentences)
    # a first epoch's size, to plan the learning-rate decay over all steps
    steps_per_epoch = None
    history, step = {"nats": []}, 0
    start = time.perf_counter()
    bar = tqdm(total=epochs * n_words, unit="word", unit_scale=True, disable=not progress,
               desc=architecture)
    model.train()
    for epoch in range(epochs):
        inputs, outputs = make_examples(sentences, keep_prob, architecture, window, rng,
                                        pad=getattr(model, "pad", -1))
        order = torch.from_numpy(rng.permutation(len(outputs)))
        inputs = torch.from_numpy(inputs)[order].to(device)
        outputs = torch.from_numpy(outputs)[order].to(device)
        n_batches = (len(outputs) + batch_size - 1) // batch_size
        steps_per_epoch = steps_per_epoch or n_batches
        total_steps = steps_per_epoch * epochs
        for b in range(n_batches):
            rows = slice(b * batch_size, (b + 1) * batch_size)
            x, y = inputs[rows], outputs[rows]
            slots = torch.randint(len(noise_table), (len(y), negatives), device=device, generator=gen)
            noise = noise_table[slots].long()                          # (batch, K) noise words
            targets = torch.cat([y.unsqueeze(1), noise], dim=1)     # (batch, 1 + K)
            step_lr = max(min_lr, lr * (1 - step / total_steps))
            history["nats"].append(sgd_step(model, x, targets, step_lr).item() / len(y))
            step += 1
            if on_step is not None:
                on_step(step, history)
            bar.update(round(n_words * (b + 1) / n_batches) - round(n_words * b / n_batches))
    bar.close()
    model.eval()
    seconds = time.perf_counter() - start
    return {**history, "seconds": seconds, "words": epochs * n_words, "words_per_s": epochs * n_words / seconds}
