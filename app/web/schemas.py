"""Request and response models: what is enforced and what /openapi.json describes.

The strategy request models are generated from the strategies' own option
declarations (:func:`app.core.chunkers.base.option`), so a new option, default or
bound appears in validation, in GET / and in the OpenAPI description at once.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.core.chunkers import CHUNKERS
from app.core.chunkers.base import ORDERS, broken_order
from app.core.chunkers.semantic import SemanticOptions
from app.core.chunkers.thresholds import ThresholdMethod
from app.core.context import ContextOptions
from app.core.retrieval import DEFAULT_METHOD, METHODS
from app.web.errors import InvalidField, did_you_mean

STRICT = ConfigDict(strict=True, extra="forbid")
DEFAULT_STRATEGY = "recursive"


def no_surrogates(value: str) -> str:
    """Refuse strings holding lone surrogates: an escaped lone surrogate in JSON is not text."""
    if value.isascii():
        # The usual text: a scan in C, where encoding would copy a megabyte.
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"contains a lone surrogate at index {exc.start}") from None
    return value


Text = Annotated[str, AfterValidator(no_surrogates)]


def plain(doc: str | None) -> str | None:
    """A docstring's words as plain text for GET / and /openapi.json: ``chunk_size`` becomes chunk_size."""
    return None if doc is None else re.sub(r"``([^`]*)``|:\w+:`~?([^`]*)`", lambda m: m[1] or m[2], doc)


def option_fields(cls: type) -> dict[str, Any]:
    """Pydantic field definitions for a strategy dataclass's options.

    An option that must be smaller than another (:data:`ORDERS`) says so in
    its description; :func:`check_orders` enforces it.
    """
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    rules = {o.lower: o.rule() for o in ORDERS if o.lower in names and o.upper in names}
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        meta = f.metadata
        bounds = {k: meta[k] for k in ("ge", "le", "gt") if meta.get(k) is not None}
        doc = plain(meta.get("doc"))
        if f.name in rules:
            doc = f"{doc} It {rules[f.name]}."
        fields[f.name] = (hints[f.name], Field(default=f.default, description=doc, **bounds))
    return fields


def check_orders(model: Any) -> Any:
    """Refuse a request whose options contradict each other (:data:`ORDERS`), naming the first.

    Raises:
        PydanticCustomError: ``contradictory_options``, carrying the field and the message.
    """
    order = broken_order({name: getattr(model, name) for name in type(model).model_fields})
    if order is not None:
        raise PydanticCustomError(
            "contradictory_options", "{message}", {"field": order.lower, "message": order.message()}
        )
    return model


#: The validators every request model with options carries.
OPTION_VALIDATORS: dict[str, Any] = {"orders": model_validator(mode="after")(check_orders)}


def _strategy_model(name: str, cls: type) -> type[BaseModel]:
    doc = plain((cls.__doc__ or name).strip().splitlines()[0])
    return create_model(
        f"{cls.__name__.removesuffix('Chunker')}ChunkRequest",
        __config__=STRICT,
        __doc__=doc,
        __validators__=OPTION_VALIDATORS,
        text=(Text, Field(description="The text to split (UTF-8).")),
        strategy=_strategy_field(name),
        **option_fields(cls),
        **option_fields(ContextOptions),
    )


def _strategy_field(name: str) -> Any:
    # The views fill in the default strategy when it is left out, so the
    # schema must not call it required there (and only there).
    default: Any = name if name == DEFAULT_STRATEGY else ...
    return (Literal[name], Field(default, description=f"The strategy: {name}."))


def _batch_model(name: str, cls: type) -> type[BaseModel]:
    doc = plain((cls.__doc__ or name).strip().splitlines()[0])
    return create_model(
        f"{cls.__name__.removesuffix('Chunker')}BatchChunkRequest",
        __config__=STRICT,
        __validators__=OPTION_VALIDATORS,
        __doc__=f"{doc} Each text is chunked as a request with `text` would be.",
        texts=(list[Text], Field(fail_fast=True, description="The texts to split (UTF-8), each on its own.")),
        strategy=_strategy_field(name),
        **option_fields(cls),
        **option_fields(ContextOptions),
    )


