"""What the tests share: error assertions, chunk invariants and generated text.

Test modules import from here (or use conftest fixtures), never from each other.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from app.core.chunkers.base import measure

#: ``field=ANY`` (the default) leaves an error's field unchecked.
ANY: Any = object()

# html chunks are the visible text of a markup region, not a slice of it.
VISIBLE_TEXT = {"html"}
#: What params report for the context options when a request leaves them out.
NO_CONTEXT = {"contextualize": False, "parent_size": None, "neighbours": 0}

WORDS = ["alpha", "beta", "Gamma", "delta.", "Dr.", "e.g.", "3.5", "日本語。", "🌍", "x", "end!", "a\u0301"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "\f", "\t", "\r\n", ". ", "# ", ": "]


def assert_error(
    response: Any, status: int | tuple[int, ...], code: str | None = None, field: Any = ANY
) -> dict[str, Any]:
    """Assert a JSON error in the one documented shape, and return its ``error`` object.

    Args:
        response: A test client's response.
        status: The status, or the statuses any of which will do.
        code: The error code, when it matters.
        field: The field the error must name (None: names none); unchecked by default.

    Returns:
        The ``error`` object.
    """
    statuses = (status,) if isinstance(status, int) else status
    raw = response.get_data(as_text=True)
    assert response.status_code in statuses, raw[:500]
    assert response.mimetype == "application/json"
    assert "Traceback" not in raw and "<html" not in raw.lower()
    error: dict[str, Any] = response.get_json()["error"]
    assert error["status"] == response.status_code
    assert error["code"] and error["message"]
    if code is not None:
        assert error["code"] == code, error
    if field is not ANY:
        assert error.get("field") == field, error
    return error


def check_invariants(name: str, text: str, chunks: list[Any], options: dict[str, Any]) -> None:
    """The invariants of every strategy's chunks, for the options they were made with."""
    assert all(c.text.strip() for c in chunks), "empty or whitespace-only chunk"
    assert all(0 <= c.start < c.end <= len(text) for c in chunks)
    starts = [c.start for c in chunks]
    assert starts == sorted(set(starts)), "starts must strictly increase"
    if name not in VISIBLE_TEXT:
        assert all(text[c.start : c.end] == c.text for c in chunks)
    size = options.get("chunk_size")
    if size is not None:
        unit, tokenizer = options.get("unit", "chars"), options.get("tokenizer")
        assert all(measure(c.text, unit, tokenizer) <= size for c in chunks), "chunk over chunk_size"
    if options.get("chunk_overlap", 0) == 0 and name not in VISIBLE_TEXT:
        covered = [0] * len(text)
        for c in chunks:
            for i in range(c.start, c.end):
                covered[i] += 1
        for i, ch in enumerate(text):
            if not ch.isspace():
                assert covered[i] == 1, f"character {i} ({ch!r}) covered {covered[i]} times"


def non_space(text: str) -> int:
    """How many characters of ``text`` are not whitespace."""
    return sum(not ch.isspace() for ch in text)


def check_chunks(text: str, body: dict[str, Any], strategy: str, size: int | None) -> None:
    """The chunk invariants of the API, checked on an answer's chunks and metadata."""
    chunks, metadata = body["chunks"], body["metadata"]
    assert len(chunks) == len(metadata)
    assert all(chunk.strip() for chunk in chunks), "empty chunk"
    starts = [m["start"] for m in metadata]
    assert starts == sorted(set(starts)), "starts must increase"
    assert all(0 <= m["start"] < m["end"] <= len(text) for m in metadata)
    if size is not None:
        assert all(len(chunk) <= size for chunk in chunks), "chunk over chunk_size"
    if strategy == "html":
        # Visible text: these inputs hold no markup, so every visible character survives.
        assert sum(map(non_space, chunks)) == non_space(text), "characters lost"
        return
    assert all(text[m["start"] : m["end"]] == c for c, m in zip(chunks, metadata, strict=True))
    covered = bytearray(len(text))
    for m in metadata:
        covered[m["start"] : m["end"]] = b"\x01" * (m["end"] - m["start"])
    # Without overlap, chunks do not overlap, so covering each character once is covering it.
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace()), "characters lost"
    assert sum(map(non_space, chunks)) == non_space(text), "characters repeated"


@st.composite
def structured_text(draw: st.DrawFn) -> str:
    """Text made of words that trip splitters, joined by every kind of separator."""
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=80))
    return "".join(w + s for w, s in parts)


def assert_golden(path: Path, actual: Any, indent: int = 1) -> None:
    """Compare ``actual`` (as JSON) with the golden file at ``path``; UPDATE_GOLDEN=1 rewrites it first."""
    actual = json.loads(json.dumps(actual))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
    assert path.exists(), f"{path.name} is missing; create it with UPDATE_GOLDEN=1"
    assert json.loads(path.read_text(encoding="utf-8")) == actual
