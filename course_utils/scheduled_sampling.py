"""Scheduled sampling (Bengio et al., 2015): train on inputs that are partly the model's own samples (notebook 10).

Teacher forcing feeds the true previous character at every input position. Scheduled sampling
feeds, with probability ``eps``, a character drawn from the model's own prediction instead, with
``eps`` rising over training (here linearly from 0), so the model also learns from the states its
own writing leads to. The targets stay the true next characters. No gradient flows through the
draws: the mixed inputs are made without one, then the model is trained on them as usual (the same
outputs as running the two together, since the weights do not change in between).
"""
import math

import torch
from torch import nn
from tqdm.auto import tqdm

from course_utils import batching
from course_utils.checks.arguments import finite_number, model_ids
from course_utils.training import check_training_arguments, update


@torch.no_grad()
def mix_own_samples(model, x, state, eps: float, gen: torch.Generator) -> torch.Tensor:
    """The inputs ``x`` ``(batch, window)`` with each ``x[:, t]``, ``t >= 1``, replaced with probability ``eps``
    by a character drawn (temperature 1) from the model's prediction after the *mixed* inputs before it,
    starting from ``state``. ``x[:, 0]`` stays true. Returns ``(batch, window)``; ``x`` is not changed."""
    mixed = x.clone()
    logits, state = model(x[:, :1], state)
    for t in range(1, x.shape[1]):
        own = torch.multinomial(torch.softmax(logits[:, -1], -1), 1, generator=gen)[:, 0]
        coin = torch.rand(len(x), generator=gen) < eps
        mixed[:, t] = torch.where(coin, own, x[:, t])
        logits, state = model(mixed[:, t:t + 1], state)
    return mixed


def train_scheduled(model: nn.Module, ids, steps: int, batch_size: int, window: int, lr: float,
                    eps_max: float, seed: int = 0, clip: float | None = 1.0, progress: bool = True) -> dict:
    """``steps`` Adam updates on the first TBPTT windows of ``ids`` ``(N,)`` (one pass at most), update ``i``
    (from 0) trained on inputs mixed by :func:`mix_own_samples` at ``eps = eps_max * i / steps``.

    The reference copy of the loop notebook 10 writes out. ``eps_max = 0`` is teacher forcing, as in
    :func:`course_utils.char_lm.train_char_lm`. ``seed`` seeds the draws and coins; ``progress`` shows a
    bar. Returns ``{"bits": [training loss in bits per character of every update]}``; the model is left
    in eval mode.
    """
    check_training_arguments(model, lr, clip, steps=steps, batch_size=batch_size, window=window)
    eps_max = finite_number("eps_max", eps_max, minimum=0, maximum=1, hint="a probability")
    ids = model_ids(model, ids)
    if steps > batching.num_windows(len(ids), batch_size, window):
        raise ValueError(f"steps ({steps}) must fit in one pass: "
                         f"{batching.num_windows(len(ids), batch_size, window)} windows")
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen, history, state = torch.Generator().manual_seed(seed), {"bits": []}, None
    model.train()
    updates = tqdm(range(steps), desc=f"eps_max {eps_max:g}", disable=not progress)
    for i, (x, y) in zip(updates, batching.bptt_windows(ids, batch_size, window)):
        state = batching.detach_state(state)
        eps = eps_max * i / steps
        if eps > 0:
            x = mix_own_samples(model, x, state, eps, gen)
        logits, state = model(x, state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        update(model, opt, loss, clip)
        history["bits"].append(loss.item() / math.log(2))
    model.eval()
    return history
