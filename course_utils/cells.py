"""LSTM and GRU cells written from scratch, in the lectures' notation (notebook 09).

With the same weights they equal ``nn.LSTM`` / ``nn.GRU`` (``batch_first=True``).
Weights use torch's fused layout, one matrix for all gates stacked by rows:

- LSTM: ``W_ih (4H, input)``, ``W_hh (4H, H)``, gate order ``i, f, g, o``
  (``g`` is the candidate ``c~_t``)::

      i_t = sigma(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)      input gate
      f_t = sigma(W_if x_t + b_if + W_hf h_{t-1} + b_hf)      forget gate
      g_t = tanh (W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)      candidate c~_t
      o_t = sigma(W_io x_t + b_io + W_ho h_{t-1} + b_ho)      output gate
      c_t = f_t * c_{t-1} + i_t * g_t                         adds to the state
      h_t = o_t * tanh(c_t)

- GRU: ``W_ih (3H, input)``, ``W_hh (3H, H)``, gate order ``r, z, n``::

      r_t = sigma(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)      reset gate
      z_t = sigma(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)      update gate
      n_t = tanh (W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))  candidate h~_t
      h_t = (1 - z_t) * n_t + z_t * h_{t-1}

  torch's ``z_t`` keeps the *old* state (the lecture's ``u_t`` is ``1 - z_t``)
  and applies the reset gate after the matrix product.

"""
import math

import torch
from torch import nn

from course_utils.checks.arguments import choice, finite_array, finite_number, positive_int

