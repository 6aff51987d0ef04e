"""POST /chunking with "texts": one result per text, each exactly what a single request gives."""

from __future__ import annotations

import io

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from app import create_app
from app.core.chunkers import CHUNKERS, InvalidOptions
from app.core.chunkers.recursive import RecursiveChunker
from app.web.schemas import STRATEGY_MODELS
from tests.helpers import NO_CONTEXT, assert_error

TEXTS = [
    "Batches let a pipeline send many texts at once. Each one is chunked on its own.\n\n"
    "A second paragraph follows the first. It has two sentences.",
    "",
    "Ünïcödé 🌍 survives in a batch too.\n\nNew paragraph: 日本語の文です。次の文です。",
    "   \n\n  ",
    "# Heading\n\nSome text under a heading.\n\nalice: hi there\nbob: hello back",
    "One line without any break at all, long enough to be split into several small chunks by size.",
]


def small_options(name):
    return {"chunk_size": 60} if "chunk_size" in STRATEGY_MODELS[name].model_fields else {}


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_each_result_equals_the_single_request(client, name):
    options = {"strategy": name, **small_options(name)}
    response = client.post("/chunking", json={"texts": TEXTS, **options})
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert len(results) == len(TEXTS)
    for text, result in zip(TEXTS, results, strict=True):
        single = client.post("/chunking", json={"text": text, **options})
        assert single.status_code == 200
        assert result == single.get_json()


def test_results_follow_the_order_of_the_texts_with_their_options(client):
    texts = ["third text here", "first", "a b c d e f g h"]
    body = client.post(
        "/chunking", json={"texts": texts, "strategy": "fixed", "chunk_size": 3, "unit": "words"}
    ).get_json()
    assert list(body) == ["results"]
    assert [r["chunks"] for r in body["results"]] == [
        ["third text here"],
        ["first"],
        ["a b c", "d e f", "g h"],
    ]
    assert all(
        r["params"] == {"chunk_size": 3, "chunk_overlap": 0, "unit": "words", **NO_CONTEXT}
        for r in body["results"]
    )


def test_default_strategy_and_empty_batch(client):
    body = client.post("/chunking", json={"texts": ["Two words."]}).get_json()
    assert body["results"][0]["strategy"] == "recursive"
    assert client.post("/chunking", json={"texts": []}).get_json() == {"results": []}


def test_too_many_texts(client):
    app = create_app({"TESTING": True, "MAX_BATCH_TEXTS": 3})
    small = app.test_client()
    assert small.post("/chunking", json={"texts": ["a"] * 3}).status_code == 200
    error = assert_error(
        small.post("/chunking", json={"texts": ["a"] * 4}), 413, field="texts", code="payload_too_large"
    )
    assert "limit is 3" in error["message"]


def test_text_limits_name_the_text_or_the_batch():
    client = create_app({"TESTING": True, "MAX_TEXT_CHARS": 10}).test_client()
    error = assert_error(client.post("/chunking", json={"texts": ["short", "x" * 11]}), 413, field="texts[1]")
    assert "11 characters" in error["message"]
    # Each text fits, but together they are over the limit one request may submit.
    error = assert_error(client.post("/chunking", json={"texts": ["x" * 6, "y" * 6]}), 413, field="texts")
    assert "12 characters in all" in error["message"]
    assert client.post("/chunking", json={"texts": ["x" * 5, "y" * 5]}).status_code == 200


def test_chunk_limit_holds_for_the_whole_batch():
    client = create_app({"TESTING": True, "MAX_CHUNKS": 5}).test_client()
    options = {"strategy": "sentence", "pack": False, "chunk_size": 100}
    text = "One here. Two here. Three here."
    assert client.post("/chunking", json={"text": text, **options}).get_json()["count"] == 3
    # The lower bound from chunk_size (one chunk per text) passes; the real count (6) does not.
    assert_error(client.post("/chunking", json={"texts": [text, text], **options}), 422, field="chunk_size")
    # Certain from chunk_size alone: refused before any work.
    error = assert_error(
        client.post("/chunking", json={"texts": ["abcdef"] * 3, "chunk_size": 2}), 422, field="chunk_size"
    )
    assert "at least 9 chunks" in error["message"]


