"""Unit-based chunking: pack whole units, split only the ones that cannot fit.

Shared by the strategies whose units are sentences, paragraphs, pages or
messages.
"""

from __future__ import annotations

from app.core.chunkers.base import SizeOptions
from app.core.chunkers.packing import Packed, Sizer, Span, pack_spans
from app.core.chunkers.recursive import fit_packed, split_recursive
from app.core.types import Chunk


def pack_unit_spans(text: str, units: list[Span], options: SizeOptions, pack: bool) -> list[Packed]:
    """Pack unit spans, splitting oversize units with the recursive rules.

    Args:
        text: The source.
        units: Trimmed unit spans in order.
        options: Size, overlap and unit.
        pack: False to keep one unit per chunk.

    Returns:
        Packed spans, each within ``options.chunk_size``, with the range of
        units each holds (for metadata such as pages or speakers).
    """
    sizer = Sizer(text, options.unit, options.chunk_size, options.tokenizer)

    def oversize(start: int, end: int) -> list[Span]:
        return split_recursive(sizer, start, end, options.chunk_overlap)

    packed = pack_spans(units, sizer, options.chunk_overlap, oversize, pack)
    return fit_packed(sizer, packed, options.chunk_overlap)


def pack_units(text: str, units: list[Span], options: SizeOptions, pack: bool) -> list[Chunk]:
    """Like :func:`pack_unit_spans`, returning plain chunks without metadata."""
    return [Chunk.from_span(text, p.start, p.end) for p in pack_unit_spans(text, units, options, pack)]
