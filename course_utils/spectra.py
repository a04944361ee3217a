"""Why gradients vanish or explode in a recurrent network: Jacobian products and spectra.

Taught in notebook 07 (the one-unit RNN's error surface in notebook 08). For ``h_t = rho(a_t)`` with ``a_t = W_hh h_{t-1} + x_t``
one step back in time multiplies by the Jacobian
``dh_t/dh_{t-1} = diag(rho'(a_t)) W_hh``, so

    dh_T/dh_k = J_T J_{T-1} ... J_{k+1}.

Its size over ``T - k`` steps is decided by the eigenvalues of ``W_hh`` in the
long run (``W^t = V diag(lambda)^t V^-1``) and bounded by the largest singular
value step by step (``||dh_T/dh_k|| <= (gamma sigma_1)^(T-k)``, with
``gamma = max |rho'|``: 1 for tanh, 1/4 for sigmoid).

Everything here is pure NumPy in float64 and returns numbers; drawing and
widgets live in ``plots`` and ``widgets``. Products are tracked on a log10
scale, so the widget's extreme settings neither overflow nor print NaN.
"""
import math
from functools import lru_cache

import numpy as np

from course_utils.checks.arguments import choice, finite_array, finite_number, MAX_BYTES, positive_int

NONLINEARITIES = ("linear", "tanh", "sigmoid", "relu")
MATRIX_KINDS = ("gaussian", "orthogonal", "nonnormal")
# gamma = max over a of |rho'(a)|: the factor in Pascanu et al.'s condition sigma_1 < 1 / gamma.
GAMMA = {"linear": 1.0, "tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}
# log10 of the largest float64: a norm above this would print as inf if computed naively.
LOG10_FLOAT_MAX = float(np.log10(np.finfo(np.float64).max))
LOG10_FLOAT32_MAX = float(np.log10(np.finfo(np.float32).max))  # torch trains in float32: inf past 3.4e38
_STATE_CAP = 1e150  # forward states of linear/ReLU nets are capped here (see jacobian_norms)


# The widest setting gradient_flow / jacobian_norms accept. They keep T + 1 products of n x n
# float64 matrices (8 (T + 1) n^2 bytes) and do about T n^3 multiply-adds (measured: ~1.5 ns each
# on one core), so T = 5000, n = 256 would need 2.4 GiB and ~90 s; n = 2048 would need 156 GiB.
MAX_WORK = 4e10   # T n^3: about a minute on one core
MAX_N = 2048      # make_W_hh: an eigen-decomposition of 2048 x 2048 takes ~15 s


def _square(name, M) -> np.ndarray:
    """``M`` as a float64 ``(n, n)`` array with finite entries, or a ValueError naming it."""
    M = finite_array(name, M, ndim=2, what="(n, n)")
    if M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix (n, n), got shape {M.shape}")
    return M


def _check_size(T: int, n: int) -> None:
    gib = 8 * (T + 1) * n ** 2 / 2 ** 30
    if gib > MAX_BYTES / 2 ** 30 or T * n ** 3 > MAX_WORK:
        raise ValueError(f"T = {T} steps with n = {n} hidden units is too big: the Jacobian products need "
                         f"8 (T + 1) n^2 bytes = {gib:.3g} GiB and about T n^3 = {T * n ** 3:.2g} multiply-adds; "
                         f"the limits are {MAX_BYTES / 2 ** 30:g} GiB and {MAX_WORK:.0e} multiply-adds (about a minute). "
                         f"Lower T or n (the notebook uses n = 64, T <= 200)")


# ---------------------------------------------------------------- nonlinearities
def rho(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    """The nonlinearity ``rho`` applied elementwise (notebook 07)."""
    if nonlinearity == "linear":
        return a.copy()
    if nonlinearity == "tanh":
        return np.tanh(a)
    if nonlinearity == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * a))  # = 1 / (1 + e^-a), without overflow warnings
    if nonlinearity == "relu":
        return np.maximum(a, 0.0)
    raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")


