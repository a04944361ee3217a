"""Every checker gives feedback on a wrong answer and on a right one."""
import importlib
import inspect
import pkgutil

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
        raise NotImplementedError("not implemented yet: write the body of one_hot()")
    with pytest.raises(NotImplementedError, match="not implemented yet: stub still raises") as err:
        ex01.check_one_hot(stub)
    assert err.value.__suppress_context__, "the learner sees one short error, not two chained tracebacks"
    assert "Not yet" not in capsys.readouterr().out


# Checkers that take a value, not a function: a stub there raises in the learner's own cell.
VALUE_CHECKS = {"check_number", "check_function", "check_window_bytes", "check_gradient_errors"}


def _function_checkers():
    found = {}
    for module in pkgutil.iter_modules(checks.__path__):
        mod = importlib.import_module(f"course_utils.checks.{module.name}")
        found.update({f"{module.name}.{name}": fn for name, fn in inspect.getmembers(mod, inspect.isfunction)
                      if name.startswith("check_") and name not in VALUE_CHECKS and fn.__module__ == mod.__name__})
    return found


@pytest.mark.parametrize("name", sorted(_function_checkers()))
def test_every_checker_stops_on_a_stub_and_names_it(name):
    """A student copy's stub makes every exercise cell fail with "not implemented yet: <the learner's name>"."""
    def my_answer(*_args):
        raise NotImplementedError("not implemented yet: write the body of my_answer()")
    with pytest.raises(NotImplementedError, match="^not implemented yet: my_answer still raises"):
        _function_checkers()[name](my_answer)


def test_function_checkers_are_found():
    assert {"embeddings.check_one_hot", "gates.check_lstm_step", "sequences.check_beam_step"} <= set(_function_checkers())
    assert len(_function_checkers()) >= 25


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
