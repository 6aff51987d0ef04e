"""Semantic chunking without an embedding model: TF-IDF similarity between neighbouring units.

The text is split into units (sentences or paragraphs); the similarity across
each gap between two units is measured (:mod:`app.core.chunkers.similarity`);
units are split where it is below a threshold, given or chosen from the curve
(:mod:`app.core.chunkers.thresholds`); then size bounds are enforced and every
group is described by the thresholds that would reproduce it
(:mod:`app.core.chunkers.grouping`).

Sizes (``min_chunk_size``, ``max_chunk_size``, and ``chunk_size`` for the
``semantic`` strategy of /chunking) are in characters (code points), from the
first unit's start to the last unit's end. With a size bound, a unit longer
than it is first cut by the recursive rules (paragraphs, lines, sentences,
words, characters) and its pieces become units, so every group can be split
down to the bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.core.chunkers.base import (
    MAX_CHUNK_SIZE,
    Chunker,
    SizeBound,
    Stage,
    check_options,
    check_order,
    no_stage,
    option,
)
from app.core.chunkers.grouping import Group, GroupStats, describe, merge_small, split_below, split_oversize
from app.core.chunkers.packing import Sizer, overlap_start
from app.core.chunkers.punkt import split_sentences
from app.core.chunkers.recursive import PARAGRAPH_BREAK, split_at, split_recursive
from app.core.chunkers.similarity import adjacent_similarities
from app.core.chunkers.thresholds import Floats, ThresholdMethod, choose_threshold, suggest_threshold
from app.core.types import Chunk

SplitBy = Literal["sentence", "paragraph"]

#: Widest window accepted; a window wider than the text is cut to it anyway.
MAX_WINDOW = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class SemanticOptions:
    """The options of POST /semantic-chunking; sizes are in characters."""

    split_by: SplitBy = option(
        "sentence", doc="What is grouped: sentences, or paragraphs (separated by blank lines)."
    )
    unit: Literal["chars"] = option("chars", doc="What sizes count: characters (code points).")
    window: int = option(
        2, ge=0, le=MAX_WINDOW, doc="Neighbouring units each side of a gap takes in when it is measured."
    )
    threshold: float | None = option(
        None,
        ge=0,
        le=1,
        doc="Split where the similarity is below this; null to choose it by threshold_method.",
    )
    threshold_method: ThresholdMethod = option(
        "gap", doc="How a null threshold is chosen: gap, percentile, std, iqr or gradient."
    )
    threshold_amount: float | None = option(
        None,
        ge=0,
        le=100,
        doc="The method's parameter (percentile, or multiple of std or iqr); null for its default.",
    )
    min_chunk_size: int | None = option(
        None,
        ge=1,
        le=MAX_CHUNK_SIZE,
        doc="Merge a shorter group into its more similar neighbour (characters).",
    )
    max_chunk_size: int | None = option(
        None, ge=1, le=MAX_CHUNK_SIZE, doc="Split a longer group at its weakest link (characters)."
    )

    def __post_init__(self) -> None:
        """Check every option's type and bounds, then that the minimum is not over the maximum."""
        check_options(self)
        check_order(self)

    def max_size(self) -> SizeBound | None:
        """``max_chunk_size``, when given: no group is longer."""
        return None if self.max_chunk_size is None else SizeBound("max_chunk_size", self.max_chunk_size)

    def content(self, text: str) -> str:
        """All of ``text``: sizes count every character."""
        return text


@dataclass(frozen=True, slots=True)
class SemanticAnalysis:
    """Everything /semantic-chunking reports about one text.

    Attributes:
        units: ``(start, end)`` of each unit (the initial chunks).
        similarities: ``len(units) - 1`` adjacent similarities.
        threshold: The threshold applied; None when nothing was measured.
        threshold_method: The method that chose it; None when it was given.
        suggested_threshold: Middle of the thresholds giving the same split
            as ``threshold``, before size bounds.
        groups: The final groups, in order.
        stats: One :class:`GroupStats` per group.
    """

    units: list[tuple[int, int]]
    similarities: Floats
    threshold: float | None
    threshold_method: ThresholdMethod | None
    suggested_threshold: float | None
    groups: list[Group]
    stats: list[GroupStats]

    def span(self, group: Group) -> tuple[int, int]:
        """``(start, end)`` of a group in the source text."""
        return self.units[group.first][0], self.units[group.last][1]


