"""Logs: one JSON object per line for every request and every error, never the submitted text."""

from __future__ import annotations

import io
import json
import logging

import pytest

from app import create_app
from app.ops.logs import JsonFormatter
from tests.conftest import start_gunicorn, stop

# A text no log line may contain, nor any of its words.
SECRET = "Quokkas whisper marmalade. Zebras juggle tangerines."
SECRET_WORDS = ("Quokkas", "marmalade", "Zebras", "tangerines")
REQUEST_KEYS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "method",
    "path",
    "endpoint",
    "status",
    "duration_ms",
    "request_bytes",
    "response_bytes",
    "pid",
}


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def request_lines(text: str) -> list[dict]:
    return [entry for entry in json_lines(text) if entry.get("logger") == "app.requests"]


def assert_no_secret(text: str) -> None:
    for word in SECRET_WORDS:
        assert word not in text


# Every input path that carries the text, answered with success or an error.
CASES = [
    ("json", {"json": {"text": SECRET, "strategy": "sentence"}}, 200),
    ("plain", {"data": SECRET, "content_type": "text/plain", "query_string": {"chunk_size": 20}}, 200),
    ("multipart", {"data": {"file": (io.BytesIO(SECRET.encode()), "a.txt"), "strategy": "fixed"}}, 200),
    ("json-error", {"json": {"text": SECRET, "chunk_size": 0}}, 400),
    ("unknown-field", {"json": {"text": SECRET, "colour": 1}}, 400),
    ("bad-json", {"data": '{"text": "' + SECRET, "content_type": "application/json"}, 400),
    ("too-many", {"json": {"text": SECRET, "strategy": "fixed", "chunk_size": 1}}, 422),
]


@pytest.mark.parametrize(("name", "kwargs", "status"), CASES, ids=[c[0] for c in CASES])
def test_one_json_line_per_request_without_the_text(capsys, name, kwargs, status):
    client = create_app({"TESTING": True, "MAX_CHUNKS": 5}).test_client()
    capsys.readouterr()
    response = client.post("/chunking", headers={"X-Request-ID": f"log-{name}"}, **kwargs)
    assert response.status_code == status
    out = capsys.readouterr().out
    assert_no_secret(out)
    (line,) = request_lines(out)
    assert REQUEST_KEYS <= set(line)
    assert line["request_id"] == f"log-{name}"
    assert (line["method"], line["path"], line["endpoint"], line["status"]) == (
        "POST",
        "/chunking",
        "/chunking",
        status,
    )
    assert line["level"] == "INFO" and line["message"] == "request"
    assert line["request_bytes"] > 0
    assert line["duration_ms"] >= 0
    if status == 200:
        assert line["input_chars"] == len(SECRET)
        assert line["chunks"] == len(response.get_json()["chunks"])
        assert line["strategy"] == response.get_json()["strategy"]
    else:
        assert line["error_code"] == response.get_json()["error"]["code"]


def test_request_line_figures(client, capsys):
    capsys.readouterr()
    body = json.dumps({"text": "One. Two. Three.", "strategy": "sentence", "pack": False}).encode()
    response = client.post("/chunking", data=body, content_type="application/json")
    (line,) = request_lines(capsys.readouterr().out)
    assert line["request_bytes"] == len(body)
    assert line["response_bytes"] == len(response.data)
    assert (line["strategy"], line["input_chars"], line["chunks"]) == ("sentence", 16, 3)
    assert line["request_id"] == response.headers["X-Request-ID"]


def test_unmatched_paths_and_field_errors_are_logged(client, capsys):
    capsys.readouterr()
    client.get("/no/such/page")
    client.post("/chunking", json={"text": "x", "chunk_overlap": 5, "chunk_size": 5})
    missing, invalid = request_lines(capsys.readouterr().out)
    assert (missing["status"], missing["endpoint"], missing["path"]) == (404, "unmatched", "/no/such/page")
    assert (invalid["status"], invalid["error_code"], invalid["error_field"]) == (
        400,
        "invalid_field",
        "chunk_overlap",
    )


