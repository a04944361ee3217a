"""Checkers for the exercises of notebooks 11 (classification), 12 (tagging) and 13 (encoder-decoder)."""
import itertools

import numpy as np
import torch

from course_utils import padding, encoder_decoder, classifiers
from course_utils.checks import as_array, as_arrays, as_int, as_number, call_learner, checker, compare_arrays, describe, report


@checker
def check_length_mask(fn) -> bool:
    """Notebook 11, exercise 1: ``fn(lengths, max_len)`` returns the bool mask ``(batch, max_len)``."""
    lengths, max_len = torch.tensor([3, 1, 4, 2]), 5
    ok, got = call_learner(fn, lengths, max_len, name="length_mask")
    if not ok:
        return False
    want = padding.length_mask(lengths, max_len).numpy()
    got, problem = as_array(got, "the mask")
    if problem:
        return report(False, "", problem)
    if got.shape == want.T.shape and got.shape != want.shape:
        return report(False, "", f"the mask has shape {got.shape}: rows should be sequences (batch, time).")
    if got.shape == want.shape and np.array_equal(got.astype(bool), np.arange(max_len)[None] <= lengths.numpy()[:, None]):
        return report(False, "", "one step too many is marked real: step t is real when t < length (t counts from 0).")
    if got.shape == want.shape and np.array_equal(got.astype(bool), ~want):
        return report(False, "", "the mask is inverted: True should mark the real tokens, False the pads.")
    problem = compare_arrays(got, want, name="length_mask")
    if problem:
        return report(False, "", problem)
    return report(True, "length_mask marks exactly the real steps of each row.", "")


@checker
def check_masked_mean(fn) -> bool:
    """Notebook 11, exercise 2: ``fn(outputs (batch, time, hidden), mask (batch, time))`` -> ``(batch, hidden)``."""
    g = torch.Generator().manual_seed(3)
    outputs = torch.randn(3, 5, 4, generator=g)
    mask = padding.length_mask([5, 2, 3], 5)
    ok, got = call_learner(fn, outputs, mask, name="masked_mean")
    if not ok:
        return False
    got, problem = as_array(got, "the result of masked_mean")
    if problem:
        return report(False, "", problem)
    if got.shape == (3, 4):
        m = mask.float().unsqueeze(-1)
        wrong = [(outputs.mean(1), "you averaged over all steps, pads included: divide by each row's length."),
                 ((outputs * m).sum(1), "you summed the real steps but did not divide by the row's length."),
                 ((outputs * m).sum(1) / 5, "divide by each row's own length, not by the padded length.")]
        for w, hint in wrong:
            if np.allclose(got, w.numpy(), atol=1e-5):
                return report(False, "", hint)
    problem = compare_arrays(got, padding.masked_mean(outputs, mask), name="masked_mean", atol=1e-5)
    if problem:
        return report(False, "", problem)
    return report(True, "masked_mean averages each row over its real steps only.", "")


def _spans(got):
    """``(set of (type, start, end), None)`` when ``got`` lists distinct entities, else ``(None, why)``."""
    if not isinstance(got, (set, frozenset, list, tuple)):
        return None, f"return a set of (type, start, end) tuples, got {describe(got)}."
    spans = []
    for span in got:
        if not isinstance(span, (tuple, list)) or len(span) != 3 or not isinstance(span[0], str):
            return None, f"each entity should be a tuple (type: str, start, end), got {describe(span)}."
        parsed = [as_int(span[1], "the start"), as_int(span[2], "the end")]
        problem = next((p for _, p in parsed if p), None)
        if problem:
            return None, f"in the entity {span!r:.60}: {problem}"
        spans.append((span[0], *(value for value, _ in parsed)))
    if len(set(spans)) < len(spans):
        return None, "an entity appears twice: list each (type, start, end) once."
    return set(spans), None


@checker
def check_bio_spans(fn) -> bool:
    """Notebook 12, exercise 1: ``fn(tags)`` returns the set of entities ``(type, start, end)``, end exclusive."""
    cases = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-LOC", "B-LOC", "I-LOC", "O"],
             ["B-PER", "I-PER", "I-PER"], ["O", "O"]]
    for tags in cases:
        ok, got = call_learner(fn, tags, name="bio_spans")
        if not ok:
            return False
        want = classifiers.bio_spans(tags)
        got, problem = _spans(got)
        if problem:
            return report(False, "", problem)
        if got != want and got == {(t, s, e - 1) for t, s, e in want}:
            return report(False, "", "your end positions are inclusive: make end exclusive (one past the last token).")
        if got != want:
            return report(False, "", f"for tags {tags} you returned {sorted(got)}, expected {sorted(want)}. "
                                     "Remember that B- after B- starts a new entity.")
    return report(True, f"bio_spans is right on all {len(cases)} tag sequences.", "")


