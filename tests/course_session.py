"""The test session's set-up and its closing checks, the same with one process or with xdist's workers.

Set-up (at import, in every process; xdist's workers inherit the controller's environment, so they
share one scratch folder):

- fast mode and one CPU thread for torch, OpenMP and BLAS in every process and kernel (two workers on
  two cores must not fight); the agg backend, ``PYTHONHASHSEED=1`` and ``COURSE_RUN_KIND=nbval`` for
  the kernels nbval starts (the browser test and the runner set their own);
- an IPython startup file that every kernel started from here runs (nbval's, the runner's,
  JupyterLab's in the browser test): it installs the offline guard and ``kernel_records``.

Closing checks, made once, by the controller (a worker's ``session.exitstatus`` never reaches it),
and reported as more results of the run (determinism when nbval ran, executions when a notebook ran):

- *offline guard*: no process or kernel tried to reach the network;
- *determinism*: for every notebook that nbval ran and that a second run (the browser test, or a
  headless run where the browser test does not run) ran too, the values its asserts read are the same
  in both; the summary names the notebooks nbval ran without a second run;
- *executions*: no notebook was executed more than ``MAX_EXECUTIONS`` times (publishing's aside);
  the counts are printed.
"""
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_EXECUTIONS = 3
# Executed copies that checks only read (student copies, publishing's smoke test), kept between runs
# by course_tools.runner under a key of everything that can change them.
TEST_CACHE = ROOT / "build" / "test-executed"
SECOND_RUN = "second_run"  # the user property a passing second run of a notebook records
_NBVAL_ID = re.compile(r"(?:^|/)notebooks/(\d\d_[a-z0-9_]+\.ipynb)::")

import offline_guard  # noqa: E402  (tests/ is on sys.path: conftest puts it there)


def _set_up() -> Path:
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("COURSE_TEST_SESSION_DIR"):
        return Path(os.environ["COURSE_TEST_SESSION_DIR"])
    folder = Path(tempfile.mkdtemp(prefix="course-tests-"))
    startup = folder / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-course-tests.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "import offline_guard, kernel_records\n"
        "offline_guard.install()\n"
        "kernel_records.install(get_ipython())\n"
        "del offline_guard, kernel_records\n")
    (folder / "records").mkdir()
    (folder / "network-attempts.log").touch()
    os.environ.update(COURSE_TEST_SESSION_DIR=str(folder), IPYTHONDIR=str(folder / "ipython"),
                      COURSE_OFFLINE_LOG=str(folder / "network-attempts.log"),
                      COURSE_KERNEL_RECORDS=str(folder / "records"))
    return folder


