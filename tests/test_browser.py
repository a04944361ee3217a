"""A real browser: JupyterLab in Debian's Chromium runs every notebook and moves its main widget;
one notebook is also presented as live slides (jupyterlab-slideshow) whose widget still reacts.

Chromium comes from Debian (``apt-get install chromium``; ``.ci/run`` does it);
playwright only drives it and never downloads a browser. Where Chromium is
missing the tests are reported as skipped, with the reason.

The notebooks' kernels here run with ``PYTHONHASHSEED=2``: this is the second run that the
determinism check compares with nbval's (without Chromium, test_determinism.py makes it headless).
"""
import contextlib
import importlib.util
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

import pytest

from course_session import SECOND_RUN

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-extensions"]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Generous: the test machine may have 2 cores shared with other jobs.
RUN_ALL_MS = 900_000
REACT_MS = 120_000
# Presented as live slides after its widget test, in the same run of the notebook.
SLIDES_NOTEBOOK = "00_start_here.ipynb"

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Move:
    """How to move one notebook's main widget, and what its readout must then say.

    kind: "slider" (type ``value`` into the slider's readout), "dropdown", "text" (type ``value``
    and press Enter) or "toggle" (click the button labelled ``value``); label: the control's
    description, which also finds the widget on the page; expect: text the new readout contains
    (None: only "it changed" is checked).
    """
    kind: str
    label: str
    value: str
    expect: str | None = None