@pytest.mark.parametrize(
    ("texts", "field"),
    [
        (["fine", "also fine", 7], "texts[2]"),
        (["fine", None], "texts[1]"),
        (["fine", "bad \ud800 surrogate"], "texts[1]"),
        ("not a list", "texts"),
        ({"0": "text"}, "texts"),
    ],
    ids=["number", "null", "surrogate", "string", "object"],
)
def test_a_bad_text_is_named_by_its_index(client, texts, field):
    assert_error(client.post("/chunking", json={"texts": texts}), 400, field=field, code="invalid_field")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"chunk_size": 0}, "chunk_size"),
        ({"chunk_size": 10, "chunk_overlap": 10}, "chunk_overlap"),
        ({"strategy": "nope"}, "strategy"),
        ({"colour": "red"}, "colour"),
        ({"text": "one"}, "texts"),
    ],
    ids=["range", "overlap", "strategy", "unknown", "both"],
)
def test_shared_option_errors_name_the_option(client, extra, field):
    assert_error(client.post("/chunking", json={"texts": ["a", "b"], **extra}), 400, field=field)


def test_batch_is_json_only(client):
    response = client.post("/chunking?texts=a", data=b"some text", content_type="text/plain")
    assert_error(response, 400, field="texts")
    data = {"texts": "a", "file": (io.BytesIO(b"some text"), "a.txt")}
    assert_error(client.post("/chunking", data=data, content_type="multipart/form-data"), 400, field="texts")


def test_an_error_from_one_text_names_it(client, monkeypatch):
    def picky(self, text):
        if "\n\n" not in text:
            raise InvalidOptions("text", "this strategy needs paragraphs")
        return []

    monkeypatch.setattr(RecursiveChunker, "chunk", picky)
    error = assert_error(
        client.post("/chunking", json={"texts": ["a\n\nb", "no breaks"]}), 400, field="texts[1]"
    )
    assert error["message"] == "texts[1]: this strategy needs paragraphs"


def documented(doc, name):
    """A JSON Schema validator for one component of the OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_openapi_documents_both_forms(client):
    doc = client.get("/openapi.json").get_json()
    validate_openapi(doc)
    schemas = doc["components"]["schemas"]
    body = doc["paths"]["/chunking"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    request = schemas[body["$ref"].rsplit("/", 1)[1]]
    assert request["anyOf"] == [
        {"$ref": "#/components/schemas/ChunkRequest"},
        {"$ref": "#/components/schemas/BatchChunkRequest"},
    ]
    batch = schemas["BatchChunkRequest"]
    assert "discriminator" not in batch
    assert len(batch["oneOf"]) == len(CHUNKERS)
    fixed = schemas["FixedBatchChunkRequest"]
    assert fixed["properties"]["texts"]["type"] == "array"
    assert fixed["properties"]["texts"]["items"] == {"type": "string"}
    assert "texts" in fixed["required"] and "text" not in fixed["properties"]
    assert fixed["additionalProperties"] is False
    ok = doc["paths"]["/chunking"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    answer = schemas[ok["$ref"].rsplit("/", 1)[1]]
    assert {"$ref": "#/components/schemas/BatchChunkResponse"} in answer["anyOf"]


def test_requests_and_answers_match_the_documented_schemas(client):
    doc = client.get("/openapi.json").get_json()
    request, answer = documented(doc, "ChunkingRequest"), documented(doc, "ChunkingResponse")
    batch = {"texts": TEXTS[:3], "strategy": "sentence", "chunk_size": 80}
    single = {"text": TEXTS[0], "strategy": "sentence", "chunk_size": 80}
    request.validate(batch)
    request.validate(single)
    assert not request.is_valid({**single, "texts": TEXTS[:1]})
    assert not request.is_valid({"texts": ["a", 1]})
    answer.validate(client.post("/chunking", json=single).get_json())
    body = client.post("/chunking", json=batch).get_json()
    answer.validate(body)
    documented(doc, "BatchChunkResponse").validate(body)
