"""Batching one long id sequence into windows for truncated backpropagation through time.

Taught in notebooks 05 and 06; reused by the character LM (notebook 10). The
sequence is cut into ``batch`` equal streams laid side by side; window ``i``
covers steps ``[i * window, (i + 1) * window)`` of every stream, so row ``b``
of window ``i + 1`` continues exactly where row ``b`` of window ``i`` stopped.
The hidden state can therefore be carried from window to window (stateful),
detached in between so the gradient stops at the window's edge::

    h = None
    for x, y in bptt_windows(ids, batch_size=32, window=35):
        h = detach_state(h)
        logits, h = model(x, h)
"""
import math

import numpy as np
import torch

from course_utils.checks.arguments import int_ids, positive_int


def batchify(ids, batch_size: int) -> np.ndarray:
    """Lay ``ids`` out as ``batch_size`` contiguous streams: shape ``(batch, steps)``.

    The tail that does not fill a whole column is dropped (fewer than
    ``batch_size`` ids). Row ``b`` is ``ids[b * steps:(b + 1) * steps]``.
    """
    ids = int_ids(ids, hint="one sequence of ids")
    batch_size = positive_int("batch_size", batch_size)
    steps = len(ids) // batch_size
    if steps < 2:
        raise ValueError(f"ids is too short ({len(ids)} ids) for batch_size={batch_size}: "
                         "each stream needs at least 2 ids (an input and its target)")
    return ids[: batch_size * steps].reshape(batch_size, steps)


def num_windows(n_ids: int, batch_size: int, window: int) -> int:
    """How many windows :func:`bptt_windows` yields for ``n_ids`` ids."""
    n_ids = positive_int("n_ids", n_ids, minimum=0, hint="the number of ids, len(ids)")
    window = positive_int("window", window)
    steps = n_ids // positive_int("batch_size", batch_size)
    return max(0, math.ceil((steps - 1) / window))


def bptt_windows(ids, batch_size: int, window: int, device=None):
    """Yield ``(x, y)`` pairs of int64 tensors of shape ``(batch, time)``, ``time <= window``.

    ``y`` is ``x`` shifted one step ahead in each stream (the next id to
    predict). The last window may be shorter. Tensors go to ``device``
    (default CPU).
    """
    window = positive_int("window", window)
    streams = torch.from_numpy(batchify(ids, batch_size))
    if device is not None:
        streams = streams.to(device)
    steps = streams.shape[1]
    for start in range(0, steps - 1, window):
        stop = min(start + window, steps - 1)
        yield streams[:, start:stop], streams[:, start + 1:stop + 1]


def detach_state(state):
    """Cut the graph behind a hidden state (``None``, a tensor, or a tuple such as an LSTM's ``(h, c)``).

    The values are kept (the next window starts where this one stopped); the
    gradient no longer flows into earlier windows.
    """
    if state is None:
        return None
    if torch.is_tensor(state):
        return state.detach()
    if isinstance(state, (tuple, list)):
        return type(state)(detach_state(s) for s in state)
    raise TypeError(f"state must be None, a tensor or a tuple of tensors, got {type(state).__name__}")


@torch.no_grad()
def heldout_nats(model, ids, batch_size: int = 16, window: int = 64, device=None) -> tuple[float, int]:
    """Summed cross-entropy (nats) of a stateful language model over held-out ``ids``, and the token count.

    model: called as ``model(x, state) -> (logits, state)`` with ``x`` of shape
    ``(batch, time)`` and logits ``(batch, time, vocab)`` (the RNN LM of notebook
    05, the char LM of notebook 10). The state is carried from window to window,
    as in training. The model is left in the mode (train/eval) it came in.
    """
    device = device or next(model.parameters()).device
    was_training = model.training
    model.to(device).eval()
    total, count, state = 0.0, 0, None
    for x, y in bptt_windows(ids, batch_size, window, device=device):
        logits, state = model(x, state)
        total += torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                                   reduction="sum").item()
        count += y.numel()
    model.train(was_training)
    return total, count
