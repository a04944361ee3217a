"""Checkers for the exercises of notebook 10 (character LM and sampling)."""
import math

import numpy as np

from course_utils import sampling
from course_utils.checks import as_array, as_number, call_learner, check_function, checker, report


@checker
def check_softmax_with_temperature(fn) -> bool:
    """Notebook 10, exercise 1: ``fn(z, T)`` returns ``softmax(z / T)`` as an array."""
    z = np.array([2.0, 1.0, 0.5, -1.0])
    ok, got = call_learner(fn, z, 0.5, name="softmax_with_temperature")
    if not ok:
        return False
    got, problem = as_array(got, "the probabilities")
    if problem:
        return report(False, "", problem)
    if got.shape == z.shape and np.allclose(got, sampling.softmax_with_temperature(z, 2.0)):
        return report(False, "", "you multiply by T: divide the logits by T (T < 1 must sharpen).")
    if got.shape == z.shape and np.allclose(got, sampling.softmax_with_temperature(z, 1.0)):
        return report(False, "", "the temperature has no effect: use z / T.")
    if got.shape == z.shape and not np.isclose(got.sum(), 1.0):
        return report(False, "", "the probabilities do not sum to 1: divide by the sum of the exponentials.")
    big = np.array([1000.0, 999.0, 0.0])
    cases = [(z, 0.5), (z, 3.0), (big, 1.0)]
    return check_function(fn, sampling.softmax_with_temperature, cases, name="softmax_with_temperature")


@checker
def check_bits_per_char(fn) -> bool:
    """Notebook 10, exercise 2: ``fn(probs_of_true_chars)`` = mean of ``-log2 p``."""
    p = np.array([0.5, 0.25, 0.125, 0.9])
    ok, got = call_learner(fn, p, name="bits_per_char")
    if not ok:
        return False
    want = float(-np.log2(p).mean())
    value, problem = as_number(got, "bits_per_char")
    if problem:
        return report(False, "", problem)
    if math.isclose(value, float(-np.log(p).mean()), rel_tol=1e-6):
        return report(False, "", "that is nats per character: use log base 2 (divide by ln 2).")
    if math.isclose(value, -want, rel_tol=1e-6):
        return report(False, "", "the sign is wrong: -log2 p is positive for p < 1.")
    if math.isclose(value, float(-np.log2(p).sum()), rel_tol=1e-6):
        return report(False, "", "that is the total: take the mean over characters.")
    if not math.isclose(value, want, rel_tol=1e-6):
        return report(False, "", f"got {value:.6g}, expected {want:.6g}: the mean of -log2 p over the characters.")
    return report(True, f"bits_per_char = {value:.4f} is right.", "")
