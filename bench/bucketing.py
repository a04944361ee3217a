"""Padding waste and epoch time: random batches vs length-bucketed batches vs packed random batches.

    .venv/bin/python bench/bucketing.py

Lengths: the 200 real movie-review sentences and 3000 generated negation reviews (notebook 11).
Time: forward + backward of one LSTM (32 -> 64) over one epoch of batches of 16, on one CPU
thread, median of 15 epochs after a warm-up, the three ways interleaved epoch by epoch.
Prints a table and writes bench/results/bucketing.json.
"""
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils import config, padding
from course_utils.data import generated_tasks
from course_utils.data.corpora import movie_reviews

ROOT = Path(__file__).resolve().parent.parent


def one_epoch(net, lens, bucket, packed, seed):
    start = time.perf_counter()
    for index in padding.make_batches(lens, 16, bucket=bucket, seed=seed):
        batch_lens = torch.tensor([lens[i] for i in index])
        x = torch.randn(len(index), int(batch_lens.max()), 32)
        if packed:
            out = net(pack_padded_sequence(x, batch_lens, batch_first=True, enforce_sorted=False))[0].data
        else:
            out = net(x)[0]
        out.sum().backward()
    return time.perf_counter() - start


def epoch_seconds(net, lens, repeats=15):
    """Median epoch time of the three ways, interleaved repeat by repeat (after one warm-up epoch each)."""
    ways = {"s_random": (False, False), "s_bucketed": (True, False), "s_packed_random": (False, True)}
    for bucket, packed in ways.values():
        one_epoch(net, lens, bucket, packed, seed=0)
    times = {name: [] for name in ways}
    for r in range(repeats):
        for name, (bucket, packed) in ways.items():
            times[name].append(one_epoch(net, lens, bucket, packed, seed=r))
    return {name: float(np.median(t)) for name, t in times.items()}


def main():
    config.set_threads(1)
    torch.manual_seed(0)
    net = torch.nn.LSTM(32, 64, batch_first=True)
    sets = {"movie reviews (200 real)": [len(t) for t, _ in movie_reviews()],
            "generated negation (3000)": [len(t) for t, _ in generated_tasks.negation_sentiment(3000, seed=0)]}
    rows = []
    for name, lens in sets.items():
        row = {"data": name, "n": len(lens),
               "wasted_random": padding.wasted_fraction(lens, padding.make_batches(lens, 16, bucket=False)),
               "wasted_bucketed": padding.wasted_fraction(lens, padding.make_batches(lens, 16, bucket=True)),
               **epoch_seconds(net, lens)}
        row["speedup_bucketed"] = row["s_random"] / row["s_bucketed"]
        rows.append(row)
        print(f"{name:<27} waste random {row['wasted_random']:6.1%} bucketed {row['wasted_bucketed']:6.1%} | "
              f"epoch random {row['s_random']:.3f} s, bucketed {row['s_bucketed']:.3f} s "
              f"({row['speedup_bucketed']:.2f}x), packed random {row['s_packed_random']:.3f} s", flush=True)
    out = ROOT / "bench" / "results" / "bucketing.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                                          f"torch {torch.__version__}, 1 thread",
                               "rows": rows}, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
