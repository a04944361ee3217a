"""Our PyTorch word2vec (course_utils.word2vec_torch) against gensim's Word2Vec, side by side.

Same corpus (the shortened Wikipedia dump of notebook 03, min_count 5), same
hyper-parameters (dim 100, window 5, 5 negatives, subsampling 1e-3, learning
rate 0.025 falling linearly, the same epochs), skip-gram and CBOW, one CPU
thread each (gensim workers=1, torch 1 thread).

- Speed: ``--repeats`` rounds of ``--speed-epochs`` epochs, ours and gensim
  interleaved (ours sg, gensim sg, ours cbow, gensim cbow, then again), so a
  busy shared machine slows both alike; words/s = training tokens x epochs /
  seconds of training (vocabulary building not counted for either); we report
  medians and the median of the per-round ratios ours/gensim. The same ratio
  from CPU seconds (``time.process_time``, gensim's helper thread included)
  is printed too: other users of a shared machine move it less.
- Quality: one run of ``--epochs`` epochs each, evaluated with the same
  functions (course_utils.evaluation): WordSim353 and SimLex-999 Spearman, Google
  analogy accuracy (3CosAdd, 30 000 most frequent words), with coverage.

Prints a table and writes bench/results/word2vec.json.

    .venv/bin/python bench/word2vec_vs_gensim.py            # ~5-10 minutes on 2 shared cores
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

from course_utils import config, evaluation, word2vec, word2vec_torch
from course_utils.data import corpora
from course_utils.data.text import Vocab

ARCHS = {"skip-gram": (word2vec_torch.SkipGram, 1), "CBOW": (word2vec_torch.CBOW, 0)}


BATCH_SIZE = 1024  # default of --batch-size (word2vec_torch.train's default)


def load_corpus():
    articles = corpora.wikipedia_articles()
    vocab = Vocab([t for a in articles for t in a], min_count=5)
    sentences = word2vec.encode_sentences(articles, vocab)
    return vocab, sentences, [[vocab.itos[i] for i in s] for s in sentences]


def train_ours(arch, vocab, sentences, epochs, seed, device, threads, batch_size=BATCH_SIZE):
    Model, _ = ARCHS[arch]
    config.set_threads(threads)
    torch.manual_seed(seed)
    model = Model(len(vocab), 100).to(device)
    cpu_start = time.process_time()
    run = word2vec_torch.train(model, sentences, vocab.counts, epochs=epochs, window=5, negatives=5,
                               sample=1e-3, lr=0.025, batch_size=batch_size, seed=seed, progress=False)
    return word2vec_torch.word_vectors(model), run["seconds"], time.process_time() - cpu_start


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
    parser.add_argument("--repeats", type=int, default=3, help="interleaved speed rounds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="torch device for ours (cpu or cuda)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads and gensim workers")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="pairs (or windows) per batch, ours")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "word2vec.json"))
    args = parser.parse_args()
    for name in ("epochs", "speed_epochs", "repeats", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")

    config.seed_everything(args.seed)
    device = torch.device(args.device)
    load_before = os.getloadavg()
    vocab, sentences, word_sentences = load_corpus()
    n_words = sum(len(s) for s in sentences)
    print(f"corpus: {n_words:,} training tokens, vocabulary {len(vocab):,}; device {device}, "
          f"{args.threads} thread(s) each; load average {load_before[0]:.1f}")

    # warm-up (imports, first allocations) so the first timed round is not penalised
    train_ours("CBOW", vocab, sentences[:5], 1, args.seed, device, args.threads, args.batch_size)
    train_gensim("CBOW", vocab, word_sentences[:5], 1, args.seed, args.threads)

    speed = {arch: {"ours_words_per_s": [], "gensim_words_per_s": [], "ratio": [], "cpu_ratio": []}
             for arch in ARCHS}
    for rnd in range(args.repeats):
        for arch in ARCHS:
            _, t_ours, cpu_ours = train_ours(arch, vocab, sentences, args.speed_epochs, args.seed + rnd, device,
                                             args.threads, args.batch_size)
            _, t_gensim, cpu_gensim = train_gensim(arch, vocab, word_sentences, args.speed_epochs, args.seed + rnd,
                                                   args.threads)
            ours, theirs = n_words * args.speed_epochs / t_ours, n_words * args.speed_epochs / t_gensim
            speed[arch]["ours_words_per_s"].append(ours)
            speed[arch]["gensim_words_per_s"].append(theirs)
            speed[arch]["ratio"].append(ours / theirs)
            speed[arch]["cpu_ratio"].append(cpu_gensim / cpu_ours)
            print(f"  speed round {rnd + 1}/{args.repeats} {arch:>9}: ours {ours:9,.0f} w/s, "
                  f"gensim {theirs:9,.0f} w/s, ratio {ours / theirs:.2f} (CPU time: {cpu_gensim / cpu_ours:.2f})",
                  flush=True)

    results = {}
    for arch in ARCHS:
        E_ours, t_ours, _ = train_ours(arch, vocab, sentences, args.epochs, args.seed, device, args.threads,
                                       args.batch_size)
        E_gensim, t_gensim, _ = train_gensim(arch, vocab, word_sentences, args.epochs, args.seed, args.threads)
        q_ours, q_gensim = quality(E_ours, vocab.itos), quality(E_gensim, vocab.itos)
        s = speed[arch]
        results[arch] = {
            "ours": {**q_ours, "train_seconds": t_ours,
                     "words_per_s_median": statistics.median(s["ours_words_per_s"])},
            "gensim": {**q_gensim, "train_seconds": t_gensim,
                       "words_per_s_median": statistics.median(s["gensim_words_per_s"])},
            "speed_ratio_median": statistics.median(s["ratio"]),
            "cpu_time_ratio_median": statistics.median(s["cpu_ratio"]),
            "speed_rounds": s,
            "wordsim353_diff": q_ours["wordsim353"] - q_gensim["wordsim353"],
            "simlex999_diff": q_ours["simlex999"] - q_gensim["simlex999"],
        }
        print(f"  quality run {arch:>9} ({args.epochs} epochs): ours {t_ours:.0f} s, gensim {t_gensim:.0f} s",
              flush=True)

    print()
    header = (f"{'model':<20}{'words/s (median)':>18}{'ours/gensim':>13}{'(CPU time)':>11}{'WordSim353':>12}"
              f"{'SimLex-999':>12}{'analogies':>11}")
    print(header)
    print("-" * len(header))
    for arch, r in results.items():
        for who in ("ours", "gensim"):
            q = r[who]
            ratio = f"{r['speed_ratio_median']:.2f}" if who == "ours" else ""
            cpu = f"{r['cpu_time_ratio_median']:.2f}" if who == "ours" else ""
            print(f"{who + ' ' + arch:<20}{q['words_per_s_median']:>18,.0f}{ratio:>13}{cpu:>11}{q['wordsim353']:>12.3f}"
                  f"{q['simlex999']:>12.3f}{q['analogy_accuracy']:>10.1%}")
    any_q = results["skip-gram"]["ours"]
    print(f"\ncoverage: WordSim353 {1 - any_q['wordsim353_oov']:.0%} of pairs, SimLex-999 "
          f"{1 - any_q['simlex999_oov']:.0%}, analogies {any_q['analogy_coverage']:.0%} "
          f"({any_q['analogy_covered']:,} questions)")
    load_after = os.getloadavg()
    print(f"load average: {load_before[0]:.1f} at start, {load_after[0]:.1f} at end "
          f"({os.cpu_count()} CPUs, shared)")

    out = {
        "settings": {"dim": 100, "window": 5, "negatives": 5, "sample": 1e-3, "min_count": 5, "lr": 0.025,
                     "batch_size_ours": args.batch_size, "epochs_quality": args.epochs, "epochs_speed": args.speed_epochs,
                     "repeats": args.repeats, "seed": args.seed, "threads": args.threads, "device": str(device)},
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
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
