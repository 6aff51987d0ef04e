"""The recursive rules in characters without overlap, found back from each chunk's limit.

In characters and without overlap, packing the recursive atoms greedily
needs two facts per chunk: its end, the last atom end at most ``limit``
after its start, and the next chunk's start, the first non-space character
after that end. Atoms end at paragraph breaks, at line breaks, and inside a
piece too long to fit at sentence ends, between words, or at hard cuts.

So instead of breaking a megabyte into thousands of atoms, each chunk looks
back from its limit for the last paragraph break (a reverse scan inside the
regex engine). The paragraph that straddles the limit fits when the chunk
that would start with it finds a break within its own limit; then this
chunk ends before it, and that look is the next chunk's first step. A
paragraph that does not fit is entered, and line breaks decide the same
way. Only a run longer than ``limit`` without any line break is broken into
atoms by the general rules (``atoms_of``), once, and the chunk ends are
looked up among them. The text is touched near the end of each chunk, not
everywhere: on a megabyte of prose about a fifth of it.

A break is a run of whitespace: a paragraph break holds two newlines or a
U+2029, a line break a newline. Every piece and chunk is trimmed, so a
chunk ends where a run starts and the next chunk starts where it ends.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

Atoms = Callable[[int, int], list[tuple[int, int]]]

# (?s:.*) jumps to the end of the range and backtracks: a reverse search.
# The tail of _BACK_BLANK starts with a literal, so the engine steps back
# straight from newline to newline.
_BACK_BLANK = re.compile(r"(?s:.*)\n[^\S\n]*\n")
_BACK_NON_SPACE = re.compile(r"(?s:.*)\S")
_SPACES = re.compile(r"\s*")

_PARAGRAPH, _LINE, _INSIDE = 0, 1, 2


class NoProgress(RuntimeError):
    """A chunk start did not move forward: a flaw in the scan, never a reason to loop forever.

    The caller answers with the general rules instead, which give the same
    chunks by building every atom.
    """


def _run_start(text: str, pos: int) -> int:
    """Start of the whitespace run holding ``pos``; a non-space character precedes it."""
    if not text[pos - 1].isspace():
        return pos
    # Most runs are a line break or two: step back in Python before searching.
    if not text[pos - 2].isspace():
        return pos - 1
    match = _BACK_NON_SPACE.match(text, 0, pos)
    return match.end() if match else 0


def _run_end(text: str, pos: int) -> int:
    """The first non-space character at or after ``pos``, or the text's end."""
    if not text[pos].isspace():
        return pos
    match = _SPACES.match(text, pos)  # \s* always matches
    return match.end() if match else pos


def _break_at(text: str, pos: int) -> int:
    """What the whitespace run starting at ``pos`` breaks: a paragraph, a line, or neither.

    A non-space character follows the run.
    """
    if text[pos] == " " and not text[pos + 1].isspace():
        return _INSIDE  # the usual gap between words
    # str.find within the run: a regex class of "whitespace but not a
    # newline" costs ten times more a character on a long run.
    run_end = _run_end(text, pos)
    first = text.find("\n", pos, run_end)
    if text.find("\u2029", pos, run_end) >= 0 or (first >= 0 and text.find("\n", first + 1, run_end) >= 0):
        return _PARAGRAPH
    return _INSIDE if first < 0 else _LINE


