"""`make html`: execute every notebook and render a static site that reads from disk with no network.

    python -m course_tools.site [--fast] [--out site] [NAME ...]

Each notebook runs top to bottom with nbclient (full mode unless ``--fast``) into an executed
copy under ``build/executed/publish/`` (made by :mod:`course_tools.runner`, reused while
the notebook, the package sources, the pins and the mode are unchanged; `make slides` uses the same
copies), then nbconvert renders it to ``<out>/<name>.html``. ``<out>/index.html`` lists the notebooks in course order with the first paragraph of each title cell.

Offline: MathJax 2 comes from the ``jupyter-server-mathjax`` package and is copied to
``<out>/_static/mathjax``; require.js, mermaid and the widget renderer are left out. Widgets
cannot run without a kernel, so each widget view is replaced by a snapshot of its saved state:
the controls' values as text, the HTML readouts, the last picture of its image widgets, and the
outputs its Output areas captured, under a note that says it is a snapshot.
"""
import argparse
import html
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

from course_tools import runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
EXECUTED_DIR = runner.CACHE_DIR
PUBLISH = "publish"  # the runner's kind of run for the site and the slides
TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
SNAPSHOT_NOTE = ("Snapshot of the widget as the notebook left it (controls shown as text); "
                 "run the notebook in JupyterLab to use it.")
COURSE_CSS = """
.course-snapshot { border-left: 3px solid #adb5bd; padding: 0.2em 0.6em; margin: 0.2em 0; }
.course-snapshot-note { color: #6c757d; font-size: 85%; font-style: italic; }
.course-snapshot-control { display: inline-block; margin: 0.1em 1.2em 0.1em 0; font-family: monospace; }
"""


# ---------------------------------------------------------------- which notebooks
def course_notebooks(names=None, notebook_dir: Path = NOTEBOOK_DIR) -> list:
    """The notebooks in course order, or those named (``01``, ``01_one_hot_vs_embeddings`` or the file name)."""
    every = sorted(Path(notebook_dir).glob("[0-9][0-9]_*.ipynb"))
    if not every:
        raise FileNotFoundError(f"no notebooks NN_name.ipynb in {notebook_dir}")
    if not names:
        return every
    chosen = []
    for name in names:
        stem = Path(str(name)).name.removesuffix(".ipynb")
        hits = [p for p in every if p.stem == stem or p.stem.split("_")[0] == stem]
        if len(hits) != 1:
            raise ValueError(f"unknown notebook {name!r}: expected one of "
                             f"{', '.join(p.stem for p in every)} (or just its number)")
        chosen.append(hits[0])
    return chosen


# ---------------------------------------------------------------- execution
def executed_notebook(path: Path, fast: bool = False, executed_dir: Path = EXECUTED_DIR) -> Path:
    """The executed copy of ``path`` for publishing (inline figures, widget state kept); returns its path.

    Run by :mod:`course_tools.runner`, which reuses a copy while the notebook, the package
    sources, the pins and the mode are unchanged.
    """
    return runner.executed_copy(path, PUBLISH, fast, cache_dir=executed_dir, inline_figures=True)