def rho_prime(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    """The derivative ``rho'(a)`` elementwise; never larger than ``GAMMA[nonlinearity]``."""
    if nonlinearity == "linear":
        return np.ones_like(a)
    if nonlinearity == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if nonlinearity == "sigmoid":
        s = 0.5 * (1.0 + np.tanh(0.5 * a))
        return s * (1.0 - s)
    if nonlinearity == "relu":
        return (a > 0).astype(np.float64)
    raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")


def step_jacobian(W_hh: np.ndarray, a_t: np.ndarray, nonlinearity: str) -> np.ndarray:
    """``dh_t/dh_{t-1} = diag(rho'(a_t)) W_hh``, shape ``(hidden, hidden)``.

    Row i holds the derivatives of ``h_t[i]``. A gradient written as a row vector is
    multiplied by this matrix on the right (``backprop_step``); written as a column, by
    its transpose ``W_hh^T diag(rho'(a_t))`` on the left, and over many steps the
    transposes come in the reverse order. The two products are transposes of each
    other, so their 2-norms agree (notebook 07, section 1).
    """
    a_t = np.asarray(a_t, dtype=np.float64)
    return rho_prime(a_t, nonlinearity)[:, None] * np.asarray(W_hh, dtype=np.float64)



def backprop_step(g_t: np.ndarray, W_hh: np.ndarray, a_t: np.ndarray, nonlinearity: str) -> np.ndarray:
    """One step of backpropagation: ``dL/dh_{t-1} = dL/dh_t diag(rho'(a_t)) W_hh``, without building the matrix.

    g_t: the gradient ``dL/dh_t`` as a row vector ``(hidden,)`` (or rows ``(batch, hidden)``);
    returns ``dL/dh_{t-1}`` of the same shape. Reference solution of exercise 1 in notebook 07.
    """
    a_t = np.asarray(a_t, dtype=np.float64)
    return (np.asarray(g_t, dtype=np.float64) * rho_prime(a_t, nonlinearity)) @ np.asarray(W_hh, dtype=np.float64)

# ---------------------------------------------------------------- spectra
def spectral_radius(W_hh: np.ndarray) -> float:
    """``max |lambda_i|`` over the (complex) eigenvalues of ``W_hh``.

    Decides the long-run growth of ``||W^t||`` (Gelfand: ``||W^t||^(1/t) -> radius``).
    Reference solution of exercise 2 in notebook 07.
    """
    return float(np.max(np.abs(np.linalg.eigvals(_square("W_hh", W_hh)))))


def largest_singular_value(W_hh: np.ndarray) -> float:
    """``sigma_1 = ||W_hh||_2``: the most one multiplication can stretch a vector."""
    return float(np.linalg.norm(_square("W_hh", W_hh), ord=2))


def vanishing_is_guaranteed(W_hh: np.ndarray, nonlinearity: str) -> bool:
    """Pascanu et al. (2013)'s sufficient condition ``sigma_1 < 1 / gamma`` (gamma = max |rho'|)."""
    choice("nonlinearity", nonlinearity, NONLINEARITIES)
    return largest_singular_value(W_hh) * GAMMA[nonlinearity] < 1.0


def matrix_power_norms(W: np.ndarray, t_max: int) -> np.ndarray:
    """``||W^t||_2`` for ``t = 0 .. t_max``, shape ``(t_max + 1,)`` (float64; may reach inf)."""
    W = _square("W", W)
    # a step is a product and a 2-norm (~10 n^3 multiply-adds, and ~10 microseconds of Python)
    most = int(min(10 ** 6, MAX_WORK / 10 / W.shape[0] ** 3))
    t_max = positive_int("t_max", t_max, minimum=0, maximum=max(1000, most),
                         hint="one matrix product and 2-norm a step")
    norms, P = np.empty(t_max + 1), np.eye(W.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(t_max + 1):
            norms[t] = np.linalg.norm(P, ord=2) if np.all(np.isfinite(P)) else np.inf
            P = P @ W
    return norms


# ---------------------------------------------------------------- matrices of a given kind
@lru_cache(maxsize=32)
def _unit_radius_matrix(kind: str, n: int, seed: int) -> tuple:
    """A matrix of the given kind with spectral radius exactly 1, and its eigenvalues (cached)."""
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        M = rng.normal(size=(n, n)) / np.sqrt(n)
    elif kind == "orthogonal":
        Q, R = np.linalg.qr(rng.normal(size=(n, n)))
        M = Q * np.sign(np.diag(R))  # sign fix: uniformly distributed orthogonal matrix
    else:  # nonnormal: Q (D + N) Q^T with D real diagonal and N strictly upper triangular
        d = rng.uniform(-1.0, 1.0, size=n)
        d /= np.max(np.abs(d))
        N = np.triu(rng.normal(size=(n, n)), k=1) * (2.0 / np.sqrt(n))
        Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
        M = Q @ (np.diag(d) + N) @ Q.T
        eig = np.sort_complex(d.astype(np.complex128))  # exact: eigenvalues of a triangular matrix
        return M, eig
    eig = np.linalg.eigvals(M)
    M = M / np.max(np.abs(eig))
    return M, eig / np.max(np.abs(eig))


def make_W_hh(kind: str, n: int, spectral_radius: float, seed: int = 0) -> np.ndarray:
    """A recurrent matrix ``(n, n)`` of the given kind whose spectral radius is ``spectral_radius``.

    kind: ``"gaussian"`` (i.i.d. normal entries, eigenvalues fill a disc),
    ``"orthogonal"`` (all eigenvalues on the circle of that radius; singular
    values all equal to it) or ``"nonnormal"`` (real eigenvalues, but a strong
    upper-triangular part: ``sigma_1`` far above the radius, so ``||W^t||``
    grows before it decays).
    """
    return make_W_hh_with_eigenvalues(kind, n, spectral_radius, seed)[0]


def make_W_hh_with_eigenvalues(kind: str, n: int, spectral_radius: float, seed: int = 0):
    """``(W_hh, eigenvalues)`` as in :func:`make_W_hh`, without a new eigen-decomposition."""
    choice("kind", kind, MATRIX_KINDS)
    order = "; the order is make_W_hh(kind, n, spectral_radius)" if isinstance(n, float) else ""
    n = positive_int("n", n, maximum=MAX_N, hint="the eigenvalues of a bigger matrix take minutes" + order)
    radius = finite_number("spectral_radius", spectral_radius, above=0)
    seed = positive_int("seed", seed, minimum=0)
    M, eig = _unit_radius_matrix(kind, n, seed)
    return radius * M, radius * eig


# ---------------------------------------------------------------- Jacobian products
def forward_preactivations(W_hh: np.ndarray, x: np.ndarray, nonlinearity: str, h_0=None) -> tuple:
    """Run ``a_t = W_hh h_{t-1} + x_t, h_t = rho(a_t)``; return ``(a, capped)``.

    x: inputs already mapped to hidden size, shape ``(T, hidden)``; returns
    ``a`` with shape ``(T, hidden)`` where ``a[t-1]`` is ``a_t``. ``capped`` is
    True if a linear/ReLU state grew past 1e150 and was capped there so float64
    cannot overflow (only the sign or nothing of ``a_t`` enters ``rho'`` for
    those two, so the Jacobians stay exact).
    """
    n = W_hh.shape[0]
    x = np.asarray(x, dtype=np.float64)
    h = np.zeros(n) if h_0 is None else np.asarray(h_0, dtype=np.float64)
    a, capped = np.empty_like(x), False
    for t in range(x.shape[0]):
        a[t] = W_hh @ h + x[t]
        h = rho(a[t], nonlinearity)
        big = np.max(np.abs(h))
        if big > _STATE_CAP:
            h, capped = h * (_STATE_CAP / big), True
    return a, capped


def jacobian_norms(W_hh: np.ndarray, a: np.ndarray, nonlinearity: str) -> np.ndarray:
    """``log10 ||dh_T/dh_k||_2`` for ``k = 0 .. T``, shape ``(T + 1,)``; ``-inf`` where exactly 0.

    a: pre-activations ``(T, hidden)`` from :func:`forward_preactivations`.
    The product ``J_T ... J_{k+1}`` is built backwards from ``k = T`` (where it
    is the identity) and rescaled after every step, its scale kept as a log, so
    ``sigma_1 = 3`` over 1000 steps gives 10^477 rather than inf or NaN.
    Notebook 07 shows the plain loop this function makes safe.
    """
    W_hh = _square("W_hh", W_hh)
    choice("nonlinearity", nonlinearity, NONLINEARITIES)
    n = W_hh.shape[0]
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != n:
        raise ValueError(f"a must have shape (T, {n}) to match W_hh, got {a.shape}")
    if np.isnan(a).any():
        raise ValueError("a holds NaN: the forward pass that made it diverged")
    T = a.shape[0]
    _check_size(T, n)
    d = rho_prime(a, nonlinearity)  # (T, n)
    products = np.empty((T + 1, n, n))
    log_scale = np.zeros(T + 1)
    P, scale, dead_from = np.eye(n), 0.0, -1
    products[T] = P
    for k in range(T - 1, -1, -1):  # P <- P J_{k+1}, with J_{k+1} = diag(rho'(a_{k+1})) W_hh
        P = (P * d[k][None, :]) @ W_hh
        size = np.max(np.abs(P))
        if size == 0.0:  # e.g. every ReLU unit off at one step: the gradient is exactly zero
            dead_from = k
            break
        P = P / size
        scale += np.log10(size)
        products[k], log_scale[k] = P, scale
    norms = np.full(T + 1, -np.inf)
    alive = slice(dead_from + 1, T + 1)
    norms[alive] = log_scale[alive] + np.log10(np.linalg.norm(products[alive], ord=2, axis=(1, 2)))
    return norms


def gradient_flow(kind: str = "gaussian", spectral_radius: float = 1.0, T: int = 100,
                  nonlinearity: str = "tanh", n: int = 64, input_scale: float = 1.0, seed: int = 0) -> dict:
    """Everything the notebook-07 widget shows for one setting of its controls.

    Builds ``W_hh`` (:func:`make_W_hh`), drives the RNN with Gaussian inputs
    ``x_t ~ N(0, input_scale^2)`` for ``T`` steps from ``h_0 = 0`` and measures
    ``||dh_T/dh_k||`` for every ``k``. Returns a dict with ``k`` ``(T+1,)``,
    ``log10_norm`` ``(T+1,)``, ``eigenvalues`` ``(n,)`` complex,
    ``spectral_radius``, ``sigma_1``, ``gamma``, the two predictions on the
    same log10 scale (``log10_eig_prediction = (T-k) log10 radius``, exact
    rate for a linear RNN up to a constant; ``log10_bound = (T-k) log10(gamma
    sigma_1)``, an upper bound for any RNN), and flags ``overflow_float32`` and
    ``overflow`` (some norm exceeds the largest float32 / float64 number) and ``exact_zero`` (some norm is exactly 0).
    """
    T, n = positive_int("T", T), positive_int("n", n)
    choice("kind", kind, MATRIX_KINDS)
    choice("nonlinearity", nonlinearity, NONLINEARITIES)
    input_scale = finite_number("input_scale", input_scale, minimum=0)
    _check_size(T, n)
    W_hh, eig = make_W_hh_with_eigenvalues(kind, n, spectral_radius, seed)
    x = input_scale * np.random.default_rng(seed + 1).normal(size=(T, n))
    a, capped = forward_preactivations(W_hh, x, nonlinearity)
    log10_norm = jacobian_norms(W_hh, a, nonlinearity)
    radius = float(np.max(np.abs(eig)))
    sigma_1 = float(np.linalg.norm(W_hh, ord=2))
    gamma = GAMMA[nonlinearity]
    steps_back = T - np.arange(T + 1)
    return {
        "k": np.arange(T + 1),
        "log10_norm": log10_norm,
        "eigenvalues": eig,
        "spectral_radius": radius,
        "sigma_1": sigma_1,
        "gamma": gamma,
        "log10_eig_prediction": steps_back * np.log10(radius),
        "log10_bound": steps_back * np.log10(gamma * sigma_1),
        "overflow_float32": bool(np.max(log10_norm) > LOG10_FLOAT32_MAX),
        "overflow": bool(np.max(log10_norm) > LOG10_FLOAT_MAX),
        "exact_zero": bool(np.any(np.isneginf(log10_norm))),
        "state_capped": capped,
        "settings": {"kind": kind, "spectral_radius": float(spectral_radius), "T": T,
                     "nonlinearity": nonlinearity, "n": n, "seed": seed},
    }


def format_pow10(log10_value: float) -> str:
    """A norm given as its log10, written for people: ``3.2e-07``, ``1e+45 (inf in float32)``, ``0``."""
    if np.isneginf(log10_value):
        return "0 (exactly)"
    if np.isnan(log10_value):
        raise ValueError("log10_value must not be NaN")
    if log10_value > LOG10_FLOAT_MAX:
        return f"10^{log10_value:.0f} (overflow: inf in float64 and float32)"
    if log10_value > LOG10_FLOAT32_MAX:
        return f"{10.0 ** log10_value:.2g} (overflow: inf in float32)"
    if log10_value < -300:
        return f"10^{log10_value:.0f}"
    return f"{10.0 ** log10_value:.2g}"


# ---------------------------------------------------------------- the one-unit RNN's error surface
def one_unit_states(w, b, T: int = 50, h_0: float = 0.5) -> np.ndarray:
    """``h_t = w sigmoid(h_{t-1}) + b`` for ``t = 1 .. T`` (Pascanu et al. 2013, section 3.3).

    w, b: scalars or arrays of one shape (a grid of parameter values); returns
    ``h`` of shape ``(T + 1,) + shape`` with ``h[0] = h_0``.
    """
    w, b = np.broadcast_arrays(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
    h = np.empty((T + 1,) + w.shape)
    h[0] = h_0
    for t in range(1, T + 1):
        h[t] = w * rho(h[t - 1], "sigmoid") + b
    return h


def one_unit_loss(w, b, T: int = 50, h_0: float = 0.5, target: float = 0.7) -> np.ndarray:
    """``(h_T - target)^2`` for the one-unit RNN; vectorised over grids of ``w`` and ``b``."""
    return (one_unit_states(w, b, T, h_0)[-1] - target) ** 2


def _sigmoid_float(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def one_unit_loss_and_grad(w: float, b: float, T: int = 50, h_0: float = 0.5, target: float = 0.7):
    """Loss and its gradient ``(dL/dw, dL/db)`` by backpropagation through time, as a ``(2,)`` array.

    The backward pass walks ``dL/dh_t`` down from ``t = T``; each step
    multiplies by ``dh_t/dh_{t-1} = w sigmoid'(h_{t-1})``, the one-unit version
    of the Jacobian product.
    """
    T = positive_int("T", T, maximum=10 ** 6, hint="plain Python, ~1 microsecond a step")
    w, b = float(w), float(b)  # plain floats: a widget's descent of 300 steps takes milliseconds
    h = [float(h_0)]
    for _ in range(T):
        h.append(w * _sigmoid_float(h[-1]) + b)
    loss = (h[-1] - target) ** 2
    g_h = 2.0 * (h[-1] - target)
    g_w = g_b = 0.0
    for t in range(T, 0, -1):
        s = _sigmoid_float(h[t - 1])
        g_w += g_h * s
        g_b += g_h
        g_h = g_h * w * s * (1.0 - s)
    return loss, np.array([g_w, g_b])


def error_surface(w_range=(-2.0, 18.0), b_range=(-8.0, 4.0), num: int = 121, T: int = 50,
                  h_0: float = 0.5, target: float = 0.7) -> dict:
    """The loss on a ``num x num`` grid: ``{"w": (num,), "b": (num,), "loss": (num_b, num_w)}``."""
    num = positive_int("num", num, minimum=2, maximum=2000)
    # one_unit_states keeps (T + 1) num^2 float64 states: at most about MAX_BYTES
    T = positive_int("T", T, maximum=max(1, int(MAX_BYTES / 8 / num ** 2) - 1),
                     hint=f"the grid keeps T + 1 states of {num} x {num} floats")
    w = np.linspace(*w_range, num)
    b = np.linspace(*b_range, num)
    Wg, Bg = np.meshgrid(w, b)
    return {"w": w, "b": b, "loss": one_unit_loss(Wg, Bg, T, h_0, target)}
