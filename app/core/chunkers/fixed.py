"""Fixed windows of characters, words or tokens, with overlap.

In characters a window that would end inside a word is pulled back to the
last whitespace in it, so words are cut only when a single word is longer
than the window. In words a window is ``chunk_size`` whole words. In tokens
a window is ``chunk_size`` tokens of the whole text's encoding, trimmed, and
given back a token at a time while its own encoding is over ``chunk_size``;
the next window starts ``chunk_overlap`` tokens before the end of this one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.chunkers.base import InvalidOptions, SizeOptions
from app.core.chunkers.packing import Span, trim
from app.core.tokenizers import DEFAULT_TOKENIZER, get_tokenizer
from app.core.types import Chunk

_WORD = re.compile(r"\S+")
# The whitespace after which only non-whitespace follows up to the end of the
# searched range (endpos): the last word boundary of a window.
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")
_FIRST_NON_SPACE = re.compile(r"\S")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, kw_only=True)
class FixedChunker(SizeOptions):
    """Windows of ``chunk_size`` characters or words, stepping by size minus overlap."""

    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` into fixed windows; see the module docstring."""
        if self.unit == "tokens":
            spans = self._token_windows(text)
        else:
            spans = self._word_windows(text) if self.unit == "words" else self._char_windows(text)
        return Chunk.from_spans(text, spans)

    def _token_windows(self, text: str) -> list[Span]:
        index = get_tokenizer(self.tokenizer or DEFAULT_TOKENIZER).index(text)
        spans: list[Span] = []
        pos = 0
        while True:
            # A search, not trim(): trim would copy the rest of the text every window.
            first = _FIRST_NON_SPACE.search(text, pos)
            if first is None:
                return spans
            pos, tokens = first.start(), self.chunk_size
            end = index.advance(pos, tokens)
            # pos is at a non-space character, so no window trims to nothing.
            window = trim(text, pos, max(end, pos + 1)) or Span(pos, pos + 1)
            size = index.count(*window)
            while window.end > pos + 1 and size > self.chunk_size:
                tokens -= 1
                end = max(min(index.advance(pos, tokens), window.end - 1), pos + 1)
                window = trim(text, pos, end) or Span(pos, pos + 1)
                size = index.count(*window)
            if size > self.chunk_size:
                message = f"chunk_size {self.chunk_size} is smaller than the tokens of the character at {pos}"
                raise InvalidOptions("chunk_size", message)
            spans.append(window)
            if _FIRST_NON_SPACE.search(text, window.end) is None:
                return spans
            step = max(tokens - self.chunk_overlap, 1)
            pos = max(index.advance(pos, step), pos + 1) if self.chunk_overlap else window.end

    def _word_windows(self, text: str) -> list[Span]:
        words = [m.span() for m in _WORD.finditer(text)]
        step = self.chunk_size - self.chunk_overlap
        spans: list[Span] = []
        for i in range(0, len(words), step):
            last = min(i + self.chunk_size, len(words)) - 1
            spans.append(Span(words[i][0], words[last][1]))
            if last == len(words) - 1:
                break
        return spans

    def _char_windows(self, text: str) -> list[Span]:
        spans: list[Span] = []
        first = _FIRST_NON_SPACE.search(text)
        pos = first.start() if first else len(text)
        while pos < len(text):
            end = self._window_end(text, pos)
            span = trim(text, pos, end)
            if span is not None:
                spans.append(span)
            if end >= len(text):
                break
            pos = self._next_start(text, pos, end)
        return spans

    def _window_end(self, text: str, pos: int) -> int:
        end = min(pos + self.chunk_size, len(text))
        if end < len(text) and not text[end].isspace() and not text[end - 1].isspace():
            space = _LAST_SPACE.search(text, pos + 1, end)
            if space is not None:
                end = space.start()
        return end

    def _next_start(self, text: str, pos: int, end: int) -> int:
        start = end
        if self.chunk_overlap:
            start = max(end - self.chunk_overlap, pos + 1)
            if not text[start - 1].isspace():
                # Begin the overlap at the next word boundary rather than mid-word;
                # with none left in the window there is no overlap.
                boundary = _SPACE.search(text, start, end)
                start = boundary.end() if boundary else end
        first = _FIRST_NON_SPACE.search(text, start)
        return first.start() if first else len(text)
