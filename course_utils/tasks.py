"""Generated long-range tasks: the adding problem and the copy-memory task (notebook 08).

Both are made from a seed, at any length, so every run sees the same data.
They are hard for a vanilla RNN because the answer depends on inputs that
lie many steps before the step where the answer is asked for.
"""
import math

import numpy as np
import torch

from .validate import positive_int

ADDING_BASELINE_MSE = 1 / 6  # Var(u_1 + u_2) for two independent U[0, 1] values


def adding_problem(n: int, length: int, seed: int = 0):
    """The adding problem (Hochreiter & Schmidhuber 1997; the form of Le et al. 2015).

    Each sequence has ``length`` steps of two features: a value drawn from
    U[0, 1] and a marker that is 1 at exactly two steps, one in the first half
    and one in the second half. The target is the sum of the two marked values.

    Returns ``(x, y)``: float32 tensors of shapes ``(n, length, 2)`` and ``(n,)``.
    Always predicting 1 (the mean) gives MSE = 1/6 = 0.167
    (``ADDING_BASELINE_MSE``): the trivial baseline a model must beat.
    """
    n = positive_int("n", n)
    length = positive_int("length", length, minimum=2)
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=2).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y)


def copy_memory(n: int, delay: int, n_symbols: int = 8, n_copy: int = 10, seed: int = 0):
    """The copy-memory task (Hochreiter & Schmidhuber 1997; the form of Arjovsky et al. 2016).

    Input ids: ``n_copy`` symbols drawn from ``1..n_symbols``, then ``delay - 1``
    blanks (id 0), then the delimiter (id ``n_symbols + 1``), then ``n_copy``
    blanks. Target: blanks everywhere except the last ``n_copy`` steps, which
    must repeat the first ``n_copy`` symbols. Sequence length ``delay + 2 n_copy``.

    Returns ``(x, y)``: int64 tensors of shape ``(n, delay + 2 * n_copy)``;
    the vocabulary has ``n_symbols + 2`` ids. The memoryless baseline
    (blanks, then a uniform guess) has cross-entropy
    :func:`copy_memory_baseline`.
    """
    n = positive_int("n", n)
    delay = positive_int("delay", delay)
    n_symbols = positive_int("n_symbols", n_symbols)
    n_copy = positive_int("n_copy", n_copy)
    rng = np.random.default_rng(seed)
    symbols = rng.integers(1, n_symbols + 1, size=(n, n_copy))
    T = delay + 2 * n_copy
    x = np.zeros((n, T), dtype=np.int64)
    y = np.zeros((n, T), dtype=np.int64)
    x[:, :n_copy] = symbols
    x[:, n_copy + delay - 1] = n_symbols + 1
    y[:, -n_copy:] = symbols
    return torch.from_numpy(x), torch.from_numpy(y)


def copy_memory_baseline(delay: int, n_symbols: int = 8, n_copy: int = 10) -> float:
    """Cross-entropy per step (nats) of guessing blanks, then uniformly among the symbols."""
    delay = positive_int("delay", delay)
    return n_copy * math.log(n_symbols) / (delay + 2 * n_copy)


class AddingModel(torch.nn.Module):
    """One recurrent layer (torch's ``nn.RNN``/``nn.LSTM``/``nn.GRU``) reading ``(batch, time, 2)``; a linear read-out of ``h_T``."""

    def __init__(self, kind: str, hidden_size: int = 32, forget_bias: float = 1.0):
        super().__init__()
        layers = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
        if kind not in layers:
            raise ValueError(f"kind must be one of {sorted(layers)}, got {kind!r}")
        self.kind = kind
        self.rnn = layers[kind](2, positive_int("hidden_size", hidden_size), batch_first=True)
        if kind == "lstm" and forget_bias:
            from .cells import set_forget_bias
            set_forget_bias(self.rnn, forget_bias)
        self.fc = torch.nn.Linear(hidden_size, 1)

    def forward(self, x):
        outputs, _state = self.rnn(x)
        return self.fc(outputs[:, -1]).squeeze(1)


def train_adding(model: AddingModel, length: int, steps: int = 600, batch_size: int = 64, lr: float = 1e-2,
                 clip: float | None = 1.0, seed: int = 0, eval_every: int = 50, progress: bool = True,
                 on_step=None) -> dict:
    """Train ``model`` on fresh adding-problem batches of ``length`` steps, one batch per update.

    The reference copy of the loop notebook 08 writes out. ``seed`` draws the
    training batches and the 1 000 held-out sequences. Adam; ``clip`` (``None``:
    off) caps the gradient norm; ``on_step(step, history)`` is called after
    every update. Returns ``{"mse": [training MSE of every update],
    "heldout_steps": [...], "heldout_mse": [...]}``, the held-out MSE measured
    every ``eval_every`` updates and after the last; the model is left in eval mode.
    """
    from tqdm.auto import tqdm

    steps = positive_int("steps", steps)
    eval_every = positive_int("eval_every", eval_every)
    device = next(model.parameters()).device
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    x_test, y_test = (t.to(device) for t in adding_problem(1000, length, seed=10_000 + seed))
    history = {"mse": [], "heldout_steps": [], "heldout_mse": []}
    model.train()
    for step in tqdm(range(1, steps + 1), desc=f"{model.kind.upper()} T={length}", disable=not progress):
        x, y = (t.to(device) for t in adding_problem(batch_size, length, seed=seed * 1_000_003 + step))
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        history["mse"].append(loss.item())
        if step % eval_every == 0 or step == steps:
            with torch.no_grad():
                history["heldout_steps"].append(step)
                history["heldout_mse"].append(torch.nn.functional.mse_loss(model(x_test), y_test).item())
        if on_step is not None:
            on_step(step, history)
            model.train()
    model.eval()
    return history
