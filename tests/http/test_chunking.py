from __future__ import annotations

import io

import pytest

from app.core.chunkers import CHUNKERS
from tests.helpers import NO_CONTEXT

TEXT = "First paragraph, one sentence. Another sentence here.\n\nSecond paragraph is short."


def assert_offsets(text, body):
    assert body["count"] == len(body["chunks"]) == len(body["metadata"])
    for chunk, meta in zip(body["chunks"], body["metadata"], strict=True):
        assert text[meta["start"] : meta["end"]] == chunk


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_every_strategy_answers_with_offsets(client, name):
    response = client.post("/chunking", json={"text": TEXT, "strategy": name, "chunk_size": 40})
    assert response.status_code == 200
    body = response.get_json()
    assert body["strategy"] == name
    assert body["params"]["chunk_size"] == 40
    assert all(m["size"] <= 40 for m in body["metadata"])
    assert_offsets(TEXT, body)


def test_default_strategy_is_recursive_with_effective_params(client):
    body = client.post("/chunking", json={"text": TEXT}).get_json()
    assert body["strategy"] == "recursive"
    assert body["params"] == {"chunk_size": 1000, "chunk_overlap": 0, "unit": "chars", **NO_CONTEXT}
    assert body["chunks"] == [TEXT]
    assert body["metadata"] == [{"start": 0, "end": len(TEXT), "size": len(TEXT)}]


def test_response_keys_in_documented_order(client):
    body = client.post("/chunking", json={"text": TEXT}).get_json()
    assert list(body) == ["chunks", "metadata", "strategy", "params", "count"]


def test_words_unit_sizes_are_word_counts(client):
    body = client.post(
        "/chunking", json={"text": TEXT, "strategy": "fixed", "chunk_size": 4, "unit": "words"}
    ).get_json()
    assert body["chunks"] == [
        "First paragraph, one sentence.",
        "Another sentence here.\n\nSecond",
        "paragraph is short.",
    ]
    assert [m["size"] for m in body["metadata"]] == [4, 4, 3]


def test_empty_and_whitespace_text_give_no_chunks(client):
    for text in ("", "  \n\n\t "):
        body = client.post("/chunking", json={"text": text}).get_json()
        assert body["chunks"] == [] and body["count"] == 0


def test_multibyte_offsets_are_code_points(client):
    text = "Ünïcödé 🌍 text.\n\n日本語の文です。次の文です。"
    body = client.post("/chunking", json={"text": text, "strategy": "paragraph", "pack": False}).get_json()
    assert body["chunks"] == ["Ünïcödé 🌍 text.", "日本語の文です。次の文です。"]
    assert body["metadata"][1]["start"] == 17
    assert_offsets(text, body)


def test_plain_text_with_query_options(client):
    response = client.post(
        "/chunking?strategy=sentence&chunk_size=35&pack=false", data=TEXT.encode(), content_type="text/plain"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["params"]["pack"] is False
    assert body["chunks"] == [
        "First paragraph, one sentence.",
        "Another sentence here.",
        "Second paragraph is short.",
    ]


def test_plain_text_charset_parameter_is_fine(client):
    response = client.post("/chunking", data="héllo".encode(), content_type="text/plain; charset=utf-8")
    assert response.get_json()["chunks"] == ["héllo"]


def test_multipart_file_with_form_options(client):
    data = {"file": (io.BytesIO(TEXT.encode()), "doc.txt"), "strategy": "paragraph", "pack": "false"}
    response = client.post("/chunking?chunk_size=100", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    body = response.get_json()
    assert body["params"]["chunk_size"] == 100
    assert body["chunks"] == TEXT.split("\n\n")
    assert_offsets(TEXT, body)


def test_form_field_wins_over_query(client):
    data = {"file": (io.BytesIO(b"a b c d e f"), "doc.txt"), "chunk_size": "3"}
    body = client.post("/chunking?chunk_size=100", data=data, content_type="multipart/form-data").get_json()
    assert body["params"]["chunk_size"] == 3


def test_overlap_is_honoured(client):
    text = "aa bb cc dd ee ff"
    body = client.post("/chunking", json={"text": text, "chunk_size": 8, "chunk_overlap": 3}).get_json()
    assert body["chunks"] == ["aa bb cc", "cc dd ee", "ee ff"]


def test_request_id_is_generated_and_echoed(client):
    generated = client.post("/chunking", json={"text": "x"}).headers["X-Request-ID"]
    assert len(generated) == 32
    echoed = client.post("/chunking", json={"text": "x"}, headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith tab"})
    assert unsafe.headers["X-Request-ID"] != "bad id\twith tab"
