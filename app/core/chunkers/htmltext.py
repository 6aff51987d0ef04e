"""The visible text of an HTML document, block by block, mapped back to the markup.

A *block* is the text between two block boundaries (the start or end tag of
a block element such as ``p``, ``li``, ``h2``, ``table``, ``section``),
labelled with the innermost open block element, the ``tag``. Its text is
what a reader sees: ``script``, ``style``, ``noscript``, ``template`` and
``title`` are dropped with their content, comments are dropped, character
references are decoded, and whitespace is normalised: each run of whitespace
becomes one space, except that ``br`` and table rows break lines, table cells
are separated by a space, and ``pre`` keeps its whitespace as written (its
leading and trailing blank lines aside).

Each block records the source region it came from: from its element's start
tag when the block begins there (else from its first visible character) to
the element's end tag when the block ends there (else to its last visible
character). :meth:`Block.source_start` and :meth:`Block.source_end` map any
position inside the block's text back to the source, exactly for literal
text and to the whole reference for a decoded ``&...;``.

Malformed HTML is read as browsers tokenize it (see
:mod:`app.core.chunkers.htmlparse`); unclosed elements close at the next block
boundary that implies it (a ``p`` at the next block start, an ``li`` at the
next ``li``) or at the end of the document.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from app.core.chunkers.headings import HeadingTrail
from app.core.chunkers.htmlparse import SourceParser
from app.core.chunkers.htmlsource import Line, Piece, pieces_of

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre search "
    "section summary table ul".split()
)
DROPPED_TAGS = frozenset({"script", "style", "noscript", "template", "title"})
HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# A p cannot hold a block, so any block start closes an open p; a list item,
# a definition term or description, or a heading closes an open one of its
# own kind. (Browsers do the same, within scopes this reader ignores.)
_CLOSES = {
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    **{h: frozenset(HEADING_LEVELS) for h in HEADING_LEVELS},
}
_OUTSIDE = "body"


class Block:
    """The visible text of one block, its tag, heading path and source region.

    Attributes:
        tag: The innermost block element holding the text (``"body"`` outside all).
        headings: Heading path in effect, the block's own heading included.
        text: The visible text, whitespace normalised; not empty.
        start: Start of the source region (code points).
        end: End of the source region, exclusive.
    """

    __slots__ = ("tag", "headings", "text", "start", "end", "_lines", "_line_starts")

    def __init__(
        self, tag: str, headings: tuple[str, ...], lines: Sequence[Line], region: tuple[int, int]
    ) -> None:
        """Assemble a block from its normalised lines (at least one, non-empty)."""
        self.tag = tag
        self.headings = headings
        self.text = "\n".join(line.text for line in lines)
        self.start, self.end = region
        self._lines = lines
        self._line_starts: list[int] = []
        pos = 0
        for line in lines:
            self._line_starts.append(pos)
            pos += len(line.text) + 1

    def _locate(self, index: int) -> tuple[Line, int]:
        i = max(bisect_right(self._line_starts, index) - 1, 0)
        return self._lines[i], index - self._line_starts[i]

    def source_start(self, index: int) -> int:
        """Source offset where the character ``text[index]`` begins."""
        line, offset = self._locate(index)
        return line.source(offset, end=False)

    def source_end(self, index: int) -> int:
        """Source offset just past the character ``text[index - 1]``."""
        line, offset = self._locate(index - 1)
        return line.source(offset, end=True)


class _Segment:
    """The text gathered since the last block boundary."""

    __slots__ = ("tag", "opened_at", "lines", "first", "last")

    def __init__(self, tag: str, opened_at: int | None) -> None:
        self.tag = tag
        self.opened_at = opened_at
        self.lines: list[list[Piece]] = [[]]
        self.first: int | None = None  # source offset of the first visible character
        self.last = 0  # source offset past the last visible character


class _Pending:
    """Text reported by the parser whose end is not known yet.

    Attributes:
        parts: The runs, in order; joined when the text is placed.
        start: Source offset of the first run.
        literal_end: Source offset past the last run while every run is the
            source itself character for character (no decoded reference);
            None otherwise, and then no further run is joined.
    """

    __slots__ = ("parts", "start", "literal_end")

    def __init__(self, data: str, start: int, literal: bool) -> None:
        self.parts = [data]
        self.start = start
        self.literal_end: int | None = start + len(data) if literal else None


class _BlockReader(SourceParser):
    """Turns parser events into blocks."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.blocks: list[Block] = []
        self._stack: list[str] = []
        self._open: dict[str, int] = {}
        self._dropped: list[str] = []
        self._trail = HeadingTrail()
        self._segment = _Segment(_OUTSIDE, None)
        self._pending: _Pending | None = None

    def _flush(self) -> int:
        """Place the pending text now that the next token says where it ends; return that offset."""
        here = self.position()
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._add_text("".join(pending.parts), pending.start, here)
        return here

    def _add_text(self, data: str, start: int, end: int) -> None:
        segment = self._segment
        for piece in pieces_of(self.text, data, start, end):
            if piece.visible_start is not None:
                if segment.first is None:
                    segment.first = piece.visible_start
                segment.last = piece.visible_end
            segment.lines[-1].append(piece)

    def _boundary(self, closed_by_end_tag: int | None, next_tag: str, opened_at: int | None) -> None:
        """End the current segment (emitting its block, if visible) and start the next."""
        segment = self._segment
        if segment.first is not None:
            lines = [Line(pieces, segment.tag == "pre") for pieces in segment.lines]
            kept = _trim_lines(lines, segment.tag == "pre")
            if kept:
                self._emit(segment, segment.first, kept, closed_by_end_tag)
        self._segment = _Segment(next_tag, opened_at)

    def _emit(self, segment: _Segment, first: int, lines: list[Line], end_tag_end: int | None) -> None:
        start = first if segment.opened_at is None else segment.opened_at
        end = segment.last if end_tag_end is None else end_tag_end
        if segment.tag in HEADING_LEVELS:
            title = " ".join(" ".join(line.text for line in lines).split())
            headings = self._trail.enter(HEADING_LEVELS[segment.tag], title)
        else:
            headings = self._trail.path()
        self.blocks.append(Block(segment.tag, headings, lines, (start, end)))

    def handle_data(self, data: str) -> None:
        """Keep text until the next token tells where it ends."""
        pending = self._pending
        if pending is not None and pending.literal_end is not None:
            # The parser reports each stray "<" as a run of its own, so a
            # megabyte of them would be a million pieces; a literal run that
            # follows a literal run directly is kept as one.
            here = self.position()
            if here == pending.literal_end and self.text.startswith(data, here):
                pending.parts.append(data)
                pending.literal_end = here + len(data)
                return
        here = self._flush()
        if not self._dropped:
            self._pending = _Pending(data, here, self.text.startswith(data, here))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a block, break a line, separate a cell, or start dropping content."""
        here = self._flush()
        if self._dropped or tag in DROPPED_TAGS:
            if tag in DROPPED_TAGS:
                self._dropped.append(tag)
            return
        if tag in BLOCK_TAGS:
            self._open_block(tag, here)
        elif tag in ("br", "tr"):
            self._segment.lines.append([])
        elif tag in ("td", "th"):
            self._segment.lines[-1].append(Piece.space(here))

    def _open_block(self, tag: str, here: int) -> None:
        if self._stack and self._stack[-1] == "p":
            self._pop()
        if self._stack and self._stack[-1] in _CLOSES.get(tag, ()):
            self._pop()
        if tag in _VOID_TAGS:
            self._boundary(None, self._top(), None)
            return
        self._boundary(None, tag, here)
        self._stack.append(tag)
        self._open[tag] = self._open.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        """Close a block (and any left open inside it), or stop dropping content."""
        here = self._flush()
        if self._dropped:
            if tag in self._dropped:
                while self._dropped.pop() != tag:
                    pass
            return
        if tag == "tr":
            self._segment.lines.append([])
        if tag not in BLOCK_TAGS or not self._open.get(tag):
            return
        end = self.text.find(">", here + 1) + 1 or len(self.text)
        owner = self._segment.tag == tag
        while self._pop() != tag:
            pass
        self._boundary(end if owner else None, self._top(), None)

    def _pop(self) -> str:
        tag = self._stack.pop()
        self._open[tag] -= 1
        return tag

    def _top(self) -> str:
        return self._stack[-1] if self._stack else _OUTSIDE

    def handle_comment(self, data: str) -> None:
        """Drop comments; their position ends any text before them."""
        self._flush()

    def handle_decl(self, decl: str) -> None:
        """Drop declarations such as the doctype."""
        self._flush()

    def handle_pi(self, data: str) -> None:
        """Drop processing instructions."""
        self._flush()

    def finish(self) -> list[Block]:
        """Parse the document and return its blocks."""
        self.run()
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._add_text("".join(pending.parts), pending.start, len(self.text))
        self._boundary(None, _OUTSIDE, None)
        return self.blocks


def _trim_lines(lines: list[Line], verbatim: bool) -> list[Line]:
    """Drop blank lines: all of them in flowing text, only leading and trailing ones in ``pre``."""
    if not verbatim:
        return [line for line in lines if line.text]
    first = next((i for i, line in enumerate(lines) if line.text.strip()), len(lines))
    last = max((i for i, line in enumerate(lines) if line.text.strip()), default=-1)
    return lines[first : last + 1]


def read_blocks(html: str) -> list[Block]:
    """Read the visible blocks of an HTML document.

    Args:
        html: The markup; any text is accepted (plain text is one ``body`` block).

    Returns:
        The blocks with visible text, in document order; their regions do
        not overlap and their starts increase.
    """
    return _BlockReader(html).finish()
