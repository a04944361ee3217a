"""Classroom capacity on JupyterHub: how many students one server holds when they run a notebook at once.

One hub (``python -m course_tools.hub``, driven by tests/hub_client.py) per mode, students s1..s4,
each with their own single-user server (SimpleLocalProcessSpawner, a folder each). All the servers
are started first, the instructor's notebook (notebooks/NN.ipynb, with solutions, so every cell
runs) is uploaded into every student's folder, and 00_start_here runs once in s1 (a warm-up: the
libraries are read from disk before anything is timed; not reported). Then N students run the
notebook AT THE SAME TIME, one thread each calling ``run_notebook``: a fresh kernel in their own
server, every code cell sent over its websocket as JupyterLab does. One torch thread per kernel
(COURSE_THREADS=1; the hub sets OMP_NUM_THREADS=1). Scenarios:

    fast-01   COURSE_FAST=1, 01_one_hot_vs_embeddings.ipynb           N = 1, 2, 4
    fast-10   COURSE_FAST=1, 10_char_lm_sampling.ipynb (the heaviest)  N = 1, 2, 4
    full-10   COURSE_FAST=0, 10_char_lm_sampling.ipynb                 N = 1, 2

Per student: the wall seconds from their first cell sent to their last cell's reply (the kernel's
launch is not in it, but the first cell waits until the kernel answers; a scenario's "all done" is
from the common start to the last student's end, kernel launches included), errors (any, or a run
that raised, fails the bench: exit 1), the kernel's peak RSS and CPU seconds, and the peak RSS and
CPU seconds of their server (the jupyterhub-singleuser process the hub's spawner started, the
kernel's parent), sampled every 0.2 s. Once per hub, at its end: the RSS of the hub, the proxy and
the idle culler. Per scenario: the load average before and after,
"harness CPU" (this script, the hub, the proxy, the culler) and "other CPU": the CPU seconds the whole
machine spent meanwhile beyond the students' kernels and servers and the harness (anyone else's work
on the machine, and the other students' idle servers).

Sizing figures, per scenario, printed with their inputs:
- students per core = the largest N tried such that it and every smaller N have a median wall
  <= 1.5 x the median wall at N = 1, divided by the cores. Each kernel uses one thread, so up to
  N = cores the students should barely slow each other, and beyond that they share cores. If the
  largest N tried passes, the figure is a lower bound (shown ">="). Failed runs are left out of
  every sizing figure.
- CPU seconds per student = the kernel's and its server's CPU at N = 1 (one thread, so close to the
  N = 1 wall). If the work is CPU-bound, S students starting together on C cores (S >= C) all end
  after about S x that / C seconds. That is an estimate from one run, not a measurement at that size,
  and an optimistic one: kernels sharing cores take more CPU seconds each (caches, switching; the
  table's median kernel CPU at N = 4 against N = 1 shows how much).
- MiB per student = the largest kernel peak + the largest server peak over the scenario's students.
  RSS counts the shared libraries (torch) in every process, so N students together need less than
  N times this; the hub, proxy and culler come once on top.

    .venv/bin/python bench/classroom_capacity.py                  # every scenario, ~6 min on 2 quiet cores
    .venv/bin/python bench/classroom_capacity.py --quick          # fast-01 at N = 1, 2: a smoke test
    .venv/bin/python bench/classroom_capacity.py --scenarios fast-10 --out /tmp/capacity.json

Prints a table and writes bench/results/classroom_capacity.json (or ``--out``). Every server, kernel,
the proxy and the hub are stopped at the end, failure or not; what had to be killed is reported.
"""
import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import hub_client as hc  # noqa: E402

