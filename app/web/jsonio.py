"""Strict JSON for requests: what Python's parser lets through, the API refuses.

Python's ``json`` accepts ``NaN``, ``Infinity`` and ``1e999`` (as infinity), keeps the last of
duplicate keys, and raises ``RecursionError`` (a 500 in stock Flask) on deeply
nested input. Here all three are ``ValueError``s, which Flask turns into a 400
that the error handlers answer in JSON.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {literal[:20]}... is out of range")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


# Built once: json.loads with options builds a decoder on every call.
_DECODER = json.JSONDecoder(
    parse_constant=_reject_constant, parse_float=_finite_float, object_pairs_hook=_no_duplicates
)


def loads_strict(data: str | bytes) -> Any:
    """Parse JSON, refusing NaN/Infinity, duplicate keys and runaway nesting.

    Args:
        data: The JSON document; bytes must be UTF-8.

    Returns:
        The parsed value.

    Raises:
        ValueError: With a sentence saying what is wrong.
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    if data.startswith("\ufeff"):
        # What json.loads says; the decoder alone would only say "Expecting value".
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", data, 0)
    try:
        return _DECODER.decode(data)
    except RecursionError:
        raise ValueError("JSON is nested too deeply") from None


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with strict parsing and unsorted output keys."""

    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse a request body strictly; see :func:`loads_strict`."""
        return loads_strict(s)
