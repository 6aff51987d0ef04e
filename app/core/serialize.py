"""Chunks as the API returns them, shared by the HTTP views and the batch command.

Plain data in, JSON-ready dicts out; no Flask, so a batch job produces
exactly what ``POST /chunking`` would for the same text and options.
"""

from __future__ import annotations

from typing import Any

from app.core.chunkers import Chunker
from app.core.chunkers.base import Unit, measure
from app.core.context import NO_CONTEXT, ContextOptions
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


def chunking_result(
    name: str,
    chunker: Chunker,
    chunks: list[Chunk],
    context: ContextOptions = NO_CONTEXT,
    parents: list[Chunk] | None = None,
) -> dict[str, Any]:
    """The body of a ``/chunking`` answer.

    Args:
        name: The strategy's API name.
        chunker: The strategy instance that made the chunks (its fields are the effective options).
        chunks: What it made.
        context: The context options the chunks were made with (reported in ``params``).
        parents: With ``parent_size``, the parents the chunks were cut inside.

    Returns:
        chunks, metadata, strategy, params and count, in that order, then
        ``parents`` when there are any.
    """
    params = {**chunker.params(chunks), **context.params()}
    tokenizer = params.get("tokenizer")
    named = tokenizer if isinstance(tokenizer, str) else None
    body = chunk_payload(chunks, chunker.unit, named)
    result = {**body, "strategy": name, "params": params, "count": len(chunks)}
    if parents is not None:
        result["parents"] = [
            {"start": p.start, "end": p.end, "size": measure(p.text, chunker.unit, named)} for p in parents
        ]
    return result
