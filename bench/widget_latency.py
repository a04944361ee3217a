"""Latency of every course widget in Chromium through JupyterLab, and of its callback in the kernel.

For each notebook this starts from a fresh kernel: JupyterLab (fast mode, one thread) opens the
notebook in Debian's Chromium (driven by playwright), runs all its cells, then sweeps each of its
widgets through the settings of ``SWEEPS`` (repeated so that every widget gets at least
``MIN_MOVES`` timed moves) and times each move *in the page*:

- t0: a capture-phase listener on the widget stamps ``performance.now()`` at the control's own
  event (keydown Enter for a slider's typed readout or a text box, change for a menu, click for a
  toggle button); it is armed before the move;
- t1: a MutationObserver waits until the readout (``.course-readout``) says something new and, if
  the widget shows a picture (an ``img``: an Output area's figure or an ``ipywidgets.Image``), until
  that picture is a new one; then ``img.decode()`` and one ``requestAnimationFrame``.

Latency = t1 - t0: the time to the updated picture. The page then waits until nothing in the widget
has changed for 300 ms: complete = the last change - t0 is when the whole output was done (text
panes written after the picture, as notebook 10's sample, included). A control that changes only the readout, or only the picture, is named in its
sweep's ``updates``, and its moves wait for that alone. A move whose readout (or picture) does not
change within ``MOVE_TIMEOUT_MS`` is a failure, counted and kept with what the page showed.

Then, in the same kernel (a jupyter_client joined through the connection file in the lab's scratch
runtime folder), the same sweep is made in Python: ``control.value = v`` on the live control, timed
with ``time.perf_counter``; the widget's observers run synchronously, so that is its whole callback
(compute, redraw, messages).

The adding-problem widget of notebook 09 RETRAINS three models when it is given a new T: those moves
are timed apart (time to the first visible sign of work, and to the result) and are not counted in
its latency figures, which come from switching between the T already trained.

Targets (issue 19): a widget that does not retrain answers in the browser with a median <= 100 ms
and a p95 <= 250 ms; a retraining widget shows a sign of work within 100 ms. This is a bench, not a
test: it exits 0 when a target is missed, and non-zero only when it could not measure.

    .venv/bin/python bench/widget_latency.py                      # every notebook, ~7 min on 2 cores
    .venv/bin/python bench/widget_latency.py --notebooks 07 08 --rounds 2

Prints a table and writes bench/results/widget_latency.json (or ``--out``).
"""
import argparse
import ast
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import lab_browser as lb  # noqa: E402
from lab_browser import Move  # noqa: E402

