"""Chunks as the API returns them, shared by the HTTP views and the batch command.

Plain data in, JSON-ready dicts out; no Flask, so a batch job produces
exactly what ``POST /chunking`` would for the same text and options.
"""

from __future__ import annotations

from typing import Any

from app.core.chunkers import Chunker
from app.core.chunkers.base import Unit, measure
from app.core.types import Chunk


def chunk_payload(chunks: list[Chunk], unit: Unit) -> dict[str, Any]:
    """Serialise chunks: texts, and for each its offsets, size and metadata.

    Args:
        chunks: The chunks, in order.
        unit: The unit ``size`` is measured in.

    Returns:
        ``{"chunks": [...], "metadata": [...]}``.
    """
    return {
        "chunks": [c.text for c in chunks],
        "metadata": [
            {"start": c.start, "end": c.end, "size": measure(c.text, unit), **c.meta} for c in chunks
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
    params = chunker.params(chunks)
    body = chunk_payload(chunks, chunker.unit)
    return {**body, "strategy": name, "params": params, "count": len(chunks)}
