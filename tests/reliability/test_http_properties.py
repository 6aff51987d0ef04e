"""Hypothesis through the HTTP layer: random Unicode text, random valid options, every input form.

Complements ``tests/core/test_properties.py`` (the chunkers themselves) with
what only the service can break: options anywhere in their documented
ranges, not just small ones; the same answer whether the text comes as JSON,
as a text/plain body with options in the query string, or as an uploaded
file; metadata that matches the chunks; and, for /semantic-chunking, groups
that partition the units and statistics that match the similarity curve.
"""

from __future__ import annotations

import dataclasses
import io
import typing
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app import create_app
from app.core import tokenizers
from app.core.chunkers import CHUNKERS
from app.core.chunkers.base import MIN_TOKEN_CHUNK_SIZE, measure
from app.core.chunkers.semantic import SemanticOptions
from tests.core.test_properties import check_invariants, structured_text
from tests.reliability.test_hostile_inputs import check_chunks

TEXTS = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=400),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40).map(lambda s: s * 20),
    structured_text(),
)
# Any size up to the declared maximum is valid; mostly small ones, so texts are split.
LARGEST = 10_000_000
APP = create_app({"TESTING": True, "LOG_LEVEL": "WARNING"})


def _value(field: dataclasses.Field, hint: Any) -> st.SearchStrategy[Any]:
    meta = field.metadata
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(hint))
    if origin in (typing.Union, __import__("types").UnionType):
        inner = next(a for a in typing.get_args(hint) if a is not type(None))
        return st.none() | _value(field, inner)
    if hint is bool:
        return st.booleans()
    low = meta.get("ge") if meta.get("ge") is not None else 0
    high = meta.get("le") if meta.get("le") is not None else LARGEST
    if hint is int:
        return st.integers(int(low), min(int(low) + 200, int(high))) | st.integers(int(low), int(high))
    return st.floats(float(low), float(high), allow_nan=False, allow_infinity=False)


@st.composite
def options_for(draw: st.DrawFn, cls: type) -> dict[str, Any]:
    """Any valid options of a strategy, each drawn or left to its default."""
    hints = typing.get_type_hints(cls)
    options: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name not in ("chunk_overlap", "tokenizer") and draw(st.booleans()):
            options[field.name] = draw(_value(field, hints[field.name]))
    if options.get("unit") == "tokens":
        # A tokenizer only with tokens, from the names the service lists; bounds fit a character.
        if draw(st.booleans()):
            options["tokenizer"] = draw(st.sampled_from(tokenizers.available()))
        for bound in ("chunk_size", "max_chunk_size"):
            if options.get(bound) is not None:
                options[bound] = max(options[bound], MIN_TOKEN_CHUNK_SIZE)
    if options.get("unit") in ("sentence", "paragraph"):
        # The deprecated spelling of split_by; a different split_by beside it is refused.
        options.pop("split_by", None)
    size = options.get("chunk_size", 1000)
    if "chunk_overlap" in hints and draw(st.booleans()):
        options["chunk_overlap"] = draw(st.integers(0, min(size - 1, 300)) | st.integers(0, size - 1))
    return options


