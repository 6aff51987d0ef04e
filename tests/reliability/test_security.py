"""Security defaults: no CORS unless asked (never a wildcard with credentials), TRACE refused, no debug."""

from __future__ import annotations

import http.client

import pytest

from app import create_app
from app.config import ConfigError

ORIGIN = "https://rag.example.org"
OTHER = "https://evil.example.net"
PATHS = ["/chunking", "/semantic-chunking", "/answer"]
GETS = ["/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"]


def cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


def preflight(client, path: str, origin: str):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )


@pytest.mark.parametrize("path", PATHS)
def test_no_cors_headers_by_default(client, path):
    response = client.post(path, json={"text": "Hello.", "question": "hi"}, headers={"Origin": ORIGIN})
    assert cors_headers(response) == {}
    assert cors_headers(preflight(client, path, ORIGIN)) == {}
    assert cors_headers(client.get("/healthz", headers={"Origin": ORIGIN})) == {}


def test_listed_origins_only(monkeypatch):
    monkeypatch.setenv("CHUNKWISE_CORS_ORIGINS", f"{ORIGIN}, http://localhost:3000")
    client = create_app({"TESTING": True}).test_client()
    response = client.post("/chunking", json={"text": "Hello."}, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in response.headers.get("Vary", "")
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers
    local = client.get("/healthz", headers={"Origin": "http://localhost:3000"})
    assert local.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert cors_headers(client.post("/chunking", json={"text": "x"}, headers={"Origin": OTHER})) == {}
    allowed = preflight(client, "/chunking", ORIGIN)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    assert cors_headers(preflight(client, "/chunking", OTHER)) == {}


def test_errors_carry_cors_headers_too():
    client = create_app({"TESTING": True, "CORS_ORIGINS": ORIGIN}).test_client()
    response = client.post("/chunking", json={"text": "x", "chunk_size": 0}, headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_wildcard_never_with_credentials(monkeypatch):
    # Even with flask-cors's own settings in the environment, credentials stay off.
    monkeypatch.setenv("CHUNKWISE_CORS_SUPPORTS_CREDENTIALS", "true")
    monkeypatch.setenv("CHUNKWISE_CORS_SEND_WILDCARD", "false")
    client = create_app({"TESTING": True, "CORS_ORIGINS": "*"}).test_client()
    response = client.post("/chunking", json={"text": "x"}, headers={"Origin": OTHER})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Access-Control-Allow-Credentials" not in preflight(client, "/answer", OTHER).headers


@pytest.mark.parametrize(
    "value",
    ["rag.example.org", "https://rag.example.org/path", "ftp://files.example.org", "https://a.org,*", " , "],
    ids=["no-scheme", "path", "scheme", "wildcard-mixed", "empty-items"],
)
def test_bad_origins_stop_the_service_at_start(value):
    with pytest.raises(ConfigError, match="CHUNKWISE_CORS_ORIGINS"):
        create_app({"CORS_ORIGINS": value})


@pytest.mark.parametrize("path", PATHS + GETS)
def test_trace_is_refused(client, path):
    response = client.open(path, method="TRACE", headers={"X-Secret": "not echoed"})
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["status"] == 405
    assert b"not echoed" not in response.get_data()
    assert "TRACE" not in response.headers["Allow"]


def test_trace_is_refused_by_the_live_server(live_server):
    connection = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    try:
        connection.request("TRACE", "/chunking", headers={"X-Secret": "not echoed"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 405
    assert response.getheader("Content-Type") == "application/json"
    assert b"not echoed" not in body


@pytest.mark.parametrize(
    "name",
    [
        "CHUNKWISE_DEBUG",
        "CHUNKWISE_TESTING",
        "CHUNKWISE_PROPAGATE_EXCEPTIONS",
        "CHUNKWISE_TRAP_HTTP_EXCEPTIONS",
    ],
)
def test_debug_and_its_relatives_cannot_be_switched_on_from_the_environment(monkeypatch, name):
    monkeypatch.setenv(name, "true")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app()
    assert app.debug is False and app.testing is False
    assert not app.config.get("PROPAGATE_EXCEPTIONS") and not app.config.get("TRAP_HTTP_EXCEPTIONS")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert b"secret detail" not in response.get_data() and b"Traceback" not in response.get_data()


def test_flask_settings_cannot_be_set_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHUNKWISE_SERVER_NAME", "elsewhere.example")
    monkeypatch.setenv("CHUNKWISE_MAX_TEXT_CHARS", "5000")
    app = create_app({"TESTING": True})
    assert app.config["SERVER_NAME"] is None
    assert app.config["MAX_TEXT_CHARS"] == 5000
    assert app.test_client().get("/healthz").status_code == 200
