"""Plausible learner mistakes with the word modules (notebooks 01-04, 11) get a clear message, at once.

Each row is ``(call, exception, message regex)``: text where ids are expected, a word where a row
number is expected, a negative learning rate, NaN in vectors or weights, a size that would take
minutes or gigabytes (refused before anything is allocated). No row returns a plausible number
from NaN input; the measurements that propagate NaN are checked at the end.
"""
import math

import numpy as np
import pytest
import torch

from course_utils import (embeddings, evaluation, gradients, ngram, neural_lm, word2vec, word2vec_fast,
                          word2vec_torch)
from course_utils.data import planted_corpus, pretrained
from course_utils.data.text import Vocab, tokenize

NAN = float("nan")
RNG = np.random.default_rng(0)
E = RNG.normal(size=(6, 3))
E_NAN = E.copy()
E_NAN[2, 1] = NAN
ITOS = ["<unk>", "king", "queen", "man", "woman", "apple"]
NAN_ROW = r"E holds 1 NaN or inf entries \(the first at row 2\)"
NAN_WEIGHTS = r"model's parameter \S+ holds NaN or inf"
X = np.array([[1, 2], [2, 3], [3, 4], [4, 1]])
Y = np.array([3, 4, 1, 2])


def _nan(model):
    """``model`` with one weight set to NaN, as after a diverged training run."""
    with torch.no_grad():
        next(model.parameters()).view(-1)[0] = NAN
    return model


def _bigram():
    return ngram.NGramLM(2, 5, bos=1, eos=2).fit([[3, 4, 3]])


def _nlm():
    torch.manual_seed(0)
    return neural_lm.NeuralLM(5, 2, embed_dim=4, hidden=4)


def _train_w2v(train=None, **kwargs):
    args = dict(model=word2vec_torch.SkipGram(5, 2), sentences=[np.array([1, 2, 3, 4])], counts=np.ones(5))
    args.update(kwargs)
    if train is not None:                     # word2vec_fast.train_fast: train's arguments, no progress bar
        return train(args.pop("model"), args.pop("sentences"), args.pop("counts"), **args)
    return word2vec_torch.train(args.pop("model"), args.pop("sentences"), args.pop("counts"), progress=False, **args)


def _train_nlm(model=None, X=X, y=Y, **kwargs):
    return neural_lm.train_neural_lm(model or _nlm(), X, y, progress=False, **kwargs)


