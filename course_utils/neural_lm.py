"""A feed-forward neural language model in the style of Bengio et al. (2003).

Taught in notebook 04. The last ``n - 1`` words are looked up in one shared
table ``C`` (rows are words), concatenated, passed through a tanh hidden layer
and a softmax over the vocabulary::

    x = [C(w_{t-n+1}); ...; C(w_{t-1})]      (n-1) * embed_dim numbers
    h = tanh(H x + d)
    P(w_t | context) = softmax(U h + b)

Similar words get similar rows of ``C``, so what is learned about one context
carries over to contexts never seen in training: the answer to n-gram sparsity.
"""
import math

import numpy as np
import torch
from torch import nn

from course_utils.ngram import padded
from course_utils.checks.arguments import finite_parameters, id_sequences, int_ids, positive_int, positive_ints
from course_utils.training import check_training_arguments, record, update


def context_windows(sequences, n: int, bos: int, eos: int):
    """Every ``(context, next word)`` of the padded sequences as arrays.

    Returns ``(X, y)``: X int64 ``(examples, n - 1)``, y int64 ``(examples,)``;
    the same positions the n-gram model of :mod:`course_utils.ngram` predicts.
    """
    n = positive_int("n", n, minimum=2, hint="the model needs at least one context word")
    rows = []
    for seq in id_sequences(sequences, "sequences", empty_ok=True):
        ids = np.array(padded(seq, n, bos, eos), dtype=np.int64)
        rows.append(np.lib.stride_tricks.sliding_window_view(ids, n))
    if not rows:
        raise ValueError("sequences is empty")
    windows = np.concatenate(rows)
    return windows[:, :-1].copy(), windows[:, -1].copy()


class NeuralLM(nn.Module):
    """Bengio-2003-style LM: embeddings of the last ``context`` words -> tanh layer -> logits.

    ``forward(X)`` takes ids ``(batch, context)`` and returns logits
    ``(batch, vocab_size)`` (softmax is applied in the loss).
    """

    def __init__(self, vocab_size: int, context: int, embed_dim: int = 64, hidden: int = 128):
        super().__init__()
        vocab_size, context, embed_dim, hidden = positive_ints(vocab_size=vocab_size, context=context,
                                                               embed_dim=embed_dim, hidden=hidden)
        self.context = context
        self.C = nn.Embedding(vocab_size, embed_dim)
        self.hidden = nn.Linear(context * embed_dim, hidden)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if X.dim() != 2 or X.shape[1] != self.context:
            raise ValueError(f"X must have shape (batch, {self.context}), got {tuple(X.shape)}")
        x = self.C(X).flatten(start_dim=1)  # concatenate the context embeddings
        return self.out(torch.tanh(self.hidden(x)))


def _check_examples(model: NeuralLM, X, y) -> None:
    """Check that ``X`` ``(examples, context)`` and ``y`` ``(examples,)`` are ids that fit ``model``."""
    finite_parameters("model", model)
    X = torch.as_tensor(X)
    if X.dim() != 2 or X.shape[1] != model.context:
        raise ValueError(f"X must be context ids of shape (examples, {model.context}) "
                         f"(neural_lm.context_windows), got shape {tuple(X.shape)}")
    if X.is_floating_point():
        raise TypeError(f"X must hold integer ids, got dtype {X.dtype}")
    y = torch.as_tensor(int_ids(y, "y", hint="one next word per row of X"))
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if len(X) == 0:
        raise ValueError("X and y are empty: no examples")
    vocab_size = model.out.out_features
    for name, ids in {"X": X, "y": y}.items():
        if ids.min() < 0 or ids.max() >= vocab_size:
            raise ValueError(f"{name} holds ids from {int(ids.min())} to {int(ids.max())}, but the model's "
                             f"vocabulary has ids 0 to {vocab_size - 1}: was it built with len(vocab)?")


def train_neural_lm(model: NeuralLM, X, y, epochs: int = 1, batch_size: int = 256, lr: float = 2e-3,
                    clip: float | None = None, seed: int = 0, device=None, progress: bool = True,
                    on_step=None) -> dict:
    """Minibatch Adam on the mean cross-entropy of ``(context X (examples, n-1), next word y (examples,))``.

    The reference copy of the loop notebook 04 writes out. ``seed`` shuffles the
    examples each epoch; ``clip`` (``None``: off) caps the gradient norm;
    ``on_step(step, history)`` is called after every update. Returns
    ``{"nats": [mean loss per token of every update]}``; the model is left in eval mode.
    """
    from tqdm.auto import tqdm

    check_training_arguments(model, lr, clip, epochs=epochs, batch_size=batch_size)
    _check_examples(model, X, y)
    device = device or next(model.parameters()).device
    model.to(device).train()
    X, y = torch.as_tensor(X).to(device), torch.as_tensor(y).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = {"nats": []}
    steps = math.ceil(len(X) / batch_size)
    bar = tqdm(total=epochs * steps, desc="neural LM", disable=not progress)
    for _epoch in range(epochs):
        order = torch.randperm(len(X), generator=gen).to(device)
        for i in range(steps):
            idx = order[i * batch_size:(i + 1) * batch_size]
            loss = nn.functional.cross_entropy(model(X[idx]), y[idx])
            update(model, opt, loss, clip)
            record(history, "nats", loss.item(), model, on_step)
            if i % 50 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}")
            bar.update(1)
    bar.close()
    model.eval()
    return history


@torch.no_grad()
def evaluate_neural_lm(model: NeuralLM, X, y, batch_size: int = 4096, device=None) -> dict:
    """Held-out ``{"tokens", "nats_per_token", "bits_per_token", "perplexity"}`` of ``(X (examples, n-1), y (examples,))``."""
    _check_examples(model, X, y)
    device = device or next(model.parameters()).device
    was_training = model.training
    model.to(device).eval()
    X, y = torch.as_tensor(X), torch.as_tensor(y)
    total = 0.0
    for i in range(0, len(X), batch_size):
        logits = model(X[i:i + batch_size].to(device))
        total += nn.functional.cross_entropy(logits, y[i:i + batch_size].to(device), reduction="sum").item()
    model.train(was_training)
    nats = total / len(X)
    return {"tokens": int(len(X)), "nats_per_token": nats, "bits_per_token": nats / math.log(2),
            "perplexity": math.exp(nats)}
