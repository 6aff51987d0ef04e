"""Documents in, on the web side: uploads read into text, and responses that say what the text came from.

The views stay as they were: :mod:`app.web.inputs` calls :func:`read_document`
for a ``file`` part or a raw PDF/DOCX body, which extracts the text and keeps
the :class:`~app.core.documents.Extraction` for the request; a view passes
its answer through :func:`with_document`, which adds ``document``, the
extracted ``text`` when ``include_text`` asked for it, and for paged formats
each chunk's ``page`` and ``last_page`` (:mod:`app.core.documents.annotate`,
which the batch command uses too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, g

from app.core.documents import (
    DOCX_TYPE,
    PDF_TYPE,
    DocumentLimits,
    DocumentTooLarge,
    Extraction,
    InvalidText,
    UnsupportedFormat,
    extract,
)
from app.core.documents import DocumentError as _DocumentError
from app.core.documents.annotate import annotate
from app.core.documents.detect import binary_format, looks_binary, supported
from app.core.documents.isolation import Sandbox
from app.web.errors import InvalidField, PayloadTooLarge, UnreadableDocument, UnsupportedDocument

DOCUMENT_TYPES = (PDF_TYPE, DOCX_TYPE)


def read_document(
    data: bytes,
    fields: dict[str, Any],
    *,
    filename: str,
    content_type: str,
    field: str,
    decode: Callable[[bytes], str],
    charset_declared: bool = False,
) -> str:
    """Extract the text of an uploaded document and keep the extraction for :func:`with_document`.

    ``include_text`` is taken out of ``fields`` here: it is an option of the
    upload, not of the strategy.

    Args:
        data: The document's bytes.
        fields: The request's other fields (``include_text`` is removed).
        filename: The client's file name (a hint).
        content_type: The client's media type for the document (a hint).
        field: The input to name in errors (``file``, or ``body`` for a raw body).
        decode: How a text upload is decoded (its declared charset, UTF-8 by default).
        charset_declared: The upload names its charset, so NUL bytes may be text (UTF-16).

    Returns:
        The extracted text.

    Raises:
        UnsupportedDocument: 415, naming the supported formats.
        UnreadableDocument: 422, damaged, encrypted, text-less or too slow to read.
        PayloadTooLarge: 413, over ``MAX_PAGES`` or ``MAX_TEXT_CHARS``.
        InvalidField: Text that is not UTF-8, or an ``include_text`` that is not true/false.
    """
    g.include_text = _flag(fields.pop("include_text", "false"))
    try:
        if not charset_declared and binary_format(data) is None and looks_binary(data):
            raise UnsupportedFormat(f"this file is binary data of an unknown format; {supported()}")
        g.document = extract(
            data, filename=filename, content_type=content_type, limits=limits(), decode=decode
        )
    except UnsupportedFormat as exc:
        raise UnsupportedDocument(exc.message, field) from None
    except DocumentTooLarge as exc:
        raise PayloadTooLarge(exc.message, field) from None
    except InvalidText as exc:
        raise InvalidField(exc.message, field) from None
    except _DocumentError as exc:
        raise UnreadableDocument(exc.message, field) from None
    text: str = g.document.text
    return text


def _flag(value: object) -> bool:
    if value in ("true", True):
        return True
    if value in ("false", False):
        return False
    raise InvalidField("include_text must be true or false", "include_text")


def limits() -> DocumentLimits:
    """The document limits of the running app's settings."""
    config = current_app.config
    sandbox = Sandbox(timeout=float(config["EXTRACT_TIMEOUT"]), memory_mb=config["EXTRACT_MEMORY_MB"])
    return DocumentLimits(max_pages=config["MAX_PAGES"], max_chars=config["MAX_TEXT_CHARS"], sandbox=sandbox)


def current_document() -> Extraction | None:
    """The extraction of this request's document, if it sent one."""
    document: Extraction | None = g.get("document")
    return document


def with_document(body: dict[str, Any]) -> dict[str, Any]:
    """Add the request's document to a view's answer (see :func:`annotate`); unchanged without one."""
    document = current_document()
    if document is None:
        return body
    return annotate(body, document, include_text=bool(g.get("include_text")))


def extraction_payload(document: Extraction) -> dict[str, Any]:
    """The body of ``POST /extract``: the text, ``document``, the page spans and the outline."""
    pages = [{"page": p.page, "start": p.start, "end": p.end} for p in document.pages]
    outline = [
        {"level": level, "title": title, "page": document.page_at(start), "start": start}
        for start, level, title in document.outline
    ]
    return {"text": document.text, "document": document.describe(), "pages": pages, "outline": outline}