OUT = ROOT / "bench" / "results" / "classroom_capacity.json"
SCENARIOS = {  # name: (mode, notebook, numbers of students at once)
    "fast-01": ("fast", "01_one_hot_vs_embeddings.ipynb", (1, 2, 4)),
    "fast-10": ("fast", "10_char_lm_sampling.ipynb", (1, 2, 4)),
    "full-10": ("full", "10_char_lm_sampling.ipynb", (1, 2)),
}
QUICK = {"fast-01": (1, 2)}
WARM_UP = "00_start_here.ipynb"
SLOWDOWN_LIMIT = 1.5  # "holds N students": the median wall at N is at most this times the wall at N = 1
EVERY = 0.2  # seconds between memory and CPU samples
MIB = 2 ** 20
WATCHED = ["course_utils", "notebooks", "course_tools/hub", "tests/hub_client.py", "bench/classroom_capacity.py"]


class Watch:
    """Samples a student's server and its children (their kernel) every ``EVERY`` s in a thread: the
    peak RSS and the latest CPU seconds (its own, user + system) of each process, by pid."""

    def __init__(self, server: psutil.Process):
        self.server, self.rss, self.cpu, self.children = server, {}, {}, set()
        self._stop = threading.Event()
        self._sample()
        self.server_cpu0 = self.cpu.get(server.pid, 0.0)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        with contextlib.suppress(psutil.Error):
            children = self.server.children(recursive=True)
            self.children.update(c.pid for c in children)
            for p in [self.server, *children]:
                with contextlib.suppress(psutil.Error), p.oneshot():
                    rss, t = p.memory_info().rss, p.cpu_times()
                    self.rss[p.pid] = max(self.rss.get(p.pid, 0), rss)
                    self.cpu[p.pid] = t.user + t.system  # not children_*: a server counts its reaped kernels there

    def _run(self) -> None:
        while not self._stop.wait(EVERY):
            self._sample()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def server_process(hub: hc.Hub, user: str) -> psutil.Process:
    """The student's jupyterhub-singleuser process: the pid the hub's spawner keeps, checked by its
    command line (else the one running in the student's folder)."""
    pid = (hc.server_of(hub, user).get("state") or {}).get("pid")
    candidates = [psutil.Process(pid)] if pid else hc.processes_in(hub.home(user))
    found = [p for p in candidates if any("jupyterhub-singleuser" in part for part in p.cmdline())]
    if len(found) != 1:
        raise hc.HubError(f"{user}: {len(found)} jupyterhub-singleuser processes found, expected 1")
    return found[0]


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent working (all cores, since boot)."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0)


def harness_cpu_seconds(hub: hc.Hub) -> float:
    """CPU seconds (own, user + system) of this script, the hub, the proxy and the idle culler."""
    total = 0.0
    with contextlib.suppress(psutil.Error):
        main = psutil.Process(hub.process.pid)
        helpers = [c for c in main.children() if not any("jupyterhub-singleuser" in part for part in c.cmdline())]
        for p in [psutil.Process(), main, *helpers]:
            t = p.cpu_times()
            total += t.user + t.system
    return total


def load() -> list:
    return [round(x, 2) for x in os.getloadavg()]


def run_together(hub: hc.Hub, users: list, notebook: str) -> dict:
    """``notebook`` in every user's server at once (one thread each, released together)."""
    watches = {u: Watch(server_process(hub, u)) for u in users}
    runs, ends, gate = {}, {}, threading.Barrier(len(users))

    def student(user):
        gate.wait()
        try:
            runs[user] = hc.run_notebook(hub, user, notebook)
        except Exception as error:  # a cell that timed out, a lost websocket: the student's run failed
            runs[user] = error
        ends[user] = time.perf_counter()

    load_before, busy_before, harness_before = load(), busy_cpu_seconds(), harness_cpu_seconds(hub)
    threads = [threading.Thread(target=student, args=(u,)) for u in users]
    start = time.perf_counter()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for w in watches.values():
            w.stop()
    busy, harness = busy_cpu_seconds() - busy_before, harness_cpu_seconds(hub) - harness_before
    students = [student_record(u, runs[u], watches[u]) for u in users]
    walls = [s["wall_s"] for s in students if s["ok"]]
    students_cpu = sum((s["kernel_cpu_s"] or 0) + s["server_cpu_s"] for s in students)
    return {"n": len(users), "ok": all(s["ok"] for s in students),
            "median_wall_s": round(statistics.median(walls), 1) if walls else None,
            "max_wall_s": round(max(walls), 1) if walls else None,
            "all_done_s": round(max(ends.values()) - start, 1),
            "kernel_peak_mib": max((s["kernel_peak_mib"] or 0) for s in students),
            "server_peak_mib": max(s["server_peak_mib"] for s in students),
            "load_before": load_before, "load_after": load(),
            "machine_cpu_s": round(busy, 1), "harness_cpu_s": round(harness, 1),
            "other_cpu_s": round(busy - students_cpu - harness, 1), "students": students}


