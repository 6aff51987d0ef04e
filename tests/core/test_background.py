"""BM25's background prior: the shipped table, its lookup, and the build that writes it."""

from __future__ import annotations

import numpy as np
import pytest

from app.core import term_weights
from benchmarks.retrieval_background import check_disjoint, chunk_frequencies


def test_the_table_is_counts_of_chunks_most_common_first():
    total, counts = term_weights.background()
    values = list(counts.values())
    assert total > 5000 and len(counts) > 1000
    assert values == sorted(values, reverse=True)
    assert 0 < min(values) and max(values) < total
    # Everyday words are there; words the collection never uses are not.
    assert counts["use"] > counts["later"] > 100 and "waiver" not in counts


def test_share_is_per_word_and_nothing_for_pairs_or_unknown_words():
    total, counts = term_weights.background()
    _, words, terms = term_weights.count_terms(["use it later", "waiver"], 2)
    share = term_weights.background_share(words, terms)
    by_code = dict(zip(terms.tolist(), share.tolist(), strict=True))
    assert by_code[words["use"]] == pytest.approx(counts["use"] / total)
    assert by_code[words["later"]] == pytest.approx(counts["later"] / total)
    assert by_code[words["waiver"]] == 0.0
    pairs = terms >= len(words)
    assert pairs.any() and not share[pairs].any()


def test_the_build_refuses_a_collection_holding_a_gold_passage():
    texts = [("a", "Plain words.\nNothing to see."), ("b", "The waiver   can be\nrevoked at any time.")]
    check_disjoint(texts, ["a passage found nowhere"])
    with pytest.raises(ValueError, match="b holds a gold passage"):
        check_disjoint(texts, ["waiver can be revoked"])


def test_the_build_counts_chunks_not_occurrences():
    texts = [("a", "Pears and more pears. " * 3), ("b", "Plums only.")]
    total, df = chunk_frequencies(texts)
    assert total == 2
    assert df["pear"] == 1 and df["plum"] == 1
    assert np.all(np.array(list(df.values())) <= total)
