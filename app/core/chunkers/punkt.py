"""Offline sentence splitting: NLTK Punkt with parameters the project ships.

``split_sentences`` returns sentence spans (half-open, in code points) and never
downloads anything: instead of NLTK's ``punkt_tab`` model it builds
:class:`~nltk.tokenize.punkt.PunktParameters` from the reviewed word lists in
``app/core/data/`` (``abbreviations.txt``, ``titles.txt``, ``collocations.txt``,
``sentence_starters.txt``; the comments in each file say what it is for).

Pipeline, per paragraph (blank lines always end a sentence):

1. Punkt proposes sentence starts. It runs over bounded blocks so that the
   cost stays linear in the text (see ``_punkt_starts``), and it caches its
   verdict per candidate context (see ``_MemoPunkt``).
2. Breaks a careful reader would not make are undone: after a title such as
   "Dr." (titles.txt), after a lone list marker ("1."), after a quotation
   closed by ``.?!`` when the next word is lowercase (``"Stop!" he said.``)
   and before a speaker (``"Where is it?" John asked.``).
3. Breaks Punkt cannot see are added: after CJK sentence punctuation (。！？,
   also when no space follows), before a list item that starts a line, after
   "a.m."/"p.m."/"etc." before a capitalised word, and after a period inside
   closing quotes before a capitalised word.

Spans are then trimmed of surrounding whitespace. Together they cover every
non-whitespace character of the input range exactly once, in order.

Known limits: a sentence longer than ``_BLOCK_CHARS`` is cut at the last
whitespace of a block; "Dr." meaning Drive never ends a sentence; an
abbreviation such as "Inc." followed by a capitalised word that is not a
common sentence starter ("Acme Inc. Sarah left.") is not split.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import pairwise

from nltk.tokenize.punkt import (
    _ORTHO_BEG_UC,
    _ORTHO_MID_LC,
    PunktParameters,
    PunktSentenceTokenizer,
)

from app.core.chunkers.packing import trim
from app.core.chunkers.recursive import PARAGRAPH_BREAK
from app.core.lexicon import load_word_list

#: Most characters handed to Punkt at once. Punkt is superlinear on some inputs
#: and NLTK 3.10 runs its regexes under a wall-clock guard that raises
#: TimeoutError on texts of ~10 MB, so it only ever sees blocks this long.
#: Results equal Punkt's on the whole paragraph while sentences are shorter.
_BLOCK_CHARS = 20_000

#: Longest candidate context whose Punkt verdict is cached (see ``_MemoPunkt``).
_MEMO_MAX_CHARS = 80


_NON_SPACE = re.compile(r"\S")

#: Greedy, so it matches up to the last whitespace before ``endpos``.
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)

#: Closing quotes and brackets that belong to the sentence they follow.
_CLOSERS = "\"'”’»」』）〕】》〉)\\]"

#: CJK sentence punctuation ends a sentence even with no space after it, but
#: not a Japanese quotation that a particle continues: 「行こう！」と言った.
#: Possessive quantifiers stop a backtrack from splitting off the closers.
_CJK_END = rf"[。｡！？]++[{_CLOSERS}]*+(?!(?<=[」』])[とっ])"
_UP_TO_LAST_CJK_END = re.compile(rf".*{_CJK_END}", re.DOTALL)

#: Breaks added inside Punkt's sentences: after CJK sentence punctuation, and
#: before a bullet or numbered item that starts a line (Punkt sees no period
#: at the end of "- milk\n- eggs", yet a reader sees two items). Capital
#: letters are not item markers here: "John\nF. Kennedy" is a wrapped name.
_FORCED_BREAK = re.compile(
    rf"{_CJK_END}|\n[^\S\n]*(?=(?:[-*•]|\d{{1,3}}[.)]|[a-z][.)]|\([a-zA-Z0-9]\))[^\S\n]+\S)"
    # "a.m.", "p.m." and "etc." before a capitalised word end the sentence
    # ("at 9 a.m. Sarah will ..."), which Punkt only sees when the word is a
    # known sentence starter. A time zone, weekday or acronym continues it.
    r"|(?<![\w.])(?:[aApP]\.[mM]|etc)\.(?=\s+(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|(?:Eastern|Central|Mountain|Pacific|Greenwich|Universal|Local)\b|[A-Z]{2})[A-Z])"
    # A period inside closing quotes ends the sentence before a capital, even
    # after an abbreviation: 'He said "I work at Acme Inc." Then he left.'
    rf"|\.[{_CLOSERS}]+(?=\s+[A-Z])"
)

#: A sentence that is only a list marker: "1.", "2.1.", "iv.", "b.". Roman
#: numerals stop at i/v/x so that words such as "Mix." or "Civil." stay.
_LONE_ENUMERATOR = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*|[ivx]{1,5}|[IVX]{1,5}|[^\W\d_])\.")

#: The word before a sentence-final period; the look-behind keeps "TMr." and
#: "U.Dr." from passing as "Mr." or "Dr.".
_LAST_ABBREVIATION = re.compile(r"(?<![\w.])([^\W\d_]+)\.\Z")

#: ``.?!`` closed by a quote or bracket, at the end of a sentence.
_QUOTED_END = re.compile(rf"[.?!][{_CLOSERS}]+\Z")

#: A quoted question or exclamation is continued by its speaker, as in
#: ``"Where is it?" John asked.``: one or two capitalised words, then a verb
#: of speech.
_QUOTED_QUESTION_END = re.compile(rf"[?!][{_CLOSERS}]+\Z")
_SPEAKER = re.compile(
    r"[A-Z][\w'-]*(?: [A-Z][\w'-]*)? (?:asked|said|replied|answered|shouted|cried|"
    r"called|whispered|added|exclaimed|wondered|yelled|muttered)\b"
)


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
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(text, 0, stop):
        punkt_spans = _spans_between(text, _punkt_starts(text, p_start, p_end), p_end)
        for s, e in _undo_false_breaks(text, punkt_spans):
            spans.extend(_add_forced_breaks(text, s, e))
    return spans


def warm_up() -> None:
    """Load the shipped Punkt parameters and compile Punkt's regexes.

    Call it from a readiness probe so the first request does not pay for it.
    """
    split_sentences("Warm up, e.g. at start. Done.")


class _MemoPunkt(PunktSentenceTokenizer):  # type: ignore[misc]
    """Punkt that remembers its verdict on each candidate context.

    Punkt spends most of its time deciding, for each ``.?!``, whether the
    short context around it ("word. Next") holds a break. The verdict depends
    on that string only, and repetitive input ("a. " * 100_000, tables of
    "Dr. " lines) repeats contexts, so a bounded cache makes it several times
    faster there and costs little on ordinary prose.
    """

    def __init__(self, params: PunktParameters) -> None:
        super().__init__(params)
        self._verdicts = lru_cache(maxsize=4096)(super().text_contains_sentbreak)

    def text_contains_sentbreak(self, text: str) -> bool:
        """Return Punkt's own verdict, cached by context."""
        if len(text) > _MEMO_MAX_CHARS:
            # A context holds a whole "word", which may be a block long;
            # caching those could pin megabytes for no hit rate.
            return bool(super().text_contains_sentbreak(text))
        return bool(self._verdicts(text))


