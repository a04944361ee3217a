"""Every exercise check refuses a wrong answer without raising: NaN, inf, a wrong type or shape, a string.

``ROWS`` has one row per public ``check_*`` function of ``course_utils.checks`` and its submodules:
a right answer, and "poisoned" ones (the right structure with one bad piece: a NaN, a string, a bool).
A new check without a row fails ``test_every_check_has_a_row``, so it cannot skip these tests.
"""
import functools
import importlib
import inspect
import math
import pkgutil
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch

from course_utils import (cells, checks, classifiers, clipping, embeddings, encoder_decoder, evaluation, padding, rnn,
                          sampling, spectra, word2vec)
from course_utils.checks.sequences import _beam_step_reference

NAN = float("nan")


@dataclass
class Row:
    """How to test one check."""

    kind: str                 # "function": the check takes the learner's function; "value": the answer itself
    correct: object           # an answer the check accepts
    poisoned: dict = field(default_factory=dict)   # label -> the right structure with one bad piece
    extra: tuple = ()         # arguments after the answer (check_number's expected value, ...)


def _nan_first(x):
    """``x`` as floats (an array, or a tensor if it was one) with its first entry NaN."""
    if isinstance(x, torch.Tensor):
        x = x.detach().double().clone().contiguous()
        x.view(-1)[0] = NAN
        return x
    x = np.array(x, dtype=float)
    x.flat[0] = NAN
    return x


def _strings(x):
    """``x`` as nested lists of strings: ``"0.25"`` instead of ``0.25``."""
    return np.asarray(x.detach() if isinstance(x, torch.Tensor) else x).astype(str).tolist()


def _with_part(make, key, change):
    """A learner function returning ``make``'s answer (a tuple or a dict) with its part ``key`` changed."""
    def learner(*args):
        answer = make(*args)
        parts = dict(answer) if isinstance(answer, dict) else list(answer)
        parts[key] = change(parts[key])
        return parts if isinstance(answer, dict) else tuple(parts)
    return learner


def _nan_in_each_part(make, keys):
    """One poisoned learner per part of ``make``'s answer: that part with a NaN."""
    return {f"NaN in part {key}": _with_part(make, key, _nan_first) for key in keys}


def _array_poisons(make):
    """The usual poisons of a learner function whose answer is one array: a NaN, strings of the right numbers."""
    return {"one NaN": lambda *a: _nan_first(make(*a)), "numbers as strings": lambda *a: _strings(make(*a))}


def _number_poisons(make):
    """The usual poisons of a learner function whose answer is one number."""
    return {"the number as a string": lambda *a: str(make(*a)),
            "the number and a NaN": lambda *a: np.array([make(*a), NAN]),
            "True instead of the number": lambda *a: True}


def _half_life(f):
    return math.log(0.5) / math.log(f)


def _add_k(counts, k):
    return (np.asarray(counts) + k) / (np.sum(counts) + k * len(counts))


def _perplexity(log_probs):
    return float(np.exp(-np.mean(log_probs)))


def _bits_per_char(p):
    return float(np.mean(-np.log2(p)))


def _crf_log_partition(E, A, start, end):
    from course_utils import crf
    return crf.log_partition(E[None], A, start, end, torch.ones(1, len(E), dtype=torch.bool))[0]


def _three_cos_add(E, itos, a, b, c):
    return evaluation.solve_analogy(E, itos, a, b, c)[0][0]


def _spearman(E, itos, pairs):
    result = evaluation.similarity_spearman(E, itos, pairs)
    return result["spearman"], result["oov_rate"]


def _rnn_grads(params, cache, dlogits):
    return rnn.rnn_backward(params, cache, dlogits)[0]


def _spans_with(change):
    return lambda tags: {change(span) for span in classifiers.bio_spans(tags)}


def _beam_with(change):
    return lambda *a: [change(*triple) for triple in _beam_step_reference(*a)]