def _tagged(models: Iterable[type[BaseModel]]) -> Any:
    return Annotated[Union[tuple(models)], Field(discriminator="strategy")]  # noqa: UP007


def _without_discriminator(schema: dict[str, Any]) -> None:
    # OpenAPI's discriminator tells clients that the property is always in the
    # payload, while a request may leave `strategy` out and mean the default.
    # The published oneOf needs no hint: every alternative but the default's
    # requires its own `strategy` constant, so exactly one matches any body.
    schema.pop("discriminator", None)


def _published(name: str, doc: str, models: Iterable[type[BaseModel]]) -> type[BaseModel]:
    root: Any = RootModel
    return create_model(
        name,
        __base__=root[_tagged(models)],
        __doc__=doc,
        __config__=ConfigDict(json_schema_extra=_without_discriminator),
    )


def _named_union(name: str, doc: str, *alternatives: Any) -> type[BaseModel]:
    # A root model only to give a union its own component name in /openapi.json.
    root: Any = RootModel
    return create_model(name, __base__=root[Union[alternatives]], __doc__=doc)  # noqa: UP007


STRATEGY_MODELS: dict[str, type[BaseModel]] = {n: _strategy_model(n, c) for n, c in CHUNKERS.items()}
BATCH_MODELS: dict[str, type[BaseModel]] = {n: _batch_model(n, c) for n, c in CHUNKERS.items()}
ChunkRequest: TypeAdapter[Any] = TypeAdapter(_tagged(STRATEGY_MODELS.values()))
BatchChunkRequest: TypeAdapter[Any] = TypeAdapter(_tagged(BATCH_MODELS.values()))
# What /openapi.json shows for POST /chunking: exactly the two adapters above, as alternatives.
ChunkingRequest = _named_union(
    "ChunkingRequest",
    "One text (`text`) or a batch (`texts`, answered with `results`), never both.",
    _published("ChunkRequest", "One text.", STRATEGY_MODELS.values()),
    _published("BatchChunkRequest", "A batch of texts with one set of options.", BATCH_MODELS.values()),
)


class DocumentInfo(BaseModel):
    """The uploaded document the text was extracted from."""

    format: Literal["pdf", "docx", "html", "markdown", "text"] = Field(description="Told by the bytes.")
    pages: int | None = Field(description="Number of pages (PDF); null for formats without pages.")
    chars: int = Field(description="Length of the extracted text, in code points.")
    sha256: str = Field(description="Hex SHA-256 of the uploaded bytes.")


class PageSpanInfo(BaseModel):
    """Where one page is in the extracted text: text[start:end]."""

    page: int = Field(description="Page number, from 1.")
    start: int = Field(description="Offset of the page's first character, in code points.")
    end: int = Field(description="Offset one past its last character (a form feed separates pages).")


class ExtractResponse(BaseModel):
    """POST /extract's answer: the text that chunk offsets index, and where it came from."""

    text: str = Field(description="The extracted text; PDF pages joined by form feeds, DOCX as Markdown.")
    document: DocumentInfo
    pages: list[PageSpanInfo] = Field(description="The page spans (PDF); empty for formats without pages.")


_DOCUMENT = Field(default=None, description="With a document upload: what it was.")
_TEXT = Field(default=None, description="With a document upload and include_text=true: the extracted text.")
_PAGE = Field(default=None, description="With a PDF upload: the page of the first character.")
_LAST_PAGE = Field(default=None, description="With a PDF upload: the page of the last character.")


class ChunkMetadata(BaseModel):
    """Where a chunk comes from; strategies add their own keys."""

    model_config = ConfigDict(extra="allow")
    start: int = Field(description="Offset of the first character, in code points.")
    end: int = Field(description="Offset one past the last character.")
    size: int = Field(description="Size of the chunk in the request's unit.")
    page: int | None = _PAGE
    last_page: int | None = _LAST_PAGE


class ChunkResponse(BaseModel):
    """The chunks of one text."""

    chunks: list[str]
    metadata: list[ChunkMetadata]
    strategy: str
    params: dict[str, Any] = Field(description="The effective options, defaults included.")
    count: int
    document: DocumentInfo | None = _DOCUMENT
    text: str | None = _TEXT


