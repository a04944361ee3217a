"""Generated tasks, the same from the same seed (notebooks 08, 09, 11, 12 and 13).

- :func:`adding_problem`: the long-range regression task of notebooks 08 and 09.

- :func:`negation_sentiment`: short reviews whose label depends on word order
  ("not good" is negative, "not bad at all" is positive); many pairs of
  sentences share the same bag of words and have opposite labels.
- :func:`bio_tagging`: sentences with person and place names tagged
  B-PER / I-PER / B-LOC / I-LOC / O; some names ("jordan", "paris") are a
  person in one sentence and a place in another, so the tag needs context.
- :func:`news_tagging`: the same with four entity types (persons, places, organisations,
  dates), long entities, places inside organisation names and entities side by side
  (notebook 12's CRF).
- :func:`reversal_pairs`: reverse a sequence of symbols, for the encoder-decoder.
"""
import numpy as np
import torch

from course_utils.checks.arguments import int_ids, positive_int

ADDING_BASELINE_MSE = 1 / 6  # Var(u_1 + u_2) for two independent U[0, 1] values
MAX_ADDING_VALUES = 5 * 10 ** 7  # n x length: ~40 bytes each while building, ~2 GB in all


def adding_problem(n: int, length: int, seed: int = 0):
    """The adding problem (Hochreiter & Schmidhuber 1997; the form of Le et al. 2015).

    Each sequence has ``length`` steps of two features: a value drawn from
    U[0, 1] and a marker that is 1 at exactly two steps, one in the first half
    and one in the second half. The target is the sum of the two marked values.

    Returns ``(x, y)``: float32 tensors of shapes ``(n, length, 2)`` and ``(n,)``.
    Always predicting 1 (the mean) gives MSE = 1/6 = 0.167
    (``ADDING_BASELINE_MSE``): the trivial baseline a model must beat.
    """
    n = positive_int("n", n)
    length = positive_int("length", length, minimum=2, maximum=max(2, MAX_ADDING_VALUES // n),
                          hint=f"n x length values take ~40 bytes each; at most {MAX_ADDING_VALUES:.0e} of them")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=2).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y)


POSITIVE = ("good", "great", "fine", "excellent", "fun", "clever")
NEGATIVE = ("bad", "awful", "poor", "boring", "dull", "weak")
SUBJECTS = ("the movie", "the film", "the plot", "the acting", "the ending", "the script",
            "the story of the film", "the music in this movie", "it")
VERBS = ("was", "is", "seemed", "felt")
INTENSIFIERS = ("", "", "really", "very", "quite")
OPENERS = ("", "", "", "honestly ,", "i think", "to be fair ,", "overall ,", "in my opinion")
LINKS = ("and", ", and", "; also", ". also")


def _clause(rng, label: int, subject: str | None = None) -> list[str]:
    negated = bool(rng.integers(2))
    # the clause must say `label`: a positive word unless it is negated
    adjective = rng.choice(POSITIVE if (label == 1) != negated else NEGATIVE)
    words = (subject or rng.choice(SUBJECTS)).split() + [rng.choice(VERBS)]
    if negated:
        words.append("not")
    words += rng.choice(INTENSIFIERS).split() + [adjective]
    if negated and rng.random() < 0.4:
        words += ["at", "all"]
    return words


def negation_sentiment(n: int, seed: int = 0, max_clauses: int = 2) -> list[tuple[list[str], int]]:
    """``n`` generated reviews ``(tokens, label)`` with label 1 = positive, balanced at random.

    Each review has 1..``max_clauses`` clauses that all say the same thing;
    a clause is negative when it holds a negative word, or a negated positive one.
    """
    n = positive_int("n", n)
    max_clauses = positive_int("max_clauses", max_clauses)
    rng = np.random.default_rng(seed)
    data = []
    for _ in range(n):
        label = int(rng.integers(2))
        words = rng.choice(OPENERS).split() + _clause(rng, label)
        for _ in range(int(rng.integers(max_clauses))):
            words += rng.choice(LINKS).split() + _clause(rng, label, subject=rng.choice(["it", None]))
        data.append((words, label))
    return data


