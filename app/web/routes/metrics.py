"""GET /metrics: the Prometheus text format, summed over every gunicorn worker."""

from __future__ import annotations

from flask import Blueprint, Response

from app.ops import prometheus as metrics
from app.web.openapi import Operation

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def scrape() -> Response:
    """Every metric of every worker, for Prometheus to scrape."""
    return Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE)


OPERATIONS = [
    Operation(
        "/metrics",
        "get",
        "Prometheus metrics (text format): requests, latency, input characters, chunks, /answer cache.",
        response=None,
        response_type="text/plain",
    ),
]
