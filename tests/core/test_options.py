from __future__ import annotations

import pytest

from app.core.chunkers import CHUNKERS, InvalidOptions
from app.core.chunkers.fixed import FixedChunker
from app.core.chunkers.semantic import SemanticChunker, SemanticOptions
from app.core.chunkers.sentence import SentenceChunker


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_defaults_keep_a_short_text_whole(name):
    assert [c.text for c in CHUNKERS[name]().chunk("A short text.")] == ["A short text."]


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_overlap_must_be_smaller_than_size(name):
    with pytest.raises(InvalidOptions, match="chunk_overlap must be smaller than chunk_size") as info:
        CHUNKERS[name](chunk_size=10, chunk_overlap=10)
    assert info.value.field == "chunk_overlap"


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"chunk_size": 0}, "chunk_size", "at least 1"),
        ({"chunk_size": -5}, "chunk_size", "at least 1"),
        ({"chunk_overlap": -1}, "chunk_overlap", "at least 0"),
        ({"chunk_size": True}, "chunk_size", "not a boolean"),
        ({"chunk_size": "10"}, "chunk_size", "wrong type"),
        ({"unit": "lines"}, "unit", "must be one of 'chars', 'words', 'tokens'"),
        ({"chunk_size": 10**9}, "chunk_size", "at most"),
    ],
    ids=["zero", "negative", "negative-overlap", "bool", "string", "unit", "huge"],
)
def test_invalid_options_name_the_field(options, field, message):
    with pytest.raises(InvalidOptions, match=message) as info:
        FixedChunker(**options)
    assert info.value.field == field


@pytest.mark.parametrize("cls", [SemanticOptions, SemanticChunker])
def test_min_chunk_size_over_max_is_refused(cls):
    with pytest.raises(InvalidOptions, match="min_chunk_size must be at most max_chunk_size") as info:
        cls(min_chunk_size=50, max_chunk_size=40)
    assert info.value.field == "min_chunk_size"
    assert cls(min_chunk_size=40, max_chunk_size=40).min_chunk_size == 40


def test_pack_must_be_boolean():
    with pytest.raises(InvalidOptions, match="wrong type"):
        SentenceChunker(pack=1)


def test_options_are_frozen():
    chunker = FixedChunker(chunk_size=5)
    with pytest.raises(AttributeError):
        chunker.chunk_size = 7
