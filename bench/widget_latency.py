"""Latency of each widget callback: median and 95th percentile, compute alone and compute + redraw.

A widget feels responsive when its callback answers in about 100 ms. This
script times, for every registered widget setting, (1) the pure function the
widget calls and (2) the whole redraw (the same function plus the matplotlib
figure, rendered off-screen with Agg). Add another notebook's widget by
appending a ``Case`` to ``CASES``.

    .venv/bin/python bench/widget_latency.py [--repeats 20] [--only gradient_flow]

Prints a table and writes ``bench/results/widget_latency.json``.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course_utils import clipping, spectra  # noqa: E402
from course_utils.ui import plots  # noqa: E402


@dataclass
class Case:
    """One widget setting: ``compute(**kwargs)`` is the widget's pure function, ``draw(result)`` its figure."""
    widget: str
    compute: callable
    kwargs: dict
    draw: callable = None
    notes: str = ""
    label: str = field(default="")


def _gradient_flow_cases():
    cases = []
    for kind in spectra.MATRIX_KINDS:
        for nl in spectra.NONLINEARITIES:
            for radius in (0.1, 1.0, 4.0):
                kwargs = {"kind": kind, "spectral_radius": radius, "T": 200, "nonlinearity": nl, "n": 64}
                cases.append(Case("gradient_flow", spectra.gradient_flow, kwargs, plots.gradient_flow_figure,
                                  "notebook 07, T = 200 (slider maximum), hidden size 64"))
    return cases


def _wall_clipping_cases():
    surface = spectra.error_surface(w_range=(1.0, 13.0), b_range=(-7.0, 1.0), num=121)  # built once per widget
    cases = []
    for start in clipping.WALL_STARTS:
        for rule in ("norm", "elementwise"):
            for lr in (0.001, 0.1):
                kwargs = {"start": start, "clip": rule, "threshold": 5.0, "lr": lr}
                cases.append(Case("wall_clipping", clipping.wall_experiment, kwargs,
                                  lambda result, surface=surface: plots.wall_experiment_figure(surface, result),
                                  "notebook 08, 300 descent steps with and without clipping"))
    return cases


CASES = _gradient_flow_cases() + _wall_clipping_cases()


def _time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return times


def _summary(times):
    return {"median_ms": statistics.median(times), "p95_ms": float(np.percentile(times, 95)),
            "max_ms": max(times), "n": len(times)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed calls per setting (default 20)")
    parser.add_argument("--only", default=None, help="time only this widget")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {args.repeats}")
    plots.use_course_style()
    rows = []
    cases = [c for c in CASES if args.only in (None, c.widget)]
    if not cases:
        parser.error(f"--only={args.only!r} matches no widget; known: {sorted({c.widget for c in CASES})}")
    for case in cases:
        call = lambda: case.compute(**case.kwargs)  # noqa: E731
        call()  # warm-up: caches, first-call imports
        compute = _summary(_time(call, args.repeats))
        row = {"widget": case.widget, "settings": case.kwargs, "notes": case.notes, "compute": compute}
        if case.draw is not None:
            def redraw():
                fig = case.draw(call())
                fig.canvas.draw()
                plt.close(fig)
            redraw()
            row["compute_and_draw"] = _summary(_time(redraw, max(3, args.repeats // 4)))
        rows.append(row)
        s = case.kwargs
        print(f"{case.widget:>14} {' '.join(f'{v}' for v in s.values()):<34} compute median {compute['median_ms']:6.1f} ms, "
              f"p95 {compute['p95_ms']:6.1f} ms"
              + (f" | with redraw median {row['compute_and_draw']['median_ms']:6.1f} ms, "
                 f"p95 {row['compute_and_draw']['p95_ms']:6.1f} ms" if "compute_and_draw" in row else ""))
    overall = {}
    for widget in sorted({r["widget"] for r in rows}):
        mine = [r for r in rows if r["widget"] == widget]
        overall[widget] = {
            "compute_median_of_medians_ms": statistics.median(r["compute"]["median_ms"] for r in mine),
            "compute_worst_p95_ms": max(r["compute"]["p95_ms"] for r in mine),
            "redraw_median_of_medians_ms": statistics.median(r["compute_and_draw"]["median_ms"] for r in mine
                                                             if "compute_and_draw" in r) if mine[0].get("compute_and_draw") else None,
            "redraw_worst_p95_ms": max((r["compute_and_draw"]["p95_ms"] for r in mine if "compute_and_draw" in r),
                                       default=None),
            "settings": len(mine),
        }
        o = overall[widget]
        print(f"\n{widget}: {o['settings']} settings; compute median of medians {o['compute_median_of_medians_ms']:.1f} ms, "
              f"worst p95 {o['compute_worst_p95_ms']:.1f} ms (target < 100 ms)"
              + (f"; with redraw {o['redraw_median_of_medians_ms']:.1f} ms, worst p95 {o['redraw_worst_p95_ms']:.1f} ms"
                 if o["redraw_median_of_medians_ms"] is not None else ""))
    machine = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
               "cpu_count": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__,
               "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    out = ROOT / "bench" / "results" / "widget_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "repeats": args.repeats, "summary": overall, "cases": rows},
                              indent=1, default=str))
    print(f"\nmachine: {machine['cpu_count']} CPUs, {machine['platform']}, load {machine['load_average_1min']}")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
