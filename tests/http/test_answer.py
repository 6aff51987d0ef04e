"""POST /answer: the shape of an answer, every input error, the limits and the index cache."""

from __future__ import annotations

import flask
import pytest

from app import create_app
from app.config import DEFAULTS
from app.core import retrieval
from app.web.schemas import ANSWER_CHUNK_SIZE, ANSWER_STRATEGY
from tests.conftest import ROOT
from tests.helpers import assert_error

CHUNKS = [
    "Plums grow on trees in the orchard.",
    "Figs need heat. Pears keep well in a cool, dark cellar for months.",
    "The cellar door sticks in winter.",
]
QUESTION = "How long do pears keep in the cellar?"
KEYS = [
    "answer",
    "found",
    "score",
    "chunk_index",
    "answer_start",
    "answer_end",
    "sentence",
    "sentence_start",
    "sentence_end",
    "method",
    "ranking",
]


def ask(client, **fields):
    return client.post("/answer", json={"question": QUESTION, "chunks": CHUNKS, **fields})


@pytest.mark.parametrize("method", ["bm25", "tfidf"])
def test_answer_shape_and_evidence(client, method):
    response = ask(client, method=method)
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == KEYS
    assert body["found"] is True and body["method"] == method
    assert body["chunk_index"] == 1 and body["answer"] == CHUNKS[1]
    assert body["sentence"] == "Pears keep well in a cool, dark cellar for months."
    assert body["answer"][body["sentence_start"] : body["sentence_end"]] == body["sentence"]
    assert body["ranking"][0] == {"index": 1, "score": body["score"]}
    assert [r["index"] for r in body["ranking"]] == [1, 2]
    assert body["ranking"][0]["score"] > body["ranking"][1]["score"] > 0


def test_default_method_is_bm25_and_top_k_three(client):
    chunks = [f"apple note {i}" for i in range(6)]
    body = client.post("/answer", json={"question": "apple", "chunks": chunks}).get_json()
    assert body["method"] == retrieval.DEFAULT_METHOD == "bm25"
    assert [r["index"] for r in body["ranking"]] == [0, 1, 2]


def test_top_k_bounds_the_ranking(client):
    assert len(ask(client, top_k=1).get_json()["ranking"]) == 1


@pytest.mark.parametrize(
    ("question", "chunks"),
    [("the of and", CHUNKS), ("What is it?", CHUNKS), ("pears", []), ("the", [""] * 10_000)],
    ids=["stop-words", "no-shared-term", "no-chunks", "10000-empty-chunks"],
)
def test_nothing_relevant_is_a_200_without_answer(client, question, chunks):
    response = client.post("/answer", json={"question": question, "chunks": chunks})
    assert response.status_code == 200
    assert response.get_json() == {
        "answer": "",
        "found": False,
        "score": None,
        "chunk_index": None,
        "answer_start": None,
        "answer_end": None,
        "sentence": "",
        "sentence_start": None,
        "sentence_end": None,
        "method": "bm25",
        "ranking": [],
    }


def test_min_score_above_the_best_keeps_the_ranking(client):
    body = ask(client, method="tfidf", min_score=0.99).get_json()
    assert body["found"] is False and body["answer"] == "" and body["chunk_index"] is None
    assert body["ranking"][0]["index"] == 1


def test_text_is_chunked_with_the_answer_defaults(client):
    text = (ROOT / "samples" / "handbook.md").read_text()
    body = client.post(
        "/answer", json={"question": "How long must sanitiser stay on a surface?", "text": text}
    ).get_json()
    assert body["found"] is True
    assert "thirty seconds of contact" in body["sentence"]
    assert len(body["answer"]) <= ANSWER_CHUNK_SIZE and body["answer"] in text


def test_text_defaults_are_those_of_chunking_by_sentence(client):
    # /answer's chunks of `text` are POST /chunking's with its `text` defaults.
    text = (ROOT / "samples" / "handbook.md").read_text()
    fields = {"strategy": ANSWER_STRATEGY, "chunk_size": ANSWER_CHUNK_SIZE}
    chunked = client.post("/chunking", json={"text": text, **fields}).get_json()
    spans = [(m["start"], m["end"]) for m in chunked["metadata"]]
    body = client.post("/answer", json={"question": "How do I use the rota?", "text": text}).get_json()
    assert body["found"] is True
    assert (ANSWER_STRATEGY, ANSWER_CHUNK_SIZE) == ("sentence", 800)
    assert (body["answer_start"], body["answer_end"]) == spans[body["chunk_index"]]
    assert all(r["index"] < len(spans) for r in body["ranking"])


def test_text_with_chunking_options(client):
    text = "Figs need heat. Pears keep well in a cellar. Plums grow on trees."
    body = client.post(
        "/answer", json={"question": "pears", "text": text, "strategy": "sentence", "pack": False}
    ).get_json()
    assert (body["answer"], body["chunk_index"]) == ("Pears keep well in a cellar.", 1)


