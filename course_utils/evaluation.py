"""Judging word vectors: neighbours, analogies (3CosAdd) and similarity correlations.

Taught in notebook 03 (and used on the toy corpus of notebook 02). Every score
comes with its coverage: how many test items the vocabulary could answer.
The test sets are read from gensim's installed test data, never downloaded
(``corpora.gensim_test_file``).
"""
import numpy as np
from scipy.stats import spearmanr

from course_utils import embeddings
from course_utils.checks.arguments import finite_array, positive_int


def _table(E, itos) -> np.ndarray:
    """``E`` as a float64 array after checking it has one finite row per word of ``itos``."""
    E = finite_array("E", E, ndim=2, what="(len(itos), dim)")
    if isinstance(itos, str) or len(E) != len(itos):
        raise ValueError(f"E has {len(E)} rows but itos has {len(itos)} entries: "
                         f"both must come from one vocabulary (row i is the vector of itos[i])")
    return E


def _restrict(restrict, minimum: int = 1):
    if restrict is None:
        return None
    return positive_int("restrict", restrict, minimum=minimum, hint="or None: search every word")


def _stoi_of(itos) -> dict:
    return {w: i for i, w in enumerate(itos)}


def _known(name: str, word, stoi: dict) -> None:
    if word not in stoi:
        raise ValueError(f"{name}={word!r} is not in the vocabulary ({len(stoi)} words)")


