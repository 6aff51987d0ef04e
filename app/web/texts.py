"""Batch input over HTTP: ``"texts": [...]`` in place of ``"text"``, its limits and its errors.

A batch is answered with ``{"results": [...]}``, where ``results[i]`` is
exactly what a request with ``texts[i]`` as its ``text`` would give. The batch
as a whole is bounded like one request: at most ``MAX_BATCH_TEXTS`` texts,
``MAX_TEXT_CHARS`` characters and ``MAX_CHUNKS`` chunks in all, so a batch
costs a worker no more than the largest single request does. An error caused
by one text names it by its index (``texts[3]``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from app.core.chunkers import InvalidOptions
from app.web.errors import ApiError, InvalidField, PayloadTooLarge


def is_batch(fields: Mapping[str, Any], typed: bool) -> bool:
    """Tell a batch request (``texts``) from a single one (``text``).

    Args:
        fields: The request's fields, as :func:`app.web.inputs.read_fields` gives them.
        typed: Whether they came as JSON; a batch is read only from JSON.

    Returns:
        True when ``texts`` is present.

    Raises:
        InvalidField: Naming ``texts`` when both ``text`` and ``texts`` are
            given, or ``texts`` came in a query string or form.
    """
    if "texts" not in fields:
        return False
    if not typed:
        raise InvalidField("texts (a batch) is read only from a JSON body", "texts")
    if "text" in fields:
        raise InvalidField("send either text or texts, not both", "texts")
    return True


def check_texts(texts: Sequence[str], config: Mapping[str, Any]) -> None:
    """Refuse a batch over its limits before any work.

    Args:
        texts: The batch's texts.
        config: The app's settings (``MAX_BATCH_TEXTS``, ``MAX_TEXT_CHARS``).

    Raises:
        PayloadTooLarge: Naming ``texts`` for too many texts or too many
            characters in all, or ``texts[i]`` for one text over the limit.
    """
    most, limit = config["MAX_BATCH_TEXTS"], config["MAX_TEXT_CHARS"]
    if len(texts) > most:
        raise PayloadTooLarge(f"texts has {len(texts)} items; the limit is {most}", "texts")
    for index, text in enumerate(texts):
        if len(text) > limit:
            field = f"texts[{index}]"
            raise PayloadTooLarge(f"{field} has {len(text)} characters; the limit is {limit}", field)
    total = sum(len(text) for text in texts)
    if total > limit:
        raise PayloadTooLarge(f"texts have {total} characters in all; the limit is {limit}", "texts")


@contextmanager
def naming_text(index: int) -> Iterator[None]:
    """Re-raise an error about one text of a batch so that it names ``texts[index]``.

    An error about the text itself (field ``text`` or none) gets the field
    ``texts[index]``; an error about an option keeps its field, and both say
    which text caused them.

    Raises:
        ApiError: The same class as the error raised inside, renamed.
    """
    name = f"texts[{index}]"
    try:
        yield
    except ApiError as exc:
        field = name if exc.field in (None, "text") else exc.field
        raise type(exc)(f"{name}: {exc.message}", field) from None
    except InvalidOptions as exc:
        field = name if exc.field == "text" else exc.field
        raise InvalidField(f"{name}: {exc.message}", field) from None
