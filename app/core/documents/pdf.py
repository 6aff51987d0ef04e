r"""PDF text, page by page, with PDFium (pypdfium2).

PDFium was chosen by measurement (benchmarks/bench_extractors.py): it is
6 to 46 times faster than pdfminer.six and pypdf on Debian's manuals, keeps
table rows and columns in the order they were written, maps ligatures, and
marks a hyphen that ends a line (``\x02``) after joining the two halves of
the word. It cannot know a hyphenated word (``docu-mentation``) from a
compound broken at its own hyphen (``GPL-compatible``), so the document
decides (:mod:`app.core.documents.hyphens`). Being C++, it cannot be
interrupted and aborts its process when memory runs out; it therefore runs
only in the extraction child process (see isolation.py).
"""

from __future__ import annotations

import re

from app.core.documents.errors import DocumentTooLarge, UnreadableDocument
from app.core.documents.hyphens import rejoin

# Control characters PDFium leaves in text (the odd glyph without a Unicode
# mapping) are dropped; the form feed is the page separator here. Its hyphen
# mark \x02 is kept for the hyphen decisions (hyphens.py), which drop it.
_CONTROL = re.compile("[\x00\x01\x03-\x08\x0b\x0c\x0e-\x1f]")
_NEWLINE = re.compile("\r\n?")


#: Most outline entries read; a longer outline is cut there (its first entries stay).
MAX_OUTLINE_ENTRIES = 2000
_MAX_TITLE_CHARS = 300

#: An outline entry: its level (1 for the top), its title, the index of its page (from 0).
OutlineEntry = tuple[int, str, int]


def pdf_pages(data: bytes, *, max_pages: int, max_chars: int) -> list[str]:
    r"""The text of each page of a PDF."""
    return pdf_text_and_outline(data, max_pages=max_pages, max_chars=max_chars)[0]


def pdf_text_and_outline(
    data: bytes, *, max_pages: int, max_chars: int
) -> tuple[list[str], list[OutlineEntry]]:
    r"""The text of each page of a PDF, and its outline (bookmarks) when it has one.

    Args:
        data: The PDF's bytes.
        max_pages: Most pages read; more is refused before any text is read.
        max_chars: Most characters of text in all; more is refused when reached.

    Returns:
        One string per page (empty for a page without text), lines ending in
        ``\n``; and the outline entries that point at a page, in order.

    Raises:
        UnreadableDocument: Damaged, encrypted, or without any text layer.
        DocumentTooLarge: Over ``max_pages`` or ``max_chars``.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(_load_error(str(exc))) from None
    try:
        count = len(document)
        if count > max_pages:
            raise DocumentTooLarge(f"this PDF has {count} pages; the limit is {max_pages}")
        pages, total = [], 0
        for index in range(count):
            text = _clean(document[index].get_textpage().get_text_bounded())
            total += len(text)
            if total > max_chars:
                raise DocumentTooLarge(
                    f"this PDF has over {max_chars} characters of text; the limit is {max_chars}"
                )
            pages.append(text)
        outline = _outline(document, count)
    finally:
        document.close()
    pages = rejoin(pages)
    if not any(page.strip() for page in pages):
        raise UnreadableDocument("this PDF has no text layer (a scan?); OCR is not supported")
    return pages, outline


def _outline(document: object, count: int) -> list[OutlineEntry]:
    """The outline entries with a title and a page in the document, at most MAX_OUTLINE_ENTRIES."""
    entries: list[OutlineEntry] = []
    try:
        for item in document.get_toc(max_depth=6):  # type: ignore[attr-defined]
            dest = item.get_dest()
            index = dest.get_index() if dest is not None else None
            title = " ".join(_clean(item.get_title() or "").split())[:_MAX_TITLE_CHARS]
            if title and index is not None and 0 <= index < count:
                entries.append((item.level + 1, title, index))
            if len(entries) >= MAX_OUTLINE_ENTRIES:
                break
    except Exception:  # noqa: BLE001 - a damaged outline costs the headings, never the text
        return []
    return entries


def _clean(text: str) -> str:
    # The hyphen mark stays for the hyphen decisions; every other control character goes.
    return _CONTROL.sub("", _NEWLINE.sub("\n", text))


def _load_error(reason: str) -> str:
    if "password" in reason.lower():
        return "this PDF is encrypted with a password; send it without the password"
    return "this PDF is damaged or incomplete and could not be read"
