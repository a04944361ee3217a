"""Checkers for the exercises of notebook 02 (word2vec from scratch)."""
import numpy as np

from course_utils import word2vec
from course_utils.checks import as_array, as_number, call_learner, checker, compare_arrays, describe, report


@checker
def check_skipgram_pairs(fn) -> bool:
    """Exercise 1: ``fn(ids, window)`` returns the (center, context) pairs, shape ``(n_pairs, 2)``."""
    cases = [(np.array([10, 11, 12, 13, 14]), 2), (np.array([3, 1, 4, 1, 5, 9]), 1),
             (np.array([7, 8, 9]), 5)]
    for ids, window in cases:
        ok, got = call_learner(fn, ids.copy(), window, name="skipgram_pairs")
        if not ok:
            return False
        expected = word2vec.skipgram_pairs(ids, window)
        got, problem = as_array(got, "the pairs")
        if problem:
            return report(False, "", problem)
        if got.ndim != 2 or got.shape[1:] != (2,):
            return report(False, "", f"expected an array of shape (n_pairs, 2), got shape {got.shape}.")
        got_set = sorted(map(tuple, got.tolist()))
        want = sorted(map(tuple, expected.tolist()))
        if got_set == want:
            continue
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


@checker
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
            return report(False, "", "return four things: (loss, grad_v_c, grad_u_o, grad_U_neg), "
                                     f"got {describe(got)}.")
        ref_loss, *ref_grads = word2vec.negative_sampling_loss_and_grads(v_c, u_o, U_neg)
        loss, problem = as_number(got[0], "the loss")
        if problem:
            return report(False, "", problem)
        grads = {}
        for name, g, r in zip(("grad_v_c", "grad_u_o", "grad_U_neg"), got[1:], ref_grads):
            grads[name], problem = as_array(g, name, shape=r.shape)
            if problem:
                return report(False, "", problem)
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
        for (name, g), r in zip(grads.items(), ref_grads):
            if np.allclose(g, r * B):
                return report(False, "", f"{name} is B times too big: the loss is a mean, so divide by B.")
            if np.allclose(g, -r):
                return report(False, "", f"{name} has the wrong sign (you may have the gradient "
                                         "of the log-likelihood, not of the loss).")
            problem = compare_arrays(g, r, name=name, atol=1e-8)
            if problem:
                return report(False, "", problem)
    return report(True, "loss and all three gradients match the reference.", "")


@checker
def check_gradient_errors(errors: dict, threshold: float = 1e-6) -> bool:
    """Exercise 3: ``errors`` from ``gradients.gradient_check``, ``{name: relative error}``, all small."""
    if not isinstance(errors, dict) or not errors:
        return report(False, "", f"pass the dict that gradients.gradient_check returns, got {describe(errors)}.")
    values = {}
    for name, error in errors.items():
        values[name], problem = as_number(error, f"the relative error of {name}")
        if problem:
            return report(False, "", problem)
        if values[name] < 0:
            return report(False, "", f"the relative error of {name} is {values[name]:.1e}, but a relative "
                                     "error is never negative: pass what gradients.gradient_check returns.")
    worst = max(values, key=values.get)
    if values[worst] < threshold:
        return report(True, f"every gradient agrees with finite differences "
                            f"(worst: {worst}, relative error {values[worst]:.1e}).", "")
    return report(False, "", f"{worst} has relative error {values[worst]:.1e} (> {threshold:g}): "
                             "that gradient is wrong, or the parameters were not float64.")


# ------------------------------------------------------------------ notebook 03

def _analogy_case():
    # 2-D vectors built so that b - a + c points at "d", while raw (unnormalised) arithmetic
    # prefers "long", and "c" itself is the closest word when it is not left out.
    itos = ["<unk>", "a", "b", "c", "d", "long", "other"]
    E = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.1, 1.0], [1.5, 3.0], [-1.0, -0.2]])
    return E, itos


def _learner_word(fn, E, itos, a, b, c):
    """The learner's answer to ``a : b :: c : ?``, or ``None`` after saying what is wrong with it."""
    ok, got = call_learner(fn, E.copy(), list(itos), a, b, c, name="three_cos_add")
    if not ok:
        return None
    if not isinstance(got, str):
        report(False, "", f"three_cos_add should return one word (a str), got {describe(got)}.")
        return None
    return got


