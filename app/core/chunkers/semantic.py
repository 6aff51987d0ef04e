"""Semantic chunking: similarity between neighbouring units, by TF-IDF or static word embeddings.

The text is split into units (sentences or paragraphs); a heading line joins
the unit it opens, so no group is a heading alone. The similarity across each
gap between two units is measured (:mod:`app.core.chunkers.similarity`, with
TF-IDF or the WordLlama vectors of :mod:`app.core.embeddings`); units are split
where the curve is below a threshold, given or chosen from it
(:mod:`app.core.chunkers.thresholds`); then size bounds are enforced and every
group is described by the thresholds that would reproduce it
(:mod:`app.core.chunkers.grouping`). A group is at most
``DEFAULT_MAX_CHUNK_SIZE`` characters unless ``max_chunk_size`` says otherwise.

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
from itertools import chain
from typing import Literal

import numpy as np

from app.core import embeddings
from app.core.chunkers.base import (
    MAX_CHUNK_SIZE,
    Chunker,
    InvalidOptions,
    SizeBound,
    Stage,
    Unit,
    check_options,
    check_order,
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
from app.core.chunkers.heading_lines import join_headings
from app.core.chunkers.packing import Sizer, overlap_start
from app.core.chunkers.punkt import split_sentences
from app.core.chunkers.recursive import PARAGRAPH_BREAK, split_at, split_recursive
from app.core.chunkers.similarity import adjacent_similarities, embedding_similarities
from app.core.chunkers.thresholds import (
    EMBEDDINGS_DEPTH_AMOUNT,
    Floats,
    ThresholdMethod,
    alternative_thresholds,
    choose_threshold,
    cohesion,
    suggest_threshold,
)
from app.core.types import Chunk

SemanticUnit = Literal["sentence", "paragraph"]
Similarity = Literal["tfidf", "embeddings"]
_WORD = re.compile(r"\S+")
# The size units, and the deprecated spelling of split_by that unit once was.
SemanticSizeUnit = Literal["chars", "words", "tokens", "sentence", "paragraph"]

#: Largest group at defaults, in the size unit: a person reading the groups, or
#: an embedding model taking them, is served badly by one group holding most of
#: a long document (a licence text used to come back as five groups, one of
#: 27,000 characters).
DEFAULT_MAX_CHUNK_SIZE = 4000

#: ``window`` when none is given, by similarity: TF-IDF vectors of a few
#: sentences share few words, so they need a wider window than embeddings
#: (chosen on the development half of ``benchmarks/data/segmentation``, with
#: the ``depth`` method: boundary F1 0.83 at 4 against 0.79 at 2 for TF-IDF,
#: 0.83 at 3 against 0.82 at 2 for embeddings).
DEFAULT_WINDOWS: dict[str, int] = {"tfidf": 4, "embeddings": 3}

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
    similarity: Similarity = option(
        "tfidf",
        doc="How units are compared: tfidf (shared words) or embeddings (WordLlama word vectors, offline).",
    )
    window: int | None = option(
        None,
        ge=0,
        le=MAX_WINDOW,
        doc=(
            "Neighbouring units each side of a gap takes in when it is measured;"
            " null for 4 (tfidf) or 3 (embeddings)."
        ),
    )
    threshold: float | None = option(
        None,
        ge=0,
        le=1,
        doc=(
            "Split where the curve (the similarities, or their cohesion with threshold_method depth)"
            " is below this; null to choose it by threshold_method."
        ),
    )
    threshold_method: ThresholdMethod | None = option(
        None,
        doc=(
            "How a null threshold is chosen: depth, gap, percentile, std, iqr or gradient; null for depth."
            " A given threshold applies to the similarities, or to their cohesion when this is depth."
        ),
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
        None,
        ge=1,
        le=MAX_CHUNK_SIZE,
        doc="Split a larger group at its weakest link (in unit); null for 4000.",
    )

    def __post_init__(self) -> None:
        """Check every option's type and bounds, resolve split_by, unit and tokenizer, then their order."""
        check_options(self)
        _resolve_units(self)
        check_order(self)

    def max_size(self) -> SizeBound | None:
        """``max_chunk_size``, when given: no group is longer."""
        return None if self.max_chunk_size is None else SizeBound("max_chunk_size", self.max_chunk_size)

    def content(self, text: str) -> str:
        """All of ``text``: sizes count every character."""
        return text


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
        curve: What thresholds apply to: the similarities, or their
            cohesion for the ``depth`` method (see :mod:`app.core.chunkers.thresholds`).
        threshold: The threshold applied; None when nothing was measured.
        threshold_method: The method that chose it; None when it was given.
        cohesive: Whether ``curve`` is the cohesion (``depth``) rather than the similarities.
        suggested_threshold: Middle of the thresholds giving the same split
            as ``threshold``, before size bounds.
        alternatives: ``(threshold, groups)`` for a few thresholds giving
            fewer or more groups than ``threshold``, size bounds applied.
        groups: The final groups, in order.
        stats: One :class:`GroupStats` per group.
    """

    units: list[tuple[int, int]]
    similarities: Floats
    curve: Floats
    threshold: float | None
    threshold_method: ThresholdMethod | None
    cohesive: bool
    suggested_threshold: float | None
    alternatives: list[tuple[float, int]]
    groups: list[Group]
    stats: list[GroupStats]
    sizer: Sizer | None = field(default=None, compare=False)

    def span(self, group: Group) -> tuple[int, int]:
        """``(start, end)`` of a group in the source text."""
        return self.units[group.first][0], self.units[group.last][1]


def split_units(
    text: str, unit: SemanticUnit, limit: int | None = None, sizer: Sizer | None = None
) -> list[tuple[int, int]]:
    """Trimmed unit spans, headings joined, each cut to at most ``limit`` by the recursive rules.

    ``limit`` is in the unit of ``sizer`` (characters when there is none). A
    heading joins before the cut, so only a limit smaller than a heading and
    its first sentence can part them again.
    """
    if unit == "sentence":
        spans = split_sentences(text)
    else:
        spans = [(s, e) for s, e in split_at(text, 0, len(text), PARAGRAPH_BREAK)]
    spans = join_headings(text, spans)
    if limit is None or (sizer is None and all(e - s <= limit for s, e in spans)):
        return spans
    sizer = sizer or Sizer(text, "chars", limit)
    # In characters a trimmed span that fits is its own only piece: one long
    # paragraph must not send every sentence through the recursive rules.
    fits = limit if sizer.unit == "chars" else -1
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if e - s <= fits:
            out.append((s, e))
        else:
            out.extend((p.start, p.end) for p in split_recursive(sizer, s, e))
    return out


def _positions(text: str, units: list[tuple[int, int]], sizer: Sizer | None) -> tuple[Ints, Ints]:
    """Where each unit starts and ends, counted in the size unit, so a run's size is ``end - start``.

    Words and characters are exact; tokens count the whole text's tokens
    that start before each offset, an estimate checked later.
    """
    if sizer is None or sizer.unit == "chars":
        bounds = np.fromiter(chain.from_iterable(units), dtype=np.int64, count=2 * len(units))
        return bounds[0::2], bounds[1::2]
    if sizer.tokens is not None:
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


def measure(texts: list[str], options: SemanticOptions) -> Floats:
    """The adjacent similarities of the units by the chosen ``similarity``."""
    window = DEFAULT_WINDOWS[options.similarity] if options.window is None else options.window
    if options.similarity == "embeddings":
        return embedding_similarities(texts, window, embeddings.model())
    return adjacent_similarities(texts, window)


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
    limit = ceiling(options) if limit is None else min(limit, ceiling(options))
    sizer = None
    if options.unit in ("words", "tokens"):
        unit: Unit = "tokens" if options.unit == "tokens" else "words"
        sizer = Sizer(text, unit, limit, options.tokenizer)
    with stage("split"):
        units = split_units(text, options.split_by or "sentence", limit, sizer)
    with stage("vectorise"):
        sims = measure([text[s:e] for s, e in units], options)
    with stage("group"):
        return _group(text, units, sims, options, limit, sizer)


def ceiling(options: SemanticOptions) -> int:
    """The largest group: ``max_chunk_size``, or ``DEFAULT_MAX_CHUNK_SIZE`` when it is null.

    Null stands for the default rather than for no bound, so that a query
    string or a form, which cannot say null, means the same as JSON; the
    largest accepted value, ``MAX_CHUNK_SIZE``, is as good as no bound.
    """
    return DEFAULT_MAX_CHUNK_SIZE if options.max_chunk_size is None else options.max_chunk_size


def _method(options: SemanticOptions) -> ThresholdMethod | None:
    """The method in force: the one named, else ``depth`` for a null threshold, else none."""
    if options.threshold_method is None and options.threshold is None:
        return "depth"
    return options.threshold_method


def _amount(options: SemanticOptions) -> float | None:
    if options.threshold_amount is None and options.similarity == "embeddings":
        return EMBEDDINGS_DEPTH_AMOUNT if _method(options) == "depth" else None
    return options.threshold_amount


class _Grouper:
    """Groups for any threshold on one curve, size bounds applied."""

    def __init__(
        self,
        text: str,
        units: list[tuple[int, int]],
        curve: Floats,
        options: SemanticOptions,
        limit: int | None,
        sizer: Sizer | None,
    ):
        self.units, self.curve, self.options, self.limit, self.sizer = units, curve, options, limit, sizer
        self.starts, self.ends = _positions(text, units, sizer)

    def groups(self, threshold: float | None) -> list[Group]:
        # threshold is None only for a single unit (or none), which split_below keeps whole.
        groups = (
            [] if not self.units else split_below(self.curve, threshold if threshold is not None else 0.0)
        )
        if self.limit is not None:
            groups = split_oversize(groups, self.curve, self.starts, self.ends, self.limit)
        if self.options.min_chunk_size is not None:
            groups = merge_small(
                groups, self.curve, self.starts, self.ends, self.options.min_chunk_size, self.limit
            )
        return _fit_groups(groups, self.curve, self.units, self.sizer, self.limit)


def _group(
    text: str,
    units: list[tuple[int, int]],
    sims: Floats,
    options: SemanticOptions,
    limit: int | None,
    sizer: Sizer | None,
) -> SemanticAnalysis:
    method = _method(options)
    curve = cohesion(sims) if method == "depth" else sims
    threshold = options.threshold
    if threshold is None:
        threshold = choose_threshold(sims, method or "depth", _amount(options))
    grouper = _Grouper(text, units, curve, options, limit, sizer)
    groups = grouper.groups(threshold)
    suggested = suggest_threshold(curve, threshold) if threshold is not None else None
    others = [(t, len(grouper.groups(t))) for t in alternative_thresholds(curve, threshold)]
    return SemanticAnalysis(
        units,
        sims,
        curve,
        threshold,
        method if options.threshold is None else None,
        method == "depth",
        suggested,
        others,
        groups,
        describe(groups, curve),
        sizer,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SemanticChunker(SemanticOptions, Chunker):
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
        """Check types and bounds, then that no two options contradict each other."""
        check_options(self)
        _resolve_units(self)
        check_order(self)

    def max_size(self) -> SizeBound:
        """``chunk_size``, or ``max_chunk_size`` when that is smaller."""
        if self.max_chunk_size is not None and self.max_chunk_size < self.chunk_size:
            return SizeBound("max_chunk_size", self.max_chunk_size)
        return SizeBound("chunk_size", self.chunk_size)

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` into semantic groups, returned as chunks."""
        result = analyze(text, self, self.chunk_size)
        limit = min(self.chunk_size, ceiling(self))
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

    The overlap rule is the packer's (:func:`app.core.chunkers.packing.overlap_start`);
    the chunk it starts must still fit in ``limit``.
    """

    def run(first: int, last: int) -> int:
        return size(units[first][0], units[last][1])

    k = overlap_start(run, previous.first, group.first - 1, overlap)
    while k < group.first and run(k, group.last) > limit:
        k += 1
    return units[k][0]
