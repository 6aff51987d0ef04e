"""Context over HTTP: contextualize, tables, parent_size and neighbours on both chunking endpoints."""

from __future__ import annotations

import io

import pytest

from app import create_app
from app.core.chunkers.base import measure
from tests.conftest import ROOT
from tests.helpers import assert_error
from tests.make_documents import PdfPage, pdf_bytes, sample_docx, tagged_sentences

GUIDE = (ROOT / "samples" / "guide.md").read_text()
ARTICLE = (ROOT / "samples" / "article.html").read_text()


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True, "LOG_LEVEL": "WARNING"}).test_client()


def chunking(client, **body):
    response = client.post("/chunking", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("unit,size", [("chars", 300), ("words", 45), ("tokens", 80)])
def test_contextualized_text_fits_chunk_size_in_its_unit(client, unit, size):
    body = chunking(client, text=GUIDE, strategy="markdown", chunk_size=size, unit=unit, contextualize=True)
    tokenizer = body["params"].get("tokenizer")
    assert body["params"]["contextualize"] is True
    for chunk, meta in zip(body["chunks"], body["metadata"], strict=True):
        assert GUIDE[meta["start"] : meta["end"]] == chunk
        assert meta["context"] == " › ".join(meta["headings"])
        assert meta["contextualized"].endswith(chunk)
        assert measure(meta["contextualized"], unit, tokenizer) <= size
    assert max(m["context"].count(" › ") for m in body["metadata"]) == 2


def test_a_table_continuation_carries_its_header_into_contextualized(client):
    rows = "\n".join(f"| `cmd{i}` | does thing number {i} and reports it |" for i in range(30))
    text = f"# Commands\n\n| command | what it does |\n|---|---|\n{rows}\n"
    body = chunking(client, text=text, strategy="markdown", chunk_size=200, contextualize=True)
    header = "| command | what it does |\n|---|---|"
    continued = [m for c, m in zip(body["chunks"], body["metadata"], strict=True) if c.startswith("| `cmd")]
    assert len(continued) >= 5
    assert all(m["table_header"] == header for m in continued)
    assert sum("table_header" in m for m in body["metadata"]) == len(continued)
    assert all(m["contextualized"].startswith(f"Commands\n\n{header}\n| `cmd") for m in continued)
    # Without contextualize the header is still named, and no context is added.
    plain = chunking(client, text=text, strategy="markdown", chunk_size=200)
    expected = [header if c.startswith("| `cmd") else None for c in plain["chunks"]]
    assert [m.get("table_header") for m in plain["metadata"]] == expected
    assert expected.count(header) >= 5
    assert "contextualized" not in plain["metadata"][0]


def test_parents_hold_their_children(client):
    body = chunking(client, text=GUIDE, strategy="recursive", chunk_size=200, parent_size=800)
    parents = body["parents"]
    assert body["params"]["parent_size"] == 800 and len(parents) >= 2
    assert all(p["size"] <= 800 and GUIDE[p["start"] : p["end"]].strip() for p in parents)
    for meta in body["metadata"]:
        parent = parents[meta["parent"]]
        assert parent["start"] <= meta["start"] and meta["end"] <= parent["end"]
    assert {m["parent"] for m in body["metadata"]} == set(range(len(parents)))


def test_sentence_windows(client):
    text = (ROOT / "samples" / "article.txt").read_text()
    body = chunking(client, text=text, strategy="sentence", pack=False, neighbours=2)
    meta = body["metadata"]
    assert body["params"]["neighbours"] == 2
    for i, m in enumerate(meta):
        assert m["window_start"] == meta[max(i - 2, 0)]["start"]
        assert m["window_end"] == meta[min(i + 2, len(meta) - 1)]["end"]
    assert "parents" not in body


def test_html_headings_and_context(client):
    body = chunking(client, text=ARTICLE, strategy="html", chunk_size=300, contextualize=True)
    assert any(m["context"] for m in body["metadata"])
    assert all(len(m["contextualized"]) <= 300 for m in body["metadata"])


@pytest.mark.parametrize(
    "body,field",
    [
        ({"chunk_size": 200, "parent_size": 200}, "parent_size"),
        ({"chunk_size": 200, "parent_size": 100}, "parent_size"),
        ({"chunk_size": 12, "contextualize": True}, "chunk_size"),
        ({"contextualize": "yes"}, "contextualize"),
        ({"neighbours": -1}, "neighbours"),
        ({"neighbours": 101}, "neighbours"),
        ({"parent_size": 0}, "parent_size"),
    ],
)
def test_contradictory_or_wrong_context_options_are_refused_naming_the_field(client, body, field):
    response = client.post("/chunking", json={"text": GUIDE, "strategy": "markdown", **body})
    error = assert_error(response, 400, "invalid_field", field)
    assert field in error["message"]


def test_semantic_chunking_contextualizes_within_max_chunk_size(client):
    response = client.post(
        "/semantic-chunking",
        json={"text": GUIDE, "contextualize": True, "neighbours": 1, "max_chunk_size": 300},
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert all(len(m["contextualized"]) <= 300 for m in body["metadata"])
    assert any(m["context"].startswith("Tidepool › ") for m in body["metadata"])
    first, second = body["metadata"][:2]
    assert second["window_start"] == first["start"]


def test_a_pdf_outline_gives_headings_to_every_strategy(client):
    pages = [PdfPage(paragraphs=[" ".join(tagged_sentences(n))]) for n in (1, 2, 3)]
    outline = [(1, 0, "Survey"), (2, 1, "The mill"), (3, 0, "Results")]
    pdf = pdf_bytes(pages, outline=outline)
    form = {"file": (io.BytesIO(pdf), "survey.pdf"), "strategy": "sentence", "pack": "false"}
    plain = client.post("/chunking", data=form, content_type="multipart/form-data").get_json()
    # Without context the chunks are those of the extracted text, which holds no outline.
    assert not any("headings" in m for m in plain["metadata"])
    form = {
        "file": (io.BytesIO(pdf), "survey.pdf"),
        "strategy": "sentence",
        "pack": "false",
        "contextualize": "true",
    }
    body = client.post("/chunking", data=form, content_type="multipart/form-data").get_json()
    by_page = {m["page"]: m["headings"] for m in body["metadata"]}
    assert by_page == {1: ["Survey"], 2: ["Survey", "The mill"], 3: ["Results"]}
    assert {m["context"] for m in body["metadata"]} == {"Survey", "Survey › The mill", "Results"}
    extracted = client.post("/extract", data={"file": (io.BytesIO(pdf), "survey.pdf")}).get_json()
    assert [(e["level"], e["title"], e["page"]) for e in extracted["outline"]] == [
        (1, "Survey", 1),
        (2, "The mill", 2),
        (1, "Results", 3),
    ]


def test_a_docx_upload_contextualized_with_any_strategy(client):
    form = {
        "file": (io.BytesIO(sample_docx()), "notes.docx"),
        "strategy": "recursive",
        "chunk_size": "200",
        "contextualize": "true",
    }
    body = client.post("/chunking", data=form, content_type="multipart/form-data").get_json()
    assert body["document"]["format"] == "docx"
    assert any(m["context"] for m in body["metadata"])
    assert all(len(m["contextualized"]) <= 200 for m in body["metadata"])


def test_answer_reports_its_parent_and_window_when_asked(client):
    text = (ROOT / "samples" / "article.txt").read_text()
    body = {"question": "What does overlap cost?", "text": text, "strategy": "recursive", "chunk_size": 300}
    plain = client.post("/answer", json=body).get_json()
    assert "parent" not in plain and "window" not in plain
    asked = client.post("/answer", json={**body, "parent_size": 1200, "neighbours": 1}).get_json()
    chunked = chunking(
        client, text=text, strategy="recursive", chunk_size=300, parent_size=1200, neighbours=1
    )
    i = asked["chunk_index"]
    meta = chunked["metadata"][i]
    assert (asked["answer_start"], asked["answer_end"]) == (meta["start"], meta["end"])
    parent = chunked["parents"][meta["parent"]]
    assert asked["parent"] == {"index": meta["parent"], "start": parent["start"], "end": parent["end"]}
    assert asked["window"] == {"start": meta["window_start"], "end": meta["window_end"]}
    assert asked["parent"]["start"] <= asked["answer_start"] < asked["answer_end"] <= asked["parent"]["end"]


def test_answer_refuses_context_options_without_text(client):
    response = client.post("/answer", json={"question": "q", "chunks": ["a"], "parent_size": 900})
    assert_error(response, 400, "invalid_field", "parent_size")


def test_semantic_chunking_refuses_a_token_bound_with_no_room_beside_the_context(client):
    body = {"text": "# A very long heading here\n\nSome text. More text.\n", "contextualize": True}
    response = client.post("/semantic-chunking", json={**body, "unit": "tokens", "max_chunk_size": 8})
    error = assert_error(response, 400, "invalid_field", "max_chunk_size")
    assert "leaves no room" in error["message"]
