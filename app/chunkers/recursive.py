"""Recursive splitting: paragraphs, then lines, then sentences, then words, then characters.

A span that does not fit ``chunk_size`` is cut at the coarsest separator it
contains; the pieces are packed greedily back up to the limit, and a piece
that still does not fit goes down one level. Every level scans with one
compiled regular expression over the span (``finditer`` with ``pos`` and
``endpos``), so no substring is copied to find separators and the cost is
linear in the text times the number of levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.chunkers.base import SizeOptions
from app.chunkers.packing import Sizer, Span, pack_spans, trim
from app.types import Chunk

# Coarsest first: a blank line ends a paragraph, so cutting there keeps whole
# thoughts together; a line break is the next strongest sign in plain text;
# then sentence ends (punctuation, optional closing quote or bracket, then
# whitespace: only the whitespace is the separator, the punctuation stays with
# its sentence; CJK full stops need no space after them); then any whitespace
# between words. Below that only a hard cut between characters is left.
# Each pattern's group 1 is the separator; none can backtrack quadratically,
# since every quantified class is followed by a class it excludes or by
# nothing.
SEPARATORS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(\n[^\S\n]*\n\s*)"),
    re.compile(r"(\n\s*)"),
    re.compile(r"[.!?…][\"'”’)\]]*(\s+)|[。！？][」』）”’\"']*(\s*)"),
    re.compile(r"(\s+)"),
)


def split_at(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[Span]:
    """Cut ``text[start:end]`` at every match of a separator pattern.

    Args:
        text: The source.
        start: First index of the range.
        end: End of the range, exclusive.
        pattern: A pattern whose first matching group is the separator.

    Returns:
        The trimmed, non-empty pieces between separators, in order.
    """
    pieces: list[Span] = []
    pos = start
    for match in pattern.finditer(text, start, end):
        sep_start, sep_end = match.span(match.lastindex or 0)
        if sep_end <= pos:
            continue
        piece = trim(text, pos, sep_start)
        if piece is not None:
            pieces.append(piece)
        pos = sep_end
    piece = trim(text, pos, end)
    if piece is not None:
        pieces.append(piece)
    return pieces


def split_recursive(sizer: Sizer, start: int, end: int, overlap: int = 0) -> list[Span]:
    """Split a trimmed span into trimmed spans of at most ``sizer.limit``.

    The span is first broken into atoms: pieces that fit, found by going down
    the separator levels only where a piece does not fit. The atoms are then
    packed greedily, so the pieces of an oversize paragraph can share a chunk
    with its neighbours.

    Args:
        sizer: Source text, unit and limit.
        start: First index of the span.
        end: End of the span, exclusive.
        overlap: Size of whole trailing atoms a chunk repeats from the previous one.

    Returns:
        Ordered spans, each within the limit, covering every non-whitespace
        character of the span (exactly once when ``overlap`` is 0).
    """
    if sizer.size(start, end) <= sizer.limit:
        return [Span(start, end)]
    atoms: list[Span] = []
    _collect_atoms(sizer, start, end, 0, atoms)
    packed = pack_spans(atoms, sizer, overlap, lambda s, e: [Span(s, e)])
    return [Span(p.start, p.end) for p in packed]


def _collect_atoms(sizer: Sizer, start: int, end: int, level: int, atoms: list[Span]) -> None:
    """Append to ``atoms`` the fitting pieces of ``[start, end)``, coarsest possible."""
    pieces: list[Span] = []
    while level < len(SEPARATORS) and len(pieces) < 2:
        pieces = split_at(sizer.text, start, end, SEPARATORS[level])
        level += 1
    if len(pieces) < 2:
        atoms.extend(_hard_cut(sizer, start, end))
        return
    for piece in pieces:
        if sizer.size(piece.start, piece.end) <= sizer.limit:
            atoms.append(piece)
        else:
            _collect_atoms(sizer, piece.start, piece.end, level, atoms)


def _hard_cut(sizer: Sizer, start: int, end: int) -> list[Span]:
    """Cut a run without separators into windows of ``limit`` characters."""
    # Only reachable in chars: in words a run without whitespace is one word,
    # and chunk_size is at least 1.
    step = sizer.limit
    return [Span(i, min(i + step, end)) for i in range(start, end, step)]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecursiveChunker(SizeOptions):
    """Split by paragraphs, lines, sentences, words, then characters, until each piece fits.

    The usual RAG default, as LangChain's ``RecursiveCharacterTextSplitter``,
    with exact offsets.
    """

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text``; see the module docstring for the rules."""
        whole = trim(text, 0, len(text))
        if whole is None:
            return []
        sizer = Sizer(text, self.unit, self.chunk_size)
        spans = split_recursive(sizer, whole.start, whole.end, self.chunk_overlap)
        return [Chunk.from_span(text, s, e) for s, e in spans]
