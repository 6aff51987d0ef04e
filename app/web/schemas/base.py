"""What every request model shares: strict text, option fields from the strategies' declarations, unions."""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterable
from typing import Annotated, Any, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationInfo,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.core.chunkers.base import ORDERS, broken_order

STRICT = ConfigDict(strict=True, extra="forbid")


#: The validation context of fields whose strings are known to hold no lone surrogate.
TEXT_CHECKED = {"text_checked": True}


def text_checked(info: ValidationInfo) -> bool:
    """Whether the fields being validated are known to hold no lone surrogate (see :data:`TEXT_CHECKED`)."""
    return info.context is TEXT_CHECKED


def no_surrogates(value: str, info: ValidationInfo) -> str:
    """Refuse strings holding lone surrogates: an escaped lone surrogate in JSON is not text."""
    if value.isascii() or text_checked(info):
        # ASCII is known from the string's kind; a checked body needs no
        # second pass, where encoding would copy a megabyte.
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
    order = broken_order(model)
    if order is not None:
        raise PydanticCustomError(
            "contradictory_options", "{message}", {"field": order.lower, "message": order.message()}
        )
    return model


#: The validators every request model with options carries.
OPTION_VALIDATORS: dict[str, Any] = {"orders": model_validator(mode="after")(check_orders)}


def tagged(models: Iterable[type[BaseModel]]) -> Any:
    """The union of strategy models, told apart by their ``strategy`` field."""
    return Annotated[Union[tuple(models)], Field(discriminator="strategy")]  # noqa: UP007


def _without_discriminator(schema: dict[str, Any]) -> None:
    # OpenAPI's discriminator tells clients that the property is always in the
    # payload, while a request may leave `strategy` out and mean the default.
    # The published oneOf needs no hint: every alternative but the default's
    # requires its own `strategy` constant, so exactly one matches any body.
    schema.pop("discriminator", None)


def published(name: str, doc: str, models: Iterable[type[BaseModel]]) -> type[BaseModel]:
    """A tagged union as /openapi.json names and shows it, without the discriminator hint."""
    root: Any = RootModel
    return create_model(
        name,
        __base__=root[tagged(models)],
        __doc__=doc,
        __config__=ConfigDict(json_schema_extra=_without_discriminator),
    )


def named_union(name: str, doc: str, *alternatives: Any) -> type[BaseModel]:
    """A union with its own component name in /openapi.json (a root model only for that)."""
    root: Any = RootModel
    return create_model(name, __base__=root[Union[alternatives]], __doc__=doc)  # noqa: UP007
