"""JupyterLab in Debian's Chromium, driven by playwright: the plumbing of tests/test_browser.py and
bench/widget_latency.py.

A lab server runs on 127.0.0.1 over a scratch copy of notebooks/ (a run never touches the repository's
notebooks), with its own settings, workspaces and runtime folder (where the kernels' connection files
``kernel-<id>.json`` are written, so another client can join a notebook's kernel). Chromium is
Debian's (``apt-get install chromium``); playwright only drives it and never downloads a browser.

    with start_lab(scratch, {"PYTHONHASHSEED": "2"}) as lab, launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        load_lab(lab, page)
        open_notebook(page, "00_start_here.ipynb")
        run_all(page, "00_start_here.ipynb")
        move = Move("slider", "n", "7", "n = 7")
        apply(control(widget_of(page, move), move), move)
        shut_down(lab, "00_start_here.ipynb")
        close_notebooks(lab, page)

No pytest here: the test module turns a ``LabError`` into a failure, the bench into its exit status.
"""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-extensions"]
# Generous: the test machine may have 2 cores shared with other jobs.
RUN_ALL_MS = 900_000
REACT_MS = 120_000
# The selector of an idle kernel in JupyterLab's status bar.
_IDLE = ("() => /[|] Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')"
         "?.innerText || '')")


class LabError(RuntimeError):
    """JupyterLab or Chromium could not be started."""


@dataclass(frozen=True)
class Move:
    """How to move one control of a notebook's widget, and what its readout must then say.

    kind: "slider" (type ``value`` into the slider's readout), "dropdown", "text" (type ``value``
    and press Enter) or "toggle" (click the button labelled ``value``); label: the control's
    description, which also finds the widget on the page; expect: text the new readout contains
    (None: only "it changed" is checked); redraws: whether the move changes the widget's picture
    (False for a control that the picture does not show, e.g. notebook 03's word box).
    """
    kind: str
    label: str
    value: str
    expect: str | None = None
    redraws: bool = True


@dataclass(frozen=True)
class Lab:
    """A running lab server: its address and token, its scratch folder (``root``: notebooks/,
    settings/, workspaces/, runtime/, lab.log) and its runtime folder (kernel connection files)."""
    url: str
    token: str
    root: Path
    runtime_dir: Path

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"


