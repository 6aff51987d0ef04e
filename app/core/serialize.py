"""Chunks as the API returns them, shared by the HTTP views and the batch command.

Plain data in, JSON-ready dicts out; no Flask, so a batch job produces
exactly what ``POST /chunking`` would for the same text and options.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from app.core.chunkers import Chunker
from app.core.chunkers.base import Unit, measure
from app.core.types import Chunk


def chunk_payload(chunks: list[Chunk], unit: Unit, tokenizer: str | None = None) -> dict[str, Any]:
    """Serialise chunks: texts, and for each its offsets, size and metadata.

    Args:
        chunks: The chunks, in order.
        unit: The unit ``size`` is measured in.
        tokenizer: For tokens, the tokenizer's name; each chunk is encoded on its own.

    Returns:
        ``{"chunks": [...], "metadata": [...]}``.
    """
    return {
        "chunks": [c.text for c in chunks],
        "metadata": [
            {"start": c.start, "end": c.end, "size": measure(c.text, unit, tokenizer), **c.meta}
            for c in chunks
        ],
    }


def chunking_result(name: str, chunker: Chunker, chunks: list[Chunk]) -> dict[str, Any]:
    """The body of a ``/chunking`` answer.

    Args:
        name: The strategy's API name.
        chunker: The strategy instance that made the chunks (its fields are the effective options).
        chunks: What it made.

    Returns:
        chunks, metadata, strategy, params and count, in that order.
    """
    params = dataclasses.asdict(chunker)  # type: ignore[call-overload]
    # A tokenizer is an option of sizes in tokens only; elsewhere it is always null.
    if params.get("tokenizer", "") is None:
        del params["tokenizer"]
    # Some facts depend on the text rather than the options (topic's fallback
    # to recursive splitting); a strategy names them in REPORTED_IN_PARAMS and
    # params lists the values its chunks carry.
    for key in getattr(chunker, "REPORTED_IN_PARAMS", ()):
        params[key] = sorted({str(c.meta[key]) for c in chunks if key in c.meta})
    body = chunk_payload(chunks, params.get("unit", "chars"), params.get("tokenizer"))
    return {**body, "strategy": name, "params": params, "count": len(chunks)}
