"""Request ids, one JSON log line per request, and the hooks that feed metrics and traces.

Every response carries ``X-Request-ID``, echoed when the client sent a sane
one. Every request gives one JSON object on one line of stdout (the ``app``
logger, level from ``LOG_LEVEL``) with its id, method, path, status,
duration, body size and what the view noted with :func:`note_work`; errors
give a line with the traceback. Nothing the client submitted goes into a log
line except the path and the request id.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, g, has_request_context, request

from app.ops import prometheus as metrics
from app.ops import tracing

# A client's id is echoed only if it is short and printable, so it can go into
# logs and headers as it is.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
# A figure longer than this is not a figure; it is dropped rather than logged.
_MAX_FIGURE_CHARS = 64

request_log = logging.getLogger("app.requests")


def install_observability(app: Flask) -> None:
    """Install request ids, JSON logging, traces and metrics on ``app``.

    Call it before any other ``before_request`` hook, so the measured
    duration covers them and a request they refuse is still logged.
    """
    install_request_ids(app)
    configure_logging(app)
    tracing.install_tracing(app)

    @app.after_request
    def _record(response: Response) -> Response:
        figures = metrics.RequestFigures(
            endpoint=request.url_rule.rule if request.url_rule is not None else metrics.UNMATCHED,
            method=request.method,
            status=response.status_code,
            seconds=time.perf_counter() - g.get("started", time.perf_counter()),
            work=g.get("work", {}),
        )
        metrics.observe(figures)
        if request_log.isEnabledFor(logging.INFO):
            request_log.info("request", extra={"fields": _request_fields(figures, response)})
        return response


def install_request_ids(app: Flask) -> None:
    """Assign each request an id (and a start time) and put the id on the response."""

    @app.before_request
    def _assign_id() -> None:
        g.started = time.perf_counter()
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if _CLIENT_ID.fullmatch(sent) else uuid.uuid4().hex

    @app.after_request
    def _add_header(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id") or uuid.uuid4().hex
        return response


def note_work(**figures: str | int) -> None:
    """Record what a request did (strategy, input characters, chunks out) for logs and metrics.

    Views call this once with plain figures, never the submitted text; the
    request's log line and metrics read them after the response is built.
    ``/answer`` notes ``cache="hit"`` or ``cache="miss"``.
    """
    g.work = {**g.get("work", {}), **figures}


def _request_fields(figures: metrics.RequestFigures, response: Response) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "request_id": g.get("request_id"),
        "method": figures.method,
        "path": request.path,
        "endpoint": figures.endpoint,
        "status": figures.status,
        "duration_ms": round(figures.seconds * 1000, 3),
        "request_bytes": request.content_length or 0,
        "response_bytes": response.content_length,
        "pid": os.getpid(),
    }
    for key, value in figures.work.items():
        if not isinstance(value, str) or len(value) <= _MAX_FIGURE_CHARS:
            fields.setdefault(key, value)
    if figures.status >= 400 and response.is_json:
        error = (response.get_json(silent=True) or {}).get("error", {})
        fields["error_code"] = error.get("code")
        # A field name can be the client's own (an unknown field): short ones only.
        if isinstance(field := error.get("field"), str) and len(field) <= _MAX_FIGURE_CHARS:
            fields["error_field"] = field
    if (trace_id := tracing.current_trace_id()) is not None:
        fields["trace_id"] = trace_id
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the record's fields, a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record on one line."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if "request_id" not in entry and has_request_context():
            entry["request_id"] = g.get("request_id")
        if record.exc_info:
            entry["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, default=str)


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
