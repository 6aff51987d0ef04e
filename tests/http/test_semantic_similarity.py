"""The ``similarity`` option over HTTP: reported, listed, validated, and the same on every path."""

from __future__ import annotations

import pytest

from app.web.schemas import SemanticResponse

TEXT = (
    "The ferry left the harbour at dawn. The boat sailed early past the lighthouse. "
    "Sailors watched the waves from the deck. The crossing took three hours in calm water. "
    "Income tax forms are filed every spring. The revenue office checks each return. "
    "Late payments draw interest and a penalty. Receipts must be kept for six years."
)


def post(client, path="/semantic-chunking", **fields):
    response = client.post(path, json=fields)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("similarity", ["tfidf", "embeddings"])
def test_the_response_says_which_similarity(client, similarity):
    body = post(client, text=TEXT, similarity=similarity)
    SemanticResponse.model_validate(body)
    assert body["similarity"] == similarity
    assert body["threshold_method"] == "depth" and len(body["cohesion"]) == len(body["similarities"]) == 7
    # A threshold from the response, sent back with its method, gives the same groups.
    again = post(
        client, text=TEXT, similarity=similarity, threshold=body["threshold"], threshold_method="depth"
    )
    assert again["chunks"] == body["chunks"]


def test_embeddings_find_the_topic_change_tfidf_cannot_see():
    from app.core.chunkers.semantic import SemanticOptions, analyze

    result = analyze(TEXT, SemanticOptions(similarity="embeddings", window=1))
    # Units 0-3 are about a boat trip, 4-7 about taxes: the deepest valley is between them.
    assert int(result.curve.argmin()) == 3
    assert len(result.groups) == 2


def test_similarities_differ_by_similarity(client):
    tfidf = post(client, text=TEXT, similarity="tfidf", window=0)
    vectors = post(client, text=TEXT, similarity="embeddings", window=0)
    assert tfidf["initial_chunks"] == vectors["initial_chunks"]
    assert tfidf["similarities"] != vectors["similarities"]
    # "ferry ... harbour ... dawn" and "boat sailed early" share no word.
    assert tfidf["similarities"][0] == 0.0 and vectors["similarities"][0] > 0.0


@pytest.mark.parametrize("strategy", ["semantic", "topic"])
def test_strategies_take_the_option(client, strategy):
    body = post(client, "/chunking", text=TEXT, strategy=strategy, similarity="embeddings")
    assert body["params"]["similarity"] == "embeddings"
    assert "".join(body["chunks"]).replace(" ", "") == TEXT.replace(" ", "")
    if strategy == "topic":
        assert {m["segmentation"] for m in body["metadata"]} == {"embeddings"}


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/semantic-chunking", {"similarity": "bert"}),
        ("/semantic-chunking", {"similarity": 1}),
        ("/chunking", {"strategy": "semantic", "similarity": "Embeddings"}),
        ("/chunking", {"strategy": "topic", "similarity": None}),
        ("/chunking", {"strategy": "recursive", "similarity": "tfidf"}),
    ],
    ids=lambda v: str(v),
)
def test_bad_similarity_names_the_field(client, path, fields):
    response = client.post(path, json={"text": TEXT, **fields})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == "similarity" and "similarity" in error["message"]


def test_plain_text_takes_it_from_the_query(client):
    response = client.post("/semantic-chunking?similarity=embeddings", data=TEXT, content_type="text/plain")
    assert response.status_code == 200 and response.get_json()["similarity"] == "embeddings"


def test_batch_texts_use_it_for_every_text(client):
    body = post(client, texts=[TEXT, TEXT[:120]], similarity="embeddings")
    assert [r["similarity"] for r in body["results"]] == ["embeddings", "embeddings"]
    assert body["results"][0] == post(client, text=TEXT, similarity="embeddings")


def test_listed_in_service_info(client):
    info = client.get("/", headers={"Accept": "application/json"}).get_json()
    for strategy in ("semantic", "topic"):
        option = info["strategies"][strategy]["options"]["similarity"]
        assert option["enum"] == ["tfidf", "embeddings"] and option["default"] == "tfidf"
    spec = client.get("/openapi.json").get_json()
    assert "similarity" in str(spec["paths"]["/semantic-chunking"]["post"]["requestBody"])


def test_readiness_reports_the_word_vectors(client):
    assert "word_embeddings" in client.get("/readyz").get_json()["loaded"]
