"""Checkers for the exercises of notebooks 05 (recurrent networks) and 06 (BPTT by hand)."""
import numpy as np

from course_utils import rnn
from course_utils.checks import as_array, as_arrays, call_learner, check_function, checker, compare_arrays, describe, report


@checker
def check_stack_weights(fn) -> bool:
    """Notebook 05, exercise 1: ``fn(W_ih (hidden, input), W_hh (hidden, hidden))`` returns ``[W_ih  W_hh]``.

    The stacked matrix acts on ``[x_t; h_{t-1}]``; the check also runs one step with it.
    """
    rng = np.random.default_rng(5)
    H, D = 4, 3  # input != hidden, so that a transposed or wrongly stacked result has another shape
    W_ih, W_hh = rng.normal(size=(H, D)), rng.normal(size=(H, H))
    ok, got = call_learner(fn, W_ih.copy(), W_hh.copy(), name="stack_weights")
    if not ok:
        return False
    W, problem = as_array(got, "the stacked W")
    if problem:
        return report(False, "", problem)
    if W.shape == (D + H, H):
        return report(False, "", f"W has shape {W.shape}: it should have one row per hidden unit, "
                                 f"(hidden, input + hidden) = {(H, D + H)}. Put the matrices side by side.")
    if W.shape != (H, D + H):
        return report(False, "", f"W has shape {W.shape}, expected (hidden, input + hidden) = {(H, D + H)}.")
    if np.allclose(W, np.concatenate([W_hh, W_ih], axis=1)):
        return report(False, "", "the blocks are in the order [W_hh  W_ih], which acts on [h_{t-1}; x_t]. "
                                 "Here x_t comes first, so the columns of W_ih come first.")
    x_t, h_prev, b = rng.normal(size=(2, D)), rng.normal(size=(2, H)), rng.normal(size=H)
    stacked = np.tanh(np.concatenate([x_t, h_prev], axis=1) @ W.T + b)
    direct = np.tanh(x_t @ W_ih.T + h_prev @ W_hh.T + b)
    problem = compare_arrays(stacked, direct, name="the step computed with your W")
    if problem:
        return report(False, "", problem + " Column j of W multiplies entry j of [x_t; h_{t-1}].")
    return report(True, f"W = [W_ih  W_hh] gives the same step. It has {W.size} entries, exactly the "
                        f"{W_ih.size} + {W_hh.size} of the two matrices: stacking changes the bookkeeping, "
                        "not the model.", "")


@checker
def check_teacher_forcing_pairs(fn) -> bool:
    """Notebook 05, exercise 2: ``fn(ids)`` returns ``(inputs, targets)`` for teacher forcing."""
    ids = np.array([7, 3, 9, 2, 5])
    ok, got = call_learner(fn, ids, name="teacher_forcing_pairs")
    if not ok:
        return False
    pair, problem = as_arrays(got, ("inputs", "targets"))
    if problem:
        return report(False, "", problem)
    inputs, targets = pair
    if np.array_equal(inputs, ids[1:]) and np.array_equal(targets, ids[:-1]):
        return report(False, "", "inputs and targets are swapped: the model reads w_t and predicts w_{t+1}.")
    if np.array_equal(inputs, targets):
        return report(False, "", "targets equal inputs: the model would learn to copy. Shift targets by one.")
    for name, part, want in (("inputs", inputs, ids[:-1]), ("targets", targets, ids[1:])):
        problem = compare_arrays(part, want, name=name)
        if problem:
            return report(False, "", problem + " Inputs are all ids but the last; targets all but the first.")
    return report(True, "inputs w_1..w_{T-1} predict targets w_2..w_T: teacher forcing pairs.", "")


def _backward_variant(params, cache, dlogits, recurrent=True, tanh_grad=True):
    """BPTT with one piece left out: what a learner gets with a common mistake."""
    x, h = cache["x"], cache["h"]
    grads = {n: np.zeros_like(params[n]) for n in rnn.PARAM_NAMES}
    dh_next = np.zeros_like(h[:, 0])
    for t in reversed(range(x.shape[1])):
        grads["W_hy"] += dlogits[:, t].T @ h[:, t + 1]
        grads["b_y"] += dlogits[:, t].sum(0)
        dh = dlogits[:, t] @ params["W_hy"] + (dh_next if recurrent else 0)
        da = dh * (1 - h[:, t + 1] ** 2) if tanh_grad else dh
        grads["W_ih"] += da.T @ x[:, t]
        grads["W_hh"] += da.T @ h[:, t]
        grads["b_ih"] += da.sum(0)
        grads["b_hh"] += da.sum(0)
        dh_next = da @ params["W_hh"]
    return grads


