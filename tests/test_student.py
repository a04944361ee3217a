"""`make student`: solution blocks become "not implemented yet" stubs, and in the student copies only the
exercise cells fail (every other cell runs, in a kernel with the offline guard)."""
import ast
from pathlib import Path

import nbformat
import pytest
from course_session import TEST_CACHE
from course_utils import config
from course_tools import runner, student
from course_tools.student import SolutionBlockError, strip_solutions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _notebook(*sources, outputs=()):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook")]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    for cell in nb.cells[1:]:
        cell.outputs = [nbformat.v4.new_output("stream", text=t) for t in outputs]
        cell.execution_count = 3 if outputs else None
    return nb


# ---------------------------------------------------------------- the stripping function

def test_block_in_a_def_becomes_a_stub_at_its_indentation():
    source = ("import numpy as np\n\n"
              "def one_hot(ids, vocab_size):\n"
              "    \"\"\"Docstring stays.\"\"\"\n"
              "    ### BEGIN SOLUTION\n"
              "    X = np.zeros((len(ids), vocab_size))\n"
              "    return X\n"
              "    ### END SOLUTION\n\n"
              "check_one_hot(one_hot)")
    out, blocks = strip_solutions(source)
    assert blocks == 1
    assert out == ("import numpy as np\n\n"
                   "def one_hot(ids, vocab_size):\n"
                   "    \"\"\"Docstring stays.\"\"\"\n"
                   "    # TODO: your code here\n"
                   "    raise NotImplementedError(\"not implemented yet: write the body of one_hot()\")\n\n"
                   "check_one_hot(one_hot)")
    namespace = {}
    exec(compile(out.replace("check_one_hot(one_hot)", ""), "<cell>", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="not implemented yet: write the body of one_hot"):
        namespace["one_hot"]([1], 3)


def test_top_level_block_names_the_value_the_cell_uses():
    source = ("rng = make_rng()\n"
              "### BEGIN SOLUTION\n"
              "def helper():\n"
              "    return 1\n"
              "_, grads = helper(), 2\n"
              "errors = {'a': helper()}\n"
              "### END SOLUTION\n"
              "check(errors)")
    out, _ = strip_solutions(source)
    assert out.split("\n") == ["rng = make_rng()", "# TODO: your code here",
                               'raise NotImplementedError("not implemented yet: write the code that sets errors")',
                               "check(errors)"]


def test_several_blocks_and_deeper_indentation():
    source = ("class Model:\n"
              "    def step(self, x):\n"
              "        if x:\n"
              "            ### BEGIN SOLUTION\n"
              "            return x\n"
              "            ### END SOLUTION\n"
              "        return 0\n\n"
              "### BEGIN SOLUTION\n"
              "answer = 42\n"
              "### END SOLUTION\n")
    out, blocks = strip_solutions(source)
    assert blocks == 2
    lines = out.split("\n")
    assert lines[3] == "            # TODO: your code here"
    assert lines[4] == '            raise NotImplementedError("not implemented yet: write the body of step()")'
    assert lines[5] == "        return 0"
    assert lines[-2] == 'raise NotImplementedError("not implemented yet: write the code that sets answer")'
    ast.parse(out)


def test_source_without_blocks_is_unchanged():
    source = "x = 1\n# a comment mentioning ### BEGIN SOLUTION in passing\nprint(x)\n"
    assert strip_solutions(source) == (source, 0)


@pytest.mark.parametrize("source, problem", [
    ("a = 1\n### BEGIN SOLUTION\nb = 2\n", "'### BEGIN SOLUTION' at line 2 has no '### END SOLUTION'"),
    ("a = 1\n### END SOLUTION\n", "'### END SOLUTION' at line 2 without a '### BEGIN SOLUTION'"),
    ("### BEGIN SOLUTION\n  ### BEGIN SOLUTION\nx\n### END SOLUTION\n### END SOLUTION",
     "nested solution block at line 2 (the block opened at line 1"),
])
def test_malformed_blocks_name_the_notebook_cell_and_line(source, problem):
    nb = _notebook("print('fine')", source)
    with pytest.raises(SolutionBlockError) as err:
        student.student_notebook(nb, "07_demo.ipynb")
    assert str(err.value).startswith(f"07_demo.ipynb, cell 2 (id {nb.cells[2].id}): ")
    assert problem in str(err.value)


def test_student_notebook_clears_outputs_and_keeps_everything_else():
    nb = _notebook("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", "print(2)", outputs=["2\n"])
    nb.cells[1].metadata["tags"] = ["keep-me"]
    copy, blocks = student.student_notebook(nb, "x.ipynb")
    assert blocks == 1 and nb.cells[1].outputs, "the original notebook is not modified"
    assert all(c.outputs == [] and c.execution_count is None for c in copy.cells[1:])
    assert [c.id for c in copy.cells] == [c.id for c in nb.cells]
    assert copy.cells[1].metadata == {"tags": ["keep-me"]} and copy.cells[2].source == "print(2)"
    assert copy.cells[0] == nb.cells[0]


def test_write_copies_unchanged_notebook_byte_for_byte(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    nbformat.write(_notebook("print(1)"), src / "01_plain.ipynb")
    (src / "01_plain.ipynb").write_text((src / "01_plain.ipynb").read_text() + "\n")  # odd formatting survives
    nbformat.write(_notebook("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\nprint(x)"), src / "02_exercise.ipynb")
    assert student.write_student_copies(src, out) == {"01_plain.ipynb": 0, "02_exercise.ipynb": 1}
    assert (out / "01_plain.ipynb").read_bytes() == (src / "01_plain.ipynb").read_bytes()
    stripped = nbformat.read(out / "02_exercise.ipynb", as_version=4)
    assert "x = 1" not in stripped.cells[1].source and "not implemented yet" in stripped.cells[1].source


def test_a_malformed_notebook_writes_nothing(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    nbformat.write(_notebook("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"), src / "01_good.ipynb")
    nbformat.write(_notebook("print(0)", "### BEGIN SOLUTION\nx = 1\n"), src / "02_bad.ipynb")
    assert student.main(["--notebooks", str(src), "--out", str(out)]) == 1
    assert "02_bad.ipynb, cell 2" in capsys.readouterr().err
    assert not out.exists()
    (src / "02_bad.ipynb").unlink()
    assert student.main(["--notebooks", str(src), "--out", str(out)]) == 0
    assert "student copies of 1 notebooks written" in capsys.readouterr().out


def test_every_course_notebook_strips_to_valid_python():
    total = 0
    for path in NOTEBOOKS:
        nb, blocks = student.student_notebook(nbformat.read(path, as_version=4), path.name)
        total += blocks
        for cell in nb.cells:
            if cell.cell_type == "code":
                ast.parse(cell.source)
                assert "### BEGIN SOLUTION" not in cell.source and "### END SOLUTION" not in cell.source
    assert total >= 2 * len(NOTEBOOKS), "every notebook has exercises"


# ---------------------------------------------------------------- the student copies, executed

# Appended to each copy: the kernel must run under the same offline guard as nbval's.
GUARD_PROBE = "import sys\nassert 'offline_guard' in sys.modules, 'the offline guard is not installed in this kernel'"
KERNEL_STARTUP = "".join((ROOT / "tests" / name).read_text() for name in
                         ("course_session.py", "offline_guard.py", "kernel_records.py", "value_fingerprint.py"))


def _student_copy(nb, name: str):
    copy, _ = student.student_notebook(nb, name)
    copy.cells.append(nbformat.v4.new_code_cell(GUARD_PROBE))
    return copy


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_fails_only_in_its_exercise_cells(path):
    original = nbformat.read(path, as_version=4)
    exercises = {i for i, c in enumerate(original.cells) if c.cell_type == "code" and student.BEGIN in c.source}
    assert exercises, f"{path.name} has no exercise"
    # Read-only check: the executed copy is reused while nothing that can change it has changed
    # (the kernels' startup code included: the guard probe reads what it installs).
    executed = runner.executed_copy(path, "student", fast=config.is_fast(), cache_dir=TEST_CACHE,
                                    prepare=lambda nb: _student_copy(nb, path.name),
                                    extra_key=GUARD_PROBE + KERNEL_STARTUP, allow_errors=True, timeout=600)
    nb = nbformat.read(executed, as_version=4)

    errors = {i: out for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"}
    unexpected = {i: f"{e.ename}: {e.evalue}" for i, e in errors.items() if i not in exercises}
    assert not unexpected, f"{path.name}: cells that are not exercises failed: {unexpected}"
    assert set(errors) == exercises, f"{path.name}: exercise cells that did not fail: {sorted(exercises - set(errors))}"
    for i in exercises:
        assert errors[i].ename == "NotImplementedError", (path.name, i, errors[i].ename, errors[i].evalue)
        assert "not implemented yet" in errors[i].evalue, (path.name, i, errors[i].evalue)
