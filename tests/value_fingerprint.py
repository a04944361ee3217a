"""Exact, comparable fingerprints of the values a notebook's asserts read (for kernel_records.py).

Two parts, both importable without numpy or torch:
- :func:`assert_expressions` finds, in a cell's source, the names, attributes and
  subscripts that its ``assert`` statements read (only call-free ones: evaluating
  them again cannot change the notebook's state, e.g. its random generators);
- :func:`fingerprint` turns a value into a string that is equal for two values
  only if they are equal bit for bit: ``repr`` for floats, dtype + shape + SHA-256
  of the bytes for arrays and tensors, recursion into containers and plain objects.

The kernel-side :func:`probe` evaluates expressions in the notebook's namespace (``kernel_records``
calls it after each cell that asserts).
"""
import ast
import hashlib
import sys

_SHORT = 160  # fingerprints longer than this are stored as a hash
_MAX_DEPTH = 8


class Unrecordable(Exception):
    """The value has no stable fingerprint (a function, a module, an object known only by its address)."""


# ---------------------------------------------------------------- which expressions the asserts read
def _python_source(cell_source: str) -> str:
    """The cell as plain Python: IPython magics (``%time``, ``!ls``) turned into calls."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython is a dependency of ipykernel
        return cell_source
    return TransformerManager().transform_cell(cell_source)


def _bound_inside(node: ast.AST) -> set:
    """Names bound inside an expression: comprehension targets, lambda arguments, walrus targets."""
    bound = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.comprehension):
            bound |= {n.id for n in ast.walk(sub.target) if isinstance(n, ast.Name)}
        elif isinstance(sub, ast.Lambda):
            bound |= {a.arg for a in ast.walk(sub.args) if isinstance(a, ast.arg)}
        elif isinstance(sub, ast.NamedExpr):
            bound.add(sub.target.id)
    return bound


def _readable(node: ast.AST, bound: set) -> bool:
    """A name / attribute / subscript chain with no call, and no name bound inside the assert."""
    if not isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return False
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda)):
            return False
        if isinstance(sub, ast.Name) and sub.id in bound:
            return False
    return True


def assert_expressions(cell_source: str) -> list[str]:
    """Source text of every call-free name, attribute or subscript read by an ``assert`` in the cell.

    The function part of a call (``np.allclose`` in ``np.allclose(a, b)``) is left out: it is no value;
    so is the object of an attribute or subscript that is itself recorded (``by_k`` in ``by_k[1]["x"]``),
    whose other parts the assert does not read.

    Asserts anywhere in the cell count, at module level (inside loops too) but not
    inside ``def``/``class`` bodies, whose names are not the notebook's. Returns each
    expression once.
    """
    tree = ast.parse(_python_source(cell_source))
    found = []

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return
        if isinstance(node, ast.Assert):
            bound = _bound_inside(node.test)
            called = {id(sub.func) for sub in ast.walk(node.test) if isinstance(sub, ast.Call)}
            # of a chain like by_k[10]["rel_error"] only the whole is read (by_k may also hold timings)
            inner = {id(sub.value) for sub in ast.walk(node.test) if isinstance(sub, (ast.Attribute, ast.Subscript))
                     and id(sub) not in called and _readable(sub, bound)}
            for sub in ast.walk(node.test):
                if id(sub) not in called and id(sub) not in inner and _readable(sub, bound):
                    text = ast.unparse(sub)
                    if text not in found:
                        found.append(text)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


# ---------------------------------------------------------------- fingerprints
def _digest(kind: str, payload: bytes) -> str:
    return f"{kind}#{hashlib.sha256(payload).hexdigest()[:32]}"


def _array(a) -> str:
    """dtype, shape and the exact bytes of a numpy array (C order)."""
    import numpy as np

    if a.dtype == object:
        return f"object-array{a.shape}[" + ",".join(_fp(x, 1) for x in a.ravel().tolist()) + "]"
    data = np.ascontiguousarray(a)
    if data.size <= 4 and data.dtype.kind in "biuf":
        return f"array[{data.dtype}{data.shape}]({[repr(x) for x in data.ravel().tolist()]})"
    return f"array[{data.dtype}{data.shape}]" + _digest("", data.tobytes())


def _tensor(t) -> str:
    import torch

    t = t.detach().cpu()
    if t.is_sparse:
        t = t.coalesce().to_dense()
    if t.dtype in (torch.bfloat16,):
        t = t.float()
    return "tensor:" + _array(t.numpy())


def _fp(value, depth: int) -> str:
    if depth > _MAX_DEPTH:
        raise Unrecordable("nested too deeply")
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return repr(value)
    if isinstance(value, float):
        return "float:" + repr(value)
    if isinstance(value, complex):
        return "complex:" + repr(value)
    numpy = sys.modules.get("numpy")
    torch = sys.modules.get("torch")
    if numpy is not None:
        if isinstance(value, numpy.ndarray):
            return _array(value)
        if isinstance(value, numpy.generic):
            return f"{value.dtype}:{value.item()!r}"
        if isinstance(value, numpy.random.Generator):
            return "generator:" + _fp(value.bit_generator.state, depth + 1)
    if torch is not None:
        if isinstance(value, torch.Tensor):
            return _tensor(value)
        if isinstance(value, torch.nn.Module):
            return f"module:{type(value).__name__}" + _fp(dict(value.state_dict()), depth + 1)
        if isinstance(value, (torch.dtype, torch.device, torch.Size)):
            return repr(value)
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[" + ",".join(_fp(x, depth + 1) for x in value) + "]"
    if isinstance(value, dict):  # order-free: equal dicts built in another order are equal
        items = sorted((_fp(k, depth + 1), _fp(v, depth + 1)) for k, v in value.items())
        return f"{type(value).__name__}{{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):
        return f"{type(value).__name__}{{" + ",".join(sorted(_fp(x, depth + 1) for x in value)) + "}"
    if isinstance(value, type) or callable(value) or type(value).__name__ == "module":
        raise Unrecordable(f"a {type(value).__name__} is not a value")
    if hasattr(value, "__dict__") and vars(value):  # a plain object: its attributes
        return f"{type(value).__name__}" + _fp(dict(vars(value)), depth + 1)
    text = repr(value)
    if " at 0x" in text:
        raise Unrecordable(f"{type(value).__name__} is known only by its address")
    return f"{type(value).__name__}:{text}"


def fingerprint(value) -> str:
    """A string equal for two values exactly when they are equal bit for bit (short, or hashed).

    Raises :class:`Unrecordable` for things that are not values (functions,
    modules, classes, objects whose repr is an address).
    """
    text = _fp(value, 0)
    return text if len(text) <= _SHORT else _digest(type(value).__name__, text.encode())


def probe(expressions, namespace: dict) -> dict:
    """Evaluate each expression in ``namespace``; return ``{expr: fingerprint or None}``.

    None marks an expression with nothing to record (not defined at module level,
    not a value); the comparison counts only the recorded ones.
    """
    record = {}
    for expr in expressions:
        try:
            record[expr] = fingerprint(eval(expr, namespace))  # noqa: S307 - the notebook's own assert text
        except Exception:  # a name bound only inside a function, a function object, ...
            record[expr] = None
    return record
