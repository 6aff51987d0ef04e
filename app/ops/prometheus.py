"""Prometheus metrics, with the official client, correct under several gunicorn workers.

Under gunicorn, ``gunicorn.conf.py`` sets ``PROMETHEUS_MULTIPROC_DIR`` before
any worker starts, so every worker writes its samples to files there and
``GET /metrics`` merges the files of all workers, living and dead (the
master cleans the directory at start and marks exited workers dead). Without
that variable (the Flask test client, a single process) the samples live in
memory.

The metric objects are created once per process, whatever the number of apps
built in it, because the multiprocess files are keyed by metric name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

# The text format every Prometheus server reads.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
# Requests that matched no route share one label value, so probing clients
# cannot create a time series per path.
UNMATCHED = "unmatched"
# Any other method a client invents is counted as "other", so it cannot add series.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# The *_created series double the output and mean nothing once summed over
# workers (multiprocess mode never has them), so a single process omits them too.
disable_created_metrics()  # type: ignore[no-untyped-call]
_REGISTRY = CollectorRegistry()
_LABELS = ("endpoint", "method", "status")

REQUESTS = Counter(
    "chunkwise_requests", "HTTP requests answered, by route, method and status.", _LABELS, registry=_REGISTRY
)
LATENCY = Histogram(
    "chunkwise_request_duration_seconds",
    "Time from the start of the request to the response being built, by route, method and status.",
    _LABELS,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=_REGISTRY,
)
INPUT_CHARS = Histogram(
    "chunkwise_input_characters",
    "Characters (code points) of text submitted per request, by strategy.",
    ("strategy",),
    buckets=(100, 1_000, 10_000, 100_000, 1_000_000, 2_000_000, 10_000_000),
    registry=_REGISTRY,
)
CHUNKS = Histogram(
    "chunkwise_chunks",
    "Chunks produced per request, by strategy.",
    ("strategy",),
    buckets=(0, 1, 5, 10, 50, 100, 500, 1_000, 10_000, 50_000),
    registry=_REGISTRY,
)
ANSWER_CACHE = Counter(
    "chunkwise_answer_cache",
    "Fitted /answer indexes reused from the per-worker cache (hit) or fitted anew (miss).",
    ("result",),
    registry=_REGISTRY,
)

ANSWER_CACHE_LOOKUPS = Counter(
    "chunkwise_answer_cache_lookups",
    "Fitted /answer index lookups by cache level (memory: the worker's own; disk or redis:"
    " shared by the workers) and result; a memory miss goes on to the shared level.",
    ("level", "result"),
    registry=_REGISTRY,
)


class _Children:
    """Label children, resolved once per process and label set.

    ``labels()`` validates and locks on every call; a dict lookup does not.
    Keys are bounded: routes (or ``unmatched``), the methods above, status
    codes, and the strategy names the views note after validating them.
    Children are made on first use rather than at start-up: making one
    creates its series, and /metrics lists only what has happened.
    """

    requests: dict[tuple[str, str, int], tuple[Any, Any]] = {}
    work: dict[str, tuple[Any, Any]] = {}
    cache: dict[str, Any] = {}
    lookups: dict[tuple[str, bool], Any] = {}


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration: one counter and one histogram.

    Args:
        endpoint: The matched route (``/chunking``), or ``unmatched``.
        method: HTTP method; one not in the standard set counts as ``other``.
        status: Response status code.
        seconds: Duration from the first ``before_request`` to the response.
    """
    if method not in _METHODS:
        method = "other"
    key = (endpoint, method, status)
    children = _Children.requests.get(key)
    if children is None:
        labels = (endpoint, method, str(status))
        children = _Children.requests[key] = (REQUESTS.labels(*labels), LATENCY.labels(*labels))
    children[0].inc()
    children[1].observe(seconds)


def observe_work(work: Mapping[str, str | int]) -> None:
    """Record what a request did, as noted by its view.

    Args:
        work: ``strategy`` with ``input_chars`` and ``chunks`` feed the
            per-strategy histograms; ``cache`` (``hit`` or ``miss``) the
            /answer cache counter. Other figures are for the log line only.
    """
    strategy = work.get("strategy")
    if isinstance(strategy, str):
        children = _Children.work.get(strategy)
        if children is None:
            children = _Children.work[strategy] = (INPUT_CHARS.labels(strategy), CHUNKS.labels(strategy))
        if isinstance(chars := work.get("input_chars"), int):
            children[0].observe(chars)
        if isinstance(chunks := work.get("chunks"), int):
            children[1].observe(chunks)
    cache = work.get("cache")
    if cache == "hit" or cache == "miss":
        child = _Children.cache.get(cache)
        if child is None:
            child = _Children.cache[cache] = ANSWER_CACHE.labels(cache)
        child.inc()


def count_cache_lookup(level: str, hit: bool) -> None:
    """Count one lookup of a fitted index at one cache level."""
    child = _Children.lookups.get((level, hit))
    if child is None:
        child = _Children.lookups[(level, hit)] = ANSWER_CACHE_LOOKUPS.labels(level, "hit" if hit else "miss")
    child.inc()


def exposition() -> bytes:
    """Every metric in the Prometheus text format, summed over all worker processes."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(_REGISTRY)
