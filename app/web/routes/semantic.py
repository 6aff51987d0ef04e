"""POST /semantic-chunking: units, their similarity curve, groups, and the thresholds behind them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from app.core.chunkers.base import Unit, measure
from app.core.chunkers.semantic import SemanticAnalysis, SemanticOptions, analyze
from app.ops.observability import note_work
from app.ops.tracing import stage
from app.web.errors import TooManyChunks
from app.web.inputs import JSON, MULTIPART, TEXT, read_fields
from app.web.openapi import Operation
from app.web.routes.chunking import check_chunk_count, check_text
from app.web.schemas import (
    SemanticBatchRequest,
    SemanticChunkingRequest,
    SemanticChunkingResponse,
    SemanticRequest,
    validate,
)
from app.web.texts import check_texts, is_batch, naming_text

bp = Blueprint("semantic", __name__)


def check_unit_count(analysis: SemanticAnalysis, config: Mapping[str, Any]) -> None:
    """Refuse an answer with more units than the chunk limit (every unit is returned too).

    Raises:
        TooManyChunks: Naming ``text``.
    """
    count, limit = len(analysis.units), config["MAX_CHUNKS"]
    if count > limit:
        raise TooManyChunks(f"the text gives {count} units; the limit is {limit}", "text")


def _group_payload(analysis: SemanticAnalysis, index: int) -> dict[str, Any]:
    group, stats = analysis.groups[index], analysis.stats[index]
    start, end = analysis.span(group)
    return {
        "members": list(range(group.first, group.last + 1)),
        "start": start,
        "end": end,
        "suggested_threshold": stats.suggested_threshold,
        "threshold_range": None if stats.threshold_range is None else list(stats.threshold_range),
        "stable": stats.threshold_range is not None,
        "internal_similarity": {"min": stats.internal_min, "mean": stats.internal_mean},
        "boundary_similarity": {"before": stats.before, "after": stats.after},
    }


def semantic_payload(text: str, analysis: SemanticAnalysis, options: SemanticOptions) -> dict[str, Any]:
    """Serialise an analysis in the documented order; sizes are in the options' unit."""
    spans = [analysis.span(g) for g in analysis.groups]
    unit: Unit = "tokens" if options.unit == "tokens" else "words" if options.unit == "words" else "chars"
    return {
        "chunks": [text[s:e] for s, e in spans],
        "metadata": [
            {"start": s, "end": e, "size": measure(text[s:e], unit, options.tokenizer)} for s, e in spans
        ],
        "initial_chunks": [text[s:e] for s, e in analysis.units],
        "similarities": analysis.similarities.tolist(),
        "threshold": analysis.threshold,
        "threshold_method": analysis.threshold_method,
        "suggested_threshold": analysis.suggested_threshold,
        "groups": [_group_payload(analysis, i) for i in range(len(analysis.groups))],
    }


def analyze_batch(batch: Any, config: Mapping[str, Any]) -> dict[str, Any]:
    """Analyse each text of a batch; the batch's limits hold for all texts together.

    Returns:
        ``{"results": [...]}``, ``results[i]`` being what a request with ``texts[i]`` gives.
    """
    check_texts(batch.texts, config)
    options = SemanticOptions(**batch.model_dump(exclude={"texts"}))
    check_chunk_count(batch.texts, options, config)
    results, units, groups = [], 0, 0
    for index, text in enumerate(batch.texts):
        with naming_text(index):
            analysis = analyze(text, options, stage=stage)
        units, groups = units + len(analysis.units), groups + len(analysis.groups)
        if units > config["MAX_CHUNKS"]:
            raise TooManyChunks(
                f"the texts give over {config['MAX_CHUNKS']} units in all, the limit", "texts"
            )
        results.append(semantic_payload(text, analysis, options))
    note_work(strategy="semantic", input_chars=sum(map(len, batch.texts)), chunks=groups, texts=len(results))
    return {"results": results}


@bp.post("/semantic-chunking")
def semantic_chunking() -> ResponseReturnValue:
    """Split the text into units, group them by similarity and explain every group's thresholds."""
    fields, typed = read_fields((JSON, TEXT, MULTIPART))
    config = current_app.config
    if is_batch(fields, typed):
        return jsonify(analyze_batch(validate(SemanticBatchRequest, fields, strict=True), config))
    request = validate(SemanticRequest, fields, strict=typed)
    check_text(request.text, config)
    options = SemanticOptions(**request.model_dump(exclude={"text"}))
    # Every unit is cut to max_chunk_size, so a small one is refused before any work.
    check_chunk_count(request.text, options, config)
    analysis = analyze(request.text, options, stage=stage)
    check_unit_count(analysis, config)
    note_work(strategy="semantic", input_chars=len(request.text), chunks=len(analysis.groups))
    return jsonify(semantic_payload(request.text, analysis, options))


def _option_schemas() -> dict[str, Any]:
    properties = SemanticRequest.model_json_schema()["properties"]
    return {
        key: {k: v for k, v in schema.items() if k != "title"}
        for key, schema in properties.items()
        if key != "text"
    }


OPERATIONS = [
    Operation(
        "/semantic-chunking",
        "post",
        "Split a text into units, measure adjacent similarity, group, and suggest thresholds.",
        response=SemanticChunkingResponse,
        request=SemanticChunkingRequest,
        request_name="SemanticChunkingRequest",
        plain_text=True,
        multipart=True,
        option_schemas=_option_schemas(),
        errors=(400, 413, 415, 422),
    ),
]
