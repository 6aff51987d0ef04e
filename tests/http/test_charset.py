"""Text bodies and uploaded files are decoded by their declared charset, UTF-8 when none is."""

from __future__ import annotations

import io

import pytest

from tests.http.test_errors import assert_error

LATIN = "Café crème, déjà vu. Über naïve façades."


def _upload(raw: bytes, content_type: str | None = None) -> dict[str, object]:
    part = (io.BytesIO(raw), "doc.txt", content_type) if content_type else (io.BytesIO(raw), "doc.txt")
    return {"file": part, "strategy": "fixed"}


@pytest.mark.parametrize(
    "charset", ["iso-8859-1", "ISO-8859-1", "latin1", "windows-1252", "utf-16", '"cp1252"']
)
def test_text_plain_is_decoded_by_its_charset(client, charset):
    encoding = charset.strip('"')
    response = client.post(
        "/chunking?strategy=fixed", data=LATIN.encode(encoding), content_type=f"text/plain; charset={charset}"
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["chunks"] == [LATIN]


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking"])
def test_an_uploaded_part_is_decoded_by_its_charset(client, path):
    data = _upload(LATIN.encode("iso-8859-1"), "text/plain; charset=iso-8859-1")
    if path == "/semantic-chunking":
        data.pop("strategy")
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    assert "".join(response.get_json()["chunks"]) == LATIN


def test_without_a_charset_text_is_utf8_and_a_bom_is_dropped(client):
    raw = b"\xef\xbb\xbf" + LATIN.encode()
    plain = client.post("/chunking?strategy=fixed", data=raw, content_type="text/plain").get_json()
    assert plain["chunks"] == [LATIN] and plain["metadata"][0]["start"] == 0
    upload = client.post("/chunking", data=_upload(raw), content_type="multipart/form-data").get_json()
    assert upload["chunks"] == [LATIN]
    declared = client.post("/chunking?strategy=fixed", data=raw, content_type="text/plain; charset=UTF-8")
    assert declared.get_json()["chunks"] == [LATIN]


def test_bytes_invalid_in_the_declared_charset_name_it(client):
    response = client.post(
        "/chunking", data="日本".encode("shift_jis") + b"\x81", content_type="text/plain; charset=shift_jis"
    )
    error = assert_error(response, 400, "invalid_field", "text")
    assert "shift_jis" in error["message"] and "offset 4" in error["message"]
    upload = _upload(b"ab\xff", "text/plain; charset=ascii")
    error = assert_error(
        client.post("/chunking", data=upload, content_type="multipart/form-data"),
        400,
        "invalid_field",
        "file",
    )
    assert "declared charset ascii" in error["message"] and "offset 2" in error["message"]


def test_latin1_bytes_without_a_charset_say_utf8_was_assumed(client):
    response = client.post("/chunking", data=LATIN.encode("iso-8859-1"), content_type="text/plain")
    error = assert_error(response, 400, "invalid_field", "text")
    assert "UTF-8 (no charset was declared)" in error["message"] and "offset 3" in error["message"]


@pytest.mark.parametrize("charset", ["klingon-8", "base64", "zlib"])
def test_an_unknown_charset_is_named(client, charset):
    response = client.post("/chunking", data=b"abc", content_type=f"text/plain; charset={charset}")
    error = assert_error(response, 415, "unsupported_media_type", "text")
    assert f"unknown charset '{charset}'" in error["message"]
    upload = _upload(b"abc", f"text/plain; charset={charset}")
    error = assert_error(
        client.post("/chunking", data=upload, content_type="multipart/form-data"),
        415,
        "unsupported_media_type",
        "file",
    )
    assert charset in error["message"]
