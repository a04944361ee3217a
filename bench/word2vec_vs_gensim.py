"""Our PyTorch word2vec, readable and compiled, against gensim's Word2Vec, side by side.

Three trainers: "readable" is course_utils.word2vec_torch.train (what notebook
03 teaches), "fast" is course_utils.word2vec_fast.train_fast (the same
examples, noise and steps, with the step compiled by torch.compile), and
gensim's Word2Vec. Same corpus (the shortened Wikipedia dump of notebook 03,
min_count 5), same hyper-parameters (dim 100, window 5, 5 negatives,
subsampling 1e-3, learning rate 0.025 falling linearly, batches of 1 024 for
ours, the same epochs), skip-gram and CBOW, one CPU thread each (gensim
workers=1, torch 1 thread).

- Speed: ``--repeats`` rounds of ``--speed-epochs`` epochs, the three trainers
  interleaved (within a round skip-gram then CBOW, each trainer once, the
  order rotated from round to round), so a busy shared machine slows all
  alike. words/s = training tokens x epochs / seconds of training. What is
  timed: readable and fast, the seconds their training function reports
  (every epoch's example making: subsampling, windows, shuffling, noise
  draws, and the SGD steps; not building the model); fast, not its compile,
  which is done once per process before the rounds and printed apart;
  gensim, ``Word2Vec.train`` (its own subsampling and windows, not
  ``build_vocab``). We report medians, and the per-round ratios to gensim
  as median [min-max]. The same ratio from CPU seconds (``time.process_time``,
  gensim's helper thread included) is printed too: other users of a shared
  machine move it less.
- Quality: one run of ``--epochs`` epochs each, evaluated with the same
  functions (course_utils.evaluation): WordSim353 and SimLex-999 Spearman, Google
  analogy accuracy (3CosAdd, 30 000 most frequent words), with coverage.

Prints a table and writes bench/results/word2vec.json ("ours" is the readable path).

    .venv/bin/python bench/word2vec_vs_gensim.py            # ~3-5 minutes on 2 shared cores
    .venv/bin/python bench/word2vec_vs_gensim.py --epochs 2 --repeats 1   # a quick look
"""
import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from course_utils import config, evaluation, word2vec, word2vec_fast, word2vec_torch
from course_utils.data import corpora
from course_utils.data.text import Vocab

ARCHS = {"skip-gram": (word2vec_torch.SkipGram, 1), "CBOW": (word2vec_torch.CBOW, 0)}
TRAINERS = ("readable", "fast", "gensim")


BATCH_SIZE = 1024  # default of --batch-size (word2vec_torch.train's default)


def load_corpus():
    articles = corpora.wikipedia_articles()
    vocab = Vocab([t for a in articles for t in a], min_count=5)
    sentences = word2vec.encode_sentences(articles, vocab)
    return vocab, sentences, [[vocab.itos[i] for i in s] for s in sentences]


def train_ours(arch, vocab, sentences, epochs, seed, device, threads, batch_size=BATCH_SIZE, fast=False):
    """Vectors, training seconds, CPU seconds and compile seconds (0 for the readable path) of one run."""
    Model, _ = ARCHS[arch]
    config.set_threads(threads)
    torch.manual_seed(seed)
    model = Model(len(vocab), 100).to(device)
    kwargs = dict(epochs=epochs, window=5, negatives=5, sample=1e-3, lr=0.025, batch_size=batch_size, seed=seed)
    cpu_start = time.process_time()
    if fast:
        run = word2vec_fast.train_fast(model, sentences, vocab.counts, **kwargs)
    else:
        run = word2vec_torch.train(model, sentences, vocab.counts, progress=False, **kwargs)
    cpu_seconds = time.process_time() - cpu_start
    compile_seconds = run.get("compile_seconds", 0.0)
    # CPU seconds of the timed part only: the compile (if any) ran before the training's clock started
    return word2vec_torch.word_vectors(model), run["seconds"], cpu_seconds - compile_seconds, compile_seconds


def train_any(who, arch, vocab, sentences, word_sentences, epochs, seed, device, threads, batch_size):
    """``(vectors, seconds, cpu_seconds, compile_seconds)`` of one run of trainer ``who``."""
    if who == "gensim":
        return (*train_gensim(arch, vocab, word_sentences, epochs, seed, threads), 0.0)
    return train_ours(arch, vocab, sentences, epochs, seed, device, threads, batch_size, fast=(who == "fast"))