@cache
def _tokenizer() -> _MemoPunkt:
    """Build the Punkt tokenizer from the word lists in ``app/core/data/``."""
    params = PunktParameters()
    params.abbrev_types = set(load_word_list("abbreviations.txt")) | _titles()
    params.collocations = {_pair(line) for line in load_word_list("collocations.txt")}
    starters = load_word_list("sentence_starters.txt")
    params.sent_starters = {word.lower() for word in starters}
    for word in starters:
        # Seen capitalised at sentence starts and lowercase inside sentences:
        # this is what lets Punkt end a sentence after "Inc." before "The".
        # "I" is always capitalised and so is no such evidence.
        if word.islower():
            params.add_ortho_context(word, _ORTHO_BEG_UC | _ORTHO_MID_LC)
    return _MemoPunkt(params)


@cache
def _titles() -> frozenset[str]:
    """Abbreviations that stand before a name and so never end a sentence."""
    return frozenset(load_word_list("titles.txt"))


def _pair(line: str) -> tuple[str, str]:
    """Parse one ``collocations.txt`` line into Punkt's (type, type) form."""
    first, second = line.split()
    return first, second


def _paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the trimmed, non-empty paragraphs of ``text[start:end]``."""
    pos = start
    for match in PARAGRAPH_BREAK.finditer(text, start, end):
        if span := trim(text, pos, match.start()):
            yield span
        pos = match.end()
    if span := trim(text, pos, end):
        yield span


def _punkt_starts(text: str, start: int, end: int) -> list[int]:
    """Return where Punkt starts sentences in the paragraph ``text[start:end]``.

    Punkt runs over blocks of at most ``_BLOCK_CHARS`` cut at whitespace. The
    last sentence of a block may be incomplete, so it is dropped and the next
    block starts there; every earlier break depends only on text inside the
    block, so it equals Punkt's break on the whole paragraph. When a block
    holds a single sentence (one longer than a block), the block end is
    accepted as a forced break: the only place where results can differ.
    """
    starts: list[int] = []
    pos = start
    while end - pos > _BLOCK_CHARS:
        cut = _cut_point(text, pos, pos + _BLOCK_CHARS)
        found = _block_starts(text, pos, cut)
        if len(found) == 1:
            found.append(_skip_space(text, cut, end))
        starts.extend(found[:-1])
        pos = found[-1]
    starts.extend(_block_starts(text, pos, end))
    return starts


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to end a block: the last whitespace, else after the last CJK sentence end."""
    if match := _UP_TO_LAST_SPACE.match(text, start + 1, limit):
        return match.end() - 1
    if match := _UP_TO_LAST_CJK_END.match(text, start, limit):
        return match.end()
    # A block without whitespace or CJK punctuation ("a" * 10**6) is cut hard.
    return limit