def student_record(user: str, run, watch: Watch) -> dict:
    server = watch.server.pid
    record = {"user": user, "server_pid": server, "server_peak_mib": round(watch.rss.get(server, 0) / MIB),
              "server_cpu_s": round(watch.cpu.get(server, 0.0) - watch.server_cpu0, 1)}
    if isinstance(run, Exception):
        return {**record, "ok": False, "wall_s": None, "errors": [f"{type(run).__name__}: {str(run)[:1500]}"],
                "kernel_pid": None, "kernel_peak_mib": None, "kernel_cpu_s": None}
    kernel = run.kernel_pid
    peak = max(run.peak_rss, watch.rss.get(kernel, 0))  # two samplers of the same process
    return {**record, "ok": not run.errors, "wall_s": round(run.seconds, 1), "errors": [list(e) for e in run.errors],
            "kernel_pid": kernel, "kernel_in_server": kernel in watch.children,
            "kernel_peak_mib": round(peak / MIB),
            "kernel_cpu_s": round(watch.cpu[kernel], 1) if kernel in watch.cpu else None}


def hub_memory(hub: hc.Hub) -> dict:
    """RSS (MiB) of the hub and of its own helpers (proxy, idle culler): what a class pays once."""
    main = psutil.Process(hub.process.pid)
    found = {"hub_mib": round(main.memory_info().rss / MIB)}
    for child in main.children():
        with contextlib.suppress(psutil.Error):
            command = " ".join(child.cmdline())
            name = ("proxy_mib" if "configurable-http-proxy" in command
                    else "idle_culler_mib" if "jupyterhub_idle_culler" in command else None)
            if name:
                found[name] = round(child.memory_info().rss / MIB)
    found["total_mib"] = sum(found.values())
    return found


def measure_mode(mode: str, plan: dict, scratch: Path, rows: list, hubs: list) -> None:
    """One hub in ``mode``; every scenario of ``plan`` (``{name: (notebook, ns)}``) in it, appended to
    ``rows`` as it is measured; the hub's own figures appended to ``hubs``."""
    users = [f"s{i}" for i in range(1, max(n for _, ns in plan.values() for n in ns) + 1)]
    env = {"COURSE_FAST": "1" if mode == "fast" else "0", "COURSE_THREADS": "1"}
    info = {"mode": mode, "users": users, "server_start_s": {}, "leftovers": []}
    hubs.append(info)
    hub = None
    try:
        with hc.start_hub(scratch / mode, users, env=env) as hub:
            for user in users:
                began = time.perf_counter()
                hc.start_server(hub, user)
                info["server_start_s"][user] = round(time.perf_counter() - began, 1)
                for notebook in {WARM_UP, *(nb for nb, _ in plan.values())}:
                    hc.upload(hub, user, hc.NOTEBOOKS_DIR / notebook, notebook)
            warm = hc.run_notebook(hub, users[0], WARM_UP)
            info["warm_up"] = {"notebook": WARM_UP, "seconds": round(warm.seconds, 1), "errors": warm.errors}
            for name, (notebook, ns) in plan.items():
                for n in ns:
                    row = {"scenario": name, "mode": mode, "notebook": notebook,
                           **run_together(hub, users[:n], notebook)}
                    rows.append(row)
                    print(f"{name} N={n}: median {row['median_wall_s']} s, all done {row['all_done_s']} s, "
                          f"load {row['load_before'][0]} -> {row['load_after'][0]}"
                          f"{'' if row['ok'] else '  FAILED'}", flush=True)
            info["hub_memory"] = hub_memory(hub)
    finally:
        if hub is not None:  # what start_hub had to kill when it stopped everything
            info["leftovers"] = hub.leftovers


