"""chunkwise: a Flask service that splits documents into chunks for RAG."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import FunctionType
from typing import Any

from flask import Flask

from app.config import VERSION, load_config
from app.core import tokenizers
from app.core.warmup import warm_up
from app.ops.observability import install_observability
from app.web.body_limit import install_body_limit
from app.web.cors import install_cors
from app.web.errors import register_error_handlers
from app.web.jsonio import StrictJSONProvider
from app.web.openapi import build_document
from app.web.routes import BLUEPRINTS, OPERATIONS


class ChunkwiseFlask(Flask):
    """Flask deciding once per view or hook, not on every call, whether it is a coroutine.

    Flask asks ``inspect.iscoroutinefunction`` of each hook and view on every
    request; on a small request those checks are a measurable share of the
    time, and the answer never changes for a function.
    """

    def __init__(self, import_name: str) -> None:
        """Create the app as :class:`flask.Flask` does."""
        super().__init__(import_name)
        self._synced: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """:meth:`flask.Flask.ensure_sync`, remembered for plain functions."""
        synced = self._synced.get(func)
        if synced is None:
            synced = super().ensure_sync(func)
            # Bound methods are made anew at each access: only functions are kept.
            if type(func) is FunctionType:
                self._synced[func] = synced
        return synced


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application.

    Args:
        overrides: Settings that win over defaults and ``CHUNKWISE_*`` variables.

    Returns:
        The configured Flask app.

    Raises:
        app.config.ConfigError: When a setting is invalid.
    """
    app = ChunkwiseFlask(__name__)
    app.json = StrictJSONProvider(app)
    load_config(app, overrides)
    tokenizers.configure(app.config["TOKENIZERS_DIR"] or None)
    install_cors(app)
    install_observability(app)
    install_body_limit(app)
    register_error_handlers(app)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp, url_prefix="")
    app.extensions["chunkwise_operations"] = OPERATIONS
    app.extensions["chunkwise_openapi"] = build_document(OPERATIONS, VERSION)
    if app.config["WARM_UP"]:
        warm_up()
    return app
