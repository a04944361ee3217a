"""Exercise feedback: every check prints a friendly verdict and returns a bool.

A check never raises on a wrong answer: it says what is wrong and gives a hint.
Exercise-specific checkers live in submodules named after the idea they test
(``checks.embeddings`` for notebook 01, ...); the generic pieces are here.

A checker first reads the learner's answer with ``as_number``, ``as_array``,
``as_arrays``, ``as_int`` or ``as_bool``: a string, a bool, NaN, a ragged list
or a wrong shape gets a "Not yet" saying what was expected and what came back,
before any comparison. Every public ``check_*`` is wrapped in ``@checker``, a
safety net that turns a bug in the check itself into a "Not yet" too.

A learner's function that still raises ``NotImplementedError`` (the stub in a
student copy, see ``course_tools.student``) is not a wrong answer: the
check raises ``NotImplementedError("not implemented yet: ...")`` naming the
function to fill in, so the exercise cell visibly stops there.
"""
import functools
import numbers

import numpy as np

PASS = "\u2705"  # green tick
FAIL = "\u274c"  # red cross
UNEXPECTED = "this answer tripped up the check itself"  # the safety net's hint starts with this


def report(ok: bool, success: str, hint: str) -> bool:
    """Print the success message or the hint; return ``ok``."""
    print(f"{PASS} {success}" if ok else f"{FAIL} Not yet. {hint}")
    return bool(ok)