def add_slowdowns(rows: list) -> None:
    for row in rows:
        base = next((r for r in rows if r["scenario"] == row["scenario"] and r["n"] == 1 and r["ok"]), None)
        row["slowdown"] = (round(row["median_wall_s"] / base["median_wall_s"], 2)
                           if base and row["ok"] and row["median_wall_s"] else None)


def sizing(rows: list, cores: int) -> list:
    """Per scenario: students per core, CPU seconds and MiB per student (see the module docstring)."""
    figures = []
    for name in dict.fromkeys(r["scenario"] for r in rows):
        mine = sorted((r for r in rows if r["scenario"] == name and r["ok"]), key=lambda r: r["n"])  # failed: not measured
        base = next((r for r in mine if r["n"] == 1), None)
        if base is None:
            continue
        held = 0
        for r in mine:
            if r["median_wall_s"] > SLOWDOWN_LIMIT * base["median_wall_s"]:
                break
            held = r["n"]
        only = base["students"][0]
        figures.append({
            "scenario": name, "cores": cores, "students_held": held, "largest_n_tried": mine[-1]["n"],
            "lower_bound": held == mine[-1]["n"], "students_per_core": round(held / cores, 2),
            "wall_n1_s": base["median_wall_s"],
            "cpu_s_per_student": round((only["kernel_cpu_s"] or 0) + only["server_cpu_s"], 1),
            "kernel_peak_mib": max(r["kernel_peak_mib"] for r in mine),
            "server_peak_mib": max(r["server_peak_mib"] for r in mine),
        })
        figures[-1]["mib_per_student"] = figures[-1]["kernel_peak_mib"] + figures[-1]["server_peak_mib"]
    return figures


def table(rows: list) -> str:
    lines = [f"{'scenario':<9} {'N':>2} {'median s':>9} {'max s':>7} {'all done s':>10} {'slowdown':>8} "
             f"{'kernel MiB':>10} {'server MiB':>10} {'kernel CPU s':>12} {'load 1m':>12} {'harness CPU s':>13} "
             f"{'other CPU s':>11}"]
    for r in rows:
        slow = f"{r['slowdown']:.2f}x" if r["slowdown"] else "-"
        cpu = [s["kernel_cpu_s"] for s in r["students"] if s["kernel_cpu_s"] is not None]
        cpu = f"{statistics.median(cpu):.1f}" if cpu else "-"
        lines.append(f"{r['scenario']:<9} {r['n']:>2} {r['median_wall_s'] or '-':>9} {r['max_wall_s'] or '-':>7} "
                     f"{r['all_done_s']:>10} {slow:>8} {r['kernel_peak_mib']:>10} {r['server_peak_mib']:>10} {cpu:>12} "
                     f"{r['load_before'][0]:>5} -> {r['load_after'][0]:<4} {r['harness_cpu_s']:>13} {r['other_cpu_s']:>11}"
                     f"{'' if r['ok'] else '  FAILED'}")
    return "\n".join(lines)


def sizing_lines(figures: list) -> list:
    lines = []
    for f in figures:
        bound = ">=" if f["lower_bound"] else ""
        lines += [
            f"{f['scenario']}: students per core {bound}{f['students_per_core']} ({bound}{f['students_held']} at once "
            f"within {SLOWDOWN_LIMIT}x the N=1 median of {f['wall_n1_s']} s, largest N tried {f['largest_n_tried']}, "
            f"{f['cores']} cores)",
            f"  CPU per student {f['cpu_s_per_student']} s (kernel + server at N=1): S students at once on C cores "
            f"take about S x {f['cpu_s_per_student']} / C s (S >= C, CPU-bound estimate)",
            f"  memory per student {f['mib_per_student']} MiB = {f['mib_per_student'] / 1024:.2f} GiB (kernel peak "
            f"{f['kernel_peak_mib']} + server {f['server_peak_mib']} MiB, RSS: shared libraries counted in each)"]
    return lines