def chromium_missing() -> str | None:
    """Why Chromium cannot run here, or None when it can."""
    if not os.access(CHROMIUM, os.X_OK):
        return (f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
                "or set COURSE_CHROMIUM")
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(lab: Lab, path: str, method: str = "GET", data: dict | None = None):
    """Call the Jupyter server's REST API; returns the decoded JSON (None for an empty reply)."""
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(f"{lab.url}/api/{path}", method=method, data=body,
                                     headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        answer = reply.read()
    return json.loads(answer) if answer else None


@contextlib.contextmanager
def start_lab(root: Path, env: dict | None = None, token: str = "course-browser-test",
              notebooks: Path = NOTEBOOKS_DIR):
    """A JupyterLab server on 127.0.0.1 over a copy of ``notebooks`` in ``root`` (an empty scratch folder).

    ``env`` is added to this process's environment (less MPLBACKEND: the browser shows inline plots)
    for the server and its kernels. Yields a ``Lab``; raises ``LabError`` if the server does not answer.
    """
    root = Path(root)
    shutil.copytree(notebooks, root / "notebooks")
    port = free_port()
    # Render every cell, not only the visible ones (JupyterLab 4 windows long notebooks),
    # so a widget is found wherever the page is scrolled.
    settings = root / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    runtime = root / "runtime"
    runtime.mkdir()
    server_env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    # Workspaces go to the scratch folder too, so no run reopens another run's notebooks; the
    # runtime folder holds the kernels' connection files.
    server_env.update(JUPYTERLAB_SETTINGS_DIR=str(root / "settings"),
                      JUPYTERLAB_WORKSPACES_DIR=str(root / "workspaces"), JUPYTER_RUNTIME_DIR=str(runtime))
    server_env.update(env or {})
    log_path = root / "lab.log"
    log = open(log_path, "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root / 'notebooks'}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        stdout=log, stderr=subprocess.STDOUT, env=server_env, cwd=root)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise LabError("JupyterLab did not start:\n" + log_path.read_text()[-3000:]) from None
                time.sleep(0.5)
        yield Lab(url=url, token=token, root=root, runtime_dir=runtime)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@contextlib.contextmanager
def launch_chromium(headless: bool = True):
    """One Chromium (Debian's, at ``CHROMIUM``) driven by playwright; yields the browser."""
    missing = chromium_missing()
    if missing:
        raise LabError(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=headless, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def load_lab(lab: Lab, page) -> None:
    """(Re)load JupyterLab in ``page`` with an empty workspace, and wait for its file browser."""
    page.goto(f"{lab.url}/lab/workspaces/course-tests?reset&token={lab.token}")
    page.locator(".jp-DirListing-item").first.wait_for(timeout=120_000)


def _cells(notebook: str, source: Path = NOTEBOOKS_DIR) -> list:
    return json.loads((source / notebook).read_text())["cells"]


def open_notebook(page, notebook: str, source: Path = NOTEBOOKS_DIR) -> None:
    """Open ``notebook`` from the file browser and wait until it is ready (see ``wait_until_ready``)."""
    page.locator(".jp-DirListing-item", has_text=notebook).dblclick()
    wait_until_ready(page, notebook, source)


def wait_until_ready(page, notebook: str, source: Path = NOTEBOOKS_DIR) -> None:
    """Wait for the whole notebook and an idle kernel; answer a kernel chooser with its default.

    Under load the page first renders an empty placeholder notebook, and Run All there would ask
    for a kernel.
    """
    n_cells = len(_cells(notebook, source))
    page.locator(f".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current:has-text('{notebook}')").wait_for(
        timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {n_cells}",
                           timeout=120_000)
    page.wait_for_function(_IDLE, timeout=120_000)
    if page.locator(".jp-Dialog").count():  # a kernel chooser: take the default (this .venv's Python)
        page.click(".jp-Dialog .jp-mod-accept")


def run_all(page, notebook: str, source: Path = NOTEBOOKS_DIR) -> None:
    """Run All from the menu, then wait until every non-empty code cell has an execution count
    (or an error stopped the run) and the kernel is idle again."""
    n_code = sum(1 for c in _cells(notebook, source) if c["cell_type"] == "code" and "".join(c["source"]).strip())
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li[data-command='runmenu:run-all']")
    page.wait_for_function(
        """n => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                 .filter(p => /\\[\\d+\\]/.test(p.textContent)).length >= n
            || [...document.querySelectorAll('.jp-OutputArea-output')]
                 .some(o => o.textContent.includes('Traceback'))""",
        arg=n_code, timeout=RUN_ALL_MS)
    page.wait_for_function(_IDLE, timeout=RUN_ALL_MS)


def tracebacks(page):
    """A locator of the outputs that show a Python traceback."""
    return page.locator(".jp-OutputArea-output:has-text('Traceback')")


def session_of(lab: Lab, notebook: str) -> dict | None:
    """The server's session (``/api/sessions``) of the open ``notebook``, or None."""
    return next((s for s in api(lab, "sessions") if s["path"].endswith(notebook)), None)


def connection_file(lab: Lab, notebook: str) -> Path:
    """The connection file of ``notebook``'s kernel (for a jupyter_client that joins it)."""
    session = session_of(lab, notebook)
    if session is None or not session.get("kernel"):
        raise LabError(f"{notebook} has no kernel on the server")
    path = lab.runtime_dir / f"kernel-{session['kernel']['id']}.json"
    if not path.exists():
        raise LabError(f"no connection file {path.name} in {lab.runtime_dir}")
    return path


def shut_down(lab: Lab, notebook: str) -> None:
    """Shut down the notebook's kernel through the server's API so the next notebook has the CPU."""
    for session in api(lab, "sessions"):
        if session["path"].endswith(notebook):
            api(lab, f"sessions/{session['id']}", method="DELETE")


def close_notebooks(lab: Lab, page) -> None:
    """Close the open notebook tab without saving its outputs; reload the page if that does not work."""
    panel, dialog = ".jp-NotebookPanel", ".jp-Dialog"
    try:
        if page.locator(panel).count():
            page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon").click()
            page.wait_for_function(f"() => document.querySelector('{dialog}') || !document.querySelector('{panel}')",
                                   timeout=10_000)
            if page.locator(dialog).count():
                page.locator(f"{dialog} .jp-Dialog-button.jp-mod-warn").click()  # "Discard"
            page.wait_for_function(f"() => !document.querySelector('{panel}')", timeout=10_000)
        return
    except Exception as error:  # a stuck page must not fail the next notebook's run
        print(f"closing the notebook failed ({error}); reloading JupyterLab")
    load_lab(lab, page)


@contextlib.contextmanager
def screenshot_on_failure(page, path: Path):
    """Save a screenshot of the page at ``path`` if the block fails."""
    try:
        yield
    except Exception:
        page.screenshot(path=str(path))
        print("screenshot:", path)
        raise


def control(widget, move: Move):
    """The element of ``widget`` (a locator) that ``move`` acts on, found by its description."""
    label = f"label.widget-label:text-is('{move.label}')"
    if move.kind == "slider":
        return widget.locator(f".widget-slider:has({label}) .widget-readout")
    if move.kind == "dropdown":
        return widget.locator(f".widget-dropdown:has({label}) select")
    if move.kind == "text":
        return widget.locator(f".widget-text:has({label}) input")
    if move.kind == "toggle":
        return widget.locator(f".widget-toggle-buttons:has({label}) button:text-is('{move.value}')")
    raise ValueError(f"move.kind must be slider, dropdown, text or toggle, got {move.kind!r}")


def apply(element, move: Move) -> None:
    """Make ``move`` on the control ``element`` (from ``control``) as a learner would."""
    if move.kind == "slider":  # the readout is editable; Enter sets the typed value
        element.fill(move.value)
        element.press("Enter")
    elif move.kind == "dropdown":
        element.select_option(move.value)
    elif move.kind == "text":  # continuous_update=False: the value is sent on Enter
        element.fill(move.value)
        element.press("Enter")
    else:
        element.click()


def widget_of(page, move: Move):
    """The widget that ``move`` acts on: the cell output that holds its control (09 shows two widgets)."""
    return page.locator(".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output",
                        has=control(page, move)).first


def image_src(widget):
    """The src of the first picture anywhere in the widget (an Output area's figure or an
    ``ipywidgets.Image``), or None if it shows none."""
    images = widget.locator("img")
    return images.first.get_attribute("src") if images.count() else None