ROWS = {
    "checks.check_function": Row("function", embeddings.one_hot, _array_poisons(embeddings.one_hot),
                                 extra=(embeddings.one_hot, [([1, 0], 3)])),
    "checks.check_number": Row("value", 1, {"True": True, "a string": "1", "one NaN": np.array([1.0, NAN])},
                               extra=(1.0,)),
    "embeddings.check_one_hot": Row("function", embeddings.one_hot, _array_poisons(embeddings.one_hot)),
    "embeddings.check_lookup_equals_matmul": Row("function", lambda E, ids: E[ids],
                                                 _array_poisons(lambda E, ids: E[ids])),
    "embeddings.check_window_bytes": Row("value", 32 * 10 * 100_000 * 4,
                                         {"a string": "128000000", "one NaN": np.array([128e6, NAN])}),
    "gates.check_lstm_step": Row("function", cells.lstm_step,
                                 {**_nan_in_each_part(cells.lstm_step, (0, 1)),
                                  "c_t a string": _with_part(cells.lstm_step, 1, lambda c: "no")}),
    "gates.check_gru_step": Row("function", cells.gru_step, _array_poisons(cells.gru_step)),
    "gates.check_half_life": Row("function", _half_life,
                                 {**_number_poisons(_half_life),
                                  "NaN for f = 0.9": lambda f: NAN if f == 0.9 else _half_life(f)}),
    "ngram.check_add_k": Row("function", _add_k, _array_poisons(_add_k)),
    "ngram.check_perplexity": Row("function", _perplexity, _number_poisons(_perplexity)),
    "rnn.check_stack_weights": Row("function", rnn.stack_weights, _array_poisons(rnn.stack_weights)),
    "rnn.check_teacher_forcing_pairs": Row(
        "function", lambda ids: (ids[:-1], ids[1:]),
        {**_nan_in_each_part(lambda ids: (ids[:-1], ids[1:]), (0, 1)),
         "targets as strings": _with_part(lambda ids: (ids[:-1], ids[1:]), 1, _strings)}),
    "rnn.check_rnn_backward": Row("function", rnn.rnn_backward,
                                  {**_nan_in_each_part(_rnn_grads, ("W_hh",)),
                                   "W_hh as strings": _with_part(_rnn_grads, "W_hh", _strings),
                                   "b_y a string": _with_part(_rnn_grads, "b_y", lambda g: "no")}),
    "rnn.check_softmax_grad": Row("function", lambda o, y: rnn.cross_entropy(o, y)[1],
                                  _array_poisons(lambda o, y: rnn.cross_entropy(o, y)[1])),
    "sampling.check_softmax_with_temperature": Row("function", sampling.softmax_with_temperature,
                                                   _array_poisons(sampling.softmax_with_temperature)),
    "sampling.check_bits_per_char": Row("function", _bits_per_char, _number_poisons(_bits_per_char)),
    "sequences.check_length_mask": Row("function", padding.length_mask, _array_poisons(padding.length_mask)),
    "sequences.check_masked_mean": Row("function", padding.masked_mean, _array_poisons(padding.masked_mean)),
    "sequences.check_bio_spans": Row(
        "function", classifiers.bio_spans,
        {"end NaN": _spans_with(lambda span: (*span[:2], NAN)),
         "start a string": _spans_with(lambda span: (span[0], str(span[1]), span[2])),
         "start False for 0": _spans_with(lambda span: (span[0], False if span[1] == 0 else span[1], span[2])),
         "a span twice": lambda tags: [*classifiers.bio_spans(tags), *classifiers.bio_spans(tags)]}),
    "sequences.check_log_partition": Row("function", _crf_log_partition, _number_poisons(_crf_log_partition)),
    "sequences.check_teacher_forcing_batch": Row(
        "function", encoder_decoder.teacher_forcing_batch,
        {**_nan_in_each_part(encoder_decoder.teacher_forcing_batch, (0, 1)),
         "targets as strings": _with_part(encoder_decoder.teacher_forcing_batch, 1, _strings)}),
    "sequences.check_beam_step": Row(
        "function", _beam_step_reference,
        {"a NaN score": lambda *a: [(NAN, b, t) for _, b, t in _beam_step_reference(*a)],
         "triples as strings": _beam_with(lambda s, b, t: (str(s), str(b), str(t))),
         "beam indices as bools": _beam_with(lambda s, b, t: (s, bool(b) if b in (0, 1) else b, t))}),
    "vanishing.check_spectral_radius": Row("function", spectra.spectral_radius,
                                           _number_poisons(spectra.spectral_radius)),
    "vanishing.check_explode_predictions": Row(
        "function", lambda: {"A": True, "B": False, "C": True},
        {"strings": lambda: {"A": "no", "B": "no", "C": "no"},
         "truthy strings": lambda: {"A": "yes", "B": "", "C": "yes"},
         "ints": lambda: {"A": 1, "B": 0, "C": 1},
         "NaN for True": lambda: {"A": NAN, "B": False, "C": NAN}}),
    "vanishing.check_clip_by_norm": Row("function", clipping.clip_by_norm, _array_poisons(clipping.clip_by_norm)),
    "vanishing.check_backprop_step": Row("function", spectra.backprop_step, _array_poisons(spectra.backprop_step)),
    "word2vec.check_skipgram_pairs": Row(
        "function", word2vec.skipgram_pairs,
        {**_array_poisons(word2vec.skipgram_pairs),
         "one pair of three": lambda ids, w: [[*word2vec.skipgram_pairs(ids, w)[0], 0],
                                              *word2vec.skipgram_pairs(ids, w)[1:].tolist()]}),
    "word2vec.check_negative_sampling": Row(
        "function", word2vec.negative_sampling_loss_and_grads,
        {**_nan_in_each_part(word2vec.negative_sampling_loss_and_grads, (0, 1, 2, 3)),
         "the loss as a string": _with_part(word2vec.negative_sampling_loss_and_grads, 0, str),
         "grad_u_o a string": _with_part(word2vec.negative_sampling_loss_and_grads, 2, lambda g: "no")}),
    "word2vec.check_gradient_errors": Row("value", {"v_c": 1e-9, "u_o": 2e-9},
                                          {"one NaN": {"v_c": 1e-9, "u_o": NAN},
                                           "one string": {"v_c": 1e-9, "u_o": "1e-9"},
                                           "one False": {"v_c": 1e-9, "u_o": False},
                                           "one None": {"v_c": 1e-9, "u_o": None},
                                           "one negative": {"v_c": 1e-9, "u_o": -1.0}}),
    "word2vec.check_three_cos_add": Row("function", _three_cos_add,
                                        {"the word in a list": lambda *a: [_three_cos_add(*a)],
                                         "the word in an array": lambda *a: np.array([_three_cos_add(*a)]),
                                         "(word, score)": lambda *a: evaluation.solve_analogy(*a)[0]}),
    "word2vec.check_similarity_spearman": Row(
        "function", _spearman,
        {**_nan_in_each_part(_spearman, (0, 1)), "the correlation as a string": _with_part(_spearman, 0, str)}),
}

