"""Recursive splitting: paragraphs, then lines, then sentences, then words, then characters.

A span that does not fit ``chunk_size`` is cut at the coarsest separator it
contains; the pieces are packed greedily back up to the limit, and a piece
that still does not fit goes down one level. Every level scans with one
compiled regular expression over the span (``finditer`` with ``pos`` and
``endpos``), so no substring is copied to find separators and the cost is
linear in the text times the number of levels. Inside the module spans are
plain ``(start, end)`` tuples; a :class:`Span` costs a Python-level call to
build, which on a megabyte of paragraphs is a measurable share of the time
(``benchmarks/RESULTS.md``), so only the public functions return them.

In characters without overlap, from a few hundred characters a chunk, the
chunks are found without building every atom
(:mod:`app.core.chunkers.recursive_chars`); the atoms and the packer remain
the reference they are tested against, and the path for smaller chunks,
words, tokens and overlap.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from app.core.chunkers.base import InvalidOptions, SizeOptions
from app.core.chunkers.packing import Packed, Sizer, Span, pack_chars, pack_spans, pack_tokens, trim
from app.core.chunkers.recursive_chars import NoProgress, pack_recursive_chars
from app.core.tokenizers import TokenIndex
from app.core.types import Chunk

# Coarsest first: a blank line ends a paragraph, so cutting there keeps whole
# thoughts together; a line break is the next strongest sign in plain text;
# then sentence ends (punctuation, optional closing quote or bracket, then
# whitespace: only the whitespace is the separator, the punctuation stays with
# its sentence; CJK full stops need no space after them); then any whitespace
# between words. Below that only a hard cut between characters is left.
# Each pattern's last matching group is the separator; none can backtrack
# quadratically, since every quantified class is followed by a class it
# excludes or by nothing. The sentence pattern opens with a single class of
# all end punctuation, which lets the regex engine skip straight to candidates
# (2.5 times faster on prose than an alternation of two classes); a lookbehind
# on that character then picks the Latin or the CJK branch.
#: A blank line (only whitespace between two newlines) or U+2029 PARAGRAPH
#: SEPARATOR: where a paragraph ends, for every strategy (a paragraph break
#: is also always a sentence break).
PARAGRAPH_BREAK = re.compile(r"(\n[^\S\n]*\n\s*|\u2029\s*)")
# The same break for a range without U+2029: one literal first character lets
# the regex engine skip to candidates, about three times faster on prose.
_BLANK_LINE = re.compile(r"(\n[^\S\n]*\n\s*)")
SEPARATORS: tuple[re.Pattern[str], ...] = (
    PARAGRAPH_BREAK,
    re.compile(r"(\n\s*)"),
    re.compile(r"[.!?…。！？](?:(?<=[.!?…])[\"'”’)\]]*(\s+)|(?<=[。！？])[」』）”’\"']*(\s*))"),
    re.compile(r"(\s+)"),
)

_NON_SPACE = re.compile(r"\S")
# Where the levels below line breaks begin in SEPARATORS: sentence ends.
_BELOW_LINES = 2
#: The smallest chunk_size, in characters, from which chunk ends are found
#: back from each limit rather than by packing every atom. Finding an end
#: costs about a microsecond and a half a chunk, building the atoms about
#: four nanoseconds a character, so below a few hundred characters a chunk
#: the atoms are cheaper (measured on three layouts of prose, 100 to 2000).
FIND_ENDS_FROM = 400


def split_at(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[Span]:
    """Cut ``text[start:end]`` at every match of a separator pattern.

    Args:
        text: The source.
        start: First index of the range.
        end: End of the range, exclusive.
        pattern: A pattern whose first matching group is the separator.

    Returns:
        The trimmed, non-empty pieces between separators, in order.
    """
    return [Span(s, e) for s, e in _pieces(text, start, end, pattern)]


def _pieces(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """:func:`split_at` as plain tuples, the form the hot loops use."""
    if pattern is PARAGRAPH_BREAK and text.find("\u2029", start, end) < 0:
        pattern = _BLANK_LINE
    first = _NON_SPACE.search(text, start, end)
    if first is None:
        return []
    pieces: list[tuple[int, int]] = []
    # Invariant: pos is at a non-whitespace character or at end, because every
    # separator ends with its whitespace run, so a piece needs trimming only at
    # its end, where a line may carry trailing spaces before the break.
    pos = first.start()
    for match in pattern.finditer(text, pos, end):
        sep_start, sep_end = match.span(match.lastindex or 0)
        if sep_end <= pos:
            continue
        if sep_start > pos:
            while text[sep_start - 1].isspace():
                sep_start -= 1
            pieces.append((pos, sep_start))
        pos = sep_end
    if pos < end:
        while text[end - 1].isspace():
            end -= 1
        pieces.append((pos, end))
    return pieces


def split_recursive(sizer: Sizer, start: int, end: int, overlap: int = 0) -> list[Span]:
    """Split a trimmed span into trimmed spans of at most ``sizer.limit``.

    The span is first broken into atoms: pieces that fit, found by going down
    the separator levels only where a piece does not fit. The atoms are then
    packed greedily, so the pieces of an oversize paragraph can share a chunk
    with its neighbours.

    Args:
        sizer: Source text, unit and limit.
        start: First index of the span.
        end: End of the span, exclusive.
        overlap: Size of whole trailing atoms a chunk repeats from the previous one.

    Returns:
        Ordered spans, each within the limit, covering every non-whitespace
        character of the span (exactly once when ``overlap`` is 0).
    """
    return [Span(s, e) for s, e in _split(sizer, start, end, overlap)]


def _split(sizer: Sizer, start: int, end: int, overlap: int) -> list[tuple[int, int]]:
    """:func:`split_recursive` as plain tuples."""
    if sizer.unit == "chars" and not overlap and sizer.limit >= FIND_ENDS_FROM:
        # The same chunks as packing every atom, found back from each chunk's limit.
        try:
            return pack_recursive_chars(
                sizer.text, start, end, sizer.limit, lambda s, e: recursive_atoms(sizer, s, e, _BELOW_LINES)
            )
        except NoProgress:
            pass  # the general rules below give the same chunks, only slower
    if sizer.size(start, end) <= sizer.limit:
        return _fit(sizer, [(start, end)], overlap)
    atoms: list[tuple[int, int]] = []
    marks: tuple[list[int], list[int]] = ([], [])
    _collect_atoms(sizer, start, end, 0, atoms, marks)
    if sizer.unit == "chars":
        return pack_chars(atoms, sizer.limit, overlap)
    if sizer.tokens is not None and not sizer.exact:
        # Every chunk is counted exactly as it is packed; no _fit pass is needed.
        return pack_tokens(atoms, sizer, overlap, lambda s, e: _split(sizer.exactly(), s, e, overlap), marks)
    packed = pack_spans(atoms, sizer, overlap, lambda s, e: [Span(s, e)])
    return _fit(sizer, [(p.start, p.end) for p in packed], overlap)


def _fit(sizer: Sizer, spans: list[tuple[int, int]], overlap: int) -> list[tuple[int, int]]:
    """Check each span's own token count against the limit; split again, exactly, any over it.

    Token sizes far below the limit are estimates from the whole text's
    encoding; a span's own encoding can differ at its edges, so every
    emitted span is counted exactly (cheaply, see
    :meth:`app.core.tokenizers.TiktokenIndex.count`). Words and characters
    are exact already.
    """
    index = sizer.tokens
    if index is None or sizer.exact:
        return spans
    limit = sizer.limit
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if index.count(start, end) <= limit:
            out.append((start, end))
        else:
            out.extend(_split(sizer.exactly(), start, end, overlap))
    return out


def fit_packed(sizer: Sizer, packed: list[Packed], overlap: int) -> list[Packed]:
    """:func:`_fit` for packed units: a chunk over the limit is split, keeping its unit range."""
    if sizer.tokens is None or sizer.exact:
        return packed
    out: list[Packed] = []
    for p in packed:
        out.extend(Packed(s, e, p.first, p.last) for s, e in _fit(sizer, [(p.start, p.end)], overlap))
    return out


def recursive_atoms(sizer: Sizer, start: int, end: int, level: int = 0) -> list[tuple[int, int]]:
    """The atoms of a trimmed span in characters or words: its fitting pieces, coarsest possible.

    Packing them greedily gives the chunks (see :func:`split_recursive`).

    Args:
        sizer: Source text, unit and limit.
        start: First index of the span.
        end: End of the span, exclusive.
        level: The first separator level to try (index into :data:`SEPARATORS`).
    """
    atoms: list[tuple[int, int]] = []
    _collect_atoms(sizer, start, end, level, atoms, ([], []))
    return atoms


def _collect_atoms(
    sizer: Sizer,
    start: int,
    end: int,
    level: int,
    atoms: list[tuple[int, int]],
    marks: tuple[list[int], list[int]],
) -> None:
    """Append to ``atoms`` the fitting pieces of ``[start, end)``, coarsest possible.

    In tokens, not exact, ``marks`` gets each atom's whole-text token positions.
    """
    text, limit = sizer.text, sizer.limit
    estimated = sizer.tokens is not None and not sizer.exact
    pieces: list[tuple[int, int]] = []
    while level < len(SEPARATORS) and len(pieces) < 2:
        pieces = _pieces(text, start, end, SEPARATORS[level])
        level += 1
    if len(pieces) < 2:
        cut = _hard_cut(sizer, start, end)
        atoms.extend(cut)
        if estimated and sizer.tokens is not None:
            # The windows fit exactly already; their positions are for packing.
            lows, highs = sizer.tokens.positions(cut)
            marks[0].extend(lows)
            marks[1].extend(highs)
        return
    if estimated and sizer.tokens is not None:
        # Estimated sizes of all pieces at once; pack_tokens checks the chunks exactly.
        lows, highs = sizer.tokens.positions(pieces)
        # Most pieces fit: the runs between oversize ones are copied whole.
        oversize = [i for i, size in enumerate(map(operator.sub, highs, lows)) if size > limit]
        begin = 0
        for i in [*oversize, len(pieces)]:
            atoms.extend(pieces[begin:i])
            marks[0].extend(lows[begin:i])
            marks[1].extend(highs[begin:i])
            if i < len(pieces):
                _collect_atoms(sizer, pieces[i][0], pieces[i][1], level, atoms, marks)
            begin = i + 1
        return
    # In characters a piece's size is its length; the test stays inline because
    # a paragraph-sized document has one piece per paragraph.
    chars = sizer.unit == "chars"
    for piece_start, piece_end in pieces:
        if (piece_end - piece_start if chars else sizer.size(piece_start, piece_end)) <= limit:
            atoms.append((piece_start, piece_end))
        else:
            _collect_atoms(sizer, piece_start, piece_end, level, atoms, marks)


def _hard_cut(sizer: Sizer, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a run without separators into windows of ``limit`` characters or tokens."""
    # Not reachable in words: a run without whitespace is one word, and
    # chunk_size is at least 1.
    if sizer.tokens is not None:
        return _token_cut(sizer.tokens, sizer.limit, start, end)
    step = sizer.limit
    return [(i, min(i + step, end)) for i in range(start, end, step)]


