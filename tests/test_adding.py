"""The adding problem (data.generated_tasks) is what its docstring says, and reproducible."""
import pytest
import torch

from course_utils.data import generated_tasks


def test_adding_problem_shapes_markers_and_targets():
    x, y = generated_tasks.adding_problem(500, 40, seed=3)
    assert x.shape == (500, 40, 2) and y.shape == (500,) and x.dtype == torch.float32
    markers = x[:, :, 1]
    assert torch.all(markers.sum(1) == 2)
    assert torch.all(markers[:, :20].sum(1) == 1) and torch.all(markers[:, 20:].sum(1) == 1)
    assert torch.allclose((x[:, :, 0] * markers).sum(1), y)
    # the trivial baseline: predicting the mean 1 gives MSE about 1/6
    assert abs(((y - 1) ** 2).mean().item() - generated_tasks.ADDING_BASELINE_MSE) < 0.03


def test_adding_problem_is_reproducible_and_seed_dependent():
    a, b, c = (generated_tasks.adding_problem(5, 10, seed=s)[0] for s in (1, 1, 2))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("call, message", [
    (lambda: generated_tasks.adding_problem(0, 10), "n must be an int >= 1"),
    (lambda: generated_tasks.adding_problem(3, 1), r"length must be an int in \[2, "),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
