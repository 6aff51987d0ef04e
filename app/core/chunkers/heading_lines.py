"""Heading lines join the unit they open, so that no group of units is a heading alone.

Sentence and paragraph splitters take a heading line ("Preamble", "0.
Definitions.", "## Setup") for a unit of its own; grouped by similarity it
then often ends the previous group or stands alone, the title of a section
cut off from it. A unit is a heading when it is a line of its own (a line
break, or the start of the text, before it; a line break after it), at most
``HEADING_CHARS`` characters and ``HEADING_WORDS`` words, and it does not end
as a sentence does, or it starts with a section number or marker (numbered
headings often end with a full stop).
"""

from __future__ import annotations

import re

#: A heading is a line of at most this many characters and ``HEADING_WORDS`` words.
HEADING_CHARS = 80
HEADING_WORDS = 10
# Numbered or marked headings may end with a full stop ("0. Definitions.").
_HEADING = re.compile(r"#{1,6}\s|(?:\d+(?:\.\d+)*[.)]?|[IVXLC]+[.)]|[A-Z][.)]|Section|Article|Chapter)\s")
_NOT_HEADING_END = ".?!;,"


def _is_heading(text: str, start: int, end: int) -> bool:
    """Whether a unit is a short line of its own that does not read as a sentence."""
    line = text[start:end]
    if "\n" in line or end - start > HEADING_CHARS or len(line.split()) > HEADING_WORDS:
        return False
    # Look only at the neighbouring characters: slicing the text around every
    # unit would copy it each time, quadratic in the length of the text.
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    if before > 0 and text[before - 1] != "\n":
        return False
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after >= len(text) or text[after] not in "\n\r":
        return False
    return line[-1] not in _NOT_HEADING_END or _HEADING.match(line) is not None


def join_headings(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each heading unit joined to the unit after it (a run of headings to the first unit after them)."""
    out: list[tuple[int, int]] = []
    opening: int | None = None
    for i, (s, e) in enumerate(spans):
        if i + 1 < len(spans) and _is_heading(text, s, e):
            opening = s if opening is None else opening
            continue
        out.append((s if opening is None else opening, e))
        opening = None
    return out
