"""A real browser: JupyterLab in Debian's Chromium, run notebook 01, move its widget.

Chromium comes from Debian (``apt-get install chromium``; ``.ci/run`` does it);
playwright only drives it and never downloads a browser. Where Chromium is
missing the test is reported as skipped, with the reason.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
NOTEBOOK = "01_one_hot_vs_embeddings.ipynb"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-extensions"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the browser shows inline plots
    env.update(COURSE_FAST="1", JUPYTERLAB_SETTINGS_DIR=str(root / "settings"))
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


def test_notebook_01_runs_in_a_browser_and_its_widget_reacts(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{lab['url']}/lab/tree/{NOTEBOOK}?token={lab['token']}")
            n_cells = len(json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())["cells"])
            # Wait for the whole notebook and an idle kernel; under load the page renders an
            # empty placeholder notebook first, and Run All there would ask for a kernel.
            page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {n_cells}",
                                   timeout=120_000)
            page.wait_for_function("() => /[|] Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')"
                                   "?.innerText || '')", timeout=120_000)
            if page.locator(".jp-Dialog").count():  # a kernel chooser: take the default (this .venv's Python)
                page.click(".jp-Dialog .jp-mod-accept")
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click("li[data-command='runmenu:run-all']")

            page.screenshot(path=str(lab["root"] / "started.png"))
            readout = page.locator(".course-readout").last
            readout.wait_for(timeout=300_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
                ".every(p => !p.textContent.includes('*'))", timeout=300_000)
            before = readout.inner_text()
            assert "embedding cosine" in before and "february" in before

            errors = page.locator(".jp-OutputArea-output:has-text('Traceback')")
            assert errors.count() == 0, errors.first.inner_text()[:2000]

            page.locator(".widget-dropdown select").nth(1).select_option("december")
            page.wait_for_function(
                "before => document.querySelectorAll('.course-readout')[0].innerText !== before",
                arg=before, timeout=30_000)
            after = readout.inner_text()
            assert after != before and "december" in after
            readout.scroll_into_view_if_needed()
            page.screenshot(path=str(lab["root"] / "after.png"))
        except Exception:
            page.screenshot(path=str(lab["root"] / "failure.png"))
            print("screenshot:", lab["root"] / "failure.png")
            raise
        finally:
            browser.close()
