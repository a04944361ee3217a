"""What the course's training loops share: their argument checks and one optimiser update.

Each loop is written out in full in the notebook that teaches it (04, 05, 08, 09, 10, 11). The
package's reference copies of those loops call these helpers, so the shared lines are written once.
"""
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