OUT = ROOT / "bench" / "results" / "widget_latency.json"
MIN_MOVES = 20  # timed moves per widget at least (the sweep is repeated)
MOVE_TIMEOUT_MS = 20_000  # a move that does not answer within this is a failure
RETRAIN_TIMEOUT_MS = 600_000
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_SIGN_MS = 100.0, 250.0, 100.0
THREADS = {"COURSE_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Sweep:
    """One widget's settings, in order; every move changes what the page shows, and the last ones lead
    back to the notebook's starting values, so the sweep can be repeated. The first move's control
    finds the widget on the page.

    retrain: moves that make the widget train models (new values), timed apart, once each;
    ``moves`` are then the non-retraining ones (values it has already trained).
    updates: ``{control label: "readout" or "picture"}`` for the controls whose moves change only
    that (the picture stays the same, or the readout may); a move of any other control changes both.
    """
    widget: str
    moves: tuple
    retrain: tuple = ()
    updates: dict = field(default_factory=dict)


def _described(move: Move) -> dict:
    """A move as the JSON names it (what it waits for is the sweep's ``updates``, not ``Move.redraws``)."""
    return {"kind": move.kind, "label": move.label, "value": move.value, "expect": move.expect}


def _m(kind, label, *values):
    return tuple(Move(kind, label, v) for v in values)


SWEEPS = {
    "00_start_here.ipynb": [Sweep("widgets_check", _m("slider", "n", "5", "8", "1", "10", "2", "7", "3"))],
    "01_one_hot_vs_embeddings.ipynb": [Sweep("word_pair_explorer", (
        Move("dropdown", "word 2", "december"), Move("dropdown", "word 2", "march"),
        Move("dropdown", "word 1", "war"), Move("dropdown", "word 2", "peace"),
        Move("dropdown", "word 1", "three"), Move("dropdown", "word 2", "seven"),
        Move("dropdown", "word 1", "january"), Move("dropdown", "word 2", "february")))],
    "02_word2vec_from_scratch.ipynb": [Sweep("pair_window_explorer", (
        Move("slider", "window", "1"), Move("slider", "center at", "5"), Move("slider", "window", "3"),
        Move("slider", "center at", "0"), Move("slider", "window", "6"), Move("slider", "center at", "8"),
        Move("slider", "window", "2"), Move("slider", "center at", "3")))],
    # the picture is a PCA of the "PCA words" only: the other boxes change the readout and the lists
    "03_word2vec_at_scale.ipynb": [Sweep("embedding_explorer", (
        Move("text", "word", "germany"), Move("text", "PCA words", "france, paris, germany, italy, rome"),
        Move("text", "word", "italy"), Move("text", "as c", "germany"), Move("text", "word", "spain"),
        Move("text", "PCA words", "france, paris, germany, berlin, italy, rome, spain, madrid"),
        Move("text", "as c", "berlin"), Move("text", "word", "france")),
        updates={"word": "readout", "a": "readout", "is to b": "readout", "as c": "readout",
                 "PCA words": "picture"})],
    "04_language_models.ipynb": [Sweep("ngram_explorer", (
        Move("slider", "n", "3"), Move("slider", "k", "1"), Move("slider", "n", "1"), Move("slider", "k", "0.001"),
        Move("slider", "n", "4"), Move("slider", "k", "0.01"), Move("slider", "n", "2"), Move("slider", "k", "0.1")))],
    "05_recurrent_networks.ipynb": [Sweep("rnn_stepper", (
        Move("slider", "t", "4"), Move("slider", "t", "9"), Move("slider", "t", "1"),
        Move("text", "sentence", "a dog ran to the park"), Move("slider", "t", "6"), Move("slider", "t", "2"),
        Move("text", "sentence", "the united states of america is a country in north america"),
        Move("slider", "t", "11"), Move("slider", "t", "1")))],
    "06_bptt_by_hand.ipynb": [Sweep("bptt_gradient_explorer",
                                    _m("slider", "T", "30", "5", "40", "10", "25", "2", "35", "20"))],
    "07_gradients_through_time.ipynb": [Sweep("gradient_flow_explorer", (
        Move("dropdown", "nonlinearity", "linear"), Move("slider", "spectral radius", "1.5"),
        Move("dropdown", "W_hh kind", "orthogonal"), Move("slider", "T (steps)", "200"),
        Move("dropdown", "nonlinearity", "relu"), Move("slider", "spectral radius", "0.5"),
        Move("dropdown", "W_hh kind", "nonnormal"), Move("slider", "T (steps)", "50"),
        Move("dropdown", "nonlinearity", "tanh"), Move("slider", "spectral radius", "1"),
        Move("dropdown", "W_hh kind", "gaussian"), Move("slider", "T (steps)", "100")))],
    "08_exploding_gradients_and_remedies.ipynb": [Sweep("wall_clipping_explorer", (
        Move("dropdown", "clipping rule", "elementwise"), Move("slider", "threshold c", "1"),
        Move("slider", "learning rate", "0.1"), Move("dropdown", "start", "B"),
        Move("dropdown", "clipping rule", "norm"), Move("slider", "threshold c", "10"),
        Move("slider", "learning rate", "0.01"), Move("dropdown", "start", "C"),
        Move("dropdown", "start", "A"), Move("slider", "threshold c", "5"),
        Move("slider", "learning rate", "0.02")))],
    "09_lstm_gru.ipynb": [
        Sweep("lstm_gate_explorer", (
            Move("slider", "f gate", "0.5"), Move("slider", "i gate", "0.8"), Move("slider", "o gate", "0.3"),
            Move("toggle", "source", "trained LSTM"), Move("slider", "sequence", "1"),
            Move("slider", "sequence", "3"), Move("slider", "sequence", "0"),
            Move("toggle", "source", "set the gates"), Move("slider", "f gate", "0.9"),
            Move("slider", "i gate", "0.5"), Move("slider", "o gate", "1"))),
        # fast mode trains at T = 30 in the notebook; 10 and 50 are new, so they retrain (once each)
        Sweep("adding_showdown_explorer",
              moves=_m("dropdown", "T", "10", "50", "30"),
              retrain=(Move("dropdown", "T", "10", "T = 10: final held-out MSE"),
                       Move("dropdown", "T", "50", "T = 50: final held-out MSE"))),
    ],
    # T only where the method reads it: greedy's and beam's pictures do not change with T
    "10_char_lm_sampling.ipynb": [Sweep("sampling_explorer", (
        Move("dropdown", "method", "greedy"), Move("dropdown", "method", "top_k"), Move("slider", "T", "0.5"),
        Move("dropdown", "method", "beam"), Move("text", "prompt", "the "), Move("dropdown", "method", "temperature"),
        Move("slider", "T", "2"), Move("slider", "T", "1"), Move("text", "prompt", "The for statement is used to")))],
    "11_sequence_classification.ipynb": [Sweep("sentiment_stepper", (
        Move("text", "review", "a dull and boring film"), Move("text", "review", "a great and moving story"),
        Move("dropdown", "model", "last"), Move("text", "review", "not good"), Move("dropdown", "model", "bi"),
        Move("dropdown", "model", "bag of embeddings"),
        Move("text", "review", "the movie was not bad at all")))],
    "12_sequence_tagging.ipynb": [Sweep("tagging_explorer", _m(
        "text", "sentence", "tom flew to zzz", "anna met qqq in paris", "the club of oslo won xxx",
        "maria left lisbon yyy", "anna left university of lisbon for oslo football club"))],
    "13_encoder_decoder.ipynb": [Sweep("decoder_explorer", (
        Move("text", "input", "abc"), Move("slider", "beam size", "1"), Move("text", "input", "jihgfe"),
        Move("slider", "beam size", "5"), Move("text", "input", "cab"), Move("slider", "beam size", "3"),
        Move("text", "input", "abcdefg")))],
}

# Armed before a move: resolves (window.__courseLatency) with what the page saw and when.
ARM_JS = r"""
([widget, trigger, expect, timeoutMs, wants]) => {
  const QUIET_MS = 300;
  const readoutText = () => { const r = widget.querySelector('.course-readout'); return r ? r.innerText : null; };
  const outputText = () => [...widget.querySelectorAll('.widget-output')].map(o => o.innerText).join('\n');
  const firstImg = () => widget.querySelector('img');
  const progress = () => widget.querySelector('.widget-progress, progress, [role=progressbar]') !== null;
  const img0 = firstImg();
  const before = {readout: readoutText(), output: outputText(), img: img0,
                  src: img0 ? img0.getAttribute('src') : null, progress: progress()};
  // wants: 'both', 'readout' (the picture may stay) or 'picture' (the readout may stay)
  const needPicture = before.img !== null && wants !== 'readout';
  const needReadout = wants !== 'picture' || !needPicture;
  const s = {t0: null, tSign: null, signWhat: null, tSeen: null, t1: null, tLast: null, event: null};
  const types = ['change', 'input', 'keydown', 'click'];
  const imgChanged = () => { const img = firstImg();
    return img !== null && (img !== before.img || img.getAttribute('src') !== before.src); };
  const readoutDone = () => { const r = readoutText();
    return r !== null && r !== before.readout && (expect === null || r.includes(expect)); };
  const sign = () => (readoutText() !== before.readout && 'readout') || (outputText() !== before.output && 'output')
                     || (progress() && !before.progress && 'progress bar') || (before.img !== null && imgChanged() && 'picture');
  let resolve, finished = false, waiting = false, timer = null, observer = null, quiet = null;
  const done = new Promise(r => { resolve = r; });
  const onEvent = (e) => {
    if (s.t0 !== null) return;
    const hit = trigger === 'enter' ? (e.type === 'keydown' && e.key === 'Enter') : e.type === trigger;
    if (hit) { s.t0 = performance.now(); s.event = e.type; queueMicrotask(check); }
  };
  const finish = (ok, reason) => {
    if (finished) return;
    finished = true;
    observer.disconnect(); clearTimeout(timer); clearTimeout(quiet);
    types.forEach(t => widget.removeEventListener(t, onEvent, true));
    const since = t => (t === null || s.t0 === null) ? null : t - s.t0;
    const complete = (s.t1 === null) ? null : Math.max(s.t1, s.tLast === null ? s.t1 : s.tLast);
    resolve({ok, reason, event: s.event, latency_ms: since(s.t1), seen_ms: since(s.tSeen), complete_ms: since(complete),
             sign_ms: since(s.tSign), first_sign: s.signWhat, readout_before: before.readout, readout: readoutText(),
             readout_changed: readoutText() !== before.readout, had_img: before.img !== null, waited_for: wants,
             img_changed: before.img !== null && imgChanged()});
  };
  const check = () => {
    if (s.t0 === null || finished || waiting) return;
    if (s.tSign === null) { const what = sign(); if (what) { s.tSign = performance.now(); s.signWhat = what; } }
    if ((needReadout && !readoutDone()) || (needPicture && !imgChanged())) return;
    waiting = true;
    s.tSeen = performance.now();
    const img = firstImg();
    const decoded = (needPicture && img) ? img.decode().catch(() => null) : Promise.resolve();
    decoded.then(() => requestAnimationFrame(() => { s.t1 = performance.now(); settle(); }));
  };
  // After the picture: wait until nothing in the widget has changed for QUIET_MS (text panes written
  // after the picture, such as notebook 10's sample), so complete_ms is when the whole output was done.
  const settle = () => { clearTimeout(quiet); quiet = setTimeout(() => finish(true, null), QUIET_MS); };
  observer = new MutationObserver(() => {
    if (s.t0 !== null) s.tLast = performance.now();
    if (s.t1 !== null) settle(); else check();
  });
  observer.observe(widget, {subtree: true, childList: true, characterData: true, attributes: true,
                            attributeFilter: ['src', 'class', 'style', 'value']});
  types.forEach(t => widget.addEventListener(t, onEvent, true));
  const why = () => s.t0 === null ? 'no control event seen'
    : needReadout && readoutText() === before.readout ? 'the readout did not change'
    : needReadout && !readoutDone() ? 'the readout changed but does not say ' + JSON.stringify(expect)
    : needReadout ? 'the readout changed but the picture did not' : 'the picture did not change';
  timer = setTimeout(() => s.t1 !== null ? finish(true, null) : finish(false, why() + ` within ${timeoutMs} ms`),
                     timeoutMs);
  window.__courseLatency = done;
  window.__courseLatencyCancel = (reason) => finish(false, reason);
}
"""
TRIGGER = {"slider": "enter", "text": "enter", "dropdown": "change", "toggle": "click"}

# Defined in the kernel, then called with a sweep: sets each control's value in turn and times it.
KERNEL_SNIPPET = r'''
def _course_latency_sweep(moves):
    import json as _json
    import time as _time
    from ipywidgets.widgets.widget import _instances
    kinds = {"slider": "Slider", "dropdown": "Dropdown", "text": "Text", "toggle": "ToggleButtons"}

    def find(kind, label):
        found = [w for w in list(_instances.values()) if getattr(w, "description", None) == label
                 and type(w).__name__.endswith(kinds[kind])]
        if not found:
            raise LookupError(f"no live {kind} described {label!r}")
        return found[-1]  # the latest: the widget the notebook displayed last

    def value(control, kind, text):
        if kind in ("dropdown", "toggle"):
            return control._options_values[list(control._options_labels).index(text)]
        if kind == "slider":
            return int(text) if isinstance(control.value, int) else float(text)
        return text

    readouts = [w for w in list(_instances.values()) if "course-readout" in getattr(w, "_dom_classes", ())]
    times, errors, failed = [], [], []
    for kind, label, text in moves:
        try:
            control = find(kind, label)
            v = value(control, kind, text)
        except (LookupError, ValueError) as err:
            failed.append(f"{label}={text}: {err}")
            continue
        start = _time.perf_counter()
        control.value = v
        times.append((_time.perf_counter() - start) * 1e3)
        errors += [f"{label}={text}: {r.value[:200]}" for r in readouts if "error:" in r.value[:40]]
    return _json.dumps({"times_ms": times, "errors": errors, "failed": failed})
'''


def _summary(times: list) -> dict:
    if not times:
        return {"median_ms": None, "p95_ms": None, "max_ms": None, "n": 0}
    ordered = sorted(times)
    rank = 0.95 * (len(ordered) - 1)  # linear interpolation between order statistics (numpy's default)
    low = math.floor(rank)
    p95 = ordered[low] + (ordered[min(low + 1, len(ordered) - 1)] - ordered[low]) * (rank - low)
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1), "n": len(ordered)}


