"""POST /chunking: split one text, or each text of a batch, with a named strategy."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from app.core import tokenizers
from app.core.chunkers import CHUNKERS, Chunker
from app.core.chunkers.base import measure
from app.core.chunkers.html import visible_text
from app.core.serialize import chunking_result
from app.ops.observability import note_work
from app.ops.tracing import stage
from app.web.errors import PayloadTooLarge, TooManyChunks
from app.web.inputs import JSON, MULTIPART, TEXT, read_fields
from app.web.openapi import Operation
from app.web.schemas import (
    DEFAULT_STRATEGY,
    STRATEGY_MODELS,
    BatchChunkRequest,
    ChunkingRequest,
    ChunkingResponse,
    ChunkRequest,
    validate,
)
from app.web.texts import check_texts, is_batch, naming_text

bp = Blueprint("chunking", __name__)


def check_text(text: str, config: Mapping[str, Any]) -> None:
    """Refuse a text over the configured length before any work.

    Raises:
        PayloadTooLarge: Naming ``text`` and the limit.
    """
    limit = config["MAX_TEXT_CHARS"]
    if len(text) > limit:
        raise PayloadTooLarge(f"text has {len(text)} characters; the limit is {limit}", "text")


def least_chunks(text: str, options: object) -> int:
    """A lower bound of the number of chunks ``text`` gives, found without chunking.

    Every chunk holds at most ``chunk_size`` of the text's content, so the
    content's size divided by ``chunk_size`` is a lower bound of the count.

    Args:
        text: The text.
        options: The strategy instance (0 when it has no ``chunk_size``).

    Returns:
        The bound.
    """
    bound = size_bound(options)
    # Markup is not content: html's chunks hold only the visible text, which
    # cannot be measured without parsing (see check_chunk_count).
    if bound is None or getattr(options, "MARKUP_INPUT", False):
        return 0
    return _least(text, getattr(options, "unit", "chars"), bound[1], getattr(options, "tokenizer", None))


def _least(text: str, unit: str, size: int, tokenizer: str | None = None) -> int:
    if unit == "tokens":
        # A built-in encoding never joins two words in one token, so words bound
        # tokens from below; a Hugging Face tokenizer promises no such thing.
        return math.ceil(measure(text, "words") / size) if tokenizer in tokenizers.BUILTINS else 0
    content = measure(text, "words") if unit == "words" else len("".join(text.split()))
    return math.ceil(content / size)


def _least_visible(texts: Sequence[str], options: object, limit: int) -> int:
    """:func:`least_chunks` of markup, from its visible text, read only when it could matter.

    Counting the markup as content can only overstate the bound; when even
    that is within the limit, nothing is parsed. Otherwise the markup is read
    once more here, which is what keeps a tiny ``chunk_size`` from packing
    millions of chunks before the answer is a 422.
    """
    bound = size_bound(options)
    unit, tokenizer = getattr(options, "unit", "chars"), getattr(options, "tokenizer", None)
    if bound is None or sum(_least(t, unit, bound[1], tokenizer) for t in texts) <= limit:
        return 0
    return sum(_least(visible_text(t), unit, bound[1], tokenizer) for t in texts)


def size_bound(options: object) -> tuple[str, int] | None:
    """The option that caps a chunk's size and its value: ``chunk_size``, or a smaller ``max_chunk_size``.

    The ``semantic`` strategy has both (in characters); the smaller applies.
    """
    given = [(getattr(options, name, None), name) for name in ("chunk_size", "max_chunk_size")]
    sizes = [(size, name) for size, name in given if isinstance(size, int)]
    if not sizes:
        return None
    size, name = min(sizes)
    return name, size


def check_chunk_count(text: str | Sequence[str], options: object, config: Mapping[str, Any]) -> None:
    """Refuse a request whose smallest possible chunk count is over the limit.

    Args:
        text: The text, or a batch's texts (their counts add up).
        options: The strategy instance.
        config: The app's settings (``MAX_CHUNKS``).

    Raises:
        TooManyChunks: Naming ``chunk_size`` (or the smaller ``max_chunk_size``).
    """
    texts = [text] if isinstance(text, str) else text
    least, limit = sum(least_chunks(t, options) for t in texts), config["MAX_CHUNKS"]
    if getattr(options, "MARKUP_INPUT", False):
        least = _least_visible(texts, options, limit)
    bound = size_bound(options)
    if least > limit and bound is not None:
        name, size = bound
        raise TooManyChunks(f"{name} {size} would give at least {least} chunks; the limit is {limit}", name)


def run_strategy(name: str, options: dict[str, Any], text: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """Chunk ``text`` with strategy ``name`` within the configured limits."""
    chunker: Chunker = CHUNKERS[name](**options)
    check_chunk_count(text, chunker, config)
    with stage("split", strategy=name):
        chunks = chunker.chunk(text)
    if len(chunks) > config["MAX_CHUNKS"]:
        raise TooManyChunks(
            f"the text gives {len(chunks)} chunks; the limit is {config['MAX_CHUNKS']}", "chunk_size"
        )
    note_work(strategy=name, input_chars=len(text), chunks=len(chunks))
    return chunking_result(name, chunker, chunks)


def run_batch(
    name: str, options: dict[str, Any], texts: list[str], config: Mapping[str, Any]
) -> dict[str, Any]:
    """Chunk each text with strategy ``name``; the batch's limits hold for all texts together.

    Returns:
        ``{"results": [...]}``, ``results[i]`` being what :func:`run_strategy` gives for ``texts[i]``.
    """
    check_texts(texts, config)
    chunker: Chunker = CHUNKERS[name](**options)
    check_chunk_count(texts, chunker, config)
    results, total, limit = [], 0, config["MAX_CHUNKS"]
    for index, text in enumerate(texts):
        with naming_text(index):
            chunks = chunker.chunk(text)
        total += len(chunks)
        if total > limit:
            raise TooManyChunks(f"the texts give over {limit} chunks in all, the limit", "chunk_size")
        results.append(chunking_result(name, chunker, chunks))
    note_work(strategy=name, input_chars=sum(map(len, texts)), chunks=total, texts=len(texts))
    return {"results": results}


@bp.post("/chunking")
def chunk_text() -> ResponseReturnValue:
    """Split the submitted text, or each text of a JSON ``texts`` batch, with the requested strategy."""
    fields, typed = read_fields((JSON, TEXT, MULTIPART))
    fields.setdefault("strategy", DEFAULT_STRATEGY)
    config = current_app.config
    if is_batch(fields, typed):
        batch = validate(BatchChunkRequest, fields, strict=True, tagged=True)
        options = batch.model_dump(exclude={"texts", "strategy"})
        return jsonify(run_batch(batch.strategy, options, batch.texts, config))
    request = validate(ChunkRequest, fields, strict=typed, tagged=True)
    check_text(request.text, config)
    options = request.model_dump(exclude={"text", "strategy"})
    return jsonify(run_strategy(request.strategy, options, request.text, config))


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
        option_schemas=_option_schemas(),
        errors=(400, 413, 415, 422),
    ),
]
