"""Checkers for the exercises of notebooks 07 (gradients through time) and 08 (exploding gradients)."""
import numpy as np

from course_utils import clipping, spectra
from course_utils.checks import as_array, as_bool, as_number, call_learner, checker, compare_arrays, describe, report

# Matrices chosen so that the usual mistakes give a different number from the right one.
_RADIUS_CASES = {
    "rotation by 90 degrees, scaled by 2 (eigenvalues +-2i)": np.array([[0.0, -2.0], [2.0, 0.0]]),
    "diag(-3, 1) (the biggest eigenvalue in size is negative)": np.diag([-3.0, 1.0]),
    "[[0.5, 10], [0, 0.5]] (non-normal)": np.array([[0.5, 10.0], [0.0, 0.5]]),
    "a random 6 x 6 Gaussian matrix": np.random.default_rng(7).normal(size=(6, 6)),
}


@checker
def check_spectral_radius(fn) -> bool:
    """Notebook 07, exercise 2: ``fn(W_hh)`` returns ``max |lambda_i|``."""
    for name, M in _RADIUS_CASES.items():
        ok, got = call_learner(fn, M.copy(), name="spectral_radius")
        if not ok:
            return False
        got, problem = as_number(got, f"spectral_radius of {name}")
        if problem:
            return report(False, "", problem)
        eig = np.linalg.eigvals(M)
        expected = float(np.max(np.abs(eig)))
        if np.isclose(got, expected, rtol=1e-6):
            continue
        if np.isclose(got, np.linalg.norm(M, ord=2), rtol=1e-6):
            hint = "that is the largest singular value sigma_1 (np.linalg.norm(W, 2)); use the eigenvalues."
        elif np.isclose(got, np.max(eig.real), rtol=1e-6):
            hint = ("eigenvalues can be negative or complex: take their absolute value (np.abs) "
                    "before the maximum, not the real part.")
        elif np.isclose(got, np.max(np.abs(M)), rtol=1e-6):
            hint = "that is the largest entry of W_hh; the radius comes from np.linalg.eigvals(W_hh)."
        else:
            hint = "compute np.linalg.eigvals(W_hh) and take the largest absolute value."
        return report(False, "", f"for {name} you returned {got:.4g}, expected {expected:.4g}: {hint}")
    return report(True, f"spectral_radius is right on all {len(_RADIUS_CASES)} matrices "
                        "(complex, negative and non-normal cases included).", "")


# The three matrices of the prediction exercise; the truth is measured, not looked up.
PREDICTION_MATRICES = {
    "A": np.array([[0.5, -1.2], [1.2, 0.5]]),   # complex eigenvalues 0.5 +- 1.2i: |lambda| = 1.3
    "B": np.array([[0.9, 5.0], [0.0, 0.9]]),    # sigma_1 about 5.2, but both eigenvalues 0.9
    "C": np.array([[1.02, 0.0], [0.0, 0.3]]),   # one eigenvalue just above 1
}
PREDICTION_STEPS = 100


def measured_explodes() -> dict:
    """``{name: ||W^100|| > 1}`` for the prediction matrices, measured by matrix powers."""
    return {name: bool(spectra.matrix_power_norms(M, PREDICTION_STEPS)[-1] > 1.0)
            for name, M in PREDICTION_MATRICES.items()}


@checker
def check_explode_predictions(fn) -> bool:
    """Notebook 07, exercise 3: ``fn()`` returns ``{"A": bool, "B": bool, "C": bool}``: does ``||W^100||`` exceed 1?"""
    ok, answers = call_learner(fn, name="predictions")
    if not ok:
        return False
    if not isinstance(answers, dict) or set(answers) != set(PREDICTION_MATRICES):
        return report(False, "", f"answers should be a dict with keys {sorted(PREDICTION_MATRICES)} "
                                 f"and True (explodes) or False (vanishes) as values, got {describe(answers)}.")
    predicted = {}
    for name in sorted(PREDICTION_MATRICES):
        predicted[name], problem = as_bool(answers[name], f"the prediction for {name}")
        if problem:
            return report(False, "", problem + " True means it explodes, False that it vanishes.")
    truth = measured_explodes()
    wrong = [name for name in truth if predicted[name] != truth[name]]
    if not wrong:
        return report(True, "all three predictions match the measured ||W^100||: the spectral radius "
                            "decides the long run, even when sigma_1 > 1 (matrix B).", "")
    hints = {"A": "A's eigenvalues are complex: their modulus is sqrt(0.5^2 + 1.2^2).",
             "B": "B has sigma_1 > 1, but both eigenvalues are 0.9: it grows for a while, then decays.",
             "C": "C has one eigenvalue of 1.02: 1.02^100 is about 7."}
    return report(False, "", f"{', '.join(wrong)} wrong. " + " ".join(hints[n] for n in wrong))