# The main widget of each notebook (see course_utils/widgets.py) and one move of its controls.
MOVES = {
    "00_start_here.ipynb": Move("slider", "n", "7", "n = 7"),
    "01_one_hot_vs_embeddings.ipynb": Move("dropdown", "word 2", "december", "january vs december"),
    "02_word2vec_from_scratch.ipynb": Move("slider", "window", "1", "pairs for"),
    "03_word2vec_at_scale.ipynb": Move("text", "word", "germany", "nearest to germany"),
    "04_language_models.ipynb": Move("slider", "n", "3", "n = 3"),
    "05_recurrent_networks.ipynb": Move("slider", "t", "4", "t = 4"),
    "06_bptt_by_hand.ipynb": Move("slider", "T", "30", "T = 30"),
    "07_gradients_through_time.ipynb": Move("dropdown", "nonlinearity", "linear", "||dh_T/dh_0||"),
    "08_exploding_gradients_and_remedies.ipynb": Move("dropdown", "clipping rule", "elementwise",
                                                      "with elementwise clipping"),
    "09_lstm_gru.ipynb": Move("toggle", "source", "trained LSTM", "mean forget gate"),
    "10_char_lm_sampling.ipynb": Move("dropdown", "method", "greedy", "greedy, T ="),
    "11_sequence_classification.ipynb": Move("text", "review", "a dull and boring film", "P(positive)"),
    "12_sequence_tagging.ipynb": Move("text", "sentence", "tom flew to zzz", "unknown words: zzz"),
    "13_encoder_decoder.ipynb": Move("text", "input", "abc", "n = 3: greedy"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(lab: dict, path: str, method: str = "GET"):
    """Call the Jupyter server's REST API; returns the decoded JSON (None for an empty reply)."""
    request = urllib.request.Request(f"{lab['url']}/api/{path}", method=method,
                                     headers={"Authorization": f"token {lab['token']}"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        body = reply.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 over a scratch copy of notebooks/ (runs must not touch the repo)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
                    "or set COURSE_CHROMIUM; the browser test did not run")
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    port, token = _free_port(), "course-browser-test"
    # Render every cell, not only the visible ones (JupyterLab 4 windows long notebooks),
    # so the test can find the widget wherever the page is scrolled.
    settings = root / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    # the browser shows inline plots; the mode is the run's (fast unless COURSE_FAST=0 make test)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    # Workspaces go to the scratch folder too, so no run reopens another run's notebooks.
    # Its kernels are the determinism check's second run (nbval's kernels have PYTHONHASHSEED=1).
    env.update(JUPYTERLAB_SETTINGS_DIR=str(root / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / "workspaces"), PYTHONHASHSEED="2", COURSE_RUN_KIND="browser")
    log = open(root / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root / 'notebooks'}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-3000:])
            time.sleep(0.5)
    yield {"url": url, "token": token, "root": root}
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def chromium(lab):
    """One headless Chromium for all the notebooks; each test opens its own page in it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab_page(lab, chromium):
    """One JupyterLab page for all the notebooks of this worker: each is opened from its file browser
    and closed after its test, so the application loads once, not once per notebook."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    _load_lab(lab, page)
    yield page
    page.close()


def _load_lab(lab: dict, page) -> None:
    """(Re)load JupyterLab in ``page`` with an empty workspace, and wait for its file browser."""
    page.goto(f"{lab['url']}/lab/workspaces/course-tests?reset&token={lab['token']}")
    page.locator(".jp-DirListing-item").first.wait_for(timeout=120_000)


@pytest.fixture
def notebook_page(lab, lab_page, request):
    """Open one notebook (the test's ``notebook`` parameter) in the page; afterwards shut its kernel
    down and close its tab, dropping its outputs."""
    notebook = request.node.callspec.params["notebook"]
    page = lab_page
    try:
        with _screenshot_on_failure(page, lab["root"] / f"{notebook.split('.')[0]}-failure.png"):
            page.locator(".jp-DirListing-item", has_text=notebook).dblclick()
            _wait_until_ready(page, notebook)
        yield page
    finally:
        _shut_down(lab, notebook)
        _close_notebooks(lab, page)


def _close_notebooks(lab: dict, page) -> None:
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
    except Exception as error:  # a stuck page must not fail the next notebook's test
        print(f"closing the notebook failed ({error}); reloading JupyterLab")
    _load_lab(lab, page)


@contextlib.contextmanager
def _screenshot_on_failure(page, path: Path):
    """Save a screenshot of the page at ``path`` if the block fails."""
    try:
        yield
    except Exception:
        page.screenshot(path=str(path))
        print("screenshot:", path)
        raise


def _wait_until_ready(page, notebook: str) -> None:
    """Wait for the whole notebook and an idle kernel; answer a kernel chooser with its default.

    Under load the page first renders an empty placeholder notebook, and Run All there would ask
    for a kernel.
    """
    n_cells = len(json.loads((ROOT / "notebooks" / notebook).read_text())["cells"])
    page.locator(f".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current:has-text('{notebook}')").wait_for(
        timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {n_cells}",
                           timeout=120_000)
    page.wait_for_function("() => /[|] Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')"
                           "?.innerText || '')", timeout=120_000)
    if page.locator(".jp-Dialog").count():  # a kernel chooser: take the default (this .venv's Python)
        page.click(".jp-Dialog .jp-mod-accept")


def _run_all(page, notebook: str) -> None:
    """Run All from the menu, then wait until every non-empty code cell has an execution count
    (or an error stopped the run) and the kernel is idle again."""
    cells = json.loads((ROOT / "notebooks" / notebook).read_text())["cells"]
    n_code = sum(1 for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip())
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li[data-command='runmenu:run-all']")
    page.wait_for_function(
        """n => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                 .filter(p => /\\[\\d+\\]/.test(p.textContent)).length >= n
            || [...document.querySelectorAll('.jp-OutputArea-output')]
                 .some(o => o.textContent.includes('Traceback'))""",
        arg=n_code, timeout=RUN_ALL_MS)
    page.wait_for_function("() => /[|] Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')"
                           "?.innerText || '')", timeout=RUN_ALL_MS)


def _shut_down(lab: dict, notebook: str) -> None:
    """Shut down the notebook's kernel through the server's API so the next notebook has the CPU."""
    for session in _api(lab, "sessions"):
        if session["path"].endswith(notebook):
            _api(lab, f"sessions/{session['id']}", method="DELETE")


def _control(widget, move: Move):
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


def _apply(control, move: Move) -> None:
    if move.kind == "slider":  # the readout is editable; Enter sets the typed value
        control.fill(move.value)
        control.press("Enter")
    elif move.kind == "dropdown":
        control.select_option(move.value)
    elif move.kind == "text":  # continuous_update=False: the value is sent on Enter
        control.fill(move.value)
        control.press("Enter")
    else:
        control.click()


def _image_src(widget):
    """The src of the first plot in the widget's Output area, or None if it shows none."""
    images = widget.locator(".widget-output img")
    return images.first.get_attribute("src") if images.count() else None


def test_every_notebook_has_a_widget_move():
    assert set(MOVES) == set(NOTEBOOKS), "add the new notebook's main widget to MOVES"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_a_browser_and_its_widget_reacts(lab, notebook_page, notebook, record_property):
    """Run All, move the main widget; notebook 00 is then also presented as live slides (same run)."""
    page, move = notebook_page, MOVES[notebook]
    with _screenshot_on_failure(page, lab["root"] / f"{notebook.split('.')[0]}-failure.png"):
        _run_notebook_and_move_widget(lab, page, notebook, move)
    record_property(SECOND_RUN, notebook)  # this run is the determinism check's second run
    if notebook == SLIDES_NOTEBOOK:
        with _screenshot_on_failure(page, lab["root"] / "slides-failure.png"):
            _present_as_live_slides(lab, page, notebook)


def _run_notebook_and_move_widget(lab: dict, page, notebook: str, move: Move) -> None:
    _run_all(page, notebook)
    errors = page.locator(".jp-OutputArea-output:has-text('Traceback')")
    assert errors.count() == 0, errors.first.inner_text()[:2000]

    # The widget: the cell output that holds the control named in MOVES (09 shows two widgets).
    widget = page.locator(".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output",
                          has=_control(page, move)).first
    readout = widget.locator(".course-readout")
    readout.wait_for(timeout=REACT_MS)
    before, image_before = readout.inner_text(), _image_src(widget)
    assert before.strip() and "error" not in before.lower(), before
    control = _control(widget, move)
    control.scroll_into_view_if_needed()
    _apply(control, move)
    page.wait_for_function("([node, before]) => node.innerText !== before",
                           arg=[readout.element_handle(), before], timeout=REACT_MS)
    after = readout.inner_text()
    assert "error" not in after.lower(), after
    if move.expect is not None:
        assert move.expect in after, after
    if image_before is not None:  # the plot is redrawn too
        page.wait_for_function(
            "([node, before]) => { const img = node.querySelector('.widget-output img');"
            " return img !== null && img.getAttribute('src') !== before; }",
            arg=[widget.element_handle(), image_before], timeout=REACT_MS)
    assert errors.count() == 0, errors.first.inner_text()[:2000]
    widget.scroll_into_view_if_needed()
    page.screenshot(path=str(lab["root"] / f"{notebook.split('.')[0]}-after.png"))


def _present_as_live_slides(lab: dict, page, notebook: str) -> None:
    """Presentation mode (jupyterlab-slideshow's deck, inside JupyterLab): the slide holding the
    widget cell is on screen and its slider still updates the readout through the kernel."""
    if importlib.util.find_spec("jupyterlab_slideshow") is None:
        pytest.fail("jupyterlab-slideshow is not installed: run make setup (it is a course dependency)")
    cells = json.loads((ROOT / "notebooks" / notebook).read_text())["cells"]
    index = next(i for i, c in enumerate(cells) if "widgets_check()" in "".join(c["source"]))
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputPrompt").click()  # the deck opens on the active cell's slide
    page.locator(".jp-NotebookPanel-toolbar [data-jp-item-name='deck'] jp-button").click()
    page.locator(".jp-NotebookPanel.jp-Deck").wait_for(timeout=REACT_MS)
    for _ in cells:  # walk forward (Space) until the widget's slide is shown
        if "jp-deck-mod-onscreen" in (cell.get_attribute("class") or ""):
            break
        page.keyboard.press("Space")
    assert "jp-deck-mod-onscreen" in (cell.get_attribute("class") or ""), "the widget's slide is not shown"
    readout = cell.locator(".course-readout")
    # the slide shows the widget as the test left it, and it still answers
    assert readout.is_visible() and MOVES[notebook].expect in readout.inner_text(), readout.inner_text()
    control = cell.locator(".widget-slider .widget-readout")
    control.fill("8")
    control.press("Enter")
    page.wait_for_function("node => node.innerText.includes('n = 8')", arg=readout.element_handle(),
                           timeout=REACT_MS)
    page.screenshot(path=str(lab["root"] / "slides-after.png"))
    # Presentation mode is saved as a setting: switch it off, and reload the page without it.
    request = urllib.request.Request(f"{lab['url']}/lab/api/settings/jupyterlab-slideshow:plugin", method="PUT",
                                     data=json.dumps({"raw": json.dumps({"active": False})}).encode(),
                                     headers={"Authorization": f"token {lab['token']}"})
    urllib.request.urlopen(request, timeout=30).close()
    _shut_down(lab, notebook)
    _load_lab(lab, page)
