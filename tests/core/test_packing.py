"""The one packer: its fast character path, its predicate, and the one paragraph break."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.chunkers.packing import Sizer, Span, pack_chars, pack_spans
from app.core.chunkers.paragraph import ParagraphChunker
from app.core.chunkers.punkt import split_sentences


@st.composite
def units_and_limits(draw):
    limit = draw(st.integers(min_value=1, max_value=40))
    overlap = draw(st.integers(min_value=0, max_value=limit - 1))
    units, pos = [], 0
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        pos += draw(st.integers(min_value=0, max_value=3))
        length = draw(st.integers(min_value=1, max_value=limit))
        units.append(Span(pos, pos + length))
        pos += length
    return units, limit, overlap


@given(units_and_limits())
def test_pack_chars_equals_pack_spans(case):
    units, limit, overlap = case
    text = "x" * (units[-1].end if units else 0)
    expected = pack_spans(units, Sizer(text, "chars", limit), overlap, lambda s, e: [Span(s, e)])
    assert pack_chars(units, limit, overlap) == [(p.start, p.end) for p in expected]


def test_a_predicate_keeps_units_apart_and_out_of_the_overlap():
    text = "aa bb cc dd"
    units = [Span(0, 2), Span(3, 5), Span(6, 8), Span(9, 11)]
    # Unit 2 may not join anything before it (as after a long pause in a chat).
    packed = pack_spans(
        units, Sizer(text, "chars", 20), 5, lambda s, e: [Span(s, e)], joins=lambda f, i: i != 2
    )
    assert [(p.first, p.last) for p in packed] == [(0, 1), (2, 3)]


def test_paragraph_and_sentence_splitters_agree_on_paragraph_breaks():
    text = "First part\u2029Second part\n\nThird part"
    paragraphs = [c.text for c in ParagraphChunker(pack=False).chunk(text)]
    assert paragraphs == ["First part", "Second part", "Third part"]
    assert [text[s:e] for s, e in split_sentences(text)] == paragraphs