SESSION_DIR = _set_up()
os.environ.setdefault("COURSE_FAST", "1")  # COURSE_FAST=0 make test runs full mode
os.environ.setdefault("MPLBACKEND", "agg")
os.environ.update(COURSE_THREADS="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                  PYTHONHASHSEED="1", COURSE_RUN_KIND="nbval")
offline_guard.install()


_RAN = {"nbval": set(), "second": set()}  # notebooks run by nbval / by a passing second run


def _is_controller(config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_configure(config):
    if "torch" in sys.modules:  # imported before this plugin: apply the policy (else OMP_NUM_THREADS does)
        from course_utils import config as course_config

        course_config.set_threads()


# ---------------------------------------------------------------- two workers (make test: -n 2 --dist loadscope)
# Work units: a notebook's nbval cells share one kernel, and a module's tests may share a module
# fixture (one JupyterLab page, one built site), so each stays on one worker; the tests of SPLIT
# modules are independent notebook runs and spread over both.
# Units start longest first, so that no long one is left running alone at the end: the browser test,
# the hub test, then every run of one notebook (nbval, student copy) in the order of its fast-mode time in
# bench/results/notebook_times.json, then publishing, then the unit tests.
SPLIT = ("tests/test_student.py", "tests/test_determinism.py")
TIMES = ROOT / "bench" / "results" / "notebook_times.json"
_NOTEBOOK_IN_ID = re.compile(r"(\d\d_[a-z0-9_]+?)(?:\.ipynb)?[\]:]")


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its notebook, its module, or itself (SPLIT modules)."""
    path = nodeid.split("::", 1)[0]
    return nodeid if path in SPLIT else path


def _fast_seconds() -> dict:
    """``{notebook stem: fast-mode seconds}`` from the last bench run (empty if there is none)."""
    import json

    try:
        runs = json.loads(TIMES.read_text(encoding="utf-8"))["runs"]
    except (OSError, ValueError, KeyError):
        return {}
    return {r["notebook"].removesuffix(".ipynb"): r["seconds"] for r in runs if r.get("mode") == "fast"}


def start_rank(nodeid: str, seconds: dict) -> tuple:
    """Sort key: browser test, hub test, then notebook runs (longest notebook first), publishing, unit tests."""
    path = nodeid.split("::", 1)[0]
    if path in ("tests/test_browser.py", "tests/test_hub.py"):
        return (0, float(path == "tests/test_hub.py"))
    notebook = _NOTEBOOK_IN_ID.search(nodeid)
    if notebook and (path.startswith("notebooks/") or path in SPLIT):
        return (1, -seconds.get(notebook.group(1), 0.0))
    return (2, 0.0) if path == "tests/test_publish.py" else (3, 0.0)


def pytest_collection_modifyitems(items):
    seconds = _fast_seconds()
    items.sort(key=lambda item: start_rank(item.nodeid, seconds))  # stable: a notebook's cells keep their order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` (or ``load``) with the course's work units, started in collection order (longest first)."""
    if config.getvalue("dist") not in ("load", "loadscope"):  # plain -n 2 must not split a notebook's cells
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False
    return CourseScheduling(config, log)


def pytest_runtest_logreport(report):
    """Note which notebooks nbval and a second run ran (the controller sees every worker's reports)."""
    if report.when != "call":
        return
    match = _NBVAL_ID.search(report.nodeid)
    if match:
        _RAN["nbval"].add(match.group(1))
    for name, value in report.user_properties:
        if name == SECOND_RUN and report.passed:
            _RAN["second"].add(value)


def _offline_check() -> list:
    attempts = Path(os.environ["COURSE_OFFLINE_LOG"]).read_text(encoding="utf-8")
    return [f"something tried to use the network:\n{attempts}"] if attempts.strip() else []


def determinism_check(runs: list, cells: dict, required: set) -> tuple[list, str]:
    """Problems (empty when all is well) and a one-line summary, for the notebooks in ``required``."""
    import kernel_records

    problems, compared = [], 0
    for name in sorted(required):
        mine = [r for r in runs if kernel_records.notebook_of(r, cells) == name]
        first = [r for r in mine if r.kind == kernel_records.FIRST]
        second = [r for r in mine if r.kind in kernel_records.SECOND]
        if len(first) != 1 or len(second) != 1:
            problems.append(f"{name}: expected one nbval run and one second run, found "
                            f"{[r.kind for r in mine]}")
            continue
        count, differ = kernel_records.compare(first[0], second[0])
        if count == 0:
            problems.append(f"{name}: no asserted value was recorded in both runs")
        elif differ:
            problems.append(f"{name}: {len(differ)} of {count} asserted values differ between the nbval run "
                            f"(PYTHONHASHSEED=1) and the {second[0].kind} run (PYTHONHASHSEED=2):\n"
                            + "\n".join(differ))
        compared += count
    return problems, f"{len(required)} notebooks, {compared} asserted values compared"


def execution_check(counts: dict) -> tuple[list, str]:
    problems = [f"{name} was executed {len(kinds)} times ({', '.join(kinds)}); at most {MAX_EXECUTIONS} "
                "(publishing's runs aside)" for name, kinds in sorted(counts.items())
                if len([k for k in kinds if k != "publish"]) > MAX_EXECUTIONS]
    total = sum(len(k) for k in counts.values())
    lines = "\n".join(f"  {name}: {len(kinds)} ({', '.join(sorted(kinds))})" for name, kinds in sorted(counts.items()))
    return problems, f"{total} notebook executions in this run:\n{lines}"


def _report(session, name: str, problems: list, summary: str) -> None:
    """Hand the result of a closing check to the terminal like a test's, so it is counted and shown."""
    from _pytest.reports import TestReport

    report = TestReport(nodeid=f"course-session::{name}", location=("course-session", None, name),
                        keywords={name: 1}, outcome="failed" if problems else "passed",
                        longrepr="\n\n".join(problems) if problems else None, when="call")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    # Added to the reporter's counts, not through pytest_runtest_logreport, which would also print a
    # progress mark after the run's 100%.
    if reporter is not None:  # counted in the closing line; a failure is printed with the others
        reporter.stats.setdefault(report.outcome, []).append(report)
        reporter.write_sep("-", f"{name}: {'FAILED' if problems else 'ok'}")
        reporter.write_line(summary)
    if problems and session.exitstatus == 0:  # an interrupted or broken run keeps its own status
        session.exitstatus = 1


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    if not _is_controller(session.config):
        return
    import kernel_records

    try:
        _report(session, "offline guard", _offline_check(), "no process or kernel tried to use the network")
        runs = kernel_records.load_runs(SESSION_DIR / "records")
        cells = kernel_records.notebook_cells(NOTEBOOKS)
        if _RAN["nbval"]:
            problems, summary = determinism_check(runs, cells, _RAN["nbval"] & _RAN["second"])
            alone = sorted(_RAN["nbval"] - _RAN["second"])
            if alone:
                summary += f"; not compared, no second run in this session: {', '.join(alone)}"
            _report(session, "determinism", problems, summary)
        counts = kernel_records.executions(runs, cells)
        if counts:
            _report(session, "executions", *execution_check(counts))
    finally:
        shutil.rmtree(SESSION_DIR, ignore_errors=True)
