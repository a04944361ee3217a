"""Slide metadata, `make html` and `make slides`: built for two small notebooks in fast mode, checked offline."""
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from course_session import TEST_CACHE
from course_tools import site, slides

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
BUILT = ["00", "01"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_a_slide_type_and_the_notebook_starts_with_a_slide(path):
    cells = nbformat.read(path, as_version=4).cells
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in cells]
    bad = [(i, k) for i, k in enumerate(kinds) if k not in SLIDE_TYPES]
    assert not bad, f"{path.name}: cells without a valid slideshow.slide_type: {bad[:5]}"
    assert kinds[0] == "slide", f"{path.name} starts with {kinds[0]!r}, not a slide"
    assert kinds.count("slide") >= 2, f"{path.name}: only {kinds.count('slide')} slide(s)"


def test_unknown_notebook_name_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown notebook 'nope'.*00_start_here"):
        site.course_notebooks(["nope"])
    assert [p.stem for p in site.course_notebooks(["01", "02_word2vec_from_scratch.ipynb"])] == \
        ["01_one_hot_vs_embeddings", "02_word2vec_from_scratch"]


@pytest.mark.parametrize("command", [site.main, slides.main], ids=["make html", "make slides"])
def test_the_command_line_ends_a_bad_name_with_one_line(command, tmp_path):
    with pytest.raises(SystemExit, match=r"^error: unknown notebook 'nope'"):
        command(["nope", "--out", str(tmp_path)])
    assert not any(tmp_path.iterdir()), "nothing is written for a bad name"


def test_a_widget_becomes_a_snapshot_of_its_saved_state():
    state = {
        "box": {"model_name": "VBoxModel",
                "state": {"children": ["IPY_MODEL_drop", "IPY_MODEL_html", "IPY_MODEL_pic", "IPY_MODEL_out"]}},
        "pic": {"model_name": "ImageModel", "state": {"format": "png"},
                "buffers": [{"path": ["value"], "encoding": "base64", "data": "iVBORpicture"}]},
        "drop": {"model_name": "DropdownModel",
                 "state": {"description": "word", "index": 1, "_options_labels": ["cat", "dog"]}},
        "html": {"model_name": "HTMLModel", "state": {"value": "cosine <b>0.5</b>"}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}]}},
    }
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("w")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        site.WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0}, "text/plain": "VBox()"})]
    nb.cells = [cell]
    nb.metadata["widgets"] = {site.WIDGET_STATE: {"state": state}}
    assert site.snapshot_widgets(nb) == 1
    html_out, picture_out, image_out = cell.outputs
    text = html_out["data"]["text/html"]
    assert "Snapshot" in text and "word: <b>dog</b>" in text and "cosine <b>0.5</b>" in text
    assert picture_out["data"]["image/png"] == "iVBORpicture"  # the image widget's last picture
    assert image_out["data"]["image/png"] == "iVBOR"
    assert "widgets" not in nb.metadata


class _Refs(HTMLParser):
    """Collects script src, link href, img src and anchor href of a page."""

    def __init__(self):
        super().__init__()
        self.loads, self.anchors = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img") and a.get("src"):
            self.loads.append(a["src"])
        elif tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        elif tag == "a" and a.get("href"):
            self.anchors.append(a["href"])


def _refs(page: Path) -> _Refs:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    # the executed copies are reused between test runs while nothing that can change them has changed
    slide_files = slides.build_slides(BUILT, out, fast=True, executed_dir=TEST_CACHE, log=lambda *_: None)
    site_files = site.build_site(BUILT, out, fast=True, executed_dir=TEST_CACHE, log=lambda *_: None)
    return {"out": out, "pages": site_files[:-1], "index": site_files[-1], "slides": slide_files}


def test_site_and_slides_are_written_and_the_index_follows_the_course(built):
    out = built["out"]
    names = [p.stem for p in site.course_notebooks(BUILT)]
    assert [p.name for p in built["pages"]] == [f"{n}.html" for n in names]
    assert [p.name for p in built["slides"]] == [f"{n}.slides.html" for n in names]
    anchors = _refs(built["index"]).anchors
    assert anchors == [a for n in names for a in (f"{n}.html", f"slides/{n}.slides.html")]
    assert all((out / a).is_file() for a in anchors)
    text = built["index"].read_text(encoding="utf-8")
    assert "One-hot vectors vs dense embeddings" in text and "fast mode" in text


def test_pages_load_nothing_from_the_network_and_every_local_file_exists(built):
    for page in [built["index"], *built["pages"], *built["slides"]]:
        for ref in _refs(page).loads:
            assert not re.match(r"(https?:)?//", ref), f"{page.name} loads {ref} from the network"
            if ref.startswith("data:"):
                continue
            local = (page.parent / unquote(urlparse(ref).path)).resolve()
            assert local.is_file(), f"{page.name} refers to missing {ref}"


def test_plots_and_widget_snapshots_are_in_the_pages(built):
    page = (built["out"] / "01_one_hot_vs_embeddings.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') >= 2
    assert site.SNAPSHOT_NOTE in page and "embedding cosine" in page
    note = page.index(site.SNAPSHOT_NOTE)  # the widget's picture comes after its note, before its lists
    assert note < page.index('src="data:image/png;base64,', note) < page.index("nearest to", note)
    assert "application/vnd.jupyter.widget-view+json" not in page
    deck = built["slides"][1].read_text(encoding="utf-8")
    assert deck.count("<section") >= 10 and 'src="data:image/png;base64,' in deck


@pytest.mark.browser
@pytest.mark.parametrize("which", ["page", "slides"])
def test_chromium_shows_math_and_figures_with_the_network_cut(built, which):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set COURSE_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    name = "01_one_hot_vs_embeddings"
    target = built["out"] / (f"{name}.html" if which == "page" else f"slides/{name}.slides.html")
    attempts = []

    def only_files(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            attempts.append(url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.route("**/*", only_files)
            page.goto(target.as_uri())
            page.wait_for_function("() => document.querySelectorAll('.MathJax, .MathJax_Display').length > 3",
                                   timeout=60_000)
            shown = page.evaluate("() => [...document.images].filter(i => i.src.startsWith('data:image/png')"
                                  " && i.complete && i.naturalWidth > 100).length")
            assert shown >= 2, f"only {shown} figures decoded"
            if which == "slides":
                assert page.evaluate("() => typeof Reveal !== 'undefined' && Reveal.isReady()")
                assert page.locator(".reveal .slides section").count() >= 10
        finally:
            browser.close()
    assert not attempts, f"requests to the network: {attempts[:5]}"