def test_multibyte_sentence_offsets_are_code_points(client):
    chunk = "Ünïcödé 🌍 first. Pears keep well."
    body = client.post("/answer", json={"question": "pears", "chunks": [chunk]}).get_json()
    assert (body["sentence_start"], body["sentence_end"]) == (17, 33)


def test_wrong_content_type_is_415(client):
    response = client.post("/answer", data="pears", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type", None)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"chunks": CHUNKS, "text": "x"}, "text", "not both"),
        ({}, "chunks", "required"),
        ({"chunks": CHUNKS, "chunk_size": 100}, "chunk_size", "only with text"),
        ({"chunks": CHUNKS, "strategy": "sentence"}, "strategy", "only with text"),
        ({"chunks": CHUNKS, "colour": "red"}, "colour", "unknown field"),
        ({"chunks": "one chunk"}, "chunks", "valid list"),
        ({"chunks": ["ok", 5]}, "chunks[1]", "valid string"),
        ({"chunks": ["ok", "\ud800"]}, "chunks[1]", "surrogate"),
        ({"chunks": ["café", "ok", "naïve \ud800", "\udfff"]}, "chunks[2]", "surrogate"),
        ({"chunks": CHUNKS, "top_k": 0}, "top_k", "greater than or equal to 1"),
        ({"chunks": CHUNKS, "top_k": 101}, "top_k", "at most 100"),
        ({"chunks": CHUNKS, "top_k": "3"}, "top_k", "valid integer"),
        ({"chunks": CHUNKS, "top_k": True}, "top_k", "valid integer"),
        ({"chunks": CHUNKS, "method": "bm42"}, "method", "'bm25' or 'tfidf'"),
        ({"chunks": CHUNKS, "min_score": -0.1}, "min_score", "greater than or equal to 0"),
        ({"chunks": CHUNKS, "min_score": "0.5"}, "min_score", "valid number"),
        ({"text": "x", "strategy": "nope"}, "strategy", "Input should be"),
        (
            {"text": "x", "strategy": "recursive", "pack": False},
            "pack",
            "'pack' is not an option of strategy 'recursive'; strategies that take it: chat",
        ),
        (
            {"text": "x", "max_messages": 2},
            "max_messages",
            "'max_messages' is not an option of strategy 'sentence'",
        ),
        ({"text": "x", "chunk_size": 0}, "chunk_size", "greater than or equal to 1"),
        ({"text": "x", "chunk_size": 10, "chunk_overlap": 10}, "chunk_overlap", "smaller than chunk_size"),
        ({"text": 5}, "text", "valid string"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_fields_are_400_naming_the_field(client, fields, field, message):
    error = assert_error(
        client.post("/answer", json={"question": QUESTION, **fields}), 400, "invalid_field", field
    )
    assert message in error["message"]


@pytest.mark.parametrize(
    ("question", "message"),
    [(None, "required"), ("", "at least 1"), (5, "valid string"), ("q" * 10_001, "at most 10000")],
    ids=["missing", "empty", "number", "too-long"],
)
def test_bad_question_is_400(client, question, message):
    fields = {"chunks": CHUNKS} if question is None else {"chunks": CHUNKS, "question": question}
    error = assert_error(client.post("/answer", json=fields), 400, "invalid_field", "question")
    assert message in error["message"]


def test_body_must_be_a_json_object(client):
    assert_error(client.post("/answer", json=["pears"]), 400, "invalid_body", "body")
    assert_error(
        client.post("/answer", data=b"{", content_type="application/json"), 400, "invalid_body", "body"
    )


def limited(**settings):
    return create_app({"TESTING": True, **settings}).test_client()


def test_chunk_count_limit_is_413_naming_chunks():
    client = limited(MAX_ANSWER_CHUNKS=2)
    error = assert_error(ask(client), 413, "payload_too_large", "chunks")
    assert "limit is 2" in error["message"]


def test_total_characters_limit_is_413_naming_chunks():
    client = limited(MAX_ANSWER_CHARS=60)
    error = assert_error(ask(client), 413, "payload_too_large", "chunks")
    assert "limit is 60 (max_answer_chars)" in error["message"]


def test_ten_thousand_chunks_of_600_characters_pass_at_default_limits(client):
    chunks = [(f"{i} " + "pear orchard soil " * 34)[:600] for i in range(10_000)]
    assert sum(map(len, chunks)) == DEFAULTS["MAX_ANSWER_CHARS"]
    assert len(chunks) == DEFAULTS["MAX_ANSWER_CHUNKS"]
    response = client.post("/answer", json={"question": "orchard 7", "chunks": chunks})
    assert response.status_code == 200
    assert response.get_json()["chunk_index"] == 7
    one_more = [*chunks[:-1], chunks[-1] + "x"]
    response = client.post("/answer", json={"question": "orchard 7", "chunks": one_more})
    error = assert_error(response, 413, "payload_too_large", "chunks")
    assert "limit is 6000000 (max_answer_chars)" in error["message"]


def test_the_character_limit_is_exact_and_independent_of_the_text_limit():
    chunks = ["Pears keep well.", "Apples ripen in autumn."]
    total = sum(map(len, chunks))
    client = limited(MAX_ANSWER_CHARS=total, MAX_TEXT_CHARS=5)
    response = client.post("/answer", json={"question": "pears", "chunks": chunks})
    assert response.status_code == 200
    over = limited(MAX_ANSWER_CHARS=total - 1)
    response = over.post("/answer", json={"question": "pears", "chunks": chunks})
    error = assert_error(response, 413, "payload_too_large", "chunks")
    assert f"limit is {total - 1}" in error["message"]


def test_text_over_the_limit_is_413_naming_text():
    client = limited(MAX_TEXT_CHARS=10)
    response = client.post("/answer", json={"question": "pears", "text": "Pears keep well in a cellar."})
    assert_error(response, 413, "payload_too_large", "text")


def test_text_giving_too_many_chunks_is_422_naming_chunk_size():
    client = limited(MAX_ANSWER_CHUNKS=3)
    text = "Pears keep well. " * 20
    response = client.post("/answer", json={"question": "pears", "text": text, "chunk_size": 20})
    assert_error(response, 422, "too_many_chunks", "chunk_size")
    response = client.post(
        "/answer", json={"question": "pears", "text": text, "strategy": "sentence", "pack": False}
    )
    assert_error(response, 422, "too_many_chunks", "chunk_size")


def test_top_k_limit_follows_the_setting():
    error = assert_error(ask(limited(MAX_TOP_K=2), top_k=3), 400, "invalid_field", "top_k")
    assert "at most 2" in error["message"]


class CountingFit:
    def __init__(self) -> None:
        self.calls = 0
        self.fit = retrieval.fit

    def __call__(self, chunks, method):
        self.calls += 1
        return self.fit(chunks, method)


@pytest.fixture
def fits(monkeypatch):
    counting = CountingFit()
    monkeypatch.setattr(retrieval, "fit", counting)
    return counting


def test_a_second_question_reuses_the_fitted_index(app, client, fits):
    with client:
        first = ask(client).get_json()
        assert flask.g.work["cache"] == "miss"
        second = client.post(
            "/answer", json={"question": "Where do plums grow?", "chunks": CHUNKS}
        ).get_json()
        assert flask.g.work["cache"] == "hit"
    assert fits.calls == 1
    assert (first["chunk_index"], second["chunk_index"]) == (1, 0)
    cache = app.extensions["chunkwise_answer_cache"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_other_chunks_or_method_refit(client, fits):
    ask(client)
    ask(client, method="tfidf")
    client.post("/answer", json={"question": QUESTION, "chunks": [*CHUNKS, "more"]})
    client.post("/answer", json={"question": QUESTION, "text": " ".join(CHUNKS)})
    client.post("/answer", json={"question": "figs", "text": " ".join(CHUNKS)})
    assert fits.calls == 4


def test_the_cache_is_bounded_by_its_setting(fits):
    client = limited(ANSWER_CACHE_SIZE=1)
    fits.calls = 0  # creating the app warms the vectorisers with fits of its own
    for chunks in (CHUNKS, CHUNKS[:2], CHUNKS):
        client.post("/answer", json={"question": QUESTION, "chunks": chunks})
    assert fits.calls == 3


def test_cache_size_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHUNKWISE_ANSWER_CACHE_SIZE", "7")
    app = create_app({"TESTING": True})
    assert app.extensions["chunkwise_answer_cache"].capacity == 7
    assert (
        app.test_client()
        .get("/", headers={"Accept": "application/json"})
        .get_json()["limits"]["answer_cache_size"]
        == 7
    )


def test_each_app_has_its_own_cache():
    first, second = create_app({"TESTING": True}), create_app({"TESTING": True})
    assert first.extensions["chunkwise_answer_cache"] is not second.extensions["chunkwise_answer_cache"]


def test_openapi_describes_answer(client):
    document = client.get("/openapi.json").get_json()
    operation = document["paths"]["/answer"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "413", "415", "422"}
    schemas = document["components"]["schemas"]
    assert {"question", "chunks", "text", "top_k", "method", "min_score", "chunk_size"} <= set(
        schemas["AnswerRequest"]["properties"]
    )
    # parent and window come only when asked for; the last four only with a document upload.
    assert list(schemas["AnswerResponse"]["properties"]) == KEYS + [
        "parent",
        "window",
        "answer_page",
        "answer_last_page",
        "document",
        "text",
    ]


def test_answer_offsets_locate_the_chunk_in_the_text(client):
    text = "Plums grow on trees.\n\nPears keep for months in a cool cellar.\n\nThe door sticks."
    body = client.post("/answer", json={"question": QUESTION, "text": text, "chunk_size": 45}).get_json()
    assert body["found"] is True
    assert text[body["answer_start"] : body["answer_end"]] == body["answer"]
    assert body["answer"] == "Pears keep for months in a cool cellar."
    given = ask(client).get_json()
    assert (given["answer_start"], given["answer_end"]) == (None, None)
