import pytest

from course_utils.data import corpora


def test_wikipedia_is_real_and_cached():
    articles = corpora.wikipedia_articles()
    assert len(articles) == 106
    n = sum(map(len, articles))
    assert 400_000 < n < 600_000
    assert (corpora.data_dir() / "cache" / "enwiki_tokens.txt").is_file()
    tokens = corpora.wikipedia_tokens()
    assert len(tokens) == n and tokens[:1] == articles[0][:1]
    assert {"the", "of", "france", "january"} <= set(tokens)


def test_cache_dir_can_be_moved(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert corpora.data_dir() == tmp_path


def test_movie_reviews_are_labelled():
    reviews = corpora.movie_reviews()
    assert len(reviews) == 200
    assert {label for _, label in reviews} == {0, 1}
    assert all(tokens for tokens, _ in reviews)


def test_python_docs_text():
    text = corpora.python_docs_text()
    assert len(text) > 300_000 and "while" in text
    assert text == corpora.python_docs_text()


def test_missing_gensim_file_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="name='nope.txt'"):
        corpora.gensim_test_file("nope.txt")
