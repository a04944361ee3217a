"""Exercise feedback: every check prints a friendly verdict and returns a bool.

A check never raises on a wrong answer: it says what is wrong and gives a hint.
Exercise-specific checkers live in submodules named after the idea they test
(``checks.embeddings`` for notebook 01, ...); the generic pieces are here.

A learner's function that still raises ``NotImplementedError`` (the stub in a
student copy, see ``course_utils.publish.student``) is not a wrong answer: the
check raises ``NotImplementedError("not implemented yet: ...")`` naming the
function to fill in, so the exercise cell visibly stops there.
"""
import numpy as np

PASS = "\u2705"  # green tick
FAIL = "\u274c"  # red cross


def report(ok: bool, success: str, hint: str) -> bool:
    """Print the success message or the hint; return ``ok``."""
    print(f"{PASS} {success}" if ok else f"{FAIL} Not yet. {hint}")
    return bool(ok)


def call_learner(fn, *args, name: str = "your function"):
    """Call the learner's ``fn``; return ``(True, result)`` or ``(False, None)`` after printing why.

    A stub that raises ``NotImplementedError`` is re-raised as "not implemented yet: <name> ...".
    """
    if not callable(fn):
        report(False, "", f"expected a function for {name}, got {type(fn).__name__}.")
        return False, None
    try:
        return True, fn(*args)
    except NotImplementedError:
        own = getattr(fn, "__name__", "")  # the name in the learner's cell (my_rnn_step), if it has one
        which = own if own.isidentifier() else name
        raise NotImplementedError(f"not implemented yet: {which} still raises NotImplementedError. Replace "
                                  "the `raise NotImplementedError(...)` line with your code, then run the "
                                  "cell again.") from None
    except Exception as err:  # the learner's bug: show it, do not crash the notebook
        report(False, "", f"{name} raised {type(err).__name__}: {err}")
    return False, None


def compare_arrays(got, expected, name: str = "result", atol: float = 1e-6, rtol: float = 1e-5) -> str | None:
    """Return ``None`` if ``got`` matches ``expected``, else a sentence saying how it differs."""
    try:
        got_arr = np.asarray(got.detach().cpu() if hasattr(got, "detach") else got, dtype=float)
    except (TypeError, ValueError):
        return f"{name} should be an array of numbers, got {type(got).__name__}."
    expected = np.asarray(expected, dtype=float)
    if got_arr.shape != expected.shape:
        return f"{name} has shape {got_arr.shape}, expected {expected.shape}."
    if not np.all(np.isfinite(got_arr)):
        return f"{name} contains NaN or inf."
    if not np.allclose(got_arr, expected, atol=atol, rtol=rtol):
        diff = np.abs(got_arr - expected)
        where = np.unravel_index(np.argmax(diff), diff.shape)
        return (f"{name} differs from the expected value: largest gap {diff.max():.3g} "
                f"at index {tuple(int(i) for i in where)} "
                f"(got {got_arr[where]:.6g}, expected {expected[where]:.6g}).")
    return None


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


def check_number(got, expected, name: str = "your answer", rtol: float = 1e-6, hint: str = "") -> bool:
    """Compare a single number, with an optional hint on a wrong answer."""
    try:
        value = float(got)
    except (TypeError, ValueError):
        return report(False, "", f"{name} should be a number, got {got!r}.")
    if np.isclose(value, expected, rtol=rtol, atol=0.0):
        return report(True, f"{name} = {value:,.6g} is right.", "")
    return report(False, "", f"{name} = {value:,.6g} is not right. {hint}".strip())
