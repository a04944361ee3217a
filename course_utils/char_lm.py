"""A character language model: embedding -> LSTM or GRU -> linear, trained with truncated BPTT (notebook 10).

The text is one long string; each character is a token. Training reads it in
windows from :func:`course_utils.batching.bptt_windows` (teacher forcing: the
input at step t is the true character, the target the next one), carries the
state from window to window and detaches it in between, clips the gradient
norm and steps Adam. Quality is held-out **bits per character**: the mean of
``-log2 p(next char)`` over text the model never trained on.
"""
import math
import time

import numpy as np
import torch
from torch import nn

from course_utils import batching
from course_utils.cells import set_forget_bias
from course_utils.checks.arguments import choice, finite_number, model_ids, positive_int, positive_ints
from course_utils.training import check_training_arguments, LR_SCHEDULES, scheduled_lr, update


class CharVocab:
    """Characters <-> ids. Built from the training text; unseen characters map to id 0 (``"\\x00"``, unknown)."""

    def __init__(self, text: str):
        if not isinstance(text, str) or not text:
            raise ValueError(f"text must be a non-empty string, got {type(text).__name__} of length "
                             f"{len(text) if hasattr(text, '__len__') else '?'}")
        self.itos = ["\x00"] + sorted(set(text) - {"\x00"})
        self.stoi = {ch: i for i, ch in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, text: str) -> np.ndarray:
        """int64 ids of shape ``(len(text),)``."""
        if not isinstance(text, str):
            raise ValueError(f"text must be a string, got {type(text).__name__}")
        return np.fromiter((self.stoi.get(ch, 0) for ch in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        return "".join(self.itos[int(i)] for i in ids)

    def __repr__(self):
        return f"CharVocab({len(self)} characters)"


def split_text(text: str, heldout_fraction: float = 0.1):
    """Split by position: the first part trains, the last ``heldout_fraction`` is held out."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    if isinstance(heldout_fraction, bool) or not isinstance(heldout_fraction, (int, float)) \
            or not 0 < heldout_fraction < 1:
        raise ValueError(f"heldout_fraction must be in (0, 1), got {heldout_fraction!r}")
    cut = int(len(text) * (1 - heldout_fraction))
    return text[:cut], text[cut:]


class CharLM(nn.Module):
    """Embedding -> one recurrent layer (``"lstm"``, ``"gru"`` or ``"rnn"``) -> linear over characters.

    ``forward(ids (batch, time), state=None)`` returns ``(logits (batch, time, vocab), state)``;
    the state is ``(h, c)`` for the LSTM (each ``(1, batch, H)``), ``h`` otherwise. Uses torch's
    fused layers (notebook 09 shows our own cells compute the same thing).
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_size: int = 256,
                 cell: str = "lstm", forget_bias: float = 1.0):
        super().__init__()
        vocab_size, embed_dim, hidden_size = positive_ints(vocab_size=vocab_size, embed_dim=embed_dim,
                                                           hidden_size=hidden_size)
        layers = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
        choice("cell", cell, tuple(layers))
        self.cell = cell
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.rnn = layers[cell](embed_dim, hidden_size, batch_first=True)
        if cell == "lstm" and forget_bias:
            set_forget_bias(self.rnn, forget_bias)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None):
        outputs, state = self.rnn(self.embed(ids), state)
        return self.fc(outputs), state


