"""The project's one way to run a notebook: tests, ``bench/notebook_times.py``, `make html`, `make slides`.

:func:`run_notebook` executes a notebook top to bottom in a fresh kernel of the Python that runs
this code (so ``.venv`` runs ``.venv``'s kernel, whatever kernels are installed elsewhere).
:func:`executed_copy` keeps the executed copy on disk and reuses it while nothing that can change
its result has changed: :func:`cache_key` hashes the notebook, every ``course_utils`` source file,
the pins in ``pyproject.toml``, the mode, the kind of run and any extra text the caller adds
(the student check, for instance, adds the cell it appends).

Kinds of run: ``publish`` (`make html`, `make slides`: inline figures; copies in
``build/executed/publish/``), ``student`` and ``publish`` in the tests (copies in
``build/test-executed/<kind>/``), and runs that keep no copy (``bench``, the tests' ``headless`` and
``selftest``). nbval and the browser test start their kernels themselves.
"""
import hashlib
import os
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "course_utils"
PINS_FILE = ROOT / "pyproject.toml"
CACHE_DIR = ROOT / "build" / "executed"


def _current_env_kernels():
    """A kernel manager class whose kernel is this interpreter's ipykernel (like nbval's --nbval-current-env)."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class CurrentEnvSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())

    class CurrentEnvKernels(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return CurrentEnvSpecs()

    return CurrentEnvKernels


def kernel_env(fast: bool, kind: str, inline_figures: bool = False, extra: dict | None = None) -> dict:
    """The kernel's environment: this process's, with the mode, the kind of run and the figure backend set."""
    env = {**os.environ, "COURSE_FAST": "1" if fast else "0", "COURSE_RUN_KIND": kind}
    if inline_figures:
        env.pop("MPLBACKEND", None)  # the kernel's inline backend makes the figures
    else:
        env["MPLBACKEND"] = "agg"
    env.update(extra or {})
    return env


def run_notebook(nb, cwd: Path, fast: bool, kind: str, *, allow_errors: bool = False,
                 inline_figures: bool = False, env: dict | None = None, timeout: int = 3600):
    """Execute ``nb`` (a notebook node, changed in place) in a fresh kernel started in ``cwd``; returns it.

    ``allow_errors``: go on after a failing cell (its error is kept in its outputs), as nbval does.
    ``env``: extra environment variables for the kernel. Widget state is kept in the metadata (the
    site's snapshots read it; nbclient also needs it to capture an Output widget's outputs).
    Records the run in ``nb.metadata.course_run``.
    """
    from nbclient import NotebookClient

    client = NotebookClient(nb, kernel_manager_class=_current_env_kernels(), kernel_name="course-current-env",
                            timeout=timeout, allow_errors=allow_errors, store_widget_state=True,
                            shutdown_kernel="immediate")
    start = time.perf_counter()
    client.execute(cwd=str(cwd), env=kernel_env(fast, kind, inline_figures, env))
    nb.metadata["course_run"] = {"kind": kind, "mode": "fast" if fast else "full",
                                 "seconds": round(time.perf_counter() - start, 1)}
    return nb


def cache_key(path: Path, kind: str, fast: bool, extra: str = "", package_dir: Path = PACKAGE_DIR,
              pins_file: Path = PINS_FILE) -> str:
    """SHA-256 of everything that can change an executed copy of ``path``."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode() + data)

    add("notebook", Path(path).read_bytes())
    for source in sorted(Path(package_dir).rglob("*.py")):
        add(str(source.relative_to(package_dir)), source.read_bytes())
    add("pins", Path(pins_file).read_bytes())
    add("run", f"{kind}|{'fast' if fast else 'full'}|{extra}".encode())
    return digest.hexdigest()


def copy_path(path: Path, kind: str, cache_dir: Path = CACHE_DIR) -> Path:
    """Where the executed copy of ``path`` for this kind of run is kept."""
    return Path(cache_dir) / kind / Path(path).name


def executed_copy(path: Path, kind: str, fast: bool, cache_dir: Path = CACHE_DIR, prepare=None,
                  extra_key: str = "", key_sources: dict | None = None, **run_options) -> Path:
    """The executed copy of the notebook at ``path``: reused if its key matches, else run now and saved.

    ``prepare(nb)`` may change the notebook before it runs (its effect must be named in ``extra_key``).
    ``key_sources``: ``package_dir`` / ``pins_file`` for :func:`cache_key` (tests point them elsewhere).
    ``run_options`` go to :func:`run_notebook`; the kernel starts in the notebook's folder.
    """
    path = Path(path)
    out = copy_path(path, kind, cache_dir)
    options = repr(sorted(run_options.items()))  # allow_errors, inline figures... change the copy too
    key = cache_key(path, kind, fast, extra_key + options, **(key_sources or {}))
    if out.is_file() and nbformat.read(out, as_version=4).metadata.get("course_run", {}).get("key") == key:
        return out
    nb = nbformat.read(path, as_version=4)
    if prepare is not None:
        nb = prepare(nb)
    run_notebook(nb, path.parent, fast, kind, **run_options)
    nb.metadata["course_run"]["key"] = key
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    nbformat.write(nb, partial)
    os.replace(partial, out)  # a reader never sees half a file
    return out
