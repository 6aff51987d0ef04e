"""Validating a request against its model, and errors that name the field at fault."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    Field,
    TypeAdapter,
    ValidationError,
)

from app.core.chunkers import CHUNKERS
from app.web.errors import InvalidField, did_you_mean
from app.web.schemas.answer import AnswerRequest
from app.web.schemas.base import TEXT_CHECKED
from app.web.schemas.chunking import BATCH_MODELS, STRATEGY_MODELS
from app.web.schemas.semantic import SemanticBatchRequest, SemanticRequest


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
    adapter: TypeAdapter[Any] | type[BaseModel],
    fields: dict[str, Any],
    strict: bool,
    tagged: bool = False,
    text_checked: bool = False,
) -> Any:
    """Validate request fields against a model, answering failures with a 400.

    Args:
        adapter: A model class or a type adapter over a tagged union of models.
        fields: The request's fields.
        strict: True for JSON (types must match), False for strings from a
            query string or form (converted by the field's type).
        tagged: True when the first location element is the union's tag.
        text_checked: True when no string in ``fields`` can hold a lone
            surrogate, so the text fields skip that check.

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
    context = TEXT_CHECKED if text_checked else None
    try:
        if isinstance(adapter, TypeAdapter):
            return adapter.validate_python(fields, strict=strict, context=context)
        return adapter.model_validate(fields, strict=strict, context=context)
    except ValidationError as exc:
        field, message = _describe(exc.errors()[0], tagged)
        raise InvalidField(message, field) from None


#: Every field of every request model: a body with more keys than this has unknown ones.
_REQUEST_FIELDS = frozenset(
    name
    for model in (*STRATEGY_MODELS.values(), *BATCH_MODELS.values(), AnswerRequest, SemanticBatchRequest)
    for name in model.model_fields
) | frozenset(SemanticRequest.model_fields)
