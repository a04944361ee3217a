"""Notebook 08 writes out the leaky-unit and skip-connection steps; they must equal timescales' reference copies."""
import torch
from notebook_code import notebook_function

from course_utils import timescales

NOTEBOOK = "08_exploding_gradients_and_remedies.ipynb"
leaky_step = notebook_function(NOTEBOOK, "leaky_step")
skip_step = notebook_function(NOTEBOOK, "skip_step")


def _tensors(seed=0, batch=3, I=2, H=4):
    g = torch.Generator().manual_seed(seed)
    shapes = [(batch, I), (batch, H), (batch, H), (H, I), (H, H), (H, H), (H,)]
    return [torch.randn(*s, generator=g) for s in shapes]


def test_notebook_leaky_step_equals_package():
    x_t, h_prev, _, W_ih, W_hh, _, b = _tensors()
    for alpha in (1.0, 0.3, 0.05):
        assert torch.equal(leaky_step(x_t, h_prev, W_ih, W_hh, b, alpha),
                           timescales.leaky_step(x_t, h_prev, W_ih, W_hh, b, alpha))


def test_notebook_skip_step_equals_package():
    args = _tensors(seed=1)
    assert torch.equal(skip_step(*args), timescales.skip_step(*args))
