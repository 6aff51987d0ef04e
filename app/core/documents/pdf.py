r"""PDF text, page by page, with PDFium (pypdfium2).

PDFium was chosen by measurement (benchmarks/bench_extractors.py): it is
10 to 40 times faster than pdfminer.six and pypdf on Debian's manuals, keeps
table rows and columns in the order they were written, maps ligatures, and
marks the hyphen of a word broken across lines (``\x02``) after joining its
halves, so dropping the mark restores the word. Being C++, it cannot be
interrupted and aborts its process when memory runs out; it therefore runs
only in the extraction child process (see isolation.py).
"""

from __future__ import annotations

import re

from app.core.documents.errors import DocumentTooLarge, UnreadableDocument

# Control characters PDFium leaves in text: its hyphen mark, and the odd
# glyph without a Unicode mapping; the form feed is the page separator here.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NEWLINE = re.compile("\r\n?")


def pdf_pages(data: bytes, *, max_pages: int, max_chars: int) -> list[str]:
    r"""The text of each page of a PDF.

    Args:
        data: The PDF's bytes.
        max_pages: Most pages read; more is refused before any text is read.
        max_chars: Most characters of text in all; more is refused when reached.

    Returns:
        One string per page (empty for a page without text), lines ending in ``\n``.

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
    finally:
        document.close()
    if not any(page.strip() for page in pages):
        raise UnreadableDocument("this PDF has no text layer (a scan?); OCR is not supported")
    return pages


def _clean(text: str) -> str:
    text = _NEWLINE.sub("\n", text).replace("\x02", "")
    return _CONTROL.sub("", text)


def _load_error(reason: str) -> str:
    if "password" in reason.lower():
        return "this PDF is encrypted with a password; send it without the password"
    return "this PDF is damaged or incomplete and could not be read"