# Wrong in type, value or shape for every check.
BAD = {"NaN": NAN, "inf": float("inf"), "object()": object(), "None": None, "zeros (7, 3, 2)": np.zeros((7, 3, 2)),
       "a list of three": [1.0, 2.0, 3.0], "'no'": "no", "'nan'": "nan"}


@functools.cache
def discovered_checks() -> dict:
    """``{"module.check_name": function}`` for every public check of the package and its submodules."""
    modules = {"checks": checks} | {info.name: importlib.import_module(f"{checks.__name__}.{info.name}")
                                    for info in pkgutil.iter_modules(checks.__path__)}
    return {f"{short}.{name}": fn for short, mod in modules.items()
            for name, fn in inspect.getmembers(mod, inspect.isfunction)
            if name.startswith("check_") and fn.__module__ == mod.__name__}


def run_check(name, answer):
    """Call the check ``name`` on ``answer``: a learner function or a value, as its row says."""
    row = ROWS[name]
    return discovered_checks()[name](answer, *row.extra)


def as_answer(name, bad):
    """``bad`` as the check ``name`` takes it: returned by a learner function, or the value itself."""
    return bad if ROWS[name].kind == "value" else (lambda *a, **k: bad)


def bad_cases() -> list:
    """One test per check and wrong answer: the generic ones of ``BAD``, then the row's poisoned ones."""
    return [pytest.param(name, answer, id=f"{name}-{label}") for name, row in sorted(ROWS.items())
            for label, answer in [*((label, as_answer(name, bad)) for label, bad in BAD.items()),
                                  *((f"poisoned: {label}", answer) for label, answer in row.poisoned.items())]]


def assert_refused(result, out):
    """The verdict of a refused answer: exactly ``False``, and one "Not yet." line with a hint."""
    assert result is False, out
    verdicts = [line for line in out.splitlines() if "Not yet." in line or checks.PASS in line]
    assert len(verdicts) == 1 and verdicts[0].startswith(f"{checks.FAIL} Not yet. "), out
    assert verdicts[0].split("Not yet.", 1)[1].strip(), out