def test_long_string_figures_are_dropped(capsys):
    from app.ops.observability import note_work

    app = create_app({"TESTING": True})

    @app.get("/noted")
    def noted():
        note_work(strategy="fixed", leaked=SECRET * 3, chunks=2)
        return {"ok": True}

    capsys.readouterr()
    app.test_client().get("/noted")
    out = capsys.readouterr().out
    assert_no_secret(out)
    (line,) = request_lines(out)
    assert line["strategy"] == "fixed" and line["chunks"] == 2 and "leaked" not in line


def test_crash_logs_traceback_with_request_id_once(capsys):
    app = create_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("the internals")

    capsys.readouterr()
    response = app.test_client().get("/boom", headers={"X-Request-ID": "crash-1"})
    assert response.status_code == 500
    assert b"Traceback" not in response.data and b"internals" not in response.data
    entries = json_lines(capsys.readouterr().out)
    errors = [e for e in entries if e["level"] == "ERROR"]
    assert len(errors) == 1, errors
    assert errors[0]["request_id"] == "crash-1"
    assert "RuntimeError: the internals" in errors[0]["traceback"]
    (line,) = [e for e in entries if e["logger"] == "app.requests"]
    assert (line["status"], line["request_id"]) == (500, "crash-1")


@pytest.mark.parametrize(("level", "lines"), [("INFO", 1), ("WARNING", 0), ("debug", 1)])
def test_level_from_setting(capsys, monkeypatch, level, lines):
    monkeypatch.setenv("CHUNKWISE_LOG_LEVEL", level)
    client = create_app({"TESTING": True}).test_client()
    capsys.readouterr()
    client.get("/healthz")
    assert len(request_lines(capsys.readouterr().out)) == lines
    assert logging.getLogger("app").level == logging.getLevelName(level.upper())


def test_building_the_app_twice_does_not_double_lines(capsys):
    create_app({"TESTING": True})
    client = create_app({"TESTING": True}).test_client()
    capsys.readouterr()
    client.get("/healthz")
    assert len(request_lines(capsys.readouterr().out)) == 1


@pytest.mark.live
def test_gunicorn_output_is_json_lines_without_text(tmp_path):
    server = start_gunicorn(tmp_path, workers=2)
    try:
        import urllib.request

        for _ in range(3):
            request = urllib.request.Request(
                server.url + "/chunking",
                data=json.dumps({"text": SECRET, "strategy": "sentence"}).encode(),
                headers={"Content-Type": "application/json", "X-Request-ID": "live-log"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
    finally:
        stop(server)
    text = server.log.read_text()
    assert_no_secret(text)
    entries = json_lines(text)  # every line, gunicorn's own included, is JSON
    assert any(e["logger"] == "gunicorn.error" and "Booting worker" in e["message"] for e in entries)
    lines = [e for e in entries if e.get("request_id") == "live-log"]
    assert len(lines) == 3
    assert all(
        e["path"] == "/chunking" and e["status"] == 200 and e["input_chars"] == len(SECRET) for e in lines
    )
    assert {e["pid"] for e in lines} <= {e["pid"] for e in entries if "Booting worker" in e["message"]}


@pytest.mark.parametrize("field", ["plain", "café", "日本", "a\ud800b"])
def test_every_line_is_ascii_json_whatever_the_client_sent(field):
    # A log stream may not take UTF-8: characters beyond ASCII, and lone
    # surrogates that no encoding takes, are written as JSON escapes.
    record = logging.LogRecord("app.requests", logging.INFO, "", 0, "request", (), None)
    record.fields = {"error_field": field, "status": 400, "duration_ms": 0.25}
    line = JsonFormatter().format(record)
    assert line.isascii() and "\n" not in line
    entry = json.loads(line)
    assert (entry["error_field"], entry["status"], entry["duration_ms"]) == (field, 400, 0.25)
