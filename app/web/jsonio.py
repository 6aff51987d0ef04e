"""Strict JSON for requests: what Python's parser lets through, the API refuses.

Python's ``json`` accepts ``NaN``, ``Infinity`` and ``1e999`` (as infinity), keeps the last of
duplicate keys, and raises ``RecursionError`` (a 500 in stock Flask) on deeply
nested input. Here all three are ``ValueError``s, which Flask turns into a 400
that the error handlers answer in JSON.

That strict parser runs Python's decoder, about 9 ms for a body of 10,000
chunks (20 ms when the text comes as UTF-8 rather than ASCII escapes). So a
body of 16 KiB or more is first parsed by orjson (6 ms either way), and its result is kept
only when it is certainly what the strict parser would return: orjson
refuses ``NaN``, infinities and lone surrogates itself, and :func:`_is_plain`
and :func:`_key_ends_match` rule out what it would let through (duplicate keys,
integers too large for it, nesting deeper than the strict parser may
reach). Anything else, every malformed body included, goes to the strict
parser, so errors and their messages are its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import orjson
from flask import request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import ClientDisconnected
from werkzeug.sansio.response import Response


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


# Where a key ends: a quote, a colon, then the start of a value. Inside a
# string a quote is escaped, so a match whose quote follows an odd run of
# backslashes is text; a string may still begin like a key's end (": 1"),
# which only sends the body to the strict parser.
_VALUE_START = r'["{\[\-0-9]|true|false|null'
_KEY_END = re.compile(rb'"[ \t\n\r]*:[ \t\n\r]*(?=' + _VALUE_START.encode() + rb")")
_KEY_END_TEXT = re.compile(r'"[ \t\n\r]*:[ \t\n\r]*(?=' + _VALUE_START + r")")
# orjson reads an integer beyond 64 bits as a float, where Python keeps it
# an integer: floats this large go to the strict parser.
_LARGE_FLOAT = 2.0**63
# Requests are a few levels deep; deeper nesting is left to the strict
# parser, which refuses runaway nesting by its own rule.
_PLAIN_DEPTH = 32
_CONTAINERS = (dict, list)
# Below this many bytes Python's decoder is as fast as orjson plus the checks
# (a few microseconds either way), so small requests keep the one path.
_FAST_FROM = 16 * 1024
# Places that look like a key's end but are not (and backslashes before one)
# looked at before giving up on the fast path.
_CANDIDATE_MARGIN = 1024


def _is_plain(value: Any) -> int | None:
    """The number of keys of all objects in ``value``, or None when the strict parser must decide."""
    keys = 0
    stack: list[tuple[Any, int]] = [([value], 0)]
    while stack:
        container, depth = stack.pop()
        if depth > _PLAIN_DEPTH:
            return None
        if type(container) is dict:
            keys += len(container)
            members = list(container.values())
        else:
            members = container
        kinds = set(map(type, members))
        if float in kinds and any(type(m) is float and abs(m) >= _LARGE_FLOAT for m in members):
            return None
        if dict in kinds or list in kinds:
            stack.extend((m, depth + 1) for m in members if type(m) in _CONTAINERS)
    return keys


def _key_ends_match(data: str | bytes, keys: int) -> bool:
    r"""Whether the places in ``data`` that look like the end of a key are exactly ``keys``.

    Such places are at least the keys in ``data``, duplicates counted; there
    can be more (a string that begins with ``": 1``), never fewer. So when
    they equal the keys orjson kept, no key was repeated. Text full of
    escaped ``\": 1``, or long runs of backslashes, would make many bytes to
    look at one by one in Python: past a margin the answer is no, and the
    strict parser decides.
    """
    found = 0
    budget = keys + _CANDIDATE_MARGIN
    backslash: int | str = 92 if isinstance(data, bytes) else "\\"
    pattern: Any = _KEY_END if isinstance(data, bytes) else _KEY_END_TEXT
    for match in pattern.finditer(data):
        quote = before = match.start()
        while before and data[before - 1] == backslash and quote - before <= budget:
            before -= 1
        budget -= 1 + quote - before
        if budget < 0:
            return False
        found += (quote - before) % 2 == 0
    return found == keys


def _fast(data: str | bytes) -> tuple[bool, Any]:
    """True and the value orjson reads in ``data``, or False when only the strict parser may answer."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return False, None
    keys = _is_plain(value)
    if keys is None or (keys and not _key_ends_match(data, keys)):
        return False, None
    return True, value


def loads_strict(data: str | bytes) -> Any:
    """Parse JSON, refusing NaN/Infinity, duplicate keys and runaway nesting.

    Args:
        data: The JSON document; bytes must be UTF-8.

    Returns:
        The parsed value.

    Raises:
        ValueError: With a sentence saying what is wrong.
    """
    return loads_telling_surrogates(data)[0]


def loads_telling_surrogates(data: str | bytes) -> tuple[Any, bool]:
    r""":func:`loads_strict`, and whether its strings are known to hold no lone surrogate.

    Python's decoder reads an escaped lone surrogate (``"\ud800"``) into
    a string, which the request models then refuse, naming the field. orjson
    refuses such a body outright, so a value it read needs no such check:
    on a megabyte of non-ASCII text the check costs about 0.4 ms.

    Returns:
        The parsed value, and True when orjson read it.
    """
    if len(data) >= _FAST_FROM:
        done, value = _fast(data)
        if done:
            return value, True
    return strict_loads(data), False


def strict_loads(data: str | bytes) -> Any:
    """:func:`loads_strict` by Python's decoder alone: the rules, without orjson's speed."""
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    if data.startswith("\ufeff"):
        # What json.loads says; the decoder alone would only say "Expecting value".
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", data, 0)
    try:
        return _DECODER.decode(data)
    except RecursionError:
        raise ValueError("JSON is nested too deeply") from None


def read_body() -> bytes:
    """The request's body, read with one call when its length is known.

    ``request.get_data()`` reads 64 KiB at a time; behind gunicorn each of
    those reads copies what its buffers still hold, so a body of a few
    megabytes was copied dozens of times over. Werkzeug's own stream would
    copy the whole body twice more; reading exactly ``Content-Length`` bytes
    from the WSGI input is what the WSGI specification allows.
    """
    req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup, not three
    length = req.content_length
    if not length:
        body: bytes = req.get_data(cache=False)
        return body
    req.stream  # noqa: B018  (refuses a Content-Length over the limit with a 413)
    source = req.environ["wsgi.input"]
    parts = []
    try:
        while length > 0:
            part = source.read(length)
            if not part:
                break
            parts.append(part)
            length -= len(part)
    except (OSError, ValueError):
        raise ClientDisconnected() from None
    return parts[0] if len(parts) == 1 else b"".join(parts)


# orjson writes what Python's json module would, with UTF-8 for ASCII
# escapes: numpy numbers and arrays as numbers and lists, keys that are not
# strings as strings, dates and dataclasses through Flask's own conversions.
_DUMP_OPTIONS = (
    orjson.OPT_APPEND_NEWLINE
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_SERIALIZE_NUMPY
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def _convert(value: Any) -> Any:
    """What orjson cannot write itself, as Python's json module would write it."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, float):
        return float(value)
    return DefaultJSONProvider.default(value)


def dumps_body(value: Any) -> bytes:
    """A response body: ``value`` as compact JSON and a newline, in UTF-8.

    On a response of a megabyte of chunks Python's encoder takes some
    milliseconds, on a small one about as long as the rest of the response;
    orjson writes the same document several times faster. What orjson
    refuses (a string with a lone surrogate, an integer beyond 64 bits) is
    written by Python's encoder as Flask writes it, escapes included.
    """
    try:
        return orjson.dumps(value, default=_convert, option=_DUMP_OPTIONS)
    except TypeError:
        text = json.dumps(value, default=DefaultJSONProvider.default, sort_keys=False, separators=(",", ":"))
        return f"{text}\n".encode()


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with strict parsing, unsorted output keys and a fast encoder."""

    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse a request body strictly; see :func:`loads_strict`."""
        return loads_strict(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Flask's JSON response with the body of :func:`dumps_body`; indented in debug mode as Flask does."""
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        # Flask types response_class for text bodies; a WSGI response takes bytes as well.
        response_class: Any = self._app.response_class
        made: Response = response_class(
            dumps_body(self._prepare_response_obj(args, kwargs)), mimetype=self.mimetype
        )
        return made
