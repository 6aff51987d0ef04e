"""Semantic chunking without an embedding model: TF-IDF similarity between neighbouring units.

The text is split into units (sentences or paragraphs); the similarity across
each gap between two units is measured (:mod:`app.core.chunkers.similarity`);
units are split where it is below a threshold, given or chosen from the curve
(:mod:`app.core.chunkers.thresholds`); then size bounds are enforced and every
group is described by the thresholds that would reproduce it
(:mod:`app.core.chunkers.grouping`).

What is grouped is ``split_by`` (sentences or paragraphs). Sizes
(``min_chunk_size``, ``max_chunk_size``, and ``chunk_size`` for the
``semantic`` strategy of /chunking) are in ``unit``: characters (code points),
words or tokens, from the first unit's start to the last unit's end. With a
size bound, a unit larger than it is first cut by the recursive rules
(paragraphs, lines, sentences, words, characters) and its pieces become
units, so every group can be split down to the bound. In tokens, a group's
size while grouping is estimated from the whole text's encoding, and every
group whose own encoding is over the bound is split again at its weakest link.
The spelling ``unit: "sentence"`` or ``"paragraph"`` is still read as
``split_by``, with sizes in characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from app.core.chunkers.base import (
    MAX_CHUNK_SIZE,
    InvalidOptions,
    Stage,
    Unit,
    check_options,
    check_tokenizer,
    no_stage,
    option,
)
from app.core.chunkers.grouping import (
    Group,
    GroupStats,
    Ints,
    _weakest_link,
    describe,
    merge_small,
    split_below,
    split_oversize,
)
from app.core.chunkers.packing import Sizer
from app.core.chunkers.punkt import split_sentences
from app.core.chunkers.recursive import SEPARATORS, split_at, split_recursive
from app.core.chunkers.similarity import adjacent_similarities
from app.core.chunkers.thresholds import Floats, ThresholdMethod, choose_threshold, suggest_threshold
from app.core.types import Chunk

SemanticUnit = Literal["sentence", "paragraph"]
_WORD = re.compile(r"\S+")
# The size units, and the deprecated spelling of split_by that unit once was.
SemanticSizeUnit = Literal["chars", "words", "tokens", "sentence", "paragraph"]

#: Widest window accepted; a window wider than the text is cut to it anyway.
MAX_WINDOW = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class SemanticOptions:
    """The options of POST /semantic-chunking; sizes are in ``unit``."""

    split_by: SemanticUnit | None = option(
        None, doc="What is grouped: sentences (the default), or paragraphs (separated by blank lines)."
    )
    unit: SemanticSizeUnit = option(
        "chars",
        doc="What sizes count: characters, words or tokens. Deprecated: sentence or paragraph "
        "here means split_by, with sizes in characters.",
    )
    tokenizer: str | None = option(
        None, doc="The tokenizer that counts tokens when unit is tokens (default cl100k_base)."
    )
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
        doc="Merge a smaller group into its more similar neighbour (in unit).",
    )
    max_chunk_size: int | None = option(
        None, ge=1, le=MAX_CHUNK_SIZE, doc="Split a larger group at its weakest link (in unit)."
    )

    def __post_init__(self) -> None:
        """Check every option's type and bounds, then resolve split_by, unit and tokenizer."""
        check_options(self)
        _resolve_units(self)


def _resolve_units(options: SemanticOptions) -> None:
    """Read the deprecated ``unit: sentence|paragraph`` as ``split_by``; refuse contradictions."""
    split_by, unit = options.split_by, options.unit
    if unit in ("sentence", "paragraph"):
        if split_by is not None and split_by != unit:
            message = f"split_by {split_by!r} contradicts unit {unit!r}, the deprecated spelling of split_by"
            raise InvalidOptions("split_by", message)
        split_by, unit = unit, "chars"
    # Frozen dataclasses fill derived values this way in __post_init__.
    object.__setattr__(options, "split_by", split_by or "sentence")
    object.__setattr__(options, "unit", unit)
    check_tokenizer(options, unit)


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
    sizer: Sizer | None = field(default=None, compare=False)

    def span(self, group: Group) -> tuple[int, int]:
        """``(start, end)`` of a group in the source text."""
        return self.units[group.first][0], self.units[group.last][1]


def split_units(
    text: str, unit: SemanticUnit, limit: int | None = None, sizer: Sizer | None = None
) -> list[tuple[int, int]]:
    """Trimmed unit spans, each cut to at most ``limit`` by the recursive rules.

    ``limit`` is in the unit of ``sizer`` (characters when there is none).
    """
    if unit == "sentence":
        spans = split_sentences(text)
    else:
        spans = [(s, e) for s, e in split_at(text, 0, len(text), SEPARATORS[0])]
    if limit is None or (sizer is None and all(e - s <= limit for s, e in spans)):
        return spans
    sizer = sizer or Sizer(text, "chars", limit)
    out: list[tuple[int, int]] = []
    for s, e in spans:
        out.extend((p.start, p.end) for p in split_recursive(sizer, s, e))
    return out


