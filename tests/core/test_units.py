from __future__ import annotations

from app.core.chunkers.paragraph import ParagraphChunker
from app.core.chunkers.sentence import SentenceChunker


def texts(chunks):
    return [c.text for c in chunks]


TEXT = "Alpha one. Beta two. Gamma three.\n\nDelta four.\n\n\n  Epsilon five is long."


def test_paragraphs_packed():
    assert texts(ParagraphChunker(chunk_size=50).chunk(TEXT)) == [
        "Alpha one. Beta two. Gamma three.\n\nDelta four.",
        "Epsilon five is long.",
    ]


def test_paragraphs_unpacked():
    assert texts(ParagraphChunker(pack=False).chunk(TEXT)) == [
        "Alpha one. Beta two. Gamma three.",
        "Delta four.",
        "Epsilon five is long.",
    ]


def test_oversize_paragraph_is_split_not_returned_whole():
    chunks = ParagraphChunker(chunk_size=12).chunk(TEXT)
    assert all(len(c.text) <= 12 for c in chunks)
    assert texts(chunks)[:3] == ["Alpha one.", "Beta two.", "Gamma three."]


def test_sentences_packed():
    assert texts(SentenceChunker(chunk_size=24).chunk(TEXT)) == [
        "Alpha one. Beta two.",
        "Gamma three.",
        "Delta four.",
        "Epsilon five is long.",
    ]


def test_sentences_unpacked():
    assert texts(SentenceChunker(pack=False).chunk("One. Two! Three?")) == ["One.", "Two!", "Three?"]


def test_sentence_overlap_counts_whole_sentences():
    text = "Aa. Bb. Cc. Dd. Ee."
    chunks = SentenceChunker(chunk_size=11, chunk_overlap=3).chunk(text)
    assert texts(chunks) == ["Aa. Bb. Cc.", "Cc. Dd. Ee."]


def test_sentence_overlap_never_stalls():
    text = "Aaaa. Bbbb. Cccc."
    chunks = SentenceChunker(chunk_size=6, chunk_overlap=5).chunk(text)
    assert texts(chunks) == ["Aaaa.", "Bbbb.", "Cccc."]


def test_cjk_sentences():
    assert texts(SentenceChunker(pack=False).chunk("今日は晴れです。明日は雨です！")) == [
        "今日は晴れです。",
        "明日は雨です！",
    ]


def test_words_unit_packs_by_word_count():
    text = "One two three. Four five. Six seven eight nine."
    assert texts(SentenceChunker(chunk_size=5, unit="words").chunk(text)) == [
        "One two three. Four five.",
        "Six seven eight nine.",
    ]
