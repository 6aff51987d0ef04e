"""The one place that turns errors into SPEC's JSON shape.

Every error body is ``{"error": {"status", "code", "message", "field"?}}``.
Our own classes carry their status on the class; Werkzeug's HTTP errors keep
their headers (``Allow`` on 405); anything unexpected is logged with its
traceback and answered with a bare 500 naming only the request id.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable
from typing import ClassVar

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.chunkers import InvalidOptions

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client caused, answered with a 4xx.

    Attributes:
        message: A sentence saying what is wrong.
        field: The input at fault, when one is.
    """

    status: ClassVar[int] = 400
    code: ClassVar[str] = "invalid_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        """Record the message and the field."""
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidField(ApiError):
    """A field has the wrong type, is out of range or unknown."""

    code = "invalid_field"


class InvalidBody(ApiError):
    """The body is not valid JSON, not UTF-8, or not a JSON object."""

    code = "invalid_body"


class PayloadTooLarge(ApiError):
    """The body or the text is over its configured limit."""

    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ApiError):
    """The Content-Type is not one the endpoint reads."""

    status = 415
    code = "unsupported_media_type"


class TooManyChunks(ApiError):
    """The request would produce more chunks than the configured maximum."""

    status = 422
    code = "too_many_chunks"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the candidates closest to a misspelt name, or "" when none is close.

    Args:
        word: What the client sent (``chunksize``).
        candidates: The names it could have meant.

    Returns:
        ``"did you mean 'chunk_size'?"`` (or two names), or "" when no name is close.
    """
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=2, cutoff=0.75)
    if not close:
        return ""
    return "did you mean " + " or ".join(repr(name) for name in close) + "?"


def content_type_hint(accepted: Iterable[str]) -> str:
    """How to send a body the endpoint reads, as curl options.

    curl's ``-d`` and ``--data-binary`` send
    ``application/x-www-form-urlencoded`` unless told otherwise, the usual
    way to get a 415 here, so the hint is written as the header to add.
    """
    accepted = tuple(accepted)
    hints = []
    if "application/json" in accepted:
        hints.append("a JSON object with -H 'Content-Type: application/json'")
    if "text/plain" in accepted:
        hints.append("the text itself with -H 'Content-Type: text/plain' (options in the query string)")
    if "multipart/form-data" in accepted:
        hints.append("a file with -F file=@doc.txt")
    return "send " + ", or ".join(hints) if hints else ""


def body_too_large(limit: int, size: int | None = None) -> PayloadTooLarge:
    """The 413 for a body over ``MAX_BODY_BYTES``, stating the limit.

    Args:
        limit: The limit in bytes.
        size: The body's declared size, when it is known before reading.
    """
    has = f"the body has {size} bytes" if size is not None else "the body is longer"
    return PayloadTooLarge(f"{has}; the limit is {limit} bytes (CHUNKWISE_MAX_BODY_BYTES)", "body")


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """Build the JSON error response.

    Args:
        status: HTTP status code.
        code: Stable snake_case code.
        message: A sentence for people.
        field: The input at fault, if any.

    Returns:
        The response, with its status set.
    """
    body: dict[str, object] = {"status": status, "code": code, "message": message}
    if field is not None:
        body["field"] = field
    response = jsonify(error=body)
    response.status_code = status
    return response


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _http_error(exc: HTTPException) -> Response:
    if isinstance(exc, InternalServerError) or (exc.code or 500) >= 500:
        cause = getattr(exc, "original_exception", None) or exc
        log.error("unhandled error", exc_info=(type(cause), cause, cause.__traceback__))
        request_id = g.get("request_id", "-")
        response = error_response(500, "internal_error", f"internal error (request id {request_id})")
        response.headers["X-Request-ID"] = request_id
        return response
    status = exc.code or 500
    if status == 413:
        # Werkzeug's own 413 (a Content-Length over the limit) gets the code and the
        # message of ours, so both body limits and the text limit read alike.
        mine: ApiError = body_too_large(current_app.config["MAX_BODY_BYTES"], request.content_length)
        response = error_response(status, mine.code, mine.message, mine.field)
    else:
        field = "body" if status == 400 else None
        response = error_response(status, _snake(exc.name), exc.description or exc.name, field)
    for key, value in exc.get_response().headers.items():
        if key.lower() not in ("content-type", "content-length"):
            response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer every error raised while handling a request in the JSON shape."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(InvalidOptions)
    def _invalid_options(exc: InvalidOptions) -> Response:
        return error_response(400, "invalid_field", exc.message, exc.field)

    app.register_error_handler(HTTPException, _http_error)
