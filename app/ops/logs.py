"""The JSON line format of every ``app`` log record, and the handler that writes it to stdout.

One JSON object per record, on one line: time (UTC, milliseconds), level,
logger, message, the record's ``fields`` (the request line's figures), the
request id when a request is being served, and the traceback of an error.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from typing import Any, TextIO

import orjson
from flask import Flask, g, has_request_context

# One encoder for every line: json.dumps(default=...) would build a new one each call.
_encode_ascii = json.JSONEncoder(default=str).encode


def _encode(entry: dict[str, Any]) -> str:
    """The entry as one line of JSON in ASCII, whatever the stream's encoding can write.

    orjson writes a request's line in a tenth of the time; a line it writes
    with characters beyond ASCII (a client's field name, a message quoting
    one) or cannot write at all is written by Python's encoder, escapes
    included, as every line was before.
    """
    try:
        line = orjson.dumps(entry, default=str).decode()
    except TypeError:
        return _encode_ascii(entry)
    return line if line.isascii() else _encode_ascii(entry)


class _Seconds:
    # The formatted second of the last record: every line within a second shares it.
    cached: tuple[int, str] = (-1, "")


def timestamp(created: float) -> str:
    """``created`` (seconds since the epoch) as ISO 8601 in UTC with milliseconds.

    The same text as ``datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")``.
    """
    seconds, micros = divmod(round(created * 1_000_000), 1_000_000)
    second, text = _Seconds.cached
    if second != seconds:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        _Seconds.cached = (seconds, text)
    return f"{text}.{micros // 1000:03d}+00:00"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the record's fields, a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record on one line."""
        entry: dict[str, Any] = {
            "time": timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = record.__dict__.get("fields")
        if fields:
            entry.update(fields)
        if "request_id" not in entry and has_request_context():
            entry["request_id"] = g.get("request_id")
        if record.exc_info:
            entry["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return _encode(entry)


class _StdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stdout`` is at the time (test runners replace it)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class _NotFlasksCopy(logging.Filter):
    """Drop Flask's own "Exception on ..." record: the errors module logs it with the request id."""

    def __init__(self, app_name: str) -> None:
        super().__init__()
        self.app_name = app_name

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == self.app_name and str(record.msg).startswith("Exception on "))


def configure_logging(app: Flask) -> None:
    """Send the ``app`` loggers' records to stdout as JSON lines at ``LOG_LEVEL``.

    Idempotent: building the app again replaces the handler rather than
    adding a second one.
    """
    logger = logging.getLogger("app")
    for handler in [h for h in logger.handlers if isinstance(h, _StdoutHandler)]:
        logger.removeHandler(handler)
    handler = _StdoutHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(_NotFlasksCopy(app.name))
    logger.addHandler(handler)
    logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
