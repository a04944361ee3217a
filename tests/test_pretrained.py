"""Cached word2vec vectors (notebook 11): trained once per setting, read back the same, copied into a model."""
import numpy as np
import pytest
import torch

from course_utils.data import corpora, pretrained, planted_corpus
from course_utils import word2vec_torch


@pytest.fixture
def tiny_wikipedia(tmp_path, monkeypatch):
    """A scratch data folder and a planted corpus of about 7 000 tokens in place of the Wikipedia text."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    corpus = planted_corpus.planted_corpus(sentences_per_word=3)
    monkeypatch.setattr(corpora, "wikipedia_articles", lambda: corpus)
    return tmp_path


def test_trains_once_then_reads_the_cache(tiny_wikipedia, monkeypatch):
    state = torch.random.get_rng_state()
    first = pretrained.wikipedia_vectors("cbow", dim=8, epochs=1, progress=False)
    assert torch.equal(torch.random.get_rng_state(), state)   # the caller's random state is untouched
    assert first["path"] == tiny_wikipedia / "cache" / "w2v_enwiki_cbow_d8_e1_mc5_w5_k5_lr0.025_s0.npz"
    assert first["path"].is_file() and first["seconds"] > 0
    assert not list((tiny_wikipedia / "cache").glob("*.tmp*"))
    assert first["vectors"].shape == (len(first["words"]), 8) and first["vectors"].dtype == np.float32
    assert "<unk>" not in first["words"] and "the" in first["words"]

    def no_training(*args, **kwargs):
        raise AssertionError("the cached vectors should have been read, not trained again")

    monkeypatch.setattr(word2vec_torch, "train", no_training)
    again = pretrained.wikipedia_vectors("cbow", dim=8, epochs=1, progress=False)
    assert again["seconds"] == 0.0 and again["words"] == first["words"]
    np.testing.assert_array_equal(again["vectors"], first["vectors"])


def test_other_settings_get_their_own_file(tiny_wikipedia):
    cbow = pretrained.wikipedia_vectors("cbow", dim=8, epochs=1, progress=False)
    skipgram = pretrained.wikipedia_vectors("skipgram", dim=8, epochs=1, progress=False)
    assert cbow["path"] != skipgram["path"] and skipgram["path"].is_file()
    assert not np.array_equal(cbow["vectors"], skipgram["vectors"])


def test_copy_into_fills_known_words_and_keeps_the_rest():
    vectors = np.arange(6, dtype=np.float32).reshape(3, 2)
    embedding = torch.nn.Embedding(4, 2, padding_idx=0)
    before = embedding.weight.detach().clone()
    found = pretrained.copy_into(embedding, ["<pad>", "<unk>", "good", "film"], vectors, ["bad", "film", "good"])
    assert found.tolist() == [False, False, True, True]
    assert embedding.weight[2].tolist() == [4.0, 5.0] and embedding.weight[3].tolist() == [2.0, 3.0]
    assert torch.equal(embedding.weight[:2], before[:2])
