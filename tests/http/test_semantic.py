from __future__ import annotations

import io

import pytest

from app import create_app
from app.core.chunkers.base import measure
from app.web.openapi import DOCUMENT_MEDIA_TYPES
from app.web.schemas import SemanticResponse
from tests.helpers import NO_CONTEXT, assert_error

BEES = "Bees make honey in the hive. The hive holds honey and bees."
CHESS = "Chess is a board game. The chess board has squares."
TEXT = f"{BEES} {CHESS}"

KEYS = [
    "chunks",
    "metadata",
    "initial_chunks",
    "similarity",
    "similarities",
    "cohesion",
    "threshold",
    "threshold_method",
    "suggested_threshold",
    "threshold_choices",
    "groups",
]
GROUP_KEYS = [
    "members",
    "start",
    "end",
    "suggested_threshold",
    "threshold_range",
    "stable",
    "internal_similarity",
    "boundary_similarity",
]


def post(client, **fields):
    response = client.post("/semantic-chunking", json=fields)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_shape_and_offsets(client):
    body = post(client, text=TEXT, window=0, threshold_method="gap")
    assert list(body) == KEYS
    SemanticResponse.model_validate(body)
    assert body["chunks"] == [BEES, CHESS]
    assert body["metadata"] == [
        {"start": 0, "end": len(BEES), "size": len(BEES)},
        {"start": len(BEES) + 1, "end": len(TEXT), "size": len(CHESS)},
    ]
    assert len(body["initial_chunks"]) == 4 and len(body["similarities"]) == 3
    assert body["threshold_method"] == "gap"
    first, second = body["groups"]
    assert list(first) == GROUP_KEYS
    assert first["members"] == [0, 1] and second["members"] == [2, 3]
    assert (first["start"], first["end"]) == (0, len(BEES))
    assert first["stable"] is True
    assert first["boundary_similarity"] == {"before": None, "after": 0.0}
    assert first["internal_similarity"]["min"] == body["similarities"][0]
    low, high = first["threshold_range"]
    assert low == 0.0 and high == body["similarities"][0]
    assert low < first["suggested_threshold"] <= high


@pytest.mark.parametrize("method", ["depth", "gap"])
def test_returned_group_thresholds_reproduce_the_groups(client, method):
    # A threshold sent back with the method that chose it applies to the same curve.
    options = {"text": TEXT * 2, "window": 1, "threshold_method": method}
    body = post(client, **options)
    for group in body["groups"]:
        again = post(client, **options, threshold=group["suggested_threshold"])
        assert group["members"] in [g["members"] for g in again["groups"]]
    again = post(client, **options, threshold=body["suggested_threshold"])
    assert again["chunks"] == body["chunks"]
    for choice in body["threshold_choices"]:
        assert len(post(client, **options, threshold=choice["threshold"])["groups"]) == choice["groups"]


def test_explicit_threshold_has_no_method(client):
    body = post(client, text=TEXT, window=0, threshold=0.99)
    assert body["threshold"] == 0.99 and body["threshold_method"] is None
    assert body["chunks"] == body["initial_chunks"]


@pytest.mark.parametrize("method", ["gap", "percentile", "std", "iqr", "gradient"])
def test_every_method_answers(client, method):
    body = post(client, text=TEXT * 3, threshold_method=method, threshold_amount=50)
    SemanticResponse.model_validate(body)
    assert body["threshold_method"] == method
    assert all(s < body["threshold"] for i, s in enumerate(body["similarities"]) if i in _cuts(body))


def _cuts(body):
    return {g["members"][-1] for g in body["groups"][:-1]}


def test_paragraph_units_and_size_bounds(client):
    text = "One bee.\n\nTwo bees fly.\n\nThree chess pieces."
    body = post(client, text=text, split_by="paragraph", max_chunk_size=15, min_chunk_size=9)
    assert body["initial_chunks"] == ["One bee.", "Two bees fly.", "Three chess", "pieces."]
    assert all(m["size"] <= 15 for m in body["metadata"])
    SemanticResponse.model_validate(body)


