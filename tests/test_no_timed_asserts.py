"""No notebook asserts on a wall-clock measurement: speed claims live in bench/ (CONTRIBUTING.md).

A timing assert passes on a quiet machine and fails on a busy one, so it fails CI by luck. The check
follows names through a notebook: a name is *timed* when it is assigned from an expression that
calls a clock (``time.perf_counter``, ``time_softmax_vs_negative_sampling``, ``timeit``...) or that
reads another timed name. No ``assert`` may read a timed name.
"""
import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CLOCK_WORDS = {"time", "perf", "monotonic", "timeit", "elapsed"}  # words of a clock's name


def _code(cell_source: str) -> str:
    """The cell without IPython magics and shell escapes, which are not Python."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell_source.splitlines())


def _reads(node) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _calls_a_clock(node) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            words = set(re.split(r"[._]", ast.unparse(n.func).lower()))
            if words & CLOCK_WORDS:  # time.perf_counter, time_onehot_vs_lookup; not sentiment_stepper
                return True
    return False


def _targets(node) -> set:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def timed_asserts(sources) -> list:
    """``(cell index, assert source)`` for each assert that reads a timed name, in run order."""
    timed, found = set(), []
    for index, source in enumerate(sources):
        tree = ast.parse(_code(source))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                if _calls_a_clock(node.value) or _reads(node.value) & timed:
                    timed |= _targets(node)
            elif isinstance(node, (ast.For, ast.comprehension)):
                if _reads(node.iter) & timed:
                    timed |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert) and _reads(node.test) & timed:
                found.append((index, ast.unparse(node.test)))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_assert_reads_a_timing(path):
    nb = nbformat.read(path, as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    found = timed_asserts(sources)
    assert not found, f"{path.name} asserts on wall-clock time (move the claim to bench/): {found}"


def test_the_check_catches_a_timing_assert():
    # The assert that once failed CI on a busy machine, in notebook 02.
    sources = [
        "timing = word2vec.time_softmax_vs_negative_sampling(sizes, dim=100, K=5)",
        "ratio = timing['softmax_s'][-1] / timing['negative_s'][-1]\nassert ratio > 10",
        "t0 = time.perf_counter()\nrun()\nseconds = time.perf_counter() - t0",
        "for s in [seconds]:\n    assert s < 1",
        "rows = count_rows(U)\nassert rows == 5",
    ]
    assert timed_asserts(sources) == [(1, "ratio > 10"), (3, "s < 1")]
