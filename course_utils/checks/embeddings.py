"""Checkers for the exercises of notebook 01 (one-hot vs embeddings)."""
import numpy as np

from course_utils import embeddings
from course_utils.checks import as_array, call_learner, check_function, check_number, checker, report


@checker
def check_one_hot(fn) -> bool:
    """Exercise 1: ``fn(ids, vocab_size)`` returns the one-hot rows, shape ``(len(ids), vocab_size)``."""
    cases = [([4], 10), ([0, 2, 2, 1], 3), (np.array([7, 0, 3]), 8)]
    return check_function(fn, embeddings.one_hot, cases, name="one_hot")


@checker
def check_lookup_equals_matmul(fn) -> bool:
    """Exercise 2: ``fn(E, ids)`` selects the rows of ``E`` by multiplying with one-hot rows."""
    rng = np.random.default_rng(1)
    E = rng.normal(size=(6, 3))
    ids = np.array([5, 0, 5, 2])
    ok, got = call_learner(fn, E, ids, name="embed_by_matmul")
    if not ok:
        return False
    got, problem = as_array(got, "the result of embed_by_matmul")
    if problem:
        return report(False, "", problem)
    if got.shape == (3, 4):
        return report(False, "", "the result is transposed: one row per word, shape (len(ids), dim).")
    if got.shape != (4, 3):
        return report(False, "", f"expected shape (4, 3) (one row per word), got {got.shape}.")
    if np.allclose(got, E[::-1][ids]) and not np.allclose(got, E[ids]):
        return report(False, "", "the rows come out in the wrong order: is the 1 at column ids[i]?")
    if not np.allclose(got, E[ids]):
        return report(False, "", "the rows do not match E[ids]: one_hot(ids, V) @ E picks row ids[i] of E.")
    return report(True, "one_hot(ids) @ E gives exactly the rows E[ids]: a lookup.", "")


@checker
def check_window_bytes(answer) -> bool:
    """Exercise 3: bytes of a batch of 32 windows of 10 one-hot words, vocabulary 100 000, float32."""
    expected = embeddings.window_input_bytes(10, 100_000, batch=32)
    return check_number(answer, expected, name="bytes",
                        hint="count numbers first: batch x window x vocabulary size; "
                             "then 4 bytes per float32 number.")
