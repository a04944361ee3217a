"""Checking gradients numerically: centred finite differences and relative error.

Used by notebook 02 (word2vec gradients), notebook 06 (BPTT) and the unit
tests. In the style of the CS231n/CS224n ``gradient_check`` helpers: numbers a
learner can trust, computed in float64.
"""
import numpy as np

from course_utils.checks.arguments import finite_number


def _loss(f, x) -> float:
    """``f(x)`` as a float, or a TypeError saying what ``f`` returned instead of one number."""
    value = f(x)
    if isinstance(value, (tuple, list)):
        raise TypeError(f"f must return the loss as one number, got a {type(value).__name__} of "
                        f"{len(value)} things (if it returns (loss, grads, ...), take [0])")
    try:
        return float(value)
    except (TypeError, ValueError):
        shape = f" of shape {tuple(value.shape)}" if hasattr(value, "shape") else ""
        raise TypeError(f"f must return the loss as one number, got a {type(value).__name__}{shape}") from None


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry of ``x``.

    f: function of ``x`` returning a scalar; x: float array of any shape,
    changed in place during the call and restored afterwards. Returns an array
    shaped like ``x``. A NaN from ``f`` gives NaN entries (never a number).
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 numpy array (float32 is too coarse for "
                        f"finite differences), got {getattr(x, 'dtype', type(x).__name__)}")
    eps = finite_number("eps", eps, above=0)
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        f_plus = _loss(f, x)
        flat_x[i] = old - eps
        f_minus = _loss(f, x)
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b, floor: float = 1e-12) -> float:
    """``max |a - b| / max(|a| + |b|, floor)`` over all entries: 0 for equal arrays.

    Below about 1e-7 in float64, two gradients agree; around 1e-2 or above,
    one of them is wrong. NaN in either array gives NaN.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def gradient_check(f, params: dict, grads: dict, eps: float = 1e-6) -> dict:
    """Compare analytic ``grads`` with centred differences of ``f()`` for each named parameter.

    f: a function of no arguments returning the loss, reading the arrays in
    ``params`` (they are nudged in place); params and grads: ``{name: array}``
    with matching keys and shapes. Returns ``{name: relative error}`` (NaN where a gradient holds NaN).
    """
    missing = set(params) ^ set(grads)
    if missing:
        raise ValueError(f"params and grads must have the same names; differing: {sorted(missing)}")
    for name in params:
        if not isinstance(params[name], np.ndarray) or params[name].dtype != np.float64:
            raise TypeError(f"params[{name!r}] must be a float64 numpy array (float32 is too coarse for "
                            f"finite differences), got {getattr(params[name], 'dtype', type(params[name]).__name__)}")
        if np.shape(grads[name]) != params[name].shape:
            raise ValueError(f"grads[{name!r}] has shape {np.shape(grads[name])} but params[{name!r}] "
                             f"has shape {params[name].shape}")
    return {name: relative_error(grads[name], numerical_gradient(lambda _x: f(), params[name], eps))
            for name in params}
