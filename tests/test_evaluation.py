"""Evaluation of word vectors (notebook 03): neighbours, 3CosAdd with coverage, Spearman with OOV."""
import numpy as np
import pytest

from course_utils.data import corpora
from course_utils import evaluation as ev
from course_utils.ui import widgets

ITOS = ["<unk>", "man", "woman", "king", "queen", "apple"]
E = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 0, -1]], dtype=float)


def test_neighbours_and_unknown_word():
    assert ev.neighbours(E, ITOS, "king", k=2)[0][0] == "queen"
    with pytest.raises(ValueError, match="word='zebra' is not in the vocabulary"):
        ev.neighbours(E, ITOS, "zebra")


def test_three_cos_add_finds_queen_and_leaves_out_the_question_words():
    assert ev.solve_analogy(E, ITOS, "man", "woman", "king")[0][0] == "queen"
    words = [w for w, _ in ev.solve_analogy(E, ITOS, "man", "woman", "king", k=3)]
    assert not {"man", "woman", "king"} & set(words)


def test_analogy_accuracy_reports_coverage_and_restriction():
    qs = [("man", "woman", "king", "queen"), ("man", "woman", "king", "zebra"), ("woman", "man", "queen", "king")]
    r = ev.analogy_accuracy(E, ITOS, qs, restrict=None)
    assert (r["covered"], r["total"], r["correct"]) == (2, 3, 2) and r["coverage"] == pytest.approx(2 / 3)
    r4 = ev.analogy_accuracy(E, ITOS, qs, restrict=4)  # "queen" (id 4) is outside the first 4 ids
    assert r4["covered"] == 0 and np.isnan(r4["accuracy"])


def test_spearman_and_oov_rate():
    pairs = [("man", "woman", 8.0), ("king", "queen", 9.0), ("man", "apple", 1.0), ("man", "zebra", 5.0)]
    r = ev.similarity_spearman(E, ITOS, pairs)
    assert r["oov_rate"] == pytest.approx(0.25) and r["pairs_used"] == 3
    # cosines 0.71, 0.82, 0.0 rank the pairs as the humans did (8, 9, 1)
    assert r["spearman"] == pytest.approx(1.0)
    flipped = ev.similarity_spearman(E, ITOS, [("man", "woman", 9.0), ("king", "queen", 8.0), ("man", "apple", 1.0)])
    assert flipped["spearman"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="pairs is empty"):
        ev.similarity_spearman(E, ITOS, [])


def test_reading_the_gensim_test_files():
    sections = ev.read_analogies(corpora.gensim_test_file("questions-words.txt"))
    assert len(sections) == 14 and sum(map(len, sections.values())) == 19544
    assert ("athens", "greece", "baghdad", "iraq") in sections["capital-common-countries"]
    ws = ev.read_word_pairs(corpora.gensim_test_file("wordsim353.tsv"))
    sl = ev.read_word_pairs(corpora.gensim_test_file("simlex999.txt"))
    assert len(ws) == 353 and len(sl) == 999 and ws[0] == ("love", "sex", 6.77)


def test_bad_files(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("a b c d\n")
    with pytest.raises(ValueError, match="no ': section' headers"):
        ev.read_analogies(p)
    p.write_text("a b\n")
    with pytest.raises(ValueError, match="expected 'word1<TAB>word2<TAB>score'"):
        ev.read_word_pairs(p)


def test_evaluate_runs_on_random_vectors():
    itos = ["<unk>", "love", "sex", "tiger", "cat", "king", "queen", "man", "woman"]
    r = ev.evaluate(np.random.default_rng(0).normal(size=(len(itos), 5)), itos)
    assert set(r) == {"wordsim353", "simlex999", "analogies"}
    assert 0 < r["wordsim353"]["oov_rate"] < 1


def test_pca_and_explore():
    xy = ev.pca_2d(E, [1, 2, 3, 4])
    assert xy.shape == (4, 2)
    out = ev.explore(E, ITOS, "king", ("man", "woman", "king"), ["man", "queen", "zebra"], k=2)
    assert out["analogy"][0][0] == "queen" and out["missing"] == ["zebra"] and out["pca"].shape == (2, 2)
    assert "not in the vocabulary" in ev.explore(E, ITOS, "zebra", ("a", "b", "c"), [])["neighbours"]
    with pytest.raises(ValueError, match="at least 2 words"):
        ev.pca_2d(E, [1])


def test_embedding_explorer_updates_when_a_box_changes():
    box = widgets.embedding_explorer(E, ITOS, word="king", analogy=("man", "woman", "king"), words=("man", "king"))
    word_box, readout = box.children[0], box.children[3]
    before = readout.value
    assert "queen" in before
    word_box.value = "apple"
    assert readout.value != before and "apple" in readout.value


def test_pair_window_explorer_updates_on_the_slider():
    box = widgets.pair_window_explorer("the quick brown fox jumps".split(), window=1, center=2)
    win, pos = box.children[0].children
    readout = box.children[1]
    before = readout.value
    assert "<b>8</b> in the whole sentence" in before
    win.value = 2
    assert readout.value != before and "<b>14</b> in the whole sentence" in readout.value
