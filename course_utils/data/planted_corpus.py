"""A generated corpus with planted relations, on which analogies work by construction.

Used in notebooks 02 and 03. Three relations, each a list of word pairs
``(a, b)``: countries and their capitals, male and female words, and verbs in
the "-ing" form and the past tense. Every word appears in sentences that
carry two signals:

- its *role* (country or capital city, he or she, now or yesterday), through
  words shared by every member of that side of the relation;
- its *pair* (what ``france`` and ``paris`` have in common), through words
  that only that pair uses (``french``, ``wine``).

So a word's contexts are "role words + pair words", and a model that learns
from contexts can give ``paris - france + italy`` the role of a capital and
the pair of italy: ``rome``. Nothing is random except the choice and order
of the filler, which a seed fixes.
"""
import numpy as np

from course_utils.checks.arguments import choice, positive_int

# relation -> [(a, b, [words only this pair uses]), ...]
RELATIONS = {
    "capital": [
        ("france", "paris", ["french", "wine"]),
        ("germany", "berlin", ["german", "beer"]),
        ("italy", "rome", ["italian", "pasta"]),
        ("spain", "madrid", ["spanish", "paella"]),
        ("japan", "tokyo", ["japanese", "sushi"]),
        ("russia", "moscow", ["russian", "vodka"]),
        ("egypt", "cairo", ["egyptian", "pyramids"]),
        ("greece", "athens", ["greek", "olives"]),
    ],
    "gender": [
        ("king", "queen", ["throne", "crown"]),
        ("prince", "princess", ["castle", "knight"]),
        ("father", "mother", ["parent", "household"]),
        ("son", "daughter", ["child", "school"]),
        ("brother", "sister", ["sibling", "games"]),
        ("uncle", "aunt", ["cousins", "visits"]),
        ("husband", "wife", ["marriage", "wedding"]),
        ("actor", "actress", ["film", "stage"]),
    ],
    "tense": [
        ("walking", "walked", ["street", "shoes"]),
        ("swimming", "swam", ["pool", "water"]),
        ("running", "ran", ["track", "race"]),
        ("eating", "ate", ["dinner", "bread"]),
        ("singing", "sang", ["song", "choir"]),
        ("writing", "wrote", ["letter", "pen"]),
        ("reading", "read", ["book", "page"]),
        ("driving", "drove", ["car", "road"]),
    ],
}

# relation -> (words of side a, words of side b)
ROLE_WORDS = {
    "capital": (["country", "nation", "border"], ["city", "capital", "streets"]),
    "gender": (["he", "his", "him"], ["she", "her", "hers"]),
    "tense": (["now", "today", "currently"], ["yesterday", "ago", "earlier"]),
}

FILLER = ["the", "a", "of", "and", "is", "in", "with"]


def planted_corpus(sentences_per_word: int = 60, role_words: int = 2, pair_words: int = 2,
                   filler_words: int = 2, seed: int = 0) -> list[list[str]]:
    """Sentences (lists of tokens) in which every relation word carries its role and its pair.

    Each sentence holds one relation word, ``role_words`` words of its side,
    ``pair_words`` words of its pair and ``filler_words`` common words, in a
    random order. ``sentences_per_word`` sentences per relation word: the
    default gives 2 880 sentences, about 20 000 tokens.
    """
    # about 80 microseconds a sentence, 48 relation words: 10 000 per word take about 40 s
    sentences_per_word = positive_int("sentences_per_word", sentences_per_word, maximum=10_000,
                                      hint="more would take over half a minute")
    role_words = positive_int("role_words", role_words, maximum=3, hint="each side has 3 role words")
    pair_words = positive_int("pair_words", pair_words, maximum=2, hint="each pair has 2 words of its own")
    filler_words = positive_int("filler_words", filler_words, minimum=0)
    seed = positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    sentences = []
    for relation, pairs in RELATIONS.items():
        for a, b, own in pairs:
            for side, word in enumerate((a, b)):
                roles = ROLE_WORDS[relation][side]
                for _ in range(sentences_per_word):
                    words = [word]
                    words += list(rng.choice(roles, size=role_words, replace=False))
                    words += list(rng.choice(own, size=pair_words, replace=False))
                    words += list(rng.choice(FILLER, size=filler_words))
                    sentences.append([str(w) for w in rng.permutation(words)])
    order = rng.permutation(len(sentences))
    return [sentences[i] for i in order]


def planted_analogies(relation: str | None = None) -> list[tuple[str, str, str, str]]:
    """Questions ``(a, b, c, d)`` meaning "a is to b as c is to d", e.g. ``(france, paris, italy, rome)``.

    All ordered pairs of different pairs within each relation (or only
    ``relation``): 3 x 8 x 7 = 168 questions.
    """
    if relation is not None:
        choice("relation", relation, sorted(RELATIONS))
    names = [relation] if relation else list(RELATIONS)
    return [(a1, b1, a2, b2) for name in names
            for a1, b1, _ in RELATIONS[name] for a2, b2, _ in RELATIONS[name] if a1 != a2]
