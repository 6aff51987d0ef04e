"""Pieces of visible HTML text and where each came from in the source.

Text reaches the block reader decoded (``&amp;`` is already ``&``), so each
run is cut into *pieces*: literal text, which maps to the source character
for character, and decoded character references, which map to the whole
reference. A :class:`Line` joins pieces, normalises their whitespace, and
maps a position of its normalised text back to the source.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from html import unescape

# The references html.unescape decodes, matched the way it matches them, so
# decoding piece by piece gives exactly what decoding the run gave.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_WORD = re.compile(r"\S+")


class Piece:
    """A run of visible characters and its source span.

    Attributes:
        text: The visible characters.
        src: Source offset of the run.
        src_len: Length of the run in the source.
        exact: True when ``text`` is the source itself, character for
            character; False for a decoded reference (or an inserted space).
    """

    __slots__ = ("text", "src", "src_len", "exact")

    def __init__(self, text: str, src: int, src_len: int, exact: bool) -> None:
        """Record the characters and their source span."""
        self.text = text
        self.src = src
        self.src_len = src_len
        self.exact = exact

    @classmethod
    def space(cls, at: int) -> Piece:
        """A space the reader inserts (between table cells), from no source text."""
        return cls(" ", at, 0, False)

    @property
    def visible_start(self) -> int | None:
        """Source offset of the first non-whitespace character; None if there is none."""
        stripped = self.text.lstrip()
        if not stripped:
            return None
        return self.src + len(self.text) - len(stripped) if self.exact else self.src

    @property
    def visible_end(self) -> int:
        """Source offset just past the last non-whitespace character."""
        return self.src + len(self.text.rstrip()) if self.exact else self.src + self.src_len


def pieces_of(source: str, data: str, start: int, end: int) -> list[Piece]:
    """Cut decoded text into literal pieces and reference pieces.

    Args:
        source: The whole document.
        data: The decoded text the parser reported.
        start: Where the text starts in the source.
        end: Where the next token starts, so ``source[start:end]`` is the raw text.

    Returns:
        Pieces whose texts join to ``data``. When the raw text cannot be
        aligned with ``data`` (a case the parser does not produce), one
        inexact piece spanning ``[start, end)``.
    """
    if "&" not in data and source.startswith(data, start):
        return [Piece(data, start, len(data), True)]
    raw = source[start:end]
    pieces: list[Piece] = []
    pos = 0
    for match in _CHARREF.finditer(raw):
        if match.start() > pos:
            pieces.append(Piece(raw[pos : match.start()], start + pos, match.start() - pos, True))
        decoded = unescape(match.group())
        pieces.append(Piece(decoded, start + match.start(), len(match.group()), decoded == match.group()))
        pos = match.end()
    if pos < len(raw):
        pieces.append(Piece(raw[pos:], start + pos, len(raw) - pos, True))
    if "".join(p.text for p in pieces) != data:
        return [Piece(data, start, max(end - start, 1), False)]
    return [p for p in pieces if p.text]


class Line:
    """One line of a block's visible text, with the map back to the source.

    In flowing text every whitespace run becomes one space and the ends are
    trimmed; in ``pre`` (verbatim) the text is kept as it is.
    """

    __slots__ = ("text", "_raw", "_pieces", "_starts", "_verbatim", "_words")

    def __init__(self, pieces: list[Piece], verbatim: bool) -> None:
        """Join and normalise the pieces of one line."""
        self._pieces = pieces
        self._verbatim = verbatim
        self._starts: list[int] = []
        pos = 0
        for piece in pieces:
            self._starts.append(pos)
            pos += len(piece.text)
        self._raw = "".join(p.text for p in pieces)
        self.text = self._raw if verbatim else " ".join(self._raw.split())
        self._words: tuple[list[int], list[int]] | None = None

    def _raw_offset(self, offset: int) -> int:
        """Position in the joined raw text of ``text[offset]``."""
        if self._verbatim:
            return offset
        if self._words is None:
            # Built only for lines a chunk boundary falls inside.
            normal: list[int] = []
            raw: list[int] = []
            pos = 0
            for match in _WORD.finditer(self._raw):
                normal.append(pos)
                raw.append(match.start())
                pos += match.end() - match.start() + 1
            self._words = (normal, raw)
        normal, raw = self._words
        i = max(bisect_right(normal, offset) - 1, 0)
        return raw[i] + offset - normal[i]

    def source(self, offset: int, end: bool) -> int:
        """Source offset of ``text[offset]``: where it starts, or just past it when ``end``."""
        r = self._raw_offset(offset)
        i = max(bisect_right(self._starts, r) - 1, 0)
        piece, rel = self._pieces[i], r - self._starts[i]
        if piece.exact:
            return piece.src + rel + end
        if end and rel >= len(piece.text) - 1:
            return piece.src + piece.src_len
        # Inside a decoded reference: successive characters take successive
        # source positions so chunk starts still increase.
        return piece.src + min(rel, max(piece.src_len - 1, 0)) + end
