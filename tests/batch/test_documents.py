"""The batch command reads a folder of PDF and DOCX files with the same extraction as the HTTP API."""

from __future__ import annotations

import io

from app.batch.job import Job, run
from tests import hostile_documents as hostile
from tests.batch.conftest import read_output
from tests.make_documents import sample_docx, sample_pdf


def test_a_folder_of_documents_gives_the_api_chunks_with_pages(tmp_path, dask_client, client):
    source = tmp_path / "docs"
    (source / "reports").mkdir(parents=True)
    files = {
        "notes.pdf": sample_pdf(),
        "reports/notes.docx": sample_docx(),
        "plain.txt": b"One line of text.",
        "scan.pdf": hostile.pdf_scanned(),
        "broken.docx": hostile.docx_truncated(),
    }
    for name, data in files.items():
        (source / name).write_bytes(data)
    options = {"chunk_size": 300}
    summary = run(Job(source, tmp_path / "out", "sentence", options), dask_client, progress=False)
    assert summary.documents == 3
    assert {(p.where, p.reason) for p in summary.problems} == {
        ("scan.pdf", "this PDF has no text layer (a scan?); OCR is not supported"),
        ("broken.docx", "this DOCX file is damaged or incomplete (its zip directory is unreadable)"),
    }
    got = read_output(tmp_path / "out")
    for name in ("notes.pdf", "reports/notes.docx", "plain.txt"):
        form = {"file": (io.BytesIO(files[name]), name), "strategy": "sentence", **options}
        body = client.post("/chunking", data=form, content_type="multipart/form-data").get_json()
        lines = got[name]
        assert [line["chunk"] for line in lines] == body["chunks"]
        for line, meta in zip(lines, body["metadata"], strict=True):
            assert line["metadata"] == {k: v for k, v in meta.items() if k not in ("start", "end")}
    assert {line["metadata"]["page"] for line in got["notes.pdf"]} == {1, 2, 3, 4, 6}
    assert all("page" not in line["metadata"] for line in got["reports/notes.docx"])