def _as_string(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def post_three_ways(client, path: str, text: str, options: dict[str, Any]) -> list[Any]:
    """The same request as JSON, as text/plain with a query string, and as a file upload."""
    strings = {k: _as_string(v) for k, v in options.items() if v is not None}
    as_json = client.post(path, json={"text": text, **options})
    as_plain = client.post(path, query_string=strings, data=text.encode(), content_type="text/plain")
    upload = {"file": (io.BytesIO(text.encode()), "doc.txt"), **strings}
    as_file = client.post(path, data=upload, content_type="multipart/form-data")
    return [as_json, as_plain, as_file]


def same_answer(responses: list[Any]) -> dict[str, Any]:
    first = responses[0]
    assert first.status_code == 200, first.get_json()
    for other in responses[1:]:
        assert other.status_code == 200, other.get_json()
        assert other.get_json() == first.get_json()
    return first.get_json()


@pytest.mark.parametrize("name", sorted(CHUNKERS))
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=TEXTS, data=st.data())
@example(text="a\r\nb\rc\x00d\u202ee\u200bf\ufeff\f👩‍👩‍👧 e\u0301.", data=None)
def test_chunking_over_http(name, text, data):
    options = data.draw(options_for(CHUNKERS[name])) if data is not None else {"chunk_size": 3}
    fields = {"strategy": name, **options}
    body = same_answer(post_three_ways(APP.test_client(), "/chunking", text, fields))
    chunker = CHUNKERS[name](**options)
    effective = dataclasses.asdict(chunker)
    if effective.get("tokenizer", "") is None:
        del effective["tokenizer"]  # params name a tokenizer only with tokens
    assert body["strategy"] == name and body["params"] == {**effective, **body["params"]}
    assert body["count"] == len(body["chunks"]) == len(body["metadata"])
    unit, tokenizer = effective.get("unit", "chars"), effective.get("tokenizer")
    if unit not in ("chars", "words", "tokens"):
        unit = "chars"  # semantic's deprecated spelling of split_by sizes in characters
    sizes = [measure(c, unit, tokenizer) for c in body["chunks"]]
    assert [m["size"] for m in body["metadata"]] == sizes
    # The answer is the core's, exactly: nothing lost or changed on the way through HTTP.
    core = chunker.chunk(text)
    assert body["chunks"] == [c.text for c in core]
    assert [(m["start"], m["end"]) for m in body["metadata"]] == [(c.start, c.end) for c in core]
    check_invariants(name, text, core, effective)


SEMANTIC_FIELDS = {f.name: f for f in dataclasses.fields(SemanticOptions)}


def size_of(chunk: str, options: dict[str, Any]) -> int:
    """A chunk's size in the request's unit (characters for the deprecated sentence or paragraph)."""
    unit = options.get("unit", "chars")
    return measure(chunk, unit if unit in ("words", "tokens") else "chars", options.get("tokenizer"))


def check_groups(text: str, body: dict[str, Any], options: dict[str, Any]) -> None:
    """/semantic-chunking's groups partition the units and their statistics match the curve."""
    units, sims, groups = body["initial_chunks"], body["similarities"], body["groups"]
    assert len(sims) == max(len(units) - 1, 0)
    assert all(0 <= s <= 1 and round(s, 6) == s for s in sims)
    assert [m for g in groups for m in g["members"]] == list(range(len(units)))
    assert all(g["members"] == list(range(g["members"][0], g["members"][-1] + 1)) for g in groups)
    assert len(body["chunks"]) == len(groups) == len(body["metadata"])
    for chunk, meta, group in zip(body["chunks"], body["metadata"], groups, strict=True):
        assert (meta["start"], meta["end"]) == (group["start"], group["end"])
        assert text[meta["start"] : meta["end"]] == chunk and meta["size"] == size_of(chunk, options)
        assert chunk.startswith(units[group["members"][0]]) and chunk.endswith(units[group["members"][-1]])
        first, last = group["members"][0], group["members"][-1]
        inside = sims[first:last]
        internal = group["internal_similarity"]
        assert internal["min"] == (min(inside) if inside else None)
        assert (internal["mean"] is None) == (not inside)
        boundary = group["boundary_similarity"]
        assert boundary["before"] == (sims[first - 1] if first > 0 else None)
        assert boundary["after"] == (sims[last] if last < len(sims) else None)
        assert group["stable"] == (group["threshold_range"] is not None)
        if group["threshold_range"] is not None:
            low, high = group["threshold_range"]
            assert low == max(boundary["before"] or 0.0, boundary["after"] or 0.0)
            assert high == (min(inside) if inside else 1.0)
            assert abs(group["suggested_threshold"] - (low + high) / 2) <= 1e-6
    if options.get("max_chunk_size") is not None:
        assert all(size_of(chunk, options) <= options["max_chunk_size"] for chunk in body["chunks"])
    check_chunks(text, body, "semantic", None)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=TEXTS, data=st.data())
def test_semantic_chunking_groups_over_http(text, data):
    options = data.draw(options_for(SemanticOptions))
    client = APP.test_client()
    body = same_answer(post_three_ways(client, "/semantic-chunking", text, options))
    check_groups(text, body, options)
    assert client.post("/semantic-chunking", json={"text": text, **options}).get_json() == body
    if body["threshold"] is not None and options.get("threshold") is None:
        # Sending the chosen threshold back gives the same groups.
        again = client.post(
            "/semantic-chunking", json={"text": text, **options, "threshold": body["threshold"]}
        )
        assert again.get_json()["groups"] == body["groups"]
