"""Error messages that teach: the limit, the closest valid name, who takes an option, what to send."""

from __future__ import annotations

import io
import json

import pytest

from app import create_app
from tests.http.test_errors import assert_error


def test_both_413s_share_a_code_and_state_their_limit():
    client = create_app({"TESTING": True, "MAX_BODY_BYTES": 300, "MAX_TEXT_CHARS": 50}).test_client()
    body = assert_error(client.post("/chunking", json={"text": "x" * 400}), 413, "payload_too_large", "body")
    assert "the limit is 300 bytes (CHUNKWISE_MAX_BODY_BYTES)" in body["message"]
    text = assert_error(client.post("/chunking", json={"text": "x" * 60}), 413, "payload_too_large", "text")
    assert "text has 60 characters; the limit is 50" in text["message"]
    upload = {"file": (io.BytesIO(b"x" * 400), "doc.txt")}
    form = assert_error(
        client.post("/chunking", data=upload, content_type="multipart/form-data"), 413, "payload_too_large"
    )
    assert "the limit is 300 bytes" in form["message"]


LIMITS = [
    ({"MAX_BATCH_TEXTS": 2}, "/chunking", {"texts": ["a", "b", "c"]}, "the limit is 2"),
    ({"MAX_TEXT_CHARS": 3}, "/chunking", {"texts": ["abcd"]}, "the limit is 3"),
    ({"MAX_ANSWER_CHUNKS": 1}, "/answer", {"question": "a", "chunks": ["a", "b"]}, "the limit is 1"),
    ({"MAX_CHUNKS": 2}, "/chunking", {"text": "a b c d e f", "chunk_size": 1}, "the limit is 2"),
]


@pytest.mark.parametrize(
    ("config", "path", "body", "said"), LIMITS, ids=["texts", "chars", "answer", "chunks"]
)
def test_every_limit_message_names_the_limit(config, path, body, said):
    client = create_app({"TESTING": True, **config}).test_client()
    response = client.post(path, json=body)
    assert response.status_code in (413, 422)
    assert said in response.get_json()["error"]["message"]


TYPOS = [
    ("/chunking", {"text": "x", "chunksize": 5}, "chunksize", "did you mean 'chunk_size'?"),
    (
        "/chunking",
        {"text": "x", "strategy": "sentence", "chunk_overlp": 1},
        "chunk_overlp",
        "'chunk_overlap'",
    ),
    ("/chunking", {"texts": ["x"], "chunksize": 5}, "chunksize", "did you mean 'chunk_size'?"),
    ("/semantic-chunking", {"text": "x", "windw": 1}, "windw", "did you mean 'window'?"),
    ("/answer", {"question": "x", "chunks": ["x"], "topk": 1}, "topk", "did you mean 'top_k'?"),
]


@pytest.mark.parametrize(
    ("path", "body", "field", "hint"), TYPOS, ids=["chunk", "overlap", "batch", "semantic", "answer"]
)
def test_an_unknown_field_suggests_the_closest_name(client, path, body, field, hint):
    error = assert_error(client.post(path, json=body), 400, "invalid_field", field)
    assert error["message"].startswith(f"unknown field {field!r}; ")
    assert hint in error["message"]


def test_query_and_form_typos_are_suggested_too(client):
    query = client.post("/chunking?chunksize=5", data=b"x", content_type="text/plain")
    assert "did you mean 'chunk_size'?" in assert_error(query, 400, "invalid_field", "chunksize")["message"]
    form = {"file": (io.BytesIO(b"x"), "a.txt"), "chunksize": "5"}
    response = client.post("/chunking", data=form, content_type="multipart/form-data")
    assert (
        "did you mean 'chunk_size'?" in assert_error(response, 400, "invalid_field", "chunksize")["message"]
    )


def test_a_field_with_nothing_close_lists_the_strategys_options(client):
    error = assert_error(
        client.post("/chunking", json={"text": "x", "colour": 1}), 400, "invalid_field", "colour"
    )
    assert (
        error["message"]
        == "unknown field 'colour'; strategy 'recursive' takes: chunk_size, chunk_overlap, unit, tokenizer,"
        " contextualize, parent_size, neighbours"
    )


@pytest.mark.parametrize(
    ("typo", "meant"), [("sentense", "sentence"), ("markdwon", "markdown"), ("Recursive", "recursive")]
)
def test_an_unknown_strategy_suggests_the_closest(client, typo, meant):
    for response in (
        client.post("/chunking", json={"text": "x", "strategy": typo}),
        client.post(f"/chunking?strategy={typo}", data=b"x", content_type="text/plain"),
    ):
        error = assert_error(response, 400, "invalid_field", "strategy")
        assert (
            f"unknown strategy {typo!r}; did you mean {meant!r}? Valid strategies: chat, " in error["message"]
        )


def test_an_unknown_strategy_with_nothing_close_lists_them(client):
    error = assert_error(
        client.post("/chunking", json={"text": "x", "strategy": "zzz"}), 400, "invalid_field"
    )
    assert error["message"].startswith("unknown strategy 'zzz'; valid strategies: chat, fixed, html")


@pytest.mark.parametrize(
    ("strategy", "option", "takers"),
    [
        ("recursive", "pack", "chat, html, markdown, page, paragraph, sentence"),
        ("fixed", "time_gap", "chat"),
        ("sentence", "threshold", "semantic"),
    ],
)
def test_an_option_of_other_strategies_names_them(client, strategy, option, takers):
    response = client.post("/chunking", json={"text": "x", "strategy": strategy, option: 1})
    error = assert_error(response, 400, "invalid_field", option)
    assert error["message"] == (
        f"{option!r} is not an option of strategy {strategy!r}; strategies that take it: {takers}"
    )


@pytest.mark.parametrize(
    ("content_type", "got"),
    [(None, "none"), ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded")],
    ids=["none", "curl-data-binary"],
)
def test_415_says_which_header_to_send(client, content_type, got):
    kwargs = {"content_type": content_type} if content_type else {}
    error = assert_error(client.post("/chunking", data=b"some text", **kwargs), 415, "unsupported_media_type")
    assert f"(got {got})" in error["message"]
    assert "-H 'Content-Type: text/plain'" in error["message"]
    assert "-H 'Content-Type: application/json'" in error["message"]


def test_415_on_a_json_only_endpoint_offers_only_json(client):
    response = client.post("/answer", data=b"question", content_type="text/plain")
    error = assert_error(response, 415, "unsupported_media_type")
    assert "-H 'Content-Type: application/json'" in error["message"]
    assert "text/plain'" not in error["message"]


def test_service_description_is_plain_text(client):
    body = client.get("/", headers={"Accept": "application/json"}).get_json()
    text = json.dumps(body)
    assert "``" not in text and ":class:" not in text
    assert "at most chunk_size characters" in body["strategies"]["semantic"]["description"]