@checker
def check_three_cos_add(fn) -> bool:
    """Notebook 03, exercise 1: ``fn(E, itos, a, b, c)`` returns the 3CosAdd answer (a word)."""
    from course_utils import evaluation

    E, itos = _analogy_case()
    expected = evaluation.solve_analogy(E, itos, "a", "b", "c")[0][0]
    got = _learner_word(fn, E, itos, "a", "b", "c")
    if got is None:
        return False
    if got in ("a", "b", "c"):
        return report(False, "", f"the answer {got!r} is one of the question's words: leave a, b and c "
                                 "out of the candidates (set their similarity to -inf).")
    if got == "long":
        return report(False, "", "a long vector won: normalise every row to unit length before the "
                                 "arithmetic and the cosine.")
    if got != expected:
        return report(False, "", f"got {got!r}, expected {expected!r}: the target is "
                                 "unit(b) - unit(a) + unit(c); pick the row with the highest cosine.")
    rng = np.random.default_rng(0)
    E2 = rng.normal(size=(30, 5))
    itos2 = [f"w{i}" for i in range(30)]
    for a, b, c in [("w1", "w2", "w3"), ("w5", "w9", "w4"), ("w10", "w0", "w29")]:
        got = _learner_word(fn, E2, itos2, a, b, c)
        if got is None:
            return False
        want = evaluation.solve_analogy(E2, itos2, a, b, c)[0][0]
        if got != want:
            return report(False, "", f"on random vectors, {a} : {b} :: {c} : expected {want!r}, got {got!r}.")
    return report(True, "three_cos_add gives the 3CosAdd answer on all test questions.", "")


@checker
def check_similarity_spearman(fn) -> bool:
    """Notebook 03, exercise 2: ``fn(E, itos, pairs)`` returns ``(spearman, oov_rate)``."""
    from course_utils import evaluation

    rng = np.random.default_rng(3)
    itos = ["<unk>"] + [f"w{i}" for i in range(12)]
    E = rng.normal(size=(len(itos), 4))
    pairs = [(f"w{i}", f"w{j}", float(s)) for i, j, s in
             [(0, 1, 9.0), (2, 3, 1.5), (4, 5, 7.2), (6, 7, 3.3), (8, 9, 5.0), (10, 11, 2.0),
              (0, 11, 8.1), (1, 99, 4.0), (77, 3, 6.0), (5, 2, 0.5)]]
    ok, got = call_learner(fn, E.copy(), list(itos), list(pairs), name="similarity_spearman")
    if not ok:
        return False
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return report(False, "", f"return two numbers: (spearman, oov_rate), got {describe(got)}.")
    ref = evaluation.similarity_spearman(E, itos, pairs)
    rho, problem = as_number(got[0], "spearman")
    if problem:
        return report(False, "", problem)
    oov, problem = as_number(got[1], "oov_rate")
    if problem:
        return report(False, "", problem)
    if np.isclose(oov, 2, atol=0) or np.isclose(oov, 8):
        return report(False, "", "oov_rate is a share of the pairs (between 0 and 1), not a count.")
    if not np.isclose(oov, ref["oov_rate"]):
        return report(False, "", f"oov_rate = {oov:.3f}, expected {ref['oov_rate']:.3f}: the share of pairs "
                                 "with at least one word missing from the vocabulary.")
    used = [(a, b, s) for a, b, s in pairs if a in itos and b in itos]
    from scipy.stats import pearsonr
    U = E / np.linalg.norm(E, axis=1, keepdims=True)
    cos = [float(U[itos.index(a)] @ U[itos.index(b)]) for a, b, _ in used]
    if np.isclose(rho, pearsonr(cos, [s for *_, s in used]).statistic) and not np.isclose(rho, ref["spearman"]):
        return report(False, "", "that is Pearson's correlation: Spearman's compares ranks (scipy.stats.spearmanr).")
    if not np.isclose(rho, ref["spearman"]):
        return report(False, "", f"spearman = {rho:.4f}, expected {ref['spearman']:.4f}: correlate the cosine "
                                 "of each covered pair with its human score.")
    return report(True, f"Spearman {rho:.3f} with {oov:.0%} of pairs out of vocabulary: right.", "")
