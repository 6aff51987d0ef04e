"""The service as deployed: real gunicorn with the project's config, on 127.0.0.1."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.conftest import start_gunicorn, stop

pytestmark = pytest.mark.live


def post_chunked(port: int, body: bytes, piece: int = 1000) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        parts = (body[i : i + piece] for i in range(0, len(body), piece))
        conn.request(
            "POST",
            "/chunking",
            body=parts,
            encode_chunked=True,
            headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory):
    server = start_gunicorn(tmp_path_factory.mktemp("limit"), {"CHUNKWISE_MAX_BODY_BYTES": "5000"})
    yield server
    stop(server)


def test_chunked_body_over_limit_is_413_not_truncated(small_limit_server):
    body = json.dumps({"text": "word " * 2000}).encode()
    status, answer = post_chunked(small_limit_server.port, body)
    assert status == 413
    assert answer["error"]["code"] == "payload_too_large"
    assert answer["error"]["field"] == "body"
    assert "the limit is 5000 bytes (CHUNKWISE_MAX_BODY_BYTES)" in answer["error"]["message"]


def test_chunked_body_under_limit_arrives_whole(small_limit_server):
    text = "word " * 900
    status, answer = post_chunked(
        small_limit_server.port, json.dumps({"text": text, "chunk_size": 100}).encode()
    )
    assert status == 200
    assert "".join(answer["chunks"]).replace(" ", "") == text.replace(" ", "")


def test_content_length_over_limit_is_413(small_limit_server):
    conn = http.client.HTTPConnection("127.0.0.1", small_limit_server.port, timeout=30)
    body = json.dumps({"text": "x" * 6000}).encode()
    conn.request("POST", "/chunking", body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    assert response.status == 413
    error = json.loads(response.read())["error"]
    conn.close()
    assert error["status"] == 413 and error["code"] == "payload_too_large" and error["field"] == "body"
    assert error["message"] == (
        f"the body has {len(body)} bytes; the limit is 5000 bytes (CHUNKWISE_MAX_BODY_BYTES)"
    )


def test_live_chunking_and_request_id(live_server):
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    body = json.dumps({"text": "One sentence. Two sentences.", "strategy": "sentence", "pack": False})
    conn.request(
        "POST", "/chunking", body=body, headers={"Content-Type": "application/json", "X-Request-ID": "live-1"}
    )
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("X-Request-ID") == "live-1"
    assert json.loads(response.read())["chunks"] == ["One sentence.", "Two sentences."]
    conn.close()


def test_deeply_nested_json_is_a_json_400(live_server):
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    conn.request(
        "POST",
        "/chunking",
        body=b"[" * 100_000 + b"]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    assert response.status == 400
    assert response.getheader("Content-Type") == "application/json"
    assert "nested too deeply" in json.loads(response.read())["error"]["message"]
    conn.close()
