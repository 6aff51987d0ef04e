"""Cross-origin requests from browsers: off unless ``CORS_ORIGINS`` lists the origins allowed.

With the setting empty (the default) no response carries an
``Access-Control-*`` header, so a page on another origin cannot read any
answer. With origins listed, flask-cors answers preflights and adds the
headers for exactly those origins (a lone ``*`` allows any); credentials are
never allowed, since the service has no cookies or authentication to share,
and a wildcard with credentials would hand any site a logged-in user's
access. Every option is passed explicitly, so no ``CORS_*`` setting from
elsewhere can widen it.
"""

from __future__ import annotations

import re

from flask import Flask
from flask_cors import CORS

from app.config import ConfigError

# scheme://host[:port] and nothing after it: what a browser sends as Origin.
_ORIGIN = re.compile(r"https?://[^/\s:,]+(:\d{1,5})?")
ALLOWED_HEADERS = ["Content-Type", "X-Request-ID", "traceparent", "tracestate"]
EXPOSED_HEADERS = ["X-Request-ID"]
PREFLIGHT_SECONDS = 600


def parse_origins(value: str) -> list[str]:
    """The origins a comma-separated ``CORS_ORIGINS`` allows.

    Args:
        value: ``""`` (none), ``"*"`` (any), or origins such as
            ``"https://app.example.org, http://localhost:3000"``.

    Returns:
        The origins; empty when CORS is off.

    Raises:
        ConfigError: For anything that is not an origin, or ``*`` among origins.
    """
    if not value.strip():
        return []
    origins = [item.strip() for item in value.split(",")]
    if origins == ["*"]:
        return origins
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(
                f"CHUNKWISE_CORS_ORIGINS: {origin!r} is not an origin such as https://app.example.org "
                "(scheme, host and optional port), and * must stand alone"
            )
    return origins


def install_cors(app: Flask) -> None:
    """Answer cross-origin requests from the configured origins; do nothing when there are none.

    Raises:
        ConfigError: When ``CORS_ORIGINS`` is malformed.
    """
    origins = parse_origins(app.config["CORS_ORIGINS"])
    if not origins:
        return
    CORS(
        app,
        resources={r"/*": {}},
        origins=origins,
        methods=["GET", "POST", "OPTIONS"],
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        supports_credentials=False,
        send_wildcard=origins == ["*"],
        always_send=False,
        vary_header=True,
        max_age=PREFLIGHT_SECONDS,
        allow_private_network=False,
    )
