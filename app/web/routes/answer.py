"""POST /answer: the chunk that best answers a question, with its score, sentence and ranking."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from flask import Blueprint, current_app, jsonify
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from app.core import retrieval
from app.core.chunkers import CHUNKERS
from app.core.context import CONTEXT_FIELDS, ContextOptions, InContext, structure_for
from app.core.index_cache import IndexCache
from app.ops.observability import note_work
from app.ops.tracing import stage
from app.web.documents import current_document, with_document
from app.web.errors import InvalidField, PayloadTooLarge
from app.web.guards import check_text, context_within
from app.web.index_store import TieredIndexes, shared_store
from app.web.inputs import JSON, MULTIPART, read_fields
from app.web.openapi import INCLUDE_TEXT, Operation
from app.web.schemas import (
    ANSWER_CHUNK_SIZE,
    ANSWER_CHUNKING_FIELDS,
    STRATEGY_MODELS,
    AnswerRequest,
    AnswerResponse,
    ChunkRequest,
    validate,
)

bp = Blueprint("answer", __name__)

CACHE_KEY = "chunkwise_answer_cache"
INDEXES_KEY = "chunkwise_answer_indexes"
SCORE_DECIMALS = 4


@bp.record
def _install_cache(state: BlueprintSetupState) -> None:
    # One memory cache per app (and so per gunicorn worker), sized by its own
    # config, in front of the store the workers share.
    config = state.app.config
    memory = state.app.extensions.setdefault(CACHE_KEY, IndexCache(config["ANSWER_CACHE_SIZE"]))
    state.app.extensions.setdefault(INDEXES_KEY, TieredIndexes(memory, shared_store(config)))


def index_cache() -> TieredIndexes:
    """The current app's fitted indexes: its own LRU, then the shared store."""
    indexes: TieredIndexes = current_app.extensions[INDEXES_KEY]
    return indexes


def check_request(request: Any, config: Mapping[str, Any]) -> None:
    """Refuse what validation alone cannot: both or neither of chunks/text, options without text, top_k.

    Raises:
        InvalidField: Naming the field at fault.
    """
    if request.chunks is not None and request.text is not None:
        raise InvalidField("give either chunks or text, not both", "text")
    if request.chunks is None and request.text is None:
        raise InvalidField("chunks is required (or a text to chunk)", "chunks")
    if request.chunks is not None:
        given = sorted(ANSWER_CHUNKING_FIELDS & request.model_fields_set)
        if given:
            raise InvalidField(f"{given[0]} is a chunking option; it applies only with text", given[0])
    if request.top_k > config["MAX_TOP_K"]:
        raise InvalidField(f"top_k: must be at most {config['MAX_TOP_K']}", "top_k")


def check_chunks(chunks: list[str], config: Mapping[str, Any]) -> int:
    """Refuse more chunks, or more characters in all, than the configured limits.

    Returns:
        The characters in all the chunks.

    Raises:
        PayloadTooLarge: Naming ``chunks``.
    """
    count_limit, chars_limit = config["MAX_ANSWER_CHUNKS"], config["MAX_ANSWER_CHARS"]
    if len(chunks) > count_limit:
        raise PayloadTooLarge(f"{len(chunks)} chunks; the limit is {count_limit}", "chunks")
    chars = sum(map(len, chunks))
    if chars > chars_limit:
        raise PayloadTooLarge(
            f"the chunks hold {chars} characters; the limit is {chars_limit} (max_answer_chars)", "chunks"
        )
    return chars


def chunk_text(request: Any, config: Mapping[str, Any]) -> InContext:
    """Chunk the request's ``text`` as POST /chunking would, with /answer's defaults.

    ``parent_size`` and ``neighbours`` cut parents and give windows as they
    do there; they change where the answer is said to sit, not the ranking.

    Raises:
        PayloadTooLarge: When the text is over ``MAX_TEXT_CHARS``.
        InvalidField: When an option is wrong for the strategy.
        TooManyChunks: When the text gives more than ``MAX_ANSWER_CHUNKS`` chunks.
    """
    check_text(request.text, config)
    fields = {k: getattr(request, k) for k in ANSWER_CHUNKING_FIELDS & request.model_fields_set}
    fields.update(text=request.text, strategy=request.strategy)
    if "chunk_size" in STRATEGY_MODELS[request.strategy].model_fields:
        fields.setdefault("chunk_size", ANSWER_CHUNK_SIZE)
    # The text passed AnswerRequest's checks already.
    options = validate(ChunkRequest, fields, strict=True, tagged=True, text_checked=True).model_dump(
        exclude={"text", "strategy", *CONTEXT_FIELDS}
    )
    context = ContextOptions(parent_size=request.parent_size, neighbours=request.neighbours or 0)
    chunker = CHUNKERS[request.strategy](**options)
    structure = structure_for(request.strategy, request.text, context, current_document())
    return context_within(
        chunker, request.strategy, request.text, config["MAX_ANSWER_CHUNKS"], context, structure
    )


