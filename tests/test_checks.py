"""Every checker gives feedback on a wrong answer and on a right one."""
import numpy as np
import pytest

from course_utils import checks, embeddings
from course_utils.checks import embeddings as ex01


def test_report_prints_and_returns(capsys):
    assert checks.report(True, "well done", "hint") is True
    assert checks.report(False, "well done", "look again") is False
    out = capsys.readouterr().out
    assert "well done" in out and "Not yet. look again" in out


def test_stub_gets_not_implemented_message(capsys):
    def stub(ids, vocab_size):
        raise NotImplementedError
    assert ex01.check_one_hot(stub) is False
    assert "not implemented yet" in capsys.readouterr().out


def test_crashing_answer_is_reported_not_raised(capsys):
    assert ex01.check_one_hot(lambda ids, v: 1 / 0) is False
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_check_one_hot(capsys):
    assert ex01.check_one_hot(embeddings.one_hot) is True
    assert "correct on all 3" in capsys.readouterr().out
    transposed = lambda ids, v: embeddings.one_hot(ids, v).T  # noqa: E731
    assert ex01.check_one_hot(transposed) is False
    assert "shape (10, 1), expected (1, 10)" in capsys.readouterr().out
    off_by_one = lambda ids, v: embeddings.one_hot(np.asarray(ids) - 1, v)  # noqa: E731
    assert ex01.check_one_hot(off_by_one) is False
    assert "differs" in capsys.readouterr().out


def test_check_lookup_equals_matmul(capsys):
    right = lambda E, ids: embeddings.one_hot(ids, len(E)) @ E  # noqa: E731
    assert ex01.check_lookup_equals_matmul(right) is True
    assert ex01.check_lookup_equals_matmul(lambda E, ids: (embeddings.one_hot(ids, len(E)) @ E).T) is False
    assert "transposed" in capsys.readouterr().out
    assert ex01.check_lookup_equals_matmul(lambda E, ids: E[: len(ids)]) is False


def test_check_window_bytes(capsys):
    assert ex01.check_window_bytes(32 * 10 * 100_000 * 4) is True
    assert ex01.check_window_bytes(32 * 10 * 100_000) is False
    assert "4 bytes per float32" in capsys.readouterr().out
    assert ex01.check_window_bytes("a lot") is False


def test_compare_arrays_explains_differences():
    assert checks.compare_arrays([1, 2], [1, 2]) is None
    assert "shape" in checks.compare_arrays([1, 2, 3], [1, 2])
    assert "NaN" in checks.compare_arrays([np.nan, 2], [1, 2])
    assert "index (1,)" in checks.compare_arrays([1, 5], [1, 2])
    assert "array of numbers" in checks.compare_arrays({"a": 1}, [1])


def test_check_function_rejects_non_callables(capsys):
    assert checks.check_function(42, embeddings.one_hot, [([1], 2)]) is False
    assert "expected a function" in capsys.readouterr().out
