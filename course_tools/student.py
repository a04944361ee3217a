"""Student copies of the notebooks: every exercise solution replaced by a stub.

In the committed notebooks each exercise holds a working solution between a
``### BEGIN SOLUTION`` and a ``### END SOLUTION`` line, possibly indented inside
a ``def``. A student copy keeps everything else and puts, at the indentation of
the ``BEGIN`` line,

    # TODO: your code here
    raise NotImplementedError("not implemented yet: write the body of one_hot()")

so the exercise cell fails with a clear message until the learner fills it in.
Outputs are cleared. Run ``python -m course_tools.student --out student/``
(``make student``).
"""
import argparse
import ast
import copy
import re
import shutil
import sys
import textwrap
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


class SolutionBlockError(ValueError):
    """A ``BEGIN``/``END SOLUTION`` marker without its partner, or a block inside a block."""


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _enclosing_def(lines: list[str], indent: str) -> str | None:
    """Name of the innermost ``def`` that the block (at ``indent``) sits in, or ``None``."""
    depth = len(indent)
    for line in reversed(lines):
        if line.strip() and len(_indent(line)) < depth:  # a line that opens an enclosing block
            match = re.match(r"\s*(?:async\s+)?def\s+(\w+)", line)
            if match:
                return match.group(1)
            depth = len(_indent(line))
    return None


def _assigned_names(block: list[str]) -> list[str]:
    """Names a top-level block defines (assignments, defs), in order; [] if it does not parse."""
    try:
        tree = ast.parse(textwrap.dedent("\n".join(block)))
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            targets = [node.name]
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for target in getattr(node, "targets", [getattr(node, "target", None)]):
                targets += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
        names += [t for t in targets if t != "_" and t not in names]
    return names


def _hint(before: list[str], block: list[str], after: list[str], indent: str) -> str:
    """The short hint in the stub's message: which function or which names to write."""
    if indent:
        name = _enclosing_def(before, indent)
        if name:
            return f"write the body of {name}()"
    names = _assigned_names(block)
    rest = "\n".join(after)
    used_later = [n for n in names if re.search(rf"\b{re.escape(n)}\b", rest)]
    names = used_later or names
    if names:
        return "write the code that sets " + ", ".join(names)
    return "write your solution in place of this line"


def _stub(indent: str, hint: str) -> list[str]:
    return [f"{indent}# TODO: your code here",
            f'{indent}raise NotImplementedError("not implemented yet: {hint}")']


def strip_solutions(source: str, where: str = "this cell") -> tuple[str, int]:
    """Replace each solution block of one cell's ``source`` by a stub.

    Returns ``(new_source, number_of_blocks)``. Text outside the blocks is kept
    as it is. Raises ``SolutionBlockError`` naming ``where`` and the line for a
    ``BEGIN`` without ``END``, an ``END`` without ``BEGIN``, or nested blocks.
    """
    lines = source.split("\n")
    out, block, start, blocks = [], [], None, 0
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == BEGIN:
            if start is not None:
                raise SolutionBlockError(f"{where}: nested solution block at line {number} "
                                         f"(the block opened at line {start} is not closed yet)")
            start, block = number, []
        elif marker == END:
            if start is None:
                raise SolutionBlockError(f"{where}: '{END}' at line {number} without a '{BEGIN}' before it")
            indent = _indent(lines[start - 1])
            out += _stub(indent, _hint(lines[: start - 1], block, lines[number:], indent))
            start, blocks = None, blocks + 1
        elif start is not None:
            block.append(line)
        else:
            out.append(line)
    if start is not None:
        raise SolutionBlockError(f"{where}: '{BEGIN}' at line {start} has no '{END}' after it")
    return "\n".join(out), blocks


def student_notebook(nb, name: str = "notebook"):
    """A copy of ``nb`` with every solution block stubbed and every output cleared; returns ``(copy, blocks)``."""
    nb = copy.deepcopy(nb)
    total = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"{name}, cell {index}" + (f" (id {cell['id']})" if "id" in cell else "")
        cell.source, blocks = strip_solutions(cell.source, where)
        total += blocks
        cell.outputs = []
        cell.execution_count = None
    nb.metadata.pop("widgets", None)  # saved widget state is output too
    return nb, total


def write_student_copies(src: Path = NOTEBOOKS, out: Path = Path("student")) -> dict[str, int]:
    """Write a student copy of every notebook in ``src`` to ``out``; return ``{file name: blocks}``.

    Every notebook is checked before anything is written, so a malformed block
    leaves ``out`` untouched. A notebook with nothing to change is copied byte for byte.
    """
    src, out = Path(src), Path(out)
    paths = sorted(src.glob("*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"src: no .ipynb files in {src}")
    copies = {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        copies[path] = (nb, *student_notebook(nb, path.name))
    out.mkdir(parents=True, exist_ok=True)
    for path, (original, stripped, _) in copies.items():
        if stripped == original:
            shutil.copyfile(path, out / path.name)
        else:
            nbformat.write(stripped, out / path.name)
    return {path.name: blocks for path, (_, _, blocks) in copies.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("student"), help="folder for the copies (default: student/)")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="folder of the solution notebooks")
    args = parser.parse_args(argv)
    try:
        written = write_student_copies(args.notebooks, args.out)
    except (SolutionBlockError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"student copies of {len(written)} notebooks written to {args.out}/ "
          f"({sum(written.values())} solution blocks replaced by stubs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