def answer_payload(
    result: retrieval.Answer,
    chunks: list[str],
    method: str,
    spans: list[tuple[int, int]] | None,
    placed: InContext | None = None,
) -> dict[str, Any]:
    """Serialise an answer in the documented shape, scores rounded to 4 decimals.

    ``spans`` are the chunks' offsets in the request's ``text``, when it gave
    one; ``placed``, the chunks with their parents and windows, adds
    ``parent`` and ``window`` when the request asked for them.
    """
    sentence = result.sentence
    found = result.chunk_index
    span = spans[found] if spans is not None and found is not None else (None, None)
    return {
        "answer": chunks[found] if found is not None else "",
        "found": result.found,
        "score": round(result.score, SCORE_DECIMALS) if result.score is not None else None,
        "chunk_index": found,
        "answer_start": span[0],
        "answer_end": span[1],
        "sentence": sentence.text if sentence else "",
        "sentence_start": sentence.start if sentence else None,
        "sentence_end": sentence.end if sentence else None,
        "method": method,
        "ranking": [{"index": r.index, "score": round(r.score, SCORE_DECIMALS)} for r in result.ranking],
        **_placement(placed, found),
    }


def _placement(placed: InContext | None, found: int | None) -> dict[str, Any]:
    """``parent`` and ``window`` of the answer, for the requests that asked for them."""
    if placed is None:
        return {}
    out: dict[str, Any] = {}
    meta = placed.chunks[found].meta if found is not None else None
    if placed.parents is not None:
        index = meta.get("parent") if meta else None
        if isinstance(index, int):
            parent = placed.parents[index]
            out["parent"] = {"index": index, "start": parent.start, "end": parent.end}
        else:
            out["parent"] = None
    if placed.chunks and "window_start" in placed.chunks[0].meta:
        out["window"] = {"start": meta["window_start"], "end": meta["window_end"]} if meta else None
    return out


class Candidates(NamedTuple):
    """The chunks to rank, their offsets in ``text`` (None for given chunks), figures for the log."""

    texts: list[str]
    spans: list[tuple[int, int]] | None
    figures: Mapping[str, str | int]
    placed: InContext | None = None


def candidate_chunks(request: Any, config: Mapping[str, Any]) -> Candidates:
    """The chunks to rank, checked against the limits, and figures for :func:`note_work`."""
    check_request(request, config)
    if request.chunks is not None:
        chars = check_chunks(request.chunks, config)
        figures = {"input_chars": chars, "chunks": len(request.chunks)}
        return Candidates(request.chunks, None, figures)
    placed = chunk_text(request, config)
    chunks = placed.chunks
    figures = {"strategy": request.strategy, "input_chars": len(request.text), "chunks": len(chunks)}
    asked = request.parent_size is not None or bool(request.neighbours)
    return Candidates(
        [c.text for c in chunks], [(c.start, c.end) for c in chunks], figures, placed if asked else None
    )


def fit(chunks: list[str], method: retrieval.Method) -> retrieval.Index:
    """Fit an index, as a traced ``vectorise`` stage (only on a cache miss)."""
    with stage("vectorise", method=method):
        return retrieval.fit(chunks, method)


@bp.post("/answer")
def answer() -> ResponseReturnValue:
    """Rank the chunks (or the chunks of ``text``) for the question; answer with the best and its evidence."""
    fields, typed, checked = read_fields((JSON, MULTIPART))
    request = validate(AnswerRequest, fields, strict=typed, text_checked=checked)
    chunks, spans, figures, placed = candidate_chunks(request, current_app.config)
    method = request.method
    index, found = index_cache().get_or_fit(chunks, method, lambda: fit(chunks, method))
    with stage("rank", method=method):
        result = retrieval.answer(
            index, request.question, chunks, top_k=request.top_k, min_score=request.min_score
        )
    note_work(answer_method=method, cache="miss" if found == "fit" else "hit", cache_level=found, **figures)
    return jsonify(with_document(answer_payload(result, chunks, method, spans, placed)))


def _option_schemas() -> dict[str, Any]:
    # With a document the text comes from the file: the other fields are form fields or query values.
    properties = AnswerRequest.model_json_schema()["properties"]
    options = {k: {n: v for n, v in schema.items() if n != "title"} for k, schema in properties.items()}
    return {**{k: v for k, v in options.items() if k not in ("text", "chunks")}, "include_text": INCLUDE_TEXT}


OPERATIONS = [
    Operation(
        "/answer",
        "post",
        "Pick the chunk that best answers a question (BM25 or TF-IDF), with its best sentence.",
        response=AnswerResponse,
        request=AnswerRequest,
        request_name="AnswerRequest",
        multipart=True,
        documents=True,
        option_schemas=_option_schemas(),
        errors=(400, 413, 415, 422),
    ),
]
