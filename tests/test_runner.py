"""The notebook runner's cache: a copy is reused while nothing that can change it has changed."""
import shutil
from pathlib import Path

import nbformat
import pytest

from course_tools import runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"


@pytest.fixture
def sources(tmp_path):
    """A copy of the package sources and the pins, to change without touching the project."""
    package = tmp_path / "course_utils"
    shutil.copytree(ROOT / "course_utils", package, ignore=shutil.ignore_patterns("__pycache__"))
    pins = tmp_path / "pyproject.toml"
    shutil.copy(ROOT / "pyproject.toml", pins)
    return {"package_dir": package, "pins_file": pins}


def test_the_key_follows_everything_that_can_change_a_run(sources, tmp_path):
    def key(path=NOTEBOOK, kind="student", fast=True, extra=""):
        return runner.cache_key(path, kind, fast, extra, **sources)

    base = key()
    assert key() == base and len(base) == 64
    edited = tmp_path / NOTEBOOK.name
    edited.write_text(NOTEBOOK.read_text() + " ")
    assert key(path=edited) != base
    assert key(kind="publish") != base and key(fast=False) != base and key(extra="a probe cell") != base
    module = sources["package_dir"] / "data" / "text.py"
    module.write_text(module.read_text() + "\n# one more line\n")
    changed = key()
    assert changed != base
    sources["pins_file"].write_text(sources["pins_file"].read_text().replace("torch==2.13.0", "torch==2.13.1"))
    assert key() != changed


def test_a_changed_package_source_makes_the_cached_copy_stale(sources, tmp_path):
    notebook = tmp_path / "tiny.ipynb"
    cell = "with open('runs.txt', 'a') as f:\n    f.write('run\\n')"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), notebook)
    runs = tmp_path / "runs.txt"

    def copy():
        return runner.executed_copy(notebook, "unit", fast=True, cache_dir=tmp_path / "cache",
                                    key_sources=sources, timeout=120)

    first = copy()
    assert first == tmp_path / "cache" / "unit" / "tiny.ipynb" and runs.read_text() == "run\n"
    assert nbformat.read(first, as_version=4).metadata["course_run"]["mode"] == "fast"
    assert copy() == first and runs.read_text() == "run\n", "an unchanged notebook is not run again"
    config = sources["package_dir"] / "config.py"
    config.write_text(config.read_text() + "\n# a change to the package\n")
    copy()
    assert runs.read_text() == "run\nrun\n", "a changed course_utils source makes the copy stale"
