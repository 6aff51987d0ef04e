"""POST /chunking: split one text with a named strategy."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from app.chunkers import CHUNKERS, Chunker
from app.chunkers.base import measure
from app.errors import PayloadTooLarge, TooManyChunks
from app.inputs import JSON, MULTIPART, TEXT, read_fields
from app.observability import note_work
from app.openapi import Operation
from app.schemas import DEFAULT_STRATEGY, STRATEGY_MODELS, ChunkRequest, ChunkResponse, validate
from app.serialize import chunk_payload, chunking_result

# chunk_payload is re-exported for the other views that serialise chunks.
__all__ = ["OPERATIONS", "bp", "check_chunk_count", "check_text", "chunk_payload", "run_strategy"]

bp = Blueprint("chunking", __name__)


def check_text(text: str, config: Mapping[str, Any]) -> None:
    """Refuse a text over the configured length before any work.

    Raises:
        PayloadTooLarge: Naming ``text`` and the limit.
    """
    limit = config["MAX_TEXT_CHARS"]
    if len(text) > limit:
        raise PayloadTooLarge(f"text has {len(text)} characters; the limit is {limit}", "text")


def check_chunk_count(text: str, options: object, config: Mapping[str, Any]) -> None:
    """Refuse a request whose smallest possible chunk count is over the limit.

    Every chunk holds at most ``chunk_size`` of the text's content, so the
    content's size divided by ``chunk_size`` is a lower bound of the count.

    Raises:
        TooManyChunks: Naming ``chunk_size``.
    """
    size = getattr(options, "chunk_size", None)
    unit = getattr(options, "unit", "chars")
    if size is None:
        return
    content = measure(text, "words") if unit == "words" else len("".join(text.split()))
    least, limit = math.ceil(content / size), config["MAX_CHUNKS"]
    if least > limit:
        raise TooManyChunks(
            f"chunk_size {size} would give at least {least} chunks; the limit is {limit}", "chunk_size"
        )


def run_strategy(name: str, options: dict[str, Any], text: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """Chunk ``text`` with strategy ``name`` within the configured limits."""
    chunker: Chunker = CHUNKERS[name](**options)
    check_chunk_count(text, chunker, config)
    chunks = chunker.chunk(text)
    if len(chunks) > config["MAX_CHUNKS"]:
        raise TooManyChunks(
            f"the text gives {len(chunks)} chunks; the limit is {config['MAX_CHUNKS']}", "chunk_size"
        )
    note_work(strategy=name, input_chars=len(text), chunks=len(chunks))
    return chunking_result(name, chunker, chunks)


@bp.post("/chunking")
def chunk_text() -> ResponseReturnValue:
    """Split the submitted text with the requested strategy and options."""
    fields, typed = read_fields((JSON, TEXT, MULTIPART))
    fields.setdefault("strategy", DEFAULT_STRATEGY)
    request = validate(ChunkRequest, fields, strict=typed, tagged=True)
    check_text(request.text, current_app.config)
    options = request.model_dump(exclude={"text", "strategy"})
    return jsonify(run_strategy(request.strategy, options, request.text, current_app.config))


def _option_schemas() -> dict[str, Any]:
    merged: dict[str, Any] = {
        "strategy": {"type": "string", "enum": sorted(CHUNKERS), "default": DEFAULT_STRATEGY}
    }
    for model in STRATEGY_MODELS.values():
        for key, schema in model.model_json_schema()["properties"].items():
            if key not in ("text", "strategy"):
                merged.setdefault(key, {k: v for k, v in schema.items() if k != "title"})
    return merged


OPERATIONS = [
    Operation(
        "/chunking",
        "post",
        "Split one text into chunks with a named strategy.",
        response=ChunkResponse,
        request=ChunkRequest,
        request_name="ChunkRequest",
        plain_text=True,
        multipart=True,
        option_schemas=_option_schemas(),
        errors=(400, 413, 415, 422),
    ),
]