@pytest.mark.parametrize("old", ["sentence", "paragraph"])
def test_deprecated_unit_spelling_is_split_by(client, old):
    text = "One bee. Two bees.\n\nThree chess pieces."
    assert post(client, text=text, unit=old) == post(client, text=text, split_by=old)
    assert post(client, text=text, unit=old, split_by=old) == post(client, text=text, split_by=old)
    assert post(client, text=text, unit="chars") == post(client, text=text)


def test_deprecated_unit_contradicting_split_by_is_refused(client):
    response = client.post(
        "/semantic-chunking", json={"text": TEXT, "unit": "paragraph", "split_by": "sentence"}
    )
    assert "split_by" in assert_error(response, 400, field="unit")["message"]


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/semantic-chunking", {}),
        ("/semantic-chunking", {"texts": [TEXT]}),
        ("/chunking", {"strategy": "semantic"}),
    ],
    ids=["semantic", "semantic-batch", "chunking"],
)
def test_min_chunk_size_over_max_is_refused(client, url, fields):
    body = {"text": TEXT, **fields} if "texts" not in fields else fields
    response = client.post(url, json={**body, "min_chunk_size": 50, "max_chunk_size": 40})
    error = assert_error(response, 400, field="min_chunk_size")
    assert error["message"] == "min_chunk_size must be at most max_chunk_size"
    equal = client.post(url, json={**body, "min_chunk_size": 40, "max_chunk_size": 40})
    assert equal.status_code == 200


