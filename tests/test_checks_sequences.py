"""Checkers of notebooks 11-13: a right answer passes, typical mistakes get a specific hint, stubs a friendly note."""
import numpy as np
import pytest
import torch

from course_utils import padding, encoder_decoder, classifiers
from course_utils.checks import sequences as C
from course_utils.checks.sequences import _beam_step_reference


def _stub(*_args):
    raise NotImplementedError


def test_length_mask_checker(capsys):
    assert C.check_length_mask(lambda lengths, T: padding.length_mask(lengths, T))
    assert not C.check_length_mask(lambda lengths, T: torch.arange(T)[None] <= lengths[:, None])
    assert "t < length" in capsys.readouterr().out
    assert not C.check_length_mask(lambda lengths, T: padding.length_mask(lengths, T).T)
    assert "(batch, time)" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        C.check_length_mask(_stub)


def test_masked_mean_checker(capsys):
    assert C.check_masked_mean(padding.masked_mean)
    assert not C.check_masked_mean(lambda o, m: o.mean(1))
    assert "pads included" in capsys.readouterr().out
    assert not C.check_masked_mean(lambda o, m: (o * m.float().unsqueeze(-1)).sum(1))
    assert "did not divide" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        C.check_masked_mean(_stub)


def test_bio_spans_checker(capsys):
    assert C.check_bio_spans(classifiers.bio_spans)
    assert not C.check_bio_spans(lambda tags: {(t, s, e - 1) for t, s, e in classifiers.bio_spans(tags)})
    assert "inclusive" in capsys.readouterr().out
    assert not C.check_bio_spans(lambda tags: set())
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        C.check_bio_spans(_stub)


def test_teacher_forcing_checker(capsys):
    assert C.check_teacher_forcing_batch(encoder_decoder.teacher_forcing_batch)
    assert not C.check_teacher_forcing_batch(lambda t: encoder_decoder.teacher_forcing_batch(t)[::-1])
    assert "swapped" in capsys.readouterr().out
    assert not C.check_teacher_forcing_batch(lambda t: padding.pad_sequences(t)[0:1] * 2)
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        C.check_teacher_forcing_batch(_stub)


def test_beam_step_checker(capsys):
    assert C.check_beam_step(_beam_step_reference)
    assert not C.check_beam_step(lambda s, logp, k: _beam_step_reference(np.zeros_like(s), logp, k))
    assert "add the beam's score" in capsys.readouterr().out
    assert not C.check_beam_step(lambda s, logp, k: _beam_step_reference(s, logp, k)[::-1])
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        C.check_beam_step(_stub)
