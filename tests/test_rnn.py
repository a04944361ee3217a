"""The numpy RNN and its BPTT, checked against finite differences and torch autograd (notebooks 05, 06)."""
import numpy as np
import pytest
import torch

from course_utils import gradients, rnn
from course_utils.checks import rnn as ex_rnn

SHAPES = [(1, 1, 1, 1, 2), (2, 4, 3, 5, 4), (3, 7, 2, 3, 6)]  # batch, time, input, hidden, output


def _loss_and_grads(params, x, targets, h0):
    """Forward, summed cross-entropy and BPTT: ``(loss, grads)``."""
    logits, cache = rnn.rnn_forward(params, x, h0)
    loss, dlogits = rnn.cross_entropy(logits, targets)
    grads, _dh = rnn.rnn_backward(params, cache, dlogits)
    return loss, grads


def _case(seed, B, T, D, H, V):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(D, H, V, seed=seed, scale=0.9)
    x = rng.normal(size=(B, T, D))
    targets = rng.integers(0, V, size=(B, T))
    h0 = rng.normal(size=(B, H)) * 0.5
    return params, x, targets, h0


def _normwise(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


@pytest.mark.parametrize("shape", SHAPES + [(2, 16, 4, 6, 5)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bptt_matches_centred_finite_differences(shape, seed):
    """Whole-array relative error < 1e-6 (measured ~3e-9); entrywise < 1e-4 (tiny entries meet
    float64 rounding in the difference quotient, ~1e-10 absolute; measured worst ~4e-6)."""
    params, x, targets, h0 = _case(seed, *shape)
    loss_fn = lambda: _loss_and_grads(params, x, targets, h0)[0]  # noqa: E731
    _loss, grads = _loss_and_grads(params, x, targets, h0)
    for name in params:
        numeric = gradients.numerical_gradient(lambda _p: loss_fn(), params[name], eps=1e-5)
        assert gradients.relative_error(grads[name], numeric) < 1e-4, name
        assert _normwise(grads[name], numeric) < 1e-6, name
    h0_numeric = gradients.numerical_gradient(lambda h: _loss_and_grads(params, x, targets, h)[0], h0, eps=1e-5)
    assert _normwise(grads["h0"], h0_numeric) < 1e-6


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 3])
def test_bptt_matches_torch_autograd_in_float64(shape, seed):
    params, x, targets, h0 = _case(seed, *shape)
    _loss, grads = _loss_and_grads(params, x, targets, h0)
    tp = {n: torch.tensor(v, requires_grad=True) for n, v in params.items()}
    h = torch.tensor(h0)
    loss = 0.0
    for t in range(x.shape[1]):
        h = torch.tanh(torch.tensor(x[:, t]) @ tp["W_ih"].T + tp["b_ih"] + h @ tp["W_hh"].T + tp["b_hh"])
        logits = h @ tp["W_hy"].T + tp["b_y"]
        loss = loss + torch.nn.functional.cross_entropy(logits, torch.tensor(targets[:, t]), reduction="sum")
    loss.backward()
    for name in rnn.PARAM_NAMES:
        assert gradients.relative_error(grads[name], tp[name].grad.numpy()) < 1e-6, name


def test_forward_equals_nn_rnn_and_from_scratch_layer():
    torch.manual_seed(0)
    ref = torch.nn.RNN(3, 5, batch_first=True).double()
    fc = torch.nn.Linear(5, 4).double()
    layer = rnn.RNNLayer(3, 5).double().load_from(ref)
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    h0 = torch.randn(1, 2, 5, dtype=torch.float64)
    out_ref, hT_ref = ref(x, h0)
    out, hT = layer(x, h0[0])
    assert (out - out_ref).abs().max() < 1e-12 and (hT - hT_ref[0]).abs().max() < 1e-12
    logits, cache = rnn.rnn_forward(rnn.params_from_torch(ref, fc), x.numpy(), h0[0].numpy())
    assert np.abs(cache["h"][:, 1:] - out_ref.detach().numpy()).max() < 1e-12
    assert np.abs(logits - fc(out_ref).detach().numpy()).max() < 1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_from_scratch_layer_matches_nn_rnn_in_float32(seed):
    torch.manual_seed(seed)
    ref = torch.nn.RNN(8, 16, batch_first=True)
    layer = rnn.RNNLayer(8, 16).load_from(ref)
    x = torch.randn(4, 30, 8)
    assert (layer(x)[0] - ref(x)[0]).abs().max() < 1e-6


def test_order_matters():
    params = rnn.init_params(2, 4, 3, seed=0)
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    h_ab = rnn.hidden_states(params, np.stack([a, b]))[-1]
    h_ba = rnn.hidden_states(params, np.stack([b, a]))[-1]
    assert np.abs(h_ab - h_ba).max() > 1e-3


def test_last_step_gradient_norms_only_follow_the_last_loss():
    params, x, targets, _h0 = _case(0, 1, 6, 3, 4, 5)
    norms = rnn.last_step_gradient_norms(params, x, targets)
    assert norms.shape == (6,) and np.all(norms > 0)
    logits, cache = rnn.rnn_forward(params, x)
    _l, dlogits = rnn.cross_entropy(logits, targets)
    # dL_T/dh_T comes from the output only
    assert norms[-1] == pytest.approx(np.linalg.norm(dlogits[0, -1] @ params["W_hy"]))
    # the full backward pass with every other step's loss switched off gives the same norms
    dlogits[:, :-1] = 0.0
    _grads, dh = rnn.rnn_backward(params, cache, dlogits)
    np.testing.assert_allclose(norms, np.linalg.norm(dh[0], axis=1), rtol=1e-12)


def test_rnn_lm_trains_on_a_repeating_pattern():
    torch.manual_seed(0)
    ids = np.tile([1, 2, 3, 4, 2, 1, 4, 3], 100)
    model = rnn.RNNLM(5, embed_dim=8, hidden_size=16)
    before = rnn.evaluate_rnn_lm(model, ids, batch_size=4, window=10)["perplexity"]
    rnn.train_rnn_lm(model, ids, epochs=4, batch_size=4, window=20, lr=2e-2, progress=False)
    after = rnn.evaluate_rnn_lm(model, ids, batch_size=4, window=10)["perplexity"]
    assert before > 3 and after < 1.5  # the pattern is deterministic given two previous ids


@pytest.mark.parametrize("call, match", [
    (lambda: rnn.init_params(0, 2, 2), "input_size must be an int >= 1"),
    (lambda: rnn.rnn_forward(rnn.init_params(2, 3, 4), np.zeros((1, 5, 3))), r"x must have shape \(batch, time, 2\)"),
    (lambda: rnn.rnn_forward({"W_ih": np.zeros((2, 2))}, np.zeros((1, 1, 2))), "params is missing"),
    (lambda: rnn.rnn_forward({**rnn.init_params(2, 3, 4), "W_hh": np.zeros((2, 2))}, np.zeros((1, 1, 2))),
     r"params\['W_hh'\] must have shape"),
    (lambda: rnn.cross_entropy(np.zeros((1, 2, 3)), np.zeros((1, 3), dtype=int)), "targets must have shape"),
    (lambda: rnn.cross_entropy(np.zeros((1, 2, 3)), np.full((1, 2), 3)), "targets must be ids"),
    (lambda: rnn.RNNLayer(0, 3), "input_size must be an int >= 1"),
    (lambda: rnn.RNNLayer(2, 3)(torch.zeros(1, 4, 5)), r"x must have shape \(batch, time, 2\)"),
    (lambda: rnn.RNNLayer(2, 3).load_from(torch.nn.RNN(2, 3, nonlinearity="relu")), "tanh"),
    (lambda: rnn.RNNLM(0), "vocab_size must be"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ----------------------------------------------------------------- checkers

def test_check_stack_weights(capsys):
    assert ex_rnn.check_stack_weights(rnn.stack_weights) is True
    assert "same step" in capsys.readouterr().out
    assert ex_rnn.check_stack_weights(lambda Wi, Wh: np.concatenate([Wh, Wi], axis=1)) is False
    assert "order [W_hh  W_ih]" in capsys.readouterr().out
    assert ex_rnn.check_stack_weights(lambda Wi, Wh: np.concatenate([Wi, Wh], axis=1).T) is False
    assert "one row per hidden unit" in capsys.readouterr().out
    assert ex_rnn.check_stack_weights(lambda Wi, Wh: np.concatenate([Wi, -Wh], axis=1)) is False
    assert "Column j of W" in capsys.readouterr().out

    def stub(*args):
        raise NotImplementedError
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        ex_rnn.check_stack_weights(stub)


def test_stack_weights_gives_the_same_step():
    rng = np.random.default_rng(0)
    W_ih, W_hh, x, h, b = (rng.normal(size=(4, 3)), rng.normal(size=(4, 4)), rng.normal(size=(2, 3)),
                           rng.normal(size=(2, 4)), rng.normal(size=4))
    stacked = np.tanh(np.concatenate([x, h], axis=1) @ rnn.stack_weights(W_ih, W_hh).T + b)
    assert np.allclose(stacked, np.tanh(x @ W_ih.T + h @ W_hh.T + b))


def test_check_teacher_forcing_pairs(capsys):
    assert ex_rnn.check_teacher_forcing_pairs(lambda ids: (ids[:-1], ids[1:])) is True
    assert ex_rnn.check_teacher_forcing_pairs(lambda ids: (ids[1:], ids[:-1])) is False
    assert "swapped" in capsys.readouterr().out
    assert ex_rnn.check_teacher_forcing_pairs(lambda ids: (ids, ids)) is False
    assert "copy" in capsys.readouterr().out


def test_check_rnn_backward(capsys):
    assert ex_rnn.check_rnn_backward(rnn.rnn_backward) is True
    assert "BPTT is right" in capsys.readouterr().out
    no_recurrence = lambda p, c, d: ex_rnn._backward_variant(p, c, d, recurrent=False)  # noqa: E731
    assert ex_rnn.check_rnn_backward(no_recurrence) is False
    assert "from h_{t+1} is missing" in capsys.readouterr().out
    no_tanh = lambda p, c, d: ex_rnn._backward_variant(p, c, d, tanh_grad=False)  # noqa: E731
    assert ex_rnn.check_rnn_backward(no_tanh) is False
    assert "tanh derivative" in capsys.readouterr().out

    def negated(p, c, d):
        grads, _ = rnn.rnn_backward(p, c, d)
        return {**grads, "W_hh": -grads["W_hh"]}
    assert ex_rnn.check_rnn_backward(negated) is False
    assert "wrong sign" in capsys.readouterr().out

    def stub(p, c, d):
        raise NotImplementedError
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        ex_rnn.check_rnn_backward(stub)


def test_check_softmax_grad(capsys):
    assert ex_rnn.check_softmax_grad(lambda o, y: rnn.cross_entropy(o, y)[1]) is True
    assert ex_rnn.check_softmax_grad(lambda o, y: -rnn.cross_entropy(o, y)[1]) is False
    assert "sign" in capsys.readouterr().out

    def softmax_only(o, y):
        e = np.exp(o - o.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)
    assert ex_rnn.check_softmax_grad(softmax_only) is False
    assert "subtract 1" in capsys.readouterr().out