def test_openapi_describes_the_order_of_sizes(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    assert (
        "It must be at most max_chunk_size."
        in schemas["SemanticRequest"]["properties"]["min_chunk_size"]["description"]
    )


def test_empty_and_one_unit(client):
    body = post(client, text="  ")
    assert body == {
        "chunks": [],
        "metadata": [],
        "initial_chunks": [],
        "similarity": "tfidf",
        "similarities": [],
        "cohesion": [],
        "threshold": None,
        "threshold_method": "depth",
        "suggested_threshold": None,
        "threshold_choices": [],
        "groups": [],
    }
    body = post(client, text="Only one.")
    assert body["groups"][0]["threshold_range"] == [0.0, 1.0]
    assert body["groups"][0]["internal_similarity"] == {"min": None, "mean": None}
    SemanticResponse.model_validate(body)


def test_plain_text_with_query_options(client):
    response = client.post(
        "/semantic-chunking?window=0&threshold=0.99&unit=sentence",
        data=TEXT.encode(),
        content_type="text/plain",
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["threshold"] == 0.99 and len(body["chunks"]) == 4


def test_multipart_file_with_form_options(client):
    data = {"file": (io.BytesIO(TEXT.encode()), "doc.txt"), "window": "0"}
    response = client.post(
        "/semantic-chunking?threshold_method=gap", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert response.get_json()["chunks"] == [BEES, CHESS]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": TEXT, "window": "2"}, "window"),
        ({"text": TEXT, "window": -1}, "window"),
        ({"text": TEXT, "threshold": 1.5}, "threshold"),
        ({"text": TEXT, "threshold": True}, "threshold"),
        ({"text": TEXT, "threshold_method": "median"}, "threshold_method"),
        ({"text": TEXT, "threshold_amount": 101}, "threshold_amount"),
        ({"text": TEXT, "unit": "lines"}, "unit"),
        ({"text": TEXT, "unit": "paragraph", "split_by": "sentence"}, "unit"),
        ({"text": TEXT, "unit": "tokens", "tokenizer": "unknown"}, "tokenizer"),
        ({"text": TEXT, "tokenizer": "cl100k_base"}, "tokenizer"),
        ({"text": TEXT, "min_chunk_size": 0}, "min_chunk_size"),
        ({"text": TEXT, "max_chunk_size": 2.5}, "max_chunk_size"),
        ({"text": TEXT, "chunk_size": 100}, "chunk_size"),
        ({"text": 5}, "text"),
        ({"window": 1}, "text"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_invalid_fields_are_named(client, fields, field):
    assert_error(client.post("/semantic-chunking", json=fields), 400, field=field)


def test_query_errors_name_the_field(client):
    response = client.post("/semantic-chunking?window=two", data=b"Hi there.", content_type="text/plain")
    assert_error(response, 400, field="window")


def test_multipart_errors(client):
    response = client.post("/semantic-chunking", data={"window": "1"}, content_type="multipart/form-data")
    assert_error(response, 400, field="file")
    bad = {"file": (io.BytesIO(b"\xff\xfe bad"), "doc.txt")}
    assert_error(
        client.post("/semantic-chunking", data=bad, content_type="multipart/form-data"), 400, field="file"
    )


def test_wrong_content_type_and_method(client):
    response = client.post("/semantic-chunking", data=b"<x/>", content_type="application/xml")
    assert response.status_code == 415 and response.get_json()["error"]["code"] == "unsupported_media_type"
    response = client.get("/semantic-chunking")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_text_over_limit_is_413():
    client = create_app({"TESTING": True, "MAX_TEXT_CHARS": 20}).test_client()
    assert_error(client.post("/semantic-chunking", json={"text": "x " * 11}), 413, field="text")


def test_too_many_units_is_422():
    client = create_app({"TESTING": True, "MAX_CHUNKS": 3}).test_client()
    error = assert_error(
        client.post("/semantic-chunking", json={"text": "One. Two. Three. Four."}), 422, field="text"
    )
    assert "4 units" in error["message"]


def test_semantic_strategy_of_chunking(client):
    response = client.post("/chunking", json={"text": TEXT, "strategy": "semantic", "window": 0})
    assert response.status_code == 200
    body = response.get_json()
    assert body["chunks"] == [BEES, CHESS]
    assert body["params"] == {
        "split_by": "sentence",
        "unit": "chars",
        "window": 0,
        "similarity": "tfidf",
        "threshold": None,
        "threshold_method": None,
        "threshold_amount": None,
        "min_chunk_size": None,
        "max_chunk_size": None,
        "chunk_size": 1000,
        "chunk_overlap": 0,
        **NO_CONTEXT,
    }
    # Sizes are characters, not words.
    assert [m["size"] for m in body["metadata"]] == [len(BEES), len(CHESS)]


def test_semantic_strategy_sizes_in_words_and_tokens(client):
    words = client.post(
        "/chunking", json={"text": TEXT, "strategy": "semantic", "unit": "words", "window": 0}
    )
    assert [m["size"] for m in words.get_json()["metadata"]] == [len(BEES.split()), len(CHESS.split())]
    tokens = client.post(
        "/chunking", json={"text": TEXT, "strategy": "semantic", "unit": "tokens", "window": 0}
    ).get_json()
    assert tokens["params"]["tokenizer"] == "cl100k_base"
    assert [m["size"] for m in tokens["metadata"]] == [measure(BEES, "tokens"), measure(CHESS, "tokens")]


def test_listed_in_service_info_and_openapi(client):
    info = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert "POST /semantic-chunking" in info["endpoints"]
    options = info["strategies"]["semantic"]["options"]
    assert options["split_by"]["anyOf"][0]["enum"] == ["sentence", "paragraph"]
    assert options["unit"]["enum"] == ["chars", "words", "tokens", "sentence", "paragraph"]
    assert options["window"]["default"] is None
    assert options["chunk_size"]["default"] == 1000
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/semantic-chunking"]["post"]
    assert set(operation["requestBody"]["content"]) == {
        "application/json",
        "text/plain",
        "multipart/form-data",
        *DOCUMENT_MEDIA_TYPES,
    }
    assert "SemanticResponse" in spec["components"]["schemas"]
