from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nltk.tokenize.texttiling import TextTilingTokenizer

from app.core.chunkers import topic
from app.core.chunkers.packing import Span
from app.core.chunkers.recursive import RecursiveChunker
from app.core.chunkers.topic import TopicChunker, segment_topics
from app.core.lexicon import stop_words
from tests.helpers import check_invariants

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
BOOK = (SAMPLES / "book.txt").read_text(encoding="utf-8")


def test_book_is_segmented_by_texttiling():
    chunks = TopicChunker(chunk_size=2000).chunk(BOOK)
    assert {c.meta["segmentation"] for c in chunks} == {"texttiling"}
    topics = [c.meta["topic"] for c in chunks]
    assert topics == sorted(topics) and topics[0] == 1 and topics[-1] > 3
    assert all(BOOK[c.start : c.end] == c.text for c in chunks)


def test_segments_end_at_paragraph_breaks():
    for span, _ in segment_topics(BOOK)[:-1]:
        assert BOOK[span.end : span.end + 2] == "\n\n" or BOOK[span.end - 1] in "\n "


def test_chunk_size_stays_a_hard_maximum_and_chunks_never_span_topics():
    chunks = TopicChunker(chunk_size=300, chunk_overlap=60).chunk(BOOK)
    assert all(len(c.text) <= 300 for c in chunks)
    segments = {n + 1: span for n, (span, _) in enumerate(segment_topics(BOOK))}
    for c in chunks:
        span = segments[c.meta["topic"]]
        assert span.start <= c.start and c.end <= span.end


def test_linear_block_comparison_matches_nltk():
    ours = topic._LinearTextTiling(stopwords=stop_words()).tokenize(BOOK)
    nltk_own = TextTilingTokenizer(stopwords=stop_words()).tokenize(BOOK)
    assert ours == nltk_own
    text = "\n\n".join(BOOK.split("\n\n")[::-1]) * 3
    assert topic._LinearTextTiling(stopwords=stop_words()).tokenize(text) == TextTilingTokenizer(
        stopwords=stop_words()
    ).tokenize(text)


@pytest.mark.parametrize(
    "text",
    [
        "One paragraph with no breaks at all, just a run of words. " * 30,
        "Short first paragraph.\n\nShort second paragraph.",
        "日本語の段落です。\n\n二つ目の段落です。\n\n" * 20,
        "1234 5678\n\n" * 200,
    ],
    ids=["no-paragraphs", "too-short", "no-latin-words", "only-digits"],
)
def test_fallback_is_recursive_and_reported(text):
    chunks = TopicChunker(chunk_size=200).chunk(text)
    assert chunks and {c.meta["segmentation"] for c in chunks} == {"recursive"}
    assert [c.text for c in chunks] == [c.text for c in RecursiveChunker(chunk_size=200).chunk(text)]


def test_texttiling_error_falls_back(monkeypatch):
    def refuse(self, text):
        raise ValueError("No paragraph breaks were found(text too short perhaps?)")

    monkeypatch.setattr(topic._LinearTextTiling, "tokenize", refuse)
    chunks = TopicChunker(chunk_size=2000).chunk(BOOK)
    assert {c.meta["segmentation"] for c in chunks} == {"recursive"}
    assert {c.meta["topic"] for c in chunks} == {1}


def test_windows_hold_whole_paragraphs_within_the_bound(monkeypatch):
    monkeypatch.setattr(topic, "WINDOW_CHARS", 100)
    paragraphs = [Span(0, 40), Span(42, 90), Span(92, 120), Span(122, 300), Span(302, 310)]
    windows = [list(w) for w in topic._windows(paragraphs)]
    assert windows == [paragraphs[0:2], paragraphs[2:3], paragraphs[3:4], paragraphs[4:5]]


def test_long_text_is_tiled_window_by_window(monkeypatch):
    monkeypatch.setattr(topic, "WINDOW_CHARS", 2000)
    segments = segment_topics(BOOK)
    assert all(span.end - span.start <= 2000 for span, method in segments if method == "texttiling")
    assert sum(1 for _, method in segments if method == "texttiling") > 3


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_blank_text_gives_no_chunks(text):
    assert TopicChunker().chunk(text) == []


WORDS = st.sampled_from(
    ["bees", "hive", "queen", "stone", "wall", "bread", "rye", "star", "the", "and", "é", "🌍", "x."]
)
SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "\n\n\n"])


@given(
    parts=st.lists(st.tuples(WORDS, SEPARATORS), max_size=400),
    size=st.integers(1, 400),
    overlap=st.integers(0, 100),
)
def test_topic_never_raises_and_keeps_the_invariants(parts, size, overlap):
    text = "".join(w + s for w, s in parts)
    options = {"chunk_size": size, "chunk_overlap": min(overlap, size - 1)}
    chunks = TopicChunker(**options).chunk(text)
    check_invariants("topic", text, chunks, options)
    assert {c.meta["segmentation"] for c in chunks} <= {"texttiling", "recursive"}
    topics = [c.meta["topic"] for c in chunks]
    assert topics == sorted(topics)