def negation_label(tokens) -> int:
    """The label of a review by the rule the generator uses: each sentiment word, flipped by a
    preceding "not" in its clause. A ``ValueError`` if there is no sentiment word or the clauses disagree."""
    votes, negated = set(), False
    for word in tokens:
        if word == "not":
            negated = True
        elif word in POSITIVE or word in NEGATIVE:
            votes.add(int((word in POSITIVE) != negated))
            negated = False
    if len(votes) != 1:
        raise ValueError(f"tokens must hold sentiment words that agree, got votes {sorted(votes)} "
                         f"for {' '.join(tokens)!r}")
    return votes.pop()


# ---------------------------------------------------------------- B-I-O tagging
TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC")
FIRST_NAMES = ("anna", "tom", "maria", "lee", "omar", "sofia", "jordan", "paris", "chad", "georgia")
SURNAMES = ("smith", "garcia", "chen", "novak", "okafor", "berg")
PLACES = ("london", "lisbon", "new york", "san francisco", "cairo", "oslo", "rio de janeiro",
          "jordan", "paris", "chad", "georgia")
AMBIGUOUS = tuple(sorted(set(FIRST_NAMES) & set(PLACES)))
TEMPLATES = (
    "PER flew to LOC on monday",
    "PER met PER in LOC",
    "we drove from LOC to LOC",
    "PER said that LOC is lovely",
    "yesterday PER visited LOC",
    "LOC welcomed PER last week",
    "PER lives in LOC with PER",
    "the train from LOC was late , said PER",
    "LOC is far from LOC",
    "PER called PER",
)


def _entity(rng, kind: str) -> list[str]:
    if kind == "PER":
        words = [rng.choice(FIRST_NAMES)] + ([rng.choice(SURNAMES)] if rng.random() < 0.5 else [])
    else:
        words = rng.choice(PLACES).split()
    return words


def bio_tagging(n: int, seed: int = 0) -> list[tuple[list[str], list[str]]]:
    """``n`` generated sentences ``(tokens, tags)`` with B-I-O tags for persons and places."""
    return _fill_templates(n, seed, TEMPLATES, ("PER", "LOC"), _entity)


def _fill_templates(n: int, seed: int, templates, kinds, entity) -> list[tuple[list[str], list[str]]]:
    """``n`` sentences from ``templates``: each slot in ``kinds`` becomes ``entity(rng, kind)`` with B-/I- tags."""
    n = positive_int("n", n)
    rng = np.random.default_rng(seed)
    data = []
    for _ in range(n):
        tokens, tags = [], []
        for slot in rng.choice(templates).split():
            if slot in kinds:
                words = entity(rng, slot)
                tokens += words
                tags += [f"B-{slot}"] + [f"I-{slot}"] * (len(words) - 1)
            else:
                tokens.append(slot)
                tags.append("O")
        data.append((tokens, tags))
    return data


# ---------------------------------------------------------------- four entity types (the CRF of notebook 12)
ENTITY_TYPES = ("PER", "LOC", "ORG", "DATE")
NEWS_TAGS = ("O",) + tuple(f"{part}-{kind}" for kind in ENTITY_TYPES for part in ("B", "I"))
# organisations named after places and people: inside them a place word is tagged I-ORG, not LOC
ORGANISATIONS = ("bank of LOC", "university of LOC", "LOC football club", "the LOC times", "SUR and SUR",
                 "SUR motors")
ORG_PLACES = tuple(p for p in PLACES if p not in AMBIGUOUS)  # "bank of jordan" would need a second reading
MONTHS = ("january", "march", "may", "june", "august", "october")
DAYS = ("1", "3", "9", "12", "21", "30")
YEARS = ("1999", "2004", "2015", "2023")
NEWS_TEMPLATES = (
    "LOC DATE : ORG hired PER",          # a dateline: a place and a date side by side
    "LOC DATE : PER said that ORG will open in LOC",
    "PER of ORG met PER in LOC on DATE",
    "on DATE ORG beat ORG in LOC",
    "ORG hired PER on DATE",
    "PER flew from LOC to LOC on DATE",
    "PER left ORG for ORG",
    "DATE : PER visited ORG in LOC",
)


