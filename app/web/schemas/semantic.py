"""POST /semantic-chunking: the options of SemanticOptions, and the analysis it answers with."""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.core.chunkers.semantic import SemanticOptions
from app.core.chunkers.thresholds import ThresholdMethod
from app.core.context import ContextOptions
from app.web.schemas.base import OPTION_VALIDATORS, STRICT, Text, named_union, option_fields
from app.web.schemas.documents import DOCUMENT_FIELD, LAST_PAGE_FIELD, PAGE_FIELD, TEXT_FIELD, DocumentInfo

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

# What /openapi.json shows for POST /semantic-chunking: one text or a batch.
SemanticChunkingRequest = named_union(
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
    page: int | None = PAGE_FIELD
    last_page: int | None = LAST_PAGE_FIELD
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
    document: DocumentInfo | None = DOCUMENT_FIELD
    text: str | None = TEXT_FIELD


class SemanticBatchResponse(BaseModel):
    """The analysis of each text of a batch, in the order of the texts."""

    model_config = RESPONSE
    results: list[SemanticResponse] = Field(description="results[i] is what a request with texts[i] gives.")


class SemanticChunkingResponse(RootModel[SemanticResponse | SemanticBatchResponse]):
    """POST /semantic-chunking's answer: one analysis, or `results` (one per text, in order) for a batch."""
