"""The chunking core: one strategy per module, and the registry of their API names.

Nothing here imports Flask or reads the environment; strategies take strings
and return :class:`app.types.Chunk` values.
"""

from __future__ import annotations

from app.chunkers.base import Chunker, InvalidOptions
from app.chunkers.fixed import FixedChunker
from app.chunkers.paragraph import ParagraphChunker
from app.chunkers.recursive import RecursiveChunker
from app.chunkers.sentence import SentenceChunker

# Lowercase API names, sorted; the request models and GET / are built from this.
CHUNKERS: dict[str, type[Chunker]] = {
    "fixed": FixedChunker,
    "paragraph": ParagraphChunker,
    "recursive": RecursiveChunker,
    "sentence": SentenceChunker,
}

__all__ = ["CHUNKERS", "Chunker", "InvalidOptions"]
