from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import retrieval, term_weights
from app.core.retrieval import (
    K1,
    METHODS,
    B,
    answer,
    best_sentence,
    fingerprint,
    fit,
    rank,
    scores,
    search,
    top,
)

WORDS = ["apple", "pear", "plum", "fig", "the", "of", "5", "x", "running", "runs"]


def bm25_idf(chunks: int, df: int, stem: str) -> float:
    """BM25's idf of a word, its document frequency given the background prior."""
    total, counts = term_weights.background()
    prior = term_weights.BACKGROUND_CHUNKS * counts.get(stem, 0) / total
    n, df_ = chunks + term_weights.BACKGROUND_CHUNKS, df + prior
    return math.log(1 + (n - df_ + 0.5) / (df_ + 0.5))


def test_bm25_score_by_hand():
    # Terms are stems plus adjacent pairs: chunk 0 has 3 terms, chunk 1 has 5; average 4.
    chunks = ["apple banana", "apple cherry cherry"]
    idf = bm25_idf(2, 1, "cherri")
    norm = K1 * (1 - B + B * 5 / 4)
    assert scores(fit(chunks, "bm25"), "cherry").tolist() == pytest.approx([0.0, idf * 2 / (2 + norm)])


def test_bm25_weighs_a_word_every_text_uses_below_a_rare_one(monkeypatch):
    # "later" and "waiver" are each in one chunk of three, of equal lengths, but the
    # background collection has "later" in hundreds of chunks and "waiver" in none.
    total, counts = term_weights.background()
    assert counts["later"] > 100 and "waiver" not in counts
    chunks = ["signed waiver", "revoked later", "plain words"]
    index = fit(chunks, "bm25")
    assert scores(index, "waiver")[0] > scores(index, "later")[1] > 0
    monkeypatch.setattr(term_weights, "BACKGROUND_CHUNKS", 0.0)
    alone = fit(chunks, "bm25")
    assert scores(alone, "waiver")[0] == pytest.approx(scores(alone, "later")[1])


def test_the_prior_moves_a_large_index_little():
    # With thousands of chunks the index's own frequencies dominate the prior's 500.
    chunks = [f"{'later ' if i % 10 == 0 else ''}item {i} number {i % 7}" for i in range(5000)]
    index = fit(chunks, "bm25")
    own = math.log(1 + (5000 - 500 + 0.5) / (500 + 0.5))
    assert index.idf[index.words["later"]] == pytest.approx(own, rel=0.1)
    assert index.idf[index.words["later"]] != pytest.approx(own, rel=1e-3)


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        (["apple pie", "apple tart"], [0, 1]),
        (["apple pie", "apple tart", "plum jam"], [0, 1]),
        (["apple pie", "apple tart", "apple jam"], [0, 1, 2]),
    ],
    ids=["in-2-of-2", "in-2-of-3", "in-3-of-3"],
)
def test_bm25_idf_stays_positive_for_common_terms(chunks, expected):
    # Okapi's idf, log((N - df + 0.5) / (df + 0.5)), is 0 or negative for all of these.
    n, df = len(chunks), len(expected)
    assert math.log((n - df + 0.5) / (df + 0.5)) <= 0
    ranking = rank("apple", chunks, top_k=5, method="bm25")
    assert [r.index for r in ranking] == expected
    assert all(r.score > 0 for r in ranking)


def test_a_term_in_one_of_two_chunks_wins():
    ranking = rank("pie", ["apple pie", "apple tart"], top_k=5, method="bm25")
    assert [r.index for r in ranking] == [0]


@pytest.mark.parametrize("method", METHODS)
def test_ties_break_by_position(method):
    chunks = ["plum jam", "apple pie", "apple pie", "apple pie"]
    assert [r.index for r in rank("apple", chunks, top_k=2, method=method)] == [1, 2]


def test_top_keeps_ties_at_the_cut_in_index_order():
    values = retrieval.np.array([1.0, 2.0, 2.0, 2.0, 0.0, 3.0])
    assert [r.index for r in top(values, 3)] == [5, 1, 2]
    assert [r.index for r in top(values, 10)] == [5, 1, 2, 3, 0]


def test_tfidf_is_a_cosine():
    chunks = ["apple pie with plums", "a fig tree in the garden"]
    values = scores(fit(chunks, "tfidf"), "apple pie with plums")
    assert values[0] == pytest.approx(1.0)
    assert values[1] == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_numbers_and_one_character_tokens_match(method):
    chunks = ["Item 4 is a lamp.", "Item 5 is a chair.", "Option x is off."]
    assert rank("What is item 5?", chunks, top_k=1, method=method)[0].index == 1
    assert rank("x", chunks, top_k=1, method=method)[0].index == 2


@pytest.mark.parametrize("method", METHODS)
def test_stemming_matches_word_forms(method):
    assert [r.index for r in rank("running", ["She runs daily.", "He swims."], top_k=3, method=method)] == [0]


