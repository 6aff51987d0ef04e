"""The outline of a Markdown document: sections under headings, and blocks inside them.

Only the structure chunking needs is read, in one pass over the lines that
can matter, found by a single anchored regular expression:

* ATX headings (``#`` to ``######`` after at most three spaces, then a space
  or the line end) and setext headings (a paragraph underlined with ``=`` or
  ``-``), as CommonMark defines them;
* fenced code blocks (three or more backticks or tildes, closed by a fence of
  the same character at least as long, or by the end of the document), inside
  which nothing is a heading;
* YAML front matter (a first line ``---`` up to the next ``---`` or ``...``
  line), which is neither a heading nor a paragraph to underline.

Everything else (emphasis, links, HTML) is text. Offsets index the original
Markdown. Every step looks at each character a bounded number of times, so a
megabyte of ``#`` or of ``-`` lines costs what a megabyte of prose does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.chunkers.headings import HeadingTrail
from app.core.chunkers.packing import Span, trim
from app.core.chunkers.recursive import PARAGRAPH_BREAK

# Lines that can start or end a structure: a heading opener, a fence, or a
# setext underline. Anchored at a line start, each branch is a run of one
# character class followed by something that class excludes, so no line is
# scanned more than twice.
_STRUCTURE = re.compile(
    r"^ {0,3}(?:(?P<atx>#{1,6})(?=[ \t\r]|$)|(?P<fence>`{3,}|~{3,})|(?P<underline>=+|-+)[ \t\r]*$)",
    re.MULTILINE,
)
_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\r?\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
# A paragraph whose first line opens a list item, a quote or a table row, or
# is indented code, cannot be a setext heading's text.
_NOT_HEADING_TEXT = re.compile(r"[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>|\|)| {4}|\t")
# A list item's first line; a block after a list that starts with one (or is
# indented) continues the list across the blank line.
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]")
_BLANK_LINE = PARAGRAPH_BREAK


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and what follows it up to the next heading.

    Attributes:
        start: Offset of the heading's first line (0 for text before any heading).
        path: Heading path of the section, its own heading last.
    """

    start: int
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outline:
    """Where a Markdown document's sections start and where its code fences are.

    Attributes:
        sections: In order; the first starts at 0 (text before the first
            heading, if any, is a section with an empty path).
        fences: Spans of fenced code blocks, from the opening fence's line
            start to the end of the closing fence's line.
    """

    sections: list[Section]
    fences: list[Span]


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _atx_title(line: str) -> str:
    """Heading text without the optional closing run of ``#``."""
    title = line.strip()
    if title.endswith("#"):
        bare = title.rstrip("#")
        if not bare or bare[-1] in " \t":
            title = bare.rstrip()
    return title


def _paragraph_start(text: str, underline: int, floor: int) -> int | None:
    """Start of the paragraph that ends just before the line at ``underline``.

    Looks back line by line to a blank line or to ``floor`` (the end of the
    last structure), so each part of the text is looked back over once.
    """
    start = None
    pos = underline
    while pos > floor:
        line_start = text.rfind("\n", floor, pos - 1) + 1 or floor
        if not text[line_start : pos - 1].strip():
            break
        start = line_start
        pos = line_start
    if start is None or _NOT_HEADING_TEXT.match(text, start):
        return None
    return start


def _front_matter_end(text: str) -> int:
    if not _FRONT_MATTER_OPEN.match(text):
        return 0
    close = _FRONT_MATTER_CLOSE.search(text, text.find("\n") + 1)
    return 0 if close is None else _line_end(text, close.end())


def _closes(fence: tuple[str, int, int], run: str | None, rest: str) -> bool:
    """Whether a fence run (followed by ``rest`` on its line) closes the open ``fence``."""
    return run is not None and run[0] == fence[0] and len(run) >= fence[1] and not rest.strip()


def read_outline(text: str) -> Outline:
    """Find the sections and code fences of a Markdown text.

    Args:
        text: The Markdown source.

    Returns:
        The outline; offsets index ``text``.
    """
    trail = HeadingTrail()
    sections: list[Section] = []
    fences: list[Span] = []
    fence: tuple[str, int, int] | None = None  # character, length, start
    floor = _front_matter_end(text)
    for match in _STRUCTURE.finditer(text, floor):
        start, end = match.start(), _line_end(text, match.end())
        run = match.group("fence")
        if fence is not None:
            if _closes(fence, run, text[match.end() : end]):
                fences.append(Span(fence[2], end))
                fence, floor = None, end
            continue
        if run:
            # A backtick in a backtick fence's info string makes it inline code.
            if run[0] != "`" or "`" not in text[match.end() : end]:
                fence = (run[0], len(run), start)
            continue
        atx = match.group("atx")
        if atx:
            sections.append(Section(start, trail.enter(len(atx), _atx_title(text[match.end() : end]))))
        else:
            heading = _paragraph_start(text, start, floor)
            if heading is not None:
                level = 1 if match.group("underline")[0] == "=" else 2
                sections.append(Section(heading, trail.enter(level, " ".join(text[heading:start].split()))))
        floor = end
    if fence is not None:
        fences.append(Span(fence[2], len(text)))
    if not sections or sections[0].start > 0:
        sections.insert(0, Section(0, ()))
    return Outline(sections, fences)


def section_spans(text: str, outline: Outline) -> list[tuple[Span, tuple[str, ...]]]:
    """The trimmed, non-empty sections of ``text`` with their heading paths."""
    out: list[tuple[Span, tuple[str, ...]]] = []
    bounds = [s.start for s in outline.sections[1:]] + [len(text)]
    for section, end in zip(outline.sections, bounds, strict=True):
        span = trim(text, section.start, end)
        if span is not None:
            out.append((span, section.path))
    return out


def section_blocks(text: str, start: int, end: int, fences: Sequence[Span]) -> list[Span]:
    """Split a section into blocks: paragraphs, whole code fences, whole lists.

    Blocks are separated by blank lines, except blank lines inside a fenced
    code block, and except between the items of a list: a block that follows
    a list and starts with a list item or is indented continues it. A table
    has no blank lines, so it is one block.

    Args:
        text: The source.
        start: Start of the (trimmed) section.
        end: End of the section.
        fences: The outline's fences, in order.

    Returns:
        Trimmed block spans in order, covering the section's non-whitespace.
    """
    blocks: list[Span] = []
    list_open = False
    # The first fence that ends after the section starts; earlier ones are
    # skipped by bisection, so cutting every section costs no rescan.
    pos, f = start, bisect_right(fences, start, key=lambda fence: fence.end)
    for match in _BLANK_LINE.finditer(text, start, end):
        while f < len(fences) and fences[f].end <= match.start():
            f += 1
        if f < len(fences) and fences[f].start <= match.start():
            continue
        list_open = _add_block(text, blocks, pos, match.start(), list_open)
        pos = match.end()
    _add_block(text, blocks, pos, end, list_open)
    return blocks


def _add_block(text: str, blocks: list[Span], start: int, end: int, list_open: bool) -> bool:
    """Append ``[start, end)`` as a block, or extend the open list; return whether a list is open."""
    span = trim(text, start, end)
    if span is None:
        return list_open
    is_item = _LIST_ITEM.match(text, span.start) is not None
    indented = span.start > 0 and text[span.start - 1] in " \t"
    if blocks and list_open and (is_item or indented):
        blocks[-1] = Span(blocks[-1].start, span.end)
        return True
    blocks.append(span)
    return is_item
