"""The fast LSTM path (course_utils.fast_lstm) equals the readable LSTMLayer and nn.LSTM: outputs, state, gradients."""
import contextlib
import platform

import pytest
import torch
from torch import nn

from course_utils import cells, fast_lstm

NAMES = (("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0"))


def _run(layer, x, state, loss):
    """Outputs, final state and the gradients of x, the initial state and every weight under ``loss``."""
    x = x.clone().requires_grad_()
    state = None if state is None else tuple(s.clone().requires_grad_() for s in state)
    if isinstance(layer, nn.LSTM):
        out, (h_T, c_T) = layer(x, None if state is None else tuple(s[None] for s in state))
        h_T, c_T = h_T[0], c_T[0]
        weights = [getattr(layer, theirs) for _mine, theirs in NAMES]
    else:
        out, (h_T, c_T) = layer(x, state)
        weights = [getattr(layer, mine) for mine, _theirs in NAMES]
    loss(out, h_T, c_T).backward()
    grads = [x.grad] + ([] if state is None else [s.grad for s in state]) + [w.grad for w in weights]
    return [out, h_T, c_T] + grads


def _losses():
    return {"all": lambda out, h_T, c_T: out.sin().sum() + (2 * h_T).sum() + c_T.cos().sum(),
            "c_T only": lambda out, h_T, c_T: c_T.square().sum()}


def _three(D, H, dtype, forget_bias=0.0):
    torch.manual_seed(0)
    ref = nn.LSTM(D, H, batch_first=True).to(dtype)
    cells.set_forget_bias(ref, forget_bias) if forget_bias else None
    return ref, cells.LSTMLayer(D, H).to(dtype).load_from(ref), fast_lstm.FastLSTMLayer(D, H).to(dtype).load_from(ref)


@pytest.mark.parametrize("onednn", [True, False], ids=["oneDNN-if-available", "torch-kernels"])
@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("loss", sorted(_losses()))
def test_fast_layer_equals_the_readable_layer_and_torch_in_float32(onednn, with_state, loss):
    ref, readable, fast = _three(6, 8, torch.float32, forget_bias=1.0)
    x = torch.randn(5, 11, 6)
    state = (torch.randn(5, 8), torch.randn(5, 8)) if with_state else None
    with contextlib.nullcontext() if onednn else fast_lstm.default_kernels():
        got = _run(fast, x, state, _losses()[loss])
    for other in (readable, ref):
        for a, b in zip(got, _run(other, x, state, _losses()[loss]), strict=True):
            assert a.shape == b.shape and torch.allclose(a, b, atol=2e-5, rtol=1e-4), (a - b).abs().max()


def test_fast_layer_equals_torch_in_float64_and_the_state_matters():
    ref, _readable, fast = _three(5, 4, torch.float64)
    x = torch.randn(3, 9, 5, dtype=torch.float64)
    state = (torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64))
    for a, b in zip(_run(fast, x, state, _losses()["all"]), _run(ref, x, state, _losses()["all"]), strict=True):
        assert torch.allclose(a, b, atol=1e-10, rtol=0)
    assert not torch.allclose(fast(x, state)[0], fast(x)[0])


def test_hand_written_backward_passes_gradcheck():
    torch.manual_seed(1)
    T, B, D, H = 4, 2, 3, 2
    args = [torch.randn(T, B, D), torch.randn(B, H), torch.randn(B, H),
            torch.randn(4 * H, D), torch.randn(4 * H, H), torch.randn(4 * H)]
    args = [a.double().requires_grad_() for a in args]
    assert torch.autograd.gradcheck(fast_lstm.LSTMRecurrence.apply, args)


def test_one_step_and_a_batch_of_one():
    ref, _readable, fast = _three(3, 4, torch.float32)
    for shape in ((1, 7, 3), (4, 1, 3)):
        x = torch.randn(*shape)
        for a, b in zip(_run(fast, x, None, _losses()["all"]), _run(ref, x, None, _losses()["all"]), strict=True):
            assert torch.allclose(a, b, atol=2e-5, rtol=1e-4)


def test_default_kernels_switches_onednn_off_and_back():
    before = fast_lstm.ONEDNN
    with fast_lstm.default_kernels():
        assert fast_lstm.ONEDNN is False and not fast_lstm._onednn(torch.zeros(1))
    assert fast_lstm.ONEDNN == before
    if torch.backends.mkldnn.is_available() and platform.machine() in ("x86_64", "AMD64"):  # torch's x86 wheels
        assert fast_lstm._onednn(torch.zeros(1)) and not fast_lstm._onednn(torch.zeros(1, dtype=torch.float64))


@pytest.mark.parametrize("call, message", [
    (lambda layer: layer(torch.zeros(2, 5, 7)), r"x must be a tensor of shape \(batch, time, 3\)"),
    (lambda layer: layer(torch.zeros(2, 5, 3), (torch.zeros(2, 4), torch.zeros(3, 4))), "c0 must have shape"),
    (lambda layer: layer.load_from(nn.LSTM(3, 5)), "module has sizes"),
])
def test_fast_layer_keeps_the_readable_layers_checks(call, message):
    with pytest.raises(ValueError, match=message):
        call(fast_lstm.FastLSTMLayer(3, 4))
