"""Every notebook, run twice in fast mode, gives the same asserted numbers, bit for bit.

Each notebook runs twice in fresh kernels of this environment (the offline guard
is active in both, through conftest's IPython startup file), with different
``PYTHONHASHSEED`` values, so an order that depends on string hashing (iterating a
set of words) shows up here instead of in a learner's second run. After every
cell that holds ``assert`` statements, a probe cell reads the values those
asserts read (see ``value_fingerprint.assert_expressions``) and prints their
fingerprints; both runs must print the same ones.

The probe cells evaluate only call-free names, attributes and subscripts, so they
cannot change what the notebook does next.
"""
import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

sys.path.insert(0, str(Path(__file__).resolve().parent))
from value_fingerprint import MARKER, assert_expressions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
KERNEL = "course-current-env"
CELL_TIMEOUT_S = 900
# Wall-clock measurements that asserts read would differ from run to run by nature, so they would
# be left out of the comparison (and must stay among the expressions the asserts read: see below).
# There are none: no notebook asserts on a timing (speed claims live in bench/).
WALL_CLOCK: dict[str, frozenset] = {}


class _CurrentEnvSpecs(KernelSpecManager):
    """The Python kernel of the interpreter running the tests (like nbval's --nbval-current-env)."""

    def get_kernel_spec(self, kernel_name):
        import ipykernel.kernelspec

        if kernel_name == KERNEL:
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())
        return super().get_kernel_spec(kernel_name)


class _CurrentEnvKernels(AsyncKernelManager):
    """Starts that kernel. Handed to nbclient as a class, so nbclient owns the manager and shuts the kernel down."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self):
        return _CurrentEnvSpecs()


def assert_probes(nb) -> dict:
    """``{cell index: [expressions its asserts read]}`` for the code cells of a notebook."""
    probes = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "assert" in cell.source:
            expressions = assert_expressions(cell.source)
            if expressions:
                probes[index] = expressions
    return probes


def _cell_label(nb, index: int) -> str:
    cell_id = nb.cells[index].get("id", "?")
    return f"cell {index} (id {cell_id})"


def with_probe_cells(nb, probes: dict):
    """A copy of the notebook with a probe cell after each cell in ``probes`` (and a set-up cell first)."""
    setup = (f"import sys as _course_sys\n_course_sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
             "from value_fingerprint import probe as _course_probe\ndel _course_sys")
    cells = [nbformat.v4.new_code_cell(setup)]
    for index, cell in enumerate(nb.cells):
        cells.append(cell)
        if index in probes:
            call = f"_course_probe({index!r}, {probes[index]!r}, get_ipython().user_ns)"
            cells.append(nbformat.v4.new_code_cell(call))
    for number, cell in enumerate(cells):  # fresh unique ids (older notebooks have none)
        cell["id"] = f"run-{number}"
    return nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)


def run_and_record(path: Path, probes: dict, hash_seed: int) -> dict:
    """Run the notebook once in a fresh kernel; return ``{cell index: {expr: fingerprint or None}}``."""
    nb = nbformat.read(path, as_version=4)
    probed = with_probe_cells(nb, probes)
    client = NotebookClient(probed, kernel_manager_class=_CurrentEnvKernels, kernel_name=KERNEL,
                            timeout=CELL_TIMEOUT_S, allow_errors=False, shutdown_kernel="immediate")
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "COURSE_FAST": "1", "MPLBACKEND": "agg"}
    client.execute(cwd=str(path.parent), env=env)
    recorded = {}
    for cell in probed.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines() if output.get("name") == "stdout" else []:
                if line.startswith(MARKER):
                    entry = json.loads(line[len(MARKER):])
                    recorded[entry["key"]] = entry["values"]
    return recorded


def compare_two_runs(path: Path, wall_clock=frozenset()) -> tuple[int, list]:
    """Run the notebook twice; return the number of asserted values compared and a line per difference."""
    nb = nbformat.read(path, as_version=4)
    probes = assert_probes(nb)
    assert probes, f"{path.name} has no assert that reads a value: nothing to compare"
    read = {expr for expressions in probes.values() for expr in expressions}
    assert wall_clock <= read, f"WALL_CLOCK names {sorted(wall_clock - read)}, which no assert of {path.name} reads"
    first = run_and_record(path, probes, hash_seed=1)
    second = run_and_record(path, probes, hash_seed=2)
    assert set(first) == set(probes) == set(second), "a probe cell did not report"
    differ, recorded = [], 0
    for index, expressions in probes.items():
        for expr in expressions:
            a, b = first[index][expr], second[index][expr]
            if expr in wall_clock or (a is None and b is None):
                continue
            recorded += 1
            if a != b:
                differ.append(f"  {_cell_label(nb, index)}: {expr}\n    run 1: {a}\n    run 2: {b}")
    return recorded, differ


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_two_fast_runs_give_the_same_asserted_values(path):
    recorded, differ = compare_two_runs(path, WALL_CLOCK.get(path.stem, frozenset()))
    # A check that recorded nothing would prove nothing.
    assert recorded > 0, f"{path.name}: none of the asserted expressions could be recorded"
    print(f"{path.name}: {recorded} asserted values compared")
    assert not differ, (f"{path.name}: {len(differ)} of {recorded} asserted values differ between two "
                        f"fast-mode runs:\n" + "\n".join(differ))


def test_the_check_catches_unseeded_numbers_and_hash_order(tmp_path):
    cells = ["import random\nimport numpy as np\nx = random.random()\nwords = list({'apple', 'pear', 'plum', 'fig', 'kiwi'})",
             "assert 0 <= x < 1 and len(words) == 5",
             "seeded = np.random.default_rng(0).normal(size=3)\nassert seeded.shape == (3,)",
             "def helper(y):\n    assert y > 0\n    return y\nassert helper(seeded[0] ** 2 + 1) > 0"]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    recorded, differ = compare_two_runs(path)
    assert recorded == 4  # x, words, seeded.shape, seeded[0] (not y: it lives inside helper)
    assert [line.split(": ")[1].split("\n")[0] for line in differ] == ["x", "words"]


# ---------------------------------------------------------------- the two helpers, on their own
def test_assert_expressions_reads_what_the_asserts_read():
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
