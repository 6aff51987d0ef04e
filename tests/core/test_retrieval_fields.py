"""The heading path as a field of its chunk, and BM25's length floor."""

from __future__ import annotations

import math

import pytest

from app.core import term_weights
from app.core.retrieval import METHODS, fingerprint, fit, scores, search

CHUNKS = [
    "Run the installer and pick a folder.",
    "Pick the folder again when asked.",
    "The folder can be changed later.",
]
HEADINGS = [["Guide", "Install"], ["Guide", "Upgrade"], ["Guide", "Uninstall"]]


@pytest.mark.parametrize("method", METHODS)
def test_a_heading_word_ranks_its_chunk_first(method):
    # "upgrade" is only in the second chunk's heading path.
    assert scores(fit(CHUNKS, method), "upgrade").tolist() == [0.0, 0.0, 0.0]
    ranking = search(fit(CHUNKS, method, HEADINGS), "upgrade", top_k=3)
    assert [r.index for r in ranking] == [1]


@pytest.mark.parametrize("method", METHODS)
def test_no_headings_at_all_is_the_plain_index(method):
    plain, empty = fit(CHUNKS, method), fit(CHUNKS, method, [[], [], []])
    assert (plain.weights != empty.weights).nnz == 0
    assert plain.terms.tolist() == empty.terms.tolist()


def test_heading_terms_count_with_their_weight():
    # A heading word of weight 2 counts as two more occurrences in its own chunk only.
    counts, words, terms = term_weights.count_terms(["pear plum", "fig plum"], 2, ["pear", ""], 2.0)
    column = terms.tolist().index(words["pear"])
    assert counts[:, column].toarray().ravel().tolist() == [3.0, 0.0]
    assert counts.shape[0] == 2


@pytest.mark.parametrize("method", METHODS)
def test_a_pair_never_joins_a_heading_to_its_chunk(method):
    # "upgrade run" would be a pair if the heading were glued before the chunk.
    index = fit(["run the tool", "stop the tool"], method, [["upgrade"], ["other"]])
    pair_only = scores(index, "upgrade run") - scores(index, "upgrade") - scores(index, "run")
    if method == "bm25":
        assert pair_only.tolist() == pytest.approx([0.0, 0.0])
    n = len(index.words)
    pair = n + index.words["upgrad"] * n + index.words["run"]
    assert pair not in index.terms.tolist()


def test_heading_paths_must_match_the_chunks():
    with pytest.raises(ValueError, match="2 heading paths for 3 chunks"):
        fit(CHUNKS, "bm25", HEADINGS[:2])


def test_fingerprint_tells_heading_paths_apart():
    plain = fingerprint(CHUNKS, "bm25")
    assert fingerprint(CHUNKS, "bm25", [[], [], []]) == plain
    assert fingerprint(CHUNKS, "bm25", HEADINGS) != plain
    moved = [["Guide Install"], ["Guide", "Upgrade"], ["Guide", "Uninstall"]]
    assert fingerprint(CHUNKS, "bm25", moved) != fingerprint(CHUNKS, "bm25", HEADINGS)
    assert fingerprint(CHUNKS, "bm25", HEADINGS) == fingerprint(CHUNKS, "bm25", [list(h) for h in HEADINGS])


def test_a_short_chunk_is_normalised_as_if_floored():
    # Term counts (words and pairs): 1, 7 and 7; average 5, floored at 0.75 * 5 = 3.75.
    chunks = [
        "licence",
        "the licence text says what the licence grants to you",
        "cats sit on warm mats all day long",
    ]
    index = fit(chunks, "bm25")
    lengths = [1, 7, 7]
    average = sum(lengths) / 3
    total, counts = term_weights.background()
    prior = term_weights.BACKGROUND_CHUNKS * counts["licenc"] / total
    n, df = 3 + term_weights.BACKGROUND_CHUNKS, 2 + prior
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    norm = term_weights.K1 * (1 - term_weights.B + term_weights.B * max(1, 0.75 * average) / average)
    assert scores(index, "licence")[0] == pytest.approx(idf * 1 / (1 + norm))
