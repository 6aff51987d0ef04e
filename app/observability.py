"""Request ids: every response carries ``X-Request-ID``, echoed when the client sent a sane one."""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, request

# A client's id is echoed only if it is short and printable, so it can go into
# logs and headers as it is.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def install_request_ids(app: Flask) -> None:
    """Assign each request an id and put it on the response."""

    @app.before_request
    def _assign_id() -> None:
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
    """
    g.work = {**g.get("work", {}), **figures}