def _token_cut(index: TokenIndex, limit: int, start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``[start, end)`` into the longest windows whose own token count fits the limit.

    A window ends where the whole text's tokens put ``limit`` tokens, then
    gives back a token at a time until its own encoding fits; a window is
    never less than a character.

    Raises:
        InvalidOptions: When one character alone encodes to more than ``chunk_size`` tokens.
    """
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        tokens = limit
        stop = min(max(index.advance(pos, tokens), pos + 1), end)
        while stop > pos + 1 and index.count(pos, stop) > limit:
            tokens -= 1
            stop = min(max(index.advance(pos, tokens), pos + 1), end, stop - 1)
        if index.count(pos, stop) > limit:
            raise InvalidOptions(
                "chunk_size",
                f"chunk_size {limit} is smaller than the tokens of the character at offset {pos} alone",
            )
        out.append((pos, stop))
        pos = stop
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class RecursiveChunker(SizeOptions):
    """Split by paragraphs, lines, sentences, words, then characters, until each piece fits.

    The usual RAG default, as LangChain's ``RecursiveCharacterTextSplitter``,
    with exact offsets.
    """

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text``; see the module docstring for the rules."""
        whole = trim(text, 0, len(text))
        if whole is None:
            return []
        sizer = Sizer(text, self.unit, self.chunk_size, self.tokenizer)
        spans = _split(sizer, whole.start, whole.end, self.chunk_overlap)
        return Chunk.from_spans(text, spans)
