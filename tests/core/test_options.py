from __future__ import annotations

import pytest

from app.core.chunkers import CHUNKERS, InvalidOptions
from app.core.chunkers.fixed import FixedChunker
from app.core.chunkers.sentence import SentenceChunker


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_defaults_are_valid(name):
    CHUNKERS[name]()


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


def test_pack_must_be_boolean():
    with pytest.raises(InvalidOptions, match="wrong type"):
        SentenceChunker(pack=1)


def test_options_are_frozen():
    chunker = FixedChunker(chunk_size=5)
    with pytest.raises(AttributeError):
        chunker.chunk_size = 7
