import numpy as np
import pytest

from course_utils.data.text import Vocab, tokenize


def test_tokenize_lowercases_and_drops_punctuation():
    assert tokenize("The quick brown Fox, it's 42!") == ["the", "quick", "brown", "fox", "it's", "42"]


def test_tokenize_can_keep_punctuation_and_case():
    assert tokenize("Not bad, at all.", keep_punct=True) == ["not", "bad", ",", "at", "all", "."]
    assert tokenize("Not Bad", lower=False) == ["Not", "Bad"]


def test_vocab_orders_by_count_then_alphabet():
    v = Vocab("b a c a b a d".split())
    assert v.itos == ["<unk>", "a", "b", "c", "d"]
    assert v.counts.tolist() == [0, 3, 2, 1, 1]
    assert len(v) == 5 and "a" in v and "z" not in v


def test_vocab_min_count_max_size_and_unk_counts():
    v = Vocab("b a c a b a d".split(), min_count=2)
    assert v.itos == ["<unk>", "a", "b"]
    assert v.counts[0] == 2  # c and d became <unk>
    w = Vocab("b a c a b a d".split(), max_size=2)
    assert w.itos == ["<unk>", "a"]


def test_vocab_encode_decode_round_trip():
    v = Vocab("the cat sat on the mat".split(), specials=("<pad>",))
    ids = v.encode("the dog sat".split())
    assert ids.dtype == np.int64 and ids[1] == 0
    assert v.decode(ids) == ["the", "<unk>", "sat"]
    assert v.index("<pad>") == 1


def test_vocab_with_a_pad_keeps_id_0_for_it_and_gives_unk_id_1():
    v = Vocab("b a c a b a d".split(), min_count=2, pad=True)
    assert v.itos == ["<pad>", "<unk>", "a", "b"]
    assert (v.pad_id, v.unk_id) == (0, 1)
    assert v.counts.tolist() == [0, 2, 3, 2]
    assert v.encode("a z".split()).tolist() == [2, 1]
    assert repr(v) == "Vocab(size=4, most frequent: a, b, ...)"
    assert Vocab(["a"]).pad_id is None and Vocab(["a"]).unk_id == 0
    with pytest.raises(ValueError, match=r"max_size must be an int > 2 \(room for <pad>, <unk>"):
        Vocab(["a"], max_size=2, pad=True)
