"""From-scratch RNN, LSTM and GRU layers (course_utils) vs nn.RNN, nn.LSTM, nn.GRU: forward + backward time.

Batch 32, length 100, input 64, hidden 256, float32, CPU (or the GPU with --device cuda).
Every timing is the median of --repeats runs; the variants are interleaved run by run so
that a busy machine slows them alike, and the ratio scratch / torch is taken per kind.
Also times a plain hand loop (lstm_step on x_t at every step, no precomputed input
projection) to show what the layer's two speed tricks buy, and the separate fast path
course_utils.fast_lstm.FastLSTMLayer (hand-written BPTT, oneDNN's products) twice: as it
is, and with torch's default kernels (oneDNN off), to show which of its tricks buys what.

    .venv/bin/python bench/rnn_cells.py            # writes bench/results/rnn_cells.json
"""
import argparse
import contextlib
import json
import os
import platform
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from course_utils import cells, config, fast_lstm


class HandLoopLSTM(nn.Module):
    """The first loop one writes: the whole lstm_step (input product included) at every step."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        p, B = self.layer, x.shape[0]
        h = c = x.new_zeros(B, p.hidden_size)
        outs = []
        for t in range(x.shape[1]):
            h, c = cells.lstm_step(x[:, t], h, c, p.W_ih, p.W_hh, p.b_ih, p.b_hh)
            outs.append(h)
        return torch.stack(outs, 1), (h, c)


TORCH_KERNELS = "fast LSTM, torch kernels"


def kernels(name):
    """The fast LSTM's products: torch's default kernel for the TORCH_KERNELS run, else oneDNN where torch has it."""
    return fast_lstm.default_kernels() if name == TORCH_KERNELS else contextlib.nullcontext()


def fwd_bwd(model, x):
    out = model(x)[0]
    out.sum().backward()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    config.set_threads(args.threads)
    load_before = os.getloadavg()[0]
    torch.manual_seed(0)
    dev = torch.device(args.device)
    B, T, D, H = 32, 100, 64, 256
    x = torch.randn(B, T, D, device=dev)
    lstm, gru, rnn = (nn.LSTM(D, H, batch_first=True).to(dev), nn.GRU(D, H, batch_first=True).to(dev),
                      nn.RNN(D, H, batch_first=True).to(dev))
    s_lstm = cells.LSTMLayer(D, H).to(dev).load_from(lstm)
    fast = fast_lstm.FastLSTMLayer(D, H).to(dev).load_from(lstm)
    models = {
        "nn.LSTM": lstm, "scratch LSTM": s_lstm, "hand-loop LSTM": HandLoopLSTM(s_lstm),
        "fast LSTM": fast, TORCH_KERNELS: fast,
        "nn.GRU": gru, "scratch GRU": cells.GRULayer(D, H).to(dev).load_from(gru),
        "nn.RNN": rnn, "scratch RNN": cells.make_layer("rnn", D, H).to(dev).load_from(rnn),
    }
    times = {name: [] for name in models}
    for name, m in models.items():   # warm-up
        with kernels(name):
            fwd_bwd(m, x)
    for _ in range(args.repeats):
        for name, m in models.items():
            m.zero_grad(set_to_none=True)
            if dev.type == "cuda":
                torch.cuda.synchronize()
            with kernels(name):
                t0 = time.perf_counter()
                fwd_bwd(m, x)
                if dev.type == "cuda":
                    torch.cuda.synchronize()
                times[name].append(time.perf_counter() - t0)
    med = {name: statistics.median(v) * 1e3 for name, v in times.items()}
    ratios = {"LSTM": med["scratch LSTM"] / med["nn.LSTM"], "GRU": med["scratch GRU"] / med["nn.GRU"],
              "RNN": med["scratch RNN"] / med["nn.RNN"], "hand-loop LSTM": med["hand-loop LSTM"] / med["nn.LSTM"],
              "fast LSTM": med["fast LSTM"] / med["nn.LSTM"], TORCH_KERNELS: med[TORCH_KERNELS] / med["nn.LSTM"]}
    # the spread: each round's ratio, the two timed next to each other in that round
    pairs = {"LSTM": ("scratch LSTM", "nn.LSTM"), "GRU": ("scratch GRU", "nn.GRU"), "RNN": ("scratch RNN", "nn.RNN"),
             "hand-loop LSTM": ("hand-loop LSTM", "nn.LSTM"), "fast LSTM": ("fast LSTM", "nn.LSTM"),
             TORCH_KERNELS: (TORCH_KERNELS, "nn.LSTM")}
    spread = {kind: [min(r), max(r)] for kind, (a, b) in pairs.items()
              for r in [[ta / tb for ta, tb in zip(times[a], times[b])]]}
    load = os.getloadavg()
    print(f"forward+backward, batch {B}, length {T}, input {D}, hidden {H}; median of {args.repeats} interleaved "
          f"rounds, {args.threads} thread(s), {dev}; load average {load_before:.2f} before, {load[0]:.2f} after")
    for name, ms in med.items():
        print(f"  {name:<24} {ms:8.1f} ms")
    for kind, r in ratios.items():
        print(f"  ratio {kind:<24} / torch = {r:.2f}x   (rounds: {spread[kind][0]:.2f}-{spread[kind][1]:.2f})")
    result = {"bench": "rnn_cells", "shape": {"batch": B, "time": T, "input": D, "hidden": H},
              "median_ms": med, "ratio_vs_torch": ratios, "ratio_per_round_min_max": spread,
              "load_average_before": load_before, "load_average_after": load[0], "repeats": args.repeats, "threads": args.threads,
              "device": str(dev), "fast_lstm_onednn": fast_lstm.ONEDNN,
              "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
              "cpus": torch.get_num_threads(), "torch": torch.__version__,
              "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    out = Path(__file__).resolve().parent / "results" / "rnn_cells.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
