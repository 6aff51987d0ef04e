"""Every error is JSON in the one error shape, names what was wrong, and never a 500 for client input."""

from __future__ import annotations

import io

import pytest

from app import create_app
from app.core.chunkers import CHUNKERS
from tests.helpers import assert_error

BAD_JSON = [
    (b'{"text": 1', "Expecting"),
    (b"[" * 1000 + b"]" * 1000, "nested too deeply"),
    (b'{"text": NaN}', "NaN is not valid JSON"),
    (b'{"text": Infinity}', "Infinity is not valid JSON"),
    (b'{"text": "x", "chunk_size": 1e999}', "out of range"),
    (b'{"text": "a", "text": "b"}', "duplicate key 'text'"),
    (b'{"text": "x", "chunk_size": 1' + b"0" * 5000 + b"}", "digits"),
    (b"", "Expecting value"),
    ('\ufeff{"text": "x"}'.encode(), "Unexpected UTF-8 BOM"),
]


@pytest.mark.parametrize(
    ("body", "message"),
    BAD_JSON,
    ids=["truncated", "nested", "nan", "infinity", "overflow", "duplicate", "digits", "empty", "bom"],
)
def test_malformed_json(client, body, message):
    error = assert_error(
        client.post("/chunking", data=body, content_type="application/json"), 400, "invalid_body", "body"
    )
    assert message in error["message"]


def test_json_must_be_an_object(client):
    for body in ([1, 2], "text", 5):
        assert_error(client.post("/chunking", json=body), 400, "invalid_body", "body")


def test_invalid_utf8(client):
    assert_error(
        client.post("/chunking", data=b'{"text": "\xff"}', content_type="application/json"),
        400,
        "invalid_body",
        "body",
    )
    assert_error(
        client.post("/chunking", data=b"ab\xc3", content_type="text/plain"), 400, "invalid_field", "text"
    )
    data = {"file": (io.BytesIO(b"\xfe\xff"), "a.txt")}
    assert_error(
        client.post("/chunking", data=data, content_type="multipart/form-data"), 400, "invalid_field", "file"
    )


def test_lone_surrogate_is_refused(client):
    error = assert_error(
        client.post("/chunking", data=b'{"text": "a\\ud800"}', content_type="application/json"),
        400,
        "invalid_field",
        "text",
    )
    assert "surrogate" in error["message"]


FIELD_ERRORS = [
    ({"strategy": "magic"}, "strategy", "valid strategies: " + ", ".join(sorted(CHUNKERS))),
    ({"chunk_size": 0}, "chunk_size", "greater than or equal to 1"),
    ({"chunk_size": "500"}, "chunk_size", "valid integer"),
    ({"chunk_size": True}, "chunk_size", "valid integer"),
    ({"chunk_size": 2.5}, "chunk_size", "valid integer"),
    ({"chunk_size": None}, "chunk_size", "valid integer"),
    ({"chunk_overlap": -1}, "chunk_overlap", "greater than or equal to 0"),
    (
        {"chunk_size": 10, "chunk_overlap": 10},
        "chunk_overlap",
        "chunk_overlap must be smaller than chunk_size",
    ),
    ({"unit": "lines"}, "unit", "'chars', 'words' or 'tokens'"),
    ({"colour": "red"}, "colour", "unknown field 'colour'"),
    ({"strategy": "fixed", "pack": True}, "pack", "'pack' is not an option of strategy 'fixed'"),
    ({"strategy": 5}, "strategy", "unknown strategy"),
]


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    FIELD_ERRORS,
    ids=[
        "strategy",
        "size-zero",
        "size-string",
        "size-bool",
        "size-float",
        "size-null",
        "overlap-negative",
        "overlap-size",
        "unit",
        "unknown",
        "foreign-option",
        "strategy-number",
    ],
)
def test_invalid_fields_are_named(client, extra, field, message):
    error = assert_error(
        client.post("/chunking", json={"text": "some text", **extra}), 400, "invalid_field", field
    )
    assert message in error["message"]


def test_missing_text(client):
    error = assert_error(client.post("/chunking", json={"strategy": "fixed"}), 400, "invalid_field", "text")
    assert error["message"] == "text is required"


def test_wrong_text_type(client):
    assert_error(client.post("/chunking", json={"text": ["a"]}), 400, "invalid_field", "text")


