"""Blank-line separated paragraphs packed up to ``chunk_size``."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.chunkers.base import SizeOptions, option
from app.core.chunkers.recursive import PARAGRAPH_BREAK, split_at
from app.core.chunkers.units import pack_units
from app.core.types import Chunk


@dataclass(frozen=True, slots=True, kw_only=True)
class ParagraphChunker(SizeOptions):
    """Whole paragraphs, packed greedily up to ``chunk_size``."""

    pack: bool = option(True, doc="Pack several paragraphs per chunk; false gives one paragraph per chunk.")

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` into paragraph chunks."""
        units = split_at(text, 0, len(text), PARAGRAPH_BREAK)
        return pack_units(text, units, self, self.pack)
