"""pack_chars is the recursive splitter's fast path: it must pack exactly as pack_spans does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.chunkers.packing import Sizer, Span, pack_chars, pack_spans


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
