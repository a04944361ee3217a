"""`make slides`: static reveal.js slides of every notebook that open from disk with no network.

    python -m course_tools.slides [--fast] [--out site] [NAME ...]

Slides show outputs, so they are made from the executed copies in ``build/executed/publish/`` that
`make html` leaves (``site.executed_notebook`` reuses them while the notebook, the package sources,
the pins and the mode are unchanged, and runs the notebook when they are missing or stale). Cells are split into slides by their
``slideshow.slide_type`` metadata. reveal.js 5 comes from the ``sphinx-revealjs`` package and
MathJax 2 from ``jupyter-server-mathjax``: both are copied under ``<out>/_static/`` and loaded
by plain script tags; widgets appear as snapshots, as on the site.
"""
import shutil
import time
from pathlib import Path

from course_tools import site

REVEAL_PARTS = ("dist", "plugin/notes", "LICENSE")


def copy_reveal(static_dir: Path) -> Path:
    """Copy reveal.js (dist, the notes plugin, its licence) from sphinx-revealjs into ``static_dir/reveal``."""
    import sphinx_revealjs

    source = Path(sphinx_revealjs.__file__).parent / "_static" / "revealjs"
    target = Path(static_dir) / "reveal"
    for part in REVEAL_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    if not (target / "dist" / "reveal.js").is_file():
        raise FileNotFoundError(f"reveal.js not found in {source}: is sphinx-revealjs installed?")
    return target


def build_slides(names=None, out_dir: Path = site.ROOT / "site", fast: bool = False,
                 executed_dir: Path = site.EXECUTED_DIR, notebook_dir: Path = site.NOTEBOOK_DIR,
                 log=print) -> list:
    """Write ``<out>/slides/<name>.slides.html`` for the chosen notebooks; returns the files."""
    out_dir = Path(out_dir)
    sources = site.course_notebooks(names, notebook_dir)  # a bad name fails before anything is written
    static = out_dir / "_static"
    site.copy_mathjax(static)
    copy_reveal(static)
    written = []
    for source in sources:
        start = time.perf_counter()
        executed = site.executed_notebook(source, fast=fast, executed_dir=executed_dir)
        written.append(site.render(executed, out_dir / "slides" / f"{source.stem}.slides.html", "../_static",
                                   kind="slides", reveal_url_prefix="../_static/reveal",
                                   reveal_theme="white"))
        log(f"{source.name}: {time.perf_counter() - start:.0f} s -> {written[-1]}")
    site.refresh_index(out_dir, executed_dir, notebook_dir)  # the index links the new slides
    return written


def main(argv=None) -> None:
    site.command_line(build_slides, argv, __doc__.split("\n\n")[0],
                      lambda files, out: f"wrote {len(files)} slide decks in {out / 'slides'}")


if __name__ == "__main__":
    main()
