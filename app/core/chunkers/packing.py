"""Greedy packing of units (sentences, paragraphs, pages, messages) into chunks.

Units are trimmed spans of the source in document order. Packing joins
consecutive units while the joined span stays within ``chunk_size``; a unit
that alone exceeds it is split further by the recursive rules, never returned
oversize. Overlap repeats whole trailing units of the previous chunk whose
joined size is at most ``chunk_overlap``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from app.core.chunkers.base import Unit


class Span(NamedTuple):
    """A half-open range ``[start, end)`` of the source text."""

    start: int
    end: int


class Packed(NamedTuple):
    """A packed chunk: its span and the inclusive range of units it holds."""

    start: int
    end: int
    first: int
    last: int


SplitOversize = Callable[[int, int], list[Span]]


class Sizer:
    """Measures spans of one source in one unit, joining sizes cheaply.

    For characters the size of a joined span is its length; for words it is
    the sum of the units' word counts, since units meet at whitespace.
    """

    __slots__ = ("text", "unit", "limit")

    def __init__(self, text: str, unit: Unit, limit: int) -> None:
        """Bind the source text, the unit and the size limit."""
        self.text = text
        self.unit = unit
        self.limit = limit

    def size(self, start: int, end: int) -> int:
        """Size of ``text[start:end]`` in the unit."""
        if self.unit == "chars":
            return end - start
        return len(self.text[start:end].split())


def trim(text: str, start: int, end: int) -> Span | None:
    """Shrink ``[start, end)`` to exclude surrounding whitespace.

    Returns:
        The trimmed span, or None when the range holds only whitespace.
    """
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return Span(start, end)
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    lead = len(piece) - len(piece.lstrip())
    return Span(start + lead, start + lead + len(stripped))


RunSize = Callable[[int, int], int]
Joins = Callable[[int, int], bool]


def run_sizes(units: Sequence[tuple[int, int]], sizer: Sizer) -> RunSize:
    """Size of the run of consecutive units ``first`` to ``last`` (inclusive), in O(1) per call.

    In characters a run measures from its first start to its last end; in
    words it is the sum of its units' counts, since units meet at whitespace.
    """
    if sizer.unit == "chars":
        return lambda first, last: units[last][1] - units[first][0]
    prefix = [0]
    for start, end in units:
        prefix.append(prefix[-1] + sizer.size(start, end))
    return lambda first, last: prefix[last + 1] - prefix[first]


def overlap_start(size: RunSize, first: int, last: int, overlap: int) -> int:
    """First unit of the overlap the next chunk repeats from the chunk of units ``first..last``.

    The overlap is the longest run of whole trailing units whose size is at
    most ``overlap``; ``last + 1`` when not even the last unit fits. It never
    reaches back to ``first``, so every chunk starts later than the one before.
    """
    k = last + 1
    while k - 1 > first and size(k - 1, last) <= overlap:
        k -= 1
    return k


def pack_spans(
    units: Sequence[tuple[int, int]],
    sizer: Sizer,
    overlap: int,
    split_oversize: SplitOversize,
    pack: bool = True,
    joins: Joins | None = None,
) -> list[Packed]:
    """Pack trimmed unit spans greedily into chunks of at most ``sizer.limit``.

    Args:
        units: Trimmed, ordered, non-overlapping spans of ``sizer.text``.
        sizer: Measures spans; its ``limit`` is the hard maximum.
        overlap: Size of whole trailing units to repeat; smaller than the limit.
        split_oversize: Splits one oversize span into fitting trimmed spans.
        pack: When False, each unit is its own chunk (still split when oversize).
        joins: Whether unit ``i`` may join the chunk that starts at unit
            ``first``, size aside (chat's pauses and message cap); None
            lets every unit join when ``pack`` is True.

    Returns:
        Packed chunks in order; ``first``/``last`` index ``units``.
    """
    size = run_sizes(units, sizer)
    may_join: Joins = joins if joins is not None else (lambda first, i: pack)
    limit = sizer.limit
    out: list[Packed] = []
    first = -1
    for i, (start, end) in enumerate(units):
        if first >= 0 and may_join(first, i) and size(first, i) <= limit:
            continue
        if first >= 0:
            out.append(Packed(units[first][0], units[i - 1][1], first, i - 1))
            first = overlap_start(size, first, i - 1, overlap) if overlap else i
            while first < i and (size(first, i) > limit or not may_join(first, i)):
                first += 1
        if size(i, i) > limit:
            out.extend(Packed(s, e, i, i) for s, e in split_oversize(start, end))
            first = -1
        elif first < 0:
            first = i
    if first >= 0:
        out.append(Packed(units[first][0], units[-1][1], first, len(units) - 1))
    return out


def pack_chars(units: Sequence[tuple[int, int]], limit: int, overlap: int) -> list[tuple[int, int]]:
    """:func:`pack_spans` in characters when every unit fits, without the bookkeeping.

    The recursive splitter packs thousands of atoms per megabyte, so this is
    its hot loop: in characters a run of units measures ``last end - first
    start``, and no unit needs splitting. The chunks are exactly those of
    ``pack_spans(units, Sizer(text, "chars", limit), overlap, ...)``.

    Args:
        units: Trimmed, ordered, non-overlapping spans, each at most ``limit`` long.
        limit: Hard maximum length of a chunk.
        overlap: Most characters of whole trailing units to repeat; smaller than ``limit``.

    Returns:
        The ``(start, end)`` of each chunk, in order.
    """
    if not units:
        return []

    def size(first: int, last: int) -> int:
        return units[last][1] - units[first][0]

    out: list[tuple[int, int]] = []
    first = 0
    first_start = units[0][0]
    prev_end = units[0][1]
    for i in range(1, len(units)):
        start, end = units[i]
        if end - first_start > limit:
            out.append((first_start, prev_end))
            first = overlap_start(size, first, i - 1, overlap) if overlap else i
            while first < i and end - units[first][0] > limit:
                first += 1
            first_start = units[first][0]
        prev_end = end
    out.append((first_start, prev_end))
    return out