def _all_scores(E, A, start, end) -> np.ndarray:
    """score(y) of every one of the K^T tag sequences y, by the definition (brute force)."""
    E, A, start, end = (np.asarray(x, dtype=float) for x in (E, A, start, end))
    T, K = E.shape
    scores = []
    for y in itertools.product(range(K), repeat=T):
        scores.append(start[y[0]] + E[np.arange(T), y].sum() + A[y[:-1], y[1:]].sum() + end[y[-1]])
    return np.array(scores)


def _forward_with_sum(E, A, start, end, last_too: bool) -> float:
    """The forward recursion with a plain sum where logsumexp belongs (a typical slip), in the last step too or not."""
    alpha = start + E[0]
    for t in range(1, len(E)):
        alpha = E[t] + (alpha[:, None] + A).sum(0)
    return float((alpha + end).sum() if last_too else np.logaddexp.reduce(alpha + end))


def _log_partition_slips(E, A, start, end) -> list:
    """``[(value, hint)]``: what typical mistakes in the forward algorithm return on one sentence."""
    zero, log_Z = np.zeros_like(start), np.logaddexp.reduce(_all_scores(E, A, start, end))
    return [
        (_all_scores(E, A, start, end).max(), "you returned the best sequence's score: that is Viterbi's max. "
         "The forward algorithm adds up ALL sequences: logsumexp over the previous tag i, not max."),
        *[(_forward_with_sum(E, A, start, end, last_too), "scores are logs: add up exp(scores) with "
           "torch.logsumexp over the previous tag i, not with a plain sum.") for last_too in (False, True)],
        (np.logaddexp.reduce(_all_scores(E, np.zeros_like(A), start, end)), "the transition scores are missing: "
         "alpha_t(j) = E[t, j] + logsumexp_i(alpha_{t-1}(i) + A[i, j])."),
        (np.logaddexp.reduce(_all_scores(E, A.T, start, end)), "A[i, j] scores tag i FOLLOWED BY tag j: take the "
         "logsumexp over the first index i (dim=0 of alpha[:, None] + A)."),
        (np.logaddexp.reduce(_all_scores(E, A, zero, end)), "start[j] is missing: alpha_1(j) = start[j] + E[1, j]."),
        (np.logaddexp.reduce(_all_scores(E, A, start, zero)), "end[j] is missing: log Z = logsumexp_j(alpha_T(j) + end[j])."),
        (np.logaddexp.reduce(_all_scores(E, A, zero, zero)), "start[j] and end[j] are missing: "
         "alpha_1(j) = start[j] + E[1, j] and log Z = logsumexp_j(alpha_T(j) + end[j])."),
        (np.exp(log_Z), "you returned Z itself: return log Z (it stays in a float's range for long sentences)."),
    ]


def _crf_cases():
    """Random emissions E (T, K), transitions A (K, K), start and end (K,) for K = 3 tags, T = 1..5 words."""
    g = torch.Generator().manual_seed(12)
    cases = []
    for T in (3, 1, 5, 2):
        cases.append([torch.randn(*shape, generator=g, dtype=torch.float64) for shape in [(T, 3), (3, 3), (3,), (3,)]])
    return cases


@checker
def check_log_partition(fn) -> bool:
    """Notebook 12, exercise 2: ``fn(E (T, K), A (K, K), start (K,), end (K,))`` returns log Z of one sentence."""
    cases = _crf_cases()
    for E, A, start, end in cases:
        ok, got = call_learner(fn, *(x.clone() for x in (E, A, start, end)), name="log_partition")
        if not ok:
            return False
        arrays = [x.numpy() for x in (E, A, start, end)]
        value, problem = as_number(got, "log Z")
        if problem:
            shape = getattr(got, "shape", None)
            if shape is not None and tuple(shape) == (3,):
                problem += " One number per sentence: finish with log Z = logsumexp_j(alpha_T(j) + end[j])."
            return report(False, "", problem)
        want = float(np.logaddexp.reduce(_all_scores(*arrays)))
        if np.isclose(value, want, rtol=1e-6, atol=1e-6):
            continue
        words = f"On a sentence of T = {len(E)} word{'s' if len(E) > 1 else ''}"
        for slip, hint in _log_partition_slips(*arrays):
            if np.isclose(value, slip, rtol=1e-6, atol=1e-6):
                return report(False, "", f"{words}: {hint}")
        return report(False, "", f"{words} you returned {value:.6g}, but log Z (the logsumexp of all "
                                 f"{3 ** len(E)} sequence scores) is {want:.6g}. Check alpha_1 = start + E[0] and "
                                 "that the loop runs over t = 1 .. T-1 (counting from 0).")
    return report(True, f"log_partition equals brute force over all 3^T tag sequences on {len(cases)} sentences "
                        "(T = 1, 2, 3, 5).", "")


