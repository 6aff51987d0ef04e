"""Markdown sections under their headings, packed up to ``chunk_size``.

The document is cut at its headings (``#`` to ``######`` and setext
headings; never inside a fenced code block, see
:mod:`app.core.chunkers.mdoutline`). Whole sections are packed greedily up to
``chunk_size``. A section too large for one chunk is cut into its blocks
(paragraphs, whole fenced code blocks, whole tables, whole lists), which are
packed in turn; only a block that alone exceeds ``chunk_size`` is split by
the recursive rules (blank lines, lines, sentences, words).

Each chunk's metadata has ``headings``, the heading path of the innermost
section holding all of the chunk (``["Install", "Docker"]``; ``[]`` for text
before the first heading or a chunk spanning two top-level sections).
Offsets index the original Markdown: ``text[start:end] == chunk``. A text
without headings is one section, so it is cut like ``paragraph`` would cut
it, except that code fences and lists stay whole when they fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.chunkers.base import SizeOptions, option
from app.core.chunkers.headings import common_path
from app.core.chunkers.mdoutline import Outline, read_outline, section_blocks, section_spans
from app.core.chunkers.packing import Sizer, Span, pack_spans
from app.core.chunkers.recursive import fit_packed, split_recursive
from app.core.types import Chunk

if TYPE_CHECKING:
    from app.core.structure import Structure


@dataclass(frozen=True, slots=True, kw_only=True)
class MarkdownChunker(SizeOptions):
    """Sections under Markdown headings, packed greedily up to ``chunk_size``."""

    pack: bool = option(
        True, doc="Pack several sections per chunk; false gives one section per chunk (split when too big)."
    )

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` at its headings, with each chunk's heading path as metadata."""
        return self._along(text, read_outline(text))

    def chunk_with(self, text: str, structure: Structure | None) -> list[Chunk]:
        """:meth:`chunk`, taking the outline from ``structure`` when it was read from ``text``."""
        outline = structure.outline_of(text) if structure is not None else None
        return self._along(text, outline if outline is not None else read_outline(text))

    def _along(self, text: str, outline: Outline) -> list[Chunk]:
        sections = section_spans(text, outline)
        sizer = Sizer(text, self.unit, self.chunk_size, self.tokenizer)
        overlap = self.chunk_overlap

        def oversize(start: int, end: int) -> list[Span]:
            blocks = section_blocks(text, start, end, outline.fences)
            packed = pack_spans(blocks, sizer, overlap, lambda s, e: split_recursive(sizer, s, e, overlap))
            return [Span(p.start, p.end) for p in packed]

        units = [span for span, _ in sections]
        paths = [path for _, path in sections]
        return [
            Chunk.from_span(text, p.start, p.end, {"headings": common_path(paths[p.first : p.last + 1])})
            for p in fit_packed(sizer, pack_spans(units, sizer, overlap, oversize, self.pack), overlap)
        ]
