"""The shared argument checks every module uses (course_utils.checks.arguments)."""
import re

import numpy as np
import pytest
import torch

from course_utils.checks import arguments


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.int32(12), np.uint8(5)])
def test_positive_int_returns_a_python_int(value):
    out = arguments.positive_int("window", value)
    assert type(out) is int and out == int(value)


@pytest.mark.parametrize("value", [True, False, 0, -2, 2.0, 1.5, "3", None, np.float64(4.0), np.array([2])])
def test_positive_int_refuses_bools_non_ints_and_small_values(value):
    with pytest.raises(ValueError, match=re.escape("window must be an int >= 1, got ")):
        arguments.positive_int("window", value)


def test_minimum_and_hint_are_in_the_message():
    assert arguments.positive_int("steps", 0, minimum=0) == 0
    with pytest.raises(ValueError, match=r"^n must be an int >= 2 \(at least one context word\), got 1$"):
        arguments.positive_int("n", 1, minimum=2, hint="at least one context word")
    with pytest.raises(ValueError, match=r"^filler_words must be an int >= 0, got -1$"):
        arguments.positive_int("filler_words", -1, minimum=0)


def test_positive_ints_checks_each_keyword_in_order():
    out = arguments.positive_ints(vocab_size=np.int64(10), dim=4)
    assert out == (10, 4) and all(type(v) is int for v in out)
    with pytest.raises(ValueError, match=r"^dim must be an int >= 1, got 0$"):
        arguments.positive_ints(vocab_size=10, dim=0, hidden=0)
    with pytest.raises(ValueError, match=r"^vocab_size must be an int >= 1, got True$"):
        arguments.positive_ints(vocab_size=True, dim=0)


@pytest.mark.parametrize("ids", [[3, 1, 4], np.array([3, 1, 4], dtype=np.int32), torch.tensor([3, 1, 4]),
                                 torch.tensor([3, 1, 4], dtype=torch.int16, requires_grad=False)])
def test_int_ids_accepts_lists_arrays_and_tensors(ids):
    out = arguments.int_ids(ids)
    assert isinstance(out, np.ndarray) and out.dtype == np.int64 and out.tolist() == [3, 1, 4]


@pytest.mark.parametrize("ids", [[], np.array([], dtype=np.int32), torch.tensor([], dtype=torch.long)])
def test_int_ids_accepts_empty(ids):
    out = arguments.int_ids(ids)
    assert out.shape == (0,) and out.dtype == np.int64


@pytest.mark.parametrize("ids", [[[1, 2], [3, 4]], np.zeros((2, 3), dtype=int), 5.0, torch.zeros(1, 2, dtype=torch.long)])
def test_int_ids_refuses_other_shapes(ids):
    shape = tuple(np.shape(ids))
    with pytest.raises(ValueError, match=re.escape(f"ids must be 1-D, got shape {shape}")):
        arguments.int_ids(ids)


@pytest.mark.parametrize("ids", [[0.5, 1.0], np.array([1.0, 2.0]), torch.tensor([1.0]), [True, False]])
def test_int_ids_refuses_non_integer_dtypes(ids):
    with pytest.raises(TypeError, match="ids must be integers, got dtype"):
        arguments.int_ids(ids)


@pytest.mark.parametrize("ids, message", [
    (5, r"got the single id 5; pass \[5\]"), (np.int64(5), r"got the single id 5; pass \[5\]"),
    (["the", "cat"], r"got words 'the cat'; encode them first \(for words, vocab\.encode\)"),
    ("x" * 100, r"got the string 'x{37}\.\.\.': turn text into ids first")])
def test_int_ids_says_what_came_instead_of_ids(ids, message):
    with pytest.raises(ValueError, match=message):
        arguments.int_ids(ids)


def test_int_ids_names_the_argument_and_hint():
    with pytest.raises(ValueError, match=r"^source must be 1-D \(one sentence\), got shape \(1, 1\)$"):
        arguments.int_ids([[1]], name="source", hint="one sentence")
    with pytest.raises(TypeError, match="^source must be integers"):
        arguments.int_ids([0.5], name="source")


def test_models_built_from_numpy_sizes_hand_torch_python_ints():
    # torch's recurrent layers refuse numpy ints; the checks must pass the converted value on
    from course_utils import char_lm, classifiers, encoder_decoder

    size = np.int64(6)
    assert char_lm.CharLM(np.int64(12), size, size).rnn.hidden_size == 6
    assert classifiers.SequenceClassifier(np.int64(12), size, size, num_layers=np.int64(2)).lstm.num_layers == 2
    assert encoder_decoder.Seq2Seq(np.int64(12), size, size).decoder.hidden_size == 6
