"""Offline sentence splitting: Punkt-style rules with word lists the project ships.

``split_sentences`` returns sentence spans (half-open, in code points). It
downloads nothing and loads no model: the decisions use the reviewed word
lists in ``app/core/data/`` (``abbreviations.txt``, ``titles.txt``,
``collocations.txt``, ``sentence_starters.txt``), the same evidence NLTK's
Punkt takes as parameters, applied by the rules in
:mod:`app.core.chunkers.sentence_rules`.

One precompiled regex finds every candidate in a single pass over the text,
and each is decided from the word before it and the word after it only, so
the cost is linear in the text. Nothing is cached: the speed does not depend
on text repeating. Candidates:

* paragraph breaks (a blank line or U+2029), which always end a sentence;

* ``.?!`` and ellipses followed by whitespace, with any closing quotes or
  brackets (``sentence_rules.period_ends`` settles abbreviations, initials,
  numbers, times and list markers; ``?!`` inside quotes continue before a
  lowercase word or a speaker, as in ``"Where is it?" John asked.``);
* CJK sentence punctuation (。！？), also with no space after it, except a
  Japanese quotation continued by a particle (「行こう！」と言った);
* line breaks after a line without final punctuation: before a list item or
  chat line, after a line ending in a colon, and after a short line (a
  heading) when the next line starts with a capital;
* list markers written inline ("1)", "(b)", "ii.") that continue a sequence
  or follow a colon, before a capitalised item.

Spans are trimmed of surrounding whitespace. Together they cover every
non-whitespace character of the input range exactly once, in order.

Known limits: an abbreviation followed by a capitalised word that is not a
common sentence starter stays inside the sentence ("Acme Inc. Sarah left."
is one sentence), and a line of wrapped prose that happens to be short
before a capitalised line reads as a heading.
"""

from __future__ import annotations

import re

from app.core.chunkers import sentence_rules as rules
from app.core.chunkers.sentence_rules import CLOSERS, OPENERS

#: A blank line (only whitespace between two newlines) or U+2029 PARAGRAPH
#: SEPARATOR: a paragraph break, and so always a sentence break.
_PARAGRAPH = r"\n[^\S\n]*\n|\u2029"
_PARAGRAPH_BREAK = re.compile(_PARAGRAPH)
_NON_SPACE = re.compile(r"\S")

