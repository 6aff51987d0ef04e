"""Core value types: chunks and scored chunks.

Offsets are Python ``str`` indices (Unicode code points), half-open:
``source[chunk.start:chunk.end] == chunk.text`` for every strategy except
``html``, whose chunk text is the visible text of the markup region
``source[start:end]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeAlias

MetaValue: TypeAlias = "str | int | float | bool | None | list[MetaValue] | tuple[MetaValue, ...]"

_NO_META: Mapping[str, MetaValue] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of a source text.

    Attributes:
        text: The chunk's text.
        start: Index of the first character in the source string.
        end: One past the last character: ``source[start:end] == text``.
        meta: Strategy-specific metadata (page, heading path, speakers...),
            read-only.
    """

    text: str
    start: int
    end: int
    meta: Mapping[str, MetaValue] = field(default_factory=lambda: _NO_META)

    @classmethod
    def from_span(
        cls, source: str, start: int, end: int, meta: Mapping[str, MetaValue] | None = None
    ) -> Chunk:
        """Build a chunk by slicing ``source`` so text and offsets cannot disagree.

        Args:
            source: The whole submitted text.
            start: First index, inclusive.
            end: Last index, exclusive.
            meta: Optional metadata; copied into a read-only mapping.

        Returns:
            The chunk ``source[start:end]``.
        """
        frozen = MappingProxyType(dict(meta)) if meta else _NO_META
        return cls(source[start:end], start, end, frozen)

    @classmethod
    def from_spans(cls, source: str, spans: Iterable[tuple[int, int]]) -> list[Chunk]:
        """:meth:`from_span` for many spans, without metadata.

        The same chunks, built at about half the cost of the generated
        ``__init__``, whose four ``object.__setattr__`` calls (the price of
        ``frozen``) dominate when a megabyte becomes a thousand chunks: each
        slot is filled by its own descriptor, as ``__init__`` would fill it.

        Args:
            source: The whole submitted text.
            spans: ``(start, end)`` pairs, each sliced from ``source``.

        Returns:
            One chunk per span, in order.
        """
        slots = cls.__dict__
        set_text, set_start = slots["text"].__set__, slots["start"].__set__
        set_end, set_meta = slots["end"].__set__, slots["meta"].__set__
        new = object.__new__
        chunks = []
        for start, end in spans:
            chunk = new(cls)
            set_text(chunk, source[start:end])
            set_start(chunk, start)
            set_end(chunk, end)
            set_meta(chunk, _NO_META)
            chunks.append(chunk)
        return chunks


@dataclass(frozen=True, slots=True)
class ScoredChunk:
    """A chunk's position in a ranking.

    Attributes:
        index: Index of the chunk in the list that was ranked.
        score: Relevance score; higher is better.
    """

    index: int
    score: float