GATES = {"lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
KINDS = ("rnn", "lstm", "gru")


def lstm_gates(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """The LSTM's gates at one step: ``(i, f, g, o)``, each ``(batch, H)``; x_t ``(batch, input)``."""
    gates = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh       # (batch, 4H): all gates in one product
    i, f, g, o = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)


def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step. x_t ``(batch, input)``, h_prev and c_prev ``(batch, H)``; returns ``(h_t, c_t)``."""
    i, f, g, o = lstm_gates(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)
    c_t = f * c_prev + i * g
    h_t = o * torch.tanh(c_t)
    return h_t, c_t


def gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One GRU step. x_t ``(batch, input)``, h_prev ``(batch, H)``; returns ``h_t``."""
    x_r, x_z, x_n = (x_t @ W_ih.T + b_ih).chunk(3, dim=1)
    h_r, h_z, h_n = (h_prev @ W_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h_prev


class _GatedLayer(nn.Module):
    n_gates = 1
    torch_class = None

    def __init__(self, input_size: int, hidden_size: int, forget_bias: float = 0.0):
        super().__init__()
        self.input_size = positive_int("input_size", input_size)
        self.hidden_size = positive_int("hidden_size", hidden_size)
        G, s = self.n_gates * hidden_size, 1 / math.sqrt(hidden_size)
        # torch's default initialisation: uniform in [-1/sqrt(H), 1/sqrt(H)]
        self.W_ih = nn.Parameter(torch.empty(G, input_size).uniform_(-s, s))
        self.W_hh = nn.Parameter(torch.empty(G, hidden_size).uniform_(-s, s))
        self.b_ih = nn.Parameter(torch.empty(G).uniform_(-s, s))
        self.b_hh = nn.Parameter(torch.empty(G).uniform_(-s, s))
        if forget_bias:
            set_forget_bias(self, forget_bias)

    @torch.no_grad()
    def load_from(self, module) -> "_GatedLayer":
        """Copy the weights of a one-layer, unidirectional torch module with biases; returns ``self``."""
        if not isinstance(module, self.torch_class) or module.num_layers != 1 or module.bidirectional \
                or not module.bias or getattr(module, "proj_size", 0):
            raise ValueError(f"module must be a one-layer, unidirectional {self.torch_class.__name__} "
                             f"with biases, got {module!r}")
        if (module.input_size, module.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(f"module has sizes (input, hidden) = {(module.input_size, module.hidden_size)}, "
                             f"this layer has {(self.input_size, self.hidden_size)}")
        for mine, theirs in (("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"),
                             ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0")):
            getattr(self, mine).copy_(getattr(module, theirs))
        return self

    def _check_input(self, x):
        if not torch.is_tensor(x) or x.dim() != 3 or x.shape[2] != self.input_size:
            shape = tuple(x.shape) if torch.is_tensor(x) else type(x).__name__
            raise ValueError(f"x must be a tensor of shape (batch, time, {self.input_size}), got {shape}")
        if x.shape[1] < 1:
            raise ValueError("x must have at least one time step, got time = 0")

    def _check_state(self, name, s, batch):
        if s is not None and tuple(s.shape) != (batch, self.hidden_size):
            raise ValueError(f"{name} must have shape (batch, hidden) = {(batch, self.hidden_size)}, "
                             f"got {tuple(s.shape)}")


class LSTMLayer(_GatedLayer):
    """An LSTM layer from scratch; with the same weights it equals ``nn.LSTM(batch_first=True)``.

    ``forward(x (batch, time, input), state=None or (h0, c0) each (batch, H))``
    returns ``(outputs (batch, time, H), (h_T, c_T))``. ``forget_bias`` adds to
    the forget gate's bias at initialisation (1 to 3 is common: the cell keeps
    its memory until training says otherwise). Notebook 09.
    """
    n_gates = 4
    torch_class = nn.LSTM
    step = staticmethod(lstm_step)  # what ``trace`` runs; ``forward`` fuses the same step for speed

    def _start(self, x, state):
        """The checked input's starting ``(h_0, c_0)``: zeros, or ``state``."""
        self._check_input(x)
        B = x.shape[0]
        h_t, c_t = (x.new_zeros(B, self.hidden_size),) * 2 if state is None else state
        self._check_state("h0", h_t, B)
        self._check_state("c0", c_t, B)
        return h_t, c_t

    def forward(self, x, state=None):
        h_t, c_t = self._start(x, state)
        # W_ih x_t + b_ih + b_hh for every t at once, one fused addmm per step (bench/rnn_cells.py)
        x_proj = torch.nn.functional.linear(x, self.W_ih, self.b_ih + self.b_hh)
        W_hh_T = self.W_hh.T
        outputs = []
        for x_proj_t in x_proj.unbind(1):
            gates = torch.addmm(x_proj_t, h_t, W_hh_T)        # (batch, 4H)
            i, f, g, o = gates.chunk(4, dim=1)
            c_t = torch.sigmoid(f) * c_t + torch.sigmoid(i) * torch.tanh(g)
            h_t = torch.sigmoid(o) * torch.tanh(c_t)
            outputs.append(h_t)
        return torch.stack(outputs, dim=1), (h_t, c_t)

    @torch.no_grad()
    def trace(self, x) -> dict:
        """Gate activations of one sequence x ``(time, input)``: ``{i, f, g, o, c, h}`` each ``(time, H)``."""
        if not torch.is_tensor(x) or x.dim() != 2:
            raise ValueError(f"x must be a tensor of shape (time, input), got {getattr(x, 'shape', x)!r}")
        self._check_input(x[None])
        weights = (self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        h = c = x.new_zeros(1, self.hidden_size)
        steps = []
        for x_t in x.unbind(0):
            i, f, g, o = lstm_gates(x_t[None], h, *weights)
            h, c = self.step(x_t[None], h, c, *weights)
            steps.append({"i": i, "f": f, "g": g, "o": o, "c": c, "h": h})
        return {k: torch.cat([s[k] for s in steps]).cpu().numpy() for k in ("i", "f", "g", "o", "c", "h")}


class GRULayer(_GatedLayer):
    """A GRU layer from scratch; with the same weights it equals ``nn.GRU(batch_first=True)``.

    ``forward(x (batch, time, input), h0=None or (batch, H))`` returns
    ``(outputs (batch, time, H), h_T)``. Notebook 09.
    """
    n_gates = 3
    torch_class = nn.GRU

    def forward(self, x, h0=None):
        self._check_input(x)
        B, H = x.shape[0], self.hidden_size
        h_t = x.new_zeros(B, H) if h0 is None else h0
        self._check_state("h0", h_t, B)
        x_proj = torch.nn.functional.linear(x, self.W_ih, self.b_ih)   # (batch, time, 3H)
        W_hh_T = self.W_hh.T
        outputs = []
        for x_proj_t in x_proj.unbind(1):
            h_proj = torch.addmm(self.b_hh, h_t, W_hh_T)              # (batch, 3H)
            rz = torch.sigmoid(x_proj_t[:, :2 * H] + h_proj[:, :2 * H])
            r, z = rz[:, :H], rz[:, H:]
            n = torch.tanh(x_proj_t[:, 2 * H:] + r * h_proj[:, 2 * H:])
            h_t = n + z * (h_t - n)                                    # = (1 - z) n + z h_{t-1}
            outputs.append(h_t)
        return torch.stack(outputs, dim=1), h_t


@torch.no_grad()
def set_forget_bias(module, value: float):
    """Set the LSTM forget gate's total bias ``b_if + b_hf`` to ``value`` (returns ``module``).

    Works on :class:`LSTMLayer` and on a one-layer ``nn.LSTM``. A large
    value makes ``f_t`` start near 1 (sigma(1) = 0.73, sigma(3) = 0.95), so
    the cell state and its gradient survive many steps from the first update.
    """
    value = finite_number("value", value)
    if isinstance(module, LSTMLayer):
        b_ih, b_hh, H = module.b_ih, module.b_hh, module.hidden_size
    elif isinstance(module, nn.LSTM):
        b_ih, b_hh, H = module.bias_ih_l0, module.bias_hh_l0, module.hidden_size
    else:
        raise ValueError(f"module must be an LSTMLayer or nn.LSTM, got {type(module).__name__}")
    b_ih[H:2 * H] = value
    b_hh[H:2 * H] = 0.0
    return module


def make_layer(kind: str, input_size: int, hidden_size: int, forget_bias: float = 0.0) -> nn.Module:
    """A from-scratch layer: ``kind`` is ``"rnn"``, ``"lstm"`` or ``"gru"``."""
    choice("kind", kind, KINDS)
    if kind == "lstm":
        return LSTMLayer(input_size, hidden_size, forget_bias=forget_bias)
    if kind == "gru":
        return GRULayer(input_size, hidden_size)
    from course_utils.rnn import RNNLayer
    return RNNLayer(input_size, hidden_size)


def state_jacobian_norms(kind: str, layer: nn.Module, x, gates_see_state: bool = True) -> dict:
    """How much the last state depends on each earlier one: spectral norms of ``dh_T/dh_k``.

    kind ``"rnn"``, ``"lstm"`` or ``"gru"``; layer a from-scratch layer of that
    kind (weights used as they are); x ``(time, input)`` one sequence.
    Returns ``{"h": array (time,)}`` with entry ``k - 1`` = ``||dh_T/dh_k||_2``
    for k = 1..T, and for the LSTM also ``"c"``: ``||dc_T/dc_k||_2`` (the path
    through the cell state). Each is a derivative with respect to the tensor
    ``h_k`` (or ``c_k``): for the LSTM, ``dh_T/dh_k`` keeps ``c_k`` fixed, while
    ``dc_T/dc_k`` includes the paths from ``c_k`` through ``h_k = o_k tanh(c_k)``.
    ``gates_see_state=False`` (LSTM only) detaches ``h_{t-1}`` where the gates
    read it, leaving the direct path ``c_{t-1} -> f_t c_{t-1}``: then
    ``dc_T/dc_k = prod diag(f_t)``. Notebook 09.
    """
    choice("kind", kind, KINDS)
    if not gates_see_state and kind != "lstm":
        raise ValueError(f"gates_see_state=False applies to the LSTM only, got kind {kind!r}")
    W_hh = getattr(layer, "W_hh", None)
    if not torch.is_tensor(W_hh) or W_hh.shape[0] != {"rnn": 1, "lstm": 4, "gru": 3}[kind] * layer.hidden_size:
        raise ValueError(f"layer must be a from-scratch {kind} layer (make_layer({kind!r}, ...)), "
                         f"got {type(layer).__name__}")
    if not torch.is_tensor(x) or x.dim() != 2 or x.shape[1] != layer.input_size:
        raise ValueError(f"x must be a tensor of shape (time, {layer.input_size}), "
                         f"got {tuple(x.shape) if torch.is_tensor(x) else type(x).__name__}")
    weights = (layer.W_ih, layer.W_hh, layer.b_ih, layer.b_hh)
    h = c = x.new_zeros(1, layer.hidden_size)
    hs, cs = [], []
    for x_t in x.unbind(0):
        x_t = x_t[None]
        if kind == "lstm":
            h, c = lstm_step(x_t, h if gates_see_state else h.detach(), c, *weights)
            cs.append(c)
        elif kind == "gru":
            h = gru_step(x_t, h, *weights)
        else:
            h = torch.tanh(x_t @ layer.W_ih.T + layer.b_ih + h @ layer.W_hh.T + layer.b_hh)
        hs.append(h)
    result = {"h": _jacobian_norms(hs)}
    if kind == "lstm":
        result["c"] = _jacobian_norms(cs)
    return result


def _jacobian_norms(states):
    import numpy as np

    last = states[-1][0]
    rows = [torch.autograd.grad(last[j], states, retain_graph=True, allow_unused=True)
            for j in range(last.shape[0])]
    norms = []
    for k in range(len(states)):
        J = torch.stack([torch.zeros_like(states[k][0]) if r[k] is None else r[k][0] for r in rows])
        norms.append(torch.linalg.matrix_norm(J, ord=2).item())
    return np.array(norms)


def cell_state_with_fixed_gates(f: float, i: float, o: float, g) -> dict:
    """Run ``c_t = f c_{t-1} + i g_t``, ``h_t = o tanh(c_t)`` with constant gates (the gate widget, notebook 09).

    f, i, o: gate values in [0, 1]; g: the candidates ``g_t`` for t = 1..T.
    Returns ``{"c": (T,), "h": (T,)}`` numpy arrays, starting from ``c_0 = 0``.
    """
    import numpy as np

    for name, value in {"f": f, "i": i, "o": o}.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"{name} must be a gate value in [0, 1], got {value!r}")
    g = finite_array("g", g, ndim=1)
    if len(g) < 1:
        raise ValueError(f"g must be a non-empty 1-D sequence of candidates, got shape {g.shape}")
    c, cs = 0.0, []
    for g_t in g:
        c = f * c + i * g_t
        cs.append(c)
    cs = np.array(cs)
    return {"c": cs, "h": o * np.tanh(cs)}