class _Scanner:
    """Chunk ends of one trimmed range, for chunk starts that only move forward.

    The next break after a point is remembered: the points asked about
    never move back, so no stretch of text is scanned forward twice.
    """

    __slots__ = ("text", "end", "limit", "atoms_of", "separators", "newline", "separator")

    def __init__(self, text: str, end: int, limit: int, atoms_of: Atoms, separators: bool) -> None:
        self.text, self.end, self.limit, self.atoms_of = text, end, limit, atoms_of
        # Whether the range holds a U+2029 at all; if not, no search for one.
        self.separators = separators
        self.newline = self.separator = -1

    def next_separator(self, pos: int) -> int:
        """The next U+2029 at or after ``pos``, or the range's end."""
        if not self.separators:
            return self.end
        if self.separator < pos:
            found = self.text.find("\u2029", pos, self.end)
            self.separator = self.end if found < 0 else found
        return self.separator

    def line_after(self, pos: int) -> int:
        """Start of the first line break (paragraph breaks included) after ``pos``, or the range's end."""
        if self.newline < pos:
            found = self.text.find("\n", pos, self.end)
            self.newline = self.end if found < 0 else found
        found = min(self.newline, self.next_separator(pos))
        return self.end if found >= self.end else _run_start(self.text, found)

    def last_separator(self, start: int, stop: int) -> int:
        """The last U+2029 in ``[start, stop)``, or -1."""
        return self.text.rfind("\u2029", start, stop) if self.separators else -1

    def probe(self, start: int) -> tuple[int, int, int, int]:
        """Where the chunk starting at ``start`` may end, and the last paragraph break before that.

        Returns:
            ``start``; ``stop``, one past the last non-space character
            within the limit (no atom ends after it); what the whitespace
            run at ``stop`` breaks; and the position of a character of the
            last paragraph break before ``stop``, or -1 when there is none.
            ``start + limit`` must lie before the range's end.
        """
        text = self.text
        stop = start + self.limit
        if text[stop - 1].isspace():
            stop = _run_start(text, stop - 1)
        at_stop = _break_at(text, stop) if text[stop].isspace() else _INSIDE
        if at_stop == _PARAGRAPH:
            return start, stop, at_stop, -1
        match = _BACK_BLANK.match(text, start, stop)
        last = match.end() - 1 if match else -1
        if self.separators:
            last = max(last, text.rfind("\u2029", start, stop))
        return start, stop, at_stop, last

    def by_lines(self, out: list[tuple[int, int]], start: int, stop: int, at_stop: int) -> int:
        """Add the chunk at ``start`` inside a paragraph longer than the limit; the next start."""
        text, limit = self.text, self.limit
        if at_stop == _LINE:
            out.append((start, stop))
            return _run_end(text, stop)
        last = max(text.rfind("\n", start, stop), self.last_separator(start, stop))
        line_end = self.line_after(stop)
        if last <= start:
            # No line break since the chunk's start: the line began there.
            return self._inside(out, start, start, line_end, -1)
        piece_start = _run_end(text, last)
        before = _run_start(text, last)
        if line_end - piece_start <= limit:
            # The straddling line fits whole: the chunk ends before it.
            out.append((start, before))
            return piece_start
        return self._inside(out, start, piece_start, line_end, before)

    def _inside(
        self, out: list[tuple[int, int]], start: int, piece_start: int, piece_end: int, before: int
    ) -> int:
        """Add the chunks from ``start`` up to the last one within a line longer than the limit.

        The line ``[piece_start, piece_end)`` is broken into atoms, and its
        chunks are packed from them while a chunk's limit stays inside it.
        ``before`` is where the previous line ended, when the chunk at
        ``start`` began there, before the long line.

        Returns:
            The start of the next chunk, whose limit lies past the line.
        """
        limit = self.limit
        atoms = self.atoms_of(piece_start, piece_end)
        starts, ends = [a for a, _ in atoms], [b for _, b in atoms]
        k = 0
        if start < piece_start:
            i = bisect_right(ends, start + limit) - 1
            # Ahead of the line, the chunk takes what of its first atoms fits.
            out.append((start, before if i < 0 else ends[i]))
            k = i + 1
        while k < len(starts):
            pos = starts[k]
            if pos + limit >= piece_end:
                return pos
            i = bisect_right(ends, pos + limit, k) - 1
            out.append((pos, ends[i]))
            k = i + 1
        return _run_end(self.text, piece_end)


def pack_recursive_chars(
    text: str, start: int, end: int, limit: int, atoms_of: Atoms
) -> list[tuple[int, int]]:
    """The chunks of the recursive rules in characters, without overlap.

    Args:
        text: The source.
        start: First non-space index of the range.
        end: One past its last non-space character.
        limit: Most characters in a chunk.
        atoms_of: The atoms, by the general rules, of a piece with no line
            break inside, trimmed, longer than ``limit``.

    Returns:
        The ``(start, end)`` of each chunk, in order; the same as packing
        every atom greedily.

    Raises:
        NoProgress: When a chunk start fails to move forward.
    """
    scanner = _Scanner(text, end, limit, atoms_of, text.find("\u2029", start, end) >= 0)
    out: list[tuple[int, int]] = []
    pos = start
    ahead = (-1, 0, 0, 0)
    previous = start - 1
    while pos + limit < end:
        if pos <= previous:
            raise NoProgress(f"chunk start {pos} after {previous}")
        previous = pos
        _, stop, at_stop, last = ahead if ahead[0] == pos else scanner.probe(pos)
        if at_stop == _PARAGRAPH:
            out.append((pos, stop))
            pos = _run_end(text, stop)
            continue
        if last > pos:
            # last is in a whitespace run, usually of two newlines alone.
            piece = last + 1 if not text[last + 1].isspace() else _run_end(text, last + 1)
            # The paragraph after the last break fits when the chunk that
            # would start with it finds a break within its own limit; that
            # probe is the next chunk's first step, so it is kept.
            fits = piece + limit >= end
            if not fits:
                ahead = scanner.probe(piece)
                fits = ahead[2] == _PARAGRAPH or ahead[3] > piece
            if fits:
                out.append((pos, _run_start(text, last)))
                pos = piece
                continue
        pos = scanner.by_lines(out, pos, stop, at_stop)
    out.append((pos, end))
    return out