class BatchChunkResponse(BaseModel):
    """The chunks of each text of a batch, in the order of the texts."""

    results: list[ChunkResponse] = Field(description="results[i] is what a request with texts[i] gives.")


class ChunkingResponse(RootModel[ChunkResponse | BatchChunkResponse]):
    """POST /chunking's answer: one result, or `results` (one per text, in order) for a batch."""


class ErrorDetail(BaseModel):
    """What went wrong."""

    status: int
    code: str
    message: str
    field: str | None = Field(default=None, description="The input at fault, when one is.")


class ErrorResponse(BaseModel):
    """Every error answer has this shape."""

    error: ErrorDetail


def unknown_strategy(name: str) -> str:
    """The message for an unknown strategy: the closest names, then every valid one."""
    hint = did_you_mean(name, CHUNKERS)
    valid = ", ".join(sorted(CHUNKERS))
    if hint:
        return f"unknown strategy {name!r}; {hint} Valid strategies: {valid}"
    return f"unknown strategy {name!r}; valid strategies: {valid}"


def unknown_field(name: str, strategy: str | None) -> str:
    """The message for an unknown field, with the closest known names.

    A field that is another strategy's option (``pack`` sent to
    ``recursive``) is named as such, with the strategies that take it.
    """
    model = STRATEGY_MODELS.get(strategy or "")
    takers = sorted(n for n, m in STRATEGY_MODELS.items() if name in m.model_fields)
    if model is not None and takers:
        takes = ", ".join(takers)
        return f"{name!r} is not an option of strategy {strategy!r}; strategies that take it: {takes}"
    hint = did_you_mean(name, model.model_fields if model is not None else _REQUEST_FIELDS)
    if hint:
        return f"unknown field {name!r}; {hint}"
    if model is not None:
        options = ", ".join(k for k in model.model_fields if k not in ("text", "texts", "strategy"))
        return f"unknown field {name!r}; strategy {strategy!r} takes: {options}"
    return f"unknown field {name!r}"


def _describe(error: Any, tagged: bool) -> tuple[str, str]:
    loc = list(error["loc"][1:] if tagged and error["loc"] else error["loc"])
    # Requests are flat: a field, then list indices, named as in Python and
    # JavaScript (texts[3], not texts.3). Pydantic also puts the member of a
    # union that failed in the location (unit.literal['chars','words']): that
    # names no input, so only the indices after the field are kept.
    field = "".join([str(loc[0]), *(f"[{p}]" for p in loc[1:] if isinstance(p, int))]) if loc else "body"
    kind = error["type"]
    if kind == "contradictory_options":
        return error["ctx"]["field"], error["ctx"]["message"]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "strategy", unknown_strategy(str(error["ctx"].get("tag", "")))
    if kind == "extra_forbidden":
        strategy = str(error["loc"][0]) if tagged and error["loc"] else None
        return field, unknown_field(field, strategy)
    if kind == "missing":
        return field, f"{field} is required"
    return field, f"{field}: {error['msg']}"


def validate(
    adapter: TypeAdapter[Any] | type[BaseModel], fields: dict[str, Any], strict: bool, tagged: bool = False
) -> Any:
    """Validate request fields against a model, answering failures with a 400.

    Args:
        adapter: A model class or a type adapter over a tagged union of models.
        fields: The request's fields.
        strict: True for JSON (types must match), False for strings from a
            query string or form (converted by the field's type).
        tagged: True when the first location element is the union's tag.

    Returns:
        The validated model instance.

    Raises:
        InvalidField: Naming the first field at fault.
    """
    if len(fields) > len(_REQUEST_FIELDS):
        # Some keys are unknown; pydantic would list an error for each, seconds
        # for a body of a million keys, where only the first is reported.
        unknown = next(key for key in fields if key not in _REQUEST_FIELDS)
        raise InvalidField(unknown_field(unknown, None), unknown)
    try:
        if isinstance(adapter, TypeAdapter):
            return adapter.validate_python(fields, strict=strict)
        return adapter.model_validate(fields, strict=strict)
    except ValidationError as exc:
        field, message = _describe(exc.errors()[0], tagged)
        raise InvalidField(message, field) from None