def neighbours(E, itos, word: str, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` words whose rows of ``E`` (shape ``(V, d)``) are most cosine-similar to ``word``.

    Returns ``[(word, cosine), ...]`` best first; a ``ValueError`` naming the
    word if it is not in ``itos``.
    """
    E = _table(E, itos)
    stoi = _stoi_of(itos)
    _known("word", word, stoi)
    return [(itos[i], c) for i, c in embeddings.nearest_neighbours(E, stoi[word], k)]


def read_analogies(path) -> dict[str, list[tuple[str, str, str, str]]]:
    """Google's analogy file (``questions-words.txt``): ``{section: [(a, b, c, d), ...]}``, lower case."""
    sections: dict[str, list] = {}
    current = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            if line.startswith(":"):
                current = line[1:].strip()
                sections[current] = []
            elif current is not None:
                words = tuple(line.lower().split())
                if len(words) == 4:
                    sections[current].append(words)
    if not sections:
        raise ValueError(f"path={str(path)!r} holds no ': section' headers; is it questions-words.txt?")
    return sections


def solve_analogy(E, itos, a: str, b: str, c: str, k: int = 1, restrict: int | None = None):
    """3CosAdd: the words ``d`` maximising ``cos(d, b - a + c)`` ("a is to b as c is to d").

    Rows of ``E`` are normalised first; ``a``, ``b`` and ``c`` themselves are
    excluded; ``restrict`` keeps only the first ``restrict`` ids (the most
    frequent words). Returns ``[(word, cosine), ...]``, ``k`` of them.
    """
    E = _table(E, itos)
    k = positive_int("k", k)
    restrict = _restrict(restrict)
    stoi = _stoi_of(itos)
    for name, w in {"a": a, "b": b, "c": c}.items():
        _known(name, w, stoi)
    n = len(itos) if restrict is None else min(restrict, len(itos))
    U = embeddings.unit_rows(E)
    target = U[stoi[b]] - U[stoi[a]] + U[stoi[c]]
    sims = U[:n] @ target / max(np.linalg.norm(target), 1e-12)
    for w in (a, b, c):
        if stoi[w] < n:
            sims[stoi[w]] = -np.inf
    best = np.argsort(-sims, kind="stable")[:k]
    return [(itos[i], float(sims[i])) for i in best]


def analogy_accuracy(E, itos, questions, restrict: int | None = 30_000, batch: int = 512) -> dict:
    """Accuracy of 3CosAdd on analogy ``questions`` ``[(a, b, c, d), ...]``, with the coverage said.

    A question counts only when all four words are among the first
    ``restrict`` ids (word2vec's and gensim's convention: the answer is
    searched among the most frequent words only). Returns ``{"accuracy"`` (over
    the covered questions, nan if none), ``"correct"``, ``"covered"``,
    ``"total"``, ``"coverage"}``.
    """
    E = _table(E, itos)
    restrict = _restrict(restrict, minimum=4)
    questions = list(questions)
    stoi = _stoi_of(itos)
    n = len(itos) if restrict is None else min(restrict, len(itos))
    usable = [q for q in questions if all(w in stoi and stoi[w] < n for w in q)]
    U = embeddings.unit_rows(E)[:n]
    correct = 0
    for start in range(0, len(usable), batch):
        ids = np.array([[stoi[w] for w in q] for q in usable[start:start + batch]])
        target = U[ids[:, 1]] - U[ids[:, 0]] + U[ids[:, 2]]
        sims = target @ U.T
        rows = np.arange(len(ids))[:, None]
        sims[rows, ids[:, :3]] = -np.inf        # the question words are not answers
        correct += int((sims.argmax(axis=1) == ids[:, 3]).sum())
    total = len(questions)
    return {"accuracy": correct / len(usable) if usable else float("nan"),
            "correct": correct, "covered": len(usable), "total": total,
            "coverage": len(usable) / total if total else float("nan")}


def read_word_pairs(path) -> list[tuple[str, str, float]]:
    """A similarity file (``wordsim353.tsv``, ``simlex999.txt``): ``[(w1, w2, human score), ...]``.

    Lines starting with ``#`` are comments; fields are tab-separated.
    """
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 3:
                raise ValueError(f"path={str(path)!r}: expected 'word1<TAB>word2<TAB>score', got {line!r}")
            pairs.append((fields[0].lower(), fields[1].lower(), float(fields[2])))
    return pairs


def similarity_spearman(E, itos, pairs) -> dict:
    """Spearman correlation between cosines of ``E`` and human scores, on the pairs the vocabulary covers.

    pairs: ``[(w1, w2, score), ...]``. Returns ``{"spearman", "pairs_used",
    "pairs_total", "oov_rate"}``; ``oov_rate`` is the share of pairs left out
    because a word is missing (gensim's ``evaluate_word_pairs`` convention).
    """
    E = _table(E, itos)
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs is empty: expected [(word1, word2, score), ...]")
    stoi = _stoi_of(itos)
    U = embeddings.unit_rows(E)
    used = [(stoi[a], stoi[b], s) for a, b, s in pairs if a in stoi and b in stoi]
    if len(used) < 3:
        rho = float("nan")
    else:
        i, j, human = (np.array(x) for x in zip(*used))
        rho = float(spearmanr((U[i] * U[j]).sum(axis=1), human).statistic)
    return {"spearman": rho, "pairs_used": len(used), "pairs_total": len(pairs),
            "oov_rate": 1 - len(used) / len(pairs)}


def evaluate(E, itos, restrict: int | None = 30_000) -> dict:
    """WordSim353 and SimLex-999 Spearman and Google analogy accuracy of ``E`` in one dict.

    Reads the three files from gensim's installed test data. Returns
    ``{"wordsim353": {...}, "simlex999": {...}, "analogies": {...}}`` with
    the dicts of :func:`similarity_spearman` and :func:`analogy_accuracy`.
    """
    from course_utils.data.corpora import gensim_test_file

    questions = [q for qs in read_analogies(gensim_test_file("questions-words.txt")).values() for q in qs]
    return {
        "wordsim353": similarity_spearman(E, itos, read_word_pairs(gensim_test_file("wordsim353.tsv"))),
        "simlex999": similarity_spearman(E, itos, read_word_pairs(gensim_test_file("simlex999.txt"))),
        "analogies": analogy_accuracy(E, itos, questions, restrict=restrict),
    }


def pca_2d(E, ids) -> np.ndarray:
    """2-D coordinates of the rows ``ids`` of ``E``: projection on their top two principal axes.

    Returns shape ``(len(ids), 2)``. Needs at least two words.
    """
    E = finite_array("E", E, ndim=2, what="(vocab_size, dim)")
    ids = np.asarray(ids, dtype=np.int64)
    if ids.ndim != 1 or len(ids) < 2:
        raise ValueError(f"ids must list at least 2 words, got {ids.tolist()}")
    X = E[ids] - E[ids].mean(axis=0)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    return X @ Vt[:2].T if Vt.shape[0] >= 2 else np.c_[X @ Vt[:1].T, np.zeros(len(ids))]


def explore(E, itos, word: str, analogy: tuple[str, str, str], words, k: int = 8) -> dict:
    """What the embedding explorer of notebook 03 shows, as numbers.

    Returns ``{"neighbours": [(word, cos), ...] or an error string,
    "analogy": [(word, cos), ...] or an error string, "pca_words": [...],
    "pca": (n, 2) array, "missing": words not in the vocabulary}``.
    """
    E = _table(E, itos)
    stoi = _stoi_of(itos)
    out = {}
    try:
        out["neighbours"] = neighbours(E, itos, word.strip().lower(), min(k, len(itos) - 1))
    except ValueError as err:
        out["neighbours"] = str(err)
    a, b, c = (w.strip().lower() for w in analogy)
    try:
        out["analogy"] = solve_analogy(E, itos, a, b, c, k=3)
    except ValueError as err:
        out["analogy"] = str(err)
    wanted = [w.strip().lower() for w in words if w.strip()]
    out["pca_words"] = [w for w in wanted if w in stoi]
    out["missing"] = [w for w in wanted if w not in stoi]
    out["pca"] = (pca_2d(E, [stoi[w] for w in out["pca_words"]]) if len(out["pca_words"]) >= 2
                  else np.zeros((len(out["pca_words"]), 2)))
    return out
