"""Checkers for the exercises of notebook 02 (word2vec from scratch)."""
import numpy as np

from .. import word2vec
from . import call_learner, compare_arrays, report


def check_skipgram_pairs(fn) -> bool:
    """Exercise 1: ``fn(ids, window)`` returns the (center, context) pairs, shape ``(n_pairs, 2)``."""
    cases = [(np.array([10, 11, 12, 13, 14]), 2), (np.array([3, 1, 4, 1, 5, 9]), 1),
             (np.array([7, 8, 9]), 5)]
    for ids, window in cases:
        ok, got = call_learner(fn, ids.copy(), window, name="skipgram_pairs")
        if not ok:
            return False
        expected = word2vec.skipgram_pairs(ids, window)
        got = np.asarray(got)
        if got.ndim != 2 or got.shape[1:] != (2,):
            return report(False, "", f"expected an array of shape (n_pairs, 2), got shape {got.shape}.")
        got_set = sorted(map(tuple, got.tolist()))
        want = sorted(map(tuple, expected.tolist()))
        if got_set == want:
            continue
        if sorted((b, a) for a, b in got_set) == want:
            return report(False, "", "each pair is reversed: put the center word first, (center, context).")
        if any(a == b for a, b in got_set):
            return report(False, "", "a word is paired with itself: skip distance 0.")
        if len(got) < len(expected):
            return report(False, "", f"with window={window} on {len(ids)} words you found {len(got)} "
                                     f"pairs, expected {len(expected)}: look at BOTH sides of the "
                                     "center, at distances 1..window (inclusive), and stop at the "
                                     "sentence's ends.")
        return report(False, "", f"with window={window} the pairs differ: expected {want[:6]}..., "
                                 f"got {got_set[:6]}...")
    return report(True, "skipgram_pairs gives the right pairs on all test sentences.", "")


def _ns_case(seed: int, B: int = 3, K: int = 4, d: int = 5):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 0.5, (B, d)), rng.normal(0, 0.5, (B, d)), rng.normal(0, 0.5, (B, K, d))


def check_negative_sampling(fn) -> bool:
    """Exercise 2: ``fn(v_c, u_o, U_neg)`` returns ``(loss, grad_v_c, grad_u_o, grad_U_neg)``.

    Compared with ``word2vec.negative_sampling_loss_and_grads``; common slips
    (sum instead of mean, a wrong sign, the noise term missing) get a named hint.
    """
    for seed in (0, 1):
        v_c, u_o, U_neg = _ns_case(seed)
        ok, got = call_learner(fn, v_c.copy(), u_o.copy(), U_neg.copy(), name="negative_sampling")
        if not ok:
            return False
        if not isinstance(got, (tuple, list)) or len(got) != 4:
            return report(False, "", "return four things: (loss, grad_v_c, grad_u_o, grad_U_neg).")
        loss, g_v, g_o, g_n = got
        ref_loss, r_v, r_o, r_n = word2vec.negative_sampling_loss_and_grads(v_c, u_o, U_neg)
        try:
            loss = float(loss)
        except (TypeError, ValueError):
            return report(False, "", f"the loss should be one number, got {type(loss).__name__}.")
        B = len(v_c)
        if np.isclose(loss, ref_loss * B, rtol=1e-6):
            return report(False, "", "your loss is B times too big: take the mean over the batch, not the sum.")
        if np.isclose(loss, -ref_loss, rtol=1e-6):
            return report(False, "", "your loss has the wrong sign: the loss is MINUS the log-likelihood.")
        s_pos = word2vec.sigmoid(np.einsum("bd,bd->b", u_o, v_c))
        if np.isclose(loss, -np.log(s_pos).mean(), rtol=1e-6):
            return report(False, "", "the noise term is missing: add - sum_k log s(-u_k . v_c).")
        if not np.isclose(loss, ref_loss, rtol=1e-6):
            return report(False, "", f"the loss is {loss:.6f}, expected {ref_loss:.6f}. "
                                     "Check s(u_o . v_c) for the true word and s(-u_k . v_c) for noise.")
        for name, g, r in [("grad_v_c", g_v, r_v), ("grad_u_o", g_o, r_o), ("grad_U_neg", g_n, r_n)]:
            g_arr = np.asarray(g, dtype=float)
            if g_arr.shape == r.shape and np.allclose(g_arr, r * B):
                return report(False, "", f"{name} is B times too big: the loss is a mean, so divide by B.")
            if g_arr.shape == r.shape and np.allclose(g_arr, -r):
                return report(False, "", f"{name} has the wrong sign (you may have the gradient "
                                         "of the log-likelihood, not of the loss).")
            problem = compare_arrays(g, r, name=name, atol=1e-8)
            if problem:
                return report(False, "", problem)
    return report(True, "loss and all three gradients match the reference.", "")


def check_gradient_errors(errors: dict, threshold: float = 1e-6) -> bool:
    """Exercise 3: ``errors`` from ``gradients.gradient_check``, ``{name: relative error}``, all small."""
    if not isinstance(errors, dict) or not errors:
        return report(False, "", "pass the dict that gradients.gradient_check returns.")
    worst = max(errors, key=errors.get)
    if errors[worst] < threshold:
        return report(True, f"every gradient agrees with finite differences "
                            f"(worst: {worst}, relative error {errors[worst]:.1e}).", "")
    return report(False, "", f"{worst} has relative error {errors[worst]:.1e} (> {threshold:g}): "
                             "that gradient is wrong, or the parameters were not float64.")