def test_every_check_has_a_row():
    found = set(discovered_checks())
    assert len(found) >= 30
    assert found - set(ROWS) == set(), "add a row to ROWS for each new check"
    assert set(ROWS) - found == set(), "rows of checks that no longer exist"


@pytest.mark.parametrize("name", sorted(ROWS))
def test_every_check_has_the_safety_net(name):
    fn = discovered_checks()[name]
    assert getattr(fn, "__wrapped__", None) is not None, f"decorate {name} with @checker"
    assert fn.__doc__ and fn.__name__ == name.split(".")[1]


@pytest.mark.parametrize("name", sorted(ROWS))
def test_right_answer_passes(name, capsys):
    result = run_check(name, ROWS[name].correct)
    out = capsys.readouterr().out
    assert result is True, out
    assert out.startswith(checks.PASS), out


@pytest.mark.parametrize("name, answer", bad_cases())
def test_wrong_answer_is_refused_by_name(name, answer, capsys):
    """Refused by the check's own validation, not by the safety net."""
    result = run_check(name, answer)
    out = capsys.readouterr().out
    assert_refused(result, out)
    assert checks.UNEXPECTED not in out, out


class Hostile:
    """An answer every operation of which raises, as a buggy object of the learner's might."""

    def _boom(self, *args, **kwargs):
        raise RuntimeError("boom")

    __array__ = __iter__ = __len__ = __float__ = __int__ = __index__ = __bool__ = __getitem__ = _boom
    __eq__ = __lt__ = __gt__ = __abs__ = __neg__ = __add__ = __sub__ = __mul__ = _boom
    __hash__ = None


@pytest.mark.parametrize("name", sorted(ROWS))
def test_hostile_answer_is_refused(name, capsys):
    result = run_check(name, as_answer(name, Hostile()))
    assert_refused(result, capsys.readouterr().out)


def test_safety_net_reports_a_bug_in_the_check(capsys):
    @checks.checker
    def check_broken(fn):
        """A check with a bug."""
        return {}["missing"]
    assert check_broken(lambda: 1) is False
    out = capsys.readouterr().out
    assert checks.UNEXPECTED in out and "KeyError" in out
    assert check_broken.__name__ == "check_broken" and check_broken.__doc__ == "A check with a bug."


def test_safety_net_lets_a_stub_through():
    @checks.checker
    def check_stub(fn):
        """Calls the learner's stub."""
        return checks.call_learner(fn, name="stub")

    def my_stub():
        raise NotImplementedError
    with pytest.raises(NotImplementedError, match="not implemented yet: my_stub"):
        check_stub(my_stub)


def test_as_number():
    assert checks.as_number(3, "x") == (3.0, None)
    assert checks.as_number(np.float32(0.5), "x") == (0.5, None)
    assert checks.as_number(np.array([2.0]), "x") == (2.0, None)
    assert checks.as_number(torch.tensor(4.0), "x") == (4.0, None)
    for bad in (True, np.bool_(False), "1", None, NAN, float("-inf"), np.array([1.0, 2.0]), [], 1j, object()):
        value, problem = checks.as_number(bad, "x")
        assert value is None and problem.startswith("x "), (bad, problem)
    assert "got str '1'" in checks.as_number("1", "x")[1]


def test_as_array():
    arr, problem = checks.as_array([[1, 2], [3, 4]], "m", shape=(2, 2))
    assert problem is None and arr.dtype == float and arr.tolist() == [[1, 2], [3, 4]]
    assert checks.as_array(torch.ones(2, dtype=torch.float64), "m")[0].tolist() == [1.0, 1.0]
    assert checks.as_array(torch.tensor([True, False]), "m")[0].tolist() == [1.0, 0.0]
    for bad in ("12", ["1", "2"], [[1, 2], [3]], None, {"a": 1}, object(), [1, NAN], [1j], np.zeros((2, 3))):
        arr, problem = checks.as_array(bad, "m", shape=(2,))
        assert arr is None and problem.startswith("m "), (bad, problem)
    assert checks.as_array([1, 2, 3], "m", shape=(2,))[1] == "m has shape (3,), expected (2,)."


def test_as_bool():
    assert checks.as_bool(True, "a") == (True, None)
    assert checks.as_bool(np.bool_(False), "a") == (False, None)
    for bad in ("no", 1, 0, NAN, None, np.array([True])):
        value, problem = checks.as_bool(bad, "a")
        assert value is None and "True or False" in problem, (bad, problem)
