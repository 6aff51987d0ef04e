r"""Pages of text extracted from PDFs and books, packed up to ``chunk_size``.

A page ends at a form feed (``\f``, which ``pdftotext`` writes after every
page) and a new page begins at a line holding only a page-break marker:

* ``<!-- pagebreak -->`` (also ``page break``, ``page-break``), as HTML and
  Markdown exports write it;
* ``\pagebreak``, ``\newpage``, ``\clearpage``, from LaTeX sources;
* ``[pagebreak]`` / ``[page break]``;
* a page header set off by decoration: ``--- Page 12 ---``,
  ``=== Page 3 ===``, ``[Page 7]``.

A form feed ends the page before it, so a text that opens with one has an
empty first page, exactly as the PDF had a blank first page. A marker opens
the page after it and belongs to it (its text stays in the chunks, so no
character is lost); a marker before any content opens page 1 rather than
leaving an empty page 0 before it. Pages are counted from 1 in document
order; the number printed in a marker is not read, since headers and footers
disagree about which page they number.

Each chunk's metadata has ``page``, the page of its first character, and
``last_page``, the page of its last (equal when the chunk is inside one
page). A text without breaks is one page, chunked like ``paragraph``'s
oversize paragraphs: by the recursive rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.chunkers.base import SizeOptions, option
from app.core.chunkers.packing import Span, trim
from app.core.chunkers.units import pack_unit_spans
from app.core.types import Chunk

# One alternation so that a single scan finds every break in order. The
# marker lines are anchored at a line start and every repeated class is
# followed by a literal it excludes or by the line end, so a long line costs
# one pass from its start (a 200,000-character line of "-" backtracks once,
# linearly). Horizontal space is spelled [ \t] so a form feed is never taken
# as padding of a marker.
_BREAK = re.compile(
    r"""
    (?P<feed>\f)
    | ^[ \t]*(?:
        <!--[ \t]*page[ \t-]?break[ \t]*-->
      | \\(?:pagebreak|newpage|clearpage)
      | \[[ \t]*page[ \t-]?break[ \t]*\]
      | \[[ \t]*page[ \t]+\d{1,6}[ \t]*\]
      | [-=~*_#]{2,}[ \t]*\[?[ \t]*page[ \t]+\d{1,6}[ \t]*\]?[ \t]*[-=~*_#]{2,}
    )[ \t]*\r?$
    """,
    re.MULTILINE | re.IGNORECASE | re.VERBOSE,
)
_NON_SPACE = re.compile(r"\S")


def split_pages(text: str) -> list[tuple[Span, int]]:
    """Find the non-empty pages of ``text``.

    Args:
        text: The source.

    Returns:
        Each non-empty page as its trimmed span and its 1-based number, in
        order; empty pages are counted but not returned.
    """
    content = _NON_SPACE.search(text)
    if content is None:
        return []
    pages: list[tuple[Span, int]] = []
    number, start = 1, 0
    for match in _BREAK.finditer(text):
        if match.group("feed") is None and number == 1 and match.start() <= content.start():
            continue
        page = trim(text, start, match.start())
        if page is not None:
            pages.append((page, number))
        # A form feed belongs to no page; a marker line is the first line of the next.
        number, start = number + 1, match.end() if match.group("feed") else match.start()
    page = trim(text, start, len(text))
    if page is not None:
        pages.append((page, number))
    return pages


@dataclass(frozen=True, slots=True, kw_only=True)
class PageChunker(SizeOptions):
    """Whole pages (form feeds or page-break markers), packed greedily up to ``chunk_size``."""

    pack: bool = option(True, doc="Pack several pages per chunk; false gives one page per chunk.")

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` into page chunks with ``page`` and ``last_page`` metadata."""
        pages = split_pages(text)
        units = [span for span, _ in pages]
        return [
            Chunk.from_span(text, p.start, p.end, {"page": pages[p.first][1], "last_page": pages[p.last][1]})
            for p in pack_unit_spans(text, units, self, self.pack)
        ]