ROWS = {
    # embeddings (notebook 01)
    "nearest_neighbours: a NaN row": (
        lambda: embeddings.nearest_neighbours(E_NAN, 0, k=2), ValueError, NAN_ROW),
    "nearest_neighbours: a word instead of its id": (
        lambda: embeddings.nearest_neighbours(E, "king", k=2), ValueError,
        r"word_id must be an int in \[0, 5\] \(a row of E; for a word, pass vocab.index\(word\)\), got 'king'"),
    "nearest_neighbours: an id past the table": (
        lambda: embeddings.nearest_neighbours(E, 6, k=2), ValueError, r"word_id must be an int in \[0, 5\]"),
    "nearest_neighbours: k=0": (
        lambda: embeddings.nearest_neighbours(E, 1, k=0), ValueError, r"k must be an int in \[1, 5\]"),
    "nearest_neighbours: k as large as the table": (
        lambda: embeddings.nearest_neighbours(E, 1, k=6), ValueError, r"k must be an int in \[1, 5\] \(the word itself"),
    "nearest_neighbours: a 1-D vector for E": (
        lambda: embeddings.nearest_neighbours(E[0], 1), ValueError, r"E must be 2-D \(vocab_size, dim\)"),
    "cosine_matrix: a NaN row": (
        lambda: embeddings.cosine_matrix(E_NAN), ValueError, r"X holds 1 NaN or inf entries \(the first at row 2\)"),
    "cosine_matrix: an inf in Y": (
        lambda: embeddings.cosine_matrix(E, np.full((1, 3), np.inf)), ValueError, "Y holds 3 NaN or inf entries"),
    "cosine_matrix: different widths": (
        lambda: embeddings.cosine_matrix(np.ones((2, 3)), np.ones((2, 4))), ValueError, "same number of columns"),
    "one_hot: text instead of ids": (
        lambda: embeddings.one_hot("cat", 10), ValueError, r"ids must be a sequence of integer ids.*vocab.encode"),
    "one_hot: an id past vocab_size": (
        lambda: embeddings.one_hot([1, 5], 5), ValueError, r"ids must be in \[0, vocab_size=5\)"),
    "one_hot: vocab_size 0": (
        lambda: embeddings.one_hot([1], 0), ValueError, r"vocab_size must be an int in \[1, "),
    "one_hot: a vocabulary that needs terabytes": (
        lambda: embeddings.one_hot([1, 2], 10**12), ValueError,
        r"vocab_size must be an int in \[1, 268435456\] \(the one-hot rows of 2 ids, 4 bytes a number, must fit in 2 GB\)"),
    "time_onehot_vs_lookup: one size, not a list": (
        lambda: embeddings.time_onehot_vs_lookup(1000), ValueError, r"vocab_sizes must be a list of sizes.*\[1000\]"),
    "time_onehot_vs_lookup: a size that needs 256 GB": (
        lambda: embeddings.time_onehot_vs_lookup([1000, 10**9]), ValueError,
        r"each vocabulary size must be an int in \[1, 645277\] \(the one-hot matrices of 256 words must fit in 2 GB\)"),
    "time_onehot_vs_lookup: repeats=0": (
        lambda: embeddings.time_onehot_vs_lookup([10], repeats=0), ValueError, "repeats must be an int >= 1"),
    "window_input_bytes: window 0": (
        lambda: embeddings.window_input_bytes(0, 10), ValueError, "window must be an int >= 1"),
    "window_input_bytes: dim 0": (
        lambda: embeddings.window_input_bytes(1, 10, dim=0), ValueError, r"dim must be an int >= 1 \(or None for one-hot\)"),
    "compare_pair: a NaN row": (
        lambda: embeddings.compare_pair(E_NAN, 1, 3), ValueError, NAN_ROW),

    # evaluation (notebooks 02, 03, 11)
    "neighbours: a NaN row": (
        lambda: evaluation.neighbours(E_NAN, ITOS, "king", k=2), ValueError, NAN_ROW),
    "neighbours: E and itos of different vocabularies": (
        lambda: evaluation.neighbours(E[:3], ITOS, "woman"), ValueError, "E has 3 rows but itos has 6 entries"),
    "neighbours: k=0": (
        lambda: evaluation.neighbours(E, ITOS, "king", k=0), ValueError, r"k must be an int in \[1, 5\]"),
    "solve_analogy: a NaN row": (
        lambda: evaluation.solve_analogy(E_NAN, ITOS, "man", "king", "woman"), ValueError, NAN_ROW),
    "solve_analogy: a word not in the vocabulary": (
        lambda: evaluation.solve_analogy(E, ITOS, "man", "king", "Woman"), ValueError,
        r"c='Woman' is not in the vocabulary \(6 words\)"),
    "neighbours: a word not in the vocabulary": (
        lambda: evaluation.neighbours(E, ITOS, "zebra"), ValueError, r"word='zebra' is not in the vocabulary"),
    "solve_analogy: k=0": (
        lambda: evaluation.solve_analogy(E, ITOS, "man", "king", "woman", k=0), ValueError, "k must be an int >= 1, got 0"),
    "analogy_accuracy: restrict below 4": (
        lambda: evaluation.analogy_accuracy(E, ITOS, [("man", "king", "woman", "queen")], restrict=2), ValueError,
        r"restrict must be an int >= 4 \(or None: search every word\), got 2"),
    "analogy_accuracy: E and itos of different vocabularies": (
        lambda: evaluation.analogy_accuracy(E[:3], ITOS, [("man", "king", "woman", "queen")], restrict=None),
        ValueError, "E has 3 rows but itos has 6 entries"),
    "similarity_spearman: a NaN row": (
        lambda: evaluation.similarity_spearman(E_NAN, ITOS, [("king", "queen", 9.0), ("man", "woman", 8.0),
                                                             ("king", "apple", 1.0)]), ValueError, NAN_ROW),

    # word2vec (notebook 02)
    "skipgram_pairs: window 0": (
        lambda: word2vec.skipgram_pairs([1, 2, 3], 0), ValueError, "window must be an int >= 1, got 0"),
    "skipgram_pairs: a string sentence": (
        lambda: word2vec.skipgram_pairs("the cat sat", 2), ValueError, r"got the string 'the cat sat'.*vocab.encode"),
    "skipgram_pairs: words instead of ids": (
        lambda: word2vec.skipgram_pairs(["the", "cat"], 2), ValueError, r"ids must be integer ids, got words 'the cat'; encode them first \(for words, vocab.encode\)"),
    "skipgram_pairs: a batch of sentences": (
        lambda: word2vec.skipgram_pairs(np.zeros((2, 2), dtype=int), 2), ValueError, "ids must be 1-D"),
    "keep_probabilities: a negative sample": (
        lambda: word2vec.keep_probabilities([1, 2], sample=-1), ValueError, r"sample must be a finite number >= 0"),
    "keep_probabilities: NaN counts": (
        lambda: word2vec.keep_probabilities([1, NAN]), ValueError, r"counts holds 1 NaN or inf entries"),
    "noise_distribution: NaN counts": (
        lambda: word2vec.noise_distribution([1, NAN]), ValueError, r"counts holds 1 NaN or inf entries"),
    "noise_distribution: all counts 0": (
        lambda: word2vec.noise_distribution([0, 0]), ValueError, "positive sum"),
    "NoiseSampler: probabilities that do not sum to 1": (
        lambda: word2vec.NoiseSampler([0.5, 0.6]), ValueError, "summing to 1"),
    "negative_sampling_loss_and_grads: U_neg without the batch axis": (
        lambda: word2vec.negative_sampling_loss_and_grads(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((4, 3))),
        ValueError, r"U_neg must have shape \(batch, K, dim\)"),
    "softmax_loss_and_grads: a word for o": (
        lambda: word2vec.softmax_loss_and_grads(np.zeros(3), "cat", np.zeros((4, 3))), ValueError,
        r"o must be an int in \[0, 3\] \(the context word's id, a row of U\), got 'cat'"),
    "time_softmax_vs_negative_sampling: a size that needs 2 TB": (
        lambda: word2vec.time_softmax_vs_negative_sampling([10**9]), ValueError,
        r"each vocabulary size must be an int in \[6, 894784\]"),
    "pairs_for_display: a sentence as one string": (
        lambda: word2vec.pairs_for_display("the cat sat", 1, 0), ValueError, r"words must be a list of tokens.*tokenize"),
    "pairs_for_display: center past the end": (
        lambda: word2vec.pairs_for_display(["a", "b"], 1, 5), ValueError, r"center must be an int in \[0, 1\]"),
    "encode_sentences: one sentence, not a list of them": (
        lambda: word2vec.encode_sentences(["the", "cat"], Vocab(["the", "cat"])), ValueError,
        r"sentences must be a list of sentences.*pass \[tokens\]"),

    # word2vec_torch (notebook 03)
    "train: a negative learning rate": (
        lambda: _train_w2v(lr=-0.025), ValueError, r"lr must be a finite number > 0, got -0.025"),
    "train: a NaN learning rate": (
        lambda: _train_w2v(lr=NAN), ValueError, r"lr must be a finite number > 0, got nan"),
    "train: min_lr above lr": (
        lambda: _train_w2v(lr=0.01, min_lr=0.1), ValueError, r"min_lr must be a finite number >= 0 and <= 0.01"),
    "train: window 0": (
        lambda: _train_w2v(window=0), ValueError, r"window must be an int in \[1, \d+\] .*, got 0"),
    "train: a window whose examples need terabytes": (
        lambda: _train_w2v(window=10**9), ValueError,
        r"window must be an int in \[1, 16777216\] \(the examples of 4 tokens must fit in 2 GB\)"),
    "train: one array instead of a list of sentences": (
        lambda: _train_w2v(sentences=np.array([1, 2, 3])), ValueError,
        r"got one sentence: for one sentence, pass \[ids\]"),
    "train: a flat list instead of a list of sentences": (
        lambda: _train_w2v(sentences=[1, 2, 3, 4]), ValueError, r"got one sentence: for one sentence, pass \[ids\]"),
    "train: text instead of ids": (
        lambda: _train_w2v(sentences=["the cat sat"]), ValueError,
        r"sentences\[0\] must be a sequence of integer ids, got the string 'the cat sat'.*vocab\.encode"),
    "train: no sentences": (
        lambda: _train_w2v(sentences=[]), ValueError, "sentences is empty"),
    "train: an id past the model's vocabulary": (
        lambda: _train_w2v(sentences=[np.array([1, 9])]), ValueError,
        r"sentences\[0\] holds word id 9, but the model's vocabulary has ids 0 to 4"),
    "train: counts of another vocabulary": (
        lambda: _train_w2v(counts=np.ones(4)), ValueError, "counts has 4 entries"),
    "train: a model that diverged": (
        lambda: _train_w2v(model=_nan(word2vec_torch.SkipGram(5, 2))), ValueError, NAN_WEIGHTS),
    "train: not a word2vec model": (
        lambda: _train_w2v(model=torch.nn.Linear(2, 2)), TypeError, "model must be a SkipGram or CBOW"),
    "train_fast: text instead of ids (train's checks)": (
        lambda: word2vec_fast.train_fast(word2vec_torch.SkipGram(5, 2), ["the cat sat"], np.ones(5)), ValueError,
        r"sentences\[0\] must be a sequence of integer ids, got the string 'the cat sat'"),
    "train_fast: so many negatives that an epoch's noise needs gigabytes": (
        lambda: _train_w2v(train=word2vec_fast.train_fast, negatives=10**9), ValueError,
        r"negatives must be an int in \[1, 6710885\] \(train_fast holds an epoch's noise words for 4 tokens in 2 GB\)"),
    "SkipGram: vocab_size 0": (
        lambda: word2vec_torch.SkipGram(0, 4), ValueError, "vocab_size must be an int >= 1, got 0"),

    # ngram (notebook 04)
    "NGramLM.fit: a string": (
        lambda: ngram.NGramLM(2, 5, 1, 2).fit("the cat"), ValueError,
        r"sequences must be a list of id sequences, got the string 'the cat'.*vocab.encode"),
    "NGramLM.fit: lists of words": (
        lambda: ngram.NGramLM(2, 5, 1, 2).fit([["the", "cat"]]), ValueError,
        r"sequences\[0\] must be integer ids, got words 'the cat'; encode them first \(for words, vocab.encode\)"),
    "NGramLM.fit: one flat sequence": (
        lambda: ngram.NGramLM(2, 5, 1, 2).fit([3, 4, 3]), ValueError,
        r"sequences must be a list of id sequences, got \[3, 4, 3\]; for one sequence, pass \[ids\]"),
    "NGramLM.fit: an id past vocab_size": (
        lambda: ngram.NGramLM(2, 5, 1, 2).fit([[3, 7]]), ValueError,
        r"sequences\[0\] must be ids in \[0, 5\) \(the model's vocabulary\), got 3..7"),
    "NGramLM.fit: nothing": (
        lambda: ngram.NGramLM(2, 5, 1, 2).fit([]), ValueError,
        r"sequences must be a non-empty list of id sequences, got \[\]"),
    "NGramLM: n=0": (
        lambda: ngram.NGramLM(0, 5, 1, 2), ValueError, r"n must be an int >= 1 \(1 = unigram"),
    "NGramLM: vocab_size 1": (
        lambda: ngram.NGramLM(2, 1, 0, 0), ValueError, "vocab_size must be an int >= 2"),
    "NGramLM: bos as a word": (
        lambda: ngram.NGramLM(2, 5, "<s>", 2), ValueError, r"bos must be an int in \[0, 4\] \(an id, e.g. vocab.index"),
    "NGramLM.log_probs: text": (
        lambda: _bigram().log_probs("the cat"), ValueError, r"got the string 'the cat'.*vocab.encode"),
    "NGramLM.prob: k=0": (
        lambda: _bigram().prob([3], 3, k=0), ValueError, r"k must be a finite number > 0 \(add-k smoothing\), got 0"),
    "NGramLM.prob: k=inf": (
        lambda: _bigram().prob([3], 3, k=math.inf), ValueError, "k must be a finite number > 0"),
    "NGramLM.prob: a word id past vocab_size": (
        lambda: _bigram().prob([3], 9), ValueError, r"word must be an int in \[0, 4\]"),
    "NGramLM.prob: a string context": (
        lambda: _bigram().prob("the", 3), ValueError, "context must be word ids, got the string 'the'"),
    "NGramLM.prob: too short a context": (
        lambda: ngram.NGramLM(3, 5, 1, 2).fit([[3]]).prob((3,), 3), ValueError, "at least n - 1 = 2 ids"),
    "NGramLM.sample: negative max_len": (
        lambda: _bigram().sample(0, max_len=-1), ValueError, "max_len must be an int >= 0"),
    "perplexity: an empty sequence": (
        lambda: ngram.perplexity([]), ValueError, "log_probs must be a non-empty 1-D array"),
    "perplexity: of an empty held-out text": (
        lambda: ngram.perplexity(_bigram().log_probs([])), ValueError,
        r"sequences must be a non-empty list of id sequences, got \[\]"),
    "perplexity: probabilities instead of logs": (
        lambda: ngram.perplexity([0.5, 0.25]), ValueError, "natural logs"),
    "unseen_share: text": (
        lambda: ngram.unseen_share("ab", [[3]], 2, 1, 2), ValueError, "train_sequences must be a list of id sequences"),
    "split_articles: heldout_every=1": (
        lambda: ngram.split_articles([1, 2], heldout_every=1), ValueError, "heldout_every must be an int >= 2"),

    # neural_lm (notebook 04)
    "context_windows: a string": (
        lambda: neural_lm.context_windows("the cat", 3, 1, 2), ValueError, r"got the string 'the cat'.*vocab.encode"),
    "context_windows: n=1": (
        lambda: neural_lm.context_windows([[3]], 1, 1, 2), ValueError, "n must be an int >= 2"),
    "train_neural_lm: a negative learning rate": (
        lambda: _train_nlm(lr=-0.002), ValueError, r"lr must be a finite number > 0, got -0.002"),
    "train_neural_lm: lr as a string": (
        lambda: _train_nlm(lr="2e-3"), ValueError, r"lr must be a finite number > 0, got '2e-3'"),
    "train_neural_lm: batch_size 0": (
        lambda: _train_nlm(batch_size=0), ValueError, "batch_size must be an int >= 1, got 0"),
    "train_neural_lm: clip=0": (
        lambda: _train_nlm(clip=0), ValueError, r"clip must be a finite number > 0 \(None turns clipping off\)"),
    "train_neural_lm: X with the wrong context": (
        lambda: _train_nlm(X=np.zeros((4, 3), dtype=int)), ValueError,
        r"X must be context ids of shape \(examples, 2\) \(neural_lm.context_windows\), got shape \(4, 3\)"),
    "train_neural_lm: float X": (
        lambda: _train_nlm(X=X.astype(float)), TypeError, "X must hold integer ids"),
    "train_neural_lm: y past the vocabulary": (
        lambda: _train_nlm(y=Y + 5), ValueError, r"y holds ids from 6 to 9, but the model's vocabulary has ids 0 to 4"),
    "train_neural_lm: no examples": (
        lambda: _train_nlm(X=X[:0], y=Y[:0]), ValueError, "X and y are empty"),
    "train_neural_lm: a model that diverged": (
        lambda: _train_nlm(model=_nan(_nlm())), ValueError, NAN_WEIGHTS),
    "evaluate_neural_lm: a model that diverged": (
        lambda: neural_lm.evaluate_neural_lm(_nan(_nlm()), X, Y), ValueError, NAN_WEIGHTS),
    "evaluate_neural_lm: X and y of different lengths": (
        lambda: neural_lm.evaluate_neural_lm(_nlm(), X, Y[:3]), ValueError, "X and y must have the same length, got 4 and 3"),
    "evaluate_neural_lm: no examples": (
        lambda: neural_lm.evaluate_neural_lm(_nlm(), X[:0], Y[:0]), ValueError, "X and y are empty"),

    # gradients (notebook 02)
    "numerical_gradient: float32": (
        lambda: gradients.numerical_gradient(lambda v: 0.0, np.zeros(2, dtype=np.float32)), TypeError, "float64"),
    "numerical_gradient: eps=0": (
        lambda: gradients.numerical_gradient(lambda v: 0.0, np.zeros(2), eps=0), ValueError, "eps must be a finite number > 0"),
    "gradient_check: f returns (loss, grads)": (
        lambda: gradients.gradient_check(lambda: (0.0, np.zeros(2)), {"W": np.zeros(2)}, {"W": np.zeros(2)}),
        TypeError, r"f must return the loss as one number, got a tuple of 2 things \(.*take \[0\]\)"),
    "gradient_check: a gradient of the wrong shape": (
        lambda: gradients.gradient_check(lambda: 0.0, {"W": np.zeros(2)}, {"W": np.zeros(3)}), ValueError,
        r"grads\['W'\] has shape \(3,\) but params\['W'\] has shape \(2,\)"),
    "gradient_check: float32 parameters": (
        lambda: gradients.gradient_check(lambda: 0.0, {"W": np.zeros(2, np.float32)}, {"W": np.zeros(2)}), TypeError,
        r"params\['W'\] must be a float64 numpy array"),
    "gradient_check: names that differ": (
        lambda: gradients.gradient_check(lambda: 0.0, {"W": np.zeros(1)}, {"U": np.zeros(1)}), ValueError, "same names"),
    "relative_error: different shapes": (
        lambda: gradients.relative_error(np.zeros(2), np.zeros(3)), ValueError, "same shape"),

    # text (every notebook)
    "Vocab: '<unk>' among the specials": (
        lambda: Vocab(["a", "b"], specials=("<unk>",)), ValueError, r"specials must be distinct and leave out <unk>"),
    "Vocab: '<pad>' as a special and pad=True": (
        lambda: Vocab(["a", "b"], specials="<pad>", pad=True), ValueError, r"leave out <pad>, <unk>"),
    "Vocab: a list of sentences": (
        lambda: Vocab([["the", "cat"], ["a", "dog"]]), TypeError, r"flatten sentences first"),
    "Vocab: one string": (
        lambda: Vocab("the cat sat"), TypeError, r"single str \(tokenize it first"),
    "Vocab: no tokens": (
        lambda: Vocab([]), ValueError, "tokens is empty"),
    "Vocab.decode: a word, not ids": (
        lambda: Vocab(["the", "cat"]).decode("the"), ValueError,
        r"ids must be a sequence of integer ids, got the string 'the': turn text into ids first "
        r"\(for words, vocab\.encode\)"),
    "Vocab.decode: words, not ids": (
        lambda: Vocab(["the", "cat"]).decode(["the", "cat"]), ValueError,
        r"ids must be integer ids, got words 'the cat'"),
    "Vocab: min_count 0": (
        lambda: Vocab(["a"], min_count=0), ValueError, "min_count must be an int >= 1"),
    "Vocab: max_size with no room for a word": (
        lambda: Vocab(["a"], max_size=1), ValueError, r"max_size must be an int > 1"),
    "Vocab.encode: a list of sentences": (
        lambda: Vocab(["the", "cat"]).encode([["the", "cat"]]), TypeError, r"encode one sentence at a time"),
    "Vocab.encode: one string": (
        lambda: Vocab(["the", "cat"]).encode("the cat"), TypeError, "single str"),
    "Vocab.decode: an id past the vocabulary": (
        lambda: Vocab(["a", "b"]).decode([7]), IndexError, r"ids must be in \[0, 3\), got 7"),
    "Vocab.index: an unknown word": (
        lambda: Vocab(["a", "b"]).index("zebra"), KeyError, "'zebra' is not in the vocabulary"),
    "tokenize: a list": (
        lambda: tokenize(["the cat"]), TypeError, "text must be a str, got list"),

    # planted_corpus (notebooks 02, 03)
    "planted_corpus: a size that would run for hours": (
        lambda: planted_corpus.planted_corpus(sentences_per_word=10**7), ValueError,
        r"sentences_per_word must be an int in \[1, 10000\] \(more would take over half a minute\)"),
    "planted_corpus: sentences_per_word 0": (
        lambda: planted_corpus.planted_corpus(sentences_per_word=0), ValueError, "sentences_per_word must be an int in"),
    "planted_corpus: 3 pair words": (
        lambda: planted_corpus.planted_corpus(pair_words=3), ValueError, r"pair_words must be an int in \[1, 2\]"),
    "planted_corpus: a seed as a string": (
        lambda: planted_corpus.planted_corpus(seed="0"), ValueError, "seed must be an int >= 0"),
    "planted_analogies: a capitalised relation": (
        lambda: planted_corpus.planted_analogies("Capital"), ValueError,
        "relation must be one of 'capital', 'gender', 'tense', got 'Capital'"),

    # pretrained (notebook 11): refused before any training or cache look-up
    "wikipedia_vectors: an unknown architecture": (
        lambda: pretrained.wikipedia_vectors("CBOW"), ValueError, "architecture must be one of 'cbow', 'skipgram'"),
    "wikipedia_vectors: dim 0": (
        lambda: pretrained.wikipedia_vectors(dim=0), ValueError, "dim must be an int >= 1, got 0"),
    "wikipedia_vectors: lr 0": (
        lambda: pretrained.wikipedia_vectors(lr=0), ValueError, "lr must be a finite number > 0, got 0"),
    "wikipedia_vectors: lr as a string": (
        lambda: pretrained.wikipedia_vectors(lr="0.025"), ValueError, "lr must be a finite number > 0, got '0.025'"),
    "wikipedia_vectors: a negative seed": (
        lambda: pretrained.wikipedia_vectors(seed=-1), ValueError, "seed must be an int >= 0, got -1"),
    "copy_into: NaN vectors": (
        lambda: pretrained.copy_into(torch.nn.Embedding(2, 2), ["a", "b"], np.full((1, 2), NAN), ["a"]), ValueError,
        r"vectors holds 2 NaN or inf entries \(the first at row 0\)"),
    "copy_into: words and vectors of different results": (
        lambda: pretrained.copy_into(torch.nn.Embedding(2, 2), ["a", "b"], np.ones((1, 2)), ["a", "b"]), ValueError,
        "vectors has 1 rows but words has 2 entries"),
    "copy_into: an embedding of the wrong size": (
        lambda: pretrained.copy_into(torch.nn.Embedding(3, 4), ["a", "b"], np.zeros((1, 4)), ["a"]), ValueError,
        r"embedding must be \(2, 4\)"),
}


