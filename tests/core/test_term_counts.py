"""Counting terms: every word and adjacent pair of each text, in sorted columns."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import term_weights
from app.core.analysis import term_ids


def _reference_counts(texts: list[str]) -> dict[tuple[int, int], int]:
    """(text, term code) → count, by counting every word and adjacent pair in plain Python."""
    words, ids, lengths = term_ids(texts)
    found: dict[tuple[int, int], int] = {}
    start = 0
    for row, length in enumerate(lengths):
        own = ids[start : start + length].tolist()
        start += length
        codes = own + [len(words) + a * len(words) + b for a, b in zip(own, own[1:], strict=False)]
        for code in codes:
            found[row, code] = found.get((row, code), 0) + 1
    return found


@settings(max_examples=40)
@given(st.lists(st.text(alphabet="abpq cd\n.-", max_size=30), max_size=6))
def test_count_terms_counts_every_word_and_pair(texts):
    counts, _, terms = term_weights.count_terms(texts, 2)
    assert terms.tolist() == sorted(set(terms.tolist()))
    coo = counts.tocoo()
    got = {(int(r), int(terms[c])): int(v) for r, c, v in zip(coo.row, coo.col, coo.data, strict=True)}
    assert got == _reference_counts(texts)
