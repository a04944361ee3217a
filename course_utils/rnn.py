"""The vanilla (Elman) RNN: numpy forward + backpropagation through time, and torch layers.

Notation (the notation table of notebooks 05-06)::

    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),   h_0 = 0 unless given
    o_t = W_hy h_t + b_y,   y_hat_t = softmax(o_t),   L = sum_t -log y_hat_t[y_t]

Weights use torch's layout (``W_ih`` is ``(hidden, input)``), so the numpy
reference, the from-scratch torch layer and ``nn.RNN`` share their numbers.

- numpy reference (notebook 06, BPTT by hand): :func:`rnn_forward`,
  :func:`cross_entropy`, :func:`rnn_backward`, :func:`last_step_gradient_norms`.
- torch (notebook 05): :class:`RNNLayer` (equals ``nn.RNN``), :class:`RNNLM`
  (embedding -> RNN -> linear), :func:`train_rnn_lm` (teacher forcing,
  truncated BPTT with :mod:`course_utils.batching`).
"""
import math

import numpy as np
import torch
from torch import nn

from course_utils import batching
from course_utils.checks.arguments import model_ids, positive_int, positive_ints
from course_utils.training import check_training_arguments, record, update

PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")


# ----------------------------------------------------------------- numpy reference

def init_params(input_size: int, hidden_size: int, output_size: int, seed: int = 0,
                scale: float | None = None) -> dict:
    """Random float64 parameters ``{W_ih, W_hh, b_ih, b_hh, W_hy, b_y}``.

    Entries are uniform in ``[-s, s]`` with ``s = 1/sqrt(hidden)`` (as ``nn.RNN``)
    unless ``scale`` is given.
    """
    input_size, hidden_size, output_size = positive_ints(input_size=input_size, hidden_size=hidden_size,
                                                         output_size=output_size)
    rng = np.random.default_rng(seed)
    s = 1 / math.sqrt(hidden_size) if scale is None else scale
    shapes = {"W_ih": (hidden_size, input_size), "W_hh": (hidden_size, hidden_size),
              "b_ih": (hidden_size,), "b_hh": (hidden_size,),
              "W_hy": (output_size, hidden_size), "b_y": (output_size,)}
    return {name: rng.uniform(-s, s, size=shape) for name, shape in shapes.items()}


