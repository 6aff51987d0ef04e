"""Request ids, one JSON log line per request, and the hooks that feed metrics and traces.

Every response carries ``X-Request-ID``, echoed when the client sent a sane
one. Every request gives one JSON object on one line of stdout (the ``app``
logger, level from ``LOG_LEVEL``) with its id, method, path, status,
duration, body size and what the view noted with :func:`note_work`; errors
give a line with the traceback. Nothing the client submitted goes into a log
line except the path and the request id.

Observing a request is one ``before_request`` and one ``after_request``
hook. They run for every request, so they read each proxy (``request``,
``g``) once, touch one counter and one histogram (plus the work histograms
of a request that noted work), and build the log line only when its level
is on.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

from flask import Flask, Request, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from app.ops import prometheus as metrics
from app.ops import tracing
from app.ops.logs import configure_logging

__all__ = ["install_observability", "note_work", "route_of"]

# A client's id is echoed only if it is short and printable, so it can go into
# logs and headers as it is.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
# A figure longer than this is not a figure; it is dropped rather than logged.
_MAX_FIGURE_CHARS = 64
_INFO = logging.INFO

request_log = logging.getLogger("app.requests")


def install_observability(app: Flask) -> None:
    """Install request ids, JSON logging, traces and metrics on ``app``.

    Call it before any other ``before_request`` hook, so the measured
    duration covers them and a request they refuse is still logged.
    """
    app.before_request(_start)
    configure_logging(app)
    tracing.install_tracing(app)
    app.after_request(_finish)


def _start() -> None:
    started = time.perf_counter()
    sent = request.environ.get("HTTP_X_REQUEST_ID")
    state = g._get_current_object()
    # 128 random bits as 32 hex digits: what uuid4().hex gave, without building a UUID.
    state.request_id = sent if sent is not None and _CLIENT_ID.fullmatch(sent) else os.urandom(16).hex()
    state.started = started


def _finish(response: Response) -> Response:
    finished = time.perf_counter()
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    state = g._get_current_object()
    request_id: str = getattr(state, "request_id", None) or os.urandom(16).hex()
    response.headers["X-Request-ID"] = request_id
    seconds = finished - getattr(state, "started", finished)
    endpoint = route_of(req)
    status = response.status_code
    work: dict[str, str | int] = getattr(state, "work", None) or {}
    metrics.observe_request(endpoint, req.method, status, seconds)
    if work:
        metrics.observe_work(work)
    if request_log.isEnabledFor(_INFO):
        _log_request(req, response, request_id, endpoint, seconds, work)
    return response


def route_of(req: Request) -> str:
    """The route a request is counted and logged under: its URL rule, or ``unmatched``.

    A request whose path matches a rule but whose method does not (a 405)
    still names that rule; only paths that match no rule share ``unmatched``,
    so probing clients cannot create a label value per path.
    """
    rule = req.url_rule
    if rule is not None:
        return rule.rule
    refused = req.routing_exception
    if not isinstance(refused, MethodNotAllowed) or not refused.valid_methods:
        return metrics.UNMATCHED
    # Rare, so matched again here rather than remembered: the path is the client's.
    adapter = current_app.create_url_adapter(req)
    if adapter is None:
        return metrics.UNMATCHED
    try:
        matched, _ = adapter.match(method=next(iter(refused.valid_methods)), return_rule=True)
    except HTTPException:
        return metrics.UNMATCHED
    return matched.rule


def note_work(**figures: str | int) -> None:
    """Record what a request did (strategy, input characters, chunks out) for logs and metrics.

    Views call this once with plain figures, never the submitted text; the
    request's log line and metrics read them after the response is built.
    ``/answer`` notes ``cache="hit"`` or ``cache="miss"``.
    """
    state = g._get_current_object()
    noted = getattr(state, "work", None)
    state.work = {**noted, **figures} if noted else figures


def _log_request(
    req: Request,
    response: Response,
    request_id: str,
    endpoint: str,
    seconds: float,
    work: dict[str, str | int],
) -> None:
    status = response.status_code
    fields: dict[str, Any] = {
        "request_id": request_id,
        "method": req.method,
        "path": req.path,
        "endpoint": endpoint,
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        "request_bytes": _content_length(req.environ),
        "response_bytes": response.content_length,
        "pid": os.getpid(),
    }
    for key, value in work.items():
        if key not in fields and (not isinstance(value, str) or len(value) <= _MAX_FIGURE_CHARS):
            fields[key] = value
    if status >= 400 and response.is_json:
        _add_error(fields, response)
    if tracing.enabled() and (trace_id := tracing.current_trace_id()) is not None:
        fields["trace_id"] = trace_id
    # makeRecord and handle, not info(): info() would walk the stack to find
    # the caller's file and line, which the JSON line does not show.
    record = request_log.makeRecord(request_log.name, _INFO, "", 0, "request", (), None)
    record.fields = fields
    request_log.handle(record)


def _content_length(environ: dict[str, Any]) -> int:
    # What request.content_length gives (0 when absent or malformed), without
    # building the headers view for one value.
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _add_error(fields: dict[str, Any], response: Response) -> None:
    error = (response.get_json(silent=True) or {}).get("error", {})
    fields["error_code"] = error.get("code")
    # A field name can be the client's own (an unknown field): short ones only.
    if isinstance(field := error.get("field"), str) and len(field) <= _MAX_FIGURE_CHARS:
        fields["error_field"] = field
