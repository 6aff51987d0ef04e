"""Topic segments found by NLTK's TextTiling, each split further only when too large.

TextTiling (Hearst 1997, NLTK's ``TextTilingTokenizer``) compares the
vocabulary of adjacent blocks of pseudo-sentences and cuts at paragraph
breaks where it drops. It runs with the project's own stop words
(:func:`app.core.lexicon.stop_words`), since NLTK's stop-word corpus is not
installed and is never downloaded.

Each topic segment becomes one or more chunks: a segment larger than
``chunk_size`` is split by the recursive rules (paragraphs first); chunks
never span two segments, and overlap repeats text only within a segment.

With ``similarity: "embeddings"`` the segments come instead from the
semantic pipeline (:func:`app.core.chunkers.semantic.analyze`): sentence
units compared by WordLlama vectors, boundaries at the deep valleys of the
curve (the ``depth`` method), no size bound; it needs no paragraph breaks.

Metadata: ``topic`` numbers the segments from 1, and ``segmentation`` says
how the chunk's segment was found: ``"embeddings"``, ``"texttiling"``, or ``"recursive"`` when
TextTiling could not run on that part of the text (fewer than two
paragraphs, too little text for its windows, or no English words) and the
part was split by the recursive rules alone, as ``recursive`` would. The
fallback is reported on every chunk, and the API's ``params`` lists the
methods the chunks used (``REPORTED_IN_PARAMS``).

Cost: NLTK's block comparison is quadratic in the length of what it is given
(and refuses texts over a million characters), so the text is handed to it
in windows of whole paragraphs of at most ``WINDOW_CHARS`` characters, a
window boundary being also a segment boundary; and the block comparison is
replaced by an equal one that sums each block's word counts once per gap
instead of once per vocabulary word (see ``_LinearTextTiling``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from nltk.tokenize.texttiling import TextTilingTokenizer

from app.core.chunkers.base import MAX_CHUNK_SIZE, SizeOptions, option
from app.core.chunkers.packing import Span, trim
from app.core.chunkers.recursive import PARAGRAPH_BREAK, split_at
from app.core.chunkers.semantic import SemanticOptions, Similarity, analyze
from app.core.chunkers.units import pack_unit_spans
from app.core.lexicon import stop_words
from app.core.types import Chunk

#: Most characters given to TextTiling at once. A segment is usually a few
#: thousand characters, so a window holds a dozen or more; one costs about
#: 0.04 s.
WINDOW_CHARS = 50_000

TEXTTILING = "texttiling"
EMBEDDINGS = "embeddings"
RECURSIVE = "recursive"

# What TextTiling raises on a text it cannot segment: ValueError for no
# paragraph breaks or too few pseudo-sentences to smooth (the only kind seen
# when fuzzing it), ZeroDivisionError and IndexError that its arithmetic
# could raise on a degenerate score list, and TimeoutError from NLTK's regex
# guard. Anything else is a bug and should surface.
_CANNOT_SEGMENT = (ValueError, ZeroDivisionError, IndexError, TimeoutError)
# What NLTK's TextTiling removes from the lowercased text before finding words.
_NOT_KEPT = re.compile(r"[^a-z\-' \n\t]")


class _TokenSequence(Protocol):
    """What NLTK's ``TokenSequence`` holds: a pseudo-sentence's (word, position) pairs."""

    wrdindex_list: list[tuple[str, int]]


class _LinearTextTiling(TextTilingTokenizer):  # type: ignore[misc]
    """NLTK's TextTiling with a block comparison linear in the text, and a faster tokenizing step.

    NLTK's ``_block_comparison`` computes, for every gap, each vocabulary
    word's frequency in the blocks before and after it by scanning that
    word's occurrences: O(gaps x vocabulary). Summing the two blocks' word
    counts directly gives the same integers, hence the same scores (the
    products and sums are of integers, exact in floating point); a test
    checks the segmentations are equal.
    """

    def tokenize(self, text: str) -> list[str]:
        r"""NLTK's ``tokenize`` with its defaults, step for step, but for how punctuation is removed.

        NLTK keeps the characters of the lowercased text that match
        ``[a-z\-' \n\t]`` with one guarded regex call per character: over
        half of the whole strategy's time (``benchmarks/bench_scaling.py``).
        One substitution keeps exactly the same characters. NLTK's token
        table only feeds its own block comparison, replaced above, so it is
        not built; the one error building it raises is raised here.

        Raises:
            ValueError: When the text has no paragraph break TextTiling counts.
        """
        lowercase_text = text.lower()
        paragraph_breaks = self._mark_paragraph_breaks(text)
        nopunct_text = _NOT_KEPT.sub("", lowercase_text)
        if len(self._mark_paragraph_breaks(nopunct_text)) < 2:
            raise ValueError("No paragraph breaks were found(text too short perhaps?)")
        tokseqs = self._divide_to_tokensequences(nopunct_text)
        for ts in tokseqs:
            ts.wrdindex_list = [wi for wi in ts.wrdindex_list if wi[0] not in self.stopwords]
        smooth_scores = self._smooth_scores(self._block_comparison(tokseqs, None))
        boundaries = self._identify_boundaries(self._depth_scores(smooth_scores))
        segments: list[str] = []
        previous = 0
        for b in self._normalize_boundaries(text, boundaries, paragraph_breaks):
            if b != 0:
                segments.append(text[previous:b])
                previous = b
        if previous < len(lowercase_text):
            segments.append(text[previous:])
        return segments or [text]

    def _block_comparison(self, tokseqs: Sequence[_TokenSequence], token_table: object) -> list[float]:
        counts = [Counter(word for word, _ in ts.wrdindex_list) for ts in tokseqs]
        gaps = len(tokseqs) - 1
        scores: list[float] = []
        for gap in range(gaps):
            # NLTK's window rule, branch for branch: narrower near either end.
            if gap < self.k - 1:
                window = gap + 1
            elif gap > gaps - self.k:
                window = gaps - gap
            else:
                window = self.k
            before = _block(counts[gap - window + 1 : gap + 1])
            after = _block(counts[gap + 1 : gap + window + 1])
            shared = sum(n * after[word] for word, n in before.items() if word in after)
            norm = sum(n * n for n in before.values()) * sum(n * n for n in after.values())
            scores.append(shared / math.sqrt(norm) if norm else 0.0)
        return scores


def _block(counts: Sequence[Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for count in counts:
        total.update(count)
    return total


def _windows(paragraphs: Sequence[Span]) -> Iterator[Sequence[Span]]:
    """Runs of consecutive paragraphs spanning at most ``WINDOW_CHARS`` (or one longer paragraph)."""
    first = 0
    for i in range(1, len(paragraphs) + 1):
        if i == len(paragraphs) or paragraphs[i].end - paragraphs[first].start > WINDOW_CHARS:
            yield paragraphs[first:i]
            first = i


def _tile(text: str, start: int, end: int) -> list[Span] | None:
    """TextTiling's segments of ``text[start:end]`` as spans, or None when it cannot segment it."""
    window = text[start:end]
    tiler = _LinearTextTiling(stopwords=stop_words())
    try:
        pieces: list[str] = tiler.tokenize(window)
    except _CANNOT_SEGMENT:
        return None
    if sum(len(p) for p in pieces) != len(window):
        return None
    spans: list[Span] = []
    pos = start
    for piece in pieces:
        spans.append(Span(pos, pos + len(piece)))
        pos += len(piece)
    return spans


def _embedding_segments(text: str) -> list[tuple[Span, str]]:
    """Segments from the semantic pipeline over sentences compared by word embeddings."""
    result = analyze(text, SemanticOptions(similarity="embeddings", max_chunk_size=MAX_CHUNK_SIZE))
    return [(Span(*result.span(g)), EMBEDDINGS) for g in result.groups]


def segment_topics(text: str, similarity: Similarity = "tfidf") -> list[tuple[Span, str]]:
    """Cut ``text`` into topic segments.

    Args:
        text: The source.
        similarity: ``tfidf`` for TextTiling, ``embeddings`` for the semantic pipeline.

    Returns:
        Untrimmed, ordered segment spans covering the text's content, each
        with how it was found (``"texttiling"`` or ``"recursive"``).
    """
    if similarity == EMBEDDINGS:
        return _embedding_segments(text)
    paragraphs = split_at(text, 0, len(text), PARAGRAPH_BREAK)
    segments: list[tuple[Span, str]] = []
    for window in _windows(paragraphs):
        start, end = window[0].start, window[-1].end
        tiles = _tile(text, start, end) if len(window) > 1 else None
        if tiles is None:
            segments.append((Span(start, end), RECURSIVE))
        else:
            segments.extend((tile, TEXTTILING) for tile in tiles)
    return segments


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicChunker(SizeOptions):
    """Topic segments found by TextTiling, split by the recursive rules when larger than ``chunk_size``."""

    REPORTED_IN_PARAMS: ClassVar[tuple[str, ...]] = ("segmentation",)

    similarity: Similarity = option(
        "tfidf",
        doc="tfidf: NLTK TextTiling over paragraphs; embeddings: WordLlama word vectors over sentences.",
    )

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` at topic shifts; see the module docstring for the fallback."""
        units: list[Span] = []
        found: list[tuple[int, str]] = []
        for span, method in segment_topics(text, self.similarity):
            unit = trim(text, span.start, span.end)
            if unit is not None:
                units.append(unit)
                found.append((len(units), method))
        return [
            Chunk.from_span(
                text, p.start, p.end, {"topic": found[p.first][0], "segmentation": found[p.first][1]}
            )
            for p in pack_unit_spans(text, units, self, pack=False)
        ]