def _positions(text: str, units: list[tuple[int, int]], sizer: Sizer | None) -> tuple[Ints, Ints]:
    """Where each unit starts and ends, counted in the size unit, so a run's size is ``end - start``.

    Words and characters are exact; tokens count the whole text's tokens
    that start before each offset, an estimate checked later.
    """
    if sizer is None or sizer.unit == "chars":
        firsts, lasts = [s for s, _ in units], [e for _, e in units]
    elif sizer.tokens is not None:
        index = sizer.tokens
        firsts = [index.estimate(0, s) for s, _ in units]
        lasts = [index.estimate(0, e) for _, e in units]
    else:
        words = [m.start() for m in _WORD.finditer(text)]
        firsts = [bisect_left(words, s) for s, _ in units]
        lasts = [bisect_left(words, e) for _, e in units]
    return np.array(firsts, dtype=np.int64), np.array(lasts, dtype=np.int64)


def _fit_groups(
    groups: list[Group], sims: Floats, units: list[tuple[int, int]], sizer: Sizer | None, limit: int | None
) -> list[Group]:
    """Split again, at the weakest link, every group whose own token count is over ``limit``."""
    if sizer is None or sizer.tokens is None or limit is None:
        return groups
    index = sizer.tokens
    out: list[Group] = []
    for group in groups:
        stack = [group]
        while stack:
            g = stack.pop()
            # A single unit was cut to fit by split_units, exactly.
            if g.first == g.last or index.count(units[g.first][0], units[g.last][1]) <= limit:
                out.append(g)
                continue
            k = _weakest_link(sims, g)
            stack += [Group(k + 1, g.last), Group(g.first, k)]
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
    sizer = None
    if options.unit in ("words", "tokens"):
        unit: Unit = "tokens" if options.unit == "tokens" else "words"
        sizer = Sizer(text, unit, limit or MAX_CHUNK_SIZE, options.tokenizer)
    with stage("split"):
        units = split_units(text, options.split_by or "sentence", limit, sizer)
    with stage("vectorise"):
        sims = adjacent_similarities([text[s:e] for s, e in units], options.window)
    with stage("group"):
        return _group(text, units, sims, options, limit, sizer)


def _group(
    text: str,
    units: list[tuple[int, int]],
    sims: Floats,
    options: SemanticOptions,
    limit: int | None,
    sizer: Sizer | None,
) -> SemanticAnalysis:
    method = options.threshold_method if options.threshold is None else None
    threshold = options.threshold
    if threshold is None:
        threshold = choose_threshold(sims, options.threshold_method, options.threshold_amount)
    # threshold is None only for a single unit (or none), which split_below keeps whole.
    groups = [] if not units else split_below(sims, threshold if threshold is not None else 0.0)
    starts, ends = _positions(text, units, sizer)
    if limit is not None:
        groups = split_oversize(groups, sims, starts, ends, limit)
    if options.min_chunk_size is not None:
        groups = merge_small(groups, sims, starts, ends, options.min_chunk_size, limit)
    groups = _fit_groups(groups, sims, units, sizer, limit)
    suggested = suggest_threshold(sims, threshold) if threshold is not None else None
    return SemanticAnalysis(units, sims, threshold, method, suggested, groups, describe(groups, sims), sizer)


@dataclass(frozen=True, slots=True, kw_only=True)
class SemanticChunker(SemanticOptions):
    """The /semantic-chunking groups as plain chunks, at most ``chunk_size`` characters each.

    ``chunk_size`` is the hard maximum every /chunking strategy has; with
    ``max_chunk_size`` as well, the smaller applies. ``chunk_overlap`` repeats
    whole trailing units of the previous chunk, as many as fit in it.
    """

    chunk_size: int = option(1000, ge=1, le=MAX_CHUNK_SIZE, doc="Hard maximum size of a chunk, in unit.")
    chunk_overlap: int = option(
        0,
        ge=0,
        le=MAX_CHUNK_SIZE,
        doc="Whole trailing units of the previous chunk to repeat, up to this size in unit.",
    )

    def __post_init__(self) -> None:
        """Check types and bounds, then that the overlap is smaller than the size."""
        check_options(self)
        _resolve_units(self)
        if self.chunk_overlap >= self.chunk_size:
            raise InvalidOptions("chunk_overlap", "chunk_overlap must be smaller than chunk_size")

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` into semantic groups, returned as chunks."""
        result = analyze(text, self, self.chunk_size)
        limit = min(self.chunk_size, self.max_chunk_size or self.chunk_size)
        size = _span_size(text, result.sizer)
        chunks = []
        previous: Group | None = None
        for group in result.groups:
            start, end = result.span(group)
            if previous is not None and self.chunk_overlap:
                start = _overlap_start(result.units, previous, group, self.chunk_overlap, limit, size)
            chunks.append(Chunk.from_span(text, start, end))
            previous = group
        return chunks


def _span_size(text: str, sizer: Sizer | None) -> Callable[[int, int], int]:
    """Size of a span in the unit of ``sizer``; characters without one; exact for tokens."""
    if sizer is None:
        return lambda start, end: end - start
    if sizer.tokens is not None:
        return sizer.tokens.count
    return sizer.size


def _overlap_start(
    units: list[tuple[int, int]],
    previous: Group,
    group: Group,
    overlap: int,
    limit: int,
    size: Callable[[int, int], int],
) -> int:
    """Start of ``group`` moved back over the whole trailing units of ``previous`` that fit.

    The overlap never reaches ``previous.first``, so chunk starts keep increasing.
    """
    start, end = units[group.first][0], units[group.last][1]
    seam = units[group.first - 1][1]
    k = group.first - 1
    while k > previous.first and size(units[k][0], seam) <= overlap and size(units[k][0], end) <= limit:
        start = units[k][0]
        k -= 1
    return start
