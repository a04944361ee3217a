"""What the libraries do: an LSTM layer with a hand-written backward pass (notebook 09, optional section).

:class:`FastLSTMLayer` computes exactly what :class:`course_utils.cells.LSTMLayer`
computes, with the tricks that cuDNN and oneDNN (behind ``nn.LSTM``) use:

- **Fused gates.** One matrix product per step gives all four gates; the input
  part ``W_ih x_t + b_ih + b_hh`` is one product for all steps, before the loop.
- **Hand-written backpropagation through time.** Autograd records about a dozen
  nodes per step and, going back, multiplies by ``W_hh`` *and* adds a piece of
  ``dL/dW_hh`` at every step. :class:`LSTMRecurrence` keeps the gates of the
  forward pass, walks back over time computing only ``dL/d(gates)_t`` (one
  product per step, for ``dL/dh_{t-1}``), and then gets ``dL/dW_hh``,
  ``dL/dW_ih`` and the biases' gradients with ONE product (or sum) each over
  all steps, e.g. ``dL/dW_hh = sum_t dgates_t^T h_{t-1}``.
- **A tuned matrix product.** On a CPU every product goes through oneDNN, the
  library behind ``nn.LSTM`` on CPUs, with ``W_hh`` reordered once per pass
  into its blocked layout. At batch 32 and hidden 256 the products are most of
  the time, so their kernel decides the speed: with torch's default kernel the
  hand-written backward alone is about as fast as autograd's
  (``bench/rnn_cells.py`` times both; :func:`default_kernels` switches oneDNN off).

The oneDNN calls are torch's internal ops (the ones ``torch.compile`` emits);
where torch lacks them, or off the CPU, or in float64, :func:`linear` is plain
``torch.nn.functional.linear`` and the results are the same.
"""
import contextlib

import torch

from course_utils.cells import LSTMLayer


def _onednn_works() -> bool:
    try:
        a, W = torch.ones(2, 3), torch.ones(4, 3)
        W_packed = torch.ops.mkldnn._reorder_linear_weight(W, 2)
        return bool((torch.ops.mkldnn._linear_pointwise(a, W_packed, None, "none", [], "") == 3).all())
    except (AttributeError, RuntimeError, NotImplementedError):
        return False


ONEDNN = torch.backends.mkldnn.is_available() and _onednn_works()


@contextlib.contextmanager
def default_kernels():
    """Inside ``with default_kernels():`` (forward and backward) the products use torch's default kernel."""
    global ONEDNN
    saved, ONEDNN = ONEDNN, False
    try:
        yield
    finally:
        ONEDNN = saved


def _onednn(t) -> bool:
    return ONEDNN and t.device.type == "cpu" and t.dtype == torch.float32


def packed(W, rows: int):
    """``W (n, k)`` in oneDNN's blocked layout for products with ``rows`` rows (W itself without oneDNN)."""
    return torch.ops.mkldnn._reorder_linear_weight(W, rows) if _onednn(W) else W


def linear(a, W, b=None):
    """``a @ W.T (+ b)`` for a ``(m, k)`` and W ``(n, k)`` or ``packed(W, m)``, with oneDNN's kernel if it can."""
    if _onednn(a):
        return torch.ops.mkldnn._linear_pointwise(a, W, b, "none", [], "")
    return torch.nn.functional.linear(a, W, b)


def lstm_recurrence_forward(x, h0, c0, W_ih, W_hh, b):
    """The LSTM's forward pass, time first.

    x ``(time, batch, input)``; h0, c0 ``(batch, H)``; W_ih ``(4H, input)``,
    W_hh ``(4H, H)``, b ``(4H,)`` = ``b_ih + b_hh``. Returns ``gates (time, batch, 4H)``
    (the activations ``i, f, g, o``), ``h (time + 1, batch, H)``, ``c (time + 1, batch, H)``
    (each starting with the initial state) and ``tanh_c (time, batch, H)``.
    """
    T, B, _ = x.shape
    H = W_hh.shape[1]
    gates = linear(x.reshape(T * B, -1), W_ih, b).view(T, B, 4 * H)    # W_ih x_t + b, all steps at once
    h, c, tanh_c = x.new_empty(T + 1, B, H), x.new_empty(T + 1, B, H), x.new_empty(T, B, H)
    h[0], c[0] = h0, c0
    W = packed(W_hh, B)
    for a, h_prev, c_prev, h_t, c_t, tanh_c_t in zip(gates, h[:-1], c[:-1], h[1:], c[1:], tanh_c):
        a += linear(h_prev, W)                          # all four gates' inputs: one product per step
        a[:, :2 * H].sigmoid_()                         # i, f
        a[:, 2 * H:3 * H].tanh_()                       # g
        a[:, 3 * H:].sigmoid_()                         # o
        i, f, g, o = a.chunk(4, dim=1)
        torch.addcmul(f * c_prev, i, g, out=c_t)        # c_t = f_t c_{t-1} + i_t g_t
        torch.tanh(c_t, out=tanh_c_t)
        torch.mul(o, tanh_c_t, out=h_t)                 # h_t = o_t tanh(c_t)
    return gates, h, c, tanh_c


