"""POST /extract: a document's extracted text, what it was, and where its pages are."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from app.web.documents import current_document, extraction_payload
from app.web.errors import InvalidField
from app.web.inputs import MULTIPART, read_fields
from app.web.openapi import Operation
from app.web.schemas import ExtractResponse

bp = Blueprint("extract", __name__)


@bp.post("/extract")
def extract_text() -> ResponseReturnValue:
    """Answer the text chunk offsets would index for the uploaded document, with its page spans."""
    fields = read_fields((MULTIPART,)).values
    unknown = sorted(set(fields) - {"text"})
    if unknown:
        raise InvalidField(f"unknown field {unknown[0]!r}: /extract takes only the document", unknown[0])
    document = current_document()
    if document is None:
        raise InvalidField("send the document as the file part, or as a PDF or DOCX body", "file")
    return jsonify(extraction_payload(document))


OPERATIONS = [
    Operation(
        "/extract",
        "post",
        "Turn a PDF, DOCX, HTML, Markdown or text file into the text that chunk offsets index.",
        response=ExtractResponse,
        multipart=True,
        documents=True,
        errors=(400, 413, 415, 422),
    ),
]
