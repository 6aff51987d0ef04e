"""Documents in over HTTP: uploads and raw bodies, ``document``, pages on every chunk, /extract, errors."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from app.core.chunkers import CHUNKERS
from app.core.documents import DOCX_TYPE
from tests import hostile_documents as hostile
from tests.make_documents import sample_docx, sample_pdf

TAG = re.compile(r"\[p(\d+)[sct]\d+\]")
PDF, DOCX = sample_pdf(), sample_docx()


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True, "LOG_LEVEL": "WARNING"}).test_client()


@pytest.fixture(scope="module")
def extracted(client):
    return client.post("/extract", data={"file": (io.BytesIO(PDF), "notes.pdf")}).get_json()


def upload(client, path, data, name="doc.pdf", **fields):
    form = {"file": (io.BytesIO(data), name), **{k: str(v) for k, v in fields.items()}}
    return client.post(path, data=form, content_type="multipart/form-data")


def assert_error(response, status, code, field):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert (error["status"], error["code"], error.get("field")) == (status, code, field)
    return error["message"]


def test_extract_gives_text_document_and_page_spans(extracted):
    text, pages = extracted["text"], extracted["pages"]
    assert extracted["document"] == {
        "format": "pdf",
        "pages": 6,
        "chars": len(text),
        "sha256": __import__("hashlib").sha256(PDF).hexdigest(),
    }
    assert [p["page"] for p in pages] == [1, 2, 3, 4, 5, 6]
    assert "\f".join(text[p["start"] : p["end"]] for p in pages) == text


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_every_strategy_reports_the_pages_each_chunk_comes_from(client, extracted, name):
    body = upload(client, "/chunking", PDF, strategy=name, chunk_size=300).get_json()
    assert body["document"]["format"] == "pdf" and "text" not in body
    spans = {p["page"]: (p["start"], p["end"]) for p in extracted["pages"]}
    reported = set()
    for chunk, meta in zip(body["chunks"], body["metadata"], strict=True):
        first, last = meta["page"], meta["last_page"]
        assert first <= last
        reported.update(range(first, last + 1))
        # Every tag in the chunk was written on one of the pages it reports.
        assert {int(n) for n in TAG.findall(chunk)} <= set(range(first, last + 1))
        if first == last:
            start, end = spans[first]
            assert start <= meta["start"] and meta["end"] <= end, (name, meta)
    assert reported >= {1, 2, 3, 4, 6}


def test_page_strategy_gives_real_page_numbers(client):
    body = upload(client, "/chunking", PDF, strategy="page", pack="false").get_json()
    assert [(m["page"], m["last_page"]) for m in body["metadata"]] == [(n, n) for n in (1, 2, 3, 4, 6)]


def test_raw_pdf_body_with_options_in_the_query(client, extracted):
    response = client.post(
        "/chunking?strategy=page&include_text=true", data=PDF, content_type="application/pdf"
    )
    body = response.get_json()
    assert response.status_code == 200
    assert body["text"] == extracted["text"]
    assert body["document"] == extracted["document"]


def test_docx_upload_chunks_by_its_headings(client):
    body = upload(client, "/chunking", DOCX, "notes.docx", strategy="markdown", chunk_size=120).get_json()
    assert body["document"]["format"] == "docx" and body["document"]["pages"] is None
    assert "page" not in body["metadata"][0]
    assert ["Field notes", "Procedure"] in [m["headings"] for m in body["metadata"]]
    raw = client.post("/extract", data=DOCX, content_type=DOCX_TYPE).get_json()
    assert raw["pages"] == [] and raw["text"].startswith("# Field notes\n\n")


def test_text_uploads_are_documents_too(client):
    body = upload(client, "/chunking", b"# Title\n\nSome words.", "a.md", include_text="true").get_json()
    assert body["document"]["format"] == "markdown"
    assert body["text"] == "# Title\n\nSome words."


def test_semantic_chunking_reports_pages(client):
    body = upload(client, "/semantic-chunking", PDF).get_json()
    assert body["document"]["pages"] == 6
    assert all({"page", "last_page"} <= set(m) for m in body["metadata"])


def test_answer_from_an_uploaded_pdf_names_the_page(client):
    response = upload(client, "/answer", PDF, question="Which station is at depth 3.2?", strategy="sentence")
    body = response.get_json()
    assert response.status_code == 200, body
    assert "[p4t1]" in body["answer"]
    assert body["answer_page"] <= 4 <= body["answer_last_page"]
    assert body["document"]["format"] == "pdf"


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(sorted(CHUNKERS)),
    size=st.integers(min_value=40, max_value=1500),
    document=st.sampled_from(["pdf", "docx"]),
)
def test_chunking_an_upload_equals_chunking_its_extracted_text(client, name, size, document):
    data, filename = (PDF, "a.pdf") if document == "pdf" else (DOCX, "a.docx")
    text = client.post("/extract", data={"file": (io.BytesIO(data), filename)}).get_json()["text"]
    options = {"strategy": name, "chunk_size": size}
    uploaded = upload(client, "/chunking", data, filename, **options).get_json()
    direct = client.post("/chunking", json={"text": text, **options}).get_json()
    assert uploaded["chunks"] == direct["chunks"]
    assert uploaded["params"] == direct["params"]
    for got, want in zip(uploaded["metadata"], direct["metadata"], strict=True):
        # The page strategy's own numbers equal the document's; other keys are the same.
        assert {k: v for k, v in got.items() if k not in ("page", "last_page")} == {
            k: v for k, v in want.items() if k not in ("page", "last_page")
        }
        if "page" in want:
            assert (got["page"], got["last_page"]) == (want["page"], want["last_page"])


def test_unsupported_format_is_415_listing_the_supported_ones(client):
    message = assert_error(
        upload(client, "/chunking", b"\x89PNG\r\n\x1a\n\0", "a.png"), 415, "unsupported_format", "file"
    )
    assert "PDF, DOCX, HTML, Markdown and plain text" in message
    response = client.post("/extract", json={"text": "x"})
    assert "application/pdf" in assert_error(response, 415, "unsupported_media_type", None)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (hostile.pdf_scanned, "this PDF has no text layer (a scan?); OCR is not supported"),
        (hostile.pdf_encrypted, "this PDF is encrypted with a password; send it without the password"),
        (hostile.pdf_truncated, "this PDF is damaged or incomplete and could not be read"),
        (hostile.docx_entities, "declares a DTD or entities"),
    ],
    ids=["scanned", "encrypted", "truncated", "entities"],
)
def test_unreadable_documents_are_422_in_words(client, build, message):
    assert message in assert_error(upload(client, "/chunking", build()), 422, "unreadable_document", "file")
    raw = client.post("/extract", data=build(), content_type="application/pdf")
    assert message in assert_error(raw, 422, "unreadable_document", "body")


def test_page_and_body_limits_are_413():
    small = create_app({"TESTING": True, "LOG_LEVEL": "WARNING", "MAX_PAGES": 5, "MAX_BODY_BYTES": 50_000})
    client = small.test_client()
    message = assert_error(upload(client, "/chunking", PDF), 413, "payload_too_large", "file")
    assert message == "this PDF has 6 pages; the limit is 5"
    big = hostile.pdf_many_pages(3000)
    assert len(big) > 50_000
    response = client.post("/extract", data=big, content_type="application/pdf")
    assert_error(response, 413, "payload_too_large", "body")


def test_bad_include_text_and_unknown_extract_fields_are_400(client):
    assert_error(upload(client, "/chunking", PDF, include_text="yes"), 400, "invalid_field", "include_text")
    assert_error(upload(client, "/extract", PDF, strategy="page"), 400, "invalid_field", "strategy")
    assert_error(
        client.post("/extract", data={}, content_type="multipart/form-data"), 400, "invalid_field", "file"
    )


def test_openapi_describes_documents_and_extract(client):
    doc = client.get("/openapi.json").get_json()
    extract = doc["paths"]["/extract"]["post"]
    assert set(extract["requestBody"]["content"]) == {"multipart/form-data", "application/pdf", DOCX_TYPE}
    assert {"200", "413", "415", "422"} <= set(extract["responses"])
    schemas = doc["components"]["schemas"]
    assert set(schemas["ExtractResponse"]["required"]) == {"text", "document", "pages", "outline"}
    chunking = doc["paths"]["/chunking"]["post"]["requestBody"]["content"]
    assert "include_text" in chunking["multipart/form-data"]["schema"]["properties"]
    assert "application/pdf" in doc["paths"]["/answer"]["post"]["requestBody"]["content"]