@checker
def check_teacher_forcing_batch(fn) -> bool:
    """Notebook 13, exercise 1: ``fn(targets)`` returns padded ``(decoder inputs, decoder targets)``."""
    targets = [[5, 6, 7], [8]]
    ok, got = call_learner(fn, targets, name="teacher_forcing_batch")
    if not ok:
        return False
    want_in, want_out = (t.numpy() for t in encoder_decoder.teacher_forcing_batch(targets))
    pair, problem = as_arrays(got, ("decoder inputs", "decoder targets"))
    if problem:
        return report(False, "", problem)
    got_in, got_out = pair
    if got_in.shape == want_out.shape and np.array_equal(got_in, want_out) and np.array_equal(got_out, want_in):
        return report(False, "", "inputs and targets are swapped: the decoder reads <s> y_1.. and predicts y_1 .. </s>.")
    for name, g, w, hint in (("decoder inputs", got_in, want_in, "they start with BOS and drop nothing."),
                             ("decoder targets", got_out, want_out, "they end with EOS; pads are PAD (0).")):
        problem = compare_arrays(g, w, name=name)
        if problem:
            return report(False, "", f"{problem} The {name}: {hint}")
    return report(True, "decoder inputs <s> y_1..y_m and targets y_1..y_m </s>: teacher forcing.", "")


def _beam_step_reference(beam_scores, logp, beam_size):
    total = np.asarray(beam_scores, dtype=float)[:, None] + np.asarray(logp, dtype=float)
    flat = np.argsort(-total, axis=None, kind="stable")[:beam_size]
    return [(float(total.flat[f]), int(f // total.shape[1]), int(f % total.shape[1])) for f in flat]


def _beam_candidates(got):
    """``([(score, beam, token), ...], None)`` when ``got`` lists such triples, else ``(None, why)``."""
    if not isinstance(got, (list, tuple)):
        return None, f"return a list of (score, beam index, token) triples, best first; got {describe(got)}."
    triples = []
    for item in got:
        if not isinstance(item, (tuple, list)) or len(item) != 3:
            return None, f"each candidate should be a triple (score, beam index, token), got {describe(item)}."
        parsed = [as_number(item[0], "the score"), as_int(item[1], "the beam index"), as_int(item[2], "the token")]
        problem = next((p for _, p in parsed if p), None)
        if problem:
            return None, f"in the candidate {item!r:.60}: {problem}"
        triples.append(tuple(value for value, _ in parsed))
    return triples, None


@checker
def check_beam_step(fn) -> bool:
    """Notebook 13, exercise 2: ``fn(beam_scores (k,), logp (k, V), beam_size)`` -> best ``(score, beam, token)``."""
    beam_scores = np.array([-0.1, -2.5, -3.0])
    logp = np.log(np.array([[0.05, 0.05, 0.5, 0.4], [0.9, 0.05, 0.03, 0.02], [0.97, 0.01, 0.01, 0.01]]))
    ok, got = call_learner(fn, beam_scores, logp, 3, name="beam_step")
    if not ok:
        return False
    want = _beam_step_reference(beam_scores, logp, 3)
    got, problem = _beam_candidates(got)
    if problem:
        return report(False, "", problem)
    if [(b, t) for _, b, t in got] == [(b, t) for _, b, t in _beam_step_reference(np.zeros(3), logp, 3)]:
        return report(False, "", "you ranked by the next token's log-prob alone: add the beam's score so far.")
    if len(got) != len(want):
        return report(False, "", f"keep exactly beam_size = 3 candidates, got {len(got)}.")
    for (gs, gb, gt), (ws, wb, wt) in zip(got, want):
        if (gb, gt) != (wb, wt) or not np.isclose(gs, ws, atol=1e-6):
            return report(False, "", f"expected {[(round(s, 3), b, t) for s, b, t in want]}, got "
                                     f"{[(round(s, 3), b, t) for s, b, t in got]}. Sort by total score, best first.")
    return report(True, "beam_step keeps the best total scores across all beams and tokens.", "")