# ---------------------------------------------------------------- widgets -> static snapshots
_CONTAINERS = {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel", "AccordionModel", "TabModel"}
_PASSIVE = _CONTAINERS | {"HTMLModel", "HTMLMathModel", "LabelModel", "OutputModel", "ImageModel",
                          "FloatProgressModel", "IntProgressModel"}


def _html_output(text: str):
    return nbformat.v4.new_output("display_data", data={"text/html": text})


def _control_value(s: dict) -> str:
    if "_options_labels" in s and "index" in s:
        idx, labels = s["index"], s["_options_labels"]
        if isinstance(idx, (list, tuple)):
            return ", ".join(labels[i] for i in idx)
        return "" if idx is None else str(labels[idx])
    value = s.get("value", "")
    if isinstance(value, (list, tuple)):
        return " - ".join(str(v) for v in value)
    return str(value)


def _flatten(model_id: str, state: dict, parts: list, kinds: set) -> None:
    """Append to ``parts`` (html strings and nbformat outputs) the static form of one widget."""
    model = state.get(model_id)
    if model is None:
        parts.append(f"<div>(widget {html.escape(model_id)} was not saved)</div>")
        return
    name, s = model["model_name"], model["state"]
    kinds.add(name)
    if name in _CONTAINERS:
        for child in s.get("children", []):
            _flatten(str(child).removeprefix("IPY_MODEL_"), state, parts, kinds)
    elif name in ("HTMLModel", "HTMLMathModel"):
        parts.append(f"<div>{s.get('value', '')}</div>")
    elif name == "LabelModel":
        parts.append(f"<div>{html.escape(str(s.get('value', '')))}</div>")
    elif name == "OutputModel":
        parts.extend(nbformat.from_dict(o) for o in s.get("outputs", []))
    elif name == "ImageModel":  # a widget's picture: its bytes are saved base64-encoded beside the state
        data = next((b["data"] for b in model.get("buffers", []) if b.get("path") == ["value"]), None)
        if data:
            parts.append(nbformat.v4.new_output("display_data", data={f"image/{s.get('format', 'png')}": data}))
    elif name in ("FloatProgressModel", "IntProgressModel"):
        parts.append(f"<progress value='{s.get('value', 0)}' max='{s.get('max', 100)}'></progress>")
    elif name == "ButtonModel":
        parts.append(f"<span class='course-snapshot-control'>[{html.escape(s.get('description', ''))}]</span>")
    else:
        label = s.get("description") or name.removesuffix("Model")
        parts.append(f"<span class='course-snapshot-control'>{html.escape(label)}: "
                     f"<b>{html.escape(_control_value(s))}</b></span>")


def widget_outputs(model_id: str, state: dict) -> list:
    """The nbformat outputs that stand in for one widget view: merged HTML pieces and captured outputs.

    A widget with controls gets the snapshot note first; progress bars and readouts do not.
    """
    parts, kinds = [], set()
    _flatten(model_id, state, parts, kinds)
    if kinds - _PASSIVE:
        parts.insert(0, f"<div class='course-snapshot-note'>{SNAPSHOT_NOTE}</div>")
    outputs, pending = [], []
    for part in parts + [None]:
        if isinstance(part, str):
            pending.append(part)
            continue
        if pending:
            outputs.append(_html_output("<div class='course-snapshot'>" + "".join(pending) + "</div>"))
            pending = []
        if part is not None:
            outputs.append(part)
    return outputs


def snapshot_widgets(nb) -> int:
    """Replace every widget view in ``nb`` (in place) by its static snapshot; returns how many.

    Drops the widget state from the metadata, so no template tries to load a widget renderer.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        new = []
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                new.append(out)
            else:
                new.extend(widget_outputs(view["model_id"], state))
                count += 1
        cell.outputs = new
    nb.metadata.pop("widgets", None)
    return count


# ---------------------------------------------------------------- static assets and rendering
def copy_mathjax(static_dir: Path) -> Path:
    """Copy MathJax 2 from the jupyter-server-mathjax package into ``static_dir/mathjax`` (once)."""
    import jupyter_server_mathjax

    target = Path(static_dir) / "mathjax"
    if not (target / "MathJax.js").is_file():
        source = Path(jupyter_server_mathjax.__file__).parent / "static"
        shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def exporter(kind: str = "html", **traits):
    """An nbconvert exporter on the course's offline templates (``kind``: 'html' or 'slides')."""
    from nbconvert import HTMLExporter, SlidesExporter

    cls, template = {"html": (HTMLExporter, "course_lab"), "slides": (SlidesExporter, "course_reveal")}[kind]
    return cls(extra_template_basedirs=[str(TEMPLATES)], template_name=template,
               require_js_url="", jquery_url="", mermaid_js_url="", mermaid_layout_elk_js_url="",
               **traits)


def render(executed: Path, out_file: Path, static_rel: str, kind: str = "html", **traits) -> Path:
    """Render one executed notebook to ``out_file``; ``static_rel``: the path from it to ``_static``."""
    nb = nbformat.read(executed, as_version=4)
    snapshot_widgets(nb)
    nb.metadata.pop("course_run", None)
    body, _ = exporter(kind, mathjax_url=f"{static_rel}/mathjax/MathJax.js?config={MATHJAX_CONFIG}",
                       **traits).from_notebook_node(
        nb, resources={"metadata": {"name": Path(executed).stem}, "course_css": COURSE_CSS})
    # links between notebooks point at their rendered pages
    suffix = ".slides.html" if kind == "slides" else ".html"
    body = re.sub(r'href="(\d\d_[a-z0-9_]+)\.ipynb', lambda m: f'href="{m.group(1)}{suffix}', body)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(body, encoding="utf-8")
    return out_file


# ---------------------------------------------------------------- the index page
def title_and_blurb(nb) -> tuple:
    """The title (``# ...`` of the first cell) and the first paragraph under it, as HTML."""
    from nbconvert.filters import markdown2html

    lines = nb.cells[0].source.strip().splitlines()
    title = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else "(untitled)"
    paragraph = []
    for line in lines[1:]:
        if not line.strip():
            if paragraph:
                break
            continue
        paragraph.append(line)
    blurb = markdown2html(" ".join(paragraph)).strip()
    return title, re.sub(r"^<p>(.*)</p>$", r"\1", blurb, flags=re.S)


def write_index(out_dir: Path, entries: list) -> Path:
    """``entries``: dicts with name, title, blurb, mode, seconds (None if unknown), slides (bool)."""
    rows = []
    for e in entries:
        extra = [f"{e['mode']} mode"] + ([f"ran in {e['seconds']:.0f} s"] if e.get("seconds") else [])
        if e.get("slides"):
            extra.append(f"<a href='slides/{e['name']}.slides.html'>slides</a>")
        rows.append(f"<li><a href='{e['name']}.html'><b>{html.escape(e['title'])}</b></a>"
                    f"<br>{e['blurb']}<br><small>{' · '.join(extra)}</small></li>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Word representations and recurrent neural networks</title>
<script>window.MathJax = {{"HTML-CSS": {{availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null}},
  tex2jax: {{inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true}}, showMathMenu: false}};</script>
<script src="_static/mathjax/MathJax.js?config={MATHJAX_CONFIG}"></script>
<style>body {{ font-family: sans-serif; max-width: 52em; margin: 2em auto; line-height: 1.45; padding: 0 1em; }}
li {{ margin-bottom: 1em; }} small {{ color: #6c757d; }}</style>
</head><body>
<h1>Word representations and recurrent neural networks</h1>
<p>The course's notebooks in order, executed and rendered with their outputs. Widgets are shown as
snapshots of their last state; to use them, run the notebooks in JupyterLab (<code>make lab</code>).</p>
<ol start="0">
{chr(10).join(rows)}
</ol>
</body></html>
"""
    path = Path(out_dir) / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def index_entry(source: Path, executed: Path, slides: bool = False) -> dict:
    nb = nbformat.read(executed, as_version=4)
    title, blurb = title_and_blurb(nbformat.read(source, as_version=4))
    meta = nb.metadata.get("course_run", {})
    return {"name": source.stem, "title": title, "blurb": blurb, "mode": meta.get("mode", "?"),
            "seconds": meta.get("seconds"), "slides": slides}


def refresh_index(out_dir: Path, executed_dir: Path = EXECUTED_DIR, notebook_dir: Path = NOTEBOOK_DIR):
    """(Re)write ``out_dir/index.html`` for every notebook whose page is in ``out_dir``; None if there are none."""
    out_dir = Path(out_dir)
    entries = [index_entry(src, runner.copy_path(src, PUBLISH, executed_dir),
                           slides=(out_dir / "slides" / f"{src.stem}.slides.html").is_file())
               for src in course_notebooks(None, notebook_dir)
               if (out_dir / f"{src.stem}.html").is_file() and runner.copy_path(src, PUBLISH, executed_dir).is_file()]
    return write_index(out_dir, entries) if entries else None


def build_site(names=None, out_dir: Path = ROOT / "site", fast: bool = False,
               executed_dir: Path = EXECUTED_DIR, notebook_dir: Path = NOTEBOOK_DIR, log=print) -> list:
    """Execute and render the chosen notebooks and write the index; returns the written files."""
    out_dir = Path(out_dir)
    sources = course_notebooks(names, notebook_dir)
    copy_mathjax(out_dir / "_static")
    written = []
    for source in sources:
        start = time.perf_counter()
        executed = executed_notebook(source, fast=fast, executed_dir=executed_dir)
        written.append(render(executed, out_dir / f"{source.stem}.html", "_static"))
        log(f"{source.name}: {time.perf_counter() - start:.0f} s -> {written[-1]}")
    written.append(refresh_index(out_dir, executed_dir, notebook_dir))
    return written


def command_line(build, argv, description: str, report) -> None:
    """The command line that ``make html`` and ``make slides`` share: notebook names, --fast, --out, --executed.

    ``build(names, out_dir, fast, executed_dir)`` returns the written files; ``report(files, out_dir)``
    says what was written. A bad name or a missing file ends with a one-line error, not a traceback.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("names", nargs="*", help="notebooks to build (default: all), e.g. 01 or 04_language_models")
    parser.add_argument("--fast", action="store_true",
                        help="run notebooks that have no executed copy yet in fast mode (COURSE_FAST=1), not full")
    parser.add_argument("--out", default=str(ROOT / "site"), help="output folder (default: site/)")
    parser.add_argument("--executed", default=str(EXECUTED_DIR), help="folder of executed copies")
    args = parser.parse_args(argv)
    try:
        files = build(args.names, Path(args.out), args.fast, Path(args.executed))
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f"error: {err}")
    print(report(files, Path(args.out)))


def main(argv=None) -> None:
    command_line(build_site, argv, __doc__.split("\n\n")[0],
                 lambda files, out: f"wrote {len(files)} pages; open {files[-1]}")


if __name__ == "__main__":
    main()
