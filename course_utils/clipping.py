"""Gradient clipping: the standard fix for exploding gradients (notebook 08).

Norm clipping (Pascanu, Mikolov and Bengio 2013, algorithm 1) rescales the
whole gradient when its norm reaches a threshold ``c`` and so keeps its
direction; element-wise clipping caps every entry at ``c`` and so may turn it.
Both take a float array of any shape (flatten a model's gradients first) and
return a new array.
"""
from functools import lru_cache

import numpy as np

from course_utils.checks.arguments import choice, finite_array, finite_number, positive_int


def _check(g, threshold):
    return finite_array("g", g), finite_number("threshold", threshold, above=0)


def clip_by_norm(g, threshold: float) -> np.ndarray:
    """``g * threshold / ||g||`` if ``||g|| >= threshold``, else ``g`` unchanged.

    Reference solution of exercise 1 in notebook 08; the same rule as
    ``torch.nn.utils.clip_grad_norm_`` over all of a model's gradients.
    """
    g, threshold = _check(g, threshold)
    norm = float(np.linalg.norm(g))
    return g * (threshold / norm) if norm >= threshold else g.copy()


def clip_elementwise(g, threshold: float) -> np.ndarray:
    """``sign(g_i) min(threshold, |g_i|)`` for every entry (``torch.nn.utils.clip_grad_value_``)."""
    g, threshold = _check(g, threshold)
    return np.clip(g, -threshold, threshold)


CLIP_RULES = {"none": None, "norm": clip_by_norm, "elementwise": clip_elementwise}


def descend(loss_and_grad, start, lr: float, steps: int, clip: str = "none", threshold: float = 1.0) -> dict:
    """Plain gradient descent ``theta <- theta - lr * clip(grad)``, recording the path.

    loss_and_grad: ``theta -> (loss, grad)`` with ``grad`` shaped like ``theta``;
    clip: ``"none"``, ``"norm"`` or ``"elementwise"``. Returns ``{"path":
    (steps + 1, dim), "loss": (steps + 1,), "grad_norm": (steps,),
    "step_norm": (steps,)}`` where ``step_norm`` is ``||clip(grad)||`` (the
    update divided by ``lr``). Stops early, keeping what it has, if the
    parameters leave the finite numbers.
    """
    choice("clip", clip, tuple(CLIP_RULES))
    lr = finite_number("lr", lr, above=0)
    if clip != "none":
        finite_number("threshold", threshold, above=0)
    steps = positive_int("steps", steps, minimum=0, maximum=10 ** 5, hint="each step calls loss_and_grad once")
    theta = finite_array("start", start)
    path, losses, grad_norms, step_norms = [theta.copy()], [], [], []
    rule = CLIP_RULES[clip]
    for _ in range(steps + 1):
        loss, grad = loss_and_grad(theta)
        losses.append(float(loss))
        if len(path) == steps + 1 or not np.all(np.isfinite(grad)):
            break
        used = grad if rule is None else rule(grad, threshold)
        grad_norms.append(float(np.linalg.norm(grad)))
        step_norms.append(float(np.linalg.norm(used)))
        theta = theta - lr * used
        path.append(theta.copy())
    return {"path": np.array(path), "loss": np.array(losses),
            "grad_norm": np.array(grad_norms), "step_norm": np.array(step_norms)}


WALL_STARTS = {"A": (5.0, -6.0), "B": (7.0, -5.0), "C": (12.0, -3.0)}


def _one_unit(theta):
    from course_utils import spectra

    return spectra.one_unit_loss_and_grad(theta[0], theta[1])


@lru_cache(maxsize=64)
def _plain_descent(start: str, lr: float, steps: int) -> dict:
    """The unclipped run of ``wall_experiment``: it does not depend on the clipping rule or threshold,
    so the widget's clipping controls reuse it (treat the arrays as read-only)."""
    return descend(_one_unit, WALL_STARTS[start], lr, steps)


def wall_experiment(start: str = "A", clip: str = "norm", threshold: float = 5.0, lr: float = 0.02,
                    steps: int = 300) -> dict:
    """Gradient descent on the one-unit RNN's error surface (notebook 08), with and without clipping.

    start: one of ``WALL_STARTS`` (points from which descent runs into the
    wall); clip: ``"norm"`` or ``"elementwise"``. Returns ``{"plain": run,
    "clipped": run, ...}`` (runs as from :func:`descend`) with the largest
    update of each (``lr * step_norm``), the loss just before and after the
    largest unclipped step, and the final losses.
    """
    choice("start", start, tuple(WALL_STARTS))
    choice("clip", clip, ("norm", "elementwise"))
    clipped = descend(_one_unit, WALL_STARTS[start], lr, steps, clip=clip, threshold=threshold)  # checks lr, steps
    plain = _plain_descent(start, float(lr), int(steps))
    jump = int(np.argmax(plain["grad_norm"])) if len(plain["grad_norm"]) else 0
    return {
        "plain": plain, "clipped": clipped,
        "largest_update_plain": float(lr * plain["step_norm"].max(initial=0.0)),
        "largest_update_clipped": float(lr * clipped["step_norm"].max(initial=0.0)),
        "jump_step": jump,
        "loss_before_jump": float(plain["loss"][jump]),
        "loss_after_jump": float(plain["loss"][min(jump + 1, len(plain["loss"]) - 1)]),
        "final_loss_plain": float(plain["loss"][-1]),
        "final_loss_clipped": float(clipped["loss"][-1]),
        "settings": {"start": start, "clip": clip, "threshold": float(threshold), "lr": float(lr), "steps": steps},
    }
