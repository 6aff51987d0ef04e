"""The chunking core: one strategy per module, and the registry of their API names.

Nothing here imports Flask or reads the environment; strategies take strings
and return :class:`app.types.Chunk` values.
"""

from __future__ import annotations

from app.chunkers.base import Chunker, InvalidOptions
from app.chunkers.chat import ChatChunker
from app.chunkers.fixed import FixedChunker
from app.chunkers.html import HtmlChunker
from app.chunkers.markdown import MarkdownChunker
from app.chunkers.page import PageChunker
from app.chunkers.paragraph import ParagraphChunker
from app.chunkers.recursive import RecursiveChunker
from app.chunkers.semantic import SemanticChunker
from app.chunkers.sentence import SentenceChunker
from app.chunkers.topic import TopicChunker

# Lowercase API names, sorted; the request models and GET / are built from this.
CHUNKERS: dict[str, type[Chunker]] = {
    "chat": ChatChunker,
    "fixed": FixedChunker,
    "html": HtmlChunker,
    "markdown": MarkdownChunker,
    "page": PageChunker,
    "paragraph": ParagraphChunker,
    "recursive": RecursiveChunker,
    "semantic": SemanticChunker,
    "sentence": SentenceChunker,
    "topic": TopicChunker,
}

__all__ = ["CHUNKERS", "Chunker", "InvalidOptions"]
