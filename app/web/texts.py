"""Batch input over HTTP: ``"texts": [...]`` in place of ``"text"``, its limits and its errors.

A batch is answered with ``{"results": [...]}``, where ``results[i]`` is
exactly what a request with ``texts[i]`` as its ``text`` would give. The batch
as a whole is bounded like one request: at most ``MAX_BATCH_TEXTS`` texts,
``MAX_TEXT_CHARS`` characters and ``MAX_CHUNKS`` chunks in all, so a batch
costs a worker no more than the largest single request does. An error caused
by one text names it by its index (``texts[3]``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from app.core.chunkers import InvalidOptions
from app.web.errors import ApiError, InvalidField
from app.web.guards import check_total

R = TypeVar("R")


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


def each_text(
    texts: Sequence[str],
    work: Callable[[str], R],
    count: Callable[[R], int],
    limit: int,
    *,
    what: str = "chunks",
    field: str = "chunk_size",
) -> list[R]:
    """Do ``work`` on each text of a batch, in order, within the batch's chunk limit.

    Args:
        texts: The batch's texts, already within :func:`app.web.guards.check_texts`.
        work: What a single request does with one text.
        count: How many chunks (or units) a result holds.
        limit: The most chunks the whole batch may give.
        what: What ``count`` counts, for the error message.
        field: The field an error over the limit names.

    Returns:
        ``work(texts[i])`` for each ``i``.

    Raises:
        TooManyChunks: As soon as the results so far hold more than ``limit``.
        ApiError: Any error of ``work``, renamed by :func:`naming_text`.
    """
    results: list[R] = []
    total = 0
    for index, text in enumerate(texts):
        with naming_text(index):
            result = work(text)
        total += count(result)
        check_total(total, limit, what=what, field=field)
        results.append(result)
    return results
