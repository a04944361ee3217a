"""Checkers for the exercises of notebook 09 (LSTM and GRU)."""
import math

import numpy as np
import torch

from course_utils import cells
from course_utils.checks import as_array, as_arrays, as_number, call_learner, check_function, checker, compare_arrays, report


def _lstm_args(seed=8, B=3, D=4, H=5):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(B, D, generator=g, dtype=torch.float64), torch.randn(B, H, generator=g, dtype=torch.float64),
            torch.randn(B, H, generator=g, dtype=torch.float64),
            torch.randn(4 * H, D, generator=g, dtype=torch.float64) * 0.5,
            torch.randn(4 * H, H, generator=g, dtype=torch.float64) * 0.5,
            torch.randn(4 * H, generator=g, dtype=torch.float64), torch.randn(4 * H, generator=g, dtype=torch.float64))


def _lstm_mistake(h, args):
    """The hint for a common LSTM slip that gives ``h``, or ``None``."""
    x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh = args
    i, f, g, o = (x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh).chunk(4, dim=1)
    s = torch.sigmoid
    wrong = [
        ((s(f) * c_prev + s(i) * torch.tanh(g)) * s(o), "h_t is o_t * tanh(c_t): squash c_t with tanh before the output gate."),
        (s(o) * torch.tanh(s(i) * torch.tanh(g)), "c_t forgot the old state: c_t = f_t * c_{t-1} + i_t * g_t."),
        (s(o) * torch.tanh(s(i) * c_prev + s(f) * torch.tanh(g)), "the forget and input gates are swapped: torch's order is i, f, g, o."),
        (s(o) * torch.tanh(s(f) * c_prev + s(i) * s(g)), "the candidate g_t uses tanh, not sigmoid."),
        (s(f) * c_prev + s(i) * torch.tanh(g),
         "the order of the returned pair is (h_t, c_t): you seem to return c_t first."),
    ]
    for h_wrong, hint in wrong:
        if h.shape == tuple(h_wrong.shape) and np.allclose(h, h_wrong.numpy()):
            return hint
    return None


@checker
def check_lstm_step(fn) -> bool:
    """Notebook 09, exercise 1: ``fn(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh)`` returns ``(h_t, c_t)``."""
    cases = [_lstm_args(), _lstm_args(seed=9, B=1)]
    for i, args in enumerate(cases, start=1):
        ok, got = call_learner(fn, *args, name="lstm_step")
        if not ok:
            return False
        pair, problem = as_arrays(got, ("h_t", "c_t"))
        if problem:
            return report(False, "", problem)
        hint = _lstm_mistake(pair[0], args)
        if hint:
            return report(False, "", hint)
        for name, got_part, want in zip(("h_t", "c_t"), pair, cells.lstm_step(*args)):
            problem = compare_arrays(got_part, want, name=f"{name} on test case {i}")
            if problem:
                return report(False, "", problem)
    return report(True, f"lstm_step is correct on all {len(cases)} test cases.", "")


def _gru_args(seed=11, B=3, D=4, H=5):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(B, D, generator=g, dtype=torch.float64), torch.randn(B, H, generator=g, dtype=torch.float64),
            torch.randn(3 * H, D, generator=g, dtype=torch.float64) * 0.5,
            torch.randn(3 * H, H, generator=g, dtype=torch.float64) * 0.5,
            torch.randn(3 * H, generator=g, dtype=torch.float64), torch.randn(3 * H, generator=g, dtype=torch.float64))


@checker
def check_gru_step(fn) -> bool:
    """Notebook 09, exercise 2: ``fn(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)`` returns ``h_t`` as ``nn.GRU`` does."""
    args = _gru_args()
    ok, got = call_learner(fn, *args, name="gru_step")
    if not ok:
        return False
    h, problem = as_array(got, "h_t from gru_step")
    if problem:
        return report(False, "", problem)
    x_t, h_prev, W_ih, W_hh, b_ih, b_hh = args
    H = h_prev.shape[1]
    x_r, x_z, x_n = (x_t @ W_ih.T + b_ih).chunk(3, dim=1)
    h_r, h_z, h_n = (h_prev @ W_hh.T + b_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    n_before = torch.tanh(x_n + (r * h_prev) @ W_hh[2 * H:].T + b_hh[2 * H:])
    wrong = [
        (z * n + (1 - z) * h_prev, "z_t is swapped: in torch's GRU, z_t keeps the old state, h_t = (1 - z_t) n_t + z_t h_{t-1}."),
        ((1 - z) * n_before + z * h_prev, "torch applies the reset gate after the product: n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))."),
        ((1 - z) * torch.tanh(x_n + h_n) + z * h_prev, "the reset gate r_t is missing from the candidate n_t."),
    ]
    for h_wrong, hint in wrong:
        if h.shape == tuple(h_wrong.shape) and np.allclose(h, h_wrong.numpy()):
            return report(False, "", hint)
    return check_function(fn, cells.gru_step, [args, _gru_args(seed=12, B=1)], name="gru_step")


@checker
def check_half_life(fn) -> bool:
    """Notebook 09, exercise 3: ``fn(f)`` = steps until a constant forget gate f halves the cell state."""
    cases = [0.5, 0.9, 0.99, 0.731]
    for f in cases:
        ok, got = call_learner(fn, f, name="half_life")
        if not ok:
            return False
        want = math.log(0.5) / math.log(f)
        value, problem = as_number(got, f"half_life({f})")
        if problem:
            return report(False, "", problem)
        if math.isclose(value, want, rel_tol=1e-6):
            continue
        if math.isclose(value, -want, rel_tol=1e-6):
            return report(False, "", "the sign is wrong: log(f) is negative for f < 1, so is log(0.5).")
        if math.isclose(value, math.log(2) / f, rel_tol=1e-6) or math.isclose(value, 0.5 / (1 - f), rel_tol=1e-6):
            return report(False, "", "solve f**k = 0.5 for k: k = log(0.5) / log(f).")
        if not math.isclose(value, want, rel_tol=1e-6):
            return report(False, "", f"half_life({f}) = {value:.6g}, expected {want:.6g}: after k steps "
                                     "with gate f the state is f**k times what it was.")
    return report(True, "half_life is right for every test value of f.", "")
