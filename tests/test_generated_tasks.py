"""Generated tasks of notebooks 11-13: same seed, same data; labels follow the stated rules."""
from collections import Counter

import pytest

from course_utils import classifiers
from course_utils.data import generated_tasks as T


def test_negation_sentiment_is_seeded_balanced_and_follows_the_rule():
    data = T.negation_sentiment(500, seed=3)
    assert data == T.negation_sentiment(500, seed=3) and data != T.negation_sentiment(500, seed=4)
    labels = [y for _, y in data]
    assert 0.4 < sum(labels) / len(labels) < 0.6
    assert all(T.negation_label(tokens) == y for tokens, y in data)
    assert sum("not" in tokens for tokens, _ in data) > 200  # negation is common, not a corner case


def test_word_counts_do_not_fix_the_label():
    """Counting positive words, negative words and "not" leaves many reviews undecided."""
    data = T.negation_sentiment(3000, seed=0)
    groups = {}
    for tokens, y in data:
        counts = Counter(tokens)
        key = (sum(counts[w] for w in T.POSITIVE), sum(counts[w] for w in T.NEGATIVE), counts["not"])
        groups.setdefault(key, []).append(y)
    undecided = sum(len(ys) for ys in groups.values() if 0.3 < sum(ys) / len(ys) < 0.7)
    assert undecided > 0.15 * len(data)
    same_bag = ["it was not good and it was bad".split(), "it was good and it was not bad".split()]
    assert Counter(same_bag[0]) == Counter(same_bag[1])
    assert [T.negation_label(s) for s in same_bag] == [0, 1]


def test_negation_label_by_hand_and_errors():
    assert T.negation_label("the movie was not bad at all".split()) == 1
    assert T.negation_label("the plot was good and it was not dull".split()) == 1
    assert T.negation_label("it was not good".split()) == 0
    with pytest.raises(ValueError, match="agree"):
        T.negation_label("it was good and it was bad".split())
    with pytest.raises(ValueError, match="sentiment words"):
        T.negation_label("it was".split())


@pytest.mark.parametrize("fn", [T.negation_sentiment, T.bio_tagging, T.news_tagging])
def test_counts_must_be_positive(fn):
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        fn(0)


def test_bio_tagging_tags_are_well_formed_and_ambiguous_names_take_both_types():
    data = T.bio_tagging(400, seed=1)
    assert data == T.bio_tagging(400, seed=1)
    seen = {}
    for tokens, tags in data:
        assert len(tokens) == len(tags) and set(tags) <= set(T.TAGS)
        for i, tag in enumerate(tags):
            if tag.startswith("I-"):
                assert tags[i - 1][2:] == tag[2:]  # I-X always continues an X entity
            if tag.startswith("B-") and tokens[i] in T.AMBIGUOUS:
                seen.setdefault(tokens[i], set()).add(tag)
    assert any(kinds == {"B-PER", "B-LOC"} for kinds in seen.values())


def test_news_tagging_has_four_types_long_nested_and_adjacent_entities_all_well_formed():
    data = T.news_tagging(300, seed=2)
    assert data == T.news_tagging(300, seed=2) and data != T.news_tagging(300, seed=3)
    spans, adjacent, place_inside_org = [], set(), 0
    for tokens, tags in data:
        assert len(tokens) == len(tags) and set(tags) <= set(T.NEWS_TAGS)
        for i, tag in enumerate(tags):
            if tag.startswith("I-"):
                assert i > 0 and tags[i - 1][2:] == tag[2:]  # I-X always continues an X entity
            if tag.startswith("B-") and i > 0 and tags[i - 1] != "O" and tags[i - 1][2:] != tag[2:]:
                adjacent.add((tags[i - 1][2:], tag[2:]))  # one entity ends where one of another type begins
            place_inside_org += tag == "I-ORG" and tokens[i] in {w for p in T.PLACES for w in p.split()}
        spans += [(kind, end - start) for kind, start, end in classifiers.bio_spans(tags)]
    assert {kind for kind, _ in spans} == set(T.ENTITY_TYPES)
    assert max(n for _, n in spans) >= 5 and sum(n >= 3 for _, n in spans) > 0.1 * len(spans)
    assert {("LOC", "DATE"), ("DATE", "ORG")} <= adjacent
    assert place_inside_org > 50  # "bank of lisbon": a place word tagged I-ORG
    assert not {w for p in T.AMBIGUOUS for w in p.split()} & {
        w for tokens, tags in data for w, t in zip(tokens, tags) if t == "I-ORG"}


def test_reversal_pairs_and_symbol_text():
    pairs = T.reversal_pairs(100, min_len=2, max_len=5, n_symbols=6, seed=0)
    assert all(tgt == src[::-1] and 2 <= len(src) <= 5 for src, tgt in pairs)
    assert {i for src, _ in pairs for i in src} <= set(range(T.N_SPECIALS, T.N_SPECIALS + 6))
    assert T.symbols_to_text([3, 4, T.EOS]) == "a b </s>"
    assert T.text_to_symbols("b a c") == [4, 3, 5]
    with pytest.raises(ValueError, match="letters a..c"):
        T.text_to_symbols("abz", n_symbols=3)
    with pytest.raises(ValueError, match="max_len must be >= min_len"):
        T.reversal_pairs(5, min_len=4, max_len=2)
