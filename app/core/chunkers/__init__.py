"""The chunking core: one strategy per module, and the registry of their API names.

Nothing here imports Flask or reads the environment; strategies take strings
and return :class:`app.core.types.Chunk` values.
"""

from __future__ import annotations

from app.core.chunkers.base import Chunker, InvalidOptions
from app.core.chunkers.chat import ChatChunker
from app.core.chunkers.fixed import FixedChunker
from app.core.chunkers.html import HtmlChunker
from app.core.chunkers.markdown import MarkdownChunker
from app.core.chunkers.page import PageChunker
from app.core.chunkers.paragraph import ParagraphChunker
from app.core.chunkers.recursive import RecursiveChunker
from app.core.chunkers.semantic import SemanticChunker
from app.core.chunkers.sentence import SentenceChunker
from app.core.chunkers.topic import TopicChunker

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
