"""The notebook 07 and 08 checkers: a right answer passes, typical wrong ones get a specific hint, a stub is reported."""
import numpy as np
import pytest

from course_utils import clipping, spectra
from course_utils.checks import vanishing as V


def _stub(*_args):
    raise NotImplementedError


def test_check_spectral_radius(capsys):
    assert V.check_spectral_radius(spectra.spectral_radius)
    assert not V.check_spectral_radius(lambda W: np.max(np.linalg.eigvals(W).real))
    assert "absolute value" in capsys.readouterr().out
    assert not V.check_spectral_radius(lambda W: np.linalg.norm(W, 2))
    assert "singular value" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        V.check_spectral_radius(_stub)


def test_check_explode_predictions(capsys):
    assert V.check_explode_predictions(lambda: {"A": True, "B": False, "C": True})
    assert not V.check_explode_predictions(lambda: {"A": True, "B": True, "C": True})
    assert "grows for a while" in capsys.readouterr().out
    assert not V.check_explode_predictions(lambda: ["A"])
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        V.check_explode_predictions(_stub)


def test_check_clip_by_norm(capsys):
    assert V.check_clip_by_norm(clipping.clip_by_norm)
    assert not V.check_clip_by_norm(clipping.clip_elementwise)
    assert "element-wise" in capsys.readouterr().out
    assert not V.check_clip_by_norm(lambda g, c: g * c / np.linalg.norm(g))
    assert "left unchanged" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        V.check_clip_by_norm(_stub)


def test_check_backprop_step(capsys):
    assert V.check_backprop_step(spectra.backprop_step)
    assert "only the entries" in capsys.readouterr().out
    assert not V.check_backprop_step(lambda g, W, a, nl: (g @ W) * spectra.rho_prime(a, nl))
    assert "wrong order" in capsys.readouterr().out
    assert not V.check_backprop_step(lambda g, W, a, nl: (g * spectra.rho_prime(a, nl)) @ W.T)
    assert "transposed" in capsys.readouterr().out
    assert not V.check_backprop_step(lambda g, W, a, nl: g @ W)
    assert "missing" in capsys.readouterr().out
    assert not V.check_backprop_step(lambda g, W, a, nl: g @ spectra.step_jacobian(W, a, nl) + 1e-3)
    assert "differs" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        V.check_backprop_step(_stub)


def test_check_backprop_step_names_the_column_layout_slip(capsys):
    assert not V.check_backprop_step(lambda g, W, a, nl: spectra.step_jacobian(W, a, nl) @ g)
    assert "as a column" in capsys.readouterr().out
