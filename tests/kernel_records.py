"""What every notebook kernel of a test run executed, and the values its asserts read.

Kernel side: :func:`install` (called from the IPython startup file that ``course_session``
writes) registers a ``post_run_cell`` hook. After each cell it appends one JSON line to
``$COURSE_KERNEL_RECORDS/<kind>-<pid>-<random>.jsonl``: a hash of the cell's source and, for the kinds
of run that feed the determinism check, the fingerprints of the values the cell's asserts read
(``value_fingerprint``). ``COURSE_RUN_KIND`` names the kind: ``nbval``, ``browser``, ``headless``,
``student``, ``publish``...

Test side: :func:`load_runs` reads the records back, :func:`notebook_of` tells which course
notebook a kernel ran (by the hashes of its cells: a kernel knows no notebook name),
:func:`compare` lists the asserted values two runs of one notebook disagree on, and
:func:`executions` counts how often each notebook ran.
"""
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# The runs whose asserted values are compared: nbval's (PYTHONHASHSEED=1) against the browser's
# (PYTHONHASHSEED=2), or a headless second run where there is no browser.
PROBED = {"nbval", "browser", "headless", "selftest"}
FIRST, SECOND = "nbval", ("browser", "headless")


def cell_key(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- kernel side
def _after_cell(result, path: Path, kind: str) -> None:
    from value_fingerprint import assert_expressions, probe

    source = result.info.raw_cell
    entry = {"cell": cell_key(source)}
    if kind in PROBED and result.success and "assert" in source:
        try:
            expressions = assert_expressions(source)
        except SyntaxError:
            expressions = []
        if expressions:
            entry["values"] = probe(expressions, _user_ns())
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def _user_ns() -> dict:
    from IPython import get_ipython

    return get_ipython().user_ns


def install(shell) -> None:
    """Record every cell this kernel runs, if ``COURSE_KERNEL_RECORDS`` names a folder."""
    folder = os.environ.get("COURSE_KERNEL_RECORDS")
    if not folder:
        return
    kind = os.environ.get("COURSE_RUN_KIND", "other")
    path = Path(folder) / f"{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"  # a reused pid gets its own file
    shell.events.register("post_run_cell", lambda result: _after_cell(result, path, kind))


# ---------------------------------------------------------------- test side
@dataclass
class Run:
    """One kernel's record: its kind, and one entry per executed cell, in order."""
    kind: str
    name: str
    entries: list = field(default_factory=list)


def load_runs(folder: Path) -> list:
    runs = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        kind = path.stem.split("-", 1)[0]
        entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        runs.append(Run(kind, path.name, entries))
    return runs


def notebook_cells(paths) -> dict:
    """``{notebook name: set of its code cells' keys}``."""
    import nbformat

    return {Path(p).name: {cell_key(c.source) for c in nbformat.read(p, as_version=4).cells
                           if c.cell_type == "code"} for p in paths}


def notebook_of(run: Run, cells: dict) -> str | None:
    """The notebook most of whose cells the run executed (None: none of them, e.g. a test's tiny notebook)."""
    ran = {e["cell"] for e in run.entries}
    best = max(cells, key=lambda name: len(cells[name] & ran), default=None)
    if best is None or len(cells[best] & ran) < max(1, len(ran) // 2):
        return None
    return best


def _probed(run: Run) -> dict:
    """``{(cell key, occurrence): {expression: fingerprint or None}}`` for the cells whose asserts were read."""
    seen, probed = {}, {}
    for entry in run.entries:
        n = seen[entry["cell"]] = seen.get(entry["cell"], 0) + 1
        if "values" in entry:
            probed[(entry["cell"], n)] = entry["values"]
    return probed


def compare(first: Run, second: Run) -> tuple[int, list]:
    """The number of asserted values compared, and a line per value the two runs disagree on.

    A value recorded in one run only (a cell or an expression missing from the other, or a value only
    one run could record) counts as a disagreement; one that neither run could record is left out.
    """
    a, b = _probed(first), _probed(second)
    compared, differ = 0, []
    for where in sorted(a.keys() | b.keys()):
        mine, other = a.get(where, {}), b.get(where, {})
        for expr in sorted(mine.keys() | other.keys()):
            value, theirs = mine.get(expr), other.get(expr)
            if value is None and theirs is None:
                continue
            compared += 1
            if value != theirs:
                differ.append(f"  cell {where[0]} (run {where[1]}): {expr}\n"
                              f"    {first.kind}: {value}\n    {second.kind}: {theirs}")
    return compared, differ


def executions(runs: list, cells: dict) -> dict:
    """``{notebook: [kind of each run]}`` for the course notebooks the runs executed."""
    counts = {}
    for run in runs:
        name = notebook_of(run, cells)
        if name is not None:
            counts.setdefault(name, []).append(run.kind)
    return counts
