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


def _forward(E, A, start, end, combine=torch.logsumexp, dim=0, use_A=True, use_start=True, use_end=True):
    """The forward algorithm of notebook 12's exercise 2, with switches for the typical slips."""
    alpha = (start if use_start else 0) + E[0]
    for t in range(1, len(E)):
        alpha = E[t] + combine(alpha[:, None] + (A if use_A else 0) if dim == 0 else alpha[None, :] + A, dim=dim)
    return combine(alpha + (end if use_end else 0), dim=0)


def _max(x, dim):
    return x.max(dim=dim).values


@pytest.mark.parametrize("slip, hint", [
    (dict(combine=_max), "Viterbi's max"),
    (dict(combine=torch.sum), "not with a plain sum"),
    (dict(use_A=False), "transition scores are missing"),
    (dict(dim=1), "FOLLOWED BY"),
    (dict(use_start=False), "start[j] is missing"),
    (dict(use_end=False), "end[j] is missing"),
    (dict(use_start=False, use_end=False), "start[j] and end[j] are missing"),
])
def test_log_partition_checker_names_the_slip(capsys, slip, hint):
    assert not C.check_log_partition(lambda E, A, s, e: _forward(E, A, s, e, **slip))
    assert hint in capsys.readouterr().out


def test_log_partition_checker_accepts_the_forward_algorithm_and_refuses_other_answers(capsys):
    from course_utils import crf
    assert C.check_log_partition(_forward)
    assert C.check_log_partition(lambda E, A, s, e: crf.log_partition(E[None], A, s, e, torch.ones(1, len(E), dtype=bool))[0])
    assert "brute force" in capsys.readouterr().out
    assert not C.check_log_partition(lambda E, A, s, e: torch.exp(_forward(E, A, s, e)))
    assert "returned Z itself" in capsys.readouterr().out
    assert not C.check_log_partition(lambda E, A, s, e: _forward(E, A, s, e) + 0.5)
    assert "brute" not in capsys.readouterr().out.split("Not yet")[0]
    assert not C.check_log_partition(lambda E, A, s, e: float("nan"))
    assert "finite number" in capsys.readouterr().out
    assert not C.check_log_partition(lambda E, A, s, e: E[-1] + s)
    assert "logsumexp_j(alpha_T(j) + end[j])" in capsys.readouterr().out
    assert not C.check_log_partition(lambda E, A, s, e: "log Z")
    assert "one number" in capsys.readouterr().out
    assert not C.check_log_partition(lambda E, A, s, e: E[5])  # the learner's own IndexError
    assert "raised IndexError" in capsys.readouterr().out
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        C.check_log_partition(_stub)
