"""Batch input on /semantic-chunking: each result is exactly what a single call gives."""

from __future__ import annotations

from app import create_app

TEXTS = [
    "Cats purr when content. Cats sleep most of the day. Rockets need fuel. Rockets reach orbit.",
    "One short text.",
    "",
]


def test_each_result_equals_the_single_call(client):
    options = {"window": 1, "threshold_method": "percentile"}
    batch = client.post("/semantic-chunking", json={"texts": TEXTS, **options})
    assert batch.status_code == 200
    results = batch.get_json()["results"]
    assert len(results) == len(TEXTS)
    for text, result in zip(TEXTS, results, strict=True):
        assert result == client.post("/semantic-chunking", json={"text": text, **options}).get_json()


def test_error_names_the_text_at_fault(client):
    response = client.post(
        "/semantic-chunking", data=b'{"texts": ["fine", "a\\ud800"]}', content_type="application/json"
    )
    error = response.get_json()["error"]
    assert response.status_code == 400
    assert error["field"] == "texts[1]"
    assert "surrogate" in error["message"]


def test_text_and_texts_together_are_refused(client):
    response = client.post("/semantic-chunking", json={"text": "a", "texts": ["b"]})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "texts"


def test_batch_limits():
    client = create_app({"TESTING": True, "MAX_BATCH_TEXTS": 2}).test_client()
    response = client.post("/semantic-chunking", json={"texts": ["a", "b", "c"]})
    assert response.status_code == 413
    assert response.get_json()["error"]["field"] == "texts"


def test_openapi_documents_both_forms(client):
    doc = client.get("/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    names = {ref["$ref"].rsplit("/", 1)[1] for ref in schemas["SemanticChunkingRequest"]["anyOf"]}
    assert names == {"SemanticRequest", "SemanticBatchRequest"}
