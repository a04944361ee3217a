"""What the course's training loops share: their argument checks, one optimiser update, a learning-rate schedule.

Each loop is written out in full in the notebook that teaches it (04, 05, 08, 09, 10, 11). The
package's reference copies of those loops call these helpers, so the shared lines are written once.
"""
import math

from torch import nn

from course_utils.checks.arguments import finite_number, finite_parameters, positive_ints


def check_training_arguments(model: nn.Module, lr, clip, **sizes) -> None:
    """Refuse an ``lr`` that is not a number > 0, a ``clip`` that is not > 0 (``None``: off), NaN weights,
    and any of ``sizes`` (``epochs=``, ``batch_size=``, ...) that is not an int >= 1."""
    positive_ints(**sizes)
    finite_number("lr", lr, above=0)
    if clip is not None:
        finite_number("clip", clip, above=0, hint="None turns clipping off")
    finite_parameters("model", model)


def update(model: nn.Module, opt, loss, clip) -> None:
    """One optimiser update on ``loss``: clear the old gradients, backpropagate, cap their norm at ``clip``, step."""
    opt.zero_grad()
    loss.backward()
    if clip is not None:
        nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()


def record(history: dict, key: str, value: float, model: nn.Module, on_step, bar=None) -> None:
    """Append ``value`` to ``history[key]`` and advance the progress ``bar`` (if any) showing it;
    then call ``on_step(step, history)`` and put the model back in train mode."""
    history[key].append(value)
    if bar is not None:
        bar.update(1)
        bar.set_postfix({key: f"{value:.3f}"}, refresh=False)  # redrawn at tqdm's pace
    if on_step is not None:
        on_step(len(history[key]), history)
        model.train()


LR_SCHEDULES = ("cosine", "linear")


def scheduled_lr(lr: float, progress: float, schedule: str | None = None, warmup: float = 0.05) -> float:
    """The learning rate at ``progress`` in [0, 1] of the run (updates done / steps, or time used / seconds).

    ``None``: ``lr`` throughout. ``"cosine"`` / ``"linear"``: a linear warm-up from 0 to ``lr`` over the
    first ``warmup`` of the run, then down to 0 at the end, along half a cosine or a straight line:
    ``lr * (1 + cos(pi * r)) / 2`` or ``lr * (1 - r)``, with ``r = (progress - warmup) / (1 - warmup)``.
    """
    if schedule is None:
        return lr
    progress = min(max(progress, 0.0), 1.0)
    if progress < warmup:
        return lr * progress / warmup
    r = (progress - warmup) / (1 - warmup)
    return lr * (1 + math.cos(math.pi * r)) / 2 if schedule == "cosine" else lr * (1 - r)
