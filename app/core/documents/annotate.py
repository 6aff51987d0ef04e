"""What a document adds to a chunking result, shared by the HTTP views and the batch command."""

from __future__ import annotations

from typing import Any

from app.core.documents import Extraction


def annotate(body: dict[str, Any], document: Extraction, *, include_text: bool = False) -> dict[str, Any]:
    """Add ``document``, and for paged formats each chunk's pages, to a result body (in place).

    Every ``metadata`` entry gets ``page`` and ``last_page``, the pages of the
    chunk's first and last character, read from its offsets: so every
    strategy reports the real pages, and the ``page`` strategy's own numbers
    are replaced by the same ones. A body with ``answer_start`` (an /answer
    result) gets ``answer_page`` and ``answer_last_page``.

    Args:
        body: A /chunking, /semantic-chunking or /answer result.
        document: The extraction its text came from.
        include_text: Also add ``text``, the extracted text.

    Returns:
        ``body``.
    """
    if document.paged:
        for meta in body.get("metadata", ()):
            meta["page"], meta["last_page"] = _pages(document, meta["start"], meta["end"])
        if body.get("answer_start") is not None:
            body["answer_page"], body["answer_last_page"] = _pages(
                document, body["answer_start"], body["answer_end"]
            )
    body["document"] = document.describe()
    if include_text:
        body["text"] = document.text
    return body


def _pages(document: Extraction, start: int, end: int) -> tuple[int, int]:
    return document.page_at(start), document.page_at(max(end - 1, start))
