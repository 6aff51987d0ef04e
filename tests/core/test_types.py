"""Chunks built many at a time are the chunks built one at a time."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.types import Chunk


def test_from_spans_builds_the_same_frozen_chunks_as_from_span():
    source = "Héllo wörld.\n\nSecond paragraph here."
    spans = [(0, 12), (14, 36), (3, 3)]
    many = Chunk.from_spans(source, spans)
    one_by_one = [Chunk.from_span(source, s, e) for s, e in spans]
    assert many == one_by_one
    assert [repr(c) for c in many] == [repr(c) for c in one_by_one]
    assert [c.text for c in many] == ["Héllo wörld.", "Second paragraph here.", ""]
    assert dict(many[0].meta) == {}
    assert not hasattr(many[0], "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        many[0].text = "changed"  # type: ignore[misc]


def test_from_spans_of_nothing_is_empty():
    assert Chunk.from_spans("abc", []) == []
