"""Jacobian products and spectra (notebook 07): the numbers behind the widget."""
import numpy as np
import pytest

from course_utils import gradients, spectra


@pytest.mark.parametrize("kind", spectra.MATRIX_KINDS)
@pytest.mark.parametrize("radius", [0.3, 1.0, 2.5])
def test_make_W_hh_has_the_requested_spectral_radius(kind, radius):
    W, eig = spectra.make_W_hh_with_eigenvalues(kind, 16, radius, seed=3)
    assert spectra.spectral_radius(W) == pytest.approx(radius, rel=1e-8)
    assert np.allclose(np.sort(np.abs(np.linalg.eigvals(W))), np.sort(np.abs(eig)), atol=1e-7)


def test_orthogonal_kind_has_equal_singular_values_and_nonnormal_a_large_sigma_1():
    Q = spectra.make_W_hh("orthogonal", 32, 0.9)
    assert np.allclose(np.linalg.svd(Q, compute_uv=False), 0.9)
    N = spectra.make_W_hh("nonnormal", 32, 0.9)
    assert spectra.largest_singular_value(N) > 2.0 > 0.9


def test_spectral_radius_uses_the_modulus_of_complex_eigenvalues():
    assert spectra.spectral_radius(np.array([[0.0, -2.0], [2.0, 0.0]])) == pytest.approx(2.0)
    assert spectra.spectral_radius(np.diag([-3.0, 1.0])) == pytest.approx(3.0)


def test_step_jacobian_matches_finite_differences():
    rng = np.random.default_rng(0)
    W_hh, h_prev, x = rng.normal(size=(5, 5)), rng.normal(size=5), rng.normal(size=5)
    for nl in ("tanh", "sigmoid", "linear"):
        J = spectra.step_jacobian(W_hh, W_hh @ h_prev + x, nl)
        for i in range(5):
            num = gradients.numerical_gradient(lambda h: spectra.rho(W_hh @ h + x, nl)[i], h_prev.copy())
            assert gradients.relative_error(J[i], num) < 1e-6



def test_backprop_step_is_the_row_gradient_times_the_jacobian_and_matches_finite_differences():
    rng = np.random.default_rng(4)
    W_hh, h_prev, x, g_t = (rng.normal(size=(5, 5)), rng.normal(size=5), rng.normal(size=5),
                            rng.normal(size=5))
    for nl in ("tanh", "sigmoid", "relu", "linear"):
        a_t = W_hh @ h_prev + x
        got = spectra.backprop_step(g_t, W_hh, a_t, nl)
        assert np.allclose(got, g_t @ spectra.step_jacobian(W_hh, a_t, nl), rtol=1e-12, atol=1e-12)
        if nl != "relu":  # finite differences need a smooth rho
            num = gradients.numerical_gradient(lambda h: g_t @ spectra.rho(W_hh @ h + x, nl), h_prev.copy())
            assert gradients.relative_error(got, num) < 1e-6

def test_jacobian_norms_equal_the_plain_product_at_a_moderate_setting():
    W = spectra.make_W_hh("gaussian", 8, 1.1, seed=1)
    x = np.random.default_rng(2).normal(size=(12, 8))
    for nl in spectra.NONLINEARITIES:
        a, _ = spectra.forward_preactivations(W, x, nl)
        got = spectra.jacobian_norms(W, a, nl)
        P, expected = np.eye(8), [1.0]
        for t in range(12, 0, -1):
            P = P @ spectra.step_jacobian(W, a[t - 1], nl)
            expected.append(np.linalg.norm(P, 2))
        assert np.allclose(10 ** got, expected[::-1], rtol=1e-9, atol=0)


def test_linear_rnn_follows_the_spectral_radius_and_respects_the_bound():
    for seed in range(3):
        for radius in (0.8, 1.0, 1.25):
            r = spectra.gradient_flow("gaussian", radius, 150, "linear", n=32, seed=seed)
            excess = r["log10_norm"][0] - r["log10_eig_prediction"][0]
            assert 0 <= excess + 1e-9 and excess < 1.0  # ||W^T|| >= radius^T, within a factor 10
            assert np.all(r["log10_norm"] <= r["log10_bound"] + 1e-9)


@pytest.mark.parametrize("nl", spectra.NONLINEARITIES)
@pytest.mark.parametrize("kind", spectra.MATRIX_KINDS)
@pytest.mark.parametrize("radius,T", [(0.1, 200), (4.0, 200), (4.0, 5), (1.0, 1)])
def test_gradient_flow_at_the_widget_extremes_never_gives_nan(nl, kind, radius, T):
    r = spectra.gradient_flow(kind, radius, T, nl)
    y = r["log10_norm"]
    assert y.shape == (T + 1,) and not np.any(np.isnan(y)) and not np.any(np.isposinf(y))
    assert y[-1] == 0.0  # dh_T/dh_T is the identity
    assert np.all((y <= r["log10_bound"] + 1e-9) | np.isneginf(y))
    for value in y:
        assert "nan" not in spectra.format_pow10(value)


def test_overflow_is_reported_beyond_float32_and_float64():
    r = spectra.gradient_flow("gaussian", 4.0, 200, "linear")
    assert r["overflow_float32"] and not r["overflow"]
    assert "inf in float32" in spectra.format_pow10(r["log10_norm"][0])
    big = spectra.gradient_flow("orthogonal", 3.0, 1000, "linear", n=8)
    assert big["overflow"] and big["log10_norm"][0] == pytest.approx(1000 * np.log10(3.0))
    assert "inf in float64" in spectra.format_pow10(big["log10_norm"][0])
    assert spectra.format_pow10(-np.inf) == "0 (exactly)"


def test_exact_zero_when_every_relu_unit_is_off():
    W = -np.eye(3)
    a, _ = spectra.forward_preactivations(W, -np.ones((4, 3)), "relu")
    y = spectra.jacobian_norms(W, a, "relu")
    assert np.all(np.isneginf(y[:-1])) and y[-1] == 0.0


def test_nonnormal_matrix_grows_before_it_decays():
    norms = spectra.matrix_power_norms(np.array([[0.9, 5.0], [0.0, 0.9]]), 200)
    assert norms.max() > 10 and norms[-1] < 1e-5


def test_sigmoid_condition_guarantees_vanishing():
    W = spectra.make_W_hh("orthogonal", 16, 3.9)
    assert spectra.vanishing_is_guaranteed(W, "sigmoid") and not spectra.vanishing_is_guaranteed(W, "tanh")


def test_one_unit_gradient_matches_finite_differences():
    for w, b in [(2.0, -1.0), (6.0, -3.0), (-1.0, 0.5)]:
        _, grad = spectra.one_unit_loss_and_grad(w, b)
        theta = np.array([w, b])
        num = gradients.numerical_gradient(lambda th: spectra.one_unit_loss(th[0], th[1]), theta)
        assert gradients.relative_error(grad, num) < 1e-6


def test_error_surface_has_a_wall():
    s = spectra.error_surface(num=61)
    assert s["loss"].shape == (61, 61) and s["loss"].min() < 1e-2 and s["loss"].max() > 100


@pytest.mark.parametrize("call,match", [
    (lambda: spectra.make_W_hh("gaussian", 0, 1.0), "n must be"),
    (lambda: spectra.gradient_flow(T=0), "T must be"),
    (lambda: spectra.spectral_radius(np.ones((2, 3))), "W_hh must be a non-empty square"),
    (lambda: spectra.format_pow10(float("nan")), "must not be NaN"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
