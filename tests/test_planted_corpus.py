"""The planted-relations corpus: deterministic, balanced, and its analogies are well formed."""

from course_utils.data import planted_corpus


def test_same_seed_same_corpus_and_other_seed_other_order():
    assert planted_corpus.planted_corpus(seed=1) == planted_corpus.planted_corpus(seed=1)
    assert planted_corpus.planted_corpus(seed=1) != planted_corpus.planted_corpus(seed=2)


def test_every_relation_word_appears_with_its_role_and_pair_words():
    sents = planted_corpus.planted_corpus(sentences_per_word=5)
    assert len(sents) == 3 * 8 * 2 * 5
    paris = [s for s in sents if "paris" in s]
    assert len(paris) == 5
    assert all({"french", "wine"} & set(s) and {"city", "capital", "streets"} & set(s) for s in paris)
    assert not any("france" in s for s in paris)  # the pair is linked only through shared words


def test_analogies():
    qs = planted_corpus.planted_analogies()
    assert len(qs) == 3 * 8 * 7 and ("france", "paris", "italy", "rome") in qs
    assert len(planted_corpus.planted_analogies("gender")) == 56
