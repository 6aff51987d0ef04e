"""POST /chunking: split one text, or each text of a batch, with a named strategy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from app.core.chunkers import CHUNKERS
from app.core.context import (
    CONTEXT_FIELDS,
    ContextOptions,
    check_parent_size,
    chunk_in_context,
    structure_for,
)
from app.core.serialize import chunking_result
from app.ops.observability import note_work
from app.web.documents import current_document, with_document
from app.web.guards import check_chunk_bound, check_text, check_texts, context_within
from app.web.inputs import JSON, MULTIPART, TEXT, read_fields
from app.web.openapi import INCLUDE_TEXT, Operation
from app.web.schemas import (
    DEFAULT_STRATEGY,
    STRATEGY_MODELS,
    BatchChunkRequest,
    ChunkingRequest,
    ChunkingResponse,
    ChunkRequest,
    validate,
)
from app.web.texts import each_text, is_batch

bp = Blueprint("chunking", __name__)


def run_strategy(name: str, options: dict[str, Any], text: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """Chunk ``text`` with strategy ``name`` within the configured limits, with the context asked for."""
    context = take_context(options)
    chunker = CHUNKERS[name](**options)
    structure = structure_for(name, text, context, current_document())
    result = context_within(chunker, name, text, config["MAX_CHUNKS"], context, structure)
    note_work(strategy=name, input_chars=len(text), chunks=len(result.chunks))
    return chunking_result(name, chunker, result.chunks, context, result.parents)


def take_context(options: dict[str, Any]) -> ContextOptions:
    """Take the context options out of a request's options (the rest are the strategy's)."""
    return ContextOptions(**{name: options.pop(name) for name in CONTEXT_FIELDS if name in options})


def run_batch(
    name: str, options: dict[str, Any], texts: list[str], config: Mapping[str, Any]
) -> dict[str, Any]:
    """Chunk each text with strategy ``name``; the batch's limits hold for all texts together.

    Returns:
        ``{"results": [...]}``, ``results[i]`` being what :func:`run_strategy` gives for ``texts[i]``.
    """
    check_texts(texts, config)
    context = take_context(options)
    chunker = CHUNKERS[name](**options)
    check_parent_size(context, chunker)
    limit = config["MAX_CHUNKS"]
    check_chunk_bound(texts, chunker, limit)

    def one(text: str) -> dict[str, Any]:
        result = chunk_in_context(chunker, text, context, structure_for(name, text, context))
        return chunking_result(name, chunker, result.chunks, context, result.parents)

    results = each_text(texts, one, _count, limit)
    total = sum(map(_count, results))
    note_work(strategy=name, input_chars=sum(map(len, texts)), chunks=total, texts=len(texts))
    return {"results": results}


def _count(result: dict[str, Any]) -> int:
    count: int = result["count"]
    return count


@bp.post("/chunking")
def chunk_text() -> ResponseReturnValue:
    """Split the submitted text, or each text of a JSON ``texts`` batch, with the requested strategy."""
    fields, typed, checked = read_fields((JSON, TEXT, MULTIPART))
    fields.setdefault("strategy", DEFAULT_STRATEGY)
    config = current_app.config
    if is_batch(fields, typed):
        batch = validate(BatchChunkRequest, fields, strict=True, tagged=True, text_checked=checked)
        options = batch.model_dump(exclude={"texts", "strategy"})
        return jsonify(run_batch(batch.strategy, options, batch.texts, config))
    request = validate(ChunkRequest, fields, strict=typed, tagged=True, text_checked=checked)
    check_text(request.text, config)
    options = request.model_dump(exclude={"text", "strategy"})
    return jsonify(with_document(run_strategy(request.strategy, options, request.text, config)))


def _option_schemas() -> dict[str, Any]:
    merged: dict[str, Any] = {
        "strategy": {"type": "string", "enum": sorted(CHUNKERS), "default": DEFAULT_STRATEGY}
    }
    for model in STRATEGY_MODELS.values():
        for key, schema in model.model_json_schema()["properties"].items():
            if key in ("text", "strategy"):
                continue
            known = merged.setdefault(key, {k: v for k, v in schema.items() if k != "title"})
            # The same name can take other values in another strategy (semantic's
            # unit is sentence|paragraph): the query parameter accepts them all.
            if "enum" in known and "enum" in schema:
                known["enum"] = sorted(set(known["enum"]) | set(schema["enum"]))
    return merged


OPERATIONS = [
    Operation(
        "/chunking",
        "post",
        "Split one text (or each text of a batch) into chunks with a named strategy.",
        response=ChunkingResponse,
        request=ChunkingRequest,
        plain_text=True,
        multipart=True,
        documents=True,
        option_schemas={**_option_schemas(), "include_text": INCLUDE_TEXT},
        errors=(400, 413, 415, 422),
    ),
]
