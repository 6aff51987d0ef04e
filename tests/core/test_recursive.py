from __future__ import annotations

from app.core.chunkers.packing import Sizer
from app.core.chunkers.recursive import SEPARATORS, RecursiveChunker, split_at


def texts(chunks):
    return [c.text for c in chunks]


def test_fitting_text_is_one_chunk():
    text = "  One short paragraph.  "
    chunks = RecursiveChunker(chunk_size=100).chunk(text)
    assert [(c.start, c.end) for c in chunks] == [(2, 22)]


def test_paragraphs_are_packed_then_split():
    text = "First para.\n\nSecond para.\n\nThird one here."
    assert texts(RecursiveChunker(chunk_size=26).chunk(text)) == [
        "First para.\n\nSecond para.",
        "Third one here.",
    ]


def test_lines_then_sentences_then_words():
    text = "Hello world. This is a test.\n\nSecond para here, with more words. And more!\nLine two."
    assert texts(RecursiveChunker(chunk_size=30).chunk(text)) == [
        "Hello world. This is a test.",
        "Second para here, with more",
        "words. And more!\nLine two.",
    ]


def test_sentence_separator_keeps_closing_quote_with_sentence():
    text = 'He said "stop." Then he left. She stayed.'
    assert texts(RecursiveChunker(chunk_size=20).chunk(text)) == [
        'He said "stop."',
        "Then he left.",
        "She stayed.",
    ]


def test_cjk_full_stop_needs_no_space():
    text = "今日は晴れです。明日は雨です。"
    assert texts(RecursiveChunker(chunk_size=9).chunk(text)) == ["今日は晴れです。", "明日は雨です。"]


def test_hard_cut_without_any_separator():
    chunks = RecursiveChunker(chunk_size=4).chunk("abcdefghij")
    assert [(c.start, c.end) for c in chunks] == [(0, 4), (4, 8), (8, 10)]


def test_overlap_repeats_whole_trailing_pieces():
    text = "aa bb cc dd ee"
    assert texts(RecursiveChunker(chunk_size=8, chunk_overlap=3).chunk(text)) == [
        "aa bb cc",
        "cc dd ee",
    ]


def test_words_unit():
    text = "one two three. four five six seven.\n\neight nine"
    assert texts(RecursiveChunker(chunk_size=3, unit="words").chunk(text)) == [
        "one two three.",
        "four five six",
        # The pieces of an oversize paragraph pack with the next paragraph.
        "seven.\n\neight nine",
    ]


def test_split_at_trims_and_drops_empty_pieces():
    text = "a  \n\n  \n\nb \n\n"
    assert split_at(text, 0, len(text), SEPARATORS[0]) == [(0, 1), (9, 10)]


def test_sizer_counts_words():
    sizer = Sizer("one  two\nthree", "words", 5)
    assert sizer.size(0, 14) == 3
    assert sizer.size(0, 3) == 1


def test_empty_and_whitespace_only():
    assert RecursiveChunker().chunk("") == []
    assert RecursiveChunker().chunk("\n\n") == []