def split_units(text: str, split_by: SplitBy, limit: int | None = None) -> list[tuple[int, int]]:
    """Trimmed unit spans, each cut to at most ``limit`` characters by the recursive rules."""
    if split_by == "sentence":
        spans = split_sentences(text)
    else:
        spans = [(s, e) for s, e in split_at(text, 0, len(text), PARAGRAPH_BREAK)]
    if limit is None or all(e - s <= limit for s, e in spans):
        return spans
    sizer = Sizer(text, "chars", limit)
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if e - s <= limit:
            out.append((s, e))
        else:
            out.extend((p.start, p.end) for p in split_recursive(sizer, s, e))
    return out


def analyze(
    text: str, options: SemanticOptions, limit: int | None = None, stage: Stage = no_stage
) -> SemanticAnalysis:
    """Split ``text`` into units, measure, group and describe.

    Args:
        text: The source.
        options: The semantic options.
        limit: A further bound on group size in characters (``chunk_size``
            of /chunking); the smaller of it and ``max_chunk_size`` applies.
        stage: Wraps each stage (``split``, ``vectorise``, ``group``), for tracing.

    Returns:
        The analysis; offsets are code points into ``text``.
    """
    bounds = [b for b in (options.max_chunk_size, limit) if b is not None]
    limit = min(bounds) if bounds else None
    with stage("split"):
        units = split_units(text, options.split_by, limit)
    with stage("vectorise"):
        sims = adjacent_similarities([text[s:e] for s, e in units], options.window)
    with stage("group"):
        return _group(units, sims, options, limit)


def _group(
    units: list[tuple[int, int]], sims: Floats, options: SemanticOptions, limit: int | None
) -> SemanticAnalysis:
    method = options.threshold_method if options.threshold is None else None
    threshold = options.threshold
    if threshold is None:
        threshold = choose_threshold(sims, options.threshold_method, options.threshold_amount)
    # threshold is None only for a single unit (or none), which split_below keeps whole.
    groups = [] if not units else split_below(sims, threshold if threshold is not None else 0.0)
    starts = np.array([s for s, _ in units], dtype=np.int64)
    ends = np.array([e for _, e in units], dtype=np.int64)
    if limit is not None:
        groups = split_oversize(groups, sims, starts, ends, limit)
    if options.min_chunk_size is not None:
        groups = merge_small(groups, sims, starts, ends, options.min_chunk_size, limit)
    suggested = suggest_threshold(sims, threshold) if threshold is not None else None
    return SemanticAnalysis(units, sims, threshold, method, suggested, groups, describe(groups, sims))


@dataclass(frozen=True, slots=True, kw_only=True)
class SemanticChunker(SemanticOptions, Chunker):
    """The /semantic-chunking groups as plain chunks, at most ``chunk_size`` characters each.

    ``chunk_size`` is the hard maximum every /chunking strategy has; with
    ``max_chunk_size`` as well, the smaller applies. ``chunk_overlap`` repeats
    whole trailing units of the previous chunk, as many as fit in it.
    """

    chunk_size: int = option(
        1000, ge=1, le=MAX_CHUNK_SIZE, doc="Hard maximum size of a chunk, in characters."
    )
    chunk_overlap: int = option(
        0, ge=0, le=MAX_CHUNK_SIZE, doc="Characters of whole trailing units of the previous chunk to repeat."
    )

    def __post_init__(self) -> None:
        """Check types and bounds, then that no two options contradict each other."""
        check_options(self)
        check_order(self)

    def max_size(self) -> SizeBound:
        """``chunk_size``, or ``max_chunk_size`` when that is smaller."""
        if self.max_chunk_size is not None and self.max_chunk_size < self.chunk_size:
            return SizeBound("max_chunk_size", self.max_chunk_size)
        return SizeBound("chunk_size", self.chunk_size)

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` into semantic groups, returned as chunks."""
        result = analyze(text, self, self.chunk_size)
        limit = min(self.chunk_size, self.max_chunk_size or self.chunk_size)
        chunks = []
        previous: Group | None = None
        for group in result.groups:
            start, end = result.span(group)
            if previous is not None and self.chunk_overlap:
                start = _overlap_start(result.units, previous, group, self.chunk_overlap, limit)
            chunks.append(Chunk.from_span(text, start, end))
            previous = group
        return chunks


def _overlap_start(
    units: list[tuple[int, int]], previous: Group, group: Group, overlap: int, limit: int
) -> int:
    """Start of ``group`` moved back over the whole trailing units of ``previous`` that fit.

    The overlap rule is the packer's (:func:`app.core.chunkers.packing.overlap_start`);
    the chunk it starts must still fit in ``limit``.
    """

    def size(first: int, last: int) -> int:
        return units[last][1] - units[first][0]

    k = overlap_start(size, previous.first, group.first - 1, overlap)
    while k < group.first and size(k, group.last) > limit:
        k += 1
    return units[k][0]
