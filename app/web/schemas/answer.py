"""POST /answer: a question with chunks or a text, and the chunk that answers it."""

from __future__ import annotations

from itertools import filterfalse
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    create_model,
)

from app.core.chunkers import CHUNKERS
from app.core.context import ContextOptions
from app.core.retrieval import DEFAULT_METHOD, METHODS
from app.web.schemas.base import Text, option_fields, text_checked
from app.web.schemas.documents import DOCUMENT_FIELD, TEXT_FIELD, DocumentInfo

# POST /answer. Chunking options are every strategy's, optional here: they
# apply only with `text`, where the chosen strategy's own model checks them.
# Strategy and chunk_size for `text` were chosen on the development half of
# benchmarks/data/retrieval (benchmarks/RESULTS.md, "Retrieval on held-out
# documents"): the largest top-1 among strategies at sizes up to 1,000
# characters, ties to the smaller chunks.
ANSWER_STRATEGY = "sentence"
ANSWER_CHUNK_SIZE = 800
MAX_QUESTION_CHARS = 10_000


# Text's validator on each chunk is a Python call per chunk, on every
# follow-up question. The list is checked at once instead (only non-ASCII
# chunks can hold a lone surrogate); a list that fails goes through the
# per-chunk check, for its error naming the chunk (chunks[3]).
_EACH_CHUNK = TypeAdapter(list[Text])


def _chunks_are_text(chunks: list[str], info: ValidationInfo) -> list[str]:
    if text_checked(info):
        return chunks
    try:
        for chunk in filterfalse(str.isascii, chunks):
            chunk.encode("utf-8")
    except UnicodeEncodeError:
        _EACH_CHUNK.validate_python(chunks, strict=True)
    return chunks


Chunks = Annotated[list[str], Field(fail_fast=True), AfterValidator(_chunks_are_text)]

#: The context options /answer takes with `text`: where the answer sits, not how chunks are ranked.
ANSWER_CONTEXT_FIELDS = ("parent_size", "neighbours")


def _any_strategy_options() -> dict[str, Any]:
    hints: dict[str, list[Any]] = {}
    docs: dict[str, str | None] = {}
    context = {k: v for k, v in option_fields(ContextOptions).items() if k in ANSWER_CONTEXT_FIELDS}
    for declared in [option_fields(cls) for cls in CHUNKERS.values()] + [context]:
        for name, (hint, info) in declared.items():
            hints.setdefault(name, []).append(hint)
            docs.setdefault(name, info.description)
    # Described here with every strategy's types; checked once, by the chosen
    # strategy's own model, when the view chunks the text.
    fields: dict[str, Any] = {}
    for name, types in hints.items():
        described = TypeAdapter(Union[tuple(dict.fromkeys(types))] | None).json_schema()  # noqa: UP007
        fields[name] = (
            Annotated[Any, WithJsonSchema(described)],
            Field(default=None, description=docs[name]),
        )
    return fields


def _one_source(schema: dict[str, Any]) -> None:
    # What check_request in the view enforces, said in the schema so that
    # clients and fuzzers know it: exactly one of a `chunks` list and a
    # `text` string, and chunking options only beside `text`.
    options = [{"required": [name]} for name in sorted(ANSWER_CHUNKING_FIELDS)]
    schema["oneOf"] = [
        {"required": ["chunks"], "properties": {"chunks": {"type": "array"}}, "not": {"anyOf": options}},
        {"required": ["text"], "properties": {"text": {"type": "string"}}},
    ]


AnswerRequest = create_model(
    "AnswerRequest",
    __config__=ConfigDict(strict=True, extra="forbid", json_schema_extra=_one_source),
    __doc__="A question and the chunks to answer it from: `chunks`, or a `text` to chunk first (not both).",
    question=(Text, Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="The question.")),
    chunks=(
        Chunks | None,
        Field(default=None, description="The candidate chunks, in order."),
    ),
    text=(Text | None, Field(default=None, description="A text to chunk first, instead of `chunks`.")),
    top_k=(int, Field(default=3, ge=1, description="Length of `ranking`; at most MAX_TOP_K (GET /).")),
    method=(Literal[METHODS], Field(default=DEFAULT_METHOD, description="Relevance: BM25 or TF-IDF cosine.")),
    min_score=(
        float,
        Field(default=0.0, ge=0, description="The best chunk is the answer only when it scores above this."),
    ),
    strategy=(
        Literal[tuple(sorted(CHUNKERS))],
        Field(default=ANSWER_STRATEGY, description="With `text`: how to chunk it (as POST /chunking)."),
    ),
    **_any_strategy_options(),
)
#: Fields of AnswerRequest that are chunking options, valid only with `text`.
ANSWER_CHUNKING_FIELDS = frozenset(AnswerRequest.model_fields) - {
    "question",
    "chunks",
    "text",
    "top_k",
    "method",
    "min_score",
}


class RankedChunk(BaseModel):
    """One chunk's place in the ranking."""

    index: int = Field(description="Index of the chunk in `chunks` (or in the chunks of `text`).")
    score: float = Field(description="Relevance, rounded to 4 decimals; higher is better.")


class AnswerParent(BaseModel):
    """The parent chunk that holds the answer."""

    index: int = Field(description="Index of the parent among the parents of `text`.")
    start: int = Field(description="Offset of the parent's first character in `text`.")
    end: int = Field(description="Offset one past its last character.")


class AnswerWindow(BaseModel):
    """The answer with its neighbouring chunks: text[start:end]."""

    start: int = Field(description="Start of the chunk `neighbours` before the answer.")
    end: int = Field(description="End of the chunk `neighbours` after the answer.")


class AnswerResponse(BaseModel):
    """The chunk that best answers the question, and the evidence."""

    answer: str = Field(description="The best chunk; empty when `found` is false.")
    found: bool = Field(description="Whether a chunk scored above `min_score`.")
    score: float | None = Field(description="The answer's score (null when not found).")
    chunk_index: int | None = Field(description="The answer's index (null when not found).")
    answer_start: int | None = Field(
        description="Offset of `answer` in the request's `text`, in code points (null for given chunks)."
    )
    answer_end: int | None = Field(description="Offset one past the end of `answer` in `text`.")
    sentence: str = Field(
        description="The answer's sentence most similar to the question; empty when not found."
    )
    sentence_start: int | None = Field(description="Offset of `sentence` in `answer`, in code points.")
    sentence_end: int | None = Field(description="Offset one past the end of `sentence` in `answer`.")
    method: str = Field(description="The relevance method used.")
    ranking: list[RankedChunk] = Field(
        description="Up to `top_k` chunks sharing a term with the question, best first, whatever `min_score`."
    )
    parent: AnswerParent | None = Field(
        default=None, description="With parent_size: the parent holding the answer (null when not found)."
    )
    window: AnswerWindow | None = Field(
        default=None, description="With neighbours: the answer's window in `text` (null when not found)."
    )
    answer_page: int | None = Field(default=None, description="With a PDF upload: the answer's first page.")
    answer_last_page: int | None = Field(default=None, description="With a PDF upload: its last page.")
    document: DocumentInfo | None = DOCUMENT_FIELD
    text: str | None = TEXT_FIELD
