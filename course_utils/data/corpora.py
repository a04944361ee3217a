"""Real text that works offline: nothing here is downloaded, ever.

Word-level text comes from the test data that ships inside the installed
``gensim`` package; character-level text comes with Python itself. Tokenized
word corpora are cached under ``data/cache/`` on first use (git-ignored;
``COURSE_DATA_DIR`` moves it).
"""
import bz2
import os
import re
from pathlib import Path

from course_utils.data.text import tokenize

_WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def data_dir() -> Path:
    """Where caches live: ``$COURSE_DATA_DIR``, else the repository's ``data/``.

    For an installed (non-editable) package without a repository around it,
    ``~/.cache/rnn-course`` is used.
    """
    if os.environ.get("COURSE_DATA_DIR"):
        return Path(os.environ["COURSE_DATA_DIR"])
    repo_data = Path(__file__).resolve().parents[2] / "data"
    if repo_data.is_dir():
        return repo_data
    return Path.home() / ".cache" / "rnn-course"


def gensim_test_file(name: str) -> Path:
    """Path of a file in gensim's installed test data (e.g. ``"wordsim353.tsv"``)."""
    from gensim.test.utils import datapath

    path = Path(datapath(name))
    if not path.is_file():
        raise FileNotFoundError(f"name={name!r}: no such file in gensim's test data "
                                f"({path.parent}); is gensim 4.4 installed?")
    return path


def _cached_lines(cache_name: str, build) -> list[str]:
    """Read ``data/cache/<cache_name>``; create it with ``build()`` (a list of lines) if missing."""
    path = data_dir() / "cache" / cache_name
    if not path.is_file():
        lines = build()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)  # atomic: a half-written cache is never read
    return path.read_text(encoding="utf-8").splitlines()


def _tokenize_wikipedia() -> list[str]:
    from gensim.corpora.wikicorpus import extract_pages, filter_wiki

    lines = []
    with bz2.open(gensim_test_file(_WIKI_FILE)) as dump:
        for _title, text, _page_id in extract_pages(dump):
            if text.lstrip().lower().startswith("#redirect"):
                continue
            tokens = tokenize(filter_wiki(text))
            if tokens:
                lines.append(" ".join(tokens))
    return lines


def wikipedia_articles() -> list[list[str]]:
    """A shortened English Wikipedia dump: 106 articles, about 453 000 tokens.

    Source: gensim's test data (``enwiki-latest-pages-articles1...shortened.bz2``),
    wiki markup removed by gensim's ``filter_wiki``, tokenized by
    :func:`course_utils.data.text.tokenize` (lower case, no punctuation).
    Licence: Wikipedia text is CC BY-SA 3.0 (and GFDL).
    Returns one list of tokens per article.
    """
    return [line.split() for line in _cached_lines("enwiki_tokens.txt", _tokenize_wikipedia)]


def wikipedia_tokens() -> list[str]:
    """All tokens of :func:`wikipedia_articles`, articles concatenated in order."""
    return [tok for article in wikipedia_articles() for tok in article]


def movie_reviews() -> list[tuple[list[str], int]]:
    """200 labelled movie-review sentences: ``(tokens, label)``, label 1 = positive.

    Source: ``pang_lee_polarity.cor`` in gensim's test data, a sample of the
    sentence polarity data of Pang and Lee (2005). Tokens keep punctuation.
    """
    reviews = []
    raw = gensim_test_file("pang_lee_polarity.cor").read_bytes()
    for line in raw.decode("cp1252", errors="replace").splitlines():  # the file is Windows-1252
        if not line.strip():
            continue
        label, _, text = line.partition(" ")
        reviews.append((tokenize(text, keep_punct=True), int(label == "__label__pos")))
    return reviews


def python_docs_text() -> str:
    """About 465 000 characters of English prose and code: Python's help topics.

    Source: ``pydoc_data.topics``, which ships with every CPython (the text
    ``help("if")`` shows). Licence: PSF License. Topics are joined in sorted
    order, so the text is the same on every run of the same Python version.
    """
    from pydoc_data.topics import topics

    text = "\n".join(topics[key] for key in sorted(topics))
    return re.sub(r"[ \t]+\n", "\n", text)
