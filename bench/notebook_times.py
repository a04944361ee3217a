"""Wall-clock time and peak memory of Restart & Run All for each notebook, fast and full mode.

    .venv/bin/python bench/notebook_times.py                 # every notebook, both modes
    .venv/bin/python bench/notebook_times.py --modes fast 00 01

Each notebook runs in a fresh kernel (``course_tools.runner``, the runner the tests and
`make html` use) from its own child process, so peak memory is per notebook. Prints a table and
writes bench/results/notebook_times.json (rows of notebooks and modes not
run this time are kept from the earlier file; each row says when it was measured).
The README's notebook table takes its minutes from here.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's notebook runner, in a child process whose only child is the kernel.
RUN_ONE = """
import resource, sys
from pathlib import Path
import nbformat
from course_tools.runner import run_notebook
path = Path(sys.argv[1])
run_notebook(nbformat.read(path, as_version=4), path.parent, fast=sys.argv[2] == "fast", kind="bench")
print("PEAK_KIB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # the kernel's peak, in KiB
"""


def run(path: Path, fast: bool) -> dict:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RUN_ONE, str(path), "fast" if fast else "full"],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("PEAK_KIB")]
    return {"notebook": path.name, "mode": "fast" if fast else "full", "seconds": round(seconds, 1),
            "kernel_peak_mib": round(int(peak[0]) / 1024) if peak else None,
            "ok": proc.returncode == 0, "error": proc.stderr[-800:] if proc.returncode else ""}


def merged(out: Path, rows: list) -> list:
    """The rows just measured, plus the earlier rows of other notebooks and modes that still exist."""
    earlier = json.loads(out.read_text())["runs"] if out.exists() else []
    existing = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    fresh = {(r["notebook"], r["mode"]) for r in rows}
    kept = [r for r in earlier if r["notebook"] in existing and (r["notebook"], r["mode"]) not in fresh]
    return sorted(kept + rows, key=lambda r: (r["notebook"], r["mode"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="notebook number prefixes, e.g. 00 01 (default: all)")
    parser.add_argument("--modes", nargs="+", default=["fast", "full"], choices=["fast", "full"])
    args = parser.parse_args()
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.prefixes:
        paths = [p for p in paths if p.name[:2] in args.prefixes]
    rows = []
    for path in paths:
        for mode in args.modes:
            row = run(path, fast=mode == "fast")
            rows.append(row)
            print(f"{row['notebook']:<40} {row['mode']:>4} {row['seconds']:8.1f} s "
                  f"{row['kernel_peak_mib'] or 0:6d} MiB  "
                  f"{'ok' if row['ok'] else 'FAILED'}", flush=True)
            if not row["ok"]:
                print(row["error"])
    out = ROOT / "bench" / "results" / "notebook_times.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for row in rows:
        row["measured"] = when
    meta = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
            "load_average_at_end": os.getloadavg(), "command": " ".join(["bench/notebook_times.py", *sys.argv[1:]])}
    out.write_text(json.dumps({"meta": meta, "runs": merged(out, rows)}, indent=1))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
