"""Properties every registered strategy keeps, for random text and random valid options."""

from __future__ import annotations

import dataclasses
import typing

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.chunkers import CHUNKERS
from app.core.chunkers.base import MIN_TOKEN_CHUNK_SIZE
from tests.helpers import check_invariants, structured_text

TEXTS = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    structured_text(),
)


def _small_value(field: dataclasses.Field, hint: object) -> st.SearchStrategy:
    meta = field.metadata
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(hint))
    if origin in (typing.Union, __import__("types").UnionType):
        inner = next(a for a in typing.get_args(hint) if a is not type(None))
        return st.one_of(st.none(), _small_value(field, inner))
    if hint is bool:
        return st.booleans()
    low = meta.get("ge") if meta.get("ge") is not None else meta.get("gt", 0) or 0
    if hint is int:
        return st.integers(
            min_value=int(low) + (1 if meta.get("gt") is not None else 0), max_value=int(low) + 60
        )
    if hint is float:
        high = meta.get("le") if meta.get("le") is not None else low + 100
        return st.floats(min_value=float(low), max_value=float(high), exclude_min=meta.get("gt") is not None)
    return st.just(field.default)


@st.composite
def options_for(draw, cls):
    hints = typing.get_type_hints(cls)
    options = {}
    for field in dataclasses.fields(cls):
        if field.name in ("chunk_size", "chunk_overlap"):
            continue
        options[field.name] = draw(_small_value(field, hints[field.name]))
    if options.get("unit") in ("sentence", "paragraph"):
        # The deprecated spelling of split_by; a different split_by beside it is refused.
        options["split_by"] = None
    low = MIN_TOKEN_CHUNK_SIZE if options.get("unit") == "tokens" else 1
    if (options.get("max_chunk_size") or low) < low:
        options["max_chunk_size"] = low
    if "chunk_size" in hints:
        size = draw(st.integers(min_value=low, max_value=120))
        options["chunk_size"] = size
        options["chunk_overlap"] = draw(st.integers(min_value=0, max_value=size - 1))
    low, high = options.get("min_chunk_size"), options.get("max_chunk_size")
    if low is not None and high is not None and low > high:
        # Valid options only: the contradictory pair is refused, as tests/core/test_options.py shows.
        options["min_chunk_size"], options["max_chunk_size"] = high, low
    return options


@pytest.mark.parametrize("name", sorted(CHUNKERS))
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, data=st.data())
@example(text="", data=None)
@example(text="\n\n \t\f", data=None)
def test_invariants_with_random_options(name, text, data):
    cls = CHUNKERS[name]
    options = data.draw(options_for(cls)) if data is not None else {}
    chunker = cls(**options)
    chunks = chunker.chunk(text)
    check_invariants(name, text, chunks, dataclasses.asdict(chunker))
    assert chunker.chunk(text) == chunks, "same input, same output"


@pytest.mark.parametrize("name", sorted(CHUNKERS))
@given(text=TEXTS)
def test_invariants_with_defaults(name, text):
    chunker = CHUNKERS[name]()
    check_invariants(name, text, chunker.chunk(text), dataclasses.asdict(chunker))
