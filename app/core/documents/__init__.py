r"""Documents in: PDF, DOCX, HTML, Markdown and plain text turned into one text to chunk.

Pure: bytes in, an :class:`Extraction` out. PDF text is page by page with the
pages joined by a form feed (``\f``), so the ``page`` strategy and every
chunk's page numbers see the real pages; DOCX becomes Markdown, so the
``markdown`` strategy finds its headings; HTML, Markdown and text are the
UTF-8 text itself. PDF and DOCX are read in a child process (isolation.py)
bounded in time and memory.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.documents.detect import (
    DOCX_TYPE,
    FORMATS,
    PAGED,
    PDF_TYPE,
    binary_format,
    looks_binary,
    supported,
    text_format,
)
from app.core.documents.errors import (
    DocumentError,
    DocumentTooLarge,
    InvalidText,
    UnreadableDocument,
    UnsupportedFormat,
)
from app.core.documents.isolation import Extracted, Sandbox, run_isolated

__all__ = [
    "DOCX_TYPE",
    "FORMATS",
    "PDF_TYPE",
    "DocumentError",
    "DocumentLimits",
    "DocumentTooLarge",
    "Extraction",
    "InvalidText",
    "PageSpan",
    "UnreadableDocument",
    "UnsupportedFormat",
    "extract",
    "supported",
]


@dataclass(frozen=True, slots=True)
class PageSpan:
    """Where one page's text is: ``text[start:end]``, page numbers from 1."""

    page: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """Bounds on reading one document.

    Attributes:
        max_pages: Most pages of a PDF.
        max_chars: Most characters of extracted text.
        sandbox: Time and memory of the child process that reads PDF and DOCX.
    """

    max_pages: int = 1000
    max_chars: int = 2_000_000
    sandbox: Sandbox = Sandbox()


@dataclass(frozen=True, slots=True)
class Extraction:
    """A document's text and what it came from.

    Attributes:
        text: The extracted text; chunk offsets index it.
        format: One of ``pdf``, ``docx``, ``html``, ``markdown``, ``text``.
        pages: The page spans, in order, for paged formats (PDF); empty otherwise.
        sha256: Hex SHA-256 of the uploaded bytes.
        outline: The document's own outline (a PDF's bookmarks) as
            ``(offset, level, title)``, in order; empty without one.
    """

    text: str
    format: str
    pages: tuple[PageSpan, ...]
    sha256: str
    outline: tuple[tuple[int, int, str], ...] = ()
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index the page starts once, so each chunk's page is a binary search."""
        object.__setattr__(self, "_starts", tuple(span.start for span in self.pages))

    @property
    def paged(self) -> bool:
        """Whether the format has pages (every chunk then carries page numbers)."""
        return self.format in PAGED

    def describe(self) -> dict[str, object]:
        """The ``document`` object of a response: format, pages (None when unpaged), chars, sha256."""
        pages = len(self.pages) if self.paged else None
        return {"format": self.format, "pages": pages, "chars": len(self.text), "sha256": self.sha256}

    def page_at(self, offset: int) -> int:
        """The number of the page holding ``text[offset]`` (a form feed counts with the page before it)."""
        return self.pages[max(bisect.bisect_right(self._starts, offset) - 1, 0)].page


def extract(
    data: bytes,
    *,
    filename: str = "",
    content_type: str = "",
    limits: DocumentLimits,
    decode: Callable[[bytes], str] | None = None,
) -> Extraction:
    """Turn an uploaded document into text.

    Args:
        data: The uploaded bytes.
        filename: The client's file name (a hint for text formats only).
        content_type: The client's media type (likewise a hint).
        limits: Page, text and sandbox bounds.
        decode: How to decode a text upload (the web layer honours a declared
            charset); strict UTF-8 when None, binary data then refused.

    Returns:
        The extraction.

    Raises:
        UnsupportedFormat: Not PDF, DOCX or text.
        InvalidText: Text that is not UTF-8 (without ``decode``).
        UnreadableDocument: Damaged, encrypted, text-less, or too slow or large to read.
        DocumentTooLarge: Over ``limits.max_pages`` or ``limits.max_chars``.
    """
    fmt = binary_format(data)
    digest = hashlib.sha256(data).hexdigest()
    if fmt is not None:
        extracted = run_isolated(
            fmt, data, max_pages=limits.max_pages, max_chars=limits.max_chars, sandbox=limits.sandbox
        )
        return _joined(extracted, fmt, digest)
    if decode is None:
        if looks_binary(data):
            raise UnsupportedFormat(f"this file is binary data of an unknown format; {supported()}")
        decode = _utf8
    text = decode(data)
    if len(text) > limits.max_chars:
        raise DocumentTooLarge(f"this file has {len(text)} characters; the limit is {limits.max_chars}")
    return Extraction(text, text_format(text, filename, content_type), (), digest)


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidText(f"file is not valid UTF-8 (byte {exc.start})") from None


def _joined(extracted: Extracted, fmt: str, digest: str) -> Extraction:
    text = extracted.text
    if fmt not in PAGED:
        return Extraction(text, fmt, (), digest)
    spans, start = [], 0
    for number, length in enumerate(extracted.lengths, start=1):
        spans.append(PageSpan(number, start, start + length))
        start += length + 1
    placed = tuple(_place(entry, text, spans) for entry in extracted.outline)
    return Extraction(text, fmt, tuple(spans), digest, placed)


def _place(entry: tuple[int, str, int], text: str, spans: list[PageSpan]) -> tuple[int, int, str]:
    """An outline entry at its offset: the line of its page that starts with its title, or the page start."""
    level, title, index = entry
    words = title.split()
    pattern = r"^[ \t]*" + r"\s+".join(re.escape(w) for w in words) if words else None
    page = spans[index]
    found = re.search(pattern, text[page.start : page.end], re.MULTILINE | re.IGNORECASE) if pattern else None
    return (page.start + (found.start() if found else 0), level, title)