def _time_move(page, widget, move: Move, timeout_ms: int, wants: str = "both") -> dict:
    """Make ``move`` on ``widget`` and return what the page measured (``ok`` False: a failure);
    ``wants``: what the move must update ("both", "readout" or "picture", see ``Sweep.updates``)."""
    element = lb.control(widget, move)
    try:
        element.scroll_into_view_if_needed(timeout=10_000)
    except Exception as error:
        return {"ok": False, "reason": f"no such control: {type(error).__name__}: {str(error)[:300]}",
                "event": None, "latency_ms": None, "seen_ms": None, "complete_ms": None, "sign_ms": None, "first_sign": None,
                "readout_before": None, "readout": None, "readout_changed": None, "had_img": None, "waited_for": wants, "img_changed": None}
    page.evaluate(ARM_JS, [widget.element_handle(), TRIGGER[move.kind], move.expect, timeout_ms, wants])
    try:
        lb.apply(element, move)
    except Exception as error:  # the control could not be moved (an option it does not offer)
        page.evaluate("reason => window.__courseLatencyCancel(reason)",
                      f"the move failed: {type(error).__name__}: {str(error)[:300]}")
    return page.evaluate("() => window.__courseLatency")


def _browser_sweep(page, sweep: Sweep, rounds: int) -> tuple[list, list]:
    """(records of the timed moves, records of the retraining moves)."""
    widget = lb.widget_of(page, sweep.moves[0] if sweep.moves else sweep.retrain[0])
    widget.locator(".course-readout").wait_for(timeout=lb.REACT_MS)
    retrained = []
    for move in sweep.retrain:
        record = _time_move(page, widget, move, RETRAIN_TIMEOUT_MS)
        record.update(move=_described(move))
        retrained.append(record)
        print(f"    retrains at {move.label} = {move.value}: first sign {_ms(record['sign_ms'])} "
              f"({record['first_sign'] or 'none'}), "
              f"result {_ms(record['latency_ms'])}" + ("" if record["ok"] else f" FAILED ({record['reason']})"),
              flush=True)
    records = []
    for r in range(rounds):
        for move in sweep.moves:
            record = _time_move(page, widget, move, MOVE_TIMEOUT_MS, sweep.updates.get(move.label, "both"))
            record.update(move=_described(move), round=r)
            records.append(record)
            if not record["ok"]:
                print(f"    FAILED {move.label} = {move.value}: {record['reason']}; readout "
                      f"{(record['readout'] or '')[:120]!r}", flush=True)
    return records, retrained


