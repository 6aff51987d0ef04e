"""Service information, health, readiness, the OpenAPI description and its docs page."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    send_from_directory,
)
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field

from app.config import VERSION
from app.core import tokenizers
from app.core.chunkers import CHUNKERS
from app.core.warmup import warm_up
from app.web.openapi import Operation
from app.web.schemas import DEFAULT_STRATEGY, STRATEGY_MODELS, plain

bp = Blueprint("meta", __name__)

# Swagger UI 5 (it reads OpenAPI 3.1), as shipped in the flask-swagger-ui wheel.
_SWAGGER_UI = str(files("flask_swagger_ui") / "dist")

_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chunkwise API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});</script>
</body></html>
"""


class ServiceInfo(BaseModel):
    """GET / as JSON: what the service offers and its limits."""

    model_config = ConfigDict(extra="allow")
    name: str
    version: str
    endpoints: dict[str, str]
    strategies: dict[str, Any]
    default_strategy: str
    tokenizers: list[str] = Field(description="Names usable as `tokenizer` when `unit` is `tokens`.")
    default_tokenizer: str
    limits: dict[str, int]


class Health(BaseModel):
    """Liveness or readiness."""

    status: str
    loaded: list[str] | None = None


def strategy_catalogue() -> dict[str, Any]:
    """Each strategy's description and options with types, defaults and bounds."""
    catalogue: dict[str, Any] = {}
    for name, model in STRATEGY_MODELS.items():
        props = model.model_json_schema()["properties"]
        options = {
            k: {x: y for x, y in v.items() if x != "title"}
            for k, v in props.items()
            if k not in ("text", "strategy")
        }
        catalogue[name] = {
            "description": plain((CHUNKERS[name].__doc__ or "").strip().splitlines()[0]),
            "options": options,
        }
    return catalogue


@bp.get("/")
def index() -> ResponseReturnValue:
    """Service information as JSON; people with a browser get the playground page."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    if (
        best == "text/html"
        and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]
    ):
        return playground_page()
    config = current_app.config
    limits = {
        k.lower(): config[k]
        for k in (
            "MAX_BODY_BYTES",
            "MAX_TEXT_CHARS",
            "MAX_CHUNKS",
            "MAX_ANSWER_CHUNKS",
            "MAX_ANSWER_CHARS",
            "MAX_TOP_K",
            "ANSWER_CACHE_SIZE",
            "MAX_BATCH_TEXTS",
            "MAX_PAGES",
            "EXTRACT_MEMORY_MB",
        )
    }
    endpoints = {
        f"{op.method.upper()} {op.path}": op.summary for op in current_app.extensions["chunkwise_operations"]
    }
    response = jsonify(
        name="chunkwise",
        version=VERSION,
        endpoints=endpoints,
        strategies=strategy_catalogue(),
        default_strategy=DEFAULT_STRATEGY,
        tokenizers=tokenizers.available(),
        default_tokenizer=tokenizers.DEFAULT_TOKENIZER,
        limits=limits,
    )
    response.vary.add("Accept")
    return response


# The page loads only its own script and style and talks only to this service.
_PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def playground_page() -> Response:
    """The playground page; its script uses only the public API, as curl does."""
    response = make_response(render_template("playground.html", version=VERSION))
    response.headers["Content-Security-Policy"] = _PAGE_POLICY
    response.vary.add("Accept")
    return response


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Readiness: the sentence model and lexical data are loaded (loading them if not yet)."""
    return jsonify(status="ready", loaded=warm_up())


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this service."""
    return jsonify(current_app.extensions["chunkwise_openapi"])


@bp.get("/docs")
def docs() -> Response:
    """Interactive API docs (Swagger UI served from the installed package, no CDN)."""
    return Response(_DOCS_PAGE, mimetype="text/html")


@bp.get("/docs/assets/<path:name>")
def docs_asset(name: str) -> Response:
    """Swagger UI's static files, from the installed package's dist folder."""
    return send_from_directory(_SWAGGER_UI, name, max_age=86400)


OPERATIONS = [
    Operation(
        "/",
        "get",
        "Service information (JSON), or the playground page (HTML).",
        response=ServiceInfo,
        alternatives=("text/html",),
    ),
    Operation("/healthz", "get", "Liveness.", response=Health),
    Operation("/readyz", "get", "Readiness: sentence model and stop words loaded.", response=Health),
    Operation("/openapi.json", "get", "This OpenAPI description.", response=None),
    Operation("/docs", "get", "Interactive API docs.", response=None, response_type="text/html"),
]
