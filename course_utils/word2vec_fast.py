"""What the libraries do: notebook 03's word2vec training with a compiled step, about as fast as gensim.

:func:`course_utils.word2vec_torch.train` is the loop the course teaches. A
profile of one epoch (``bench/word2vec_vs_gensim.py``) finds its time in the
half-dozen torch calls of each batch, each a separate pass over a
``(batch, 1 + K, dim)`` block of rows (gather, dot products, the steps,
scatter-add), and in building each batch's targets in Python (a noise draw,
an indexing, a ``cat``, a ``.item()``).

:func:`train_fast` makes the same examples, draws the same noise and takes the
same steps (a test checks its vectors equal to ``train``'s), but

- draws an epoch's noise words in one call (the generator gives the same
  numbers as one call per batch) and builds all targets at once;
- runs each step through ``torch.compile``: inductor writes the gather, the
  dot products, the sigmoid and the scatter-add as a few fused C++ loops over
  the rows, the way word2vec's C code and gensim's Cython are written.

Compiling needs a C++ compiler (:func:`cpp_compiler` says whether there is
one) and takes seconds (up to a minute on a busy machine) once per process and
shape; :func:`train_fast` reports it apart from the training time. Batches keep one shape so the step compiles once; an
epoch's last, shorter batch goes through the readable
:func:`~course_utils.word2vec_torch.sgd_step`.
"""
import functools
import time

import numpy as np
import torch
import torch.nn.functional as F

from course_utils import word2vec
from course_utils.checks.arguments import MAX_BYTES, positive_int
from course_utils.word2vec_torch import _checked_training_arguments, make_examples, sgd_step


def _negative_sampling_update(v, targets, W_out, lr):
    """The output side of :func:`~course_utils.word2vec_torch.sgd_step`, in ops the compiler fuses.

    v: ``(batch, dim)``; targets: ``(batch, 1 + K)``, the true word first; lr: a 0-d tensor (a
    float would be compiled in as a constant). Updates ``W_out`` in place; returns ``(loss, step_v)``.
    """
    dim = v.shape[1]
    U = W_out[targets]                                              # (batch, 1 + K, dim)
    scores = (U * v.unsqueeze(1)).sum(2)                            # s_k = u_k . v
    loss = F.softplus(-scores[:, 0]).sum() + F.softplus(scores[:, 1:]).sum()
    y = torch.zeros_like(scores)
    y[:, 0] = 1
    g = (torch.sigmoid(scores) - y) * -lr                          # -lr (sigma(s_k) - y_k)
    step_v = (g.unsqueeze(2) * U).sum(1)                            # uses u_k before their update
    W_out.index_put_((targets.reshape(-1),), (g.unsqueeze(2) * v.unsqueeze(1)).reshape(-1, dim),
                     accumulate=True)
    return loss, step_v


def _skipgram_step(W_in, W_out, centers, targets, lr):
    """One skip-gram step. centers: ``(batch,)``; targets: ``(batch, 1 + K)``. Returns the summed loss."""
    loss, step_v = _negative_sampling_update(W_in[centers], targets, W_out, lr)
    W_in.index_put_((centers,), step_v, accumulate=True)
    return loss


def _cbow_step(W_in, W_out, contexts, targets, lr, pad: int):
    """One CBOW step. contexts: ``(batch, 2 * window)`` padded with ``pad``, whose row of ``W_in`` is zero."""
    real = contexts != pad                                          # (batch, 2 * window)
    n_words = real.sum(1, keepdim=True).clamp(min=1)
    # one slot at a time (the padding row adds 0): the compiler then runs along dim, not across slots
    h = sum(W_in[contexts[:, j]] for j in range(contexts.shape[1])) / n_words
    loss, step_h = _negative_sampling_update(h, targets, W_out, lr)
    # every context word gets the whole step of h, one slot at a time; the padding row gets 0 and stays zero
    for j in range(contexts.shape[1]):
        W_in.index_put_((contexts[:, j],), step_h * real[:, j:j + 1], accumulate=True)
    return loss


def cpp_compiler() -> str | None:
    """The C++ compiler ``torch.compile`` would call on a CPU (inductor's own search), or ``None`` when none is found."""
    from torch._inductor import cpp_builder
    try:
        return cpp_builder.get_cpp_compiler()
    except Exception:  # inductor raises a different error per platform when it finds no compiler
        return None


@functools.cache
def compiled_step(architecture: str):
    """The compiled step of ``"skipgram"`` or ``"cbow"``, one per process (each new shape compiles again)."""
    step = {"skipgram": _skipgram_step, "cbow": _cbow_step}[architecture]
    return torch.compile(step, fullgraph=True, dynamic=False)


