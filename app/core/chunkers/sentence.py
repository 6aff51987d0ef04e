"""Sentences packed up to ``chunk_size``.

Sentences come from NLTK's Punkt with the project's shipped parameters (see
:mod:`app.core.chunkers.punkt`). Overlap is counted in whole sentences: a chunk
repeats the trailing sentences of the previous one whose joined size is at
most ``chunk_overlap``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.chunkers.base import SizeOptions, option
from app.core.chunkers.packing import Span
from app.core.chunkers.punkt import split_sentences
from app.core.chunkers.units import pack_units
from app.core.types import Chunk


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceChunker(SizeOptions):
    """Whole sentences, packed greedily up to ``chunk_size``."""

    pack: bool = option(True, doc="Pack several sentences per chunk; false gives one sentence per chunk.")

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` into sentence chunks."""
        units = [Span(s, e) for s, e in split_sentences(text)]
        return pack_units(text, units, self, self.pack)
