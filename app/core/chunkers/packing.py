"""Greedy packing of units (sentences, paragraphs, pages, messages) into chunks.

Units are trimmed spans of the source in document order. Packing joins
consecutive units while the joined span stays within ``chunk_size``; a unit
that alone exceeds it is split further by the recursive rules, never returned
oversize. Overlap repeats whole trailing units of the previous chunk whose
joined size is at most ``chunk_overlap``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import NamedTuple

from app.core import tokenizers
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

_NON_SPACE = re.compile(r"\S")
# Matches up to the last non-space character of the range: .* jumps to the
# range's end and the engine steps back from there.
_LAST_NON_SPACE = re.compile(r"(?s:.*)\S")


# Tokens of slack within which a span's estimated token count near the limit is
# replaced by its exact count. Estimates come from the whole text's encoding
# and differ from a span's own encoding by a token or two at its edges.
TOKEN_MARGIN = 8


class Sizer:
    """Measures spans of one source in one unit, joining sizes cheaply.

    For characters the size of a joined span is its length; for words it is
    the sum of the units' word counts, since units meet at whitespace. For
    tokens the source is encoded once (``tokens``): a span far from the limit
    is sized by the whole text's tokens it overlaps, one near it by its own
    exact encoding, so every fits-or-not decision near the limit is exact.
    ``exact`` sizes every span that might fit exactly.
    """

    __slots__ = ("text", "unit", "limit", "tokens", "exact")

    def __init__(
        self,
        text: str,
        unit: Unit,
        limit: int,
        tokenizer: str | None = None,
        index: tokenizers.TokenIndex | None = None,
    ) -> None:
        """Bind the source text, the unit, the size limit, and for tokens the tokenizer's name."""
        self.text = text
        self.unit = unit
        self.limit = limit
        self.exact = False
        self.tokens = index
        if unit == "tokens" and index is None:
            name = tokenizer or tokenizers.DEFAULT_TOKENIZER
            self.tokens = tokenizers.get_tokenizer(name).index(text)

    def size(self, start: int, end: int) -> int:
        """Size of ``text[start:end]`` in the unit (see the class docstring for tokens)."""
        if self.unit == "chars":
            return end - start
        if self.tokens is not None:
            estimate = self.tokens.estimate(start, end)
            far_below = estimate < self.limit - TOKEN_MARGIN and not self.exact
            if far_below or estimate > self.limit + TOKEN_MARGIN:
                return estimate
            return self.tokens.count(start, end)
        return len(self.text[start:end].split())

    def exactly(self) -> Sizer:
        """This sizer, sizing exactly every span that might fit (tokens only)."""
        twin = Sizer(self.text, self.unit, self.limit, index=self.tokens)
        twin.exact = True
        return twin


def trim(text: str, start: int, end: int) -> Span | None:
    """Shrink ``[start, end)`` to exclude surrounding whitespace.

    Returns:
        The trimmed span, or None when the range holds only whitespace.
    """
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return Span(start, end)
    # Searches, not strip(): a copy of a megabyte costs more than finding its ends.
    first = _NON_SPACE.search(text, start, end)
    if first is None:
        return None
    last = _LAST_NON_SPACE.match(text, first.start(), end)
    return Span(first.start(), last.end() if last else first.end())


RunSize = Callable[[int, int], int]
Joins = Callable[[int, int], bool]


def run_sizes(units: Sequence[tuple[int, int]], sizer: Sizer) -> RunSize:
    """Size of the run of consecutive units ``first`` to ``last`` (inclusive).

    In characters a run measures from its first start to its last end; in
    words it is the sum of its units' counts, since units meet at whitespace.
    """
    if sizer.unit == "chars":
        return lambda first, last: units[last][1] - units[first][0]
    if sizer.unit == "tokens":
        # Token counts are not additive (the separator between two units is a
        # token of its own, or merges with punctuation), so a run is measured
        # as one span; the sizer does that in O(log n).
        return lambda first, last: sizer.size(units[first][0], units[last][1])
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


def pack_tokens(
    units: Sequence[tuple[int, int]],
    sizer: Sizer,
    overlap: int,
    split_oversize: Callable[[int, int], list[tuple[int, int]]],
    positions: tuple[list[int], list[int]] | None = None,
) -> list[tuple[int, int]]:
    """:func:`pack_spans` in tokens, for the thousands of atoms of the recursive splitter.

    Runs are sized from the whole text's token positions of every unit, found
    at once; each chunk is then counted exactly, on its own, and gives back
    trailing units while it is over the limit (token counts are not exactly
    additive). A unit over the limit alone goes to ``split_oversize``.

    Args:
        units: Trimmed, ordered, non-overlapping spans of ``sizer.text``.
        sizer: A tokens sizer; its ``limit`` is the hard maximum.
        overlap: Most tokens of whole trailing units to repeat; smaller than the limit.
        split_oversize: Splits one span into spans that fit, exactly.
        positions: The units' token positions, when the caller has them already.

    Returns:
        The ``(start, end)`` of each chunk, in order, each within the limit.
    """
    index, limit = sizer.tokens, sizer.limit
    if index is None:
        raise ValueError("pack_tokens needs a sizer in tokens")
    lo, hi = positions or index.positions(list(units))
    out: list[tuple[int, int]] = []
    first, n = 0, len(units)
    while first < n:
        chunk_first = first
        # The last unit whose run from ``first`` fits: positions never decrease.
        last = max(bisect_right(hi, lo[first] + limit, first + 1) - 1, first)
        start = units[first][0]
        while last > first and not index.fits(start, units[last][1], limit):
            last -= 1
        if last == first and not index.fits(start, units[first][1], limit):
            out.extend(split_oversize(start, units[first][1]))
        else:
            out.append((start, units[last][1]))
        following = last + 1
        if following >= n:
            break
        first = following
        if overlap:
            # Whole trailing units, never back to the chunk's first, that fit with the next one.
            while first - 1 > chunk_first and hi[last] - lo[first - 1] <= overlap:
                first -= 1
            while first < following and hi[following] - lo[first] > limit:
                first += 1
    return out