def test_query_option_errors_name_the_field(client):
    response = client.post("/chunking?chunk_size=big", data=b"text", content_type="text/plain")
    assert_error(response, 400, "invalid_field", "chunk_size")
    response = client.post("/chunking?chunk_size=5&chunk_size=6", data=b"text", content_type="text/plain")
    assert_error(response, 400, "invalid_field", "chunk_size")
    response = client.post("/chunking?text=abc", data=b"text", content_type="text/plain")
    assert response.status_code == 200  # the body is the text; a query "text" cannot replace it
    assert response.get_json()["chunks"] == ["text"]


def test_multipart_needs_a_file(client):
    assert_error(
        client.post("/chunking", data={"strategy": "fixed"}, content_type="multipart/form-data"),
        400,
        "invalid_field",
        "file",
    )
    data = {"file": (io.BytesIO(b"a"), "a.txt"), "other": (io.BytesIO(b"b"), "b.txt")}
    assert_error(
        client.post("/chunking", data=data, content_type="multipart/form-data"), 400, "invalid_field", "other"
    )


def test_unsupported_media_type(client):
    error = assert_error(
        client.post("/chunking", data=b"<a/>", content_type="application/xml"), 415, "unsupported_media_type"
    )
    assert "application/json" in error["message"]
    assert_error(client.post("/chunking", data=b"x"), 415, "unsupported_media_type")


def test_not_found_and_method_not_allowed(client):
    assert_error(client.get("/nowhere"), 404, "not_found")
    response = client.get("/chunking")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]
    assert_error(client.open("/chunking", method="TRACE"), 405, "method_not_allowed")


def test_body_over_limit_is_413():
    client = create_app({"TESTING": True, "MAX_BODY_BYTES": 100}).test_client()
    error = assert_error(client.post("/chunking", json={"text": "x" * 200}), 413, "payload_too_large", "body")
    assert "the limit is 100 bytes" in error["message"]


def test_text_over_limit_is_413_naming_text():
    client = create_app({"TESTING": True, "MAX_TEXT_CHARS": 10}).test_client()
    error = assert_error(client.post("/chunking", json={"text": "x" * 11}), 413, "payload_too_large", "text")
    assert "limit is 10" in error["message"]
    assert client.post("/chunking", json={"text": "x" * 10}).status_code == 200


def test_too_many_chunks_refused_before_work():
    client = create_app({"TESTING": True, "MAX_CHUNKS": 5}).test_client()
    error = assert_error(
        client.post("/chunking", json={"text": "abcdefghij" * 10, "chunk_size": 10}),
        422,
        "too_many_chunks",
        "chunk_size",
    )
    assert "at least 10 chunks" in error["message"]


def test_too_many_chunks_found_after_work():
    client = create_app({"TESTING": True, "MAX_CHUNKS": 3}).test_client()
    # Four short sentences fit one chunk of 100 by size, but unpacked they make four.
    response = client.post(
        "/chunking", json={"text": "One. Two. Three. Four.", "strategy": "sentence", "pack": False}
    )
    assert_error(response, 422, "too_many_chunks", "chunk_size")


def test_crash_is_json_500_with_request_id_only(caplog):
    app = create_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom", headers={"X-Request-ID": "req-42"})
    error = assert_error(response, 500, "internal_error")
    assert error["message"] == "internal error (request id req-42)"
    assert b"secret" not in response.data and b"Traceback" not in response.data
    assert "secret internals" in caplog.text


def test_a_form_part_whose_name_cannot_be_read_is_an_unknown_field(client):
    # Found by make fuzz (seed 12): a name holding a bare carriage return is read
    # as no name at all, and beside another unknown field it was a 500.
    boundary = "XyZ"
    parts = [
        'Content-Disposition: form-data; name="\r"\r\n\r\nnull',
        'Content-Disposition: form-data; name="%0D"\r\n\r\nnull',
        'Content-Disposition: form-data; name="file"; filename="notes.txt"\r\n\r\nSome text.',
    ]
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    for path in ("/extract", "/chunking", "/semantic-chunking"):
        response = client.post(
            path, data=body.encode(), content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert response.status_code == 400, (path, response.get_json())
        assert response.get_json()["error"]["field"] in ("", "%0D")


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking", "/answer"])
def test_a_query_string_beside_a_json_body_is_refused(client, path):
    body = {"text": "One sentence. Another one."}
    if path == "/answer":
        body["question"] = "which?"
    resp = client.post(f"{path}?chunk_size=5", json=body)
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["field"] == "chunk_size"
    assert "options go in the body" in error["message"]


def test_an_empty_query_string_beside_a_json_body_is_no_option(client):
    resp = client.post("/chunking?", json={"text": "x y"})
    assert resp.status_code == 200
