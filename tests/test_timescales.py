"""Leaky units and skip connections across time (timescales, notebook 08): the recurrences and the gradient's reach."""
import copy

import numpy as np
import pytest
import torch

from course_utils import timescales
from course_utils.timescales import MultiScaleRNN, gradient_reach


def _weights(H=5, I=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*shape, generator=g, dtype=torch.float64) for shape in [(3, I), (3, H), (H, I), (H, H), (H,)]]


def test_alpha_one_and_zero_skip_weights_give_the_vanilla_step():
    x_t, h, W_ih, W_hh, b = _weights()
    vanilla = torch.tanh(x_t @ W_ih.T + h @ W_hh.T + b)
    assert torch.allclose(timescales.leaky_step(x_t, h, W_ih, W_hh, b, 1.0), vanilla)
    assert torch.allclose(timescales.skip_step(x_t, h, torch.randn_like(h), W_ih, W_hh, torch.zeros_like(W_hh), b), vanilla)
    # a small alpha moves the state a small fraction of the way
    leaky = timescales.leaky_step(x_t, h, W_ih, W_hh, b, 0.1)
    assert torch.allclose(leaky, 0.9 * h + 0.1 * vanilla)


def test_the_kinds_share_their_first_weights_under_one_seed():
    models = {}
    for kind in timescales.KINDS:
        torch.manual_seed(3)
        models[kind] = MultiScaleRNN(kind, hidden_size=8)
    for name in ("W_ih", "W_hh", "b"):
        assert torch.equal(getattr(models["rnn"], name), getattr(models["leaky"], name))
        assert torch.equal(getattr(models["rnn"], name), getattr(models["skip"], name))
    assert models["rnn"].W_hh.abs().max() <= 8 ** -0.5


def test_skip_model_reads_the_state_d_steps_back():
    torch.manual_seed(0)
    model = MultiScaleRNN("skip", hidden_size=4, d=3)
    x = torch.randn(2, 7, 2)
    hs = model.states(x)
    manual, h = [], torch.zeros(2, 4)
    for t in range(7):
        back = manual[t - 3] if t >= 3 else torch.zeros(2, 4)
        h = torch.tanh(x[:, t] @ model.W_ih.T + h @ model.W_hh.T + back @ model.W_skip.T + model.b)
        manual.append(h)
    assert all(torch.allclose(a, b) for a, b in zip(hs, manual))
    assert model(x).shape == (2,)


def _brute_force_reach(model, x):
    """||dh_T/dh_k||_2 by perturbing h_k (torch.autograd.functional.jacobian of a rerun)."""
    model = copy.deepcopy(model).double()
    x = x.double()[None]
    T, norms = x.shape[1], []
    for k in range(T):
        def last_from(delta, k=k):
            hs, h = [], x.new_zeros(1, model.hidden_size)
            for t in range(T):
                if model.kind == "skip":
                    back = hs[t - model.d] if t >= model.d else torch.zeros_like(h)
                    h = timescales.skip_step(x[:, t], h, back, model.W_ih, model.W_hh, model.W_skip, model.b)
                else:
                    h = timescales.leaky_step(x[:, t], h, model.W_ih, model.W_hh, model.b, model.alpha)
                if t == k:
                    h = h + delta
                hs.append(h)
            return hs[-1][0]
        J = torch.autograd.functional.jacobian(last_from, x.new_zeros(1, model.hidden_size))[:, 0]
        norms.append(torch.linalg.matrix_norm(J, ord=2).item())
    return np.array(norms)


@pytest.mark.parametrize("kind", timescales.KINDS)
def test_gradient_reach_is_the_spectral_norm_of_the_total_jacobian(kind):
    torch.manual_seed(1)
    model = MultiScaleRNN(kind, hidden_size=6, alpha=0.3, d=3)
    x = torch.randn(9, 2)
    reach = gradient_reach(model, x)
    assert reach.shape == (9,)
    assert np.allclose(reach, _brute_force_reach(model, x), rtol=1e-9, atol=1e-300)
    assert reach[-1] == pytest.approx(1.0)   # dh_T/dh_T = I
    assert model.W_hh.dtype == torch.float32   # the model itself is left alone


def test_gradient_reach_does_not_underflow_where_float32_would():
    torch.manual_seed(0)
    reach = gradient_reach(MultiScaleRNN("rnn", hidden_size=32), torch.rand(300, 2))
    assert 0 < reach[0] < 1e-46   # far below float32's smallest number, still positive


@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="gru"), "kind must be one of 'rnn', 'leaky', 'skip'"),
    (dict(kind="leaky", alpha=0.0), r"alpha must be a finite number > 0 and <= 1, got 0.0"),
    (dict(kind="leaky", alpha=1.5), "alpha must be a finite number"),
    (dict(kind="skip", d=1), r"d must be an int >= 2 \(d = 1 is the ordinary connection\)"),
    (dict(kind="rnn", hidden_size=0), "hidden_size must be an int >= 1"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MultiScaleRNN(**kwargs)


@pytest.mark.parametrize("call, error, message", [
    (lambda m: gradient_reach(torch.nn.RNN(2, 4), torch.zeros(5, 2)), TypeError, "model must be a timescales.MultiScaleRNN"),
    (lambda m: gradient_reach(m, torch.zeros(1, 5, 2)), ValueError, r"x must be 2-D \(time, 2\)"),
    (lambda m: gradient_reach(m, torch.zeros(5, 3)), ValueError, r"x must have shape \(time, 2\), got \(5, 3\)"),
    (lambda m: gradient_reach(m, torch.full((5, 2), float("nan"))), ValueError, "x holds 10 NaN or inf"),
])
def test_gradient_reach_names_a_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call(MultiScaleRNN("rnn", hidden_size=4))