def train_char_lm(model: nn.Module, ids, steps: int | None = None, seconds: float | None = None,
                  batch_size: int = 64, window: int = 100, lr: float = 3e-3, clip: float | None = 1.0,
                  device=None, progress: bool = True, on_step=None, lr_schedule: str | None = None,
                  warmup: float = 0.05) -> dict:
    """Train with teacher forcing on TBPTT windows until ``steps`` updates or ``seconds`` have passed.

    The reference copy of the loop notebook 10 writes out. ids: the training
    text as ids ``(N,)``; the windows cycle over it (epoch after epoch, the
    state reset at each new epoch). Adam; ``clip`` (``None``: off) caps the
    gradient norm; ``on_step(step, history)`` is called after every update (a
    live plot hooks in here). Nothing is drawn at random, so there is no seed.
    ``lr_schedule`` (``None``: a constant ``lr``; ``"cosine"`` or ``"linear"``)
    sets each update's learning rate with :func:`scheduled_lr`, warming up over
    the first ``warmup`` fraction of the run and reaching 0 at its end: the
    run's progress is updates / ``steps`` or elapsed time / ``seconds``,
    whichever is further along.
    Returns ``{"bits": [training loss in bits per character of every update]}``;
    the model is left in eval mode.
    """
    from tqdm.auto import tqdm

    if steps is None and seconds is None:
        raise ValueError("give steps or seconds (or both), got neither")
    if steps is not None:
        steps = positive_int("steps", steps)
    if seconds is not None:
        seconds = finite_number("seconds", seconds, above=0)
    check_training_arguments(model, lr, clip)
    if lr_schedule is not None:
        choice("lr_schedule", lr_schedule, LR_SCHEDULES)
        warmup = finite_number("warmup", warmup, minimum=0, maximum=1, hint="a fraction of the run")
        if warmup == 1:
            raise ValueError("warmup must be a fraction of the run below 1 (the decay needs the rest), got 1")
    ids = model_ids(model, ids)
    device = device or next(model.parameters()).device
    model.to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history, start = {"bits": []}, time.perf_counter()
    bar = tqdm(total=steps, desc=f"char LM ({getattr(model, 'cell', 'rnn')})", disable=not progress)
    while True:
        state = None
        for x, y in batching.bptt_windows(ids, batch_size, window, device=device):
            state = batching.detach_state(state)
            logits, state = model(x, state)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            if lr_schedule is not None:
                run_progress = _run_progress(len(history["bits"]), steps, seconds, start)
                opt.param_groups[0]["lr"] = scheduled_lr(lr, run_progress, lr_schedule, warmup)
            update(model, opt, loss, clip)
            history["bits"].append(loss.item() / math.log(2))
            bar.update(1)
            bar.set_postfix(bits_per_char=f"{history['bits'][-1]:.3f}", refresh=False)  # redraw at tqdm's pace
            if on_step is not None:
                on_step(len(history["bits"]), history)
                model.train()
            done = len(history["bits"])
            if (steps is not None and done >= steps) or \
                    (seconds is not None and time.perf_counter() - start >= seconds):
                bar.close()
                model.eval()
                return history


def _run_progress(done: int, steps: int | None, seconds: float | None, start: float) -> float:
    """How far along a run is, in [0, 1]: updates done / ``steps`` or time used / ``seconds``, the further."""
    by_steps = done / steps if steps is not None else 0.0
    by_time = (time.perf_counter() - start) / seconds if seconds is not None else 0.0
    return min(max(by_steps, by_time), 1.0)


@torch.no_grad()
def bits_per_char(model: nn.Module, ids, batch_size: int = 16, window: int = 200, device=None) -> float:
    """Held-out bits per character: mean ``-log2 p(c_{t+1} | c_<=t)``, the state carried across windows."""
    ids = model_ids(model, ids)
    total, count = batching.heldout_nats(model, ids, batch_size, window, device)
    return total / count / math.log(2)


@torch.no_grad()
def next_char_accuracy(model: nn.Module, ids, batch_size: int = 16, window: int = 200, device=None) -> float:
    """Teacher-forced accuracy: how often the most probable next character is the true one."""
    ids = model_ids(model, ids)
    device = device or next(model.parameters()).device
    was_training = model.training
    model.to(device).eval()
    right, count, state = 0, 0, None
    for x, y in batching.bptt_windows(ids, batch_size, window, device=device):
        logits, state = model(x, state)
        right += (logits.argmax(-1) == y).sum().item()
        count += y.numel()
    model.train(was_training)
    return right / count


def unigram_bits_per_char(train_ids, heldout_ids, vocab_size: int) -> float:
    """Bits per character of the best context-free guess (character frequencies, add-one smoothed)."""
    counts = np.bincount(np.asarray(train_ids), minlength=vocab_size) + 1.0
    p = counts / counts.sum()
    return float(-np.log2(p[np.asarray(heldout_ids)]).mean())