def _news_entity(rng, kind: str) -> list[str]:
    if kind in ("PER", "LOC"):
        return _entity(rng, kind)
    if kind == "DATE":
        return [rng.choice(MONTHS), rng.choice(DAYS)] + ([rng.choice(YEARS)] if rng.random() < 0.5 else [])
    words = []
    for word in rng.choice(ORGANISATIONS).split():
        if word == "LOC":
            words += rng.choice(ORG_PLACES).split()
        else:
            words.append(rng.choice(SURNAMES) if word == "SUR" else word)
    return words


def news_tagging(n: int, seed: int = 0) -> list[tuple[list[str], list[str]]]:
    """``n`` generated news sentences ``(tokens, tags)`` with B-I-O tags of four types (``NEWS_TAGS``).

    Persons, places, organisations and dates: entities run to five tokens, organisations
    are named after places and persons ("bank of new york", "lisbon football club",
    "garcia and chen"), and some sentences open with a place and a date side by side.
    """
    return _fill_templates(n, seed, NEWS_TEMPLATES, ENTITY_TYPES, _news_entity)


# ---------------------------------------------------------------- seq2seq
PAD, BOS, EOS = 0, 1, 2
N_SPECIALS = 3


def reversal_pairs(n: int, min_len: int = 1, max_len: int = 10, n_symbols: int = 10,
                   seed: int = 0) -> list[tuple[list[int], list[int]]]:
    """``n`` pairs ``(source, target)``: a random sequence of symbol ids and the same reversed.

    Symbol ids are ``N_SPECIALS .. N_SPECIALS + n_symbols - 1`` (0, 1, 2 are PAD, BOS, EOS);
    lengths are uniform in ``[min_len, max_len]``. The target carries no BOS/EOS; the model adds them.
    """
    n = positive_int("n", n)
    min_len, max_len = positive_int("min_len", min_len), positive_int("max_len", max_len)
    n_symbols = positive_int("n_symbols", n_symbols)
    if max_len < min_len:
        raise ValueError(f"max_len must be >= min_len={min_len}, got {max_len}")
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(n):
        src = (rng.integers(n_symbols, size=int(rng.integers(min_len, max_len + 1))) + N_SPECIALS).tolist()
        pairs.append((src, src[::-1]))
    return pairs


def symbols_to_text(ids) -> str:
    """Show symbol ids as letters (``3 -> 'a'``), specials as ``<pad> <s> </s>``."""
    if isinstance(ids, str):
        raise ValueError(f"ids must be a list of symbol ids, got the string {ids!r}: "
                         "text_to_symbols turns letters into ids")
    ids = int_ids(ids, hint="a list of symbol ids")
    if ids.size and ids.min() < 0:
        raise ValueError(f"ids must be >= 0, got {int(ids.min())}")
    names = {PAD: "<pad>", BOS: "<s>", EOS: "</s>"}
    return " ".join(names.get(int(i), chr(ord("a") + int(i) - N_SPECIALS)) for i in ids)


def text_to_symbols(text: str, n_symbols: int = 10) -> list[int]:
    """Inverse of :func:`symbols_to_text` for letters: ``'c a b' -> [5, 3, 4]``; spaces optional."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string of letters such as 'c a b', got {type(text).__name__}")
    letters = [c for c in text.lower() if not c.isspace()]
    ids = [ord(c) - ord("a") + N_SPECIALS for c in letters]
    bad = [c for c, i in zip(letters, ids) if not N_SPECIALS <= i < N_SPECIALS + n_symbols]
    if bad or not ids:
        last = chr(ord("a") + n_symbols - 1)
        raise ValueError(f"text must be letters a..{last}, got {text!r}")
    return ids
