"""POST /chunking: one request model per strategy, made from its option declarations, and the answer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    TypeAdapter,
    create_model,
)

from app.core.chunkers import CHUNKERS
from app.core.context import ContextOptions
from app.web.schemas.base import (
    OPTION_VALIDATORS,
    STRICT,
    Text,
    named_union,
    option_fields,
    plain,
    published,
    tagged,
)
from app.web.schemas.documents import DOCUMENT_FIELD, LAST_PAGE_FIELD, PAGE_FIELD, TEXT_FIELD, DocumentInfo

DEFAULT_STRATEGY = "recursive"


def _request_model(name: str, cls: type, *, batch: bool) -> type[BaseModel]:
    """The request model of one strategy: one ``text``, or a batch of ``texts``."""
    doc = plain((cls.__doc__ or name).strip().splitlines()[0])
    if batch:
        body: dict[str, Any] = {
            "texts": (
                list[Text],
                Field(fail_fast=True, description="The texts to split (UTF-8), each on its own."),
            )
        }
        doc = f"{doc} Each text is chunked as a request with `text` would be."
    else:
        body = {"text": (Text, Field(description="The text to split (UTF-8)."))}
    return create_model(
        f"{cls.__name__.removesuffix('Chunker')}{'Batch' if batch else ''}ChunkRequest",
        __config__=STRICT,
        __doc__=doc,
        __validators__=OPTION_VALIDATORS,
        **body,
        strategy=_strategy_field(name),
        **option_fields(cls),
        **option_fields(ContextOptions),
    )


def _strategy_field(name: str) -> Any:
    # The views fill in the default strategy when it is left out, so the
    # schema must not call it required there (and only there).
    default: Any = name if name == DEFAULT_STRATEGY else ...
    return (Literal[name], Field(default, description=f"The strategy: {name}."))


STRATEGY_MODELS: dict[str, type[BaseModel]] = {
    n: _request_model(n, c, batch=False) for n, c in CHUNKERS.items()
}
BATCH_MODELS: dict[str, type[BaseModel]] = {n: _request_model(n, c, batch=True) for n, c in CHUNKERS.items()}
ChunkRequest: TypeAdapter[Any] = TypeAdapter(tagged(STRATEGY_MODELS.values()))
BatchChunkRequest: TypeAdapter[Any] = TypeAdapter(tagged(BATCH_MODELS.values()))
# What /openapi.json shows for POST /chunking: exactly the two adapters above, as alternatives.
ChunkingRequest = named_union(
    "ChunkingRequest",
    "One text (`text`) or a batch (`texts`, answered with `results`), never both.",
    published("ChunkRequest", "One text.", STRATEGY_MODELS.values()),
    published("BatchChunkRequest", "A batch of texts with one set of options.", BATCH_MODELS.values()),
)


class ChunkMetadata(BaseModel):
    """Where a chunk comes from; strategies add their own keys."""

    model_config = ConfigDict(extra="allow")
    start: int = Field(description="Offset of the first character, in code points.")
    end: int = Field(description="Offset one past the last character.")
    size: int = Field(description="Size of the chunk in the request's unit.")
    page: int | None = PAGE_FIELD
    last_page: int | None = LAST_PAGE_FIELD


class ChunkResponse(BaseModel):
    """The chunks of one text."""

    chunks: list[str]
    metadata: list[ChunkMetadata]
    strategy: str
    params: dict[str, Any] = Field(description="The effective options, defaults included.")
    count: int
    document: DocumentInfo | None = DOCUMENT_FIELD
    text: str | None = TEXT_FIELD


class BatchChunkResponse(BaseModel):
    """The chunks of each text of a batch, in the order of the texts."""

    results: list[ChunkResponse] = Field(description="results[i] is what a request with texts[i] gives.")


class ChunkingResponse(RootModel[ChunkResponse | BatchChunkResponse]):
    """POST /chunking's answer: one result, or `results` (one per text, in order) for a batch."""
