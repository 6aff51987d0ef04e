"""Hostile documents against a real gunicorn: each is answered with its status, and no worker dies.

The workers are the master's children, read from /proc before and after;
the processes that read PDF and DOCX files are the workers' children, so a
bomb that ends one of them leaves the set of workers unchanged.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from app.core.documents import DOCX_TYPE
from tests import hostile_documents as hostile
from tests.conftest import LiveServer, start_gunicorn, stop, workers

pytestmark = pytest.mark.live

CASES: list[tuple[str, Callable[[], bytes], str, int, str]] = [
    ("pdf-decompression-bomb", hostile.pdf_flate_bomb, "application/pdf", 422, "unreadable_document"),
    ("pdf-truncated", hostile.pdf_truncated, "application/pdf", 422, "unreadable_document"),
    ("pdf-encrypted", hostile.pdf_encrypted, "application/pdf", 422, "unreadable_document"),
    ("pdf-garbage-after-header", hostile.pdf_garbage, "application/pdf", 422, "unreadable_document"),
    ("pdf-scanned", hostile.pdf_scanned, "application/pdf", 422, "unreadable_document"),
    ("pdf-nested-200000-deep", hostile.pdf_nested, "application/pdf", 200, ""),
    ("pdf-10000-pages", lambda: hostile.pdf_many_pages(10_000), "application/pdf", 413, "payload_too_large"),
    ("docx-zip-bomb", hostile.docx_zip_bomb, DOCX_TYPE, 413, "payload_too_large"),
    ("docx-60000-members", hostile.docx_many_members, DOCX_TYPE, 413, "payload_too_large"),
    ("docx-nested-100000-deep", hostile.docx_nested, DOCX_TYPE, 422, "unreadable_document"),
    ("docx-billion-laughs", hostile.docx_entities, DOCX_TYPE, 422, "unreadable_document"),
    ("docx-truncated", hostile.docx_truncated, DOCX_TYPE, 422, "unreadable_document"),
    ("zip-not-docx", hostile.zip_not_docx, DOCX_TYPE, 415, "unsupported_format"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    live = start_gunicorn(tmp_path_factory.mktemp("documents"), env={"CHUNKWISE_WARM_UP": "false"})
    yield live
    stop(live)


def post(url: str, data: bytes, content_type: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(("name", "build", "media_type", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_hostile_document_is_answered_and_the_worker_survives(server, name, build, media_type, status, code):
    before = workers(server.process.pid)
    got, body = post(server.url + "/extract", build(), media_type)
    assert got == status, body
    if code:
        assert body["error"]["code"] == code  # type: ignore[index]
        assert body["error"]["field"] == "body"  # type: ignore[index]
    # The same worker answers the next document, with its text.
    ok, normal = post(
        server.url + "/chunking?strategy=page", hostile.text_pdf("Still here."), "application/pdf"
    )
    assert ok == 200 and normal["chunks"] == ["Still here."]
    assert workers(server.process.pid) == before
