from __future__ import annotations

from app.core.chunkers.fixed import FixedChunker


def spans(chunks):
    return [(c.start, c.end, c.text) for c in chunks]


def test_windows_end_at_word_boundaries():
    text = "alpha beta gamma delta"
    assert spans(FixedChunker(chunk_size=12).chunk(text)) == [
        (0, 10, "alpha beta"),
        (11, 22, "gamma delta"),
    ]


def test_a_word_longer_than_the_window_is_cut():
    text = "abcdefghij kl"
    assert spans(FixedChunker(chunk_size=4).chunk(text)) == [
        (0, 4, "abcd"),
        (4, 8, "efgh"),
        (8, 10, "ij"),
        (11, 13, "kl"),
    ]


def test_overlap_starts_at_a_word_boundary():
    text = "one two three four five six"
    chunks = FixedChunker(chunk_size=13, chunk_overlap=5).chunk(text)
    assert [c.text for c in chunks] == ["one two three", "three four", "four five six"]
    for c in chunks:
        assert text[c.start : c.end] == c.text


def test_words_unit_windows_and_overlap():
    text = "a b c d e f g"
    chunks = FixedChunker(chunk_size=3, chunk_overlap=1, unit="words").chunk(text)
    assert [c.text for c in chunks] == ["a b c", "c d e", "e f g"]


def test_words_unit_last_window_is_not_repeated():
    chunks = FixedChunker(chunk_size=2, unit="words").chunk("a b c d")
    assert [c.text for c in chunks] == ["a b", "c d"]


def test_empty_and_whitespace_only():
    assert FixedChunker().chunk("") == []
    assert FixedChunker().chunk(" \n\n\t ") == []
    assert FixedChunker(unit="words").chunk("\n\n") == []


def test_multibyte_offsets_are_code_points():
    text = "héllo 🌍🌍 wörld 日本語のテキスト"
    chunks = FixedChunker(chunk_size=8).chunk(text)
    # "héllo 🌍🌍" is 8 code points (each emoji is one), though 14 UTF-8 bytes.
    assert [c.text for c in chunks] == ["héllo 🌍🌍", "wörld", "日本語のテキスト"]
    assert [(c.start, c.end) for c in chunks] == [(0, 8), (9, 14), (15, 23)]
