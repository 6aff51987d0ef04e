"""Properties every registered strategy keeps, for random text and random valid options."""

from __future__ import annotations

import dataclasses
import typing

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.chunkers import CHUNKERS
from app.core.chunkers.base import MIN_TOKEN_CHUNK_SIZE, measure

# html chunks are the visible text of a markup region, not a slice of it.
VISIBLE_TEXT = {"html"}

WORDS = ["alpha", "beta", "Gamma", "delta.", "Dr.", "e.g.", "3.5", "日本語。", "🌍", "x", "end!", "a\u0301"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "\f", "\t", "\r\n", ". ", "# ", ": "]


@st.composite
def structured_text(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=80))
    return "".join(w + s for w, s in parts)


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
    return options


def check_invariants(name, text, chunks, options):
    assert all(c.text.strip() for c in chunks), "empty or whitespace-only chunk"
    assert all(0 <= c.start < c.end <= len(text) for c in chunks)
    starts = [c.start for c in chunks]
    assert starts == sorted(set(starts)), "starts must strictly increase"
    if name not in VISIBLE_TEXT:
        assert all(text[c.start : c.end] == c.text for c in chunks)
    size = options.get("chunk_size")
    if size is not None:
        unit = options.get("unit", "chars")
        tokenizer = options.get("tokenizer")
        assert all(measure(c.text, unit, tokenizer) <= size for c in chunks), "chunk over chunk_size"
    if options.get("chunk_overlap", 0) == 0 and name not in VISIBLE_TEXT:
        covered = [0] * len(text)
        for c in chunks:
            for i in range(c.start, c.end):
                covered[i] += 1
        for i, ch in enumerate(text):
            if not ch.isspace():
                assert covered[i] == 1, f"character {i} ({ch!r}) covered {covered[i]} times"


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