def _bptt_case(seed, B=2, T=5, D=3, H=4, V=6):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(D, H, V, seed=seed, scale=0.8)
    x = rng.normal(size=(B, T, D))
    targets = rng.integers(0, V, size=(B, T))
    logits, cache = rnn.rnn_forward(params, x)
    _loss, dlogits = rnn.cross_entropy(logits, targets)
    return params, cache, dlogits


@checker
def check_rnn_backward(fn) -> bool:
    """Notebook 06, exercise 2: ``fn(params, cache, dlogits)`` returns the gradients of all six parameters."""
    for seed in (0, 1):
        params, cache, dlogits = _bptt_case(seed)
        ok, got = call_learner(fn, params, {k: v.copy() for k, v in cache.items()}, dlogits.copy(),
                               name="rnn_backward")
        if not ok:
            return False
        if isinstance(got, tuple) and got:
            got = got[0]  # (grads, dh) is fine too
        if not isinstance(got, dict):
            return report(False, "", f"return a dict of gradients {{'W_ih': ..., ...}}, got {describe(got)}.")
        missing = [n for n in rnn.PARAM_NAMES if n not in got]
        if missing:
            return report(False, "", f"the gradients of {missing} are missing from the dict you return.")
        grads = {}
        for n in rnn.PARAM_NAMES:
            grads[n], problem = as_array(got[n], f"d{n}")
            if problem:
                return report(False, "", problem)
        expected, _dh = rnn.rnn_backward(params, cache, dlogits)
        wrong = [n for n in rnn.PARAM_NAMES if compare_arrays(grads[n], expected[n], atol=1e-8, rtol=1e-6)]
        if not wrong:
            continue
        for variant, hint in (
                (dict(recurrent=False), "the gradient arriving from h_{t+1} is missing: dL/dh_t = "
                                        "W_hy^T dL/do_t + (the gradient passed back from step t+1)."),
                (dict(tanh_grad=False), "the tanh derivative is missing: multiply dL/dh_t by (1 - h_t**2) "
                                        "to get dL/da_t."),
        ):
            alt = _backward_variant(params, cache, dlogits, **variant)
            if all(compare_arrays(grads[n], alt[n], atol=1e-8, rtol=1e-6) is None for n in rnn.PARAM_NAMES):
                return report(False, "", hint)
        for n in wrong:
            g = grads[n]
            if g.shape == expected[n].shape and np.allclose(g, -expected[n]):
                return report(False, "", f"d{n} has the wrong sign.")
            if g.T.shape == expected[n].shape and g.ndim == 2 and np.allclose(g.T, expected[n]):
                return report(False, "", f"d{n} is transposed: it must have the shape of {n}, "
                                         f"{expected[n].shape}.")
        if wrong == ["W_hy", "b_y"] or set(wrong) <= {"W_hy", "b_y"}:
            return report(False, "", "the output-layer gradients are off: dW_hy = sum_t dL/do_t^T h_t.")
        return report(False, "", f"these gradients are not right: {wrong}. "
                                 + compare_arrays(grads[wrong[0]], expected[wrong[0]], name=f"d{wrong[0]}",
                                                  atol=1e-8, rtol=1e-6))
    return report(True, "all six gradients match the reference on two random RNNs: your BPTT is right.", "")


def _softmax_ce_grad(logits, targets):
    return rnn.cross_entropy(logits, targets)[1]


@checker
def check_softmax_grad(fn) -> bool:
    """Notebook 06, exercise 1: ``fn(logits, targets)`` returns ``dL/do_t = softmax(o_t) - onehot(y_t)``."""
    rng = np.random.default_rng(3)
    logits, targets = rng.normal(size=(2, 3, 4)), rng.integers(0, 4, size=(2, 3))
    expected = _softmax_ce_grad(logits, targets)
    ok, got = call_learner(fn, logits.copy(), targets, name="softmax_grad")
    if not ok:
        return False
    got, problem = as_array(got, "the gradient dL/do_t")
    if problem:
        return report(False, "", problem)
    if got.shape == expected.shape:
        if np.allclose(got, -expected):
            return report(False, "", "the sign is flipped: it is softmax - onehot (we minimise -log p).")
        probs = expected.copy()
        b, t = np.meshgrid(np.arange(2), np.arange(3), indexing="ij")
        probs[b, t, targets] += 1
        if np.allclose(got, probs):
            return report(False, "", "that is softmax(o_t) alone: subtract 1 at the target word.")
    cases = [(logits, targets), (rng.normal(size=(1, 5, 3)) * 30, rng.integers(0, 3, size=(1, 5)))]
    return check_function(fn, _softmax_ce_grad, cases, name="softmax_grad")