def _compile(step_fn, W_in, W_out, inputs_shape, negatives: int, pad: tuple) -> float:
    """Compile ``step_fn`` for these shapes on scratch copies of the tables; returns the seconds (~0 when cached)."""
    start = time.perf_counter()
    inputs = torch.zeros(inputs_shape, dtype=torch.long, device=W_in.device)
    targets = torch.zeros((inputs_shape[0], 1 + negatives), dtype=torch.long, device=W_in.device)
    step_fn(torch.zeros_like(W_in), torch.zeros_like(W_out), inputs, targets, W_in.new_zeros(()), *pad)
    return time.perf_counter() - start


@torch.no_grad()
def train_fast(model, sentences, counts, epochs: int = 5, window: int = 5, negatives: int = 5,
               sample: float = 1e-3, lr: float = 0.025, min_lr: float = 1e-4, batch_size: int = 1024,
               seed: int = 0) -> dict:
    """:func:`course_utils.word2vec_torch.train` with a compiled step: the same arguments, examples and vectors.

    model: a :class:`~course_utils.word2vec_torch.SkipGram` or
    :class:`~course_utils.word2vec_torch.CBOW`, trained in place; sentences: list of 1-D id arrays;
    counts: ``(V,)``. No progress bar or ``on_step``. Returns ``{"nats", "seconds", "words",
    "words_per_s", "compile_seconds"}``: ``seconds`` (and ``words_per_s``) time the training as
    ``train`` does, example making included, compiling not; ``compile_seconds`` is the compile
    before it (about 0 when this process compiled these shapes already).
    """
    architecture, epochs, window, negatives, batch_size, lr, counts = _checked_training_arguments(
        model, sentences, counts, epochs, window, negatives, sample, lr, min_lr, batch_size)
    n_words = sum(len(s) for s in sentences)
    # an epoch's targets, (1 + K) ids of 8 bytes per example, are held at once
    most_examples = max(1, n_words * (2 * window if architecture == "skipgram" else 1))
    negatives = positive_int("negatives", negatives, maximum=max(1, MAX_BYTES // (8 * most_examples) - 1),
                             hint=f"train_fast holds an epoch's noise words for {n_words} tokens in 2 GB")
    # detached views share the weights' storage: the compiled step updates the model in place
    W_in, W_out = model.in_embed.weight.detach(), model.out_embed.weight.detach()
    device, dtype = W_out.device, W_out.dtype
    pad = (model.pad,) if architecture == "cbow" else ()
    rng = np.random.default_rng(seed)
    gen = torch.Generator(device=device).manual_seed(seed)
    keep_prob = word2vec.keep_probabilities(counts, sample)
    noise_table = torch.from_numpy(word2vec.unigram_table(word2vec.noise_distribution(counts))).to(device)
    step_fn = compiled_step(architecture)
    inputs_shape = (batch_size, 2 * window) if architecture == "cbow" else (batch_size,)
    compile_seconds = _compile(step_fn, W_in, W_out, inputs_shape, negatives, pad)
    steps_per_epoch, step, nats = None, 0, []
    start = time.perf_counter()
    model.train()
    for epoch in range(epochs):
        inputs, outputs = make_examples(sentences, keep_prob, architecture, window, rng,
                                        pad=getattr(model, "pad", -1))
        order = torch.from_numpy(rng.permutation(len(outputs)))
        inputs = torch.from_numpy(inputs).index_select(0, order).to(device)    # as train's [order], faster
        outputs = torch.from_numpy(outputs).index_select(0, order).to(device)
        # the whole epoch's noise in one draw: the same numbers as train's draw per batch
        slots = torch.randint(len(noise_table), (len(outputs) * negatives,), device=device, generator=gen,
                              dtype=torch.int32)
        targets = torch.empty((len(outputs), 1 + negatives), dtype=torch.long, device=device)
        targets[:, 0] = outputs
        targets[:, 1:] = noise_table.index_select(0, slots).view(-1, negatives)   # as train's table[slots]
        n_batches = (len(outputs) + batch_size - 1) // batch_size
        steps_per_epoch = steps_per_epoch or n_batches
        total_steps = steps_per_epoch * epochs
        lrs = [max(min_lr, lr * (1 - s / total_steps)) for s in range(step, step + n_batches)]
        lr_t = torch.tensor(lrs, dtype=dtype, device=device)
        full = len(outputs) // batch_size * batch_size              # rows in batches of the compiled shape
        losses = [step_fn(W_in, W_out, x, t, lr_b, *pad) for x, t, lr_b in
                  zip(inputs[:full].split(batch_size), targets[:full].split(batch_size), lr_t)]
        if full < len(outputs):                     # the last, shorter batch: no new compile for its shape
            losses.append(sgd_step(model, inputs[full:], targets[full:], lrs[-1]))
        if losses:                                  # read once per epoch, not with an .item() per batch
            sizes = np.diff(np.minimum(np.arange(n_batches + 1) * batch_size, len(outputs)))
            nats.extend((torch.stack(losses).cpu().numpy() / sizes).tolist())
        step += n_batches
    model.eval()
    seconds = time.perf_counter() - start
    return {"nats": nats, "seconds": seconds, "words": epochs * n_words, "words_per_s": epochs * n_words / seconds,
            "compile_seconds": compile_seconds}