def _skip_space(text: str, pos: int, end: int) -> int:
    """Return the first non-whitespace index in ``[pos, end)``, else ``end``."""
    match = _NON_SPACE.search(text, pos, end)
    return match.start() if match else end


def _block_starts(text: str, start: int, end: int) -> list[int]:
    """Run Punkt on ``text[start:end]`` (``text[start]`` not whitespace).

    Returns:
        Absolute, strictly increasing sentence starts; the first is ``start``.
    """
    starts = [start]
    for rel_start, _ in _tokenizer().span_tokenize(text[start:end]):
        # Punkt's realignment can move a start onto whitespace; starts must
        # sit on content so that spans never begin with a blank.
        pos = _skip_space(text, start + rel_start, end)
        if starts[-1] < pos < end:
            starts.append(pos)
    return starts


def _spans_between(text: str, starts: list[int], end: int) -> list[tuple[int, int]]:
    """Turn sentence starts into trimmed spans; each runs to the next start."""
    bounds = [*starts, end]
    return [span for s, e in pairwise(bounds) if (span := trim(text, s, e))]


def _undo_false_breaks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge each span into the previous one when the break between them is false."""
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and _is_false_break(text, merged[-1], span):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _is_false_break(text: str, before: tuple[int, int], after: tuple[int, int]) -> bool:
    """Tell whether Punkt's break between two adjacent spans should be undone."""
    b_start, b_end = before
    if _LONE_ENUMERATOR.fullmatch(text, b_start, b_end):
        return True
    # Only the tail matters; a bounded window keeps each check O(1).
    tail = max(b_start, b_end - 16)
    title = _LAST_ABBREVIATION.search(text, tail, b_end)
    if title and title.group(1).lower() in _titles():
        return True
    if _QUOTED_END.search(text, tail, b_end) and text[after[0]].islower():
        return True
    return bool(_QUOTED_QUESTION_END.search(text, tail, b_end)) and bool(
        _SPEAKER.match(text, after[0], after[1])
    )


def _add_forced_breaks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split one sentence at CJK sentence ends and at line-initial list items."""
    pos = start
    for match in _FORCED_BREAK.finditer(text, start, end):
        if span := trim(text, pos, match.end()):
            yield span
            pos = match.end()
    if span := trim(text, pos, end):
        yield span
