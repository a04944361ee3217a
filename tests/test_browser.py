"""A real browser: JupyterLab in Debian's Chromium runs every notebook and moves its main widget;
one notebook is also presented as live slides (jupyterlab-slideshow) whose widget still reacts.

Chromium comes from Debian (``apt-get install chromium``; ``.ci/run`` does it);
playwright only drives it and never downloads a browser. Where Chromium is
missing the tests are reported as skipped, with the reason.

The notebooks' kernels here run with ``PYTHONHASHSEED=2``: this is the second run that the
determinism check compares with nbval's (without Chromium, test_determinism.py makes it headless).
"""
import importlib.util
import json
import urllib.request

import pytest

import lab_browser as lb
from course_session import SECOND_RUN
from lab_browser import Move, ROOT

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REACT_MS = lb.REACT_MS
# Presented as live slides after its widget test, in the same run of the notebook.
SLIDES_NOTEBOOK = "00_start_here.ipynb"

pytestmark = pytest.mark.browser


# The main widget of each notebook (see course_utils/widgets.py) and one move of its controls.
MOVES = {
    "00_start_here.ipynb": Move("slider", "n", "7", "n = 7"),
    "01_one_hot_vs_embeddings.ipynb": Move("dropdown", "word 2", "december", "january vs december"),
    "02_word2vec_from_scratch.ipynb": Move("slider", "window", "1", "pairs for"),
    # 03's picture is a PCA of its "PCA words" box: a new word changes the readout and the lists beside it
    "03_word2vec_at_scale.ipynb": Move("text", "word", "germany", "nearest to germany", redraws=False),
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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 over a scratch copy of notebooks/ (runs must not touch the repo)."""
    missing = lb.chromium_missing()
    if missing:
        pytest.skip(f"{missing}; the browser test did not run")
    # the browser shows inline plots; the mode is the run's (fast unless COURSE_FAST=0 make test).
    # Its kernels are the determinism check's second run (nbval's kernels have PYTHONHASHSEED=1).
    try:
        with lb.start_lab(tmp_path_factory.mktemp("lab"), {"PYTHONHASHSEED": "2", "COURSE_RUN_KIND": "browser"}) as server:
            yield server
    except lb.LabError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def chromium(lab):
    """One headless Chromium for all the notebooks; each test opens its own page in it."""
    with lb.launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def lab_page(lab, chromium):
    """One JupyterLab page for all the notebooks of this worker: each is opened from its file browser
    and closed after its test, so the application loads once, not once per notebook."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    lb.load_lab(lab, page)
    yield page
    page.close()


@pytest.fixture
def notebook_page(lab, lab_page, request):
    """Open one notebook (the test's ``notebook`` parameter) in the page; afterwards shut its kernel
    down and close its tab, dropping its outputs."""
    notebook = request.node.callspec.params["notebook"]
    page = lab_page
    try:
        with lb.screenshot_on_failure(page, lab.root / f"{notebook.split('.')[0]}-failure.png"):
            lb.open_notebook(page, notebook)
        yield page
    finally:
        lb.shut_down(lab, notebook)
        lb.close_notebooks(lab, page)


def test_every_notebook_has_a_widget_move():
    assert set(MOVES) == set(NOTEBOOKS), "add the new notebook's main widget to MOVES"


def test_the_lab_never_asks_to_fetch_news_or_check_for_updates(lab):
    """`make setup` wrote overrides.json into the environment, and the running lab reads it (the
    server's flags alone leave JupyterLab's "notified about official Jupyter news?" prompt on)."""
    request = urllib.request.Request(f"{lab.url}/lab/api/settings/@jupyterlab/apputils-extension:notification",
                                     headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        defaults = {k: v.get("default") for k, v in json.loads(reply.read())["schema"]["properties"].items()}
    # the server applies overrides.json to the settings' defaults
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False, defaults


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_a_browser_and_its_widget_reacts(lab, notebook_page, notebook, record_property):
    """Run All, move the main widget; notebook 00 is then also presented as live slides (same run)."""
    page, move = notebook_page, MOVES[notebook]
    with lb.screenshot_on_failure(page, lab.root / f"{notebook.split('.')[0]}-failure.png"):
        _run_notebook_and_move_widget(lab, page, notebook, move)
    record_property(SECOND_RUN, notebook)  # this run is the determinism check's second run
    if notebook == SLIDES_NOTEBOOK:
        with lb.screenshot_on_failure(page, lab.root / "slides-failure.png"):
            _present_as_live_slides(lab, page, notebook)


def _run_notebook_and_move_widget(lab: lb.Lab, page, notebook: str, move: Move) -> None:
    lb.run_all(page, notebook)
    errors = lb.tracebacks(page)
    assert errors.count() == 0, errors.first.inner_text()[:2000]

    # The widget: the cell output that holds the control named in MOVES (09 shows two widgets).
    widget = lb.widget_of(page, move)
    readout = widget.locator(".course-readout")
    readout.wait_for(timeout=REACT_MS)
    before, image_before = readout.inner_text(), lb.image_src(widget)
    assert before.strip() and "error" not in before.lower(), before
    control = lb.control(widget, move)
    control.scroll_into_view_if_needed()
    lb.apply(control, move)
    page.wait_for_function("([node, before]) => node.innerText !== before",
                           arg=[readout.element_handle(), before], timeout=REACT_MS)
    after = readout.inner_text()
    assert "error" not in after.lower(), after
    if move.expect is not None:
        assert move.expect in after, after
    if image_before is not None and move.redraws:  # the picture is redrawn too (an ipywidgets.Image or a figure)
        page.wait_for_function(
            "([node, before]) => { const img = node.querySelector('img');"
            " return img !== null && img.getAttribute('src') !== before; }",
            arg=[widget.element_handle(), image_before], timeout=REACT_MS)
    assert errors.count() == 0, errors.first.inner_text()[:2000]
    widget.scroll_into_view_if_needed()
    page.screenshot(path=str(lab.root / f"{notebook.split('.')[0]}-after.png"))


def _present_as_live_slides(lab: lb.Lab, page, notebook: str) -> None:
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
    page.screenshot(path=str(lab.root / "slides-after.png"))
    # Presentation mode is saved as a setting: switch it off, and reload the page without it.
    request = urllib.request.Request(f"{lab.url}/lab/api/settings/jupyterlab-slideshow:plugin", method="PUT",
                                     data=json.dumps({"raw": json.dumps({"active": False})}).encode(),
                                     headers={"Authorization": f"token {lab.token}"})
    urllib.request.urlopen(request, timeout=30).close()
    lb.shut_down(lab, notebook)
    lb.load_lab(lab, page)
