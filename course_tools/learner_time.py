"""How long a notebook takes a learner, by the rule in CONTRIBUTING.md ("How long a notebook takes").

    python -m course_tools.learner_time            # a table for every notebook
    python -m course_tools.learner_time 07 08      # some of them

The rule adds up, for the notebook's main line:

- reading: markdown words at READING_WPM words per minute (technical text with equations, read to
  understand, not skimmed);
- code: non-blank code lines at CODE_LINES_PER_MIN lines per minute (read, run, look at the output);
- each exercise (a ``### Exercise`` heading): EXERCISE_MIN minutes;
- each widget experiment (a code cell that opens an ``..._explorer``, ``..._stepper`` or
  ``..._showdown`` widget): WIDGET_MIN minutes;
- the machine's full-mode run time from ``bench/results/notebook_times.json``;

and rounds the sum up to the next 5 minutes. Optional sections (from a ``## Optional`` heading to
the next ``## `` heading that is not optional) are counted the same way but reported apart. The
opening cell of every notebook states the main-line figure; ``tests/test_learner_time.py`` keeps
the two equal.
"""
import argparse
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
TIMES = ROOT / "bench" / "results" / "notebook_times.json"

READING_WPM = 100
CODE_LINES_PER_MIN = 10
EXERCISE_MIN = 5
WIDGET_MIN = 5
ROUND_TO = 5
WIDGET_CALL = re.compile(r"\w+_(explorer|stepper|showdown)\(")
STATED = re.compile(r"\*\*Time:\*\* about (\d+) minutes")
STATED_OPTIONAL = re.compile(r"[Oo]ptional[^.]*?about (\d+) minutes")


def sections(nb: dict) -> dict:
    """Split a notebook's cells into ``{"main": [...], "optional": [...]}`` by ``## Optional`` headings."""
    parts = {"main": [], "optional": []}
    optional = False
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and text.startswith("## "):
            optional = text.startswith("## Optional")
        parts["optional" if optional else "main"].append(cell)
    return parts


def counts(cells: list) -> dict:
    """Words, code lines, exercises and widget experiments in ``cells``."""
    md = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return {"words": sum(len(t.split()) for t in md),
            "code_lines": sum(1 for t in code for line in t.splitlines() if line.strip()),
            "exercises": sum(len(re.findall(r"^### Exercise", t, re.M)) for t in md),
            "widgets": sum(1 for t in code if WIDGET_CALL.search(t))}


def minutes(c: dict, run_seconds: float = 0.0) -> float:
    """Unrounded minutes the rule gives for the counts ``c`` plus a run time in seconds."""
    return (c["words"] / READING_WPM + c["code_lines"] / CODE_LINES_PER_MIN
            + EXERCISE_MIN * c["exercises"] + WIDGET_MIN * c["widgets"] + run_seconds / 60)


def rounded(m: float) -> int:
    return int(ROUND_TO * math.ceil(m / ROUND_TO)) if m > 0 else 0


def full_run_seconds() -> dict:
    """``{notebook file name: full-mode seconds}`` from the last ``bench/notebook_times.py`` run."""
    runs = json.loads(TIMES.read_text())["runs"]
    return {r["notebook"]: r["seconds"] for r in runs if r["mode"] == "full"}


def estimate(path: Path, run_seconds: dict) -> dict:
    """The rule's figures for one notebook: counts, unrounded and rounded minutes, main and optional."""
    nb = json.loads(path.read_text())
    parts = sections(nb)
    main, optional = counts(parts["main"]), counts(parts["optional"])
    if path.name not in run_seconds:
        raise KeyError(f"{path.name} has no full-mode time in {TIMES.name}: run bench/notebook_times.py")
    main_min = minutes(main, run_seconds[path.name])
    return {"notebook": path.name, "main": main, "optional": optional,
            "run_s": run_seconds[path.name], "main_min": main_min, "optional_min": minutes(optional),
            "stated": rounded(main_min), "stated_optional": rounded(minutes(optional))}


def stated_in_opening_cell(path: Path) -> tuple:
    """(main, optional) minutes the notebook's first cell states; optional is 0 when it names none."""
    first = "".join(json.loads(path.read_text())["cells"][0]["source"])
    main = STATED.search(first)
    optional = STATED_OPTIONAL.search(first)
    return (int(main.group(1)) if main else None, int(optional.group(1)) if optional else 0)


def table(rows: list) -> str:
    head = ("| notebook | words | code lines | exercises | widgets | run (s) | main line (min) | stated "
            "| optional (min) |\n|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        m = r["main"]
        lines.append(f"| {r['notebook']} | {m['words']} | {m['code_lines']} | {m['exercises']} | "
                     f"{m['widgets']} | {r['run_s']:.0f} | {r['main_min']:.1f} | {r['stated']} | "
                     f"{r['stated_optional'] or '-'} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="notebook number prefixes (default: all)")
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    if args.prefixes:
        paths = [p for p in paths if p.name[:2] in args.prefixes]
    run_seconds = full_run_seconds()
    rows = [estimate(p, run_seconds) for p in paths]
    print(table(rows))
    total = sum(r["stated"] for r in rows)
    print(f"\nmain lines: {total} minutes ({total / 60:.1f} hours); "
          f"optional sections: {sum(r['stated_optional'] for r in rows)} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
