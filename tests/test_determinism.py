"""Two runs of every notebook, with different ``PYTHONHASHSEED``, read the same values in every assert.

Every kernel of the test run records, after each cell that
asserts, fingerprints of the values its asserts read (``kernel_records``, installed by the kernels'
IPython startup file). The two runs compared are nbval's (``PYTHONHASHSEED=1``) and the browser
test's (``PYTHONHASHSEED=2``); where there is no Chromium, or the browser test is deselected, the
second run happens here, headless (the only notebook runs made for this check).
``course_session`` compares them once every worker is done and reports the result as the run's
*determinism* check: an order that depends on string hashing (iterating a set of words) shows up
there instead of in a learner's second run.

The values read are call-free names, attributes and subscripts only, so reading them cannot change
what the notebook does next.
"""
import os
from pathlib import Path

import nbformat
import pytest

import kernel_records
from course_session import SECOND_RUN
from course_utils import config
from course_tools import runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")


BROWSER_TEST = "tests/test_browser.py::test_notebook_runs_in_a_browser_and_its_widget_reacts[{}]"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_second_run_without_a_browser(path, record_property, request):
    """The browser test is the second run; without Chromium, or with the browser test deselected,
    the notebook runs here instead."""
    browser_test = BROWSER_TEST.format(path.name)
    if os.access(CHROMIUM, os.X_OK) and any(item.nodeid == browser_test for item in request.session.items):
        pytest.skip("the browser test makes the second run")
    nb = nbformat.read(path, as_version=4)
    runner.run_notebook(nb, path.parent, fast=config.is_fast(), kind="headless", env={"PYTHONHASHSEED": "2"})
    record_property(SECOND_RUN, path.name)


def _two_runs(path: Path, records: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    for seed in ("1", "2"):
        runner.run_notebook(nbformat.from_dict(nb), path.parent, fast=True, kind="selftest",
                            env={"PYTHONHASHSEED": seed, "COURSE_KERNEL_RECORDS": str(records)})
    return kernel_records.load_runs(records)


def test_the_check_catches_unseeded_numbers_and_hash_order(tmp_path):
    cells = ["import random\nimport numpy as np\nx = random.random()\nwords = list({'apple', 'pear', 'plum', 'fig', 'kiwi'})",
             "assert 0 <= x < 1 and len(words) == 5",
             "seeded = np.random.default_rng(0).normal(size=3)\nassert seeded.shape == (3,)",
             "def helper(y):\n    assert y > 0\n    return y\nassert helper(seeded[0] ** 2 + 1) > 0"]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    (tmp_path / "records").mkdir()
    first, second = _two_runs(path, tmp_path / "records")
    compared, differ = kernel_records.compare(first, second)
    assert compared == 4  # x, words, seeded.shape, seeded[0] (not y: it lives inside helper)
    assert sorted(line.split(": ")[1].split("\n")[0] for line in differ) == ["words", "x"]


def test_runs_are_matched_to_their_notebook_by_their_cells():
    cells = kernel_records.notebook_cells(NOTEBOOKS[:3])
    first_nb = nbformat.read(NOTEBOOKS[1], as_version=4)
    entries = [{"cell": kernel_records.cell_key(c.source)} for c in first_nb.cells if c.cell_type == "code"]
    assert kernel_records.notebook_of(kernel_records.Run("nbval", "x", entries), cells) == NOTEBOOKS[1].name
    # a student copy: its exercise cells differ, the rest is the same notebook
    student = entries[:2] + [{"cell": "0" * 16}] * 2 + entries[4:]
    assert kernel_records.notebook_of(kernel_records.Run("student", "y", student), cells) == NOTEBOOKS[1].name
    assert kernel_records.notebook_of(kernel_records.Run("other", "z", [{"cell": "1" * 16}]), cells) is None


# ---------------------------------------------------------------- the two helpers, on their own
def test_assert_expressions_reads_what_the_asserts_read():
    from value_fingerprint import assert_expressions

    source = ("%time x = 1\n"
              "assert abs(by_k[T]['err'] - ref) < 1e-6 * np.mean(losses[-5:]), f'{x}'\n"
              "assert all(v > 0 for v in model.weights) and grad.is_sparse\n"
              "def check(y):\n    assert y > 0\n")
    found = assert_expressions(source)
    assert len(found) == len(set(found))
    assert set(found) == {"by_k[T]['err']", "T", "ref", "np", "losses[-5:]", "model.weights", "grad.is_sparse"}


def test_fingerprints_are_exact_and_order_free_only_where_order_means_nothing():
    import numpy as np
    import torch
    from value_fingerprint import Unrecordable, fingerprint

    x = np.linspace(0, 1, 50)
    y = x.copy()
    y[17] = np.nextafter(y[17], 2)  # one ulp
    assert fingerprint(x) == fingerprint(x.copy()) != fingerprint(y)
    assert fingerprint(x) != fingerprint(x.astype(np.float32)) != fingerprint(x.reshape(5, 10))
    assert fingerprint(torch.from_numpy(x)) != fingerprint(torch.from_numpy(y))
    assert fingerprint(0.1 + 0.2) != fingerprint(0.3) and fingerprint(-0.0) != fingerprint(0.0)
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})
    assert fingerprint({"x", "y", "z"}) == fingerprint({"z", "y", "x"})
    assert fingerprint([1, 2]) != fingerprint([2, 1])
    torch.manual_seed(0)
    a, b = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    assert fingerprint(a) != fingerprint(b)
    for not_a_value in (np, len, fingerprint, object()):
        with pytest.raises(Unrecordable):
            fingerprint(not_a_value)

