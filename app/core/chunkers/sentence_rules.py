"""Word-level rules of the sentence splitter: is this period the end of a sentence?

:mod:`app.core.chunkers.punkt` finds the candidate places in one regex pass
and asks the functions here about each one. Every rule looks at the word
before a candidate and the word after it, never further, so a decision costs
O(1) and the splitter stays linear in the text. The word lists come from
``app/core/data/`` (the comments in each file say what it is for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from app.core.lexicon import load_word_list

#: Closing quotes and brackets that belong to the sentence they follow.
CLOSERS = "\"'”’»」』）〕】》〉)\\]"
#: Opening quotes, brackets and emphasis marks skipped to reach the next word.
OPENERS = "\"'“‘«([{<*_¿¡"

#: Abbreviations that introduce what follows and so never end a sentence,
#: whatever comes next: "N.B. If ...", "e.g. Paris", "cf. Section 4".
_INTRODUCERS = frozenset({"e.g", "i.e", "cf", "viz", "vs", "v", "n.b", "p.s"})
#: Abbreviations that end a sentence before any capitalised word that is not
#: a day, month, time zone or acronym: "at 9 a.m. Sarah will ...".
_CLOCK_OR_LIST_END = frozenset({"a.m", "p.m", "etc"})
_NOT_AFTER_CLOCK = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"|(?:Eastern|Central|Mountain|Pacific|Greenwich|Universal|Local)\b|[A-Z]{2}"
)
#: "u.s", "ph.d", "s.d.n.y": letters joined by periods, each part short.
_DOTTED = re.compile(r"[^\W\d_]{1,2}(?:\.[^\W\d_]{1,2})+")
#: The letters that begin the next word: "It's" → "It".
_LEAD = re.compile(r"[^\W\d_]*")
#: A list marker written inline: "1", "12", "a", "iv", "H2", "2.1".
_ENUMERATOR = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivx]{1,4}|[A-Z]\d{0,2})")
#: A word that labels a numbered heading: "Section 4.2. Termination."
_LABELS = frozenset({"step", "section", "article", "chapter", "part", "item", "rule", "clause"})
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The shipped word lists, as frozensets for O(1) lookups."""

    abbreviations: frozenset[str]
    starters: frozenset[str]
    before_number: frozenset[str]


@cache
def lexicon() -> Lexicon:
    """Load the word lists from ``app/core/data/`` once per process."""
    abbreviations = set(load_word_list("abbreviations.txt")) | set(load_word_list("titles.txt"))
    before_number = {line.split()[0] for line in load_word_list("collocations.txt")}
    return Lexicon(
        abbreviations=frozenset(abbreviations),
        starters=frozenset(word.lower() for word in load_word_list("sentence_starters.txt")),
        before_number=frozenset(before_number),
    )


def is_enumerator(token: str) -> bool:
    """Whether ``token`` (without its ``.`` or ``)``) can number a list item."""
    return _ENUMERATOR.fullmatch(token) is not None


def is_label(word: str) -> bool:
    """Whether ``word`` names a numbered heading ("Section", "Step", ...)."""
    return word.lower() in _LABELS


def follows(marker: str, previous: str | None) -> bool:
    """Whether list marker ``marker`` comes right after ``previous`` (1→2, a→b, ii→iii)."""
    if previous is None:
        return False
    if marker.isdigit() and previous.isdigit():
        return int(marker) == int(previous) + 1
    if previous in _ROMAN and marker in _ROMAN:
        return _ROMAN.index(marker) == _ROMAN.index(previous) + 1
    return len(marker) == len(previous) == 1 and ord(marker) == ord(previous) + 1


def period_ends(word: str, after: str, after_number: bool = False) -> bool:
    """Decide whether ``word.`` ends a sentence when ``after`` comes next.

    Args:
        word: The token before the period, openers and closers stripped
            (``"Inc"``, ``"U.S"``, ``"3.14"``, ``"J"``).
        after: The next word, openers stripped; its first character is not
            whitespace. Never empty.
        after_number: Whether a number stands right before ``word``, which
            makes an abbreviation a unit ("2.4 bn.", "5 lbs.", "12 min.").

    Returns:
        True for a sentence break after the period.
    """
    low = word.lower()
    if low in _INTRODUCERS:
        return False
    words = lexicon()
    abbreviation = _is_abbreviation(word, low, words)
    first = after[0]
    if first.isdigit():
        # "No. 5", "Vol. 2", "p. 12", "Jan. 5" continue; "in 2019. 2020 was" ends.
        return not (abbreviation or low in words.before_number)
    if low in _CLOCK_OR_LIST_END:
        return first.isupper() and _NOT_AFTER_CLOCK.match(after) is None
    if not abbreviation:
        # A plain word or a number ends its sentence whatever follows.
        return True
    if after_number or (len(word) == 1 and word.islower()):
        # A unit ("2 h.", "2.4 bn.") or a letter of "e. g.": not an initial
        # or a title, so a capital after it starts a sentence.
        return first.isupper()
    if not first.isupper():
        return False
    lead = _LEAD.match(after)
    return lead is not None and lead.group().lower() in words.starters


def _is_abbreviation(word: str, low: str, words: Lexicon) -> bool:
    """Abbreviations, initials ("J", "h") and dotted forms ("U.S", "Ph.D")."""
    if low in words.abbreviations:
        return True
    if len(word) == 1:
        return word.isalpha()
    return _DOTTED.fullmatch(word) is not None