# POST /answer. Chunking options are every strategy's, optional here: they
# apply only with `text`, where the chosen strategy's own model checks them.
# Strategy and chunk_size for `text` were chosen on the development half of
# benchmarks/data/retrieval (benchmarks/RESULTS.md, "Retrieval on held-out
# documents"): the largest top-1 among strategies at sizes up to 1,000
# characters, ties to the smaller chunks.
ANSWER_STRATEGY = "sentence"
ANSWER_CHUNK_SIZE = 800
MAX_QUESTION_CHARS = 10_000


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
        list[Text] | None,
        Field(default=None, fail_fast=True, description="The candidate chunks, in order."),
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
    document: DocumentInfo | None = _DOCUMENT
    text: str | None = _TEXT


# POST /semantic-chunking: the options are SemanticOptions' own declarations,
# and `unit` also takes the grouping units under their old spelling.
DEPRECATED_UNITS = ("sentence", "paragraph")


#: The context options /semantic-chunking takes (its groups have no parents).
SEMANTIC_CONTEXT_FIELDS = ("contextualize", "neighbours")


def _semantic_options() -> dict[str, Any]:
    context = option_fields(ContextOptions)
    fields = {**option_fields(SemanticOptions), **{k: context[k] for k in SEMANTIC_CONTEXT_FIELDS}}
    hint, info = fields["unit"]
    info.description = (
        f"{info.description} Deprecated: the values sentence and paragraph, the old spelling of split_by."
    )
    fields["unit"] = (Literal[(*typing.get_args(hint), *DEPRECATED_UNITS)], info)
    return fields


def check_semantic_unit(model: Any) -> Any:
    """Read the deprecated ``"unit": "sentence"|"paragraph"`` as ``split_by``.

    Raises:
        PydanticCustomError: When ``split_by`` is given too and says otherwise.
    """
    if model.unit in DEPRECATED_UNITS:
        if "split_by" in model.model_fields_set and model.split_by != model.unit:
            message = f"unit {model.unit!r} is the old spelling of split_by, which says {model.split_by!r}"
            raise PydanticCustomError(
                "contradictory_options", "{message}", {"field": "unit", "message": message}
            )
        model.split_by, model.unit = model.unit, "chars"
    return model


SEMANTIC_VALIDATORS: dict[str, Any] = {
    **OPTION_VALIDATORS,
    "deprecated_unit": model_validator(mode="after")(check_semantic_unit),
}

SemanticRequest = create_model(
    "SemanticRequest",
    __config__=STRICT,
    __doc__="A text to split into units, measure, group and explain; sizes are in characters.",
    __validators__=SEMANTIC_VALIDATORS,
    text=(Text, Field(description="The text to split (UTF-8).")),
    **_semantic_options(),
)

SemanticBatchRequest = create_model(
    "SemanticBatchRequest",
    __config__=STRICT,
    __doc__="A batch of texts, each split, measured and grouped as a request with `text` would be.",
    __validators__=SEMANTIC_VALIDATORS,
    texts=(list[Text], Field(fail_fast=True, description="The texts to split (UTF-8), each on its own.")),
    **_semantic_options(),
)
#: Every field of every request model: a body with more keys than this has unknown ones.
_REQUEST_FIELDS = frozenset(
    name
    for model in (*STRATEGY_MODELS.values(), *BATCH_MODELS.values(), AnswerRequest, SemanticBatchRequest)
    for name in model.model_fields
) | frozenset(SemanticRequest.model_fields)
# What /openapi.json shows for POST /semantic-chunking: one text or a batch.
SemanticChunkingRequest = _named_union(
    "SemanticChunkingRequest",
    "One text (`text`) or a batch (`texts`, answered with `results`), never both.",
    SemanticRequest,
    SemanticBatchRequest,
)

Similarity = Annotated[float, Field(ge=0, le=1)]
Offset = Annotated[int, Field(ge=0)]
RESPONSE = ConfigDict(extra="forbid")