def _python_sweep(lab, notebook: str, sweep: Sweep, rounds: int) -> dict:
    """The same sweep in the notebook's kernel: in-kernel ``control.value = v``, timed."""
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient(connection_file=str(lb.connection_file(lab, notebook)))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        moves = [(m.kind, m.label, m.value) for m in sweep.moves] * rounds
        code = KERNEL_SNIPPET + f"\n_course_latency_result = _course_latency_sweep({moves!r})\n"
        reply = client.execute(code, silent=False, store_history=False, reply=True, timeout=600,
                               user_expressions={"r": "_course_latency_result"})
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"the kernel sweep failed: {content.get('ename')}: {content.get('evalue')}")
        found = content["user_expressions"]["r"]
        if found.get("status") != "ok":
            raise RuntimeError(f"the kernel sweep left no result: {found}")
        return json.loads(ast.literal_eval(found["data"]["text/plain"]))
    finally:
        client.stop_channels()


def _ms(value) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def measure_notebook(lab, page, notebook: str, rounds: int | None) -> list:
    """Run ``notebook`` in the page, sweep its widgets in the browser then in the kernel; rows for the JSON."""
    rows = []
    lb.open_notebook(page, notebook, lab.notebooks)
    try:
        started = time.perf_counter()
        lb.run_all(page, notebook, lab.notebooks)
        run_all_s = time.perf_counter() - started
        errors = lb.tracebacks(page)
        if errors.count():
            raise RuntimeError(f"{notebook} failed in the browser:\n{errors.first.inner_text()[:2000]}")
        print(f"{notebook}: Run All {run_all_s:.0f} s, load {os.getloadavg()[0]:.2f}", flush=True)
        for sweep in SWEEPS[notebook]:
            n_rounds = rounds or max(1, math.ceil(MIN_MOVES / max(1, len(sweep.moves))))
            load = os.getloadavg()[0]
            records, retrained = _browser_sweep(page, sweep, n_rounds)
            python = (_python_sweep(lab, notebook, sweep, n_rounds) if sweep.moves
                      else {"times_ms": [], "errors": [], "failed": []})
            ok = [r["latency_ms"] for r in records if r["ok"]]
            browser = {**_summary(ok), "failures": len(records) - len(ok),
                       "seen_median_ms": _summary([r["seen_ms"] for r in records if r["ok"]])["median_ms"],
                       # when the whole output was done (text panes written after the picture included)
                       "complete": _summary([r["complete_ms"] for r in records if r["ok"]])}
            row = {"notebook": notebook, "widget": sweep.widget, "retrains": bool(sweep.retrain),
                   "rounds": n_rounds, "load_1min_at_start": round(load, 2), "browser": browser,
                   "python": {**_summary(python["times_ms"]), "failures": len(python["failed"]),
                              "failed": python["failed"], "errors_shown": python["errors"]},
                   "sweep": [{**_described(m), "updates": sweep.updates.get(m.label, "both")} for m in sweep.moves],
                   "moves": [kept(r) for r in records]}
            if sweep.retrain:
                row["retrain"] = [{"move": r["move"], "ok": r["ok"], "reason": r["reason"],
                                   "first_sign_ms": _round(r["sign_ms"]), "first_sign": r["first_sign"],
                                   "result_ms": _round(r["latency_ms"]), "readout": r["readout"]} for r in retrained]
                signs = [r["sign_ms"] for r in retrained]
                # the retraining moves against their target; ``moves`` (switching between the T already
                # trained, no training) against the other widgets' target, as "recall_met"
                row["target"] = {"first_sign_ms": TARGET_SIGN_MS,
                                 "met": all(r["ok"] for r in retrained) and all(t is not None and t <= TARGET_SIGN_MS
                                                                               for t in signs),
                                 "recall_median_ms": TARGET_MEDIAN_MS, "recall_p95_ms": TARGET_P95_MS,
                                 "recall_met": _meets(browser)}
            else:
                row["target"] = {"median_ms": TARGET_MEDIAN_MS, "p95_ms": TARGET_P95_MS, "met": _meets(browser)}
            rows.append(row)
            print(f"  {sweep.widget}: browser {_ms(browser['median_ms'])} / {_ms(browser['p95_ms'])} "
                  f"(n {browser['n']}, {browser['failures']} failed), python "
                  f"{_ms(row['python']['median_ms'])} / {_ms(row['python']['p95_ms'])}", flush=True)
    finally:
        lb.shut_down(lab, notebook)
        lb.close_notebooks(lab, page)
    return rows


