"""Traces: a span per request and per stage when OTEL_* asks for them; nothing at all otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from app import create_app
from app.ops import tracing
from tests.conftest import ROOT, start_gunicorn, stop

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    tracing.configure({}, exporter=exporter)
    yield exporter
    tracing.reset()


def by_name(exporter):
    return {span.name: span for span in exporter.get_finished_spans()}


def test_request_span_with_split_stage_as_child(spans, capsys):
    client = create_app({"TESTING": True}).test_client()
    response = client.post(
        "/chunking",
        json={"text": "One. Two. Three.", "strategy": "sentence", "pack": False},
        headers={"X-Request-ID": "traced-1"},
    )
    assert response.status_code == 200
    found = by_name(spans)
    server, split = found["POST /chunking"], found["split"]
    assert server.kind == SpanKind.SERVER
    assert split.parent is not None and split.parent.span_id == server.context.span_id
    assert split.context.trace_id == server.context.trace_id
    assert split.attributes["strategy"] == "sentence"
    attributes = server.attributes
    assert attributes["http.request.method"] == "POST"
    assert attributes["http.route"] == "/chunking"
    assert attributes["http.response.status_code"] == 200
    assert attributes["chunkwise.request_id"] == "traced-1"
    assert (attributes["chunkwise.strategy"], attributes["chunkwise.chunks"]) == ("sentence", 3)
    log = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "app.requests" in line]
    assert log[-1]["trace_id"] == format(server.context.trace_id, "032x")


def test_semantic_stages_are_children_of_the_request(spans):
    client = create_app({"TESTING": True}).test_client()
    text = "Cats purr. Cats sleep. Rockets launch. Rockets fly."
    assert client.post("/semantic-chunking", json={"text": text}).status_code == 200
    found = by_name(spans)
    server = found["POST /semantic-chunking"]
    for name in ("split", "vectorise", "group"):
        assert found[name].parent.span_id == server.context.span_id


def test_answer_vectorises_once_then_only_ranks(spans):
    client = create_app({"TESTING": True}).test_client()
    body = {"question": "What do rockets do?", "chunks": ["Cats purr.", "Rockets fly."]}
    assert client.post("/answer", json=body).status_code == 200
    assert {"vectorise", "rank"} <= set(by_name(spans))
    spans.clear()
    assert client.post("/answer", json=body).status_code == 200
    second = by_name(spans)
    assert "rank" in second and "vectorise" not in second


def test_client_traceparent_is_continued(spans):
    client = create_app({"TESTING": True}).test_client()
    client.get("/healthz", headers={"traceparent": PARENT})
    span = by_name(spans)["GET /healthz"]
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert format(span.parent.span_id, "016x") == "00f067aa0ba902b7"


def test_errors_mark_the_span(spans):
    app = create_app({"TESTING": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("inside")

    client = app.test_client()
    assert client.get("/boom").status_code == 500
    assert client.post("/chunking", json={"text": "x", "chunk_size": 0}).status_code == 400
    found = by_name(spans)
    crashed = found["GET /boom"]
    assert crashed.status.status_code == StatusCode.ERROR
    assert crashed.attributes["http.response.status_code"] == 500
    assert any(event.name == "exception" for event in crashed.events)
    refused = found["POST /chunking"]
    assert refused.status.status_code == StatusCode.UNSET
    assert refused.attributes["http.response.status_code"] == 400


def test_unmatched_path_span_is_named_by_method(spans):
    create_app({"TESTING": True}).test_client().get("/no/such/thing")
    (span,) = spans.get_finished_spans()
    assert span.name == "GET" and "http.route" not in span.attributes


def test_stage_nests_under_the_current_span(spans):
    with tracing.stage("vectorise", units=4):
        with tracing.stage("rank"):
            pass
    found = by_name(spans)
    assert found["rank"].parent.span_id == found["vectorise"].context.span_id
    assert found["vectorise"].attributes["units"] == 4


def test_off_by_default_and_stage_is_a_shared_no_op():
    assert not tracing.enabled()
    first, second = tracing.stage("split"), tracing.stage("rank", n=1)
    assert first is second
    with first as entered:
        assert entered is None


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "x"}, False),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, False),
    ],
)
def test_which_environments_ask_for_traces(environ, wanted):
    assert tracing.requested(environ) is wanted


def test_unknown_exporter_is_refused():
    with pytest.raises(ValueError, match="OTEL_TRACES_EXPORTER: unknown exporter 'zipkin'"):
        tracing.configure({"OTEL_TRACES_EXPORTER": "zipkin"})
    tracing.reset()
    assert not tracing.enabled()


def clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}


def test_no_import_cost_when_off():
    code = (
        "import sys, wsgi\n"
        "wsgi.app.test_client().post('/chunking', json={'text': 'a b'})\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.live
def test_console_exporter_under_gunicorn(tmp_path):
    env = {**clean_environ(), "OTEL_TRACES_EXPORTER": "console", "OTEL_SERVICE_NAME": "chunkwise-test"}
    server = start_gunicorn(tmp_path, env, workers=1)
    try:
        request = urllib.request.Request(
            server.url + "/chunking",
            data=json.dumps({"text": "Traced text. Two sentences.", "strategy": "sentence"}).encode(),
            headers={"Content-Type": "application/json", "traceparent": PARENT},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    finally:
        stop(server)  # the worker flushes its spans as it exits
    lines = [json.loads(line) for line in server.log.read_text().splitlines()]
    spans = {line["name"]: line for line in lines if "context" in line and "name" in line}
    server_span, split = spans["POST /chunking"], spans["split"]
    assert server_span["context"]["trace_id"] == "0x" + TRACE_ID
    assert split["parent_id"] == server_span["context"]["span_id"]
    assert server_span["resource"]["attributes"]["service.name"] == "chunkwise-test"
    logged = [line for line in lines if line.get("logger") == "app.requests" and line["path"] == "/chunking"]
    assert logged[0]["trace_id"] == TRACE_ID
