"""POST /semantic-chunking: units, their similarity curve, groups, and the thresholds behind them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from app.core.chunkers.base import MIN_TOKEN_CHUNK_SIZE, InvalidOptions, Unit, measure
from app.core.chunkers.semantic import SemanticAnalysis, SemanticOptions, analyze, ceiling
from app.core.context import NO_CONTEXT, ContextOptions, add_context, context_room, structure_for
from app.core.structure import Structure
from app.core.types import Chunk
from app.ops.observability import note_work
from app.ops.tracing import stage
from app.web.documents import current_document, with_document
from app.web.guards import check_chunk_bound, check_count, check_text, check_texts
from app.web.inputs import JSON, MULTIPART, TEXT, read_fields
from app.web.openapi import INCLUDE_TEXT, Operation
from app.web.schemas import (
    SEMANTIC_CONTEXT_FIELDS,
    SemanticBatchRequest,
    SemanticChunkingRequest,
    SemanticChunkingResponse,
    SemanticRequest,
    validate,
)
from app.web.texts import each_text, is_batch

bp = Blueprint("semantic", __name__)


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


def _choices(analysis: SemanticAnalysis) -> list[dict[str, Any]]:
    """The suggested threshold and a few others, each with the number of groups it gives."""
    choices = list(analysis.alternatives)
    if analysis.suggested_threshold is not None:
        choices.append((analysis.suggested_threshold, len(analysis.groups)))
    return [{"threshold": t, "groups": n} for t, n in sorted(set(choices))]


def size_unit(options: SemanticOptions) -> Unit:
    """The unit sizes are measured in: characters unless words or tokens were asked for."""
    return "tokens" if options.unit == "tokens" else "words" if options.unit == "words" else "chars"


def semantic_payload(
    text: str,
    analysis: SemanticAnalysis,
    options: SemanticOptions,
    context: ContextOptions = NO_CONTEXT,
    structure: Structure | None = None,
) -> dict[str, Any]:
    """Serialise an analysis in the documented order; sizes are in the options' unit."""
    spans = [analysis.span(g) for g in analysis.groups]
    unit = size_unit(options)
    groups = add_context(Chunk.from_spans(text, spans), context, structure)
    return {
        "chunks": [c.text for c in groups],
        "metadata": [
            {"start": c.start, "end": c.end, "size": measure(c.text, unit, options.tokenizer), **c.meta}
            for c in groups
        ],
        "initial_chunks": [text[s:e] for s, e in analysis.units],
        "similarity": options.similarity,
        "similarities": analysis.similarities.tolist(),
        "cohesion": analysis.curve.tolist() if analysis.cohesive else None,
        "threshold": analysis.threshold,
        "threshold_method": analysis.threshold_method,
        "suggested_threshold": analysis.suggested_threshold,
        "threshold_choices": _choices(analysis),
        "groups": [_group_payload(analysis, i) for i in range(len(analysis.groups))],
    }


def analyze_within(text: str, options: SemanticOptions, limit: int) -> SemanticAnalysis:
    """Analyse one text, refusing more than ``limit`` units (every unit is returned too).

    Raises:
        TooManyChunks: Naming ``max_chunk_size`` before the work when it is too
            small for the text, or ``text`` after it when the text gave too many units.
    """
    # Every unit is cut to max_chunk_size, so a small one is refused before any work.
    check_chunk_bound((text,), options, limit)  # type: ignore[arg-type]  # unit: a size unit once resolved
    analysis = analyze(text, options, stage=stage)
    check_count(len(analysis.units), limit, what="units", field="text")
    return analysis


def analyze_batch(batch: Any, config: Mapping[str, Any]) -> dict[str, Any]:
    """Analyse each text of a batch; the batch's limits hold for all texts together.

    Returns:
        ``{"results": [...]}``, ``results[i]`` being what a request with ``texts[i]`` gives.
    """
    check_texts(batch.texts, config)
    context = ContextOptions(contextualize=batch.contextualize, neighbours=batch.neighbours)
    options = SemanticOptions(**batch.model_dump(exclude={"texts", *SEMANTIC_CONTEXT_FIELDS}))
    structures = [structure_for("semantic", t, context) if context.active else None for t in batch.texts]
    if context.contextualize:
        options = with_room_for_context(options, structures)
    limit = config["MAX_CHUNKS"]
    check_chunk_bound(batch.texts, options, limit)  # type: ignore[arg-type]  # unit: a size unit once resolved
    analyses = each_text(
        batch.texts,
        lambda text: analyze(text, options, stage=stage),
        lambda analysis: len(analysis.units),
        limit,
        what="units",
        field="texts",
    )
    groups = sum(len(a.groups) for a in analyses)
    note_work(strategy="semantic", input_chars=sum(map(len, batch.texts)), chunks=groups, texts=len(analyses))
    return {
        "results": [
            semantic_payload(text, analysis, options, context, structure)
            for text, analysis, structure in zip(batch.texts, analyses, structures, strict=True)
        ]
    }


@bp.post("/semantic-chunking")
def semantic_chunking() -> ResponseReturnValue:
    """Split the text into units, group them by similarity and explain every group's thresholds."""
    fields, typed, checked = read_fields((JSON, TEXT, MULTIPART))
    config = current_app.config
    if is_batch(fields, typed):
        batch = validate(SemanticBatchRequest, fields, strict=True, text_checked=checked)
        return jsonify(analyze_batch(batch, config))
    request = validate(SemanticRequest, fields, strict=typed, text_checked=checked)
    check_text(request.text, config)
    context = ContextOptions(contextualize=request.contextualize, neighbours=request.neighbours)
    options = SemanticOptions(**request.model_dump(exclude={"text", *SEMANTIC_CONTEXT_FIELDS}))
    structure = structure_for("semantic", request.text, context, current_document())
    if context.contextualize:
        options = with_room_for_context(options, [structure])
    analysis = analyze_within(request.text, options, config["MAX_CHUNKS"])
    note_work(strategy="semantic", input_chars=len(request.text), chunks=len(analysis.groups))
    payload = semantic_payload(request.text, analysis, options, context, structure)
    return jsonify(with_document(payload))


def with_room_for_context(options: SemanticOptions, structures: list[Structure | None]) -> SemanticOptions:
    """Lower ``max_chunk_size`` by the longest context, so that every contextualized group fits it.

    Groups are cut by thresholds, not re-cut one by one, so the room is left
    for the longest heading path (and table header) the text has.

    Raises:
        InvalidOptions: When no room is left, naming ``max_chunk_size``.
    """
    unit = size_unit(options)
    room = max((context_room(s, unit, options.tokenizer) for s in structures), default=0)
    if not room:
        return options
    bound = ceiling(options)
    # One character can take four tokens: no bound in tokens is smaller.
    least = max(options.min_chunk_size or 1, MIN_TOKEN_CHUNK_SIZE if unit == "tokens" else 1)
    if bound - room < least:
        raise InvalidOptions(
            "max_chunk_size",
            f"max_chunk_size {bound} leaves no room for the longest context ({room} {unit}); "
            "raise max_chunk_size or leave contextualize out",
        )
    return dataclasses.replace(options, max_chunk_size=bound - room)


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
        documents=True,
        option_schemas={**_option_schemas(), "include_text": INCLUDE_TEXT},
        errors=(400, 413, 415, 422),
    ),
]