def dumps(value, depth: int = 0) -> str:
    """JSON, indented to depth 3 (each move's record on one line) and lists of numbers or strings on one line."""
    pad = " " * depth
    nested = isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value))
    if not value or not nested or depth >= 4:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = [f"{pad} {json.dumps(k)}: {dumps(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    return "[\n" + ",\n".join(f"{pad} {dumps(v, depth + 1)}" for v in value) + f"\n{pad}]"


def kept(record: dict) -> dict:
    """A move's record as the JSON keeps it: the move, its times to 0.1 ms and the start of the readout
    after it; a failure keeps everything the page reported."""
    out = {"label": record["move"]["label"], "value": record["move"]["value"], "round": record.get("round")}
    times = {k: (round(record[k], 1) if isinstance(record[k], float) else record[k])
             for k in ("latency_ms", "seen_ms", "complete_ms", "sign_ms")}
    if record["ok"]:
        return {**out, **times, "picture_changed": record["img_changed"], "readout": (record["readout"] or "")[:80]}
    return {**out, **times, **{k: v for k, v in record.items() if k not in times and k != "move"}}


def _meets(browser: dict) -> bool:
    """The non-retraining target: every move answered, median and p95 within bounds."""
    return (browser["failures"] == 0 and browser["n"] > 0
            and browser["median_ms"] <= TARGET_MEDIAN_MS and browser["p95_ms"] <= TARGET_P95_MS)


def _round(value):
    return None if value is None else round(value, 1)


def table(rows: list) -> str:
    lines = [f"{'widget':<42} {'browser median/p95':>20} {'complete median':>16} {'python median/p95':>19}  target met?",
             "-" * 115]
    for row in rows:
        b, p = row["browser"], row["python"]
        name = f"{row['notebook'][:2]} {row['widget']}" + (" (recall)" if row["retrains"] else "")
        pair = lambda s: "-" if s["median_ms"] is None else f"{s['median_ms']:.0f}/{s['p95_ms']:.0f} ms"  # noqa: E731
        failed = (f", {b['failures']} failed" if b["failures"] else "") + \
            (f", {p['failures']} failed in python" if p.get("failures") else "")
        if row["retrains"]:
            met = ("yes" if row["target"]["recall_met"] else "NO") + failed + " (no training)"
        else:
            met = ("yes" if row["target"]["met"] else "NO") + failed
        complete = b.get("complete", {}).get("median_ms")
        lines.append(f"{name:<42} {pair(b):>20} {_ms(complete):>16} {pair(p):>19}  {met}")
        for r in row.get("retrain", []):
            move = r["move"]
            verdict = ("yes" if r["ok"] and r["first_sign_ms"] is not None and r["first_sign_ms"] <= TARGET_SIGN_MS
                       else "NO") + ("" if r["ok"] else f" ({r['reason']})")
            lines.append(f"{'   retrains at ' + move['label'] + ' = ' + move['value']:<42} "
                         f"{'sign ' + _ms(r['first_sign_ms']):>20} {'':>16} {'result ' + _ms(r['result_ms']):>19}  "
                         f"sign <= 100 ms: {verdict}" + (f" (the {r['first_sign']})" if r["first_sign"] else ""))
    return "\n".join(lines)


def _source() -> dict:
    """The commit measured, and the course files that differ from it (widgets being edited)."""
    def git(*args):
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    changed = git("status", "--porcelain", "--", "course_utils", "notebooks")
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": changed.splitlines() if changed else []}


def _versions(browser) -> dict:
    from importlib.metadata import version

    found = {"python": platform.python_version(), "chromium": browser.version}
    for name in ("jupyterlab", "ipywidgets", "matplotlib", "playwright", "jupyter_client", "torch", "numpy"):
        try:
            found[name] = version(name)
        except Exception:
            found[name] = None
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="+", default=None, metavar="NN",
                        help="number prefixes of the notebooks to run, e.g. 07 08 (default: all)")
    parser.add_argument("--rounds", type=int, default=None,
                        help=f"repeats of each sweep (default: enough for {MIN_MOVES} moves per widget)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"the JSON written (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        parser.error(f"--rounds must be >= 1, got {args.rounds}")
    notebooks = sorted(SWEEPS)
    if args.notebooks:
        notebooks = [n for n in notebooks if n[:2] in args.notebooks]
        unknown = sorted(set(args.notebooks) - {n[:2] for n in notebooks})
        if unknown:
            parser.error(f"no notebook numbered {', '.join(unknown)}; known: {' '.join(n[:2] for n in sorted(SWEEPS))}")
    missing = set(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) - set(SWEEPS)
    if missing:
        print(f"warning: no sweep for {', '.join(sorted(missing))} (add it to SWEEPS)")

    os.environ.pop("COURSE_CLAIMS_FILE", None)  # the notebooks' claims are not recorded from here
    mode = "fast" if os.environ.get("COURSE_FAST", "1") != "0" else "full"
    env = {**THREADS, "COURSE_FAST": "1" if mode == "fast" else "0", "COURSE_RUN_KIND": "bench"}
    load_before, source_before = os.getloadavg()[0], _source()
    rows, failed = [], []
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="widget-latency-") as scratch, \
                lb.start_lab(Path(scratch), env, token="course-widget-latency") as lab, \
                lb.launch_chromium() as browser:
            versions = _versions(browser)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(15_000)  # a control that cannot be found fails its move, not the run
            lb.load_lab(lab, page)
            for notebook in notebooks:
                try:
                    rows += measure_notebook(lab, page, notebook, args.rounds)
                except Exception as error:
                    failed.append(f"{notebook}: {type(error).__name__}: {str(error)[:1500]}")
                    print(f"{notebook}: could not measure: {failed[-1]}", flush=True)
                    lb.load_lab(lab, page)
            page.close()
    except lb.LabError as error:
        print(f"could not start the lab or Chromium: {error}")
        return 2
    load_after, source_after = os.getloadavg()[0], _source()
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine(),
               "versions": versions, "load_1min_before": round(load_before, 2), "load_1min_after": round(load_after, 2)}
    result = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "command": " ".join(["bench/widget_latency.py", *(argv if argv is not None else sys.argv[1:])]),
              "source": {"before": source_before, "after": source_after}, "machine": machine, "mode": mode, "threads": 1, "seconds": round(time.perf_counter() - started),
              "targets": {"median_ms": TARGET_MEDIAN_MS, "p95_ms": TARGET_P95_MS,
                          "retraining_first_sign_ms": TARGET_SIGN_MS},
              "timing": "browser: in the page, performance.now() from the control's event to the new readout and "
                        "picture (decoded, one animation frame); python: control.value = v in the same kernel",
              "not_measured": failed, "widgets": rows}
    print()
    print(table(rows))
    print(f"\n{mode} mode, {machine['cpus']} CPUs, load (1 min) {load_before:.2f} before, {load_after:.2f} after; "
          f"{result['seconds']} s")
    if source_after != source_before:
        print(f"warning: the course changed during the run ({source_before} -> {source_after}): "
              "the notebooks measured first and last may have run different code")
    for line in failed:
        print("could not measure", line)
    if rows:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(dumps(result) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
