"""Load a function a notebook writes out, so a test can run it beside the package's reference copy.

The notebooks show their loops (training, sampling) as plain ``def`` cells; the package keeps
the reference copy that later notebooks reuse. :func:`notebook_function` executes every import
statement of the notebook and then only the named function definitions, so nothing else of
the notebook runs (no data loading, no training).
"""
import ast
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _code_cells(notebook: str):
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            # IPython magics and shell lines are not Python: leave them out
            yield "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))


def notebook_function(notebook: str, name: str, *helpers: str):
    """The function ``name`` as notebook ``notebook`` defines it (with the notebook's imports).

    ``helpers``: other functions of the notebook that ``name`` calls, defined alongside it.
    Raises AssertionError unless each name is defined exactly once in the notebook.
    """
    namespace, found = {}, {n: [] for n in (name, *helpers)}
    for source in _code_cells(notebook):
        for node in ast.parse(source).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                exec(compile(ast.Module([node], []), notebook, "exec"), namespace)
            elif isinstance(node, ast.FunctionDef) and node.name in found:
                found[node.name].append(node)
    for fname, nodes in found.items():
        assert len(nodes) == 1, f"{notebook} defines {fname} {len(nodes)} times, expected once"
        exec(compile(ast.Module(nodes, []), f"{notebook}:{fname}", "exec"), namespace)
    return namespace[name]
