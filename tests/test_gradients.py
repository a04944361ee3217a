import numpy as np

from course_utils.gradients import gradient_check, numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = numerical_gradient(lambda v: np.sum(v**3), x)
    assert relative_error(g, 3 * x**2) < 1e-8
    assert np.array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored


def test_gradient_check_catches_a_wrong_gradient():
    rng = np.random.default_rng(0)
    W, v = rng.normal(size=(3, 4)), rng.normal(size=4)
    loss = lambda: float(np.sum(np.tanh(W @ v)))  # noqa: E731
    right = np.outer(1 - np.tanh(W @ v) ** 2, v)
    assert gradient_check(loss, {"W": W}, {"W": right})["W"] < 1e-7
    assert gradient_check(loss, {"W": W}, {"W": 1.01 * right})["W"] > 1e-3


def test_relative_error_is_zero_for_equal_and_zero_arrays():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