@pytest.mark.parametrize("method", METHODS)
def test_pairs_rank_a_phrase_above_scattered_words(method):
    chunks = ["the red house and a blue car", "a blue house and the red car"]
    assert rank("blue car", chunks, top_k=1, method=method)[0].index == 0


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("question", "chunks"),
    [
        ("the of and", ["The cat sat.", "A dog ran."]),
        ("", ["The cat sat."]),
        ("cat", []),
        ("cat", [""] * 10_000),
        ("the", [" ", "\n\n", "of the"]),
    ],
    ids=["stop-words", "empty-question", "no-chunks", "10000-empty-chunks", "blank-chunks"],
)
def test_nothing_to_match_gives_no_answer(method, question, chunks):
    index = fit(chunks, method)
    result = answer(index, question, chunks, top_k=3, min_score=0.0)
    assert (result.found, result.ranking, result.chunk_index, result.sentence) == (False, [], None, None)


def test_min_score_decides_found_but_not_the_ranking():
    chunks = ["apple pie", "plum jam"]
    index = fit(chunks, "tfidf")
    best = search(index, "apple", top_k=1)[0].score
    refused = answer(index, "apple", chunks, top_k=3, min_score=best)
    assert not refused.found and refused.score is None
    assert [r.index for r in refused.ranking] == [0]
    accepted = answer(index, "apple", chunks, top_k=3, min_score=best / 2)
    assert accepted.found and accepted.score == best and accepted.chunk_index == 0


def test_best_sentence_with_offsets_in_the_chunk():
    chunk = "Cats sleep a lot. Dogs bark at night, and dogs dig. Fish swim."
    index = fit([chunk, "unrelated words here"], "bm25")
    sentence = best_sentence(index, "Why do dogs bark?", chunk)
    assert sentence is not None
    assert (sentence.text, sentence.start, sentence.end) == ("Dogs bark at night, and dogs dig.", 18, 51)
    assert chunk[sentence.start : sentence.end] == sentence.text


def test_best_sentence_offsets_count_code_points():
    chunk = "Ünïcödé 🌍 first. The second one mentions pears."
    index = fit([chunk], "tfidf")
    sentence = best_sentence(index, "pears", chunk)
    assert sentence is not None and sentence.start == 17
    assert chunk[sentence.start : sentence.end] == "The second one mentions pears."


def test_best_sentence_prefers_the_first_of_equals():
    chunk = "Apples are red. Apples are red."
    sentence = best_sentence(fit([chunk], "bm25"), "apples", chunk)
    assert sentence is not None and sentence.start == 0


def test_answer_names_the_chunk_and_its_sentence():
    chunks = ["Plums grow on trees.", "Figs need heat. Pears keep well in a cool cellar."]
    result = answer(fit(chunks, "bm25"), "How do I store pears?", chunks, top_k=3, min_score=0.0)
    assert result.found and result.chunk_index == 1
    assert result.sentence is not None and result.sentence.text == "Pears keep well in a cool cellar."
    assert [r.index for r in result.ranking] == [1]


def test_fingerprint_tells_chunk_lists_and_methods_apart():
    assert fingerprint(["ab", "c"], "bm25") != fingerprint(["a", "bc"], "bm25")
    assert fingerprint(["ab"], "bm25") != fingerprint(["ab"], "tfidf")
    assert fingerprint(["ab"], "bm25") != fingerprint(["ab", ""], "bm25")
    assert fingerprint(["ab", "c"], "tfidf") == fingerprint(["ab", "c"], "tfidf")


@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join), max_size=12),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join),
    st.integers(1, 5),
    st.sampled_from(METHODS),
)
def test_ranking_invariants(chunks, question, top_k, method):
    ranking = rank(question, chunks, top_k=top_k, method=method)
    assert len(ranking) <= top_k
    assert all(r.score > 0 and 0 <= r.index < len(chunks) for r in ranking)
    keys = [(-r.score, r.index) for r in ranking]
    assert keys == sorted(keys)
    assert ranking == rank(question, list(chunks), top_k=top_k, method=method)
    if method == "tfidf":
        assert all(r.score <= 1 + 1e-9 for r in ranking)


@pytest.mark.parametrize("method", METHODS)
def test_pairs_never_span_two_chunks(method):
    # Words the background collection lacks, so that pear and plum weigh the same.
    values = scores(fit(["quince pear", "plum damson", "pear sloe plum"], method), "pear plum")
    assert values[0] == pytest.approx(values[1])


@pytest.mark.parametrize("method", METHODS)
def test_question_pairs_are_adjacent_words_only(method):
    index = fit(["alpha beta", "beta alpha"], method)
    adjacent = scores(index, "alpha beta")
    assert adjacent[0] > adjacent[1]
    apart = scores(index, "alpha unknownword beta")
    assert apart[0] == pytest.approx(apart[1])