def _source() -> dict:
    """The commit measured, and the files the bench depends on that differ from it."""
    def git(*args):
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    changed = git("status", "--porcelain", "--", *WATCHED)
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": changed.splitlines() if changed else []}


def _versions() -> dict:
    from importlib.metadata import version

    found = {"python": platform.python_version()}
    for name in ("torch", "jupyterhub", "jupyterlab", "jupyter_server", "ipykernel", "psutil"):
        try:
            found[name] = version(name)
        except Exception:
            found[name] = None
    with contextlib.suppress(OSError, ValueError):
        package = Path(sys.prefix) / "hub-proxy" / "node_modules" / "configurable-http-proxy" / "package.json"
        found["configurable-http-proxy"] = json.loads(package.read_text())["version"]
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS),
                        help="which scenarios (default: all)")
    parser.add_argument("--quick", action="store_true", help="only fast-01 at N = 1, 2 (a smoke test)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"the JSON to write (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    chosen = QUICK if args.quick else {s: SCENARIOS[s][2] for s in SCENARIOS if s in args.scenarios}
    modes = {}
    for name, ns in chosen.items():
        mode, notebook, _ = SCENARIOS[name]
        modes.setdefault(mode, {})[name] = (notebook, ns)

    cores, started = os.cpu_count(), time.perf_counter()
    load_start, source_before = load(), _source()
    rows, hubs, failed = [], [], []
    with tempfile.TemporaryDirectory(prefix="classroom-capacity-") as scratch:
        for mode, plan in modes.items():
            try:
                measure_mode(mode, plan, Path(scratch), rows, hubs)
            except Exception as error:  # the hub, a server or an upload failed: the scenarios left are not measured
                failed.append(f"{mode} hub: {type(error).__name__}: {str(error)[:1500]}")
                print(f"could not measure {', '.join(plan)}: {failed[-1]}", flush=True)
    add_slowdowns(rows)
    figures = sizing(rows, cores)
    failed += [f"{h['mode']} hub warm-up: {h['warm_up']['errors']}" for h in hubs
               if h.get("warm_up", {}).get("errors")]
    failed += [f"{r['scenario']} N={r['n']} {s['user']}: {s['errors']}" for r in rows for s in r["students"] if not s["ok"]]
    leftovers = [f"{h['mode']} hub: {x}" for h in hubs for x in h["leftovers"]]
    source_after = _source()
    machine = {"cores": cores, "memory_gib": round(psutil.virtual_memory().total / 2 ** 30, 1),
               "platform": platform.platform(), "processor": platform.machine(), "versions": _versions(),
               "load_at_start": load_start, "load_at_end": load()}
    result = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "command": " ".join(["bench/classroom_capacity.py", *(argv if argv is not None else sys.argv[1:])]),
              "source": {"before": source_before, "after": source_after}, "machine": machine, "threads_per_kernel": 1,
              "seconds": round(time.perf_counter() - started), "slowdown_limit": SLOWDOWN_LIMIT,
              "timing": "wall per student: from the first cell sent to the last cell's reply, over the kernel's "
                        "websocket through the hub's proxy; memory: RSS sampled every 0.2 s",
              "failed": failed, "leftovers": leftovers, "hubs": hubs, "scenarios": rows, "sizing": figures}

    print()
    print(table(rows))
    print()
    for line in sizing_lines(figures):
        print(line)
    for h in hubs:
        if "hub_memory" in h:
            print(f"{h['mode']} hub: hub + proxy + idle culler {h['hub_memory']['total_mib']} MiB once "
                  f"({h['hub_memory']}); servers started in {list(h['server_start_s'].values())} s")
    print(f"\n{cores} cores, {machine['memory_gib']} GiB; load (1, 5, 15 min) {load_start} at start, "
          f"{machine['load_at_end']} at end; {result['seconds']} s in all")
    if source_after != source_before:
        print(f"warning: the course changed during the run ({source_before} -> {source_after})")
    for line in leftovers:
        print("left running at the end, killed:", line)
    for line in failed:
        print("FAILED", line)
    if rows:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
