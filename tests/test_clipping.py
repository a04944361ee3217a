"""Gradient clipping (notebook 08)."""
import numpy as np
import pytest
import torch

from course_utils import clipping, spectra
from course_utils.embeddings import cosine_matrix


def _cosine(u, v):
    return cosine_matrix([u], [v])[0, 0]


def test_clip_by_norm_rescales_only_large_gradients_and_keeps_direction():
    g = np.array([30.0, -40.0])
    c = clipping.clip_by_norm(g, 5.0)
    assert np.linalg.norm(c) == pytest.approx(5.0) and _cosine(c, g) == pytest.approx(1.0)
    small = np.array([0.3, 0.4])
    assert np.array_equal(clipping.clip_by_norm(small, 5.0), small)


def test_clip_by_norm_agrees_with_torch():
    g = np.random.default_rng(0).normal(size=(3, 4)) * 10
    p = torch.nn.Parameter(torch.zeros(3, 4, dtype=torch.float64))
    p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_norm_([p], max_norm=2.0)
    assert np.allclose(clipping.clip_by_norm(g, 2.0), p.grad.numpy(), rtol=1e-5)


def test_elementwise_clipping_can_turn_the_gradient():
    g = np.array([100.0, 1.0])
    c = clipping.clip_elementwise(g, 2.0)
    assert np.array_equal(c, [2.0, 1.0]) and _cosine(c, g) < 0.9


def test_descend_with_norm_clipping_keeps_every_step_under_the_threshold():
    f = lambda th: spectra.one_unit_loss_and_grad(th[0], th[1])
    plain = clipping.descend(f, (5.0, -6.0), lr=0.02, steps=60)
    clipped = clipping.descend(f, (5.0, -6.0), lr=0.02, steps=60, clip="norm", threshold=5.0)
    assert plain["grad_norm"].max() > 1000  # the wall
    assert np.all(clipped["step_norm"] <= 5.0 + 1e-9)
    assert clipped["path"].shape == (61, 2) and len(clipped["loss"]) == 61


@pytest.mark.parametrize("call,match", [
    (lambda: clipping.clip_by_norm([1.0], 0.0), "threshold must be"),
    (lambda: clipping.descend(lambda t: (0, t), [0.0], 0.1, 3, clip="max"), "clip must be one of"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("start", list(clipping.WALL_STARTS))
@pytest.mark.parametrize("rule", ["norm", "elementwise"])
def test_wall_experiment_bounds_the_clipped_update(start, rule):
    r = clipping.wall_experiment(start, rule, threshold=2.0, lr=0.02, steps=300)
    bound = 0.02 * 2.0 * (1 if rule == "norm" else np.sqrt(2))
    assert r["largest_update_clipped"] <= bound + 1e-12
    assert r["largest_update_plain"] > 10 * bound  # every start runs into the wall


def test_wall_experiment_rejects_unknown_start():
    with pytest.raises(ValueError, match="start must be one of"):
        clipping.wall_experiment("Z")
