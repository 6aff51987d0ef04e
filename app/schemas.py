"""Request and response models: what is enforced and what /openapi.json describes.

The strategy request models are generated from the strategies' own option
declarations (:func:`app.chunkers.base.option`), so a new option, default or
bound appears in validation, in GET / and in the OpenAPI description at once.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from app.chunkers import CHUNKERS
from app.errors import InvalidField

STRICT = ConfigDict(strict=True, extra="forbid")
DEFAULT_STRATEGY = "recursive"


def no_surrogates(value: str) -> str:
    """Refuse strings holding lone surrogates: an escaped lone surrogate in JSON is not text."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"contains a lone surrogate at index {exc.start}") from None
    return value


Text = Annotated[str, AfterValidator(no_surrogates)]


def option_fields(cls: type) -> dict[str, Any]:
    """Pydantic field definitions for a strategy dataclass's options."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        meta = f.metadata
        bounds = {k: meta[k] for k in ("ge", "le", "gt") if meta.get(k) is not None}
        fields[f.name] = (hints[f.name], Field(default=f.default, description=meta.get("doc"), **bounds))
    return fields


def _strategy_model(name: str, cls: type) -> type[BaseModel]:
    doc = (cls.__doc__ or name).strip().splitlines()[0]
    return create_model(
        f"{cls.__name__.removesuffix('Chunker')}Request",
        __config__=STRICT,
        __doc__=doc,
        text=(Text, Field(description="The text to split (UTF-8).")),
        strategy=(Literal[name], Field(description=f"The strategy: {name}.")),
        **option_fields(cls),
    )


STRATEGY_MODELS: dict[str, type[BaseModel]] = {n: _strategy_model(n, c) for n, c in CHUNKERS.items()}
ChunkRequest: TypeAdapter[Any] = TypeAdapter(
    Annotated[Union[tuple(STRATEGY_MODELS.values())], Field(discriminator="strategy")]  # noqa: UP007
)


class ChunkMetadata(BaseModel):
    """Where a chunk comes from; strategies add their own keys."""

    model_config = ConfigDict(extra="allow")
    start: int = Field(description="Offset of the first character, in code points.")
    end: int = Field(description="Offset one past the last character.")
    size: int = Field(description="Size of the chunk in the request's unit.")


class ChunkResponse(BaseModel):
    """The chunks of one text."""

    chunks: list[str]
    metadata: list[ChunkMetadata]
    strategy: str
    params: dict[str, Any] = Field(description="The effective options, defaults included.")
    count: int


class ErrorDetail(BaseModel):
    """What went wrong."""

    status: int
    code: str
    message: str
    field: str | None = Field(default=None, description="The input at fault, when one is.")


class ErrorResponse(BaseModel):
    """Every error answer has this shape."""

    error: ErrorDetail


def _describe(error: Any, tagged: bool) -> tuple[str, str]:
    loc = list(error["loc"][1:] if tagged and error["loc"] else error["loc"])
    field = ".".join(str(p) for p in loc) or "body"
    kind = error["type"]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        valid = ", ".join(sorted(CHUNKERS))
        return "strategy", f"unknown strategy {error['ctx'].get('tag', '')!r}; valid strategies: {valid}"
    if kind == "extra_forbidden":
        return field, f"unknown field {field!r}"
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
    try:
        if isinstance(adapter, TypeAdapter):
            return adapter.validate_python(fields, strict=strict)
        return adapter.model_validate(fields, strict=strict)
    except ValidationError as exc:
        field, message = _describe(exc.errors()[0], tagged)
        raise InvalidField(message, field) from None
