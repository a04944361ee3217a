"""The generated long-range tasks are what their docstrings say, and reproducible."""
import numpy as np
import pytest
import torch

from course_utils import tasks


def test_adding_problem_shapes_markers_and_targets():
    x, y = tasks.adding_problem(500, 40, seed=3)
    assert x.shape == (500, 40, 2) and y.shape == (500,) and x.dtype == torch.float32
    markers = x[:, :, 1]
    assert torch.all(markers.sum(1) == 2)
    assert torch.all(markers[:, :20].sum(1) == 1) and torch.all(markers[:, 20:].sum(1) == 1)
    assert torch.allclose((x[:, :, 0] * markers).sum(1), y)
    # the trivial baseline: predicting the mean 1 gives MSE about 1/6
    assert abs(((y - 1) ** 2).mean().item() - tasks.ADDING_BASELINE_MSE) < 0.03


def test_adding_problem_is_reproducible_and_seed_dependent():
    a, b, c = (tasks.adding_problem(5, 10, seed=s)[0] for s in (1, 1, 2))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_copy_memory_layout():
    x, y = tasks.copy_memory(4, delay=15, n_symbols=8, n_copy=10, seed=0)
    assert x.shape == y.shape == (4, 35)
    assert torch.all((x[:, :10] >= 1) & (x[:, :10] <= 8))
    assert torch.all(x[:, 24] == 9) and int((x == 9).sum()) == 4
    assert torch.equal(y[:, -10:], x[:, :10]) and torch.all(y[:, :-10] == 0)
    assert np.isclose(tasks.copy_memory_baseline(15), 10 * np.log(8) / 35)


@pytest.mark.parametrize("call, message", [
    (lambda: tasks.adding_problem(0, 10), "n must be an int >= 1"),
    (lambda: tasks.adding_problem(3, 1), "length must be an int >= 2"),
    (lambda: tasks.copy_memory(3, 0), "delay must be an int >= 1"),
    (lambda: tasks.copy_memory(3, 5, n_copy=2.5), "n_copy must be an int >= 1"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
