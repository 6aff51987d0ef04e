"""A body limit that also holds for chunked transfer encoding.

Werkzeug refuses an over-limit ``Content-Length`` with 413, but a chunked
body behind gunicorn is cut at the limit and handed to the view as if it were
whole. Here such a body is read up to one byte past the limit first: over it
is a 413, under it the body is replaced by the bytes read, with a
``Content-Length``, so every later reader sees exactly what was sent.
"""

from __future__ import annotations

import io

from flask import Flask, request

from app.web.errors import body_too_large


def install_body_limit(app: Flask) -> None:
    """Enforce ``MAX_BODY_BYTES`` on bodies without a Content-Length."""

    @app.before_request
    def _limit_streamed_body() -> None:
        environ = request.environ
        if (
            environ.get("CONTENT_LENGTH")
            or "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        ):
            return
        limit = app.config["MAX_BODY_BYTES"]
        stream = environ["wsgi.input"]
        data = bytearray()
        while len(data) <= limit:
            block = stream.read(min(65536, limit + 1 - len(data)))
            if not block:
                break
            data += block
        if len(data) > limit:
            raise body_too_large(limit)
        environ["wsgi.input"] = io.BytesIO(bytes(data))
        environ["CONTENT_LENGTH"] = str(len(data))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("wsgi.input_terminated", None)
