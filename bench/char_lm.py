"""Held-out bits per character after a fixed training time: the course's char LSTM vs a numpy min-char-rnn.

Same text (Python's help topics, last 10% held out by position), same wall-clock budget
(--seconds, default 60) for each model, one after the other on the same machine, one thread.
- course: course_utils.char_lm.CharLM (embedding 32 -> LSTM 384 -> linear), TBPTT windows of 16 x 64,
  Adam, clip 1, the learning rate warmed up to 2e-2 over the first 5% of the time and decayed to 0 at the
  deadline along a cosine; trained once per model-init seed (--seeds), median and max reported.
  ``--hidden 256 --batch 32 --lr 3e-3 --schedule none --seeds 0`` is the previous setting;
- numpy: a vanilla RNN in the style of Karpathy's min-char-rnn: one-hot input, hidden 100,
  sequences of 25, Adagrad (lr 0.1), element-wise clipping at 5.

    .venv/bin/python bench/char_lm.py            # writes bench/results/char_lm.json (about 4 minutes)
"""
import argparse
import json
import math
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from course_utils import char_lm, config
from course_utils.data import corpora

TARGET_BPC = 1.70


def numpy_min_char_rnn(train_ids, heldout_ids, V, seconds, H=100, seq=25, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    Wxh, Whh, Why = (rng.normal(0, 0.01, s) for s in ((H, V), (H, H), (V, H)))
    bh, by = np.zeros(H), np.zeros(V)
    params = [Wxh, Whh, Why, bh, by]
    mem = [np.zeros_like(p) for p in params]
    h, p, steps, start = np.zeros(H), 0, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        if p + seq + 1 >= len(train_ids):
            h, p = np.zeros(H), 0
        xs, ys = train_ids[p:p + seq], train_ids[p + 1:p + seq + 1]
        hs, ps = {-1: h}, {}
        for t in range(seq):
            hs[t] = np.tanh(Wxh[:, xs[t]] + Whh @ hs[t - 1] + bh)
            z = Why @ hs[t] + by
            e = np.exp(z - z.max())
            ps[t] = e / e.sum()
        grads = [np.zeros_like(q) for q in params]
        dWxh, dWhh, dWhy, dbh, dby = grads
        dh_next = np.zeros(H)
        for t in reversed(range(seq)):
            dy = ps[t].copy()
            dy[ys[t]] -= 1
            dWhy += np.outer(dy, hs[t])
            dby += dy
            dh = Why.T @ dy + dh_next
            da = (1 - hs[t] ** 2) * dh
            dWxh[:, xs[t]] += da
            dWhh += np.outer(da, hs[t - 1])
            dbh += da
            dh_next = Whh.T @ da
        for q, g, m in zip(params, grads, mem):
            np.clip(g, -5, 5, out=g)
            m += g * g
            q -= lr * g / np.sqrt(m + 1e-8)
        h, p, steps = hs[seq - 1], p + seq, steps + 1
    # held-out bits per character, the state carried through the whole held-out text
    h, total = np.zeros(H), 0.0
    for a, b in zip(heldout_ids[:-1], heldout_ids[1:]):
        h = np.tanh(Wxh[:, a] + Whh @ h + bh)
        z = Why @ h + by
        z = z - z.max()
        total += -(z[b] - np.log(np.exp(z).sum()))
    return {"bpc": total / (len(heldout_ids) - 1) / math.log(2), "updates": steps,
            "chars_seen": steps * seq}


def course_lstm(train_ids, heldout_ids, V, seed, args) -> dict:
    """Train the course's CharLM for ``args.seconds`` from the init drawn with ``seed``; its held-out bpc."""
    config.seed_everything(seed)
    model = char_lm.CharLM(V, 32, args.hidden, cell="lstm", forget_bias=1.0)
    t0 = time.perf_counter()
    losses = char_lm.train_char_lm(model, train_ids, seconds=args.seconds, batch_size=args.batch,
                                   window=args.window, lr=args.lr, clip=args.clip, progress=False,
                                   lr_schedule=args.schedule, warmup=args.warmup)["bits"]
    train_s = time.perf_counter() - t0
    return {"seed": seed, "bpc": char_lm.bits_per_char(model, heldout_ids), "updates": len(losses),
            "chars_seen": len(losses) * args.batch * args.window, "train_seconds": train_s,
            "updates_per_second": len(losses) / train_s}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--hidden", type=int, default=384)
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-2, help="the peak learning rate")
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--schedule", default="cosine", choices=("cosine", "linear", "none"))
    ap.add_argument("--warmup", type=float, default=0.05, help="the warm-up's share of the time budget")
    ap.add_argument("--seeds", default="0,1,2", help="model-init seeds, comma-separated (default 0,1,2)")
    args = ap.parse_args()
    args.schedule = None if args.schedule == "none" else args.schedule
    seeds = [int(s) for s in args.seeds.split(",")]
    config.set_threads(1)
    load_before = os.getloadavg()[0]
    train, held = char_lm.split_text(corpora.python_docs_text(), 0.1)
    vocab = char_lm.CharVocab(train)
    tr, he = vocab.encode(train), vocab.encode(held)

    # one untimed update first: the first call imports the progress bar's module (about 2 s on this machine)
    char_lm.train_char_lm(char_lm.CharLM(len(vocab), 4, 4), tr, steps=1, batch_size=2, window=8, progress=False)
    runs = [course_lstm(tr, he, len(vocab), seed, args) for seed in seeds]
    bpcs = [r["bpc"] for r in runs]
    ours = {"runs": runs, "median_bpc": statistics.median(bpcs), "max_bpc": max(bpcs),
            "config": {"hidden": args.hidden, "window": args.window, "batch": args.batch, "lr": args.lr,
                       "clip": args.clip, "lr_schedule": args.schedule, "warmup": args.warmup}}
    numpy_rnn = numpy_min_char_rnn(tr, he, len(vocab), args.seconds)
    numpy_rnn["train_seconds"] = args.seconds
    unigram = char_lm.unigram_bits_per_char(tr, he, len(vocab))

    print(f"held-out bits/char after {args.seconds:.0f} s of training (one thread), {len(he):,} held-out chars")
    print(f"  unigram baseline              {unigram:.3f}")
    print(f"  numpy min-char-rnn (H=100)    {numpy_rnn['bpc']:.3f}  ({numpy_rnn['updates']:,} updates, "
          f"{numpy_rnn['chars_seen']:,} chars)")
    schedule = f"{args.schedule} lr, peak {args.lr:g}" if args.schedule else f"constant lr {args.lr:g}"
    for r in runs:
        print(f"  course char LSTM (H={args.hidden}) seed {r['seed']}  {r['bpc']:.3f}  ({r['updates']:,} updates, "
              f"{r['updates_per_second']:.1f}/s, {r['chars_seen']:,} chars; {schedule})")
    print(f"  course char LSTM over {len(runs)} seeds: median {ours['median_bpc']:.3f}, max {ours['max_bpc']:.3f} "
          f"(target <= {TARGET_BPC}: median {'meets' if ours['median_bpc'] <= TARGET_BPC else 'misses'} it, "
          f"max {'meets' if ours['max_bpc'] <= TARGET_BPC else 'misses'} it)")
    print(f"  ratio numpy / course median bpc = {numpy_rnn['bpc'] / ours['median_bpc']:.2f}")
    result = {"bench": "char_lm", "seconds": args.seconds, "target_bpc": TARGET_BPC, "unigram_bpc": unigram,
              "course_lstm": ours, "numpy_min_char_rnn": numpy_rnn,
              "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
              "torch": torch.__version__, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "load_average_before": load_before, "load_average_after": os.getloadavg()[0]}
    print(f"  load average {load_before:.2f} before, {result['load_average_after']:.2f} after (2 cores, shared)")
    out = Path(__file__).resolve().parent / "results" / "char_lm.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
