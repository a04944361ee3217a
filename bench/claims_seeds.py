"""Rerun the notebooks' checked experiments on seeds 0, 1 and 2, in fast and full mode.

    .venv/bin/python bench/claims_seeds.py                    # every notebook below, both modes, 3 seeds
    .venv/bin/python bench/claims_seeds.py --modes fast 08 10 --jobs 2

Each run executes the notebook itself (``course_tools.runner``, the runner the tests use) in a
fresh kernel with ``COURSE_SEED`` and ``COURSE_FAST`` set, and ``COURSE_CLAIMS_FILE`` pointing at a
scratch file: every ``claim(...)`` the notebook asserts is recorded there with its value, bound and
margin (``course_utils.checks.claims``). No experiment's code is copied out of its notebook. A notebook whose
experiments draw nothing at random runs once per mode (seed 0). Cells go on after a failing one, so
every claim of a run is recorded. Prints a table and writes bench/results/claims_seeds.json.
Not part of `make test`: the full-mode runs take most of an hour on two cores.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = (0, 1, 2)
# notebook prefix -> whether its checked experiments depend on the seed
NOTEBOOKS = {"04": True, "05": True, "08": True, "09": True, "10": True, "11": True, "12": True, "13": True}
RUN_ONE = """
import sys
from pathlib import Path
import nbformat
from course_tools.runner import run_notebook
path = Path(sys.argv[1])
nb = run_notebook(nbformat.read(path, as_version=4), path.parent, fast=sys.argv[2] == "fast", kind="bench",
                  allow_errors=True)
errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
for o in errors:
    print("CELL ERROR", o.ename, str(o.evalue)[:300])
sys.exit(1 if errors else 0)
"""


def run(path: Path, mode: str, seed: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        claims_file = Path(scratch) / "claims.jsonl"
        env = {**os.environ, "COURSE_SEED": str(seed), "COURSE_CLAIMS_FILE": str(claims_file),
               "COURSE_THREADS": "1", "OMP_NUM_THREADS": "1"}
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", RUN_ONE, str(path), mode], capture_output=True,
                              text=True, env=env, cwd=ROOT)
        seconds = time.perf_counter() - start
        claims = ([json.loads(line) for line in claims_file.read_text().splitlines() if line.strip()]
                  if claims_file.exists() else [])
    errors = [line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("CELL ERROR")]
    return {"notebook": path.name, "mode": mode, "seed": seed, "seconds": round(seconds, 1),
            "ok": proc.returncode == 0, "errors": errors or ([proc.stderr[-800:]] if proc.returncode else []),
            "claims": claims}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help=f"notebook prefixes (default: {' '.join(NOTEBOOKS)})")
    parser.add_argument("--modes", nargs="+", default=["fast", "full"], choices=["fast", "full"])
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2, one per core)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "claims_seeds.json",
                        help="JSON file to merge the runs into (default bench/results/claims_seeds.json)")
    args = parser.parse_args()
    unknown = set(args.prefixes) - set(NOTEBOOKS)
    if unknown:
        parser.error(f"no checked experiments in notebooks {sorted(unknown)}; choose from {sorted(NOTEBOOKS)}")
    paths = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    jobs = [(paths[prefix], mode, seed) for prefix in (args.prefixes or NOTEBOOKS) for mode in args.modes
            for seed in (args.seeds if NOTEBOOKS[prefix] else [0])]
    jobs.sort(key=lambda job: job[1] != "full")  # the long runs first
    with ThreadPoolExecutor(args.jobs) as pool:
        runs = list(pool.map(lambda job: report(run(*job)), jobs))
    runs.sort(key=lambda r: (r["notebook"], r["mode"], r["seed"]))
    print_table(runs)
    out = args.out.resolve()
    previous = json.loads(out.read_text()) if out.exists() else {}
    kept = [r for r in previous.get("runs", []) if (r["notebook"], r["mode"], r["seed"]) not in
            {(r2["notebook"], r2["mode"], r2["seed"]) for r2 in runs}]
    out.write_text(json.dumps({"machine": f"{platform.machine()}, {os.cpu_count()} cores",
                               "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                               "command": "bench/claims_seeds.py " + " ".join(sys.argv[1:]),
                               "runs": sorted(kept + runs, key=lambda r: (r["notebook"], r["mode"], r["seed"]))},
                              indent=1) + "\n")
    print(f"wrote {out}")
    failed = [r for r in runs if not r["ok"] or not r["claims"] or not all(c["holds"] for c in r["claims"])]
    sys.exit(1 if failed else 0)


def report(row: dict) -> dict:
    held = sum(c["holds"] for c in row["claims"])
    print(f"{row['notebook']:<32} {row['mode']:>4} seed {row['seed']}  {row['seconds']:7.1f} s  "
          f"{held}/{len(row['claims'])} claims held{'' if row['ok'] else '  ERRORS: ' + ' | '.join(row['errors'])}",
          flush=True)
    return row


def print_table(runs: list) -> None:
    print(f"\n{'notebook':<24} {'claim':<58} {'mode':>4} {'seed':>4} {'value':>10} {'op':>2} {'bound':>10} "
          f"{'margin':>10}  holds")
    for r in runs:
        for c in r["claims"]:
            print(f"{r['notebook'][:24]:<24} {c['name'][:58]:<58} {r['mode']:>4} {r['seed']:>4} {c['value']:10.4g} "
                  f"{c['op']:>2} {c['bound']:10.4g} {c['margin']:10.4g}  {'yes' if c['holds'] else 'NO'}")


if __name__ == "__main__":
    main()
