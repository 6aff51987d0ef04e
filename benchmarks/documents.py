"""Long PDF and DOCX documents of real prose, with no text repeated, for the document benchmarks.

The prose is that of :mod:`benchmarks.corpus` (the licence texts Debian
ships in /usr/share/common-licenses, and Python's LICENSE.txt), then the
paragraphs of 200 characters or more of the ``copyright`` files of the
installed Debian packages (/usr/share/doc/*/copyright: licence grants and
notices, each distributable under its own terms, read in memory only), split
into paragraphs with duplicates dropped, so no page repeats another. A page holds
about 2,800 characters, as a printed book page does; a short line without
final punctuation (``TERMS AND CONDITIONS``) becomes a heading.
"""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks.corpus import source_files
from tests.make_documents import DocxBlock, PdfPage, docx_bytes, pdf_bytes

PAGE_CHARS = 2800


def paragraphs() -> list[str]:
    """Every distinct paragraph of the prose files, in order, each on one line."""
    licences = sorted(set(source_files()) | set(Path("/usr/share/common-licenses").glob("*")))
    notices = sorted(Path("/usr/share/doc").glob("*/copyright"))
    seen: set[str] = set()
    found: list[str] = []
    for path, shortest in [(p, 4) for p in licences] + [(p, 200) for p in notices]:
        if not path.is_file():
            continue
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
            line = " ".join(block.split())
            # Field lines of machine-readable copyright files are not prose.
            if len(line) >= shortest and line not in seen and not line.startswith(("Files:", "Copyright:")):
                seen.add(line)
                found.append(line)
    return found


def pages_of_prose(count: int) -> list[list[str]]:
    """``count`` pages of distinct paragraphs, about :data:`PAGE_CHARS` characters each.

    Raises:
        ValueError: When the machine has too little prose for ``count`` pages.
    """
    pages: list[list[str]] = [[]]
    size = 0
    for paragraph in paragraphs():
        if size + len(paragraph) > PAGE_CHARS and pages[-1]:
            if len(pages) == count:
                return pages
            pages.append([])
            size = 0
        # A paragraph longer than a page is cut to a page (its rest is dropped).
        pages[-1].append(paragraph[:PAGE_CHARS])
        size += min(len(paragraph), PAGE_CHARS)
    raise ValueError(f"only {len(pages)} pages of distinct prose on this machine; {count} asked")


def prose_pdf(count: int) -> bytes:
    """A ``count``-page PDF of distinct prose with a running header and page numbers."""
    return pdf_bytes([PdfPage(paragraphs=page) for page in pages_of_prose(count)], title="Licences")


def _is_heading(paragraph: str) -> bool:
    return len(paragraph) < 60 and not paragraph.endswith((".", ",", ";", ":"))


def prose_docx(count: int) -> bytes:
    """A DOCX of ``count`` pages' prose: headings, paragraphs, a page break per page, one table."""
    blocks: list[DocxBlock] = []
    for number, page in enumerate(pages_of_prose(count), start=1):
        for paragraph in page:
            kind = "heading" if _is_heading(paragraph) else "paragraph"
            blocks.append(DocxBlock(kind, paragraph, level=2))
        if number == 1:
            blocks.append(
                DocxBlock("table", rows=[["Licence", "Year"], ["GPL-3", "2007"], ["GPL-2", "1991"]])
            )
        blocks.append(DocxBlock("page_break"))
    return docx_bytes(blocks)