@checker
def check_clip_by_norm(fn) -> bool:
    """Notebook 08, exercise 1: ``fn(g, threshold)`` rescales ``g`` to norm ``threshold`` when ``||g|| >= threshold``."""
    cases = [(np.array([30.0, -40.0]), 5.0), (np.array([0.3, -0.4]), 5.0),
             (np.array([3.0, 0.1, -0.2]), 1.0), (np.array([[1.0, 2.0], [2.0, 4.0]]), 2.5)]
    for i, (g, threshold) in enumerate(cases, start=1):
        ok, got = call_learner(fn, g.copy(), threshold, name="clip_by_norm")
        if not ok:
            return False
        name = f"clip_by_norm on test case {i}"
        got, problem = as_array(got, name, shape=g.shape)
        if problem:
            return report(False, "", problem)
        problem = compare_arrays(got, clipping.clip_by_norm(g, threshold), name=name)
        if problem is None:
            continue
        if np.allclose(got, clipping.clip_elementwise(g, threshold)):
            return report(False, "", "that is element-wise clipping (np.clip); norm clipping rescales the "
                                     "whole vector by threshold / ||g|| and keeps its direction.")
        if np.allclose(got, g * threshold / np.linalg.norm(g)):
            return report(False, "", "a small gradient (norm below the threshold) must be left unchanged; "
                                     "rescale only when ||g|| >= threshold.")
        if np.allclose(got, g * threshold / np.sum(g ** 2)):
            return report(False, "", "divide by the norm sqrt(sum g_i^2), not by the squared norm.")
        return report(False, "", problem)
    return report(True, f"clip_by_norm is correct on all {len(cases)} test cases.", "")


@checker
def check_backprop_step(fn) -> bool:
    """Notebook 07, exercise 1: ``fn(g_t (hidden,), W_hh, a_t (hidden,), nonlinearity)`` returns ``g_t diag(rho'(a_t)) W_hh``."""
    rng = np.random.default_rng(3)
    W_hh, a_t, g_t = rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=4)
    for nl in ("tanh", "sigmoid", "relu"):
        ok, got = call_learner(fn, g_t.copy(), W_hh.copy(), a_t.copy(), nl, name="backprop_step")
        if not ok:
            return False
        name = f"backprop_step with {nl}"
        got, problem = as_array(got, name, shape=g_t.shape)
        if problem:
            return report(False, "", problem)
        expected = spectra.backprop_step(g_t, W_hh, a_t, nl)
        if np.allclose(got, expected):
            continue
        d = spectra.rho_prime(a_t, nl)
        diagnoses = [
            ((g_t @ W_hh) * d, "the factors act in the wrong order: rho'(a_t) scales g_t first, then W_hh "
                               "acts, (g_t * rho'(a_t)) @ W_hh."),
            (d * (g_t @ W_hh.T), "that is the Jacobian times g_t as a column, diag(rho') W_hh g_t (what the "
                                 "lecture's transposed factor gives when read literally). In the row layout "
                                 "g_t is multiplied on the right: (g_t * rho'(a_t)) @ W_hh."),
            ((g_t * d) @ W_hh.T, "W_hh is transposed: a row gradient is multiplied by W_hh on the right, "
                                 "(g_t * rho'(a_t)) @ W_hh."),
            (g_t @ W_hh, "the factor rho'(a_t) is missing: g_t @ W_hh alone is the linear case."),
            ((g_t * spectra.rho(a_t, nl)) @ W_hh, "you used rho(a_t); the chain rule needs its derivative rho'(a_t)."),
        ]
        for wrong, hint in diagnoses:
            if np.allclose(got, wrong):
                return report(False, "", hint)
        return report(False, "", compare_arrays(got, expected, name=name))
    return report(True, "backprop_step is right for tanh, sigmoid and ReLU. With ReLU only the entries of g_t "
                        "whose unit was active (a_t > 0) reach h_{t-1}: the others are multiplied by 0.", "")
