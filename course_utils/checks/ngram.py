"""Checkers for the exercises of notebook 04 (language models)."""
import math

import numpy as np

from course_utils.checks import as_array, as_number, call_learner, check_function, checker, report


def _add_k_reference(counts, k):
    counts = np.asarray(counts, dtype=float)
    return (counts + k) / (counts.sum() + k * counts.size)


@checker
def check_add_k(fn) -> bool:
    """Exercise 1: ``fn(counts, k)`` turns next-word counts ``(V,)`` of one context into add-k probabilities."""
    counts = np.array([3, 0, 1, 0, 6])
    ok, got = call_learner(fn, counts, 0.5, name="add_k_probs")
    if not ok:
        return False
    got, problem = as_array(got, "the result of add_k_probs")
    if problem:
        return report(False, "", problem)
    if got.shape != counts.shape:
        return report(False, "", f"expected one probability per word, shape {counts.shape}, got {got.shape}.")
    if np.allclose(got, counts / counts.sum()):
        return report(False, "", "these are the raw relative frequencies: add k to every count first.")
    if np.allclose(got, (counts + 0.5) / counts.sum()):
        return report(False, "", "the probabilities do not sum to 1: the denominator needs + k * V "
                                 "(k was added to each of the V counts).")
    if not np.isclose(got.sum(), 1.0):
        return report(False, "", f"the probabilities sum to {got.sum():.4f}, not 1.")
    cases = [(counts, 0.5), (np.array([0, 0, 0]), 1.0), (np.array([10, 2, 0, 0, 0, 1]), 0.01)]
    return check_function(fn, _add_k_reference, cases, name="add_k_probs")


@checker
def check_perplexity(fn) -> bool:
    """Exercise 2: ``fn(log_probs)`` returns the perplexity from natural-log token probabilities."""
    log_probs = np.log(np.array([0.5, 0.25, 0.1, 0.05]))
    expected = math.exp(-log_probs.mean())
    ok, got = call_learner(fn, log_probs, name="perplexity_from_log_probs")
    if not ok:
        return False
    value, problem = as_number(got, "the perplexity")
    if problem:
        return report(False, "", problem)
    hints = {
        math.exp(-log_probs.sum()): "that is exp(-sum): take the MEAN over tokens, so the number "
                                     "does not grow with the length of the text.",
        math.exp(log_probs.mean()): "the sign is flipped: perplexity is exp(MINUS the mean log-probability), "
                                    "a number >= 1.",
        2 ** (-log_probs.mean()): "these are natural logs, so use exp, not 2 ** (2 ** goes with log base 2).",
        -log_probs.mean(): "that is the cross-entropy in nats; perplexity is exp of it.",
    }
    if np.isclose(value, expected, rtol=1e-6):
        return report(True, f"perplexity = {value:.4f}: the model is as unsure as a fair "
                            f"{value:.1f}-sided die on average.", "")
    for wrong, hint in hints.items():
        if np.isclose(value, wrong, rtol=1e-6):
            return report(False, "", hint)
    return report(False, "", f"got {value:.6g}, expected {expected:.6g}: exp(-mean(log_probs)).")