def train_gensim(arch, vocab, word_sentences, epochs, seed, workers):
    from gensim.models import Word2Vec

    g = Word2Vec(vector_size=100, window=5, negative=5, sample=1e-3, min_count=1, alpha=0.025,
                 min_alpha=1e-4, sg=ARCHS[arch][1], workers=workers, seed=seed)
    g.build_vocab(word_sentences)
    start, cpu_start = time.perf_counter(), time.process_time()
    g.train(word_sentences, total_examples=len(word_sentences), epochs=epochs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    E = np.stack([g.wv[w] if w in g.wv else np.zeros(100, dtype=np.float32) for w in vocab.itos])
    return E, seconds, cpu_seconds


def quality(E, itos):
    r = evaluation.evaluate(E, itos)
    return {"wordsim353": r["wordsim353"]["spearman"], "wordsim353_oov": r["wordsim353"]["oov_rate"],
            "simlex999": r["simlex999"]["spearman"], "simlex999_oov": r["simlex999"]["oov_rate"],
            "analogy_accuracy": r["analogies"]["accuracy"], "analogy_coverage": r["analogies"]["coverage"],
            "analogy_covered": r["analogies"]["covered"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs of the quality runs")
    parser.add_argument("--speed-epochs", type=int, default=1, help="epochs of each timed speed round")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved speed rounds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="torch device for ours (cpu or cuda)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads and gensim workers")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="pairs (or windows) per batch, ours")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "word2vec.json"))
    args = parser.parse_args()
    for name in ("epochs", "speed_epochs", "repeats", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")

    bench_start = time.perf_counter()
    config.seed_everything(args.seed)
    device = torch.device(args.device)
    load_before = os.getloadavg()
    vocab, sentences, word_sentences = load_corpus()
    n_words = sum(len(s) for s in sentences)
    print(f"corpus: {n_words:,} training tokens, vocabulary {len(vocab):,}; device {device}, "
          f"{args.threads} thread(s) each; load average {load_before[0]:.1f}")

    # warm-up (imports, first allocations) so the first timed round is not penalised; the fast path's
    # compile for the full-size shapes happens here, once per process, and is reported apart
    compile_seconds = {}
    for arch in ARCHS:
        train_ours(arch, vocab, sentences[:5], 1, args.seed, device, args.threads, args.batch_size)
        compile_seconds[arch] = train_ours(arch, vocab, sentences[:5], 1, args.seed, device, args.threads,
                                           args.batch_size, fast=True)[3]
        print(f"  fast path {arch}: compiled in {compile_seconds[arch]:.1f} s (once per process; not in words/s)",
              flush=True)
    train_gensim("CBOW", vocab, word_sentences[:5], 1, args.seed, args.threads)

    speed = {arch: {**{f"{who}_words_per_s": [] for who in TRAINERS}, **{f"{who}_cpu_seconds": [] for who in TRAINERS}}
             for arch in ARCHS}
    for rnd in range(args.repeats):
        order = TRAINERS[rnd % 3:] + TRAINERS[:rnd % 3]        # rotated, so no trainer always runs first
        for arch in ARCHS:
            line = []
            for who in order:
                _, seconds, cpu, _ = train_any(who, arch, vocab, sentences, word_sentences, args.speed_epochs,
                                               args.seed + rnd, device, args.threads, args.batch_size)
                speed[arch][f"{who}_words_per_s"].append(n_words * args.speed_epochs / seconds)
                speed[arch][f"{who}_cpu_seconds"].append(cpu)
            sp = speed[arch]
            for who in TRAINERS:
                line.append(f"{who} {sp[f'{who}_words_per_s'][-1]:9,.0f}")
            print(f"  speed round {rnd + 1}/{args.repeats} {arch:>9} (w/s): " + ", ".join(line) +
                  f"; /gensim: readable {sp['readable_words_per_s'][-1] / sp['gensim_words_per_s'][-1]:.2f}, "
                  f"fast {sp['fast_words_per_s'][-1] / sp['gensim_words_per_s'][-1]:.2f}", flush=True)
    for arch in ARCHS:
        sp = speed[arch]
        for who in ("readable", "fast"):
            sp[f"{who}_ratio"] = [a / b for a, b in zip(sp[f"{who}_words_per_s"], sp["gensim_words_per_s"])]
            sp[f"{who}_cpu_ratio"] = [b / a for a, b in zip(sp[f"{who}_cpu_seconds"], sp["gensim_cpu_seconds"])]

    results = {}
    for arch in ARCHS:
        runs = {who: train_any(who, arch, vocab, sentences, word_sentences, args.epochs, args.seed, device,
                               args.threads, args.batch_size) for who in TRAINERS}
        q = {who: quality(runs[who][0], vocab.itos) for who in TRAINERS}
        sp = speed[arch]
        entry = {who: {**q[who], "train_seconds": runs[who][1],
                       "words_per_s_median": statistics.median(sp[f"{who}_words_per_s"])} for who in TRAINERS}
        entry["fast"]["compile_seconds"] = compile_seconds[arch]
        results[arch] = {
            "ours": entry["readable"], "fast": entry["fast"], "gensim": entry["gensim"],
            # "speed_ratio_*" / "cpu_time_ratio_median" / "*_diff": the readable path, as before the fast path
            "speed_ratio_median": statistics.median(sp["readable_ratio"]),
            "speed_ratio_min": min(sp["readable_ratio"]), "speed_ratio_max": max(sp["readable_ratio"]),
            "cpu_time_ratio_median": statistics.median(sp["readable_cpu_ratio"]),
            "fast_speed_ratio_median": statistics.median(sp["fast_ratio"]),
            "fast_speed_ratio_min": min(sp["fast_ratio"]), "fast_speed_ratio_max": max(sp["fast_ratio"]),
            "fast_cpu_time_ratio_median": statistics.median(sp["fast_cpu_ratio"]),
            "fast_over_readable_median": statistics.median(
                [a / b for a, b in zip(sp["fast_words_per_s"], sp["readable_words_per_s"])]),
            "speed_rounds": sp,
            "wordsim353_diff": q["readable"]["wordsim353"] - q["gensim"]["wordsim353"],
            "simlex999_diff": q["readable"]["simlex999"] - q["gensim"]["simlex999"],
            "fast_wordsim353_diff": q["fast"]["wordsim353"] - q["gensim"]["wordsim353"],
            "fast_simlex999_diff": q["fast"]["simlex999"] - q["gensim"]["simlex999"],
        }
        print(f"  quality run {arch:>9} ({args.epochs} epochs): " +
              ", ".join(f"{who} {runs[who][1]:.0f} s" for who in TRAINERS), flush=True)

    print()
    header = (f"{'model':<20}{'words/s (median)':>18}{'/gensim [min-max]':>21}{'(CPU time)':>11}{'WordSim353':>12}"
              f"{'SimLex-999':>12}{'analogies':>11}")
    print(header)
    print("-" * len(header))
    for arch, r in results.items():
        for who, key in (("readable", "ours"), ("fast", "fast"), ("gensim", "gensim")):
            q = r[key]
            prefix = "" if who == "readable" else "fast_"
            ratio = cpu = ""
            if who != "gensim":
                ratio = (f"{r[prefix + 'speed_ratio_median']:.2f} [{r[prefix + 'speed_ratio_min']:.2f}-"
                         f"{r[prefix + 'speed_ratio_max']:.2f}]")
                cpu = f"{r[prefix + 'cpu_time_ratio_median']:.2f}"
            print(f"{who + ' ' + arch:<20}{q['words_per_s_median']:>18,.0f}{ratio:>21}{cpu:>11}{q['wordsim353']:>12.3f}"
                  f"{q['simlex999']:>12.3f}{q['analogy_accuracy']:>10.1%}")
    any_q = results["skip-gram"]["ours"]
    print(f"\ncoverage: WordSim353 {1 - any_q['wordsim353_oov']:.0%} of pairs, SimLex-999 "
          f"{1 - any_q['simlex999_oov']:.0%}, analogies {any_q['analogy_coverage']:.0%} "
          f"({any_q['analogy_covered']:,} questions)")
    print("fast path compile (once per process, not in words/s): " +
          ", ".join(f"{arch} {sec:.1f} s" for arch, sec in compile_seconds.items()))
    load_after = os.getloadavg()
    print(f"load average: {load_before[0]:.1f} at start, {load_after[0]:.1f} at end "
          f"({os.cpu_count()} CPUs, shared)")

    out = {
        "settings": {"dim": 100, "window": 5, "negatives": 5, "sample": 1e-3, "min_count": 5, "lr": 0.025,
                     "batch_size_ours": args.batch_size, "epochs_quality": args.epochs, "epochs_speed": args.speed_epochs,
                     "repeats": args.repeats, "seed": args.seed, "threads": args.threads, "device": str(device),
                     "timed": "readable/fast: seconds reported by train/train_fast (example making and steps; "
                              "fast: compile excluded, see results.*.fast.compile_seconds); gensim: Word2Vec.train"},
        "corpus": {"training_tokens": n_words, "vocab_size": len(vocab),
                   "source": "gensim test data enwiki-...-shortened.bz2 (corpora.wikipedia_articles)"},
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "cpu_count": os.cpu_count(), "load_average_start": load_before[0],
                    "load_average_end": load_after[0], "torch": torch.__version__,
                    "gensim": __import__("gensim").__version__,
                    "cuda_device": torch.cuda.get_device_name(0) if device.type == "cuda" else None},
        "results": results,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out} ({time.perf_counter() - bench_start:.0f} s in all)")


if __name__ == "__main__":
    main()
