"""The structure strategies (page, topic, markdown, html, chat) through POST /chunking."""

from __future__ import annotations

import io

import pytest

from tests.conftest import ROOT
from tests.helpers import NO_CONTEXT, assert_error


def sample(name: str) -> str:
    return (ROOT / "samples" / name).read_text(encoding="utf-8")


def post(client, **fields):
    response = client.post("/chunking", json=fields)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("strategy", "file", "keys"),
    [
        ("page", "book.txt", {"page", "last_page"}),
        ("topic", "book.txt", {"topic", "segmentation"}),
        ("markdown", "guide.md", {"headings"}),
        ("html", "article.html", {"tag", "headings"}),
        ("chat", "chat.txt", {"speakers", "messages", "first_time", "last_time"}),
    ],
)
def test_strategy_metadata_sits_beside_offsets(client, strategy, file, keys):
    text = sample(file)
    body = post(client, text=text, strategy=strategy, chunk_size=600)
    assert body["count"] == len(body["chunks"]) > 1
    for chunk, meta in zip(body["chunks"], body["metadata"], strict=True):
        assert set(meta) == {"start", "end", "size"} | keys
        assert meta["size"] == len(chunk) <= 600
        if strategy != "html":
            assert text[meta["start"] : meta["end"]] == chunk


def test_params_echo_the_new_options_with_defaults(client):
    body = post(client, text="Ana: hi", strategy="chat")
    assert body["params"] == {
        "chunk_size": 1000,
        "chunk_overlap": 0,
        "unit": "chars",
        "pack": True,
        "time_gap": None,
        "max_messages": None,
        **NO_CONTEXT,
    }
    assert post(client, text="x", strategy="topic")["params"] == {
        "chunk_size": 1000,
        "chunk_overlap": 0,
        "unit": "chars",
        "similarity": "tfidf",
        "segmentation": ["recursive"],
        **NO_CONTEXT,
    }


def test_topic_reports_its_fallback_on_every_chunk(client):
    body = post(client, text="No paragraph breaks in this short text.", strategy="topic")
    assert [m["segmentation"] for m in body["metadata"]] == ["recursive"]
    body = post(client, text=sample("book.txt"), strategy="topic")
    assert {m["segmentation"] for m in body["metadata"]} == {"texttiling"}


def test_html_chunks_are_visible_text_with_markup_regions(client):
    html = "<h1>Title</h1><script>x()</script><p>Body &amp; more.</p>"
    body = post(client, text=html, strategy="html", pack=False)
    assert body["chunks"] == ["Title", "Body & more."]
    assert [(m["start"], m["end"], m["tag"], m["headings"]) for m in body["metadata"]] == [
        (0, 14, "h1", ["Title"]),
        (34, 57, "p", ["Title"]),
    ]


def test_chat_options_from_the_query_string(client):
    response = client.post(
        "/chunking?strategy=chat&time_gap=600&max_messages=1",
        data=sample("chat.txt").encode(),
        content_type="text/plain",
    )
    body = response.get_json()
    assert response.status_code == 200
    assert body["params"]["time_gap"] == 600 and body["params"]["max_messages"] == 1
    assert all(m["messages"] <= 1 for m in body["metadata"])


def test_markdown_file_upload(client):
    data = {
        "file": (io.BytesIO(sample("guide.md").encode()), "guide.md"),
        "strategy": "markdown",
        "pack": "false",
    }
    body = client.post("/chunking", data=data, content_type="multipart/form-data").get_json()
    assert body["strategy"] == "markdown"
    assert ["Tidepool", "Install"] in [m["headings"] for m in body["metadata"]]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"strategy": "chat", "time_gap": -1}, "time_gap"),
        ({"strategy": "chat", "time_gap": "600"}, "time_gap"),
        ({"strategy": "chat", "time_gap": True}, "time_gap"),
        ({"strategy": "chat", "max_messages": 0}, "max_messages"),
        ({"strategy": "chat", "max_messages": 1.5}, "max_messages"),
        ({"strategy": "chat", "pack": "yes"}, "pack"),
        ({"strategy": "page", "pack": 1}, "pack"),
        ({"strategy": "markdown", "pack": None}, "pack"),
        ({"strategy": "html", "chunk_size": 0}, "chunk_size"),
        ({"strategy": "topic", "pack": False}, "pack"),
        ({"strategy": "page", "time_gap": 5}, "time_gap"),
    ],
    ids=[
        "negative-gap",
        "string-gap",
        "bool-gap",
        "zero-max",
        "float-max",
        "string-pack",
        "int-pack",
        "null-pack",
        "zero-size",
        "topic-has-no-pack",
        "page-has-no-gap",
    ],
)
def test_bad_options_name_the_field(client, fields, field):
    response = client.post("/chunking", json={"text": "Ana: hi", **fields})
    assert_error(response, 400, "invalid_field", field)


def test_bad_query_value_names_the_field(client):
    response = client.post(
        "/chunking?strategy=chat&time_gap=soon", data=b"Ana: hi", content_type="text/plain"
    )
    assert_error(response, 400, "invalid_field", "time_gap")


@pytest.mark.parametrize("strategy", ["page", "topic", "markdown", "html", "chat"])
def test_blank_text_gives_no_chunks(client, strategy):
    assert post(client, text=" \n\f ", strategy=strategy)["chunks"] == []


def test_topic_fallback_is_stated_in_params(client):
    flat = client.post("/chunking", json={"text": "One line and no paragraphs at all.", "strategy": "topic"})
    assert flat.get_json()["params"]["segmentation"] == ["recursive"]
    assert flat.get_json()["metadata"][0]["segmentation"] == "recursive"


def test_markup_does_not_count_towards_the_chunk_limit_before_work():
    from app import create_app

    client = create_app({"TESTING": True, "MAX_CHUNKS": 3}).test_client()
    # 4,000 characters of markup around 60 visible: counted as content, the
    # pre-check would refuse chunk_size 100 as at least 40 chunks.
    visible = "<p>Short visible text that fits in a single chunk of one hundred.</p>"
    html = "<div>" * 400 + visible + "</div>" * 400
    body = client.post("/chunking", json={"text": html, "strategy": "html", "chunk_size": 100}).get_json()
    assert body["count"] == 1


def test_query_unit_accepts_every_strategys_values(client):
    doc = client.get("/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"]["/chunking"]["post"]["parameters"]}
    assert params["unit"]["schema"]["enum"] == ["chars", "paragraph", "sentence", "tokens", "words"]
    assert sorted(params["split_by"]["schema"]["enum"]) == ["paragraph", "sentence"]
