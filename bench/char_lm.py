"""Held-out bits per character after a fixed training time: the course's char LSTM vs a numpy min-char-rnn.

Same text (Python's help topics, last 10% held out by position), same wall-clock budget
(--seconds, default 60) for each model, one after the other on the same machine, one thread.
- course: course_utils.char_lm.CharLM (embedding 32 -> LSTM -> linear), TBPTT windows, Adam, clip 1;
- numpy: a vanilla RNN in the style of Karpathy's min-char-rnn: one-hot input, hidden 100,
  sequences of 25, Adagrad (lr 0.1), element-wise clipping at 5.

    .venv/bin/python bench/char_lm.py            # writes bench/results/char_lm.json
"""
import argparse
import json
import math
import platform
import time
from pathlib import Path

import numpy as np
import torch

from course_utils import char_lm, config
from course_utils.data import corpora


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    args = ap.parse_args()
    config.set_threads(1)
    train, held = char_lm.split_text(corpora.python_docs_text(), 0.1)
    vocab = char_lm.CharVocab(train)
    tr, he = vocab.encode(train), vocab.encode(held)

    config.seed_everything(0)
    model = char_lm.CharLM(len(vocab), 32, args.hidden, cell="lstm", forget_bias=1.0)
    t0 = time.perf_counter()
    losses = char_lm.train_char_lm(model, tr, seconds=args.seconds, batch_size=args.batch, window=args.window,
                                   lr=args.lr, clip=1.0, progress=False)["bits"]
    train_s = time.perf_counter() - t0
    ours = {"bpc": char_lm.bits_per_char(model, he), "updates": len(losses),
            "chars_seen": len(losses) * args.batch * args.window, "train_seconds": train_s,
            "config": {"hidden": args.hidden, "window": args.window, "batch": args.batch, "lr": args.lr}}
    t0 = time.perf_counter()
    numpy_rnn = numpy_min_char_rnn(tr, he, len(vocab), args.seconds)
    numpy_rnn["train_seconds"] = args.seconds
    unigram = char_lm.unigram_bits_per_char(tr, he, len(vocab))
    print(f"held-out bits/char after {args.seconds:.0f} s of training (one thread), {len(he):,} held-out chars")
    print(f"  unigram baseline          {unigram:.3f}")
    print(f"  numpy min-char-rnn (H=100) {numpy_rnn['bpc']:.3f}  ({numpy_rnn['updates']:,} updates, "
          f"{numpy_rnn['chars_seen']:,} chars)")
    print(f"  course char LSTM (H={args.hidden})  {ours['bpc']:.3f}  ({ours['updates']:,} updates, "
          f"{ours['chars_seen']:,} chars)")
    print(f"  ratio numpy / course bpc = {numpy_rnn['bpc'] / ours['bpc']:.2f}")
    result = {"bench": "char_lm", "seconds": args.seconds, "unigram_bpc": unigram, "course_lstm": ours,
              "numpy_min_char_rnn": numpy_rnn, "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
              "torch": torch.__version__, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    out = Path(__file__).resolve().parent / "results" / "char_lm.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