class SemanticChunkMetadata(BaseModel):
    """Where a semantic chunk comes from."""

    model_config = RESPONSE
    start: Offset = Field(description="Offset of the first character, in code points.")
    end: Offset = Field(description="Offset one past the last character.")
    size: Offset = Field(description="Length of the chunk in characters.")
    page: int | None = _PAGE
    last_page: int | None = _LAST_PAGE
    headings: list[str] | None = Field(default=None, description="With context: the heading path.")
    table_header: str | None = Field(default=None, description="The header of the table it starts in.")
    context: str | None = Field(default=None, description="With contextualize: the heading path on one line.")
    contextualized: str | None = Field(
        default=None, description="With contextualize: context, a blank line, then the chunk."
    )
    window_start: Offset | None = Field(default=None, description="With neighbours: the window's start.")
    window_end: Offset | None = Field(default=None, description="With neighbours: the window's end.")


class InternalSimilarity(BaseModel):
    """The links inside a group; null for a group of one unit."""

    model_config = RESPONSE
    min: Similarity | None = Field(description="The weakest link inside the group.")
    mean: Similarity | None = Field(description="The mean of the links inside the group.")


class BoundarySimilarity(BaseModel):
    """The links on either side of a group; null at the start or end of the text."""

    model_config = RESPONSE
    before: Similarity | None = Field(description="Similarity between the previous unit and the first.")
    after: Similarity | None = Field(description="Similarity between the last unit and the next.")


class SemanticGroup(BaseModel):
    """One group of units, and the thresholds that would reproduce it."""

    model_config = RESPONSE
    members: list[Offset] = Field(description="Indices of the group's units in `initial_chunks`.")
    start: Offset = Field(description="Offset of the group's first character.")
    end: Offset = Field(description="Offset one past the group's last character.")
    suggested_threshold: Similarity | None = Field(description="Midpoint of `threshold_range`.")
    threshold_range: tuple[Similarity, Similarity] | None = Field(
        description="[low, high]: every threshold t with low < t <= high gives this group; null if none does."
    )
    stable: bool = Field(description="Whether `threshold_range` is not empty.")
    internal_similarity: InternalSimilarity
    boundary_similarity: BoundarySimilarity


class ThresholdChoice(BaseModel):
    """A threshold to send back, and how many groups it gives with the request's other options."""

    model_config = RESPONSE
    threshold: Similarity
    groups: Offset


class SemanticResponse(BaseModel):
    """The groups of one text, with the similarity curve and the thresholds that explain them."""

    model_config = RESPONSE
    chunks: list[str] = Field(description="The groups' texts, in order.")
    metadata: list[SemanticChunkMetadata] = Field(description="metadata[i] describes chunks[i].")
    initial_chunks: list[str] = Field(description="The units (sentences or paragraphs), in order.")
    similarity: Literal["tfidf", "embeddings"] = Field(description="How the units were compared.")
    similarities: list[Similarity] = Field(
        description="similarities[i]: between unit i and unit i + 1, rounded to 6 decimals."
    )
    cohesion: list[Similarity] | None = Field(
        description=(
            "With threshold_method depth: cohesion[i] is 1 - the depth of the valley at gap i (1 where"
            " no valley may split), and threshold, threshold ranges and group link values refer to it;"
            " null otherwise (they refer to similarities)."
        )
    )
    threshold: Similarity | None = Field(
        description="Units split where the curve (cohesion or similarity) < threshold."
    )
    threshold_method: ThresholdMethod | None = Field(
        description="The method that chose `threshold`; null when the request gave it."
    )
    suggested_threshold: Similarity | None = Field(
        description="Middle of the thresholds giving the same split as `threshold`, before size bounds."
    )
    threshold_choices: list[ThresholdChoice] = Field(
        description=(
            "The suggested threshold and a few giving fewer or more groups, ascending,"
            " each with its group count."
        )
    )
    groups: list[SemanticGroup] = Field(description="groups[i] describes chunks[i].")
    document: DocumentInfo | None = _DOCUMENT
    text: str | None = _TEXT


class SemanticBatchResponse(BaseModel):
    """The analysis of each text of a batch, in the order of the texts."""

    model_config = RESPONSE
    results: list[SemanticResponse] = Field(description="results[i] is what a request with texts[i] gives.")


class SemanticChunkingResponse(RootModel[SemanticResponse | SemanticBatchResponse]):
    """POST /semantic-chunking's answer: one analysis, or `results` (one per text, in order) for a batch."""
