"""HTML: the visible text of block elements, packed up to ``chunk_size``.

The markup is parsed with Python's own ``html.parser`` (see
:mod:`app.core.chunkers.htmltext` for what counts as a block, what is dropped and
how whitespace is normalised). Blocks are packed greedily up to
``chunk_size``, joined by a line break; a block too large for one chunk is
split by the recursive rules (lines, sentences, words).

A chunk's text is visible text, not a slice of the source, so ``start`` and
``end`` delimit the markup it came from: from the start tag of its first
block (or the first character it holds, when it starts inside a block) to
the end tag of its last block (or its last character). Metadata: ``tag``,
the block element of the chunk's first block (``"body"`` for text outside
every block element), and ``headings``, the heading path (``h1``-``h6``) of
the innermost section holding all of the chunk. A text without markup is one
``body`` block with its whitespace normalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from app.core.chunkers.base import SizeOptions, option
from app.core.chunkers.headings import common_path
from app.core.chunkers.htmltext import Block, read_blocks
from app.core.chunkers.packing import Packed, Span, trim
from app.core.chunkers.units import pack_unit_spans
from app.core.types import Chunk, MetaValue

#: What joins two blocks in a chunk's text.
BLOCK_SEPARATOR = "\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlChunker(SizeOptions):
    """Visible text of HTML block elements, packed greedily up to ``chunk_size``."""

    pack: bool = option(True, doc="Pack several blocks per chunk; false gives one block per chunk.")

    def chunk(self, text: str) -> list[Chunk]:
        """Split HTML into chunks of visible text whose offsets delimit the source markup."""
        blocks = read_blocks(text)
        visible = _visible(blocks)
        offsets: list[int] = []
        units: list[Span] = []
        pos = 0
        for block in blocks:
            span = trim(visible, pos, pos + len(block.text))
            if span is not None:  # a block's text is never blank; narrows the type
                offsets.append(pos)
                units.append(span)
            pos += len(block.text) + len(BLOCK_SEPARATOR)
        packed = pack_unit_spans(visible, units, self, self.pack)
        return [_chunk(visible, p, blocks, units, offsets) for p in packed]

    def content(self, text: str) -> str:
        """The visible text of the markup: only it counts towards chunk sizes."""
        return visible_text(text)


def visible_text(html: str) -> str:
    """The visible text the chunks of ``html`` are cut from: its blocks, joined by a line break."""
    return _visible(read_blocks(html))


def _visible(blocks: list[Block]) -> str:
    return BLOCK_SEPARATOR.join(b.text for b in blocks)


def _chunk(visible: str, p: Packed, blocks: list[Block], units: list[Span], offsets: list[int]) -> Chunk:
    """One chunk: its visible text, its source region and its metadata."""
    first, last = blocks[p.first], blocks[p.last]
    start = first.start if p.start == units[p.first].start else first.source_start(p.start - offsets[p.first])
    end = last.end if p.end == units[p.last].end else last.source_end(p.end - offsets[p.last])
    meta: dict[str, MetaValue] = {
        "tag": first.tag,
        "headings": common_path([b.headings for b in blocks[p.first : p.last + 1]]),
    }
    return Chunk(visible[p.start : p.end], start, end, MappingProxyType(meta))
