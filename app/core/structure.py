"""A document's structure, read once: heading paths by offset, and the tables whose header a chunk lost.

Chunk metadata asks two questions of a span ``text[start:end]``: under which
headings is all of it (:meth:`Structure.headings`), and, when it starts inside
a table after the header, what that header was (:meth:`Structure.table_header`).
Both are answered from the whole document, so a chunk cut out of a parent or
re-cut to make room for its context gets the same answers as one cut from the
whole text. Three readers build a structure:

* :func:`markdown_structure`: ATX and setext headings (outside code fences)
  and pipe tables (a header row, a delimiter row, then the rows holding ``|``);
* :func:`html_structure`: ``h1``-``h6`` and ``table`` blocks of the markup,
  offsets being markup offsets as the ``html`` strategy's are;
* :func:`outline_structure`: a list of headings at offsets, such as a PDF's
  outline (bookmarks) placed on its pages.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.chunkers.headings import HeadingTrail
from app.core.chunkers.htmltext import read_blocks
from app.core.chunkers.mdoutline import Outline, read_outline

#: What joins the headings of a path on one line, as in ``Install › Docker``.
PATH_SEPARATOR = " › "

# A pipe table's delimiter row: cells of dashes with optional alignment
# colons, separated by pipes, with at least one pipe on the line. Every
# quantifier is possessive: the runs of blanks next to each other would
# otherwise be split every possible way before a line is given up, quadratic
# in the length of a line of blanks.
_CELL = r"[ \t]*+:?-++:?[ \t]*+"
_DELIMITER_ROW = re.compile(
    rf"^[ \t]*+\|?{_CELL}(?:\|{_CELL})++\|?[ \t]*+$|^[ \t]*+\|{_CELL}\|[ \t]*+$",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Table:
    """A table: its header (as the reader should see it again) and where its rows are.

    Attributes:
        body_start: Offset of the first row after the header.
        end: Offset one past the table's last row.
        header: The header's text (a pipe table's header and delimiter rows; an
            html table's first row as visible text).
    """

    body_start: int
    end: int
    header: str


class Structure:
    """Heading paths by offset and the tables of one text.

    Args:
        starts: Offsets where sections start, increasing; the first is 0.
        paths: ``paths[i]`` is the heading path of the section from
            ``starts[i]`` to ``starts[i + 1]``.
        tables: The tables, in order, not overlapping.
    """

    __slots__ = ("_starts", "_paths", "_tables", "_table_starts", "_outline", "_source")

    def __init__(
        self,
        starts: Sequence[int],
        paths: Sequence[tuple[str, ...]],
        tables: Sequence[Table],
        outline: tuple[str, Outline] | None = None,
    ) -> None:
        """Keep the sections and tables, indexed for binary search (and a Markdown text's outline)."""
        self._starts = list(starts)
        self._paths = list(paths)
        self._tables = list(tables)
        self._table_starts = [t.body_start for t in tables]
        self._source: str | None = None
        self._outline: Outline | None = None
        if outline is not None:
            self._source, self._outline = outline

    def outline_of(self, text: str) -> Outline | None:
        """The Markdown outline this structure was read from, when it was read from ``text`` itself."""
        return self._outline if self._source is text else None

    def headings(self, start: int, end: int) -> list[str]:
        """The heading path of the innermost section holding all of ``text[start:end]``."""
        first = max(bisect_right(self._starts, start) - 1, 0)
        last = max(bisect_left(self._starts, max(end, start + 1)) - 1, first)
        common = list(self._paths[first])
        for path in self._paths[first + 1 : last + 1]:
            n = 0
            while n < min(len(common), len(path)) and common[n] == path[n]:
                n += 1
            del common[n:]
        return common

    def paths(self) -> list[tuple[str, ...]]:
        """Every section's heading path, in order."""
        return list(self._paths)

    def table_headers(self) -> list[str]:
        """Every table's header, in order."""
        return [t.header for t in self._tables]

    def table_header(self, start: int) -> str | None:
        """The header of the table whose rows (not header) hold offset ``start``, if any."""
        i = bisect_right(self._table_starts, start) - 1
        if i >= 0 and start < self._tables[i].end:
            return self._tables[i].header
        return None


def markdown_structure(text: str) -> Structure:
    """The headings and pipe tables of a Markdown text (nothing inside a code fence counts)."""
    outline = read_outline(text)
    starts = [s.start for s in outline.sections]
    paths = [s.path for s in outline.sections]
    fences = outline.fences
    fence_starts = [f.start for f in fences]
    tables: list[Table] = []
    for match in _DELIMITER_ROW.finditer(text):
        row = match.start()
        fence = bisect_right(fence_starts, row) - 1
        if row == 0 or (fence >= 0 and row < fences[fence].end):
            continue
        if tables and row < tables[-1].end:
            continue  # a row of a table already read
        header_start = text.rfind("\n", 0, row - 1) + 1
        header_line = text[header_start : row - 1]
        if "|" not in header_line or not header_line.strip():
            continue
        body_start = min(match.end() + 1, len(text))
        end = body_start
        while end < len(text):
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            if "|" not in text[end:line_end] or not text[end:line_end].strip():
                break
            end = min(line_end + 1, len(text))
        if end > body_start and (not tables or header_start >= tables[-1].end):
            tables.append(Table(body_start, end, text[header_start : match.end()]))
    return Structure(starts, paths, tables, (text, outline))


def has_pipe_table(text: str) -> bool:
    """Whether a Markdown text may hold a pipe table (a delimiter row somewhere)."""
    return _DELIMITER_ROW.search(text) is not None


def html_structure(html: str) -> Structure:
    """The heading paths and tables of HTML markup, by markup offset."""
    blocks = read_blocks(html)
    starts: list[int] = [0]
    paths: list[tuple[str, ...]] = [()]
    tables: list[Table] = []
    for block in blocks:
        if block.headings != paths[-1]:
            starts.append(block.start)
            paths.append(block.headings)
        if block.tag == "table" and "\n" in block.text:
            # Any chunk starting inside the table's markup starts after its first row.
            tables.append(Table(block.start + 1, block.end, block.text.split("\n", 1)[0]))
    if len(starts) > 1 and starts[1] == 0:
        del starts[0], paths[0]
    return Structure(starts, paths, tables)


def outline_structure(entries: Sequence[tuple[int, int, str]]) -> Structure:
    """The sections of an outline given as ``(offset, level, title)`` entries in document order."""
    trail = HeadingTrail()
    starts: list[int] = [0]
    paths: list[tuple[str, ...]] = [()]
    for offset, level, title in entries:
        path = trail.enter(level, title)
        if offset < starts[-1]:
            continue  # out of page order: it cannot start a section here
        if offset == starts[-1]:
            # Two entries at one place (a chapter and its first section on one
            # page start): the later, deeper one names the section.
            paths[-1] = path
        else:
            starts.append(offset)
            paths.append(path)
    return Structure(starts, paths, ())


def context_line(headings: Sequence[object]) -> str:
    """A heading path on one line: ``Install › Docker``."""
    return PATH_SEPARATOR.join(str(h) for h in headings)