#: Possessive quantifiers stop a backtrack from splitting off the closers.
_CJK_END = rf"[。｡！？]++[{CLOSERS}]*+(?!(?<=[」』])[とっ])"
_CANDIDATE = re.compile(
    # The look-ahead on one character class comes first because it lets the
    # regex engine skip quickly to the next candidate (four times faster on
    # prose than the bare alternation).
    r"(?=[.?!…\n)。｡！？\u2029])"
    rf"(?:(?P<cjk>{_CJK_END})"
    rf"|(?P<end>\.(?:[^\S\n]\.){{2,}}|[.?!…]+)(?P<close>[{CLOSERS}]*)(?=\s|\Z)"
    rf"|(?P<para>{_PARAGRAPH})"
    # A line break matters only before a capital, a digit, a list or chat
    # marker, or a short lowercase label ("ben: ", "b) "): wrapped prose
    # continuing in lowercase is skipped by the regex itself.
    r"|(?P<line>\n)(?=[^\S\n]*(?:[^\w\s]|[A-Z0-9]|[a-z][\w.-]{0,20}[:.)]))"
    # Only the ")" of an inline list marker: every alternative then starts
    # with a fixed set of characters, which lets the regex engine skip ahead.
    r"|(?P<item>\))(?=[^\S\n]+\S))"
)
#: The marker that the ")" candidate closes: "(b)", "2)", "iv)", after whitespace.
_MARKER_BEFORE = re.compile(r"(?<!\S)\(?(\d{1,3}|[a-z]|[A-Z](?<=\(.)|[ivx]{1,4})\Z")
#: The next word after a candidate: openers, then at most 40 visible characters.
_NEXT = re.compile(rf"\s+([{OPENERS}]*)(\S{{1,40}})")
#: What starts a line that is a new item whatever the line before it: a
#: bullet, a numbered or lettered marker, a Markdown heading, a chat
#: timestamp, nick or speaker label.
_LINE_ITEM = re.compile(
    r"[^\S\n]*(?:[-*•+]|\d{1,3}[.)]|\d{1,3}(?:\.\d{1,3})+[.)]?|[a-z][.)]|\(\w{1,3}\)|#{1,6})[^\S\n]"
    r"|[^\S\n]*(?:\[\d|<[\w.-]+>|[A-Za-z][\w.-]{0,20}:[^\S\n])"
)
_LINE_CAPITAL = re.compile(rf"[^\S\n]*[{OPENERS}]*[A-Z0-9]")
#: ``?!`` in quotes continued by a speaker: ``"Where is it?" John asked.``
_SPEAKER = re.compile(
    r"\s+[A-Z][\w'-]*(?: [A-Z][\w'-]*)? (?:asked|said|replied|answered|shouted|cried|"
    r"called|whispered|added|exclaimed|wondered|yelled|muttered)\b"
)
#: Emoji and pictographs stay with the sentence they close: "Happy birthday!! 🎉".
_SYMBOLS = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]+")
#: A line ending with one of these continues on the next line.
_CONTINUES = frozenset(",;-–—(/&")
_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with and or nor but as that than this these is are".split()
)
#: A line shorter than this share of the paragraph's longest line is short
#: (a heading, a list line); paragraphs whose lines are all shorter than
#: ``_NARROW`` characters are not wrapped prose, so every line is short.
_SHORT_SHARE = 0.7
_NARROW = 50


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences.

    The range is split as if it were the whole text, so the result equals
    ``split_sentences(text[start:end])`` shifted by ``start``.

    Args:
        text: The whole document; offsets refer to it.
        start: First code point of the range to split.
        end: One past the last code point of the range; ``None`` means
            ``len(text)``.

    Returns:
        Half-open ``(start, end)`` spans in code points, in order, not
        overlapping. Each span is trimmed (its first and last characters are
        not whitespace), and together they cover every non-whitespace
        character of the range exactly once. An empty or whitespace-only range
        gives ``[]``.

    Raises:
        ValueError: If the range is not ``0 <= start <= end <= len(text)``.
    """
    stop = len(text) if end is None else end
    if not 0 <= start <= stop <= len(text):
        raise ValueError(f"invalid range [{start}:{end}] for a text of {len(text)} characters")
    if start > 0 or stop < len(text):
        # Split the range as a text of its own: look-behinds in the rules
        # must not see characters outside it.
        return [(s + start, e + start) for s, e in split_sentences(text[start:stop])]
    return _Scanner(text).spans()


def warm_up() -> None:
    """Load the shipped word lists and compile the rules' regexes.

    Call it from a readiness probe so the first request does not pay for it.
    """
    split_sentences("Warm up, e.g. at 9 a.m. Done.\n- item (a) One (b) Two\n\nEnd")


class _Scanner:
    """One pass over a text, deciding each candidate as it comes.

    State kept between candidates, all O(1): where the current sentence and
    paragraph start, the last list marker seen (so "2)" after "1)" starts an
    item) and the paragraph's longest line (computed once per paragraph, when
    a line break needs it).
    """

    __slots__ = ("_end", "_marker", "_para", "_seg", "_spans", "_text", "_width")

    def __init__(self, text: str) -> None:
        self._text, self._end = text, len(text)
        self._para = 0
        self._seg = _skip_space(text, 0, self._end)
        self._marker: str | None = None
        self._width = -1
        self._spans: list[tuple[int, int]] = []

    def spans(self) -> list[tuple[int, int]]:
        """Return the trimmed sentence spans of the whole text."""
        for match in _CANDIDATE.finditer(self._text):
            # The last group that matched tells the kind: 1 cjk, 3 close
            # (after end), 4 paragraph, 5 line, 6 item.
            kind = match.lastindex
            if kind == 3:
                self._terminal(match)
            elif kind == 5:
                self._line(match.start())
            elif kind == 4:
                self._cut(match.start())
                self._para, self._marker, self._width = match.end(), None, -1
            elif kind == 6:
                self._item(match)
            else:
                self._cut(match.end())
        self._cut(self._end)
        return self._spans

    def _cut(self, pos: int) -> None:
        """End the current sentence before ``pos`` (if it holds anything)."""
        seg = self._seg
        if pos > seg:
            text = self._text
            self._spans.append((seg, seg + len(text[seg:pos].rstrip())))
            # Whitespace between sentences is short: look at a small window
            # first and search further only when it is all whitespace.
            gap = text[pos : pos + 16]
            skipped = len(gap) - len(gap.lstrip())
            self._seg = pos + skipped if skipped < len(gap) else _skip_space(text, pos, self._end)

    def _terminal(self, match: re.Match[str]) -> None:
        """Decide at ``.?!`` or an ellipsis, with any closers after it."""
        text, cut = self._text, match.end()
        after = _NEXT.match(text, cut)
        if after is None:
            return
        word, term, close = after.group(2), match.group(2), match.group(3)
        if term[-1] in "?!":
            if close and (word[0].islower() or _SPEAKER.match(text, cut)):
                return
        elif term != "." or close:
            # An ellipsis, or a period inside quotes or brackets: it ends the
            # sentence unless a lowercase word continues it.
            if word[0].islower() or not (word[0].isupper() or after.group(1)):
                return
        elif not self._period_ends(match.start(), word):
            return
        if not word[0].isalnum() and (symbols := _SYMBOLS.match(word)) and symbols.end() == len(word):
            cut = after.end()
        self._cut(cut)

    def _period_ends(self, pos: int, after: str) -> bool:
        """Decide at a bare period at ``pos``; list markers are handled here."""
        text = self._text
        window = text[max(self._seg, pos - 48) : pos]
        raw = "" if not window or window[-1].isspace() else window.rsplit(None, 1)[-1]
        word_start = pos - len(raw)
        word = raw.lstrip(OPENERS).rstrip(CLOSERS)
        if not word:
            return True
        marker = len(word) < 8 and word == raw and rules.is_enumerator(word)
        if marker and self._is_marker(word_start, word, after):
            return False
        after_number = word_start > 1 and text[word_start - 1] == " " and text[word_start - 2].isdigit()
        return rules.period_ends(word, after, after_number)

    def _is_marker(self, pos: int, marker: str, after: str) -> bool:
        """Whether ``marker.`` at ``pos`` numbers an item; cuts before it if it starts one."""
        if pos == self._seg or self._after_label(pos):
            self._marker = marker
            return True
        if after[0].isupper() and (rules.follows(marker, self._marker) or self._after_colon(pos)):
            self._cut(pos)
            self._marker = marker
            return True
        return False

    def _after_label(self, pos: int) -> bool:
        """Whether a heading label ("Section", "Step") opens the sentence right before ``pos``."""
        label_end = pos - 1
        # Labels are short words: the bound keeps this check O(1).
        return (
            0 < label_end - self._seg <= 8
            and self._text[label_end] == " "
            and rules.is_label(self._text[self._seg : label_end])
        )

    def _after_colon(self, pos: int) -> bool:
        return self._text[max(self._seg, pos - 8) : pos].rstrip().endswith(":")

    def _item(self, match: re.Match[str]) -> None:
        """An inline "1)" or "(b)": it starts an item after a colon or its predecessor."""
        found = _MARKER_BEFORE.search(self._text, max(self._seg, match.start() - 5), match.start())
        if found is None:
            return
        pos, marker = found.start(), found.group(1)
        after = _NEXT.match(self._text, match.end())
        starts = after is not None and after.group(2)[0].isupper()
        if pos > self._seg and starts and (rules.follows(marker, self._marker) or self._after_colon(pos)):
            self._cut(pos)
        self._marker = marker

    def _line(self, pos: int) -> None:
        """Decide at a line break inside a paragraph."""
        text = self._text
        if _LINE_ITEM.match(text, pos + 1):
            self._cut(pos)
            return
        line_start = text.rfind("\n", self._para, pos) + 1 or self._para
        line = text[max(self._seg, line_start) : pos].rstrip()
        if not line or line[-1] in ".?!…" or line[-1] in CLOSERS:
            return
        if not _LINE_CAPITAL.match(text, pos + 1):
            return
        # A heading is a whole line: one whose sentence began mid-line is prose.
        if line[-1] == ":" or (self._seg <= line_start and self._is_short(line)):
            self._cut(pos)

    def _is_short(self, line: str) -> bool:
        """Whether ``line`` is a heading-like short line that does not continue."""
        if line[-1] in _CONTINUES or line.rsplit(None, 1)[-1].lower() in _FUNCTION_WORDS:
            return False
        if self._width < 0:
            found = _PARAGRAPH_BREAK.search(self._text, self._para)
            para_end = found.start() if found else self._end
            self._width = max(map(len, self._text[self._para : para_end].split("\n")))
        return self._width < _NARROW or len(line) < _SHORT_SHARE * self._width


def _skip_space(text: str, pos: int, end: int) -> int:
    """Return the first non-whitespace index in ``[pos, end)``, else ``end``."""
    match = _NON_SPACE.search(text, pos, end)
    return match.start() if match else end