def checker(check):
    """Decorate a public ``check_*``: an exception inside it is reported as "Not yet", never raised.

    This is a safety net for answers nobody foresaw; a check still validates what it expects
    itself, so that the hint can be specific. The learner's stub still stops the cell
    (see ``call_learner``).
    """
    @functools.wraps(check)
    def safe_check(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except Exception as err:
            if getattr(err, "learner_stub", False):
                raise
            return report(False, "", f"{UNEXPECTED} ({type(err).__name__}: {err}). Compare the type and "
                                     "shape of what you return with what the exercise asks for.")
    return safe_check


def call_learner(fn, *args, name: str = "your function"):
    """Call the learner's ``fn``; return ``(True, result)`` or ``(False, None)`` after printing why.

    A stub that raises ``NotImplementedError`` is re-raised as "not implemented yet: <name> ...".
    """
    if not callable(fn):
        report(False, "", f"expected a function for {name}, got {describe(fn)}.")
        return False, None
    try:
        return True, fn(*args)
    except NotImplementedError:
        own = getattr(fn, "__name__", "")  # the name in the learner's cell (my_rnn_step), if it has one
        which = own if own.isidentifier() else name
        stub = NotImplementedError(f"not implemented yet: {which} still raises NotImplementedError. Replace "
                                   "the `raise NotImplementedError(...)` line with your code, then run the "
                                   "cell again.")
        stub.learner_stub = True  # tells @checker this is the learner's stub, not a bug in the check
        raise stub from None
    except Exception as err:  # the learner's bug: show it, do not crash the notebook
        report(False, "", f"{name} raised {type(err).__name__}: {err}")
    return False, None


def describe(got) -> str:
    """What the learner gave, in a few words for a hint: ``str 'no'``, ``ndarray of shape (7, 3, 2)``."""
    if got is None:
        return "None"
    kind = type(got).__name__
    if isinstance(got, (str, bytes, numbers.Number, np.generic)):
        text = repr(got)
        return f"{kind} {text if len(text) <= 40 else text[:37] + '...'}"
    if isinstance(getattr(got, "shape", None), tuple):  # numpy arrays and torch tensors
        return f"{kind} of shape {tuple(got.shape)}"
    if isinstance(got, (list, tuple, dict, set)):
        return f"{kind} of length {len(got)}"
    return kind


def _to_numpy(got):
    """``got`` (a tensor, an array, nested lists of numbers) as a numpy array of numbers, else ``None``."""
    if got is None or isinstance(got, (str, bytes)):
        return None
    if hasattr(got, "detach"):  # a torch tensor
        got = got.detach().cpu()
        got = got.double() if got.is_floating_point() else got  # bfloat16 has no numpy twin
    try:
        arr = np.asarray(got)
    except (TypeError, ValueError):  # rows of different lengths
        return None
    return arr if arr.dtype.kind in "biuf" else None  # strings, objects and complex numbers are refused


def as_number(got, name: str):
    """``(float, None)`` when ``got`` is one finite real number, else ``(None, a sentence saying why)``.

    A Python or numpy number, or an array or tensor holding exactly one. Bools and strings are
    refused although ``float()`` takes them: ``True`` or ``"4.2"`` for a number is a slip.
    """
    arr = _to_numpy(got)
    if arr is None or arr.dtype.kind == "b" or arr.size != 1:
        return None, f"{name} should be one number, got {describe(got)}."
    value = float(arr.reshape(-1)[0])
    if not np.isfinite(value):
        return None, f"{name} should be a finite number, got {value}."
    return value, None


def as_int(got, name: str):
    """``(int, None)`` when ``got`` is one integer (not a bool, not a float), else ``(None, why)``."""
    arr = _to_numpy(got)
    if arr is None or arr.dtype.kind not in "iu" or arr.size != 1:
        return None, f"{name} should be an integer, got {describe(got)}."
    return int(arr.reshape(-1)[0]), None


def as_array(got, name: str, shape=None):
    """``(float array, None)`` when ``got`` holds finite numbers (of ``shape``, if given), else ``(None, why)``.

    Takes torch tensors, numpy arrays and nested lists; bools count as 0 and 1 (masks).
    """
    arr = _to_numpy(got)
    if arr is None:
        return None, f"{name} should be an array of numbers (rows of equal length), got {describe(got)}."
    if shape is not None and arr.shape != tuple(shape):
        return None, f"{name} has shape {arr.shape}, expected {tuple(shape)}."
    if not np.all(np.isfinite(arr)):
        return None, f"{name} contains NaN or inf."
    return arr.astype(float), None


def as_arrays(got, names):
    """``([float arrays], None)`` when ``got`` is a tuple or list of ``len(names)`` arrays, else ``(None, why)``."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        return None, f"return a tuple ({', '.join(names)}), got {describe(got)}."
    arrays = []
    for name, part in zip(names, got):
        arr, problem = as_array(part, name)
        if problem:
            return None, problem
        arrays.append(arr)
    return arrays, None


def as_bool(got, name: str):
    """``(bool, None)`` when ``got`` is ``True`` or ``False`` (numpy's too), else ``(None, why)``.

    ``"no"``, ``1`` or NaN would pass ``bool()``, so they are refused.
    """
    if isinstance(got, (bool, np.bool_)):
        return bool(got), None
    return None, f"{name} should be True or False, got {describe(got)}."


def compare_arrays(got, expected, name: str = "result", atol: float = 1e-6, rtol: float = 1e-5) -> str | None:
    """Return ``None`` if ``got`` matches ``expected``, else a sentence saying how it differs."""
    expected = _to_numpy(expected).astype(float)
    got_arr, problem = as_array(got, name, shape=expected.shape)
    if problem:
        return problem
    if not np.allclose(got_arr, expected, atol=atol, rtol=rtol):
        diff = np.abs(got_arr - expected)
        where = np.unravel_index(np.argmax(diff), diff.shape)
        return (f"{name} differs from the expected value: largest gap {diff.max():.3g} "
                f"at index {tuple(int(i) for i in where)} "
                f"(got {got_arr[where]:.6g}, expected {expected[where]:.6g}).")
    return None


@checker
def check_function(fn, reference, cases, name: str = "your function", atol: float = 1e-6) -> bool:
    """Run ``fn`` and ``reference`` on each argument tuple in ``cases``; compare the results."""
    for i, args in enumerate(cases, start=1):
        ok, got = call_learner(fn, *args, name=name)
        if not ok:
            return False
        problem = compare_arrays(got, reference(*args), name=f"{name} on test case {i}", atol=atol)
        if problem:
            return report(False, "", problem)
    return report(True, f"{name} is correct on all {len(cases)} test cases.", "")


@checker
def check_number(got, expected, name: str = "your answer", rtol: float = 1e-6, hint: str = "") -> bool:
    """Compare a single number, with an optional hint on a wrong answer."""
    value, problem = as_number(got, name)
    if problem:
        return report(False, "", problem)
    if np.isclose(value, expected, rtol=rtol, atol=0.0):
        return report(True, f"{name} = {value:,.6g} is right.", "")
    return report(False, "", f"{name} = {value:,.6g} is not right. {hint}".strip())