def lstm_recurrence_backward(dh_out, dc_T, x, gates, h, c, tanh_c, W_ih, W_hh, need_dx=True):
    """Backpropagation through time for :func:`lstm_recurrence_forward`, by hand.

    dh_out ``(time, batch, H)``: dL/dh_t from the outputs; dc_T ``(batch, H)``:
    from the final cell state. Returns ``dx``, ``dh0``, ``dc0``, ``dW_ih``,
    ``dW_hh``, ``db`` (shapes as their variables); ``dx`` is None unless ``need_dx``.
    """
    T, B, G = gates.shape
    H = G // 4
    dgates = torch.empty_like(gates)
    W_T = packed(W_hh.T.contiguous(), B)                # (H, 4H): d W_hh = d @ W_T.T
    dh, dc = torch.zeros_like(h[0]), dc_T.clone()
    steps = list(zip(dgates, gates, c[:-1], tanh_c, dh_out))
    for d, a, c_prev, tanh_c_t, dh_out_t in reversed(steps):
        i, f, g, o = a.chunk(4, dim=1)
        dh += dh_out_t                                  # dL/dh_t: from the output and from step t+1
        dc.addcmul_(dh, o * (1 - tanh_c_t * tanh_c_t))  # dL/dc_t, as h_t = o_t tanh(c_t)
        torch.mul(dc, g, out=d[:, :H])                  # dL/di_t
        torch.mul(dc, c_prev, out=d[:, H:2 * H])        # dL/df_t
        torch.mul(dc, i, out=d[:, 2 * H:3 * H])         # dL/dg_t
        torch.mul(dh, tanh_c_t, out=d[:, 3 * H:])       # dL/do_t
        slope = a - a * a                               # sigma' = s (1 - s) ...
        slope[:, 2 * H:3 * H] = 1 - g * g               # ... and tanh' = 1 - g^2
        d *= slope                                      # dL/d(gates before sigma and tanh)_t
        dc = dc * f                                     # dL/dc_{t-1}
        dh = linear(d, W_T)                             # dL/dh_{t-1} = d_t W_hh: one product per step
    # the weights' gradients: ONE product over all steps, sum_t d_t^T [h_{t-1}, x_t], and one sum
    d2 = dgates.view(T * B, G)
    dW = linear(d2.T, torch.cat([h[:-1], x], dim=2).view(T * B, -1).T)
    dx = linear(d2, W_ih.T).view(x.shape) if need_dx else None
    return dx, dh, dc, dW[:, H:], dW[:, :H], d2.sum(0)


class LSTMRecurrence(torch.autograd.Function):
    """A whole LSTM layer as one autograd node: forward keeps the gates, backward is BPTT by hand.

    ``apply(x (time, batch, input), h0, c0 (batch, H), W_ih, W_hh, b)`` returns
    ``(h (time, batch, H), c_T (batch, H))``. First derivatives only.
    """

    @staticmethod
    def forward(ctx, x, h0, c0, W_ih, W_hh, b):
        gates, h, c, tanh_c = lstm_recurrence_forward(x, h0, c0, W_ih, W_hh, b)
        ctx.save_for_backward(x, gates, h, c, tanh_c, W_ih, W_hh)
        return h[1:], c[-1].clone()

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dh_out, dc_T):
        x, gates, h, c, tanh_c, W_ih, W_hh = ctx.saved_tensors
        # (autograd passes zeros for an output the loss does not use)
        dx, dh0, dc0, dW_ih, dW_hh, db = lstm_recurrence_backward(
            dh_out, dc_T, x, gates, h, c, tanh_c, W_ih, W_hh, need_dx=ctx.needs_input_grad[0])
        return dx, dh0, dc0, dW_ih, dW_hh, db


class FastLSTMLayer(LSTMLayer):
    """:class:`~course_utils.cells.LSTMLayer` with the libraries' speed tricks; same weights, same results.

    ``forward(x (batch, time, input), state=None or (h0, c0) each (batch, H))``
    returns ``(outputs (batch, time, H), (h_T, c_T))``, like ``LSTMLayer`` and
    ``nn.LSTM(batch_first=True)``; ``load_from`` and ``trace`` are inherited.
    First derivatives only (no double backward). Notebook 09, optional section.
    """

    def forward(self, x, state=None):
        h0, c0 = self._start(x, state)
        x_tm = x.transpose(0, 1).contiguous()              # time first: each step's slice is contiguous
        h, c_T = LSTMRecurrence.apply(x_tm, h0, c0, self.W_ih, self.W_hh, self.b_ih + self.b_hh)
        return h.transpose(0, 1), (h[-1], c_T)