def _check_params(params: dict) -> tuple[int, int, int]:
    missing = [n for n in PARAM_NAMES if n not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; expected keys {list(PARAM_NAMES)}")
    H, D = np.shape(params["W_ih"])
    V = np.shape(params["W_hy"])[0]
    expected = {"W_hh": (H, H), "b_ih": (H,), "b_hh": (H,), "W_hy": (V, H), "b_y": (V,)}
    for name, shape in expected.items():
        if np.shape(params[name]) != shape:
            raise ValueError(f"params[{name!r}] must have shape {shape} (W_ih is {(H, D)}), "
                             f"got {np.shape(params[name])}")
    return D, H, V


def rnn_forward(params: dict, x, h0=None, outputs: bool = True):
    """Run the RNN over ``x`` of shape ``(batch, time, input)``.

    Returns ``(logits, cache)``: logits ``(batch, time, output)`` (``None`` when
    ``outputs`` is false: only the states are wanted); cache holds ``x`` and
    ``h`` of shape ``(batch, time + 1, hidden)`` with ``h[:, 0] = h_0`` (what
    :func:`rnn_backward` needs).
    """
    D, H, _V = _check_params(params)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3 or x.shape[2] != D:
        raise ValueError(f"x must have shape (batch, time, {D}), got {x.shape}")
    B, T, _ = x.shape
    h = np.zeros((B, T + 1, H))
    if h0 is not None:
        h0 = np.asarray(h0, dtype=np.float64)
        if h0.shape != (B, H):
            raise ValueError(f"h0 must have shape (batch, hidden) = {(B, H)}, got {h0.shape}")
        h[:, 0] = h0
    for t in range(T):
        a_t = x[:, t] @ params["W_ih"].T + params["b_ih"] + h[:, t] @ params["W_hh"].T + params["b_hh"]
        h[:, t + 1] = np.tanh(a_t)
    logits = h[:, 1:] @ params["W_hy"].T + params["b_y"] if outputs else None
    return logits, {"x": x, "h": h}



def stack_weights(W_ih, W_hh) -> np.ndarray:
    """The one matrix ``W = [W_ih  W_hh]``, shape ``(hidden, input + hidden)``, of the stacked form of the step.

    ``tanh(W [x_t; h_{t-1}] + b_ih + b_hh)`` equals ``tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``:
    the first ``input`` columns act on ``x_t``. Reference solution of exercise 1 in notebook 05.
    """
    return np.concatenate([np.asarray(W_ih, dtype=np.float64), np.asarray(W_hh, dtype=np.float64)], axis=1)

def cross_entropy(logits, targets):
    """Summed softmax cross-entropy and its gradient.

    logits ``(batch, time, output)``, targets int ``(batch, time)``. Returns
    ``(loss, dlogits)`` with ``loss = sum_{b,t} -log softmax(o_t)[y_t]`` and
    ``dlogits = softmax(o_t) - onehot(y_t)``.
    """
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if targets.shape != logits.shape[:2]:
        raise ValueError(f"targets must have shape (batch, time) = {logits.shape[:2]}, got {targets.shape}")
    if targets.size and (targets.min() < 0 or targets.max() >= logits.shape[2]):
        raise ValueError(f"targets must be ids in [0, {logits.shape[2]}), got {targets.min()}..{targets.max()}")
    shifted = logits - logits.max(axis=2, keepdims=True)  # for numerical safety
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    b, t = np.meshgrid(np.arange(targets.shape[0]), np.arange(targets.shape[1]), indexing="ij")
    loss = -log_probs[b, t, targets].sum()
    dlogits = np.exp(log_probs)
    dlogits[b, t, targets] -= 1.0
    return float(loss), dlogits


def rnn_backward(params: dict, cache: dict, dlogits):
    """Backpropagation through time: every parameter's gradient, plus ``dL/dh_t``.

    dlogits: ``dL/do_t`` of shape ``(batch, time, output)``. Returns
    ``(grads, dh)``: grads has the keys of ``params`` plus ``"h0"``; dh
    ``(batch, time, hidden)`` is the total gradient into ``h_1 .. h_T`` (from
    the output at t and from ``h_{t+1}``). The reference solution of
    notebook 06's exercise.
    """
    _D, _H, _V = _check_params(params)
    x, h = cache["x"], cache["h"]
    dlogits = np.asarray(dlogits, dtype=np.float64)
    B, T, _ = x.shape
    if dlogits.shape[:2] != (B, T):
        raise ValueError(f"dlogits must have shape (batch, time, output) with (batch, time) = {(B, T)}, "
                         f"got {dlogits.shape}")
    grads = {name: np.zeros_like(params[name], dtype=np.float64) for name in PARAM_NAMES}
    dh = np.zeros((B, T, h.shape[2]))
    dh_next = np.zeros((B, h.shape[2]))  # gradient arriving from h_{t+1}
    for t in reversed(range(T)):
        h_t, h_prev = h[:, t + 1], h[:, t]
        grads["W_hy"] += dlogits[:, t].T @ h_t
        grads["b_y"] += dlogits[:, t].sum(axis=0)
        dh[:, t] = dlogits[:, t] @ params["W_hy"] + dh_next
        da = dh[:, t] * (1.0 - h_t ** 2)  # tanh'(a) = 1 - tanh(a)^2
        grads["W_ih"] += da.T @ x[:, t]
        grads["W_hh"] += da.T @ h_prev
        grads["b_ih"] += da.sum(axis=0)
        grads["b_hh"] += da.sum(axis=0)
        dh_next = da @ params["W_hh"]
    grads["h0"] = dh_next
    return grads, dh


def last_step_gradient_norms(params: dict, x, targets) -> np.ndarray:
    """``||dL_T/dh_t||`` for t = 1..T, where ``L_T`` is the loss at the last step only.

    How much the last prediction's error reaches back to each earlier state
    (notebook 06's widget). x ``(1, time, input)`` or ``(time, input)``;
    targets ``(1, time)`` or ``(time,)``. Returns shape ``(time,)``. The same
    numbers as :func:`rnn_backward` with only the last step's loss, without the
    parameter gradients and the other steps' outputs, which it does not need
    (with a large vocabulary they are most of the work).
    """
    x = np.asarray(x, dtype=np.float64)
    targets = np.asarray(targets)
    if x.ndim == 2:
        x, targets = x[None], targets[None]
    _logits, cache = rnn_forward(params, x, outputs=False)
    h = cache["h"][0]  # (time + 1, hidden), h[0] = h_0
    _loss, dz = cross_entropy(h[None, -1:] @ params["W_hy"].T + params["b_y"], targets[:, -1:])
    g = dz[0, 0] @ params["W_hy"]  # dL_T/dh_T
    norms = np.empty(len(h) - 1)
    for t in range(len(h) - 1, 0, -1):
        norms[t - 1] = np.linalg.norm(g)
        g = (g * (1.0 - h[t] ** 2)) @ params["W_hh"]  # dL_T/dh_(t-1) = W_hh^T diag(1 - h_t^2) dL_T/dh_t
    return norms


def hidden_states(params: dict, x) -> np.ndarray:
    """``h_1 .. h_T`` of one sequence ``x`` ``(time, input)``: shape ``(time, hidden)`` (notebook 05's stepper)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (time, input), got {x.shape}")
    _logits, cache = rnn_forward(params, x[None])
    return cache["h"][0, 1:]


def params_from_torch(rnn: nn.RNN, fc: nn.Linear) -> dict:
    """Copy a one-layer tanh ``nn.RNN`` and its output ``nn.Linear`` into float64 numpy params."""
    def grab(tensor):
        return tensor.detach().cpu().double().numpy().copy()
    return {"W_ih": grab(rnn.weight_ih_l0), "W_hh": grab(rnn.weight_hh_l0),
            "b_ih": grab(rnn.bias_ih_l0), "b_hh": grab(rnn.bias_hh_l0),
            "W_hy": grab(fc.weight), "b_y": grab(fc.bias)}


# ----------------------------------------------------------------- torch layers

class RNNLayer(nn.Module):
    """A tanh RNN written from scratch; with the same weights it equals ``nn.RNN(batch_first=True)``.

    Parameters ``W_ih (hidden, input)``, ``W_hh (hidden, hidden)``,
    ``b_ih``, ``b_hh (hidden,)``. ``forward(x, h0=None)`` takes ``x`` of shape
    ``(batch, time, input)`` and returns ``(outputs (batch, time, hidden),
    h_T (batch, hidden))``. Taught in notebook 05.
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        input_size, hidden_size = positive_ints(input_size=input_size, hidden_size=hidden_size)
        self.input_size, self.hidden_size = input_size, hidden_size
        s = 1 / math.sqrt(hidden_size)
        self.W_ih = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-s, s))
        self.W_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-s, s))
        self.b_ih = nn.Parameter(torch.empty(hidden_size).uniform_(-s, s))
        self.b_hh = nn.Parameter(torch.empty(hidden_size).uniform_(-s, s))

    @torch.no_grad()
    def load_from(self, rnn: nn.RNN) -> "RNNLayer":
        """Copy the weights of a one-layer, unidirectional tanh ``nn.RNN``; returns ``self``."""
        if rnn.num_layers != 1 or rnn.bidirectional or rnn.nonlinearity != "tanh" or not rnn.bias:
            raise ValueError("rnn must be a one-layer, unidirectional tanh nn.RNN with biases")
        if (rnn.input_size, rnn.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(f"rnn has sizes (input, hidden) = {(rnn.input_size, rnn.hidden_size)}, "
                             f"this layer has {(self.input_size, self.hidden_size)}")
        self.W_ih.copy_(rnn.weight_ih_l0)
        self.W_hh.copy_(rnn.weight_hh_l0)
        self.b_ih.copy_(rnn.bias_ih_l0)
        self.b_hh.copy_(rnn.bias_hh_l0)
        return self

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None):
        if x.dim() != 3 or x.shape[2] != self.input_size:
            raise ValueError(f"x must have shape (batch, time, {self.input_size}), got {tuple(x.shape)}")
        h_t = x.new_zeros(x.shape[0], self.hidden_size) if h0 is None else h0
        outputs = []
        for t in range(x.shape[1]):
            h_t = torch.tanh(x[:, t] @ self.W_ih.T + self.b_ih + h_t @ self.W_hh.T + self.b_hh)
            outputs.append(h_t)
        return torch.stack(outputs, dim=1), h_t


