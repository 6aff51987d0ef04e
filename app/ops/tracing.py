"""OpenTelemetry traces: a span per request and per core stage, only when ``OTEL_*`` asks for them.

Tracing is off unless the standard OpenTelemetry variables turn it on
(:func:`requested`). Off, nothing from ``opentelemetry`` is imported and
:func:`stage` returns one shared no-op context manager, so the HTTP layer can
wrap core calls in ``with stage("split"):`` at no cost. On, each worker
process gets its own tracer provider (gunicorn forks before the app is
built, so the exporter's thread starts in the worker), the request span
continues a W3C ``traceparent`` sent by the client, and stage spans are its
children.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, g, request

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Span, Tracer

_NO_SPAN: AbstractContextManager[None] = nullcontext()
# The exporters this module knows by their OTEL_TRACES_EXPORTER names.
EXPORTERS = ("otlp", "console")


class _State:
    tracer: Tracer | None = None
    provider: TracerProvider | None = None


def requested(environ: Mapping[str, str]) -> bool:
    """Whether the environment asks for traces.

    Args:
        environ: The process environment.

    Returns:
        True when ``OTEL_SDK_DISABLED`` is not true and either
        ``OTEL_TRACES_EXPORTER`` names an exporter other than ``none`` or an
        OTLP endpoint (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
        ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set.
    """
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def enabled() -> bool:
    """Whether spans are being recorded in this process."""
    return _State.tracer is not None


def configure(environ: Mapping[str, str], exporter: SpanExporter | None = None) -> None:
    """Turn tracing on for this process.

    Args:
        environ: Where ``OTEL_TRACES_EXPORTER`` (``otlp``, the default, or
            ``console``; comma-separated for both) and ``OTEL_SERVICE_NAME``
            are read; the OTLP exporter and sampler read their own variables.
        exporter: Export to this instead, span by span (tests pass the SDK's
            ``InMemorySpanExporter``).

    Raises:
        ValueError: When ``OTEL_TRACES_EXPORTER`` names an unknown exporter.
    """
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    reset()
    attributes = {} if environ.get("OTEL_SERVICE_NAME") else {"service.name": "chunkwise"}
    provider = TracerProvider(resource=Resource.create(attributes))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        for name in environ.get("OTEL_TRACES_EXPORTER", "otlp").lower().split(","):
            provider.add_span_processor(BatchSpanProcessor(_exporter(name.strip())))
    _State.provider = provider
    _State.tracer = provider.get_tracer("chunkwise")


def _exporter(name: str) -> SpanExporter:
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        # One span per line, like the JSON logs on the same stream.
        return ConsoleSpanExporter(formatter=lambda span: span.to_json(indent=None) + "\n")
    raise ValueError(f"OTEL_TRACES_EXPORTER: unknown exporter {name!r}; known: {', '.join(EXPORTERS)}")


def reset() -> None:
    """Turn tracing off again, flushing and closing the exporters."""
    if _State.provider is not None:
        _State.provider.shutdown()
    _State.provider = _State.tracer = None


def stage(name: str, **attributes: str | int | float | bool) -> AbstractContextManager[object]:
    """A span around one stage of the work (``split``, ``vectorise``, ``rank``).

    Args:
        name: The stage's name.
        **attributes: Plain figures to put on the span; never the text.

    Returns:
        A context manager; a shared no-op one when tracing is off.
    """
    if _State.tracer is None:
        return _NO_SPAN
    return _State.tracer.start_as_current_span(name, attributes=attributes)


def current_trace_id() -> str | None:
    """The trace id of the request being served, as 32 hex digits, or None."""
    span: Span | None = g.get("trace_span") if _State.tracer is not None else None
    if span is None:
        return None
    return format(span.get_span_context().trace_id, "032x")


def install_tracing(app: Flask) -> None:
    """Give each request a server span when tracing is on (configuring it from the environment).

    With tracing off this registers nothing, so untraced requests pay nothing.
    """
    if _State.tracer is None and requested(os.environ):
        configure(os.environ)
    if _State.tracer is None:
        return
    app.before_request(_start_span)
    app.after_request(_note_response)
    app.teardown_request(_end_span)


def _start_span() -> None:
    from opentelemetry import context, propagate, trace

    if _State.tracer is None:
        return
    rule = request.url_rule.rule if request.url_rule is not None else None
    attributes: dict[str, Any] = {"http.request.method": request.method, "url.path": request.path}
    if rule is not None:
        attributes["http.route"] = rule
    span = _State.tracer.start_span(
        f"{request.method} {rule}" if rule else request.method,
        context=propagate.extract(request.headers),
        kind=trace.SpanKind.SERVER,
        attributes=attributes,
    )
    g.trace_span = span
    g.trace_token = context.attach(trace.set_span_in_context(span))


def _note_response(response: Response) -> Response:
    from opentelemetry import trace

    span: Span | None = g.get("trace_span")
    if span is not None:
        span.set_attribute("http.response.status_code", response.status_code)
        if response.status_code >= 500:
            span.set_status(trace.Status(trace.StatusCode.ERROR))
        span.set_attribute("chunkwise.request_id", g.get("request_id", ""))
        for key, value in g.get("work", {}).items():
            span.set_attribute(f"chunkwise.{key}", value)
    return response


def _end_span(exc: BaseException | None) -> None:
    from opentelemetry import context, trace

    span: Span | None = g.pop("trace_span", None)
    if span is None:
        return
    if exc is not None:
        span.record_exception(exc)
        span.set_status(trace.Status(trace.StatusCode.ERROR, type(exc).__name__))
    span.end()
    context.detach(g.pop("trace_token"))
