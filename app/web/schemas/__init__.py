"""Request and response models: what is enforced and what /openapi.json describes.

One module per endpoint (``chunking``, ``semantic``, ``answer``; ``documents``
for what the three say of an upload and for POST /extract), beside ``base``
(what every request model shares) and ``validation`` (checking a request and
naming the field at fault). The strategy request models are generated from
the strategies' own option declarations (:func:`app.core.chunkers.base.option`),
so a new option, default or bound appears in validation, in GET / and in the
OpenAPI description at once.
"""

from __future__ import annotations

from app.web.schemas.answer import (
    ANSWER_CHUNK_SIZE,
    ANSWER_CHUNKING_FIELDS,
    ANSWER_CONTEXT_FIELDS,
    ANSWER_STRATEGY,
    MAX_QUESTION_CHARS,
    AnswerRequest,
    AnswerResponse,
)
from app.web.schemas.base import OPTION_VALIDATORS, STRICT, Text, option_fields, plain
from app.web.schemas.chunking import (
    BATCH_MODELS,
    DEFAULT_STRATEGY,
    STRATEGY_MODELS,
    BatchChunkRequest,
    ChunkingRequest,
    ChunkingResponse,
    ChunkRequest,
    ChunkResponse,
)
from app.web.schemas.documents import DocumentInfo, ExtractResponse, PageSpanInfo
from app.web.schemas.semantic import (
    SEMANTIC_CONTEXT_FIELDS,
    SemanticBatchRequest,
    SemanticChunkingRequest,
    SemanticChunkingResponse,
    SemanticRequest,
    SemanticResponse,
)
from app.web.schemas.validation import ErrorDetail, ErrorResponse, unknown_field, unknown_strategy, validate

__all__ = [
    "ANSWER_CHUNKING_FIELDS",
    "ANSWER_CHUNK_SIZE",
    "ANSWER_CONTEXT_FIELDS",
    "ANSWER_STRATEGY",
    "BATCH_MODELS",
    "DEFAULT_STRATEGY",
    "MAX_QUESTION_CHARS",
    "OPTION_VALIDATORS",
    "SEMANTIC_CONTEXT_FIELDS",
    "STRATEGY_MODELS",
    "STRICT",
    "AnswerRequest",
    "AnswerResponse",
    "BatchChunkRequest",
    "ChunkRequest",
    "ChunkResponse",
    "ChunkingRequest",
    "ChunkingResponse",
    "DocumentInfo",
    "ErrorDetail",
    "ErrorResponse",
    "ExtractResponse",
    "PageSpanInfo",
    "SemanticBatchRequest",
    "SemanticChunkingRequest",
    "SemanticChunkingResponse",
    "SemanticRequest",
    "SemanticResponse",
    "Text",
    "option_fields",
    "plain",
    "unknown_field",
    "unknown_strategy",
    "validate",
]