class RNNLM(nn.Module):
    """An RNN language model: ``C(w_t)`` -> tanh RNN -> ``W_hy h_t + b_y`` (logits over the vocabulary).

    ``forward(ids (batch, time), h0 (1, batch, hidden) or None)`` returns
    ``(logits (batch, time, vocab), h_T (1, batch, hidden))``. Uses
    ``nn.RNN``; :class:`RNNLayer` is the same computation. Notebooks 05 and 06.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_size: int = 64):
        super().__init__()
        vocab_size, embed_dim, hidden_size = positive_ints(vocab_size=vocab_size, embed_dim=embed_dim,
                                                           hidden_size=hidden_size)
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(embed_dim, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids: torch.Tensor, h0: torch.Tensor | None = None):
        outputs, h_T = self.rnn(self.embed(ids), h0)
        return self.fc(outputs), h_T

    def numpy_params(self) -> dict:
        """The RNN and output weights as float64 numpy params (for :func:`rnn_forward`)."""
        return params_from_torch(self.rnn, self.fc)

    def embed_numpy(self, ids) -> np.ndarray:
        """``C(w)`` for each id, float64, shape ``(len(ids), embed_dim)``: the ``x_t`` of the numpy RNN."""
        return self.embed.weight.detach().cpu().double().numpy()[np.asarray(ids)]


def train_rnn_lm(model: RNNLM, ids, epochs: int = 1, batch_size: int = 32, window: int = 35,
                 lr: float = 3e-3, clip: float | None = 5.0, device=None, progress: bool = True,
                 on_step=None) -> dict:
    """Train with teacher forcing and truncated BPTT over a long id sequence ``ids (N,)``.

    The reference copy of the loop notebook 05 writes out. The input at step t
    is the true word ``w_t``, the target ``w_{t+1}``; the loss is the
    cross-entropy summed over t (averaged over the batch rows). The hidden
    state is carried from one window to the next and detached between windows.
    Adam; ``clip`` (``None``: off) caps the gradient norm; ``on_step(step,
    history)`` is called after every update. Nothing is drawn at random, so
    there is no seed. Returns ``{"nats": [loss per token of every window]}``;
    the model is left in eval mode.
    """
    from tqdm.auto import tqdm

    epochs = positive_int("epochs", epochs)
    check_training_arguments(model, lr, clip)
    ids = model_ids(model, ids)
    device = device or next(model.parameters()).device
    model.to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"nats": []}
    n_windows = batching.num_windows(len(ids), batch_size, window)
    bar = tqdm(total=epochs * n_windows, desc="RNN LM", disable=not progress)
    for _epoch in range(epochs):
        h = None
        for x, y in batching.bptt_windows(ids, batch_size, window, device=device):
            h = batching.detach_state(h)
            logits, h = model(x, h)
            # L = sum over t of -log p(w_{t+1} | w_<=t), averaged over the batch rows
            loss_sum = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                                   reduction="sum")
            loss = loss_sum / x.shape[0]
            update(model, opt, loss, clip)
            record(history, "nats", loss_sum.item() / y.numel(), model, on_step, bar)
    bar.close()
    model.eval()
    return history


@torch.no_grad()
def evaluate_rnn_lm(model: RNNLM, ids, batch_size: int = 16, window: int = 64, device=None) -> dict:
    """Held-out cross-entropy of an RNN LM, carrying the state across windows.

    Returns ``{"tokens", "nats_per_token", "bits_per_token", "perplexity"}``.
    """
    ids = model_ids(model, ids)
    total, count = batching.heldout_nats(model, ids, batch_size, window, device)
    nats = total / count
    return {"tokens": count, "nats_per_token": nats, "bits_per_token": nats / math.log(2),
            "perplexity": math.exp(nats)}