@pytest.mark.parametrize("name", ROWS)
def test_a_learner_mistake_gets_a_clear_message(name):
    call, error, message = ROWS[name]
    with pytest.raises(error, match=message):
        call()


def test_a_single_special_string_is_one_special_token():
    vocab = Vocab(["a", "b", "<pad>", "a"], specials="<pad>")
    assert vocab.itos == ["<unk>", "<pad>", "a", "b"]
    assert vocab.itos == Vocab(["a", "b", "<pad>", "a"], specials=("<pad>",)).itos


def test_measurements_propagate_nan_rather_than_give_a_number():
    """Where a NaN goes through a measurement, the result says NaN: never a plausible number."""
    assert math.isnan(ngram.perplexity([NAN, -1.0])["perplexity"])
    assert ngram.perplexity([-math.inf, -1.0])["perplexity"] == math.inf   # a token of probability 0
    assert math.isnan(gradients.relative_error([NAN], [1.0]))
    assert math.isnan(gradients.gradient_check(lambda: 0.0, {"W": np.zeros(2)}, {"W": np.full(2, NAN)})["W"])
    assert np.isnan(gradients.numerical_gradient(lambda v: NAN, np.zeros(2))).all()
    with np.errstate(invalid="ignore"):
        loss, *grads = word2vec.negative_sampling_loss_and_grads(np.full((1, 2), NAN), np.ones((1, 2)), np.ones((1, 3, 2)))
    assert math.isnan(loss) and all(np.isnan(g).all() for g in grads)
