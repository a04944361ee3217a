"""The from-scratch LSTM and GRU equal torch's, the gradient-flow measure behaves as taught, and the LSTM variants do what they say."""
import numpy as np
import pytest
import torch
from torch import nn

from course_utils import cells, lstm_variants


def _pair(kind, D=5, H=4):
    torch.manual_seed(0)
    ref = {"lstm": nn.LSTM, "gru": nn.GRU}[kind](D, H, batch_first=True).double()
    mine = cells.make_layer(kind, D, H).double().load_from(ref)
    return ref, mine


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_outputs_and_gradients_equal_torch(kind):
    ref, mine = _pair(kind)
    x = torch.randn(3, 9, 5, dtype=torch.float64)
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    out_a, state_a = ref(xa)
    out_b, state_b = mine(xb)
    assert torch.allclose(out_a, out_b, atol=1e-6, rtol=0)
    if kind == "lstm":
        assert torch.allclose(state_a[0][0], state_b[0], atol=1e-6) and torch.allclose(state_a[1][0], state_b[1], atol=1e-6)
    else:
        assert torch.allclose(state_a[0], state_b, atol=1e-6)
    (out_a.sin().sum()).backward()
    (out_b.sin().sum()).backward()
    assert torch.allclose(xa.grad, xb.grad, atol=1e-6, rtol=0)
    for mine_name, ref_name in (("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"),
                                ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0")):
        assert torch.allclose(getattr(mine, mine_name).grad, getattr(ref, ref_name).grad, atol=1e-6, rtol=0)


def test_initial_state_is_used():
    ref, mine = _pair("lstm")
    x = torch.randn(2, 4, 5, dtype=torch.float64)
    h0, c0 = torch.randn(2, 4, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    out_a, _ = ref(x, (h0[None], c0[None]))
    out_b, _ = mine(x, (h0, c0))
    assert torch.allclose(out_a, out_b, atol=1e-6)
    assert not torch.allclose(out_b, mine(x)[0])


def test_step_functions_match_the_layers():
    _ref, lstm = _pair("lstm")
    x = torch.randn(2, 1, 5, dtype=torch.float64)
    h0 = torch.zeros(2, 4, dtype=torch.float64)
    h, c = cells.lstm_step(x[:, 0], h0, h0, lstm.W_ih, lstm.W_hh, lstm.b_ih, lstm.b_hh)
    out, (h_T, c_T) = lstm(x)
    assert torch.allclose(h, h_T) and torch.allclose(c, c_T)
    _ref, gru = _pair("gru")
    assert torch.allclose(cells.gru_step(x[:, 0], h0, gru.W_ih, gru.W_hh, gru.b_ih, gru.b_hh), gru(x)[1])


def test_trace_returns_gates_in_range_and_the_layer_output():
    _ref, lstm = _pair("lstm")
    x = torch.randn(6, 5, dtype=torch.float64)
    tr = lstm.trace(x)
    assert set(tr) == {"i", "f", "g", "o", "c", "h"} and tr["f"].shape == (6, 4)
    for gate in "ifo":
        assert (tr[gate] > 0).all() and (tr[gate] < 1).all()
    assert np.allclose(tr["h"], lstm(x[None])[0][0].detach().numpy())


def test_forget_bias_sets_the_forget_gate_only():
    layer = cells.LSTMLayer(3, 4, forget_bias=2.0)
    total = (layer.b_ih + layer.b_hh).detach()
    assert torch.allclose(total[4:8], torch.full((4,), 2.0))
    assert total[:4].abs().max() < 1.0
    lstm = cells.set_forget_bias(nn.LSTM(3, 4), 1.5)
    assert torch.allclose((lstm.bias_ih_l0 + lstm.bias_hh_l0)[4:8], torch.full((4,), 1.5))
    with pytest.raises(ValueError, match="module must be an LSTMLayer or nn.LSTM"):
        cells.set_forget_bias(nn.GRU(3, 4), 1.0)


def test_bad_input_gets_clear_errors():
    layer = cells.LSTMLayer(3, 4)
    with pytest.raises(ValueError, match=r"x must be a tensor of shape \(batch, time, 3\)"):
        layer(torch.zeros(2, 5, 7))
    with pytest.raises(ValueError, match="h0 must have shape"):
        layer(torch.zeros(2, 5, 3), (torch.zeros(3, 4), torch.zeros(2, 4)))
    with pytest.raises(ValueError, match="hidden_size must be an int >= 1"):
        cells.GRULayer(3, 0)
    with pytest.raises(ValueError, match="module must be a one-layer"):
        layer.load_from(nn.LSTM(3, 4, num_layers=2))
    with pytest.raises(ValueError, match="module has sizes"):
        layer.load_from(nn.LSTM(3, 5))


def test_gradient_flow_vanishes_for_rnn_but_not_through_a_biased_cell_state():
    torch.manual_seed(0)
    x = torch.randn(40, 2)
    rnn_norms = cells.state_jacobian_norms("rnn", cells.make_layer("rnn", 2, 8), x)["h"]
    lstm_norms = cells.state_jacobian_norms("lstm", cells.LSTMLayer(2, 8, forget_bias=3.0), x)
    assert rnn_norms.shape == (40,) and np.isclose(rnn_norms[-1], 1.0)
    assert np.isclose(lstm_norms["c"][-1], 1.0)
    assert rnn_norms[0] < 1e-3 < 0.1 < lstm_norms["c"][0]


def test_direct_cell_path_is_the_product_of_forget_gates():
    torch.manual_seed(0)
    x, layer = torch.randn(12, 2), cells.LSTMLayer(2, 5, forget_bias=1.0).double()
    direct = cells.state_jacobian_norms("lstm", layer, x.double(), gates_see_state=False)["c"]
    f = layer.trace(x.double())["f"]                      # (time, H): f_t for t = 1..T
    product = [np.prod(f[k:], axis=0).max() for k in range(1, 13)]  # ||prod_{t>k} diag(f_t)||_2
    assert np.allclose(direct, product, rtol=1e-10)
    assert not np.allclose(cells.state_jacobian_norms("lstm", layer, x.double())["c"], product, rtol=1e-3)


def test_gradient_flow_rejects_bad_arguments():
    with pytest.raises(ValueError, match="applies to the LSTM only"):
        cells.state_jacobian_norms("gru", cells.make_layer("gru", 2, 3), torch.zeros(4, 2), gates_see_state=False)
    with pytest.raises(ValueError, match=r"x must be a tensor of shape \(time, 2\)"):
        cells.state_jacobian_norms("lstm", cells.LSTMLayer(2, 3), torch.zeros(1, 4, 2))


# ----------------------------------------------------------------- LSTM variants (course_utils.lstm_variants)

def test_step_lstm_with_the_standard_step_equals_torch():
    ref, _mine = _pair("lstm")
    layer = lstm_variants.StepLSTM(cells.lstm_step, 5, 4).double().load_from(ref)
    x = torch.randn(3, 9, 5, dtype=torch.float64)
    out_ref, (h_ref, c_ref) = ref(x)
    out, (h_T, c_T) = layer(x)
    assert torch.allclose(out, out_ref, atol=1e-10) and torch.allclose(c_T, c_ref[0], atol=1e-10)
    out_ref.sum().backward()
    out.sum().backward()
    assert torch.allclose(layer.W_hh.grad, ref.weight_hh_l0.grad, atol=1e-10)
    tr = layer.trace(x[0])
    assert np.allclose(tr["h"], out[0].detach().numpy()) and np.allclose(tr["c"][-1], c_T[0].detach().numpy())


def test_no_forget_step_is_the_lstm_step_with_the_forget_gate_held_at_one():
    torch.manual_seed(1)
    layer = lstm_variants.StepLSTM(lstm_variants.lstm_step_no_forget, 3, 4).double()
    x = torch.randn(2, 7, 3, dtype=torch.float64)
    saturated = lstm_variants.StepLSTM(cells.lstm_step, 3, 4).double()
    saturated.load_state_dict(layer.state_dict())
    cells.set_forget_bias(saturated, 100.0)         # sigma(100) is 1.0 in float64
    assert torch.equal(layer(x)[0], saturated(x)[0])
    tr = layer.trace(x[0])                           # c_t = c_{t-1} + i_t g_t: the cell sums what is written
    assert np.allclose(tr["c"], np.cumsum(tr["i"] * tr["g"], axis=0))


def test_coupled_step_writes_what_it_forgets_and_stays_inside_minus_one_one():
    torch.manual_seed(2)
    layer = lstm_variants.StepLSTM(lstm_variants.lstm_step_coupled, 3, 4, forget_bias=3.0).double()
    x = 5 * torch.randn(200, 3, dtype=torch.float64)
    tr = layer.trace(x)
    c_prev = np.vstack([np.zeros((1, 4)), tr["c"][:-1]])
    assert np.allclose(tr["c"], tr["f"] * c_prev + (1 - tr["f"]) * tr["g"])
    assert np.abs(tr["c"]).max() < 1


def test_step_lstm_refuses_a_step_that_is_not_a_function():
    with pytest.raises(TypeError, match="step must be a function like cells.lstm_step"):
        lstm_variants.StepLSTM("coupled", 3, 4)
    with pytest.raises(ValueError, match=r"x must be a tensor of shape \(batch, time, 3\)"):
        lstm_variants.StepLSTM(cells.lstm_step, 3, 4)(torch.zeros(2, 5, 7))
